"""AppTest for the officers' map (issue #3): every filter changes the count; the URL round-trips."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config
from dashboard.app import first_paint
from dashboard.register import auth
from dashboard.register.auth import User
from tests.conftest import ROOT, sign_in

TOTAL = config.TOTAL_STATE_SCHOOLS


def count_shown(at: AppTest) -> int:
    for block in at.markdown:
        match = re.search(r"\*\*([\d,]+) schools shown\*\*", block.value)
        if match:
            return int(match.group(1).replace(",", ""))
    raise AssertionError("no count shown")


def values(at: AppTest, key: str) -> list[str]:
    """A query parameter's values as a list (AppTest gives a lone value unwrapped)."""
    value = at.query_params.get(key)
    return value if isinstance(value, list) else [value]


@pytest.fixture
def map_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    return at


def test_england_is_shown_by_default(map_page):
    assert count_shown(map_page) == TOTAL


# Counts checked independently with pandas on data/schools.parquet.
@pytest.mark.parametrize(
    ("kind", "key", "value", "expected"),
    [
        ("multiselect", "map_region", ["North East"], 1139),
        ("multiselect", "map_la", ["Worcestershire"], 243),
        ("multiselect", "map_phase", ["Secondary"], 3251),
        ("multiselect", "map_faith", ["Roman Catholic"], 1936),
        ("multiselect", "map_diversity", ["very high"], 2334),
        ("multiselect", "map_fsm", ["40 % or more"], 3852),
        # The press links are proposals, which the public never sees (issue #15).
        ("selectbox", "map_linked", "linked", 0),
        ("selectbox", "map_linked", "not linked", TOTAL),
        ("text_input", "map_q", "Pershore", 1),
        ("text_input", "map_near", "136925", 8),
        ("radio", "map_focus", "gaps", 10725),
        ("radio", "map_focus", "outliers", 4242),
    ],
)
def test_each_filter_gives_its_count(map_page, kind, key, value, expected):
    getattr(map_page, kind)(key=key).set_value(value).run()
    assert not map_page.exception
    assert count_shown(map_page) == expected


def test_worcestershire_has_its_243_schools(map_page):
    map_page.multiselect(key="map_la").set_value(["Worcestershire"]).run()
    assert count_shown(map_page) == 243


def test_link_status_filter_counts_the_press_links():
    """The register starts with two international links: an officer sees two linked schools."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    sign_in(at, User("officer-map", auth.OFFICER)).run()
    at.selectbox(key="map_linked").set_value("linked").run()
    assert count_shown(at) == 2


def test_query_string_opens_the_view_and_follows_changes():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["la"] = ["Worcestershire"]
    at.query_params["phase"] = ["Primary"]
    at.query_params["measure"] = "fsm_pct"
    at.run()
    assert at.multiselect(key="map_la").value == ["Worcestershire"]
    assert at.selectbox(key="map_measure").value == "fsm_pct"
    assert count_shown(at) == 180
    at.multiselect(key="map_phase").set_value(["Secondary"]).run()
    assert count_shown(at) == 44
    assert values(at, "phase") == ["Secondary"]
    assert values(at, "la") == ["Worcestershire"]


def test_unknown_values_in_the_url_are_ignored_with_a_message():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["la"] = ["Atlantis"]
    at.query_params["km"] = "-3"
    at.run()
    assert not at.exception
    assert count_shown(at) == TOTAL
    assert any("la=Atlantis" in info.value for info in at.info)
    kinds = [getattr(e, "type", "") for e in at.main]
    assert kinds.index("info") < kinds.index("component_instance")  # above the map


@pytest.mark.first_paint
def test_the_ignored_settings_note_stays_when_a_first_visit_adds_the_rest():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["la"] = ["Atlantis"]
    at.run()
    assert any("la=Atlantis" in info.value for info in at.info)
    at.session_state[first_paint.KEY] = first_paint.REST
    at.run()
    assert any("la=Atlantis" in info.value for info in at.info)
    at.sidebar.radio(key="map_focus").set_value("gaps").run()
    assert not any("la=Atlantis" in info.value for info in at.info)  # said, then gone


def test_a_bad_near_urn_gives_a_plain_message(map_page):
    map_page.text_input(key="map_near").set_value("12ab").run()
    assert not map_page.exception
    assert "not the URN of a school" in map_page.error[0].value


def test_demo_links_show_the_banner(map_page):
    map_page.toggle(key="map_demo").set_value(True).run()
    assert not map_page.exception
    assert any("not real links" in w.value for w in map_page.warning)


@pytest.mark.first_paint
def test_a_first_visit_sends_the_map_then_the_rest_once_the_map_says_it_is_drawn():
    """Stage one: the map, its legend and notes where the filters and table will be."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert count_shown(at) == TOTAL
    assert not at.sidebar.multiselect  # held back
    assert not at.dataframe
    captions = [c.value for c in at.caption] + [c.value for c in at.sidebar.caption]
    assert "Loading the filters…" in captions
    assert f"Loading the table of these {TOTAL:,} schools…" in captions
    map_first = _map_args(at)
    assert '"fit": true' in map_first["feature_group"]  # a first view fits England

    # What the map-ready component's trigger does (its JavaScript has Node tests).
    at.session_state[first_paint.KEY] = first_paint.REST
    at.run()
    assert not at.exception
    assert at.sidebar.multiselect(key="map_la") is not None
    assert at.dataframe
    assert _map_args(at) == map_first  # the map drawn is sent unchanged: not built again
    assert at.session_state[first_paint.KEY] == first_paint.ALL

    at.sidebar.multiselect(key="map_la").set_value(["Worcestershire"]).run()
    assert count_shown(at) == 243  # whole pages from now on
    assert at.sidebar.multiselect


def _map_args(at: AppTest) -> dict:
    """What the page sent to the map component (folium's script and the layers)."""
    component = next(e for e in at.main if getattr(e, "type", "") == "component_instance")
    return json.loads(component.proto.json_args)
