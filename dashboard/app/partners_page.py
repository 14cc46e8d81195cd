"""Helpers of the partner finder page: the ranked table, full reasons and the school's links."""

from __future__ import annotations

from collections.abc import Container

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.analysis import filters, partner_notes
from dashboard.app import text, url_state
from dashboard.app.widgets import COLUMN_SETTINGS, NUMBER, columns

# The page's view settings (the chosen school goes in the URL as ?school=URN).
SETTINGS = [
    url_state.Setting("partners_km", "km", int(config.DEFAULT_MAX_KM), range(0, 101)),
    url_state.Setting("partners_same_phase", "same_ages", True, url_state.FLAG),
    url_state.Setting("partners_w_ethnicity", "w_ethnicity", 6, range(11)),
    url_state.Setting("partners_w_faith", "w_faith", 2, range(11)),
    url_state.Setting("partners_w_social", "w_social", 2, range(11)),
    url_state.Setting("partners_demo", "demo", False, url_state.FLAG),
]
# The school picker's widgets (kept across page switches, like the settings).
PICKER_KEYS = ("partners_school_search", "partners_school_choice")


def requested_school(known_urns: Container[int], *, arrived: bool) -> int | None:
    """The school named in the URL (?school=URN), or None.

    On arrival with a school in the URL (a shared link, or "Find partners for this
    school" on the map), a search kept from an earlier visit is cleared, so the
    named school is the one shown.
    """
    given = st.query_params.get("school")
    if given is None:
        return None
    urn = filters.ascii_number(given)
    if urn is None or urn not in known_urns:
        if arrived:
            st.info(f"The link names no school in the atlas (school={text.md_escape(given)}).")
        return None
    if arrived:
        for key in PICKER_KEYS:
            st.session_state.pop(key, None)
    return urn


PARTNER_COLUMNS = columns(
    *(c for c in partner_notes.FINDER_COLUMNS if c in COLUMN_SETTINGS),
    stage="Its ages",
    selective=st.column_config.CheckboxColumn("Selective", help="A selective (grammar) school"),
    ethnic_difference=NUMBER("Ethnic difference (0-1)", format="%.2f"),
    faith_difference=NUMBER("Faith difference (0-1)", format="%.2f"),
    social_difference=NUMBER("Free school meals difference (0-1)", format="%.2f"),
    distance_cost=NUMBER("Distance cost", format="%.3f"),
    links_cost=NUMBER("Links cost", format="%.3f"),
    score=NUMBER("Score", format="%.3f"),
    rank_note=st.column_config.TextColumn("Why it ranks here", width="large"),
)
LINK_COLUMNS = {
    "link_id": NUMBER("Link", format="%d"),
    "partner": "Partner school",
    "where": "Where",
    "types": "Kind of link",
    "status": "Status",
    "mode": "Mode",
    "meetings_this_year": NUMBER("Meetings this year", format="%d"),
    "source": "Recorded from",
}
SET_ASIDE_COLUMNS = columns(
    "urn",
    "school_name",
    "la_name",
    "phase",
    reason=st.column_config.TextColumn("Why left out", width="large"),
)


def score_sentence(distance_penalty: float, load_penalty: float, max_km: float) -> str:
    """How the score is made, with the numbers in use."""
    return (
        "**Score** = how different (0-1) − distance cost (up to "
        f"{distance_penalty:g} at {max_km:g} km) − links cost ({load_penalty:g} for each link "
        "the school already has). So a slightly less different school can rank higher when it "
        "is much nearer or has fewer links; “Why it ranks here” says so."
    )


def reasons_list(table: pd.DataFrame) -> str:
    """Every candidate's reason in full, as a numbered Markdown list (escaped)."""
    return "\n".join(
        f"{int(row.rank)}. **{text.md_escape(row.school_name)}** — "
        f"{text.md_escape(row.explanation)}"
        + (f" *{text.md_escape(row.rank_note)}*" if row.rank_note else "")
        for row in table.itertuples(index=False)
    )


def plan_proposals(proposed_df: pd.DataFrame) -> str:
    """A sentence naming partners a pairing plan has proposed ("" if none)."""
    if proposed_df.empty:
        return ""
    names = ", ".join(text.md_escape(str(p)) for p in proposed_df["partner"])
    return (
        f"A pairing plan has already proposed a partner for this school: **{names}** "
        "(a proposed link, not yet active)."
    )
