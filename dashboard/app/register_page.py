"""Helpers of the link register page: its tabs, table settings, the link form and labels."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.app.widgets import COLUMN_SETTINGS, NUMBER, columns, school_picker
from dashboard.register import tables
from dashboard.register.model import Link, LinkInput
from dashboard.register.scope import Scope

TABS = (
    "Links",
    "Add a link",
    "Edit or end a link",
    "Update meetings",
    "Import a spreadsheet",
    "Audit log",
)


def current_tab() -> str:
    """The register tab the officer is on (messages after a save stay with it)."""
    return str(st.session_state.get("register_tab") or TABS[0])


LINK_COLUMNS = columns(*(name for name in COLUMN_SETTINGS if name in tables.REGISTER_COLUMNS))


AUDIT_COLUMNS = {
    "changed_at": st.column_config.DatetimeColumn(
        f"When ({config.LOCAL_TIME_ZONE})", format="DD/MM/YYYY HH:mm:ss"
    ),
    "changed_by": "Who",
    "link_id": NUMBER("Link", format="%d"),
    "action": "What",
    "field": "Field",
    "old_value": "Before",
    "new_value": "After",
}
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


def scope_note(scope: Scope, in_scope: int, in_register: int) -> str:
    """After the link count: which links an officer with a council scope is shown."""
    if scope.england:
        return ""
    return (
        f" touching a school in {scope.label} ({in_register:,} in the whole register; a "
        "link across a boundary is listed for both councils)"
    )
