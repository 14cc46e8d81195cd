"""Placeholder: built by its own issue."""

import streamlit as st

st.title("register")
st.info("This page is being built.")
