"""Shared fixtures: paths, a raw-data folder built from the tiny fixtures, cache hygiene."""

from __future__ import annotations

import os
import secrets
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from bench.server import CHROMIUM_ARGS, CHROMIUM_PATH, running_app
from dashboard.app import first_paint
from dashboard.data.build import RAW_FILES
from dashboard.register import accounts
from dashboard.register import engine as register_engine
from tests import postgres_server

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "data"

FIXTURE_FILES = {
    "register": "register_extract.csv",
    "census": "census.csv",
    "register_links": "links.csv",
    "la_lookup": "la_lookup.csv",
    "la_boundaries": "boundaries/las.geojson",
    "region_boundaries": "boundaries/regions.geojson",
}


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A raw-data folder laid out like ../shared/data/raw, holding the tiny fixtures."""
    folder = tmp_path / "raw"
    for key, name in RAW_FILES.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / FIXTURE_FILES[key], target)
    return folder


@pytest.fixture(autouse=True)
def _own_register(tmp_path, monkeypatch):
    """Pages under test use a fresh SQLite register, never the developer's var/ one."""
    monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{tmp_path / 'app-register.sqlite3'}")


def sign_in(at, user):
    """Give an AppTest a real session of ``user`` in the register the app uses (its own DB).

    AppTest cannot send cookies, so the session token goes into the session's state,
    where :func:`dashboard.app.session.current_user` checks it against the register
    exactly as it checks a cookie's token.
    """
    from dashboard.app import session
    from dashboard.register import sessions

    engine = register_engine.open_register()
    try:
        accounts.create_user(
            engine,
            user.username,
            secrets.token_urlsafe(16),
            role=user.role,
            display_name=user.display_name,
            school_urn=user.school_urn,
            scope=user.scope,
        )
    except accounts.AccountError:
        accounts.set_role(
            engine, user.username, user.role, school_urn=user.school_urn, scope=user.scope
        )
    at.session_state[session.TOKEN_KEY] = sessions.start_session(engine, user.username, hours=1)
    engine.dispose()
    return at


@pytest.fixture(autouse=True)
def _clear_streamlit_cache():
    """Streamlit caches survive between AppTest runs in one session: start each test clean."""
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def _whole_pages(request, monkeypatch):
    """AppTest has no browser to say the map is drawn: pages are sent whole at once.

    Tests marked ``first_paint`` follow a first visit's stages themselves.
    """
    if "first_paint" not in request.keywords:
        monkeypatch.setattr(first_paint, "WAIT_FOR_MAP", False)


def _require(flag: str) -> bool:
    """In CI (flag set by .ci/run) a missing service fails the test instead of skipping it."""
    return os.environ.get(flag, "") not in ("", "0")


def skip_or_fail(flag: str, reason: str) -> None:
    """Skip locally; fail where ``flag`` says the service must be there."""
    if _require(flag):
        pytest.fail(f"{reason} ({flag} is set, so this cannot be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A real PostgreSQL server: ATLAS_TEST_POSTGRES_URL, else a throwaway local cluster."""
    given = os.environ.get("ATLAS_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    if postgres_server.find_bindir() is None:
        skip_or_fail("ATLAS_REQUIRE_POSTGRES", "PostgreSQL is not installed")
    with postgres_server.running_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def register_url(request, tmp_path) -> str:
    """A new, empty register database on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.sqlite3'}"
    admin_url = request.getfixturevalue("postgres_admin_url")
    return postgres_server.create_database(admin_url, f"atlas_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def register(register_url):
    """An engine on a migrated register (SQLite and PostgreSQL in turn)."""
    engine = register_engine.open_register(register_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM_PATH).exists():
        skip_or_fail(
            "ATLAS_REQUIRE_BROWSER", "Chromium is not installed (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


ACCOUNTS = {  # username -> (role, school URN); passwords are generated per test session
    "officer1": ("officer", None),
    "cabinet1": ("cabinet", None),
    "school1": ("school", 136925),
}


@pytest.fixture(scope="session")
def account_password() -> str:
    """A fresh random password for the test accounts (none is stored anywhere)."""
    return secrets.token_urlsafe(16)


def _with_accounts(url: str, password: str) -> str:
    """Migrate the register at ``url`` and give it the test accounts."""
    engine = register_engine.open_register(url)
    for username, (role, urn) in ACCOUNTS.items():
        accounts.create_user(
            engine, username, password, role=role, display_name=username.title(), school_urn=urn
        )
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def app_register_url(tmp_path_factory, account_password) -> str:
    """The SQLite register of the browser tests' app, with the test accounts."""
    register_file = tmp_path_factory.mktemp("browser-register") / "register.sqlite3"
    return _with_accounts(f"sqlite:///{register_file}", account_password)


@pytest.fixture(scope="session")
def app_url(chromium, app_register_url) -> Iterator[str]:
    """The real app on 127.0.0.1 with its own register and accounts, stopped by PID."""
    with running_app(env={"ATLAS_DATABASE_URL": app_register_url}) as base:
        yield base


@pytest.fixture(scope="session")
def pg_register_url(postgres_admin_url, account_password) -> str:
    """A PostgreSQL register with the test accounts, for the journeys that need one."""
    url = postgres_server.create_database(postgres_admin_url, f"atlas_app_{uuid.uuid4().hex[:8]}")
    return _with_accounts(url, account_password)


@pytest.fixture(scope="session")
def pg_app_url(chromium, pg_register_url) -> Iterator[str]:
    """The real app on 127.0.0.1 keeping its register in PostgreSQL, stopped by PID."""
    with running_app(env={"ATLAS_DATABASE_URL": pg_register_url}) as base:
        yield base


@pytest.fixture
def page(chromium):
    """A fresh browser tab (own cookies and storage) at a desktop size."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
