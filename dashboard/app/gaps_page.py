"""Helpers of the gaps page: neighbour outliers, and reviewing and adding a pairing plan."""

from __future__ import annotations

from collections.abc import Container

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard.analysis import gaps
from dashboard.app.widgets import columns
from dashboard.register import store
from dashboard.register.auth import User
from dashboard.register.model import LinkInput

COVERAGE_COLUMNS = columns(
    "la_name",
    "region",
    "schools",
    "predominantly_white",
    "with_contrasting_link",
    "gaps",
    "linked_pct",
)


GAP_COLUMNS = columns(*gaps.GAP_TABLE_COLUMNS)


def plan_table(pairs_df: pd.DataFrame) -> pd.DataFrame:
    """The pairing plan with a tick box per pair; returns the ticked pairs."""
    shown = pairs_df.assign(add=True)[
        [
            "add",
            "school_name",
            "white_british_pct",
            "partner_name",
            "partner_la",
            "partner_white_british_pct",
            "distance_km",
            "contrast",
            "explanation",
            "urn",
            "partner_urn",
        ]
    ]
    edited = st.data_editor(
        shown,
        hide_index=True,
        width="stretch",
        key="gaps_plan_table",
        disabled=[c for c in shown.columns if c != "add"],
        column_config={
            "add": st.column_config.CheckboxColumn("Add", help="Add this pair to the register"),
            "school_name": "School",
            "partner_name": "Proposed partner",
            "partner_la": "Partner's LA",
            "white_british_pct": st.column_config.NumberColumn("White British (%)", format="%.0f"),
            "partner_white_british_pct": st.column_config.NumberColumn(
                "Partner White British (%)", format="%.0f"
            ),
            "distance_km": st.column_config.NumberColumn("km", format="%.1f"),
            "contrast": st.column_config.NumberColumn("How different", format="%.2f"),
            "explanation": st.column_config.TextColumn("Why", width="large"),
            "urn": st.column_config.NumberColumn("URN", format="%d"),
            "partner_urn": st.column_config.NumberColumn("Partner URN", format="%d"),
        },
    )
    return edited[edited["add"]]


def add_plan_links(
    engine: sa.Engine, chosen: pd.DataFrame, user: User, known_urns: Container[int]
) -> int:
    """Record ticked pairs as proposed links (one transaction); returns how many."""
    new = [
        LinkInput(
            school_urn=int(row.urn),
            partner_urn=int(row.partner_urn),
            link_types=("ethnicity",),
            status="proposed",
            notes="Proposed by the atlas's pairing plan.",
        )
        for row in chosen.itertuples(index=False)
    ]
    added = store.add_links(engine, new, user, known_urns=known_urns, source="pairing plan")
    return len(added)
