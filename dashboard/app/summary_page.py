"""Helpers of the summary page: the headline numbers and their export table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.app.text import pct
from dashboard.app.widgets import columns

SIMILAR_COLUMNS = columns("la_name", "white_british_pct", "fsm_pct", "eal_pct", "distance")


def headline_metrics(numbers: dict[str, float], threshold: float) -> None:
    """The big numbers, with their sources in the help text."""
    census = f"Source: {config.CENSUS_SOURCE}."
    links_source = "Source: the council's link register."
    first, second = st.columns(4), st.columns(4)
    first[0].metric("Schools", f"{numbers['schools']:,}", help=f"Source: {config.REGISTER_SOURCE}.")
    first[1].metric("Pupils", f"{numbers['pupils']:,}", help=census)
    first[2].metric(
        "White British pupils",
        pct(numbers["white_british_pct"]),
        help="Share of all pupils (pupil-weighted). " + census,
    )
    first[3].metric(
        "Predominantly white schools",
        f"{numbers['predominantly_white']:,}",
        help=f"At least {threshold:g} % White British. {census}",
    )
    second[0].metric(
        "… with a contrasting link",
        f"{numbers['white_with_contrasting_link']:,}",
        help="An active link with a school whose pupils differ. " + links_source,
    )
    second[1].metric(
        "Gaps",
        f"{numbers['gaps']:,}",
        help="Predominantly white schools without such a link. " + links_source,
    )
    second[2].metric("Active links", f"{numbers['active_links']:,}", help=links_source)
    second[3].metric(
        f"Met at least {config.MEETINGS_FOR_IMPACT} times this year",
        f"{numbers['links_meeting_twice']:,}",
        help=f"Active links whose pupils {config.MEETINGS_RULE}: the "
        "contact research on school linking ties to lasting effects. " + links_source,
    )


def headline_table(numbers: dict[str, float]) -> pd.DataFrame:
    """The headline numbers as a two-column table for export."""
    return pd.DataFrame({"measure": list(numbers), "value": list(numbers.values())})
