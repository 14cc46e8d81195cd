"""Measure the officers' map in headless Chromium, beside a naive folium baseline.

Starts the app on 127.0.0.1 (stopped by its PID at the end), opens the map page in
Debian's Chromium through Playwright and times, from navigation start:

* ``england_map_s`` — every school in England drawn (canvas painted) on a
  repeat visit: the browser has the app's scripts cached, as a returning officer's
  does; median of the runs;
* ``england_map_first_visit_s`` — the same with an empty browser cache (a new
  browser profile each time), which adds downloading Streamlit's own scripts;
  ``empty_app_first_visit_s`` is an empty Streamlit app (a title and a line,
  started by the bench with the same config) timed the same way in the same
  run, alternating with the map; ``first_visit_ratio`` is map ÷ empty, and
  ``first_visit_<phase>_s`` splits the map's time by phase (see
  ``bench/first_visit.py``); ``england_map_first_visit_complete_s`` is
  until the filters and the table are on screen too (they follow the map);
* ``cold_server_first_visit_s`` — the first visit to a server started just
  before (as soon as its ``/healthz/ready`` answers, as a proxy would wait);
  ``cold_ratio`` is that ÷ ``england_map_first_visit_s``;
* ``phone_first_visit_s`` — a first visit on a 390×844 phone screen with the CPU
  slowed 4× (DevTools ``Emulation.setCPUThrottlingRate``), with its phases;
* ``naive_map_s`` — the same schools as one ``folium.Marker`` each, saved as a
  plain folium HTML page (no Streamlit overhead, which favours the baseline);
* ``la_redraw_s`` — after choosing Worcestershire in the sidebar, until its
  schools are drawn;
* ``england_map_html_mb`` — what the map sends for England: the component's
  HTML and script plus the data files it fetches, as bytes on the wire
  (compressed); ``england_map_data_uncompressed_mb`` is those files unpacked;
* ``speedup`` — naive / our first visit (the conservative ratio).

Usage: ``python bench/map.py [--runs 5] [--naive-timeout 600] [--skip-naive]``
"""

from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402

from bench.first_visit import (  # noqa: E402
    MAP_FRAME,
    map_waterfall,
    running_empty_app,
    time_cold_server,
    time_empty_app,
)
from bench.server import CHROMIUM_ARGS, CHROMIUM_PATH, choose_option, running_app  # noqa: E402
from dashboard.data import embedded, map_files  # noqa: E402
from dashboard.maps import assets, school_map  # noqa: E402

PHASES = ("boot", "component_scripts", "data_fetch", "draw")
DATA_FILES = (
    map_files.POINTS_FILE,
    map_files.LABELS_FILE,
    map_files.LA_GEOJSON_FILE,
    map_files.REGIONS_GEOJSON_FILE,
)


def build_naive_html(static_url: str) -> tuple[str, float]:
    """One folium.Marker per school, as folium's docs show; returns (html, build seconds)."""
    import folium

    start = time.perf_counter()
    schools = embedded.read_schools()
    m = folium.Map(location=school_map.ENGLAND_CENTRE, zoom_start=6, tiles=None)
    for row in schools.itertuples(index=False):
        folium.Marker([row.geometry.y, row.geometry.x], tooltip=str(row.school_name)).add_to(m)
    assets.localise_assets(m, static_url)
    page = m.get_root().render()
    elapsed = time.perf_counter() - start
    marker = (
        "<script>window.addEventListener('load', function () {"
        "requestAnimationFrame(function () { requestAnimationFrame(function () {"
        "window.__naiveDrawn = {count: document.querySelectorAll('.leaflet-marker-icon').length,"
        " at: performance.now()}; }); }); });</script>"
    )
    return page.replace("</body>", marker + "</body>"), elapsed


def _serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def time_our_map(browser, base_url: str) -> tuple[float, int, int]:
    """Seconds from navigation to every school drawn; (seconds, drawn, bytes)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    received = {"bytes": 0}

    def on_ws(ws):
        ws.on(
            "framereceived",
            lambda payload: received.__setitem__("bytes", received["bytes"] + len(payload)),
        )

    def on_response(response):
        if any(f"/data/{name}?" in response.url for name in DATA_FILES):
            try:
                size = response.request.sizes()["responseBodySize"]
            except Exception:  # a response without sizes: count nothing
                size = 0
            received["bytes"] += size

    page.on("websocket", on_ws)
    page.on("response", on_response)
    page.goto(f"{base_url}/", wait_until="commit")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("body[data-schools-drawn]").wait_for(state="attached", timeout=120_000)
    drawn = page.frames[-1]
    for f in page.frames:
        if f.url and "st_folium" in f.url:
            drawn = f
    info = drawn.evaluate(
        "() => [window.__atlasDrawn.count, performance.timeOrigin + window.__atlasDrawn.at]"
    )
    origin = page.evaluate("() => performance.timeOrigin")
    seconds = (info[1] - origin) / 1000
    context.close()
    return seconds, int(info[0]), received["bytes"]


def time_repeat_visits(browser, base_url: str, runs: int) -> list[float]:
    """Seconds to every school drawn when the same browser opens the page again."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    times = []
    for attempt in range(runs + 1):
        page.goto(f"{base_url}/", wait_until="commit")
        page.frame_locator(MAP_FRAME).locator("body[data-schools-drawn]").wait_for(
            state="attached", timeout=120_000
        )
        frame = next(f for f in page.frames if f.url and "st_folium" in f.url)
        drawn = frame.evaluate("() => performance.timeOrigin + window.__atlasDrawn.at")
        if attempt:  # the first visit only fills the cache
            times.append((drawn - page.evaluate("() => performance.timeOrigin")) / 1000)
    context.close()
    return times


def time_la_redraw(browser, base_url: str, la_name: str) -> tuple[float, int]:
    """Seconds from choosing an LA in the sidebar to its schools drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{base_url}/")
    page.frame_locator(MAP_FRAME).locator("body[data-schools-drawn]").wait_for(
        state="attached", timeout=120_000
    )
    frame = next(f for f in page.frames if f.url and "st_folium" in f.url)
    before = frame.evaluate("() => window.__atlasDrawn.at")
    choose_option(page, "Local authority", la_name, click=False)
    option = page.get_by_role("option", name=la_name, exact=True)
    start = frame.evaluate("() => performance.now()")
    option.click()
    frame.wait_for_function(f"() => window.__atlasDrawn.at > {before}", timeout=60_000)
    end, count = frame.evaluate("() => [window.__atlasDrawn.at, window.__atlasDrawn.count]")
    context.close()
    return (end - start) / 1000, int(count)


def time_naive(browser, url: str, timeout_s: float) -> tuple[float, int]:
    """Seconds from navigation to every naive marker in the page and painted."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(timeout_s * 1000)
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function("() => window.__naiveDrawn", timeout=timeout_s * 1000, polling=500)
        at, count = page.evaluate("() => [window.__naiveDrawn.at, window.__naiveDrawn.count]")
    except PlaywrightTimeoutError:
        # Report the timeout as a lower bound rather than fail the whole benchmark.
        at, count = timeout_s * 1000, -1
    finally:
        context.close()
    return at / 1000, int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-timeout", type=float, default=600)
    parser.add_argument("--la", default="Worcestershire")
    parser.add_argument("--skip-naive", action="store_true", help="only time our page")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with (
        running_app() as base_url,
        running_empty_app() as empty_url,
        sync_playwright() as pw,
        tempfile.TemporaryDirectory() as tmp,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        time_our_map(browser, base_url)  # one visit each first, as a visitor before the bench
        time_empty_app(browser, empty_url)
        empty, firsts = [], []
        for _ in range(args.runs):  # alternating, so both see the same machine
            empty.append(time_empty_app(browser, empty_url))
            firsts.append(map_waterfall(browser, base_url))
        phone = [map_waterfall(browser, base_url, phone=True) for _ in range(args.runs)]
        ours = [time_our_map(browser, base_url) for _ in range(args.runs)]
        cold = time_cold_server(browser)
        repeat = time_repeat_visits(browser, base_url, args.runs)
        redraws = [time_la_redraw(browser, base_url, args.la) for _ in range(args.runs)]

        naive_html, naive_build_s, naive_s, naive_count = "", 0.0, float("nan"), 0
        if not args.skip_naive:
            naive_html, naive_build_s = build_naive_html(f"{base_url}/app/static")
            (Path(tmp) / "naive.html").write_text(naive_html, "utf-8")
            server, naive_base = _serve_folder(Path(tmp))
            try:
                naive_s, naive_count = time_naive(
                    browser, f"{naive_base}/naive.html", args.naive_timeout
                )
            finally:
                server.shutdown()
        browser.close()

    first_visit_s = statistics.median(r["total"] for r in firsts)
    empty_s = statistics.median(empty)
    print(f"england_schools_drawn: {ours[0][1]}")
    print(f"england_map_s: {statistics.median(repeat):.3f}")
    print(f"england_map_runs_s: {', '.join(f'{t:.3f}' for t in repeat)}")
    print(f"empty_app_first_visit_s: {empty_s:.3f}")
    print(f"empty_app_first_visit_runs_s: {', '.join(f'{t:.3f}' for t in empty)}")
    print(f"england_map_first_visit_s: {first_visit_s:.3f}")
    runs = ", ".join(f"{r['total']:.3f}" for r in firsts)
    print(f"england_map_first_visit_runs_s: {runs}")
    print(f"first_visit_ratio: {first_visit_s / empty_s:.2f}")
    _print_phases("first_visit", firsts)
    complete = statistics.median(r["complete"] for r in firsts)
    print(f"england_map_first_visit_complete_s: {complete:.3f}")
    print(f"cold_server_first_visit_s: {cold['total']:.3f}")
    print(f"cold_ratio: {cold['total'] / first_visit_s:.2f}")
    _print_phases("cold_server", [cold])
    print(f"phone_schools_drawn: {phone[0]['drawn']}")
    print(f"phone_first_visit_s: {statistics.median(r['total'] for r in phone):.3f}")
    _print_phases("phone", phone)
    print(f"phone_first_visit_complete_s: {statistics.median(r['complete'] for r in phone):.3f}")
    print(f"england_map_html_mb: {statistics.median(r[2] for r in ours) / 1e6:.2f}")
    uncompressed = sum(
        (ROOT / "static" / "data" / name).stat().st_size
        for name in (
            map_files.POINTS_FILE,
            map_files.LABELS_FILE,
            map_files.LA_GEOJSON_FILE,
            map_files.REGIONS_GEOJSON_FILE,
        )
    )
    print(f"england_map_data_uncompressed_mb: {uncompressed / 1e6:.2f}")
    print(f"naive_markers_drawn: {naive_count}")
    if naive_count < 0:
        print(f"naive_timed_out_after_s: {args.naive_timeout:g}")
    print(f"naive_build_s: {naive_build_s:.1f}")
    print(f"naive_html_mb: {len(naive_html.encode()) / 1e6:.1f}")
    print(f"naive_map_s: {naive_s:.2f}")
    print(f"speedup: {naive_s / first_visit_s:.1f}")
    print(f"la_schools_drawn: {redraws[0][1]}")
    print(f"la_redraw_s: {statistics.median(r[0] for r in redraws):.3f}")


def _print_phases(prefix: str, visits: list[dict[str, float]]) -> None:
    """Median seconds of each phase of first visits (see bench/first_visit.py)."""
    for phase in PHASES:
        print(f"{prefix}_{phase}_s: {statistics.median(v[phase] for v in visits):.3f}")


if __name__ == "__main__":
    main()
