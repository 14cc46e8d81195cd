"""Helpers of the link register page: the link form, the editor with conflicts shown, bulk saves."""

from __future__ import annotations

from collections.abc import Container

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard import config
from dashboard.app.text import md_escape
from dashboard.app.widgets import COLUMN_SETTINGS, NUMBER, columns, flash, school_picker
from dashboard.register import auth, queries, store, tables
from dashboard.register.auth import User
from dashboard.register.model import EDITABLE_FIELDS, ConflictError, Link, LinkInput, RegisterError

LINK_COLUMNS = columns(*(name for name in COLUMN_SETTINGS if name in tables.REGISTER_COLUMNS))


BULK_COLUMNS = columns(
    "link_id",
    "school",
    "partner",
    "version",
    status=st.column_config.SelectboxColumn("Status", options=list(config.STATUSES), required=True),
    meetings_this_year=NUMBER(
        "Meetings this year", min_value=0, max_value=100, step=1, required=True
    ),
)


def link_form(
    prefix: str, schools_df: pd.DataFrame, current: Link | None = None
) -> LinkInput | None:
    """Widgets for one link (add or edit); returns the entered link, or None if incomplete.

    Parameters
    ----------
    prefix : str
        Widget key prefix (e.g. ``"register_add"``).
    schools_df : DataFrame
        The schools table, for the school pickers.
    current : Link or None
        Values to start from when editing.
    """
    school = school_picker(
        schools_df,
        key=f"{prefix}_school",
        label="School (name, URN or postcode)",
        default_urn=current.school_urn if current else None,
    )
    abroad = st.toggle(
        "The partner school is abroad (international link)",
        value=bool(current and current.partner_urn is None),
        key=f"{prefix}_abroad",
    )
    partner_urn, partner_name, partner_country = None, None, None
    if abroad:
        left, right = st.columns(2)
        partner_name = left.text_input(
            "Partner school's name",
            key=f"{prefix}_pname",
            value=(current.partner_name or "") if current else "",
        )
        partner_country = right.text_input(
            "Country",
            key=f"{prefix}_pcountry",
            value=(current.partner_country or "") if current else "",
        )
    else:
        partner_urn = school_picker(
            schools_df,
            key=f"{prefix}_partner",
            label="Partner school in England (name, URN or postcode)",
            default_urn=current.partner_urn if current else None,
        )
    types = st.multiselect(
        "Link types",
        config.LINK_TYPES,
        key=f"{prefix}_types",
        default=list(current.link_types) if current else [],
    )
    left, mid, right = st.columns(3)
    mode = left.selectbox(
        "Mode",
        config.MODES,
        key=f"{prefix}_mode",
        index=config.MODES.index(current.mode) if current else 0,
    )
    status = mid.selectbox(
        "Status",
        config.STATUSES,
        key=f"{prefix}_status",
        index=config.STATUSES.index(current.status) if current else 0,
    )
    meetings = right.number_input(
        "Meetings this school year",
        0,
        100,
        step=1,
        key=f"{prefix}_meetings",
        value=current.meetings_this_year if current else 0,
    )
    left, right = st.columns(2)
    start = left.date_input(
        "Start date (leave empty if unknown)",
        key=f"{prefix}_start",
        value=current.start_date if current else None,
        format="DD/MM/YYYY",
    )
    end = right.date_input(
        "End date (leave empty if unknown)",
        key=f"{prefix}_end",
        value=current.end_date if current else None,
        format="DD/MM/YYYY",
    )
    notes = st.text_area(
        "Notes", key=f"{prefix}_notes", value=current.notes if current else "", max_chars=5000
    )
    if school is None:
        return None
    return LinkInput(
        school_urn=int(school),
        partner_urn=None if partner_urn is None else int(partner_urn),
        partner_name=partner_name,
        partner_country=partner_country,
        link_types=tuple(types),
        mode=mode,
        status=status,
        start_date=start,
        end_date=end,
        meetings_this_year=int(meetings),
        notes=notes,
    )


def link_label(table_df: pd.DataFrame, link_id: int) -> str:
    """Label of a link for pickers, e.g. "#12 Pershore High School ↔ …"."""
    row = table_df[table_df["link_id"] == link_id].iloc[0]
    return f"#{link_id} {row['school']} ↔ {row['partner']} ({row['status']})"


def link_editor(
    engine: sa.Engine,
    user: User,
    schools_df: pd.DataFrame,
    current: Link,
    opened: int,
    known_urns: Container[int],
) -> None:
    """Edit or end one link; refuses a save based on an out-of-date copy and shows both."""
    snapshot_key = f"register_snapshot_{current.link_id}"
    snapshot = st.session_state.get(snapshot_key)
    if snapshot is None or snapshot.version != opened:
        snapshot = current if current.version == opened else snapshot or current
        st.session_state[snapshot_key] = snapshot
    if current.version != opened:
        st.info(f"Someone changed this link after you opened it (now version {current.version}).")
    edited = link_form(f"register_edit_{current.link_id}_{opened}", schools_df, snapshot)
    save, end = st.columns(2)
    do_save = save.button("Save changes", type="primary", key=f"register_save_{current.link_id}")
    do_end = end.button("End this link today", key=f"register_end_{current.link_id}")
    if not (do_save or do_end) or edited is None:
        return
    try:
        if do_end:
            store.end_link(
                engine,
                current.link_id,
                user,
                expected_version=opened,
                end_date=pd.Timestamp.today().date(),
                known_urns=known_urns,
            )
        else:
            store.update_link(
                engine,
                current.link_id,
                edited,
                user,
                expected_version=opened,
                known_urns=known_urns,
            )
    except ConflictError as exc:
        st.error(md_escape(str(exc)))
        st.dataframe(
            compare_versions(snapshot, edited, exc.current),
            width="stretch",
            key=f"register_conflict_{current.link_id}",
        )
        if st.button(
            "Start again from the latest version", key=f"register_reload_{current.link_id}"
        ):
            st.session_state[f"register_opened_{current.link_id}"] = exc.current.version
            st.session_state.pop(snapshot_key, None)
            st.rerun()
        return
    except (RegisterError, auth.PermissionDeniedError) as exc:
        st.error(md_escape(str(exc)))
        return
    st.session_state.pop(f"register_opened_{current.link_id}", None)
    st.session_state.pop(snapshot_key, None)
    flash(f"Link #{current.link_id} saved.")


def compare_versions(opened: store.Link, yours: LinkInput, theirs: store.Link) -> pd.DataFrame:
    """Side by side: the version you opened, your edit, and what is stored now."""
    rows = []
    for name in EDITABLE_FIELDS:
        values = [getattr(opened, name), getattr(yours, name), getattr(theirs, name)]
        rows.append([name.replace("_", " "), *("" if v is None else str(v) for v in values)])
    return pd.DataFrame(
        rows,
        columns=["field", "when you opened it", "your change", f"saved now by {theirs.updated_by}"],
    ).set_index("field")


def save_bulk(
    engine: sa.Engine,
    user: User,
    before: pd.DataFrame,
    after: pd.DataFrame,
    known_urns: Container[int],
) -> list[str]:
    """Save rows of the bulk editor that changed; one message per row."""
    messages = []
    changed = after[
        (after["status"] != before["status"])
        | (after["meetings_this_year"] != before["meetings_this_year"])
    ]
    for row in changed.itertuples(index=False):
        try:
            current = queries.get_link(engine, int(row.link_id))
            fields = {name: getattr(current, name) for name in EDITABLE_FIELDS}
            fields.update(status=row.status, meetings_this_year=int(row.meetings_this_year))
            store.update_link(
                engine,
                int(row.link_id),
                LinkInput(**fields),
                user,
                expected_version=int(row.version),
                known_urns=known_urns,
            )
            messages.append(f"Link #{row.link_id} saved.")
        except (RegisterError, auth.PermissionDeniedError) as exc:
            messages.append(f"Link #{row.link_id} not saved: {exc}")
    return messages or ["Nothing changed."]
