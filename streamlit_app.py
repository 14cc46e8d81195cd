"""School Links Atlas: entry point that declares the pages."""

import streamlit as st

st.set_page_config(
    page_title="School Links Atlas", page_icon=":material/diversity_3:", layout="wide"
)

pages = {
    "Council officers": [
        st.Page("pages/map.py", title="Map of schools", icon=":material/map:", default=True),
        st.Page("pages/gaps.py", title="Gaps and pairing plan", icon=":material/join_inner:"),
        st.Page("pages/register.py", title="Link register", icon=":material/link:"),
    ],
    "Cabinet members": [
        st.Page("pages/summary.py", title="Summary and briefing", icon=":material/summarize:"),
    ],
    "Schools": [
        st.Page("pages/partners.py", title="Find a partner school", icon=":material/handshake:"),
    ],
    "About": [
        st.Page("pages/data.py", title="About the data", icon=":material/database:"),
    ],
}
st.navigation(pages).run()
