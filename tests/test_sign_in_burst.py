"""Sixty sign-in attempts at once keep the server's memory bounded (issue #15).

Each Argon2 check takes 64 MiB; the sign-in route runs at most
:data:`dashboard.config.PASSWORD_CHECKS_AT_ONCE` at a time (an anyio capacity
limiter), so a burst queues instead of taking 60 × 64 MiB. The bound README states
is checked here on a real server, its resident memory read from /proc.
"""

from __future__ import annotations

import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from bench.server import app_process, rss_mb
from dashboard import config
from dashboard.register import accounts
from dashboard.register import engine as register_engine

ATTEMPTS = 60
ARGON2_MIB = 64
# README ("Signing in"): the checks running at once, plus 64 MiB for the queued requests.
BOUND_MB = (config.PASSWORD_CHECKS_AT_ONCE + 1) * ARGON2_MIB * 1.048576


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the 303 to the page is the answer itself
        return None


def _post(base: str, username: str, password: str) -> int:
    data = urllib.parse.urlencode({"username": username, "password": password}).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(f"{base}/auth/sign-in", data=data, timeout=120) as reply:
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_sixty_sign_ins_at_once_keep_server_memory_bounded(tmp_path):
    url = f"sqlite:///{tmp_path / 'register.sqlite3'}"
    password = secrets.token_urlsafe(16)
    engine = register_engine.open_register(url)
    for n in range(ATTEMPTS):  # one account each: no attempt waits for another's failures
        accounts.create_user(engine, f"user{n}", password, role="officer")
    engine.dispose()
    with app_process(env={"ATLAS_DATABASE_URL": url}) as (base, pid):
        assert _post(base, "user0", password) == 303  # warm: the route and Argon2 loaded
        before = rss_mb(pid)
        peak = {"mb": before}
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                peak["mb"] = max(peak["mb"], rss_mb(pid))
                done.wait(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            with ThreadPoolExecutor(ATTEMPTS) as pool:
                answers = list(
                    pool.map(lambda n: _post(base, f"user{n}", password), range(ATTEMPTS))
                )
        finally:
            done.set()
            watcher.join()
    growth = peak["mb"] - before
    assert answers == [303] * ATTEMPTS  # every one signed in, none refused or failed
    assert growth < BOUND_MB, f"+{growth:.0f} MB for {ATTEMPTS} sign-ins (bound {BOUND_MB:.0f})"
