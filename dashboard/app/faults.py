"""Calm pages when the register's database fails: a short note, never a stack or a host name.

The register may be unreachable (PostgreSQL stopped, a file that cannot be read), read
only, or on a full disk. Reading pages then carry on from the embedded school data with
:data:`dashboard.config.REGISTER_UNREADABLE`; a write that fails rolls back and says
:data:`dashboard.config.REGISTER_UNSAVED`. The error goes to the server log only.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import config

LOG = logging.getLogger("atlas.register")
# Every fault of the database or its driver (OperationalError, DataError, ...).
DATABASE_ERRORS: tuple[type[BaseException], ...] = (sa.exc.SQLAlchemyError,)
_NOTED = "_register_fault_noted"


def note_unreadable(exc: BaseException) -> None:
    """Log a failed read and say so once on the page (a warning, not an error)."""
    LOG.warning("register unreadable: %s", type(exc).__name__, exc_info=exc)
    if not noted():  # one note per run is enough
        st.session_state[_NOTED] = _this_run()
        st.warning(config.REGISTER_UNREADABLE, icon=":material/cloud_off:")


def noted() -> bool:
    """Whether this run has found the register unreadable."""
    run = _this_run()
    return run is not None and st.session_state.get(_NOTED) is run


def _this_run() -> object | None:
    # A flag cleared at the start of the entry point did not reliably belong to one run
    # (reruns restore session state): the note is keyed on an object Streamlit makes
    # afresh for every run, its element cursors, held here so it stays unique.
    ctx = get_script_run_ctx()
    return ctx.cursors if ctx is not None else None


def show_unsaved(exc: BaseException) -> None:
    """Log a failed page (a write, or a read the page cannot do without) and say so calmly."""
    LOG.error("register fault: %s", type(exc).__name__, exc_info=exc)
    st.error(config.REGISTER_UNSAVED, icon=":material/cloud_off:")
