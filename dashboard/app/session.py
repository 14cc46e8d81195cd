"""Who is using the app: the signed-in user from single sign-on or a local account."""

from __future__ import annotations

import streamlit as st

from dashboard.register import auth
from dashboard.register.auth import User

USER_KEY = "atlas_user"


def current_user() -> User:
    """Who is using the app: OpenID Connect user, local account, else the public visitor."""
    if oidc_configured() and st.user.is_logged_in:
        allow = {k: list(v) for k, v in _secrets_section("roles").items()}
        return auth.user_from_claims(st.user.to_dict(), allow)
    user = st.session_state.get(USER_KEY)
    if isinstance(user, User):
        return user
    return auth.ANONYMOUS


def _secrets_section(name: str) -> dict:
    """A section of secrets.toml as a plain dict (empty when absent)."""
    try:
        return dict(st.secrets.get(name, {}))
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def oidc_configured() -> bool:
    """True when an identity provider is set up in secrets.toml ([auth])."""
    return bool(_secrets_section("auth"))
