"""The map's view in Chromium (issue #12): every view setting survives a reload through
the URL on every page, the legend covers no school, and schools near every edge can be
clicked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from bench.server import choose_option
from tests.test_browser_map import MAP_FRAME, wait_for_drawn
from tests.test_browser_roles import sign_in

pytestmark = pytest.mark.browser

# Every view setting of each page at a value other than its default.
VIEWS = {
    "": {
        "region": ["West Midlands"],
        "la": ["Worcestershire"],
        "phase": ["Primary"],
        "faith": ["Church of England"],
        "diversity": ["very low"],
        "fsm": ["under 10 %"],
        "linked": ["not linked"],
        "q": ["school"],
        "near": ["136925"],
        "km": ["30"],
        "measure": ["fsm_pct"],
        "threshold": ["85"],
        "show": ["gaps"],
        "demo": ["1"],
        "school": ["116646"],
    },
    "summary": {
        "la": ["Bradford"],
        "threshold": ["70"],
        "demo": ["1"],
        "phase": ["Secondary"],
        "beside": ["Kirklees"],
    },
    "summary?area=region": {"area": ["region"], "region": ["London"]},
    "partners": {
        "km": ["15"],
        "same_ages": ["0"],
        "w_ethnicity": ["8"],
        "w_faith": ["0"],
        "w_social": ["5"],
        "demo": ["1"],
        "school": ["136925"],
    },
    "gaps": {
        "threshold": ["75"],
        "demo": ["1"],
        "la": ["Cornwall"],
        "plan": ["faith"],
        "km": ["15"],
        "cap": ["2"],
        "selective": ["1"],
    },
}
# What a visitor sees of each view, to check that the page shows it, not only the URL.
SEEN = {
    "": "Selected: ",
    "summary": "Bradford and Kirklees, side by side",
    "summary?area=region": "London",
    "partners": "Pershore High School",
    "gaps": "Gaps in Cornwall",
}


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def wait_for_query(page, wanted: dict[str, list[str]]) -> None:
    for _ in range(60):
        if query(page) == wanted:
            return
        page.wait_for_timeout(500)
    assert query(page) == wanted


@pytest.mark.parametrize("path", list(VIEWS))
def test_every_view_setting_survives_a_reload(page, app_url, account_password, path):
    if path == "gaps":
        sign_in(page, app_url, "officer1", account_password)
    view = VIEWS[path]
    page.goto(f"{app_url}/{path.split('?')[0]}?{urlencode(view, doseq=True)}")
    page.get_by_text(SEEN[path]).first.wait_for(timeout=60_000)
    wait_for_query(page, view)  # read, then written back unchanged
    assert not page.get_by_text("were not recognised").is_visible()
    page.reload()
    page.get_by_text(SEEN[path]).first.wait_for(timeout=60_000)
    wait_for_query(page, view)


def test_the_legend_covers_no_school_at_the_default_view(page, app_url):
    page.goto(app_url)
    wait_for_drawn(page, 21978)
    frame = next(f for f in page.frames if "st_folium" in f.url)
    box = page.locator(MAP_FRAME).bounding_box()
    legend = page.locator(".atlas-key").bounding_box()
    assert legend["y"] >= box["y"] + box["height"]  # under the map, not on it
    drawn = frame.evaluate("() => window.__atlasDots.drawn()")
    controls = frame.evaluate(
        "() => Array.from(document.querySelectorAll('.leaflet-control'))"
        ".map(c => c.getBoundingClientRect().toJSON())"
    )
    assert len(drawn) > 20_000
    covered = [
        p
        for p in drawn
        for c in controls
        if c["left"] <= p[0] <= c["right"] and c["top"] <= p[1] <= c["bottom"]
    ]
    assert covered == []


def near_the_bottom(page, y_in_map: float) -> dict:
    """Scroll the page (with the wheel over the table, as a person would) until a point of
    the map is on screen, near its bottom when it was below: where the map's frame runs
    off the screen and a click once scrolled the page instead of hitting the school."""
    height = page.viewport_size["height"]
    for _ in range(10):
        box = page.locator(MAP_FRAME).bounding_box()
        y = box["y"] + y_in_map
        if 60 < y < height - 10:
            return box
        page.mouse.move(page.viewport_size["width"] - 60, height / 2)
        page.mouse.wheel(0, y - (height - 30))
        page.wait_for_timeout(400)
    raise AssertionError("the school could not be scrolled into view")


def test_a_school_near_each_edge_opens_its_details(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 760})  # the map runs off the screen
    page.goto(app_url)
    wait_for_drawn(page, 21978)
    choose_option(page, "Local authority", "Worcestershire")
    page.keyboard.press("Escape")
    wait_for_drawn(page, 243)
    frame = next(f for f in page.frames if "st_folium" in f.url)
    page.wait_for_timeout(1500)  # the fit settles
    drawn = frame.evaluate("() => window.__atlasDots.drawn()")
    # Schools with no other within 12 px, so the click can mean only that school.
    drawn = [
        p
        for p in drawn
        if not any(q is not p and abs(q[0] - p[0]) < 12 and abs(q[1] - p[1]) < 12 for q in drawn)
    ]
    edges = {
        "west": min(drawn, key=lambda p: p[0]),
        "east": max(drawn, key=lambda p: p[0]),
        "north": min(drawn, key=lambda p: p[1]),
        "south": max(drawn, key=lambda p: p[1]),
    }
    for x, y, urn in edges.values():
        box = near_the_bottom(page, y)
        page.mouse.click(box["x"] + x, box["y"] + y)
        # The line under the map names the school picked (URN 1xxxxx).
        page.get_by_text(f"(URN {urn})").wait_for(timeout=30_000)
