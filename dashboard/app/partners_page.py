"""Helpers of the partner finder page: the ranked table."""

from __future__ import annotations

import pandas as pd

from dashboard.app.widgets import columns

PARTNER_COLUMNS = columns(
    "rank",
    "school_name",
    "la_name",
    "phase",
    "religious_character",
    "white_british_pct",
    "fsm_pct",
    "distance_km",
    "contrast",
    "existing_links",
    "explanation",
    "urn",
)


def partner_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """Ranked candidates with a rank column, in reading order."""
    out = ranked.assign(rank=range(1, len(ranked) + 1))
    return out[list(PARTNER_COLUMNS)]
