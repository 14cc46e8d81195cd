"""Calm pages when the register's database fails: a short note, never a stack or a host name.

The register may be unreachable (PostgreSQL stopped, a file that cannot be read), read
only, or on a full disk. Reading pages then carry on from the embedded school data with
:data:`dashboard.config.REGISTER_UNREADABLE`; a write that fails rolls back and says
:data:`dashboard.config.REGISTER_UNSAVED`. The error goes to the server log only.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import sqlalchemy as sa
import streamlit as st

from dashboard import config

LOG = logging.getLogger("atlas.register")
# Every fault of the database or its driver (OperationalError, DataError, ...).
DATABASE_ERRORS: tuple[type[BaseException], ...] = (sa.exc.SQLAlchemyError,)
_NOTED = "_register_fault_noted"
_IN_ENTRY_POINT = "_register_fault_entry_point"


@contextlib.contextmanager
def entry_point_run() -> Iterator[None]:
    """A run of the entry point (and of the page it opens): it starts with no note."""
    st.session_state[_NOTED] = False
    st.session_state[_IN_ENTRY_POINT] = True
    try:
        yield
    finally:  # also when the run is stopped or rerun part way
        st.session_state[_IN_ENTRY_POINT] = False


def start_page() -> None:
    """First call of a page: a page file run on its own starts with no note either."""
    if not st.session_state.get(_IN_ENTRY_POINT, False):
        st.session_state[_NOTED] = False


def note_unreadable(exc: BaseException) -> None:
    """Log a failed read and say so once on the page (a warning, not an error)."""
    LOG.warning("register unreadable: %s", type(exc).__name__, exc_info=exc)
    if not noted():  # one note per run is enough
        st.session_state[_NOTED] = True
        st.warning(config.REGISTER_UNREADABLE, icon=":material/cloud_off:")


def noted() -> bool:
    """Whether this run has found the register unreadable.

    A run begins either in the entry point (:func:`entry_point_run`) or, when Streamlit
    runs a page file on its own, in the page's guard (:func:`start_page`); both forget
    the last run's note, using only session state (no Streamlit internals).
    """
    return bool(st.session_state.get(_NOTED, False))


def show_unsaved(exc: BaseException) -> None:
    """Log a failed page (a write, or a read the page cannot do without) and say so calmly."""
    LOG.error("register fault: %s", type(exc).__name__, exc_info=exc)
    st.error(config.REGISTER_UNSAVED, icon=":material/cloud_off:")
