"""Start the real app on 127.0.0.1 for benchmarks and browser tests, and stop it by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_PATH = "/usr/bin/chromium"
# Flags that keep Chromium from reaching out to Google's services on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_app(
    env: dict[str, str] | None = None, timeout_s: float = 60, port: int | None = None
) -> Iterator[str]:
    """Run ``streamlit run server.py`` on 127.0.0.1; yield its base URL once it is ready.

    The server is stopped by its PID (SIGTERM, then SIGKILL) when the block ends.
    """
    with app_process(env=env, timeout_s=timeout_s, port=port) as (base_url, _pid):
        yield base_url


@contextlib.contextmanager
def app_process(
    env: dict[str, str] | None = None,
    timeout_s: float = 60,
    port: int | None = None,
    *,
    script: Path = ROOT / "server.py",
    ready_path: str = "/healthz/ready",
) -> Iterator[tuple[str, int]]:
    """Like :func:`running_app`, but yield ``(base_url, pid)`` (e.g. to watch its memory).

    ``script`` is the file to run; the server counts as started when ``ready_path``
    answers 200 (the atlas's readiness check waits for its warm-up, as a proxy would).
    """
    process, base_url = start_app(
        env=env, timeout_s=timeout_s, port=port, script=script, ready_path=ready_path
    )
    try:
        yield base_url, process.pid
    finally:
        stop_app(process)


def start_app(
    env: dict[str, str] | None = None,
    timeout_s: float = 60,
    port: int | None = None,
    *,
    script: Path = ROOT / "server.py",
    ready_path: str = "/_stcore/health",
) -> tuple[subprocess.Popen, str]:
    """Start the app on 127.0.0.1 and wait until it answers; the caller stops it (:func:`stop_app`).

    By default it waits only for Streamlit's own health check, so several servers can be
    started at the same moment (their migrations then race, as in a deployment).

    Returns
    -------
    tuple
        The process (leader of its own process group) and its base URL.
    """
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        # Test hooks let browser tests and benchmarks see when and where schools are drawn.
        env={**os.environ, "ATLAS_TEST_HOOKS": "1", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ok(f"{base_url}{ready_path}", timeout_s, process)
    except BaseException:
        stop_app(process)
        raise
    return process, base_url


def wait_until_ok(url: str, timeout_s: float, process: subprocess.Popen | None = None) -> None:
    """Poll ``url`` until it answers 200; fail if ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer")
        time.sleep(0.2)


def stop_app(process: subprocess.Popen) -> None:
    """Stop a process started by :func:`start_app` (its whole group) and reap it."""
    stop(process.pid)
    process.wait(timeout=10)


def stop(pid: int) -> None:
    """Stop the process group led by ``pid``: SIGTERM, then SIGKILL after 5 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def choose_option(page, label: str, option: str, *, click: bool = True) -> None:
    """Type into a Streamlit multiselect/selectbox labelled ``label`` until ``option`` shows.

    With ``click=False`` the option is left showing, for the caller to click (and time).
    """
    widget = (
        page.locator('[data-testid="stMultiSelect"], [data-testid="stSelectbox"]')
        .filter(has_text=label)
        .first
    )
    widget.wait_for(timeout=60_000)
    field = widget.locator("input").first
    field.click()
    field.press_sequentially(option)
    choice = page.get_by_role("option", name=option, exact=True)
    choice.wait_for(timeout=15_000)
    if click:
        choice.click()


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total_kb = 0
    for candidate in Path("/proc").iterdir():
        if not candidate.name.isdigit():
            continue
        try:
            status = (candidate / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(candidate.name) == pid or fields.get("PPid", "").strip() == str(pid):
            total_kb += int(fields.get("VmRSS", "0 kB").split()[0])
    return total_kb / 1024
