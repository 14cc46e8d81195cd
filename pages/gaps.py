"""Placeholder: built by its own issue."""

import streamlit as st

from dashboard import ui

st.title("gaps")
ui.guard_page(__file__)
st.info("This page is being built.")
