"""Headline numbers for an area (England, a region or an LA) for cabinet members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard.analysis import metrics, segregation
from dashboard.analysis.calendar import school_year, term_of
from dashboard.config import ETHNIC_COUNT_COLUMNS, PREDOMINANTLY_WHITE_PCT

ENGLAND = "England"
MEETINGS_FOR_IMPACT = 2


@dataclass(frozen=True)
class Area:
    """An area to summarise: ``kind`` is "England", "region" or "la"."""

    kind: str
    name: str

    @property
    def label(self) -> str:
        """The name to show."""
        return self.name


def in_area(schools_df: pd.DataFrame, area: Area) -> pd.Series:
    """Which schools are in the area (boolean, indexed like ``schools_df``).

    Examples
    --------
    >>> frame = pd.DataFrame({"region": ["London", "North East"], "la_name": ["Brent", "Durham"]})
    >>> in_area(frame, Area("la", "Durham")).tolist()
    [False, True]
    """
    if area.kind == "England":
        return pd.Series(True, index=schools_df.index)
    column = "region" if area.kind == "region" else "la_name"
    return schools_df[column].astype(str).eq(area.name)


def links_touching(links_df: pd.DataFrame, urns: set[int]) -> pd.DataFrame:
    """Links in which a school of the area takes part (as school or partner)."""
    mask = links_df["school_urn"].isin(urns) | links_df["partner_urn"].isin(urns).fillna(False)
    return links_df[mask]


def headline(
    schools_df: pd.DataFrame,
    status_df: pd.DataFrame,
    links_df: pd.DataFrame,
    *,
    threshold_pct: float = PREDOMINANTLY_WHITE_PCT,
    today: date | None = None,
) -> dict[str, float]:
    """The few numbers that matter for one area.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The area's schools.
    status_df : pandas.DataFrame
        :func:`dashboard.analysis.gaps.link_status_by_school` rows for those schools.
    links_df : pandas.DataFrame
        Links touching the area.
    threshold_pct : float
        The "predominantly white" threshold.
    today : datetime.date or None
        For "this school year" (defaults to today).

    Returns
    -------
    dict
        ``schools``, ``pupils`` (census headcount of schools with figures),
        ``white_british_pct`` (pupil-weighted), ``predominantly_white``,
        ``white_with_contrasting_link``, ``gaps``, ``gaps_with_proposed_link``
        (gaps whose school has a proposed link, not yet active), ``active_links``,
        ``links_meeting_twice`` (active links whose pupils met at least twice this
        school year) and ``proposed_links``, counted apart from active ones.
    """
    known = schools_df[schools_df["has_ethnicity"]]
    pupils = float(known["headcount"].sum())
    white = metrics.flag_predominantly_white(schools_df["white_british_pct"], threshold_pct)
    linked = white & status_df["has_contrasting_link"]
    # Links not ended and not active are proposed.
    waiting = status_df["links"] > status_df["active_links"]
    year = school_year(today or date.today())
    active = links_df[links_df["status"] == "active"]
    this_year = active["meetings_school_year"].isna() | active["meetings_school_year"].eq(year)
    met_twice = active[this_year & (active["meetings_this_year"] >= MEETINGS_FOR_IMPACT)]
    return {
        "schools": len(schools_df),
        "pupils": int(pupils),
        "white_british_pct": 100 * float(known["n_white_british"].sum()) / pupils
        if pupils
        else np.nan,
        "predominantly_white": int(white.sum()),
        "white_with_contrasting_link": int(linked.sum()),
        "gaps": int(white.sum() - linked.sum()),
        "gaps_with_proposed_link": int((white & ~linked & waiting).sum()),
        "active_links": len(active),
        "links_meeting_twice": len(met_twice),
        "proposed_links": int((links_df["status"] == "proposed").sum()),
    }


def links_by_type_and_mode(links_df: pd.DataFrame) -> pd.DataFrame:
    """Links (not ended) counted by type and mode; a link of two types counts in both.

    Returns
    -------
    pandas.DataFrame
        ``link_type``, ``mode``, ``links``.
    """
    live = links_df[links_df["status"] != "ended"]
    exploded = live.explode("link_types")
    out = exploded.groupby(["link_types", "mode"]).size().reset_index(name="links")
    return out.rename(columns={"link_types": "link_type"})


def links_over_time(links_df: pd.DataFrame) -> pd.DataFrame:
    """New links per start term and the running total (links without a start date apart).

    Returns
    -------
    pandas.DataFrame
        ``term``, ``new_links``, ``total_links``, sorted by term; a last row
        ``term = "start date not recorded"`` when some links have none.
    """
    dated = links_df.dropna(subset=["start_date"])
    terms = pd.Series([term_of(pd.Timestamp(d).date()) for d in dated["start_date"]], dtype=object)
    order = {"Autumn": 0, "Spring": 1, "Summer": 2}
    counts = terms.value_counts().rename_axis("term").reset_index(name="new_links")
    counts["_key"] = counts["term"].map(lambda t: (t.split()[0], order[t.split()[1]]))
    counts = counts.sort_values("_key").drop(columns="_key").reset_index(drop=True)
    counts["total_links"] = counts["new_links"].cumsum()
    undated = int(links_df["start_date"].isna().sum())
    if undated:
        counts.loc[len(counts)] = ["start date not recorded", undated, np.nan]
    return counts


def compare_areas(
    schools_df: pd.DataFrame, la_name: str, region: str, phase: str = "Primary"
) -> pd.DataFrame:
    """An LA beside its region and England: intake and segregation.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        All schools.
    la_name, region : str
        The LA and its region.
    phase : str
        Phase for the dissimilarity index.

    Returns
    -------
    pandas.DataFrame
        Rows LA, region, England; columns ``area``, ``schools``,
        ``white_british_pct``, ``fsm_pct``, ``eal_pct``, ``dissimilarity``.
    """
    rows = []
    for area in (Area("la", la_name), Area("region", region), Area("England", ENGLAND)):
        part = schools_df[in_area(schools_df, area)]
        summary = metrics.summarise_by_area(part.assign(_all=area.name), "_all").iloc[0]
        same_phase = part[(part["phase"] == phase) & part["has_ethnicity"]]
        d = segregation.indices(same_phase[list(ETHNIC_COUNT_COLUMNS)].to_numpy())["dissimilarity"]
        rows.append(
            {
                "area": area.name,
                "schools": int(summary["schools"]),
                "white_british_pct": round(float(summary["white_british_pct"]), 1),
                "fsm_pct": round(float(summary["fsm_pct"]), 1),
                "eal_pct": round(float(summary["eal_pct"]), 1),
                "dissimilarity": round(d, 3),
            }
        )
    return pd.DataFrame(rows)


def similar_las(la_summary_df: pd.DataFrame, la_name: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` LAs whose pupils are most like ``la_name``'s (White British, FSM, EAL %).

    Each measure is standardised across LAs and the nearest LAs by Euclidean
    distance are returned.

    Parameters
    ----------
    la_summary_df : pandas.DataFrame
        :func:`dashboard.analysis.metrics.summarise_by_area` by LA, with ``la_name``.
    la_name : str
        The LA.
    n : int
        How many.

    Returns
    -------
    pandas.DataFrame
        ``la_name``, ``white_british_pct``, ``fsm_pct``, ``eal_pct``, ``distance``.
    """
    frame = la_summary_df.reset_index()
    measures = ["white_british_pct", "fsm_pct", "eal_pct"]
    z = (frame[measures] - frame[measures].mean()) / frame[measures].std()
    target = z[frame["la_name"] == la_name]
    if target.empty:
        return frame.iloc[0:0][["la_name", *measures]].assign(distance=[])
    distance = np.sqrt(((z - target.iloc[0]) ** 2).sum(axis=1))
    out = frame.assign(distance=distance.round(2))[["la_name", *measures, "distance"]]
    out = out[out["la_name"] != la_name].nsmallest(n, "distance")
    return out.round({"white_british_pct": 1, "fsm_pct": 1, "eal_pct": 1}).reset_index(drop=True)
