"""Sign-in: local accounts and single sign-on roles, with AppTest's simulated user (issue #7)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.register import accounts, model
from dashboard.register import engine as register_engine
from dashboard.register.accounts import AccountError
from tests.conftest import ROOT

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only",
    "client_id": "atlas",
    "client_secret": "test-only",
    "server_metadata_url": "https://id.example.org/.well-known/openid-configuration",
}
ROLES = {"officer": ["ann@council.gov.uk"], "school": ["head@school.org=136925"]}


def app_as(user: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.secrets["auth"] = AUTH
    at.secrets["roles"] = ROLES
    at.user = user
    return at.run()


def test_an_allow_listed_officer_gets_the_register():
    at = app_as({"is_logged_in": True, "email": "ann@council.gov.uk", "name": "Ann"})
    at.switch_page("pages/register.py").run()
    assert not at.exception
    assert any(tab.label == "Add a link" for tab in at.tabs)


@pytest.mark.parametrize(
    "user",
    [
        {"is_logged_in": True, "email": "someone@elsewhere.org"},
        {"is_logged_in": True, "email": "head@school.org"},
        {"is_logged_in": False},
    ],
)
def test_other_people_do_not_get_the_register(user):
    at = app_as(user)
    at.switch_page("pages/register.py").run()
    assert "link register" in at.warning[0].value
    assert "council officer" in at.warning[0].value
    assert not at.tabs


def test_a_school_account_by_single_sign_on_opens_on_its_school():
    at = app_as({"is_logged_in": True, "email": "head@school.org", "name": "Head"})
    at.switch_page("pages/partners.py").run()
    assert "Pershore High School" in at.subheader[0].value


def test_local_accounts_store_hashes_and_check_passwords(tmp_path):
    engine = register_engine.open_register(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    accounts.create_user(engine, "Alice", "a long enough secret", role="officer")
    with engine.connect() as connection:
        stored = connection.execute(model.users_table.select()).one()
    assert stored.password_hash.startswith("$argon2id$")
    assert "a long enough secret" not in stored.password_hash
    assert accounts.authenticate(engine, "alice", "a long enough secret").role == "officer"
    assert accounts.authenticate(engine, "alice", "wrong password!!") is None
    assert accounts.authenticate(engine, "nobody", "a long enough secret") is None


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("bob", "short", "officer", "10 characters"),
        ("bob smith", "a long enough secret", "officer", "letters, digits"),
        ("bob", "a long enough secret", "mayor", "Unknown role"),
        ("bob", "a long enough secret", "school", "needs the school's URN"),
    ],
)
def test_bad_accounts_are_refused(tmp_path, username, password, role, message):
    engine = register_engine.open_register(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    with pytest.raises(AccountError, match=message):
        accounts.create_user(engine, username, password, role=role)


def test_the_sign_in_page_links_to_the_form_and_back_to_the_page_asked_for():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90).run()
    at.query_params["next"] = "register"
    at.switch_page("pages/sign_in.py").run()
    assert not at.exception
    links = [h.proto.body for h in at.get("html")]
    assert any('href="auth/sign-in?next=register"' in body for body in links)


def test_a_refused_page_offers_sign_in_that_returns_to_it():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90).run()
    at.switch_page("pages/gaps.py").run()
    assert "Sign in as a council officer or a cabinet member" in at.warning[0].value
    assert any('href="auth/sign-in?next=gaps"' in h.proto.body for h in at.get("html"))
