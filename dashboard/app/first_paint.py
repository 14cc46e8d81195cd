"""Map first: on a visitor's first visit, the map page draws its map before the rest.

The browser builds everything Streamlit sends on one thread, the map's frame
included. On a first visit the page's filters (a dozen widgets) and its table
(up to 22,000 rows) used to be built at the same moment as the map, which waited
for them: the schools now appear 0.27 s sooner on a desktop and 1.75 s sooner on
a phone (``bench/map.py``, 2 December 2026; README, Performance).

So the first run of the map page in a session sends the title, the map and its
legend, says in the places of the filters and the table that they are coming,
and, ahead of the map, a small component (``static/js/map-ready.mjs``) that
waits for the map's script to say the schools are on screen. Its word starts the
next run, which sends the map unchanged and then the filters and the table.
Every later run sends the whole page at once.
"""

from __future__ import annotations

import functools

import streamlit as st
from streamlit.components.v2.types import ComponentRenderer
from streamlit.delta_generator import DeltaGenerator

from dashboard import config

KEY = "map_first_paint"
FIT_KEY = "map_first_paint_fit"
# The stages of a session's first visit to the map: the map alone, then the run
# that adds the rest (the map sent unchanged), then whole pages.
MAP_ONLY, REST, ALL = "map", "rest", "all"
# The rest is asked for anyway when the map has not said it is drawn by then.
TIMEOUT_S = 8
# AppTest has no browser to say the map is drawn; tests that do not follow the
# first visit's stages turn this off (tests/conftest.py) and get whole pages.
WAIT_FOR_MAP = True
SIGNAL_FILE = config.STATIC_DIR / "js" / "map-ready.mjs"


def stage() -> str:
    """Which part of the first visit this run is.

    Returns
    -------
    str
        ``MAP_ONLY`` on the session's first visit until the map is drawn, ``REST``
        on the run right after it, ``ALL`` from then on.
    """
    if not WAIT_FOR_MAP:
        return ALL
    return str(st.session_state.setdefault(KEY, MAP_ONLY))


@functools.cache
def _signal() -> ComponentRenderer:
    """The component that says the map is drawn (Streamlit registers it per runtime)."""
    return st.components.v2.component("atlas.map_ready", js=SIGNAL_FILE.read_text("utf-8"))


def _drawn() -> None:
    """The component's word came (drawn, failed or timed out): the next run adds the rest."""
    st.session_state[KEY] = REST


def watch_for_map(area: DeltaGenerator) -> None:
    """Put the signal that waits for the map's word on a map-only run, before the map.

    Sent ahead of the map, it is listening before the map can be drawn, so it also
    sees a visitor who follows a link while the map is drawing (and then asks nothing).

    Parameters
    ----------
    area : DeltaGenerator
        Where the (invisible) signal goes: a place that is otherwise empty on this run.
    """
    with area:
        _signal()(
            key="map_ready",
            data={"timeoutMs": TIMEOUT_S * 1000},
            on_ready_change=_drawn,
        )


def hold_rest(sidebar_note: str, table_note: str, table_area: DeltaGenerator) -> None:
    """End a map-only run: say what is coming and stop; the signal asks for the rest.

    Parameters
    ----------
    sidebar_note, table_note : str
        What the sidebar and the table's place say while the map is drawn.
    table_area : DeltaGenerator
        The container the table will be drawn in.
    """
    st.sidebar.caption(sidebar_note)
    table_area.caption(table_note)
    st.stop()


def map_fit(fit: bool) -> bool:
    """Whether the map fits its view to the schools, sent unchanged by the run adding the rest.

    Parameters
    ----------
    fit : bool
        What this run would send (True when the filters changed).

    Returns
    -------
    bool
        ``fit``, except on the run that adds the rest: what the map-only run sent,
        so the map already drawn is not built again.
    """
    state = st.session_state
    if state.get(KEY) == REST:
        return bool(state.get(FIT_KEY, fit))
    state[FIT_KEY] = fit
    return fit


def finish() -> None:
    """Call at the end of the page: after the run that added the rest, whole pages."""
    if st.session_state.get(KEY) == REST:
        st.session_state[KEY] = ALL
