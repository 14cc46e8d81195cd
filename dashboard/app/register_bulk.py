"""Updating the status and meetings of several links at once, with a count to confirm first."""

from __future__ import annotations

import hashlib
from collections.abc import Container

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard.app.register_page import BULK_COLUMNS, current_tab
from dashboard.app.widgets import flash_all
from dashboard.register import auth, queries, store
from dashboard.register.auth import User
from dashboard.register.model import EDITABLE_FIELDS, LinkInput, RegisterError

PENDING_KEY = "register_bulk_pending"
EDITED_FIELDS = ("status", "meetings_this_year")


def bulk_editor_key(rows_df: pd.DataFrame) -> str:
    """A key that changes whenever any shown link is saved, so the editor starts afresh.

    Streamlit's data editor keeps the cells a person changed relative to the table
    it was first given; after a save that table is out of date, and a second
    change to the same cell would be compared with the old value.
    """
    versions = ",".join(
        f"{i}:{v}" for i, v in zip(rows_df["link_id"], rows_df["version"], strict=True)
    )
    return "register_bulk_" + hashlib.sha256(versions.encode()).hexdigest()[:12]


def changed_rows(before_df: pd.DataFrame, after_df: pd.DataFrame) -> pd.DataFrame:
    """Rows of the editor whose status or meetings differ from what was shown.

    Examples
    --------
    >>> before = pd.DataFrame({"link_id": [1, 2], "status": ["active", "active"],
    ...                        "meetings_this_year": [3, 1], "version": [1, 1]})
    >>> after = before.assign(meetings_this_year=[4, 1])
    >>> changed_rows(before, after)["link_id"].tolist()
    [1]
    """
    differs = pd.Series(False, index=after_df.index)
    for field in EDITED_FIELDS:
        differs |= after_df[field].astype(str) != before_df[field].astype(str)
    return after_df[differs]


def save_rows(
    engine: sa.Engine, user: User, rows_df: pd.DataFrame, known_urns: Container[int]
) -> list[tuple[str, str]]:
    """Save each changed row over the version that was shown; one message per row."""
    messages: list[tuple[str, str]] = []
    for row in rows_df.itertuples(index=False):
        try:
            current = queries.get_link(engine, int(row.link_id))
            fields = {name: getattr(current, name) for name in EDITABLE_FIELDS}
            fields.update(status=row.status, meetings_this_year=int(row.meetings_this_year))
            saved = store.update_link(
                engine,
                int(row.link_id),
                LinkInput(**fields),
                user,
                expected_version=int(row.version),
                known_urns=known_urns,
            )
            messages.append(
                ("success", f"Link #{row.link_id} saved (now version {saved.version}).")
            )
        except (RegisterError, auth.PermissionDeniedError) as exc:
            messages.append(("error", f"Link #{row.link_id} not saved: {exc}"))
    return messages


def bulk_editor(
    engine: sa.Engine, user: User, table_df: pd.DataFrame, known_urns: Container[int]
) -> None:
    """The bulk editor: change cells, save, confirm the count, see one result per link."""
    shown = table_df[table_df["status"] != "ended"][
        ["link_id", "school", "partner", "status", "meetings_this_year", "version"]
    ].reset_index(drop=True)
    edited = st.data_editor(
        shown,
        key=bulk_editor_key(shown),
        hide_index=True,
        width="stretch",
        disabled=["link_id", "school", "partner", "version"],
        # The two columns an officer changes come first, right beside the link number.
        column_order=("link_id", "meetings_this_year", "status", "school", "partner", "version"),
        column_config=BULK_COLUMNS,
    )
    changed = changed_rows(shown, edited)
    pending = st.session_state.get(PENDING_KEY)
    if pending is not None:
        count = len(pending)
        st.warning(f"Save the changes to {count} link{'s' if count != 1 else ''}?")
        yes, no = st.columns(2)
        if no.button("Cancel", key="register_bulk_cancel"):
            st.session_state.pop(PENDING_KEY, None)
            st.rerun()
        if yes.button(f"Yes, save {count}", type="primary", key="register_bulk_yes"):
            st.session_state.pop(PENDING_KEY, None)
            flash_all(save_rows(engine, user, pd.DataFrame(pending), known_urns), current_tab())
        return
    if st.button(
        f"Save these changes ({len(changed)})", key="register_bulk_save", disabled=changed.empty
    ):
        st.session_state[PENDING_KEY] = changed.to_dict("records")
        st.rerun()
