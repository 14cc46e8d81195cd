"""Helpers of the summary page: the headline numbers and their export table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.analysis import briefs, exposure
from dashboard.app import loaders, url_state
from dashboard.app.text import md_escape, pct
from dashboard.app.widgets import NUMBER, columns
from dashboard.outputs import briefing

SIMILAR_COLUMNS = columns("la_name", "white_british_pct", "fsm_pct", "eal_pct", "distance")
TYPE_COLUMNS = {
    "link_type": "Type of link",
    "mode": "Mode",
    "links": NUMBER("Links (not ended)", format="%d"),
}
GROWTH_COLUMNS = {
    "term": "Start term",
    "new_links": NUMBER("New links", format="%d"),
    "total_links": NUMBER("Links started so far", format="%d"),
}
INDEX_COLUMNS = columns(
    "la_name",
    "schools",
    "white_british_pct",
    pupils=NUMBER("Pupils", format="%d"),
    dissimilarity=NUMBER("Dissimilarity (D)", format="%.3f"),
    isolation=NUMBER("Isolation of White British pupils", format="%.3f"),
    exposure=NUMBER("Exposure of White British pupils to others", format="%.3f"),
    normalised_exposure=NUMBER("Normalised exposure (η²)", format="%.3f"),
    theil_h=NUMBER("Theil index (H)", format="%.3f"),
    flagged_pct=NUMBER("Flagged by the neighbour rule (%)", format="%.1f"),
    note="Note",
)
COMPARISON_COLUMNS = columns(
    "schools",
    "white_british_pct",
    "fsm_pct",
    "eal_pct",
    area="Area",
    dissimilarity=NUMBER("Dissimilarity (D)", format="%.3f"),
)


def headline_metrics(numbers: dict[str, float], threshold: float) -> None:
    """The big numbers, with their sources in the help text."""
    census = f"Source: {config.CENSUS_SOURCE}."
    links_source = "Source: the council's link register."
    first, second = st.columns(4), st.columns(5)
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
        "Proposed links",
        f"{numbers['proposed_links']:,}",
        help="Proposed but not yet active, counted apart: they close no gap until active "
        f"({numbers['gaps_with_proposed_link']:,} gaps have one). " + links_source,
    )
    second[4].metric(
        f"Met at least {config.MEETINGS_FOR_IMPACT} times this year",
        f"{numbers['links_meeting_twice']:,}",
        help=f"Active links whose pupils {config.MEETINGS_RULE}: the "
        "contact research on school linking ties to lasting effects. " + links_source,
    )


def headline_table(numbers: dict[str, float]) -> pd.DataFrame:
    """The headline numbers as a two-column table for export, with plain labels."""
    labels = [briefing.HEADLINE_LABELS.get(key, key) for key in numbers]
    return pd.DataFrame({"Measure": labels, "Value": list(numbers.values())})


def census_notice() -> None:
    """The census date, where no one can miss it."""
    st.info(
        f"Pupil figures (ethnicity, free school meals, first language) are from the DfE school "
        f"census of **{config.CENSUS_DATE}**, the latest school-level figures: they describe "
        "pupils then, not today.",
        icon=":material/calendar_month:",
    )


MEASURE_COLUMNS = {
    "measure": st.column_config.TextColumn("Measure", width="large"),
    "key": None,
    briefs.SIMILAR: st.column_config.NumberColumn(briefs.SIMILAR),
    briefs.ENGLAND: st.column_config.NumberColumn(briefs.ENGLAND),
}


def brief_for(
    la_name: str,
    schools_df: pd.DataFrame,
    status_df: pd.DataFrame,
    links_df: pd.DataFrame,
    threshold: float,
) -> briefs.AreaBrief:
    """The briefing's facts for one LA, from the cached measures."""
    return briefs.build_area_brief(
        la_name,
        schools_df,
        status_df,
        links_df,
        loaders.load_la_measures(),
        loaders.load_la_summary(),
        threshold_pct=threshold,
    )


def what_this_means(brief: briefs.AreaBrief) -> None:
    """The computed takeaway and the measures beside similar LAs and England."""
    st.markdown("**What this means**")
    st.success(md_escape(brief.takeaway), icon=":material/lightbulb:")
    st.dataframe(
        brief.measures,
        hide_index=True,
        width="stretch",
        key="summary_measures",
        column_config=MEASURE_COLUMNS,
    )
    with st.expander("What these measures mean"):
        for key, label in exposure.MEASURE_LABELS.items():
            st.markdown(f"**{label}** — {exposure.MEASURE_SENTENCES[key]}")
        st.markdown(
            f"**Similar LAs** are {briefs.SIMILAR_RULE}: {md_escape(', '.join(brief.similar))}."
        )


SIDE_BY_SIDE_COLUMNS = {
    "measure": st.column_config.TextColumn("Measure", width="large"),
    "key": None,
    "kind": None,
}


# Shown where England has no figure to set beside two LAs (its counts), as in the PDF.
NOT_COMPARED = briefing.NO_FIGURE


def side_by_side(first: briefs.AreaBrief, second: briefs.AreaBrief) -> pd.DataFrame:
    """Two LAs next to each other: their numbers in one table, and each one's takeaway."""
    table = briefs.side_by_side(first, second)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="summary_side_by_side",
        column_config=SIDE_BY_SIDE_COLUMNS,
        placeholder=NOT_COMPARED,
    )
    st.caption(f"{NOT_COMPARED} England's counts are not set beside two LAs'; its measures are.")
    left, right = st.columns(2)
    for where, brief in ((left, first), (right, second)):
        where.markdown(f"**{md_escape(brief.la_name)}**")
        where.markdown(md_escape(brief.takeaway))
    return table


def other_las(schools_df: pd.DataFrame, la_name: str) -> list[str]:
    """Every LA but ``la_name``, sorted (what it can be put beside)."""
    return sorted(set(schools_df["la_name"].astype(str)) - {la_name})


# The area radio's options, and their words in the URL (?area=la&la=Worcestershire).
AREA_KINDS = {"england": "England", "region": "A region", "la": "A local authority"}


def settings(
    regions: list[str], las: list[str], home_la: str | None = None
) -> dict[str, url_state.Setting]:
    """The page's view settings, by widget key, for the URL and page switches.

    The LA starts as the visitor's own council (``home_la``), else the default one.
    """
    start_la = home_la if home_la in las else config.DEFAULT_LA
    found = [
        url_state.Setting(
            "summary_kind", "area", AREA_KINDS["la"], AREA_KINDS.values(), AREA_KINDS
        ),
        url_state.Setting("summary_region", "region", regions[0], regions),
        url_state.Setting("summary_la", "la", start_la, las),
        url_state.Setting(
            "summary_threshold",
            "threshold",
            int(config.PREDOMINANTLY_WHITE_PCT),
            url_state.THRESHOLD_CHOICES,
        ),
        url_state.Setting("summary_demo", "demo", False, url_state.FLAG),
        url_state.Setting("summary_phase", "phase", "Primary", ("Primary", "Secondary")),
        url_state.Setting("summary_beside", "beside", "(none)", ["(none)", *las]),
    ]
    return {s.key: s for s in found}


def shown_settings(
    all_settings: dict[str, url_state.Setting], area_kind: str
) -> list[url_state.Setting]:
    """The settings the page shows for an area kind (a region's name only for a region)."""
    hidden = {
        "region": {"summary_la", "summary_beside"},
        "la": {"summary_region"},
        "England": {"summary_region", "summary_la", "summary_beside"},
    }[area_kind]
    return [s for key, s in all_settings.items() if key not in hidden]
