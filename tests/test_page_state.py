"""View settings survive page switches and round-trip through the URL (issue #12), in AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.register.auth import OFFICER, User
from tests.conftest import ROOT, sign_in
from tests.test_map_page import count_shown

OFFICER_USER = User("olive", OFFICER, "Olive Officer")


def officer_app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    sign_in(at, OFFICER_USER)
    return at.run()


def switch(at: AppTest, page: str) -> AppTest:
    """Open another page as the sidebar link does (the browser drops the old page's URL)."""
    at.query_params.clear()
    return at.switch_page(page).run()


def test_map_filters_survive_a_visit_to_another_page():
    at = officer_app()
    at.multiselect(key="map_la").set_value(["Worcestershire"]).run()
    at.radio(key="map_focus").set_value("gaps").run()
    gaps_in_worcestershire = count_shown(at)
    switch(at, "pages/summary.py")
    assert not at.exception
    switch(at, "pages/map.py")
    assert at.multiselect(key="map_la").value == ["Worcestershire"]
    assert at.radio(key="map_focus").value == "gaps"
    assert count_shown(at) == gaps_in_worcestershire


def test_summary_settings_survive_a_visit_to_another_page():
    at = switch(officer_app(), "pages/summary.py")
    at.selectbox(key="summary_la").set_value("Bradford").run()
    at.radio(key="summary_phase").set_value("Secondary").run()
    switch(at, "pages/map.py")
    switch(at, "pages/summary.py")
    assert at.selectbox(key="summary_la").value == "Bradford"
    assert at.radio(key="summary_phase").value == "Secondary"


def test_a_shared_gaps_view_reopens_as_gaps():
    """Issue #12: ?show=gaps reopened as "all schools"."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.query_params["show"] = "gaps"
    at.run()
    assert at.radio(key="map_focus").value == "gaps"
    assert count_shown(at) == 10725


def test_an_la_outside_the_chosen_region_is_ignored_with_a_message():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.query_params["region"] = "North East"
    at.query_params["la"] = "Worcestershire"
    at.run()
    assert not at.exception
    assert at.multiselect(key="map_la").value == []
    assert any("la=Worcestershire" in info.value for info in at.info)


def test_the_summary_page_reads_its_area_from_the_url_strictly():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    sign_in(at, OFFICER_USER)
    at.query_params.update({"area": "la", "la": "Atlantis", "phase": "Secondary"})
    at.switch_page("pages/summary.py").run()
    assert not at.exception
    assert at.selectbox(key="summary_la").value == "Worcestershire"
    assert at.radio(key="summary_phase").value == "Secondary"
    assert any("la=Atlantis" in info.value for info in at.info)
