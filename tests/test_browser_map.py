"""The officers' map in a real browser: Debian Chromium against the running app (issue #3)."""

from __future__ import annotations

import pytest

from bench.first_visit import REST_SEEN_HOOK
from bench.server import choose_option
from dashboard import config
from dashboard.data import embedded
from dashboard.maps import assets

pytestmark = pytest.mark.browser
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def drawn_count(page) -> int:
    frame = page.frame_locator(MAP_FRAME)
    return int(frame.locator("body[data-schools-drawn]").get_attribute("data-schools-drawn"))


def wait_for_drawn(page, count: int) -> None:
    page.frame_locator(MAP_FRAME).locator(f'body[data-schools-drawn="{count}"]').wait_for(
        state="attached", timeout=60_000
    )


def test_all_of_england_is_drawn(page, app_url):
    page.goto(app_url)
    wait_for_drawn(page, config.TOTAL_STATE_SCHOOLS)
    assert page.get_by_text(f"{config.TOTAL_STATE_SCHOOLS:,} schools shown").is_visible()


def test_every_school_is_drawn_with_only_the_trimmed_assets(page, app_url):
    """No jQuery, Bootstrap or icon fonts; the data arrives gzipped, cacheable by its hash."""
    asked: list[str] = []
    data: dict[str, dict[str, str]] = {}
    page.on("request", lambda request: asked.append(request.url))

    def remember(response):
        if f"/{assets.MAP_ASSETS_ROUTE}/data/" in response.url:
            data[response.url.split("/")[-1].split("?")[0]] = response.all_headers()

    page.on("response", remember)
    page.goto(app_url)
    wait_for_drawn(page, config.TOTAL_STATE_SCHOOLS)
    unused = ("jquery", "bootstrap", "fontawesome", "awesome-markers", "glyphicons", "cdn.js")
    assert not [url for url in asked if any(name in url for name in unused)]
    assert not [url for url in asked if "/app/static/" in url]  # all from /map-assets
    for name in ("school_points.json", "local_authorities.geojson", "regions.geojson"):
        assert data[name]["content-encoding"] == "gzip", name
        assert "immutable" in data[name]["cache-control"], name


def test_worcestershire_filter_draws_its_schools_and_a_click_opens_details(page, app_url):
    schools = embedded.read_schools()
    worcestershire = schools[schools["la_name"] == "Worcestershire"]
    page.goto(app_url)
    wait_for_drawn(page, config.TOTAL_STATE_SCHOOLS)
    choose_option(page, "Local authority", "Worcestershire")
    wait_for_drawn(page, len(worcestershire))

    frame = next(f for f in page.frames if "st_folium" in f.url)
    frame.wait_for_function("() => window.__atlasDots && window.__atlasDots._map")
    urn = 136925
    point = frame.evaluate(f"() => window.__atlasDots.pointOf({urn})")
    assert point is not None
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.move(box["x"] + point[0], box["y"] + point[1])
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    heading = page.get_by_role("heading", name="Pershore High School")
    heading.wait_for(timeout=30_000)
    assert page.get_by_text("Find partners for this school").is_visible()


def test_map_reads_without_tiles(page, app_url):
    """With tiles blocked, land, LA shading and points must still show (not a grey box)."""
    page.route("**/*basemaps.cartocdn.com/**", lambda route: route.abort())
    page.goto(app_url)
    wait_for_drawn(page, config.TOTAL_STATE_SCHOOLS)
    frame = next(f for f in page.frames if "st_folium" in f.url)
    # Layers are drawn on canvases: one for the land, one for LA shading, one for schools.
    drawn = frame.evaluate(
        "() => ['.leaflet-atlasLand-pane', '.leaflet-overlay-pane', '.leaflet-atlasPoints-pane']"
        ".map(p => Array.from(document.querySelectorAll(p + ' canvas'))"
        ".filter(c => c.width > 0 && c.height > 0).length)"
    )
    assert drawn == [1, 1, 1]


def test_a_first_visit_draws_the_schools_before_the_filters_and_table(page, app_url):
    """The filters and the table come once the map says it is drawn; the map is not rebuilt."""
    page.add_init_script(REST_SEEN_HOOK)
    page.goto(app_url)
    wait_for_drawn(page, config.TOTAL_STATE_SCHOOLS)
    frame = next(f for f in page.frames if "st_folium" in f.url)
    first = frame.evaluate("() => [performance.timeOrigin, window.__atlasDrawn.at]")
    page.locator('[data-testid="stDataFrame"]').wait_for(timeout=30_000)
    page.get_by_text("Colour schools by").wait_for(timeout=30_000)
    seen = page.evaluate("() => window.__restSeen")
    drawn_at = first[0] + first[1]
    assert seen["filters"] > drawn_at
    assert seen["table"] > drawn_at
    assert page.get_by_text("Loading the table of").count() == 0
    page.wait_for_timeout(1_000)  # time for any second drawing to show itself
    frame = next(f for f in page.frames if "st_folium" in f.url)
    assert frame.evaluate("() => [performance.timeOrigin, window.__atlasDrawn.at]") == first
    choose_option(page, "Local authority", "Worcestershire")  # whole pages from now on
    wait_for_drawn(page, 243)
    assert page.locator('[data-testid="stDataFrame"]').count() == 1


# Follows a sidebar link the moment the map says its schools are drawn: within
# that message's dispatch (before the map page's signal hears it) or in the task
# right after (once the signal has asked for the rest, before Streamlit sends it).
LEAVE_WHEN_DRAWN = """
window.addEventListener("message", function once(event) {
  if (!(event.data && event.data.atlasMap)) { return; }
  window.removeEventListener("message", once);
  const link = [...document.querySelectorAll("a[href]")]
    .find((a) => a.textContent.includes("Find a partner school"));
  if (WHEN === "at once") { link.click(); } else { setTimeout(() => link.click(), 0); }
});
"""


@pytest.mark.parametrize("when", ["at once", "just after"])
def test_a_link_followed_as_the_map_is_drawn_is_not_overtaken(page, app_url, when):
    """The first visit's ask for the rest reruns the map page: it must not bring a leaver back."""
    page.add_init_script(LEAVE_WHEN_DRAWN.replace("WHEN", repr(when)))
    page.goto(app_url)
    heading = page.get_by_role("heading", name="Find a partner school")
    heading.wait_for(timeout=60_000)
    page.wait_for_timeout(3_000)  # a rerun of the map page would have arrived by now
    assert heading.is_visible()
    assert page.get_by_role("heading", name="Map of schools").count() == 0
    assert page.url.endswith("/partners")
