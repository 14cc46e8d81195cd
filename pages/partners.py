"""Placeholder: built by its own issue."""

import streamlit as st

st.title("partners")
st.info("This page is being built.")
