"""Faults give a calm page (issue #15): register unreadable, read-only under a running
server, PostgreSQL stopped and started again. Never a stack, a crash or a host name.
"""

from __future__ import annotations

import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from bench.server import app_process
from dashboard import config
from dashboard.app import web
from dashboard.register import accounts, auth, engine
from dashboard.register.auth import User
from tests import postgres_server
from tests.conftest import ROOT, sign_in, skip_or_fail

UNREADABLE_NOTE = config.REGISTER_UNREADABLE[:40]


@pytest.fixture
def unreadable_register(tmp_path, monkeypatch) -> Path:
    """A register file that is not a database at all (a damaged or wrong file)."""
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not an SQLite database" * 100)
    monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{path}")
    return path


def _warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


@pytest.mark.parametrize("page", ["pages/map.py", "pages/summary.py", "pages/partners.py"])
def test_public_pages_carry_on_from_the_embedded_data(unreadable_register, page):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90).run()
    at.switch_page(page).run()
    assert not at.exception
    assert UNREADABLE_NOTE in _warnings(at)


def test_the_note_shows_once_a_run_and_goes_when_the_register_is_back(
    unreadable_register, tmp_path, monkeypatch
):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90).run()
    assert _warnings(at).count(UNREADABLE_NOTE) == 1  # links, caption and user all failed
    at.run()  # a rerun of the same page says it again, once
    assert _warnings(at).count(UNREADABLE_NOTE) == 1
    monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{tmp_path / 'mended.sqlite3'}")
    at.run()
    assert not at.exception
    assert UNREADABLE_NOTE not in _warnings(at)
    captions = "\n".join(c.value for c in at.caption)
    assert "cannot be reached" not in captions


def test_map_still_counts_every_school_when_the_register_is_unreadable(unreadable_register):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90).run()
    shown = "\n".join(m.value for m in at.markdown)
    assert f"**{config.TOTAL_STATE_SCHOOLS:,} schools shown**" in shown


def test_signed_in_officer_gets_a_calm_page(tmp_path, monkeypatch):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    sign_in(at, User("officer-fault", auth.OFFICER))
    broken = tmp_path / "gone.sqlite3"
    broken.write_bytes(b"\x00garbage" * 500)
    monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{broken}")
    at.run()
    at.switch_page("pages/register.py").run()
    assert not at.exception
    assert UNREADABLE_NOTE in _warnings(at)


def _post_sign_in(base: str, username: str, password: str) -> tuple[int, str]:
    data = urllib.parse.urlencode({"username": username, "password": password}).encode()
    request = urllib.request.Request(f"{base}/auth/sign-in", data=data, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _alive(base: str) -> bool:
    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=10) as reply:
        return reply.status == 200


def _read_only(path: Path, on: bool) -> None:
    """Make a file read-only even for root (the immutable attribute), or writable again."""
    done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    if done.returncode != 0:
        skip_or_fail("ATLAS_REQUIRE_BROWSER", f"chattr cannot mark {path} read-only here")


@pytest.mark.browser
def test_register_made_read_only_under_a_running_server(tmp_path, page, account_password):
    """The register's file system becomes read-only: writes refused calmly, the server lives."""
    path = tmp_path / "register.sqlite3"
    url = f"sqlite:///{path}"
    register = engine.open_register(url)
    accounts.create_user(register, "ro-officer", account_password, role=auth.OFFICER)
    register.dispose()
    with app_process(env={"ATLAS_DATABASE_URL": url}) as (base, pid):
        assert _post_sign_in(base, "ro-officer", "wrong")[0] == 401  # a write: a failure
        _read_only(path, True)
        try:
            for _ in range(3):  # each failed sign-in tries to record itself
                status, body = _post_sign_in(base, "ro-officer", "wrong")
                assert status == 503
                assert web.REGISTER_DOWN[:30] in body
            assert _alive(base)
            page.goto(base)
            page.get_by_text("schools shown").first.wait_for(timeout=60_000)
            assert "Traceback" not in page.inner_text("body")
        finally:
            _read_only(path, False)
        assert _post_sign_in(base, "ro-officer", "wrong")[0] == 401  # writes work again
        os.kill(pid, 0)  # still the same server process


@pytest.mark.browser
def test_postgres_stopped_and_started_again(page, account_password):
    if postgres_server.find_bindir() is None:
        skip_or_fail("ATLAS_REQUIRE_POSTGRES", "PostgreSQL is not installed")
    with postgres_server.own_postgres() as server:
        url = postgres_server.create_database(server.url, f"atlas_{uuid.uuid4().hex[:8]}")
        register = engine.open_register(url)
        accounts.create_user(register, "pg-officer", account_password, role=auth.OFFICER)
        register.dispose()
        host = f"{sa.make_url(url).host}:{server.port}"
        with app_process(env={"ATLAS_DATABASE_URL": url}) as (base, _pid):
            page.goto(base)
            page.get_by_text("schools shown").first.wait_for(timeout=60_000)
            server.stop()
            page.reload()
            page.get_by_text(UNREADABLE_NOTE).wait_for(timeout=60_000)
            text = page.inner_text("body")
            assert host not in text
            assert "Traceback" not in text
            assert "schools shown" in text
            status, body = _post_sign_in(base, "pg-officer", account_password)
            assert status == 503
            assert str(server.port) not in body
            server.start()
            page.reload()
            page.get_by_text("schools shown").first.wait_for(timeout=60_000)
            assert UNREADABLE_NOTE not in page.inner_text("body")
            assert _post_sign_in(base, "pg-officer", account_password)[0] == 200
