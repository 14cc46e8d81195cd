"""Sign in (or out): council officers, cabinet members and schools."""

import streamlit as st

from dashboard import config
from dashboard.app import navigation, session, text
from dashboard.register import auth

st.title("Sign in")
navigation.guard_page(__file__)
user = session.current_user()

if user.role != auth.PUBLIC:
    st.markdown(
        f"You are signed in as **{text.md_escape(user.label)}** "
        f"({auth.ROLE_LABELS[user.role].lower()})."
    )
    if session.oidc_configured() and st.user.is_logged_in:
        if st.button("Sign out", key="sign_in_out"):
            st.logout()
    else:
        st.markdown(
            f"A sign-in lasts {config.SESSION_HOURS:g} hours. Signing out ends it in every "
            "tab and on every device that shares it."
        )
        navigation.sign_out_button()
    st.stop()

st.markdown(
    "Without signing in you can see the map, the summary and partner suggestions. "
    "Council officers sign in to keep the link register."
)
navigation.sign_in_button(st.query_params.get("next"))
st.caption(
    "No account? Ask the council's system administrator: accounts are created with "
    "python -m dashboard.register.accounts add."
)
