"""What the officers' map shows for a set of filters: options, focus, and the map's inputs."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from dashboard import config
from dashboard.analysis import gaps, metrics
from dashboard.data import map_files
from dashboard.maps import scales, school_map

FOCUS_OPTIONS = {
    "all": "All schools",
    "gaps": "Gaps: predominantly white schools with no active link to a contrasting school",
    "outliers": f"Schools much more or less White British than their {config.NEIGHBOURS} nearest",
}


def filter_options(schools_df: pd.DataFrame) -> dict[str, list[str]]:
    """Values offered by the map's multiselect filters.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The schools table.

    Returns
    -------
    dict
        ``regions``, ``las``, ``phases`` and ``religions``, each sorted.
    """

    def values(column: str) -> list[str]:
        return sorted(schools_df[column].astype(str).unique())

    return {
        "regions": values("region"),
        "las": values("la_name"),
        # Phases in school order (nursery first), not alphabetically.
        "phases": [p for p in (*config.PHASES, "Other") if p in set(values("phase"))],
        "religions": values("religious_character"),
    }


def las_in(schools_df: pd.DataFrame, regions: list[str]) -> list[str]:
    """LA names, limited to ``regions`` when any are chosen.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The schools table.
    regions : list of str
        Chosen regions (empty = all).

    Returns
    -------
    list of str
        Sorted LA names.
    """
    chosen = schools_df if not regions else schools_df[schools_df["region"].isin(regions)]
    return sorted(chosen["la_name"].astype(str).unique())


def focus_schools(
    shown_df: pd.DataFrame,
    focus: str,
    status_df: pd.DataFrame,
    outliers_df: pd.DataFrame | None,
    threshold_pct: float,
) -> pd.DataFrame:
    """Narrow the filtered schools to gaps or outliers (or leave them).

    Parameters
    ----------
    shown_df : pandas.DataFrame
        Filtered schools (index as in the full table).
    focus : str
        A key of :data:`FOCUS_OPTIONS`.
    status_df : pandas.DataFrame
        :func:`dashboard.analysis.gaps.link_status_by_school` for the full table.
    outliers_df : pandas.DataFrame or None
        :func:`dashboard.analysis.gaps.neighbour_outliers` for the full table (needed for
        ``focus="outliers"`` only).
    threshold_pct : float
        The "predominantly white" threshold.

    Returns
    -------
    pandas.DataFrame
        A subset of ``shown_df``.
    """
    if focus == "all":
        return shown_df
    if focus == "gaps":
        return shown_df[gaps.gap_mask(shown_df, status_df, threshold_pct)]
    if focus == "outliers":
        return shown_df[outliers_df.loc[shown_df.index, "flag"] != ""]
    return shown_df


def build_map_inputs(
    schools_df: pd.DataFrame,
    shown_df: pd.DataFrame,
    la_summary_df: pd.DataFrame,
    measure: str,
    threshold_pct: float,
    links_df: pd.DataFrame,
    *,
    fit: bool,
    selected_urn: int | None = None,
) -> dict:
    """Keyword arguments for :func:`dashboard.maps.build_school_layers`.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The full schools table, in the static points file's order.
    shown_df : pandas.DataFrame
        The schools to draw.
    la_summary_df : pandas.DataFrame
        :func:`dashboard.analysis.metrics.summarise_by_area` by ``la_gss_code``.
    measure : str
        Measure to colour by.
    threshold_pct : float
        "Predominantly white" threshold for the LA outlines.
    links_df : pandas.DataFrame
        Links; those touching a shown school are drawn (ended ones faintly).
    fit : bool
        Zoom to the shown schools.
    selected_urn : int or None
        School to ring.

    Returns
    -------
    dict
        ``measure``, ``mask``, ``la_values``, ``white_las``, ``threshold_pct``,
        ``links_geojson``, ``fit`` and ``selected``.
    """
    summary = la_summary_df.reset_index()
    mask = None
    if len(shown_df) != len(schools_df):
        mask = map_files.encode_mask(
            map_files.positions_of(shown_df["urn"], schools_df["urn"]), len(schools_df)
        )
    white = metrics.flag_predominantly_white(summary["white_british_pct"], threshold_pct)
    shown_urns = set(shown_df["urn"].tolist())
    drawn = links_df[
        links_df["school_urn"].isin(shown_urns) | links_df["partner_urn"].isin(shown_urns)
    ]
    selected = None
    if selected_urn is not None:
        row = schools_df[schools_df["urn"] == selected_urn]
        if not row.empty:
            selected = (float(row.geometry.y.iloc[0]), float(row.geometry.x.iloc[0]))
    return {
        "measure": measure,
        "mask": mask,
        "la_values": dict(zip(summary["la_gss_code"], summary[measure], strict=True)),
        "white_las": summary.loc[white, "la_gss_code"].tolist(),
        "threshold_pct": threshold_pct,
        "links_geojson": school_map.links_to_geojson(drawn, schools_df) if len(drawn) else None,
        "fit": fit,
        "selected": selected,
    }


def map_legend(schools_df: pd.DataFrame, inputs: dict, *, links_are_demo: bool = False) -> str:
    """The legend shown beside the map, for the inputs of :func:`build_map_inputs`.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The full schools table (each class's share of England's schools).
    inputs : dict
        From :func:`build_map_inputs`.
    links_are_demo : bool
        Whether the drawn links are illustrative.

    Returns
    -------
    str
        Safe HTML from :func:`dashboard.maps.scales.legend_html`.
    """
    measure = inputs["measure"]
    features = (inputs["links_geojson"] or {"features": []})["features"]
    types = Counter(f["properties"]["type"] for f in features)
    statuses = Counter(f["properties"]["status"] for f in features)
    return scales.legend_html(
        measure,
        threshold_pct=inputs["threshold_pct"],
        shares=scales.scale_for(measure).shares(schools_df[measure].astype(float)),
        link_types=types or None,
        link_statuses=statuses or None,
        links_are_demo=links_are_demo,
    )


TOOLTIP_URN = re.compile(r"URN\s+(\d{6})")


def urn_from_tooltip(text: str | None) -> int | None:
    """The URN at the start of a map tooltip (what st_folium returns on a click).

    Parameters
    ----------
    text : str or None
        ``last_object_clicked_tooltip``.

    Returns
    -------
    int or None

    Examples
    --------
    >>> urn_from_tooltip("URN 136925 — Pershore High School"), urn_from_tooltip("Kent")
    (136925, None)
    """
    match = TOOLTIP_URN.search(text or "")
    return int(match.group(1)) if match else None
