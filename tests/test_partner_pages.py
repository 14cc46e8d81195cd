"""AppTest for the partner finder and the gaps page (issue #5), plus the browser check."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.text import md_escape
from dashboard.register import engine as register_engine
from dashboard.register import queries
from dashboard.register.auth import OFFICER, SCHOOL, User
from tests.conftest import ROOT, sign_in

ANN = User("ann", OFFICER, "Ann Officer")


def open_page(page: str, user: User | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    if user is not None:
        sign_in(at, user)
    at.run()
    at.switch_page(page).run()
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _table(at: AppTest, column: str = "rank_note"):
    """The first table with this column (AppTest does not expose st.dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_partner_finder_ranks_ten_for_pershore():
    at = open_page("pages/partners.py")
    at.text_input(key="partners_school_search").set_value("136925").run()
    assert not at.exception
    table = _table(at)
    assert len(table) == 10
    assert table["explanation"].str.startswith("Pershore High School is 91 % White British").all()


def test_partner_finder_shows_the_score_and_its_parts():
    """Issue #12: how different, how far, how many links, and why a school ranks where it does."""
    at = open_page("pages/partners.py")
    at.text_input(key="partners_school_search").set_value("136925").run()
    table = _table(at)
    rebuilt = table["contrast"] - table["distance_cost"] - table["links_cost"]
    assert (rebuilt - table["score"]).abs().max() < 0.002
    assert (table["score"].diff().dropna() <= 0).all()
    out_of_order = table["contrast"] < table["contrast"].iloc[::-1].cummax().iloc[::-1]
    assert (table.loc[out_of_order, "rank_note"].str.startswith("Above #")).all()
    full = "\n".join(m.value for m in at.markdown)
    assert all(md_escape(reason) in full for reason in table["explanation"])  # in full


def test_partner_finder_says_when_more_diverse_schools_lie_beyond_the_limit():
    at = open_page("pages/partners.py")
    at.text_input(key="partners_school_search").set_value("136925").run()
    at.number_input(key="partners_km").set_value(10).run()
    hint = [i.value for i in at.info if "points more diverse" in i.value]
    assert hint
    assert "beyond your 10 km limit" in hint[0]


def test_partner_finder_download_is_rounded():
    at = open_page("pages/partners.py")
    at.text_input(key="partners_school_search").set_value("136925").run()
    table = _table(at)
    for column in ("white_british_pct", "fsm_pct", "distance_km"):
        assert (table[column] == table[column].round(1)).all()
    assert (table["score"] == table["score"].round(3)).all()


def test_a_school_is_told_a_plan_has_proposed_it_a_partner():
    at = _plan_for("Worcestershire")
    at.button(key="gaps_plan_tick_all").click().run()
    at.button(key="gaps_plan_add").click().run()
    at.button(key="gaps_plan_confirm").click().run()
    pair = _plan_table(at).iloc[0]
    finder = open_page("pages/partners.py", User("head", SCHOOL, school_urn=int(pair["urn"])))
    told = [i.value for i in finder.info if "pairing plan has already proposed" in i.value]
    assert told
    assert pair["partner_name"].split()[0] in told[0]
    assert _table(finder, "where")["status"].eq("proposed").any()


def test_school_account_opens_on_its_own_school():
    at = open_page("pages/partners.py", User("head", SCHOOL, school_urn=116859))
    assert not at.exception
    assert "Red Hill" in at.subheader[0].value


def test_a_distance_of_zero_gives_a_hint_not_an_error():
    at = open_page("pages/partners.py")
    at.text_input(key="partners_school_search").set_value("136925").run()
    at.number_input(key="partners_km").set_value(0).run()
    assert not at.exception
    assert "above 0 km" in at.warning[0].value


def test_changing_the_weights_changes_the_ranking():
    at = open_page("pages/partners.py")
    at.text_input(key="partners_school_search").set_value("136925").run()
    at.slider(key="partners_w_faith").set_value(0).run()
    at.slider(key="partners_w_social").set_value(0).run()
    # Ethnic make-up only: ranked by an independent calculation of the same score.
    assert _table(at)["urn"].tolist() == [
        136353,
        116999,
        141064,
        116984,
        138208,
        137051,
        148338,
        141063,
        137167,
        138107,
    ]


def _plan_for(la: str, purpose: str = "ethnicity") -> AppTest:
    at = open_page("pages/gaps.py", ANN)
    at.selectbox(key="gaps_la").set_value(la).run()
    at.radio(key="gaps_plan_purpose").set_value(purpose).run()
    at.button(key="gaps_plan_make").click().run()
    assert not at.exception
    return at


def _plan_links():
    links = queries.list_links(register_engine.open_register())
    return links[links["source"] == "pairing plan"]


def _plan_table(at: AppTest):
    """The review table (a data editor, shown to AppTest as a dataframe)."""
    return next(d for d in at.dataframe if str(d.key).startswith("gaps_plan_table")).value


def test_gaps_page_plans_pairs_and_adds_them_only_after_confirmation():
    """Issue #12: nothing pre-ticked; tick all, then a confirmation with the count."""
    at = _plan_for("Worcestershire")
    assert any("pairs proposed" in m.value and "Median distance" in m.value for m in at.markdown)
    table = _plan_table(at)
    assert not table["add"].any()
    assert at.button(key="gaps_plan_add").disabled
    at.button(key="gaps_plan_tick_all").click().run()
    assert _plan_table(at)["add"].all()
    at.button(key="gaps_plan_add").click().run()
    question = at.warning[-1].value
    assert f"Add **{len(table)}** proposed ethnic mix links" in question
    assert _plan_links().empty  # not yet
    at.button(key="gaps_plan_confirm").click().run()
    assert not at.exception
    proposed = _plan_links()
    assert len(proposed) == len(table)
    assert set(proposed["status"]) == {"proposed"}
    assert all(types == ["ethnicity"] for types in proposed["link_types"])


def test_untick_all_and_cancel_add_nothing():
    at = _plan_for("Worcestershire")
    at.button(key="gaps_plan_tick_all").click().run()
    at.button(key="gaps_plan_untick_all").click().run()
    assert not _plan_table(at)["add"].any()
    at.button(key="gaps_plan_tick_all").click().run()
    at.button(key="gaps_plan_add").click().run()
    at.button(key="gaps_plan_cancel").click().run()
    assert not at.exception
    assert _plan_links().empty


def test_a_faith_plan_is_a_separate_choice():
    at = _plan_for("Worcestershire", "faith")
    assert any("Faith plan" in m.value for m in at.markdown)
    table = _plan_table(at)
    assert (table["partner_religious_character"] != "").all()
    assert len(table) > 0


def test_swapping_a_partner_on_the_page():
    at = _plan_for("Worcestershire")
    before = _plan_table(at).set_index("urn")["partner_urn"]
    urn = at.selectbox(key="gaps_plan_swap_school").value
    new = at.selectbox(key="gaps_plan_swap_partner").value
    at.button(key="gaps_plan_swap").click().run()
    assert not at.exception
    after = _plan_table(at).set_index("urn")["partner_urn"]
    assert after[urn] == new != before[urn]


def test_gaps_page_threshold_changes_the_count():
    at = open_page("pages/gaps.py", ANN)
    assert at.metric[0].value == "168"  # Worcestershire's gaps at 80 %
    at.slider(key="gaps_threshold").set_value(95).run()
    assert at.metric[0].value == "15"


@pytest.mark.browser
def test_partner_finder_shows_ten_candidates_in_the_browser(page, app_url):
    page.goto(f"{app_url}/partners?school=136925")
    page.get_by_text("The 10 best partners within 25 km").wait_for(timeout=60_000)
    page.locator('[data-testid="stDataFrame"]:visible').first.wait_for()
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    frame.locator(".atlas-rank").first.wait_for()
    assert frame.locator(".atlas-rank").count() == 10
