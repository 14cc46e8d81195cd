"""AppTest for the link register page (issue #4): forms, conflicts, import, permissions."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.app import loaders
from dashboard.register import engine as register_engine
from dashboard.register import model, queries, store
from dashboard.register.auth import OFFICER, User
from tests.conftest import FIXTURES, ROOT, sign_in

CORPUS = FIXTURES / "import_corpus"

ANN = User("ann", OFFICER, "Ann Officer")
BEN = User("ben", OFFICER, "Ben Officer")


def register_page(user: User | None = ANN, tab: str = "Links") -> AppTest:
    """The register page as ``user``, on ``tab`` (only the open tab's content runs)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if user is not None:
        sign_in(at, user)
    at.run()
    at.switch_page("pages/register.py")
    at.session_state["register_tab"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def test_officer_adds_a_link_through_the_form():
    at = register_page(tab="Add a link")
    at.text_input(key="register_add_school_search").set_value("Pershore High").run()
    at.text_input(key="register_add_partner_search").set_value("136353").run()
    at.multiselect(key="register_add_types").set_value(["ethnicity"]).run()
    at.selectbox(key="register_add_status").set_value("active").run()
    at.button(key="register_add_save").click().run()
    assert not at.exception
    assert any("added" in s.value for s in at.success)
    links = queries.list_links(register_engine.open_register())
    added = links[links["partner_urn"] == 136353].iloc[0]
    assert (added["school_urn"], added["status"], added["created_by"]) == (136925, "active", "ann")


def test_an_invalid_link_gets_a_message_and_is_not_saved():
    at = register_page(tab="Add a link")
    at.text_input(key="register_add_school_search").set_value("136925").run()
    at.text_input(key="register_add_partner_search").set_value("136925").run()
    at.multiselect(key="register_add_types").set_value(["faith"]).run()
    at.button(key="register_add_save").click().run()
    assert not at.exception
    assert "cannot be linked to itself" in at.error[0].value
    assert len(queries.list_links(register_engine.open_register())) == 2


def test_second_officer_saving_a_stale_copy_sees_both_versions():
    at = register_page(tab="Edit or end a link")
    at.selectbox(key="register_edit_id").set_value(1).run()
    engine = register_engine.open_register()
    current = queries.get_link(engine, 1)
    fields = {name: getattr(current, name) for name in model.EDITABLE_FIELDS}
    store.update_link(
        engine,
        1,
        model.LinkInput(**{**fields, "notes": "Ben's note"}),
        BEN,
        expected_version=1,
        known_urns=loaders.load_known_urns(),
    )
    at.text_area(key="register_edit_1_1_notes").set_value("Ann's note").run()
    at.button(key="register_save_1").click().run()
    assert not at.exception
    assert "ben saved this link after you opened it" in at.error[0].value
    assert queries.get_link(engine, 1).notes == "Ben's note"
    tables = " ".join(frame.value.to_string() for frame in at.dataframe)
    assert "Ann's note" in tables
    assert "Ben's note" in tables


def test_import_reports_rows_and_commits_all_or_nothing():
    at = register_page(tab="Import a spreadsheet")
    header = b"School URN,Partner URN,Type,Status\n"
    bad = header + b"136925,136353,ethnicity,active\n136925,136925,faith,active\n"
    at.file_uploader(key="register_upload").upload("links.csv", bad, "text/csv").run()
    assert not at.exception
    assert "nothing will be imported" in at.error[0].value
    assert "register_import" not in [b.key for b in at.button]
    good = b"School URN,Partner URN,Type,Status\n136925,136353,ethnicity,active\n"
    at.file_uploader(key="register_upload").upload("links.csv", good, "text/csv").run()
    at.button(key="register_import").click().run()
    at.button(key="register_import_yes").click().run()
    assert any("1 link\\(s\\) imported" in s.value for s in at.success)
    assert len(queries.list_links(register_engine.open_register())) == 3


def test_an_empty_upload_gets_a_plain_message():
    at = register_page(tab="Import a spreadsheet")
    at.file_uploader(key="register_upload").upload("links.csv", b"", "text/csv").run()
    assert not at.exception
    assert "is empty" in at.error[0].value


def test_an_oversized_upload_gets_a_clear_message():
    at = register_page(tab="Import a spreadsheet")
    big = b"School URN,Status\n" + b"136925,active\n" * 1_500_000  # about 21 MB
    at.file_uploader(key="register_upload").upload("huge.csv", big, "text/csv").run()
    assert not at.exception
    assert "the most one import can take is 20 MB" in at.error[0].value


def test_a_cr_only_file_is_checked_and_every_normalisation_listed_before_import():
    """Regression for #11: old-Mac line endings gave a traceback; synonyms were silent."""
    at = register_page(tab="Import a spreadsheet")
    content = (CORPUS / "synonyms.csv").read_bytes().replace(b"\r\n", b"\r")
    at.file_uploader(key="register_upload").upload("links.csv", content, "text/csv").run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")  # Markdown escapes
    assert "'live' read as active: lines 2, 5" in shown
    report = next(d for d in at.dataframe if "message" in d.value.columns).value
    assert set(report["start_date"]) == {"1 September 2025"}
    at.button(key="register_import").click().run()
    at.button(key="register_import_yes").click().run()
    assert any("4 link\\(s\\) imported" in s.value for s in at.success)


def test_a_workbook_with_two_link_sheets_asks_which_to_import():
    at = register_page(tab="Import a spreadsheet")
    content = (CORPUS / "two_link_sheets.xlsx").read_bytes()
    at.file_uploader(key="register_upload").upload("links.xlsx", content, "application/zip").run()
    assert not at.exception
    at.selectbox(key="register_sheet").set_value("2024-25").run()
    assert any(
        "sheet(s) '2023-24' were not imported" in w.value.replace("\\", "") for w in at.warning
    )
    assert at.button(key="register_import").label == "Import 2 new link(s)"
