"""Editing and ending one link: saved over the version opened, conflicts kept on screen.

Every state here lives in session state under keys that name the link, so a
conflict or a question ("end this link?") survives the reruns that clicks cause.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard.analysis.calendar import day_in_words, local_time_text
from dashboard.app.register_page import current_tab, link_form
from dashboard.app.text import md_escape
from dashboard.app.widgets import flash
from dashboard.register import auth, store
from dashboard.register.auth import User
from dashboard.register.model import EDITABLE_FIELDS, ConflictError, Link, LinkInput, RegisterError

FIELD_LABELS = {
    "school_urn": "School (URN)",
    "partner_urn": "Partner school (URN)",
    "partner_name": "Partner school abroad",
    "partner_country": "Partner's country",
    "link_types": "Link types",
    "mode": "Mode",
    "status": "Status",
    "start_date": "Start date",
    "end_date": "End date",
    "meetings_this_year": "Meetings this school year",
    "notes": "Notes",
}


def in_words(value: object) -> str:
    """A stored value as people read it: lists joined, dates spelled out, blanks named.

    Examples
    --------
    >>> in_words(("ethnicity", "faith")), in_words(date(2024, 9, 2)), in_words(None)
    ('ethnicity, faith', '2 September 2024', 'not recorded')
    """
    if value is None or value == "" or value == ():
        return "not recorded"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return day_in_words(value)
    return str(value)


def compare_versions(opened: Link, yours: LinkInput, theirs: Link) -> pd.DataFrame:
    """Side by side, in words: the version you opened, your change, and what is stored now."""
    rows = [
        [FIELD_LABELS[name], *(in_words(getattr(v, name)) for v in (opened, yours, theirs))]
        for name in EDITABLE_FIELDS
    ]
    when = local_time_text(theirs.updated_at) if theirs.updated_at else ""
    return pd.DataFrame(
        rows,
        columns=[
            "Field",
            "When you opened it",
            "Your change",
            f"Saved now by {theirs.updated_by} {when}".strip(),
        ],
    )


def _keys(link_id: int) -> dict[str, str]:
    return {
        "opened": f"register_opened_{link_id}",
        "snapshot": f"register_snapshot_{link_id}",
        "conflict": f"register_conflict_{link_id}",
        "confirm_end": f"register_confirm_end_{link_id}",
    }


def open_latest(link_id: int, latest: Link) -> None:
    """Start editing from ``latest`` (a button callback: the form's widgets start afresh)."""
    keys = _keys(link_id)
    st.session_state[keys["opened"]] = latest.version
    st.session_state[keys["snapshot"]] = latest
    st.session_state.pop(keys["conflict"], None)
    st.session_state.pop(keys["confirm_end"], None)


def forget(link_id: int) -> None:
    """Drop what this session remembers of a link, so it next opens from what is stored."""
    for key in _keys(link_id).values():
        st.session_state.pop(key, None)


def link_editor(
    engine: sa.Engine,
    user: User,
    schools_df: pd.DataFrame,
    current: Link,
    known_urns: Container[int],
) -> None:
    """Edit or end one link, saving only over the version the officer opened.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    user : User
        The officer.
    schools_df : DataFrame
        The schools table, for the school pickers.
    current : Link
        The link as stored now.
    known_urns : container of int
        URNs of schools in the atlas.
    """
    keys = _keys(current.link_id)
    state = st.session_state
    if keys["opened"] not in state:
        open_latest(current.link_id, current)
    conflict = state.get(keys["conflict"])
    own_save_elsewhere = (
        conflict is None
        and current.version != state[keys["opened"]]
        and current.updated_by == user.username
    )
    if own_save_elsewhere:  # e.g. the officer's bulk edit, or another tab of theirs
        open_latest(current.link_id, current)
    opened, snapshot = state[keys["opened"]], state[keys["snapshot"]]
    if conflict is None and current.version != opened:
        st.info(
            f"{md_escape(current.updated_by)} changed this link after you opened it. "
            "Your form still shows the version you opened; load the latest to see their change."
        )
        st.button(
            "Load the latest version",
            key=f"register_latest_{current.link_id}",
            on_click=open_latest,
            args=(current.link_id, current),
        )
    edited = link_form(f"register_edit_{current.link_id}_{opened}", schools_df, snapshot)
    if conflict is not None:
        _show_conflict(current.link_id, snapshot, conflict)
        return
    if state.get(keys["confirm_end"]):
        _confirm_end(engine, user, current, opened, known_urns)
        return
    save, end = st.columns(2)
    if end.button("End this link…", key=f"register_end_{current.link_id}"):
        state[keys["confirm_end"]] = True
        st.rerun()
    if not save.button("Save changes", type="primary", key=f"register_save_{current.link_id}"):
        return
    if edited is None:
        st.error("Choose the school first.")
        return
    try:
        saved = store.update_link(
            engine, current.link_id, edited, user, expected_version=opened, known_urns=known_urns
        )
    except ConflictError as exc:
        state[keys["conflict"]] = (edited, exc.current)
        st.rerun()
    except (RegisterError, auth.PermissionDeniedError) as exc:
        st.error(md_escape(str(exc)))
        return
    forget(current.link_id)
    if saved.version == opened:
        flash(f"Link #{current.link_id}: nothing to save, no field was changed.", current_tab())
    flash(f"Link #{current.link_id} saved (now version {saved.version}).", current_tab())


def _show_conflict(link_id: int, snapshot: Link, conflict: tuple[LinkInput, Link]) -> None:
    yours, theirs = conflict
    st.error(
        f"{md_escape(theirs.updated_by)} saved this link after you opened it, so your change "
        "was not saved. Compare the versions, then start again from the latest one."
    )
    st.dataframe(
        compare_versions(snapshot, yours, theirs),
        hide_index=True,
        width="stretch",
        key=f"register_conflict_table_{link_id}",
    )
    st.button(
        "Start again from the latest version",
        key=f"register_reload_{link_id}",
        type="primary",
        on_click=open_latest,
        args=(link_id, theirs),
    )


def _confirm_end(
    engine: sa.Engine, user: User, current: Link, opened: int, known_urns: Container[int]
) -> None:
    today = date.today()
    st.warning(
        f"End link #{current.link_id} today, {in_words(today)}? It stays in the register, "
        "marked as ended, with its history."
    )
    yes, no = st.columns(2)
    if no.button("Cancel", key=f"register_end_cancel_{current.link_id}"):
        st.session_state.pop(_keys(current.link_id)["confirm_end"], None)
        st.rerun()
    if not yes.button("Yes, end it", type="primary", key=f"register_end_yes_{current.link_id}"):
        return
    try:
        store.end_link(
            engine,
            current.link_id,
            user,
            expected_version=opened,
            end_date=today,
            known_urns=known_urns,
        )
    except ConflictError as exc:
        st.session_state.pop(_keys(current.link_id)["confirm_end"], None)
        st.session_state[_keys(current.link_id)["conflict"]] = (
            LinkInput(**{**_fields(current), "status": "ended", "end_date": today}),
            exc.current,
        )
        st.rerun()
    except (RegisterError, auth.PermissionDeniedError) as exc:
        st.error(md_escape(str(exc)))
        return
    forget(current.link_id)
    flash(f"Link #{current.link_id} ended today.", current_tab())


def _fields(link: Link) -> dict[str, object]:
    return {name: getattr(link, name) for name in EDITABLE_FIELDS}
