"""The atlas's web server: the Streamlit app (streamlit_app.py) plus its sign-in routes.

Start it with ``streamlit run server.py``: Streamlit finds the ``st.App`` below and
serves the pages, the sign-in and sign-out forms and the readiness check
(:mod:`dashboard.app.web`) from one process.
"""

import streamlit as st

from dashboard.app import web

app = st.App("streamlit_app.py", routes=web.routes())
