"""The sign-in and sign-out forms and the readiness check, with Starlette's test client (#10)."""

from __future__ import annotations

import statistics
import time

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard import config
from dashboard.app import session, web
from dashboard.register import accounts, sessions
from dashboard.register import engine as register_engine

PASSWORD = "a long enough secret"


@pytest.fixture
def client(monkeypatch) -> TestClient:
    """The web routes on the test's own register, with one officer account."""
    monkeypatch.setattr(config, "SIGN_IN_FREE_ATTEMPTS", 2)
    engine = register_engine.open_register()
    accounts.create_user(engine, "ann", PASSWORD, role="officer", display_name="Ann")
    engine.dispose()
    return TestClient(Starlette(routes=web.routes()), base_url="http://127.0.0.1")


def _post(client, username, password, next_page="register"):
    return client.post(
        "/auth/sign-in",
        data={"username": username, "password": password, "next": next_page},
        follow_redirects=False,
    )


def test_the_form_is_an_accessible_page_that_remembers_where_to_go(client):
    page = client.get("/auth/sign-in?next=register")
    assert page.status_code == 200
    assert '<label for="username">Username</label>' in page.text
    assert 'name="next" value="register"' in page.text
    assert page.headers["cache-control"] == "no-store"


def test_a_right_password_sets_a_signed_httponly_cookie_and_returns_to_the_page(client):
    reply = _post(client, "ann", PASSWORD)
    assert reply.status_code == 303
    assert reply.headers["location"] == "../register"
    cookie = reply.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert f"Max-Age={int(config.SESSION_HOURS * 3600)}" in cookie
    token = session.token_from_cookie(client.cookies[session.COOKIE_NAME])
    assert sessions.session_user(register_engine.open_register(), token).username == "ann"


def test_a_tampered_cookie_is_worth_nothing(client):
    _post(client, "ann", PASSWORD)
    value = client.cookies[session.COOKIE_NAME]
    assert session.token_from_cookie(value[:-2] + ("xy" if value[-2:] != "xy" else "zz")) is None
    assert session.token_from_cookie("made-up") is None


def test_unknown_user_and_wrong_password_get_the_same_answer(client):
    wrong = _post(client, "ann", "not the password")
    unknown = _post(client, "nobody", "not the password")
    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert web.WRONG in wrong.text
    assert web.WRONG in unknown.text
    assert session.COOKIE_NAME not in client.cookies


def test_unknown_user_takes_as_long_as_a_wrong_password(client, monkeypatch):
    monkeypatch.setattr(config, "SIGN_IN_FREE_ATTEMPTS", 100)  # time the check, not the wait

    def timed(username):
        start = time.perf_counter()
        _post(client, username, "not the password", next_page="")
        return time.perf_counter() - start

    # Interleaved, so warming up or a busy machine affects both alike; compare medians.
    pairs = [(timed("ann"), timed(f"nobody{i}")) for i in range(5)]
    wrong = statistics.median(w for w, _ in pairs)
    unknown = statistics.median(u for _, u in pairs)
    assert abs(wrong - unknown) < 0.5 * max(wrong, unknown)


def test_failures_make_the_next_attempts_wait_longer(client):
    for _ in range(config.SIGN_IN_FREE_ATTEMPTS):
        _post(client, "ann", "not the password")
    start = time.perf_counter()
    _post(client, "ann", "not the password")
    assert time.perf_counter() - start >= 1.0  # the first wait after the free attempts


def test_next_can_only_name_a_page_of_the_atlas(client):
    reply = _post(client, "ann", PASSWORD, next_page="https://evil.example/")
    assert reply.headers["location"] == "../"  # an officer's first page: the map, at the root


def test_the_map_is_asked_for_at_the_root(client):
    """Streamlit serves the default page only at the root; ``/map`` is "page not found"."""
    assert _post(client, "ann", PASSWORD, next_page="map").headers["location"] == "../"


def test_with_no_page_asked_for_each_role_opens_on_its_own_page(client):
    engine = register_engine.open_register()
    accounts.create_user(engine, "cllr", PASSWORD, role="cabinet", display_name="Cllr")
    accounts.create_user(engine, "head", PASSWORD, role="school", school_urn=136925)
    engine.dispose()
    assert _post(client, "cllr", PASSWORD, next_page="").headers["location"] == "../summary"
    assert _post(client, "head", PASSWORD, next_page="").headers["location"] == "../partners"


def test_signing_out_ends_the_session_on_the_server(client):
    _post(client, "ann", PASSWORD)
    token = session.token_from_cookie(client.cookies[session.COOKIE_NAME])
    reply = client.post("/auth/sign-out")
    assert reply.status_code == 200
    assert web.SIGNED_OUT in reply.text
    assert sessions.session_user(register_engine.open_register(), token) is None


def test_the_readiness_check_answers(client):
    assert client.get("/healthz/ready").text == "ok"
