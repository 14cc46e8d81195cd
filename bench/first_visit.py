"""First visits to the map as a waterfall, beside an empty Streamlit app (the floor).

Used by ``bench/map.py``. Every visit is in a fresh browser context (empty cache),
timed from navigation start to something drawn: for the empty app, its line of
text on screen; for the map, every school painted (``window.__atlasDrawn``, set
two animation frames after the canvas is drawn). The map's time is split into
the phases on its critical path:

* ``boot`` — navigation until the map's frame starts loading: Streamlit's own
  scripts, the websocket, the page's script run on the server;
* ``component_scripts`` — the frame's document and scripts (streamlit-folium's,
  Leaflet, the atlas's), until the last of them has arrived;
* ``data_fetch`` — how long the data files then kept the map waiting (0 when
  they were already there, e.g. preloaded by the page);
* ``draw`` — from both ready to the schools on screen (parsing the data,
  building the map and layers, painting the canvas).

Besides, ``complete`` is navigation until the page's filters and table are on
screen too: on a first visit they come after the map (``dashboard/app/first_paint.py``).
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.server import app_process

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
EMPTY_APP = 'import streamlit as st\n\nst.title("Empty app")\nst.write("One line of text.")\n'
EMPTY_TEXT = "One line of text."
# Polls each animation frame for the empty app's line of text, from the first byte.
EMPTY_DRAWN_HOOK = """(function poll() {
  var els = document.querySelectorAll('[data-testid="stMarkdownContainer"]');
  if (Array.prototype.some.call(els, function (el) { return el.textContent.indexOf(TEXT) >= 0; })) {
    window.__emptyDrawn = performance.now();
    return;
  }
  requestAnimationFrame(poll);
})();""".replace("TEXT", json.dumps(EMPTY_TEXT))
# From the first byte: when the sidebar's first filter and the map's table appear
# (epoch milliseconds, comparable across frames).
REST_SEEN_HOOK = """(function poll() {
  var seen = window.__restSeen = window.__restSeen || {};
  var filter = '[data-testid="stSidebar"] [data-testid="stSelectbox"]';
  if (!seen.filters && document.querySelector(filter)) {
    seen.filters = performance.timeOrigin + performance.now();
  }
  if (!seen.table && document.querySelector('[data-testid="stDataFrame"]')) {
    seen.table = performance.timeOrigin + performance.now();
  }
  if (!(seen.filters && seen.table)) { requestAnimationFrame(poll); }
})();"""
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1400, "height": 1000}}
FIRST_DRAW_DATA = ("school_points.json", "local_authorities.geojson", "regions.geojson")


@contextlib.contextmanager
def running_empty_app() -> Iterator[str]:
    """An empty Streamlit app (a title and one line) on 127.0.0.1, run with the atlas's config."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "empty_app.py"
        script.write_text(EMPTY_APP, "utf-8")
        with app_process(script=script, ready_path="/_stcore/health") as (base_url, _pid):
            yield base_url


def time_empty_app(browser, base_url: str) -> float:
    """Seconds from navigation to the empty app's text drawn, with an empty cache."""
    context = browser.new_context(**DESKTOP)
    context.add_init_script(EMPTY_DRAWN_HOOK)
    page = context.new_page()
    page.goto(f"{base_url}/", wait_until="commit")
    page.wait_for_function("() => window.__emptyDrawn", timeout=60_000)
    seconds = page.evaluate("() => window.__emptyDrawn") / 1000
    context.close()
    return seconds


def map_waterfall(browser, base_url: str, *, phone: bool = False) -> dict[str, float]:
    """A first visit to the map: total seconds to every school drawn, by phase.

    With ``phone``, a 390×844 phone screen and the CPU slowed 4× through the
    DevTools protocol (``Emulation.setCPUThrottlingRate``).

    Returns
    -------
    dict
        ``total``, ``boot``, ``component_scripts``, ``data_fetch``, ``draw``,
        ``complete`` (seconds) and ``drawn`` (schools).
    """
    context = browser.new_context(**(PHONE if phone else DESKTOP))
    context.add_init_script(REST_SEEN_HOOK)
    page = context.new_page()
    if phone:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(f"{base_url}/", wait_until="commit")
    page.frame_locator(MAP_FRAME).locator("body[data-schools-drawn]").wait_for(
        state="attached", timeout=120_000
    )
    frame = next(f for f in page.frames if f.url and "st_folium" in f.url)
    timings = frame.evaluate(
        """(names) => {
          const entries = performance.getEntriesByType("resource");
          const end = (pick) => Math.max(0, ...entries.filter(pick).map((e) => e.responseEnd));
          return {
            origin: performance.timeOrigin,
            scripts: end((e) => e.initiatorType === "script"),
            data: end((e) => names.some((n) => e.name.includes("/data/" + n))),
            drawn: window.__atlasDrawn.at,
            count: window.__atlasDrawn.count,
          };
        }""",
        list(FIRST_DRAW_DATA),
    )
    page_origin = page.evaluate("() => performance.timeOrigin")
    boot = (timings["origin"] - page_origin) / 1000
    page.wait_for_function(
        "() => window.__restSeen && window.__restSeen.filters && window.__restSeen.table",
        timeout=120_000,
    )
    rest = page.evaluate("() => Math.max(window.__restSeen.filters, window.__restSeen.table)")
    context.close()
    scripts, data, drawn = (timings[k] / 1000 for k in ("scripts", "data", "drawn"))
    return {
        "total": boot + drawn,
        "boot": boot,
        "component_scripts": scripts,
        "data_fetch": max(0.0, data - scripts),
        "draw": drawn - max(scripts, data),
        "complete": (rest - page_origin) / 1000,
        "drawn": timings["count"],
    }


def time_cold_server(browser) -> dict[str, float]:
    """A first visit right after the atlas's server starts (as soon as it reports ready)."""
    with app_process() as (base_url, _pid):
        return map_waterfall(browser, base_url)
