"""How many map sessions one app server holds, and what a second server behind HAProxy adds.

Sessions are driven with Streamlit's own websocket protocol (``/_stcore/stream``,
the protobuf messages the browser sends), not with browsers: a Chromium tab
costs more CPU than the server work being measured, and on two cores it would
compete with the servers. Each session opens the map page (as the public) and
then moves the "predominantly white" slider again and again; a rerun's time is
from sending the widget change to the server's ``script_finished`` message, so
it is the server's work (drawing in a browser is not included).

Everything runs on 127.0.0.1: a throwaway PostgreSQL register, one or two app
servers (stopped by PID) and HAProxy with ``deploy/haproxy.cfg``. Prints:

* ``sessions_per_server`` — most concurrent sessions, each changing a widget
  every ``--think`` seconds, for which one server keeps p95 rerun time ≤ 1 s;
* ``p95_rerun_s`` — that p95 at that number of sessions;
* ``two_server_speedup`` — reruns per second through HAProxy to two servers over
  reruns per second to one, both under saturating load (no think time);
* ``server_rss_mb_per_session`` — growth of one server's resident memory per open session.

Usage: ``python bench/capacity.py [--think 2] [--seconds 20]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from pathlib import Path

import numpy as np
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.proxy import running_haproxy
from bench.server import rss_mb, start_app, stop_app, wait_until_ok
from tests import postgres_server

SLIDER_LABEL = "Predominantly white"
TARGET_P95_S = 1.0


class Session:
    """One browser tab's worth of Streamlit session, over one websocket."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.slider_id: str | None = None
        self.value = 80.0

    async def __aenter__(self) -> Session:
        ws_url = self.base_url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await websockets.connect(
            ws_url,
            subprotocols=["streamlit"],
            origin=self.base_url,
            max_size=None,
            open_timeout=60,
        )
        await self._run([])  # the first visit: the map page, as the public sees it
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.ws.close()

    async def _run(self, widgets: list[WidgetState]) -> float:
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.widget_states.widgets.extend(widgets)
        start = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(self.ws.recv(), 120))
            kind = reply.WhichOneof("type")
            if kind == "delta" and self.slider_id is None:
                element = reply.delta.new_element
                if element.WhichOneof("type") == "slider" and SLIDER_LABEL in element.slider.label:
                    self.slider_id = element.slider.id
            elif kind == "script_finished" and reply.script_finished in (
                ForwardMsg.FINISHED_SUCCESSFULLY,
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ):
                return time.perf_counter() - start

    async def change_widget(self) -> float:
        """Move the slider (75 <-> 80) and time the rerun it causes."""
        if self.slider_id is None:
            raise RuntimeError(f"the map page drew no slider labelled {SLIDER_LABEL!r}")
        self.value = 75.0 if self.value == 80.0 else 80.0
        state = WidgetState(id=self.slider_id or "")
        state.double_array_value.data.append(self.value)
        return await self._run([state])


async def _drive(
    base_url: str, sessions: int, seconds: float, think_s: float, pid: int | None
) -> tuple[list[float], float]:
    """Open ``sessions``, let each change a widget until time is up; also the server's RSS then."""
    times: list[float] = []
    memory_mb = 0.0
    opened = [Session(base_url) for _ in range(sessions)]
    async with contextlib.AsyncExitStack() as stack:
        for session in opened:
            await stack.enter_async_context(session)
        deadline = time.perf_counter() + seconds

        async def loop(session: Session, offset: float) -> None:
            await asyncio.sleep(offset)  # spread the clicks, as people do
            while time.perf_counter() < deadline:
                times.append(await session.change_widget())
                await asyncio.sleep(think_s)

        await asyncio.gather(*(loop(s, think_s * i / sessions) for i, s in enumerate(opened)))
        if pid is not None:  # while every session is still open
            memory_mb = rss_mb(pid)
    return times, memory_mb


def drive(
    base_url: str, sessions: int, seconds: float, think_s: float, pid: int | None = None
) -> tuple[list[float], float]:
    """Synchronous wrapper of :func:`_drive`: rerun times, and the server's RSS (MB)."""
    return asyncio.run(_drive(base_url, sessions, seconds, think_s, pid))


def p95(times: list[float]) -> float:
    return float(np.percentile(times, 95)) if times else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--think", type=float, default=2.0, help="seconds between a tab's clicks")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each load step")
    parser.add_argument("--saturate", type=int, default=8, help="sessions for the throughput runs")
    args = parser.parse_args()
    with postgres_server.running_postgres() as admin_url:
        url = postgres_server.create_database(admin_url, "atlas_capacity")
        # Both servers use the same register (migrated by the first one to start).
        env = {"ATLAS_DATABASE_URL": url, "STREAMLIT_SERVER_COOKIE_SECRET": "bench-only"}
        first, base1 = start_app(env=env)
        second = None
        try:
            wait_until_ok(f"{base1}/healthz/ready", 60)
            drive(base1, 1, 3, 0)  # warm the caches (schools, map files)
            idle_mb = rss_mb(first.pid)
            best, best_p95, per_session, sessions = 0, float("nan"), float("nan"), 2
            while sessions <= 64:
                times, loaded_mb = drive(base1, sessions, args.seconds, args.think, first.pid)
                result = p95(times)
                print(
                    f"# {sessions} sessions on one server: p95 {result:.2f} s, "
                    f"{loaded_mb:.0f} MB (idle {idle_mb:.0f} MB)",
                    flush=True,
                )
                if result > TARGET_P95_S:
                    break
                best, best_p95 = sessions, result
                per_session = (loaded_mb - idle_mb) / sessions
                sessions *= 2
            one = len(drive(base1, args.saturate, args.seconds, 0)[0]) / args.seconds
            second, base2 = start_app(env=env)
            wait_until_ok(f"{base2}/healthz/ready", 60)
            drive(base2, 1, 3, 0)
            addresses = [base.removeprefix("http://") for base in (base1, base2)]
            with running_haproxy(addresses) as proxy:
                time.sleep(2.5)  # both servers up in HAProxy (rise 2, checks 1 s apart)
                two = len(drive(proxy, args.saturate, args.seconds, 0)[0]) / args.seconds
        finally:
            stop_app(first)
            if second is not None:
                stop_app(second)
    print(f"# reruns per second: one server {one:.2f}, two behind HAProxy {two:.2f}")
    print(f"sessions_per_server: {best}")
    print(f"p95_rerun_s: {best_p95:.3f}")
    print(f"two_server_speedup: {two / one:.2f}")
    print(f"server_rss_mb_per_session: {per_session:.1f}")


if __name__ == "__main__":
    main()
