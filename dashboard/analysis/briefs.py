"""What a briefing says about one LA: its numbers beside similar LAs and England, and a takeaway.

The takeaway is one plain-English paragraph computed from the numbers.

*Similar LAs* (statistical neighbours) are the
:data:`SIMILAR_LAS` authorities whose pupils are most alike in White British,
free-school-meals and English-as-an-additional-language shares, each measure
standardised across all LAs (:func:`dashboard.analysis.summary.similar_las`);
their figures are averaged with equal weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.analysis import gaps, summary
from dashboard.analysis.exposure import MEASURE_LABELS
from dashboard.config import (
    DEFAULT_MAX_KM,
    DIVERSE_SCHOOL_MAX_WB_PCT,
    FEW_WITHIN_REACH_PCT,
    PREDOMINANTLY_WHITE_PCT,
    SAME_POINTS,
    SIMILAR_LAS,
    VERY_WHITE_SCHOOL_PCT,
    WHITER_THAN_ENGLAND_POINTS,
)

SIMILAR = "Similar LAs (average)"
ENGLAND = summary.ENGLAND
SIMILAR_RULE = (
    f"the {SIMILAR_LAS} local authorities whose pupils are most alike in White British, free "
    "school meals and English as an additional language shares (each standardised across all "
    "authorities), averaged"
)


@dataclass(frozen=True)
class AreaBrief:
    """Everything the briefing shows for one LA."""

    la_name: str
    headline: dict[str, float]
    measures: pd.DataFrame
    similar: list[str]
    takeaway: str
    gaps_df: pd.DataFrame


def compare_measures(
    measures_by_la_df: pd.DataFrame, la_name: str, similar: list[str]
) -> pd.DataFrame:
    """One LA's measures beside its similar LAs' average and England.

    Parameters
    ----------
    measures_by_la_df : pandas.DataFrame
        :func:`dashboard.analysis.exposure.measures_by_la`.
    la_name : str
        The LA.
    similar : list of str
        Its similar LAs.

    Returns
    -------
    pandas.DataFrame
        ``measure`` (plain label), ``key``, then one column each for the LA,
        :data:`SIMILAR` and :data:`ENGLAND`; rounded for reading.
    """
    keys = list(MEASURE_LABELS)
    table = pd.DataFrame(
        {
            "measure": [MEASURE_LABELS[k] for k in keys],
            "key": keys,
            la_name: measures_by_la_df.loc[la_name, keys].to_numpy(float),
            SIMILAR: measures_by_la_df.loc[similar, keys].mean().to_numpy(float),
            ENGLAND: measures_by_la_df.loc[ENGLAND, keys].to_numpy(float),
        }
    )
    digits = np.where(table["key"].eq("dissimilarity"), 3, 1)
    for column in (la_name, SIMILAR, ENGLAND):
        table[column] = [round(v, int(d)) for v, d in zip(table[column], digits, strict=True)]
    return table


def _compare(value: float, other: float) -> str:
    """Compare two percentages in words: fewer than, more than, or about the same as."""
    if abs(value - other) < SAME_POINTS:
        return "about the same as"
    return "fewer than" if value < other else "more than"


def takeaway(
    la_name: str,
    measures_df: pd.DataFrame,
    headline: dict[str, float],
    *,
    threshold_pct: float = PREDOMINANTLY_WHITE_PCT,
) -> str:
    """One paragraph a councillor can read in two minutes, built from the numbers.

    Parameters
    ----------
    la_name : str
        The LA.
    measures_df : pandas.DataFrame
        :func:`compare_measures` for it.
    headline : dict
        :func:`dashboard.analysis.summary.headline` for it.
    threshold_pct : float
        The "predominantly white" threshold the headline was counted with.

    Returns
    -------
    str
        Plain text (escape it before using it as markup).
    """
    m = measures_df.set_index("key")
    here, like, england = m[la_name], m[SIMILAR], m[ENGLAND]
    parts = [
        f"{la_name}: {here['white_british_pct']:.0f} % of pupils are White British "
        f"({like['white_british_pct']:.0f} % in similar areas, "
        f"{england['white_british_pct']:.0f} % in England).",
        f"The average White British pupil's schoolmates are {here['exposure_pct']:.0f} % from "
        f"other backgrounds: {_compare(here['exposure_pct'], like['exposure_pct'])} in similar "
        f"areas ({like['exposure_pct']:.0f} %) and "
        f"{_compare(here['exposure_pct'], england['exposure_pct'])} in England "
        f"({england['exposure_pct']:.0f} %).",
    ]
    whiter = here["white_british_pct"] > england["white_british_pct"] + WHITER_THAN_ENGLAND_POINTS
    if here["dissimilarity"] < england["dissimilarity"] and whiter:
        parts.append(
            f"The low dissimilarity index ({here['dissimilarity']:.2f}, England "
            f"{england['dissimilarity']:.2f}) does not mean pupils mix more: it is low mostly "
            "because most schools are predominantly White British."
        )
    very_white = (
        f"{here['very_white_pct']:.0f} % of pupils are in schools at least "
        f"{VERY_WHITE_SCHOOL_PCT:g} % White British ({like['very_white_pct']:.0f} % in similar "
        "areas)"
    )
    if pd.isna(here["reach_pct"]):
        reach = (
            f"every school here is diverse (at most {DIVERSE_SCHOOL_MAX_WB_PCT:g} % White British)"
        )
    else:
        reach = (
            f"{here['reach_pct']:.0f} % of pupils outside diverse schools (those at most "
            f"{DIVERSE_SCHOOL_MAX_WB_PCT:g} % White British) have a diverse school for their "
            f"age within {DEFAULT_MAX_KM:g} km"
        )
    parts.append(f"{very_white}, and {reach}.")
    parts.append(_so_what(here, england, headline, threshold_pct))
    return " ".join(parts)


def _so_what(
    here: pd.Series, england: pd.Series, headline: dict[str, float], threshold_pct: float
) -> str:
    """The last sentence: what follows for links."""
    gap_count, proposed = int(headline["gaps"]), int(headline["proposed_links"])
    if headline["predominantly_white"] == 0:
        return (
            f"No school here is predominantly white (at least {threshold_pct:g} % "
            "White British), so links are about faith and social mix more than ethnicity."
        )
    fewer = here["exposure_pct"] < england["exposure_pct"] - SAME_POINTS
    start = (
        "So White British pupils here meet fewer pupils of other backgrounds at school than "
        "in England, and links are how they can meet more: "
        if fewer
        else "So: "
    )
    if gap_count == 0:
        return start + "every predominantly white school has an active link with a contrasting one."
    waiting = f"; {proposed} links are proposed but not yet active" if proposed else ""
    far = (
        " Many have no diverse school within reach, so some links will have to be virtual."
        if here["reach_pct"] < FEW_WITHIN_REACH_PCT  # NaN (every school diverse) compares False
        else ""
    )
    return (
        f"{start}{gap_count} of {int(headline['predominantly_white'])} predominantly white "
        f"schools (at least {threshold_pct:g} % White British) have no active link with a "
        f"contrasting school{waiting}.{far}"
    )


def build_area_brief(
    la_name: str,
    schools_df: pd.DataFrame,
    status_df: pd.DataFrame,
    links_df: pd.DataFrame,
    measures_by_la_df: pd.DataFrame,
    la_summary_df: pd.DataFrame,
    *,
    threshold_pct: float = PREDOMINANTLY_WHITE_PCT,
) -> AreaBrief:
    """Headline numbers, measures beside similar LAs and England, the takeaway and the gaps.

    Parameters
    ----------
    la_name : str
        The LA.
    schools_df : pandas.DataFrame
        Every school.
    status_df : pandas.DataFrame
        :func:`dashboard.analysis.gaps.link_status_by_school` for every school.
    links_df : pandas.DataFrame
        The register (and demo links, if included).
    measures_by_la_df : pandas.DataFrame
        :func:`dashboard.analysis.exposure.measures_by_la`.
    la_summary_df : pandas.DataFrame
        :func:`dashboard.analysis.metrics.summarise_by_area` by LA (for similar LAs).
    threshold_pct : float
        The "predominantly white" threshold.

    Returns
    -------
    AreaBrief
    """
    inside = summary.in_area(schools_df, summary.Area("la", la_name))
    area_schools = schools_df[inside]
    area_links = summary.links_touching(links_df, set(area_schools["urn"].tolist()))
    numbers = summary.headline(
        area_schools, status_df[inside], area_links, threshold_pct=threshold_pct
    )
    similar = summary.similar_las(la_summary_df, la_name, SIMILAR_LAS)["la_name"].tolist()
    measures = compare_measures(measures_by_la_df, la_name, similar)
    gap_df = gaps.find_gaps(area_schools, status_df[inside], threshold_pct=threshold_pct)
    return AreaBrief(
        la_name,
        numbers,
        measures,
        similar,
        takeaway(la_name, measures, numbers, threshold_pct=threshold_pct),
        gap_df,
    )


def side_by_side(first: AreaBrief, second: AreaBrief) -> pd.DataFrame:
    """Two LAs' headline numbers and measures in one table (with England for reference).

    Returns
    -------
    pandas.DataFrame
        ``measure`` (plain label), ``key``, ``kind`` ("count" or "measure"),
        then one column per LA and :data:`ENGLAND` (measures only).

    Raises
    ------
    ValueError
        If both briefs are for the same LA.
    """
    if first.la_name == second.la_name:
        raise ValueError("Choose two different local authorities to put side by side.")
    headline_rows = [
        ("Schools", "schools"),
        ("Pupils (census)", "pupils"),
        ("Predominantly white schools", "predominantly_white"),
        ("… with an active link to a contrasting school", "white_with_contrasting_link"),
        ("Gaps", "gaps"),
        ("Active links", "active_links"),
        ("Proposed links (not yet active)", "proposed_links"),
    ]
    rows = [
        {
            "measure": label,
            "key": key,
            "kind": "count",
            first.la_name: first.headline[key],
            second.la_name: second.headline[key],
            ENGLAND: np.nan,
        }
        for label, key in headline_rows
    ]
    a, b = first.measures.set_index("key"), second.measures.set_index("key")
    for key, label in MEASURE_LABELS.items():
        rows.append(
            {
                "measure": label,
                "key": key,
                "kind": "measure",
                first.la_name: a.loc[key, first.la_name],
                second.la_name: b.loc[key, second.la_name],
                ENGLAND: a.loc[key, ENGLAND],
            }
        )
    return pd.DataFrame(rows)
