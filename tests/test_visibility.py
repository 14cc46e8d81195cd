"""Who sees which links (issue #15): the rule, README's role table, and the pages applying it."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.register import auth, visibility
from dashboard.register.auth import User
from tests.conftest import ROOT, sign_in

PERSHORE, OTHER, THIRD = 136925, 116859, 100000
SCHOOL = User("head", auth.SCHOOL, "Head", school_urn=PERSHORE)
CABINET = User("cllr", auth.CABINET)


def _links() -> pd.DataFrame:
    """Four links: Pershore's proposal, Pershore's active link, two of other schools."""
    return pd.DataFrame(
        {
            "link_id": [1, 2, 3, 4],
            "school_urn": [PERSHORE, OTHER, OTHER, THIRD],
            "partner_urn": pd.array([None, PERSHORE, THIRD, OTHER], dtype="Int64"),
            "partner_name": ["Zambia school", None, None, None],
            "partner_country": ["Zambia", None, None, None],
            "link_types": [["international"], ["faith"], ["faith"], ["sport"]],
            "mode": ["virtual", "in person", "in person", "in person"],
            "status": ["proposed", "active", "active", "proposed"],
            "meetings_this_year": pd.array([0, 2, 3, 1], dtype="Int64"),
            "notes": ["=HYPERLINK(x)", "ours", "secret", "plan"],
            "source": ["imported from plan.xlsx"] * 4,
            "version": [1, 1, 1, 1],
        }
    )


def test_public_sees_only_active_links_without_details():
    seen = visibility.visible_links(_links(), auth.ANONYMOUS)
    assert seen["link_id"].tolist() == [2, 3]
    assert not seen["detail"].any()
    assert set(seen["notes"]) | set(seen["source"]) == {""}


def test_school_sees_its_own_links_in_full_and_counts_of_others():
    seen = visibility.visible_links(_links(), SCHOOL).set_index("link_id")
    assert seen.index.tolist() == [1, 2, 3]  # own proposal, own active, another's active
    assert seen["detail"].tolist() == [True, True, False]
    assert seen.loc[3, "notes"] == ""
    assert seen.loc[1, "notes"] == "=HYPERLINK(x)"


def test_school_account_without_urn_sees_counts_only():
    seen = visibility.visible_links(_links(), User("x", auth.SCHOOL))
    assert seen["link_id"].tolist() == [2, 3]
    assert not seen["detail"].any()


@pytest.mark.parametrize("user", [CABINET, User("ann", auth.OFFICER)])
def test_cabinet_and_officers_see_the_register(user):
    seen = visibility.visible_links(_links(), user)
    assert seen["link_id"].tolist() == [1, 2, 3, 4]
    assert seen["detail"].all()


def test_counted_only_counts_what_the_viewer_cannot_read():
    seen = visibility.visible_links(_links(), SCHOOL)
    assert visibility.counted_only(seen, OTHER) == 1  # link 3; link 2 is Pershore's own
    assert visibility.counted_only(seen, PERSHORE) == 0


def _readme_role_table() -> dict[str, dict[str, str]]:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## Signing in", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    table = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        table[cells[0]] = dict(zip(header[1:], cells[1:], strict=True))
    return table


def test_readme_role_table_is_the_rule():
    expected = {
        role: {
            "links": sees["links"],
            "proposed links": sees["proposed"],
            "map": sees["map"],
            "downloads": sees["downloads"],
        }
        for role, sees in visibility.ROLE_SEES.items()
    }
    assert _readme_role_table() == expected


def test_readme_words_match_what_the_rule_does():
    """The words in ROLE_SEES say what visible_links does for each role."""
    for role, sees in visibility.ROLE_SEES.items():
        user = SCHOOL if role == auth.SCHOOL else User("u", role)
        seen = visibility.visible_links(_links(), user)
        shown_proposed = set(seen.loc[seen["status"] == "proposed", "link_id"])
        assert shown_proposed == {"yes": {1, 4}, "its own only": {1}, "no": set()}[sees["proposed"]]


def _details_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize(
    ("user", "sees_zambia"),
    [(None, False), (User("other-head", auth.SCHOOL, school_urn=OTHER), False), (SCHOOL, True)],
)
def test_map_details_panel_follows_the_rule(user, sees_zambia):
    """Pershore's seeded link is a proposal: only Pershore, cabinet and officers read it."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if user is not None:
        sign_in(at, user)
    at.run()
    at.switch_page("pages/map.py").run()
    at.text_input(key="map_q").set_value("Pershore High").run()
    at.session_state["map_selected"] = PERSHORE
    at.run()
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    shown = any("Zambia" in t.to_string() for t in tables if isinstance(t, pd.DataFrame))
    assert shown is sees_zambia
    assert ("none recorded" in _details_text(at)) is not sees_zambia


def test_public_school_table_counts_no_proposed_links():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.selectbox(key="map_linked").set_value("linked").run()
    assert re.search(r"\*\*0 schools shown\*\*", _details_text(at))
