"""Open 20 browser sessions on the map page at once against one server (issue #7).

Starts the app on 127.0.0.1 (stopped by its PID at the end), warms it with one
visit, then opens ``--sessions`` tabs in Debian's Chromium at the same moment,
each in its own browser context (its own Streamlit session), and waits until each
has drawn every school in England. Prints, each on a line of its own:

* ``sessions_rendered`` — tabs that drew every school (21,978);
* ``errors`` — tabs that failed or timed out;
* ``p95_s`` — 95th percentile of navigation-to-drawn time across the tabs;
* ``server_rss_mb`` — peak resident memory of the server process while they ran.

Usage: ``python bench/load.py [--sessions 20] [--timeout 180]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.server import CHROMIUM_ARGS, CHROMIUM_PATH, app_process, rss_mb
from dashboard import config

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


async def one_session(browser, url: str, timeout_s: float) -> float:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        start = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        await (
            page.frame_locator(MAP_FRAME)
            .locator(f'body[data-schools-drawn="{config.TOTAL_STATE_SCHOOLS}"]')
            .wait_for(state="attached", timeout=timeout_s * 1000)
        )
        return time.perf_counter() - start
    finally:
        await context.close()


async def run(url: str, sessions: int, timeout_s: float) -> list[float | BaseException]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS
        )
        await one_session(browser, url, timeout_s)  # warm the server's caches
        results = await asyncio.gather(
            *(one_session(browser, url, timeout_s) for _ in range(sessions)),
            return_exceptions=True,
        )
        await browser.close()
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args()
    with app_process() as (url, pid):
        peak = {"mb": rss_mb(pid)}
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                peak["mb"] = max(peak["mb"], rss_mb(pid))
                time.sleep(0.1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        results = asyncio.run(run(url, args.sessions, args.timeout))
        stop.set()
        watcher.join()
        idle_mb = rss_mb(pid)
    times = [r for r in results if isinstance(r, float)]
    errors = [r for r in results if not isinstance(r, float)]
    for error in errors[:3]:
        print(f"error_example: {type(error).__name__}: {str(error).splitlines()[0][:120]}")
    print(f"sessions: {args.sessions}")
    print(f"sessions_rendered: {len(times)}")
    print(f"errors: {len(errors)}")
    print(f"p95_s: {float(np.percentile(times, 95)) if times else float('nan'):.2f}")
    print(f"median_s: {float(np.median(times)) if times else float('nan'):.2f}")
    print(f"server_rss_mb: {peak['mb']:.0f}")
    print(f"server_rss_after_mb: {idle_mb:.0f}")


if __name__ == "__main__":
    main()
