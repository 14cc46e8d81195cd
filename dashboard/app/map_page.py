"""Helpers of the officers' map page: the picked school and its details panel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.analysis import profiles
from dashboard.app import widgets
from dashboard.app.text import md_escape, pct
from dashboard.maps import view
from dashboard.register import visibility
from dashboard.register.auth import User


def selected_school(prefix: str, clicked: dict | None, table_urns: pd.Series) -> int | None:
    """The school the user last picked, by clicking the map or a table row.

    ``table_urns`` are the URNs of the table's rows, in its order (a row pick is
    an index into them), so the pick is known before the table itself is built.
    """
    state = st.session_state
    tooltip = (clicked or {}).get("last_object_clicked_tooltip")
    rows = state.get(f"{prefix}_table", {}).get("selection", {}).get("rows", [])
    if tooltip and tooltip != state.get(f"{prefix}_last_tooltip"):
        state[f"{prefix}_last_tooltip"] = tooltip
        state[f"{prefix}_selected"] = view.urn_from_tooltip(tooltip)
    elif rows and rows != state.get(f"{prefix}_last_rows") and rows[0] < len(table_urns):
        state[f"{prefix}_selected"] = int(table_urns.iloc[rows[0]])
    state[f"{prefix}_last_rows"] = rows
    return state.get(f"{prefix}_selected")


# Plain headings for a school's links (profiles.links_table's columns).
LINK_COLUMNS = widgets.columns(
    "partner",
    "status",
    "mode",
    "meetings_this_year",
    "source",
    where="Where",
    types="Types",
)


def selected_line(schools_df: pd.DataFrame, urn: int) -> None:
    """One line under the map naming the picked school, so a phone shows it at once."""
    rows = schools_df[schools_df["urn"] == urn]
    if rows.empty:
        return
    school = rows.iloc[0]
    st.markdown(
        f"**Selected: {md_escape(school['school_name'])}** (URN {urn}) · "
        f"{pct(school['white_british_pct'])} White British · {md_escape(school['phase'])} · "
        f"{md_escape(school['la_name'])}. Its details are beside the map (below it on a "
        "phone)."
    )


def links_summary(links_df: pd.DataFrame, schools_df: pd.DataFrame, urn: int) -> pd.DataFrame:
    """A school's links as the viewer may see them (:mod:`dashboard.register.visibility`).

    A table of those they may read, and a count of the active ones they may only count.
    Returns the table shown (empty when the viewer may read none of them).
    """
    table = profiles.links_table(visibility.detailed(links_df), schools_df, urn)
    counted = visibility.counted_only(links_df, urn)
    if table.empty and not counted:
        st.markdown("**Links:** none recorded.")
    if counted:
        st.markdown(f"**Active links:** {counted}. {COUNTS_NOTE}")
    if not table.empty:
        st.markdown(f"**Links ({len(table)})**")
        st.dataframe(
            table.drop(columns=["link_id"]),
            hide_index=True,
            width="stretch",
            column_config=LINK_COLUMNS,
        )
    return table


COUNTS_NOTE = "Who a school is linked with is shown only to that school and the council."


def school_details(schools_df: pd.DataFrame, links_df: pd.DataFrame, urn: int) -> None:
    """A details panel for one school: facts, largest groups, links, and next steps."""
    try:
        profile = profiles.school_profile(schools_df, urn)
    except KeyError as exc:
        st.error(md_escape(str(exc).strip("'\"")))
        return
    name = schools_df.loc[schools_df["urn"] == urn, "school_name"].iloc[0]
    with st.container(border=True):
        st.markdown(f"#### {md_escape(name)}")
        st.dataframe(
            pd.DataFrame({"fact": list(profile), "value": [str(v) for v in profile.values()]}),
            hide_index=True,
            width="stretch",
            column_config={
                "fact": st.column_config.TextColumn("About the school", width="medium"),
                "value": st.column_config.TextColumn("Value"),
            },
        )
        links_summary(links_df, schools_df, urn)
        st.page_link(
            "pages/partners.py",
            label="Find partners for this school",
            icon=":material/handshake:",
            query_params={"school": str(urn)},
        )


def open_on_home_la(prefix: str, user: User) -> None:
    """Start the map on the visitor's own LA (a council's cabinet member or officer).

    Runs before the URL is read, so a shared link with its own areas still wins.
    """
    if user.scope.home_la and "la" not in st.query_params and "region" not in st.query_params:
        st.session_state[f"{prefix}_la"] = [user.scope.home_la]
