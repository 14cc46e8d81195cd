"""HAProxy (Debian's package) in front of app servers on 127.0.0.1, with deploy/haproxy.cfg."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence

from bench.server import ROOT, free_port, stop, wait_until_ok

HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"


def haproxy_path() -> str | None:
    """The haproxy binary (``/usr/sbin/haproxy`` on Debian), or None when not installed."""
    return shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if os.path.exists("/usr/sbin/haproxy") else None
    )


@contextlib.contextmanager
def running_haproxy(app_addresses: Sequence[str], timeout_s: float = 30) -> Iterator[str]:
    """Run HAProxy on a free 127.0.0.1 port before ``app_addresses`` (``host:port``, two).

    Yields the proxy's base URL once a health check through it succeeds; stops it by PID.
    """
    binary = haproxy_path()
    if binary is None:
        raise FileNotFoundError("haproxy is not installed (apt-get install haproxy)")
    port = free_port()
    env = {
        **os.environ,
        "ATLAS_PROXY_BIND": f"127.0.0.1:{port}",
        **{f"ATLAS_APP{n}": address for n, address in enumerate(app_addresses, start=1)},
    }
    # -db: stay in the foreground, so the PID we hold is HAProxy's own.
    process = subprocess.Popen(
        [binary, "-db", "-f", str(HAPROXY_CONFIG)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ok(f"{base_url}/healthz/ready", timeout_s, process)
        yield base_url
    finally:
        stop(process.pid)
        process.wait(timeout=10)
