"""Who is using the app, read afresh from the register on every interaction.

A local account signs in through the form in :mod:`dashboard.app.web`, which
sets a signed, ``HttpOnly`` cookie holding a session token; single sign-on uses
Streamlit's own ``st.login``. Either way the user is looked up again at each
rerun, so ending a session, removing an account or changing its role takes
effect at the next click, on every app server.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import streamlit as st
from itsdangerous import BadSignature, URLSafeTimedSerializer

from dashboard import config
from dashboard.app import faults, loaders
from dashboard.register import auth, engine, sessions
from dashboard.register.auth import User
from dashboard.register.scope import NATIONAL, Scope

COOKIE_NAME = "atlas_session"
# A session token held by this Streamlit session itself (set by tests, which cannot
# send cookies); it is checked against the register exactly like the cookie's.
TOKEN_KEY = "atlas_session_token"
_SALT = "atlas-session"


@st.cache_resource(show_spinner=False)
def _serializer(url: str) -> URLSafeTimedSerializer:
    configured = os.environ.get("ATLAS_SESSION_SECRET") or _secrets_section("sessions").get(
        "secret"
    )
    key = sessions.signing_key(loaders.register_engine(url), configured)
    return URLSafeTimedSerializer(key, salt=_SALT)


def cookie_value(token: str) -> str:
    """The cookie for a session token: the token, signed and time-stamped (itsdangerous)."""
    return _serializer(loaders.configured_database_url()).dumps(token)


def token_from_cookie(value: str | None) -> str | None:
    """The session token in a cookie, or None when it is missing, tampered with or too old."""
    if not value:
        return None
    try:
        token = _serializer(loaders.configured_database_url()).loads(
            value, max_age=int(config.SESSION_HOURS * 3600)
        )
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def trusted_proxies() -> set[str]:
    """Addresses whose X-Forwarded-For is believed (the proxy in front; local by default)."""
    return set(os.environ.get("ATLAS_TRUSTED_PROXIES", "127.0.0.1,::1").split(","))


def check_register() -> None:
    """Raise if the register cannot be reached or its schema is not current (readiness check).

    A server started with ``ATLAS_MIGRATE_ON_START=0`` stays out of the proxy's
    rotation until the migration step has run.
    """
    if not engine.schema_is_current(loaders.register()):
        raise RuntimeError("the register's schema is not at the newest migration")


def current_token() -> str | None:
    """The visitor's session token: held by the session, else from the signed cookie."""
    held = st.session_state.get(TOKEN_KEY)
    if isinstance(held, str) and held:
        return held
    return token_from_cookie(st.context.cookies.get(COOKIE_NAME))


def current_user() -> User:
    """Who is using the app: single sign-on user, local account, else the public visitor."""
    if oidc_configured() and st.user.is_logged_in:
        return _single_sign_on_user()
    try:
        token = current_token()
        user = sessions.session_user(loaders.register(), token) if token else None
    except faults.DATABASE_ERRORS as exc:  # the register is down: the public view
        faults.note_unreadable(exc)
        return auth.ANONYMOUS
    return user or auth.ANONYMOUS


def _single_sign_on_user() -> User:
    claims = st.user.to_dict()
    allow = {k: list(v) for k, v in _secrets_section("roles").items()}
    # [scope] default = "Worcestershire": where single sign-on officers act unless their
    # allow-list entry or token says otherwise (all of England when unset: one council).
    default = _secrets_section("scope").get("default")
    user = auth.user_from_claims(
        claims, allow, default_scope=Scope.parse(default) if default else NATIONAL
    )
    cutoff = sessions.signed_out_after(loaders.register(), user.username)
    issued = claims.get("iat")
    signed_in_before_cutoff = (
        cutoff is not None
        and isinstance(issued, int | float)
        and datetime.fromtimestamp(issued, UTC) < cutoff
    )
    if signed_in_before_cutoff:
        # "End every session" was asked for after this sign-in. st.logout() only
        # queues the redirect, so this run must not draw with the old role.
        st.logout()
        return auth.ANONYMOUS
    return user


def sign_out_here() -> None:
    """End this visitor's local session in the register (the cookie then counts for nothing)."""
    token = current_token()
    if token:
        sessions.end_session(loaders.register(), token)
    st.session_state.pop(TOKEN_KEY, None)


def _secrets_section(name: str) -> dict:
    """A section of secrets.toml as a plain dict (empty when absent)."""
    try:
        return dict(st.secrets.get(name, {}))
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def oidc_configured() -> bool:
    """True when an identity provider is set up in secrets.toml ([auth])."""
    return bool(_secrets_section("auth"))
