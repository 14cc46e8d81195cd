"""An officer's edits stick: saved over the version opened, conflicts, confirmations (#10)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import loaders, register_bulk
from dashboard.register import engine as register_engine
from dashboard.register import exports, model, queries, store, tables
from dashboard.register.auth import OFFICER, User
from tests.conftest import ROOT, sign_in

ANN = User("ann", OFFICER, "Ann Officer")
BEN = User("ben", OFFICER, "Ben Officer")


@pytest.fixture
def link_id() -> int:
    """An active link between two Worcestershire schools, with 3 meetings this year."""
    engine = register_engine.open_register()
    saved = store.add_link(
        engine,
        model.LinkInput(
            136925, 116859, link_types=("ethnicity",), status="active", meetings_this_year=3
        ),
        ANN,
        known_urns=loaders.load_known_urns(),
    )
    return saved.link_id


def page(tab: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    sign_in(at, ANN)
    at.run()
    at.switch_page("pages/register.py")
    at.session_state["register_tab"] = tab
    return at.run()


def _plain(elements) -> list[str]:
    """Message texts without Markdown escapes (messages escape their text)."""
    return [e.value.replace("\\", "") for e in elements]


def stored(link: int) -> model.Link:
    return queries.get_link(register_engine.open_register(), link)


def audit_actions(link: int) -> list[str]:
    log = queries.audit_log(register_engine.open_register(), link)
    return log.drop_duplicates(["changed_at", "action"])["action"].tolist()


def test_editing_twice_saves_twice_and_stays_on_the_tab(link_id):
    at = page("Edit or end a link")
    at.selectbox(key="register_edit_id").set_value(link_id).run()
    at.text_area(key=f"register_edit_{link_id}_1_notes").set_value("First visit planned").run()
    at.button(key=f"register_save_{link_id}").click().run()
    assert any("saved (now version 2)" in s for s in _plain(at.success))
    assert at.session_state["register_tab"] == "Edit or end a link"
    at.text_area(key=f"register_edit_{link_id}_2_notes").set_value("Second visit planned").run()
    at.button(key=f"register_save_{link_id}").click().run()
    assert not at.error
    assert stored(link_id).notes == "Second visit planned"
    assert audit_actions(link_id) == ["update", "update", "create"]


def test_a_save_with_nothing_changed_says_so(link_id):
    at = page("Edit or end a link")
    at.selectbox(key="register_edit_id").set_value(link_id).run()
    at.button(key=f"register_save_{link_id}").click().run()
    assert any("nothing to save" in s for s in _plain(at.success))
    assert stored(link_id).version == 1


def test_a_conflict_stays_on_screen_in_words_and_start_again_works(link_id):
    at = page("Edit or end a link")
    at.selectbox(key="register_edit_id").set_value(link_id).run()
    engine = register_engine.open_register()
    fields = {n: getattr(stored(link_id), n) for n in model.EDITABLE_FIELDS}
    store.update_link(
        engine,
        link_id,
        model.LinkInput(**{**fields, "link_types": ("ethnicity", "faith"), "notes": "Ben's"}),
        BEN,
        expected_version=1,
        known_urns=loaders.load_known_urns(),
    )
    at.text_area(key=f"register_edit_{link_id}_1_notes").set_value("Ann's").run()
    at.button(key=f"register_save_{link_id}").click().run()
    assert "ben saved this link after you opened it" in at.error[0].value
    table = at.dataframe[0].value
    assert "ethnicity, faith" in set(table.iloc[:, 3])  # words, not a tuple
    assert "('ethnicity', 'faith')" not in table.to_string()
    at.run()  # any other click: the conflict is still shown
    assert "ben saved this link" in at.error[0].value
    at.button(key=f"register_reload_{link_id}").click().run()
    assert not at.error
    assert at.text_area(key=f"register_edit_{link_id}_2_notes").value == "Ben's"
    at.text_area(key=f"register_edit_{link_id}_2_notes").set_value("Ann's, after Ben's").run()
    at.button(key=f"register_save_{link_id}").click().run()
    assert stored(link_id).notes == "Ann's, after Ben's"


def test_own_save_elsewhere_refreshes_the_form_without_a_warning(link_id):
    """After the officer's own bulk edit, the edit form opens the new version by itself."""
    at = page("Edit or end a link")
    at.selectbox(key="register_edit_id").set_value(link_id).run()
    fields = {n: getattr(stored(link_id), n) for n in model.EDITABLE_FIELDS}
    store.update_link(
        register_engine.open_register(),
        link_id,
        model.LinkInput(**{**fields, "meetings_this_year": 4}),
        ANN,
        expected_version=1,
        known_urns=loaders.load_known_urns(),
    )
    at.run()
    assert not [i for i in at.info if "after you opened it" in i.value]
    assert at.number_input(key=f"register_edit_{link_id}_2_meetings").value == 4
    at.text_area(key=f"register_edit_{link_id}_2_notes").set_value("After my bulk edit").run()
    at.button(key=f"register_save_{link_id}").click().run()
    assert not at.error
    assert stored(link_id).notes == "After my bulk edit"


def test_ending_a_link_asks_first(link_id):
    at = page("Edit or end a link")
    at.selectbox(key="register_edit_id").set_value(link_id).run()
    at.button(key=f"register_end_{link_id}").click().run()
    assert stored(link_id).status == "active"
    assert f"End link #{link_id} today" in at.warning[0].value
    at.button(key=f"register_end_yes_{link_id}").click().run()
    assert stored(link_id).status == "ended"
    assert audit_actions(link_id)[0] == "end"


def test_bulk_saves_compare_with_what_was_shown_and_each_says_so(link_id):
    """The editor's rows, changed twice (3 -> 4 -> 5): both saves land and are audited."""
    engine = register_engine.open_register()
    table = tables.register_table(queries.list_links(engine), loaders.load_schools())
    shown = table[table["status"] != "ended"][list(BULK_FIELDS)].reset_index(drop=True)
    first = register_bulk.changed_rows(shown, _with_meetings(shown, link_id, 4))
    assert register_bulk.save_rows(engine, ANN, first, loaders.load_known_urns()) == [
        ("success", f"Link #{link_id} saved (now version 2).")
    ]
    table = tables.register_table(queries.list_links(engine), loaders.load_schools())
    shown = table[table["status"] != "ended"][list(BULK_FIELDS)].reset_index(drop=True)
    second = register_bulk.changed_rows(shown, _with_meetings(shown, link_id, 5))
    assert len(second) == 1
    register_bulk.save_rows(engine, ANN, second, loaders.load_known_urns())
    assert stored(link_id).meetings_this_year == 5
    assert audit_actions(link_id) == ["update", "update", "create"]


def test_a_bulk_row_shown_before_someone_elses_save_is_refused_by_name(link_id):
    engine = register_engine.open_register()
    table = tables.register_table(queries.list_links(engine), loaders.load_schools())
    shown = table[table["status"] != "ended"][list(BULK_FIELDS)].reset_index(drop=True)
    fields = {n: getattr(stored(link_id), n) for n in model.EDITABLE_FIELDS}
    store.update_link(
        engine,
        link_id,
        model.LinkInput(**{**fields, "notes": "Ben's"}),
        BEN,
        expected_version=1,
        known_urns=loaders.load_known_urns(),
    )
    rows = register_bulk.changed_rows(shown, _with_meetings(shown, link_id, 9))
    [(kind, message)] = register_bulk.save_rows(engine, ANN, rows, loaders.load_known_urns())
    assert kind == "error"
    assert "not saved" in message
    assert stored(link_id).meetings_this_year == 3


def test_the_bulk_editor_starts_afresh_after_a_save(link_id):
    engine = register_engine.open_register()
    table = tables.register_table(queries.list_links(engine), loaders.load_schools())
    before = register_bulk.bulk_editor_key(table)
    fields = {n: getattr(stored(link_id), n) for n in model.EDITABLE_FIELDS}
    store.update_link(
        engine,
        link_id,
        model.LinkInput(**{**fields, "meetings_this_year": 4}),
        ANN,
        expected_version=1,
        known_urns=loaders.load_known_urns(),
    )
    table = tables.register_table(queries.list_links(engine), loaders.load_schools())
    assert register_bulk.bulk_editor_key(table) != before


BULK_FIELDS = ("link_id", "school", "partner", "status", "meetings_this_year", "version")


def _with_meetings(shown: pd.DataFrame, link_id: int, meetings: int) -> pd.DataFrame:
    out = shown.copy()
    out.loc[out["link_id"] == link_id, "meetings_this_year"] = meetings
    return out


@pytest.mark.parametrize("state", ["seeded", "added", "edited", "ended"])
def test_exports_open_in_every_state_of_the_register(state, link_id):
    """The page's exports (the same library calls) open in openpyxl and pandas."""
    engine = register_engine.open_register()
    if state == "seeded":
        with engine.begin() as connection:
            connection.execute(
                model.links_table.delete().where(model.links_table.c.link_id == link_id)
            )
    elif state == "edited":
        fields = {n: getattr(stored(link_id), n) for n in model.EDITABLE_FIELDS}
        store.update_link(
            engine,
            link_id,
            model.LinkInput(**{**fields, "notes": '=HYPERLINK("x")'}),
            ANN,
            expected_version=1,
            known_urns=loaders.load_known_urns(),
        )
    elif state == "ended":
        store.end_link(
            engine,
            link_id,
            ANN,
            expected_version=1,
            end_date=pd.Timestamp.today().date(),
            known_urns=loaders.load_known_urns(),
        )
    table = tables.register_table(queries.list_links(engine), loaders.load_schools())
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes({"Links": table})))["Links"]
    headings = [c.value for c in sheet[1]]
    assert "updated_at (Europe/London)" in headings
    assert sheet.max_row == len(table) + 1
    csv = pd.read_csv(io.BytesIO(exports.to_csv_bytes(table)), encoding="utf-8-sig")
    assert len(csv) == len(table)
    audit = queries.audit_log(engine)
    openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes({"Audit": audit})))
    if state == "edited":
        assert "'=HYPERLINK" in csv["notes"].fillna("").str.cat()
