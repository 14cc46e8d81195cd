"""School Links Atlas: entry point that declares the pages each user may open."""

import streamlit as st

from dashboard.app import navigation

st.set_page_config(
    page_title="School Links Atlas", page_icon=":material/diversity_3:", layout="wide"
)
navigation.run_navigation()
