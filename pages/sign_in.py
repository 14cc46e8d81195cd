"""Sign in (or out): council officers, cabinet members and schools."""

import streamlit as st

from dashboard.app import loaders, navigation, session, text
from dashboard.register import accounts, auth

st.title("Sign in")
navigation.guard_page(__file__)
user = session.current_user()

if user.role != auth.PUBLIC:
    st.markdown(
        f"You are signed in as **{text.md_escape(user.label)}** "
        f"({auth.ROLE_LABELS[user.role].lower()})."
    )
    if st.button("Sign out", key="sign_in_out"):
        st.session_state.pop(session.USER_KEY, None)
        if session.oidc_configured() and st.user.is_logged_in:
            st.logout()
        st.rerun()
    st.stop()

st.markdown(
    "Without signing in you can see the map, the summary and partner suggestions. "
    "Council officers sign in to keep the link register."
)
if session.oidc_configured():
    if st.button("Sign in with your council account", type="primary", key="sign_in_oidc"):
        st.login()
    st.stop()

failures = st.session_state.get("sign_in_failures", 0)
with st.form("sign_in_form"):
    username = st.text_input("Username", key="sign_in_username", autocomplete="username")
    password = st.text_input(
        "Password", type="password", key="sign_in_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    if failures >= 5:
        st.error("Too many failed attempts in this session. Close the browser tab and try again.")
    else:
        signed = accounts.authenticate(loaders.register(), username, password)
        if signed is None:
            st.session_state["sign_in_failures"] = failures + 1
            st.error("That username and password do not match an account.")
        else:
            st.session_state[session.USER_KEY] = signed
            st.session_state.pop("sign_in_failures", None)
            wanted = navigation.page_of_url(st.query_params.get("next"))
            if wanted in navigation.allowed_pages(signed.role):
                st.switch_page(wanted)  # back to the page the visitor asked for
            st.rerun()
st.caption(
    "No account? Ask the council's system administrator: accounts are created with "
    "python -m dashboard.register.accounts add."
)
