"""Altair charts for the summary page; each takes the table shown beside it.

Each chart has a plain description and sits beside its table; the marks
themselves are hidden from screen readers (``aria=False``), which read the table.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.config import PALETTE

# Colour-blind-safe categorical colours (Okabe–Ito) for link modes.
MODE_COLOURS = {
    "in person": "#0072B2",
    "virtual": "#E69F00",
    "both": "#009E73",
    "not recorded": "#999999",
}


def links_by_type(by_type_df: pd.DataFrame) -> alt.Chart:
    """Stacked bars: links by type, split by mode.

    Parameters
    ----------
    by_type_df : pandas.DataFrame
        :func:`dashboard.analysis.summary.links_by_type_and_mode`.

    Returns
    -------
    altair.Chart
    """
    return (
        alt.Chart(by_type_df)
        .mark_bar()
        .encode(
            y=alt.Y("link_type:N", title="Type of link", sort="-x"),
            x=alt.X("sum(links):Q", title="Links (not ended)"),
            color=alt.Color(
                "mode:N",
                title="Mode",
                scale=alt.Scale(domain=list(MODE_COLOURS), range=list(MODE_COLOURS.values())),
            ),
            tooltip=["link_type", "mode", "links"],
        )
        .properties(height=220, description="Bar chart of links by type, split by mode")
    )


def links_growth(growth_df: pd.DataFrame) -> alt.Chart | None:
    """Running total of links by start term (undated links left out of the line).

    Parameters
    ----------
    growth_df : pandas.DataFrame
        :func:`dashboard.analysis.summary.links_over_time`.

    Returns
    -------
    altair.Chart or None
        None when no link has a start date.
    """
    dated = growth_df[growth_df["term"] != "start date not recorded"]
    if dated.empty:
        return None
    return (
        alt.Chart(dated)
        .mark_line(point=True, color=PALETTE[3])
        .encode(
            x=alt.X("term:N", title="Start term", sort=None),
            y=alt.Y("total_links:Q", title="Links started so far"),
            tooltip=["term", "new_links", "total_links"],
        )
        .properties(
            height=220, description="Line chart of the running total of links by start term"
        )
    )


def dissimilarity_by_la(indices_df: pd.DataFrame, highlight: str | None = None) -> alt.Chart:
    """The 30 most segregated LAs by dissimilarity, with the chosen LA added and marked.

    Parameters
    ----------
    indices_df : pandas.DataFrame
        :func:`dashboard.analysis.segregation.indices_by_area` for one phase.
    highlight : str or None
        LA to mark.

    Returns
    -------
    altair.Chart
    """
    top = indices_df.nlargest(30, "dissimilarity")
    if highlight is not None and highlight not in set(top["la_name"]):
        top = pd.concat([top, indices_df[indices_df["la_name"] == highlight]])
    top = top.assign(chosen=top["la_name"].eq(highlight).map({True: "chosen", False: "other"}))
    return (
        alt.Chart(top)
        .mark_bar()
        .encode(
            y=alt.Y("la_name:N", title=None, sort="-x"),
            x=alt.X(
                "dissimilarity:Q",
                title="Dissimilarity index (0 = even, 1 = separate)",
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "chosen:N",
                legend=None,
                scale=alt.Scale(domain=["chosen", "other"], range=[PALETTE[4], PALETTE[2]]),
            ),
            tooltip=["la_name", alt.Tooltip("dissimilarity:Q", format=".2f"), "schools"],
        )
        .properties(
            height=alt.Step(14), description="Bar chart of the most segregated local authorities"
        )
    )


def comparison(comparison_df: pd.DataFrame) -> alt.Chart:
    """White British share for an LA, its region and England.

    Parameters
    ----------
    comparison_df : pandas.DataFrame
        :func:`dashboard.analysis.summary.compare_areas`.

    Returns
    -------
    altair.Chart
    """
    return (
        alt.Chart(comparison_df)
        .mark_bar(color=PALETTE[3])
        .encode(
            y=alt.Y("area:N", title=None, sort=None),
            x=alt.X(
                "white_british_pct:Q",
                title="White British pupils (%)",
                scale=alt.Scale(domain=[0, 100]),
            ),
            tooltip=["area", "white_british_pct", "fsm_pct", "eal_pct", "dissimilarity"],
        )
        .properties(
            height=140, description="Bar chart comparing the LA with its region and England"
        )
    )
