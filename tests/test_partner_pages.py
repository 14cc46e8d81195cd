"""AppTest for the partner finder and the gaps page (issue #5), plus the browser check."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

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


def test_partner_finder_ranks_ten_for_pershore():
    at = open_page("pages/partners.py")
    at.text_input(key="partners_school_search").set_value("136925").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 10
    assert table["explanation"].str.startswith("Pershore High School is 91 % White British").all()


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
    assert at.dataframe[0].value["urn"].tolist() == [
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


def test_gaps_page_plans_pairs_and_adds_them_as_proposed_links():
    at = open_page("pages/gaps.py", ANN)
    assert not at.exception
    at.selectbox(key="gaps_la").set_value("Rutland").run()
    at.button(key="gaps_plan_make").click().run()
    assert not at.exception
    assert any("pairs proposed" in m.value for m in at.markdown)
    at.button(key="gaps_plan_add").click().run()
    assert not at.exception
    links = queries.list_links(register_engine.open_register())
    proposed = links[links["source"] == "pairing plan"]
    assert len(proposed) > 0
    assert set(proposed["status"]) == {"proposed"}


def test_gaps_page_threshold_changes_the_count():
    at = open_page("pages/gaps.py", ANN)
    assert at.metric[0].value == "168"  # Worcestershire's gaps at 80 %
    at.slider(key="gaps_threshold").set_value(95).run()
    assert at.metric[0].value == "15"


@pytest.mark.browser
def test_partner_finder_shows_ten_candidates_in_the_browser(page, app_url):
    page.goto(f"{app_url}/partners?school=136925")
    page.get_by_text("The 10 best partners within 25 km").wait_for(timeout=60_000)
    page.get_by_test_id("stDataFrame").first.wait_for()
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    frame.locator(".atlas-rank").first.wait_for()
    assert frame.locator(".atlas-rank").count() == 10
