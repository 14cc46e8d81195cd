"""The atlas's web server: the Streamlit app (streamlit_app.py) plus its own routes.

Start it with ``streamlit run server.py``: Streamlit finds the ``st.App`` below and
serves the pages, the sign-in and sign-out forms, the readiness check and the
map's files (:mod:`dashboard.app.web`) from one process. On start it warms the
map page's caches (:mod:`dashboard.app.warm_up`) before reporting ready.
"""

import contextlib

import streamlit as st
from starlette.middleware import Middleware

from dashboard.app import map_assets, warm_up, web


@contextlib.asynccontextmanager
async def lifespan(_app: st.App):
    """Start warming the caches once the server runs."""
    warm_up.start()
    yield


app = st.App(
    "streamlit_app.py",
    routes=web.routes(),
    middleware=[Middleware(map_assets.MapPagePreloads)],
    lifespan=lifespan,
)
