"""Measures that mean something in predominantly white areas: who White British pupils meet.

The dissimilarity index says how unevenly pupils are spread over an area's
schools, not how many pupils of other backgrounds there are to meet: an area
where almost every pupil is White British can score low (even) and still offer
few meetings. These measures say that directly, for any area:

* **exposure** — the share of the average White British pupil's schoolmates who
  are from other ethnic backgrounds (xPy, see :mod:`dashboard.analysis.segregation`);
* **pupils in very white schools** — the share of pupils in schools at least
  :data:`~dashboard.config.VERY_WHITE_SCHOOL_PCT` % White British;
* **a diverse school within reach** — of the pupils in schools that are not
  diverse, the share whose school has a *diverse school* (at most
  :data:`~dashboard.config.DIVERSE_SCHOOL_MAX_WB_PCT` % White British) with pupils
  of the same ages within the plan's distance limit, in any LA.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from dashboard.analysis import segregation
from dashboard.analysis.partners import PartnerIndex
from dashboard.config import (
    DEFAULT_MAX_KM,
    DIVERSE_SCHOOL_MAX_WB_PCT,
    ETHNIC_COUNT_COLUMNS,
    VERY_WHITE_SCHOOL_PCT,
)

MEASURE_LABELS = {
    "white_british_pct": "White British pupils (%)",
    "exposure_pct": "A White British pupil's schoolmates from other backgrounds (%)",
    "very_white_pct": f"Pupils in schools at least {VERY_WHITE_SCHOOL_PCT:g} % White British (%)",
    "reach_pct": (
        "Pupils in schools that are not diverse with a diverse school within "
        f"{DEFAULT_MAX_KM:g} km (%)"
    ),
    "dissimilarity": "Dissimilarity index, primary schools (0-1)",
}
MEASURE_SENTENCES = {
    "white_british_pct": "Of all pupils, pupil-weighted.",
    "exposure_pct": (
        "In the school of the average White British pupil, the share of pupils from other "
        "ethnic backgrounds: how many pupils of other backgrounds they meet at school."
    ),
    "very_white_pct": (
        f"Pupils whose school is at least {VERY_WHITE_SCHOOL_PCT:g} % White British: they "
        "meet almost no one of another background at school."
    ),
    "reach_pct": (
        f"A diverse school has at most {DIVERSE_SCHOOL_MAX_WB_PCT:g} % White British pupils. "
        "Of the pupils in other schools, the share whose school has one with pupils of the "
        f"same ages within {DEFAULT_MAX_KM:g} km, in any authority: how many a link could "
        "reach."
    ),
    "dissimilarity": (
        "How unevenly White British and other pupils are spread over the primary schools "
        "(0 = evenly). It can be low where nearly everyone is White British: then there is "
        "little to spread."
    ),
}


def is_diverse(schools_df: pd.DataFrame) -> pd.Series:
    """True for schools with ethnicity figures and at most the "diverse" White British share."""
    return schools_df["has_ethnicity"].astype(bool) & schools_df["white_british_pct"].le(
        DIVERSE_SCHOOL_MAX_WB_PCT
    )


def diverse_within_reach(index: PartnerIndex, max_km: float = DEFAULT_MAX_KM) -> np.ndarray:
    """For every school, whether a diverse school with pupils of its ages lies within ``max_km``.

    A diverse school counts for itself. Schools are grouped by phase and year
    groups taught, so each group is checked against a spatial index (cKDTree,
    British National Grid metres) of exactly the diverse schools it may partner.

    Parameters
    ----------
    index : PartnerIndex
        Every school.
    max_km : float
        Distance limit.

    Returns
    -------
    numpy.ndarray of bool
        In the row order of ``index.schools_df``.
    """
    diverse = np.flatnonzero(is_diverse(index.schools_df).to_numpy())
    out = np.zeros(len(index.schools_df), dtype=bool)
    out[diverse] = True
    if len(diverse) == 0:
        return out
    keys = pd.DataFrame(
        {"phase": index.phase, "first": index.first_year, "last": index.last_year}
    ).fillna(-99)
    for _, group in keys.groupby(["phase", "first", "last"], sort=False):
        rows = group.index.to_numpy()
        allowed = diverse[index.compatible(np.full(len(diverse), rows[0]), diverse)]
        if len(allowed) == 0:
            continue
        distance, _ = cKDTree(index.xy[allowed]).query(index.xy[rows], k=1)
        out[rows] |= distance <= max_km * 1000
    return out


def area_measures(schools_df: pd.DataFrame, reach: pd.Series) -> dict[str, float]:
    """The measures for one area (see the module docstring).

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The area's schools (counts, ``headcount``, ``white_british_pct``,
        ``phase``, ``has_ethnicity``).
    reach : pandas.Series
        :func:`diverse_within_reach` for the same rows (same index).

    Returns
    -------
    dict
        ``pupils``, ``white_british_pct``, ``exposure_pct``, ``very_white_pct``,
        ``reach_pct`` (percentages, NaN where not defined) and ``dissimilarity``
        (primary schools).

    Examples
    --------
    >>> groups = list(ETHNIC_COUNT_COLUMNS)
    >>> frame = pd.DataFrame(0, index=[0, 1], columns=groups)
    >>> frame["n_white_british"], frame["n_indian"] = [95, 40], [5, 60]
    >>> frame = frame.assign(headcount=100, white_british_pct=[95.0, 40.0],
    ...                      has_ethnicity=True, phase="Primary")
    >>> m = area_measures(frame, pd.Series([True, True]))
    >>> round(m["exposure_pct"], 1), m["very_white_pct"], m["reach_pct"]
    (21.3, 50.0, 100.0)
    """
    known = schools_df[schools_df["has_ethnicity"].astype(bool)]
    counts = known[list(ETHNIC_COUNT_COLUMNS)].to_numpy(float)
    white, total = counts[:, 0], counts.sum(axis=1)
    # As DfE publishes it (and as the headline shows it): White British of all pupils.
    pupils = known["headcount"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        exposure = float(np.nansum((white / white.sum()) * (total - white) / total))
        very_white = known["white_british_pct"].ge(VERY_WHITE_SCHOOL_PCT).to_numpy()
        not_diverse = ~is_diverse(known).to_numpy()
        reached = reach.loc[known.index].to_numpy(bool) & not_diverse
        reach_pct = float(100 * pupils[reached].sum() / pupils[not_diverse].sum())
    primary = known[known["phase"] == "Primary"][list(ETHNIC_COUNT_COLUMNS)].to_numpy()
    total_pupils = float(pupils.sum())
    return {
        "pupils": int(total_pupils),
        "white_british_pct": 100 * float(white.sum()) / total_pupils if total_pupils else np.nan,
        "exposure_pct": 100 * exposure if white.sum() else np.nan,
        "very_white_pct": (
            100 * float(pupils[very_white].sum()) / total_pupils if total_pupils else np.nan
        ),
        "reach_pct": reach_pct if not_diverse.any() else np.nan,
        "dissimilarity": float(segregation.indices(primary)["dissimilarity"]),
    }


def measures_by_la(schools_df: pd.DataFrame, reach: pd.Series) -> pd.DataFrame:
    """:func:`area_measures` for every LA, plus a last row for England.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        Every school, with ``la_name``.
    reach : pandas.Series
        :func:`diverse_within_reach` for the same rows.

    Returns
    -------
    pandas.DataFrame
        Indexed by LA name (and "England"), one column per measure.
    """
    rows = {
        str(la): area_measures(group, reach)
        for la, group in schools_df.groupby(schools_df["la_name"].astype(str), sort=True)
    }
    rows["England"] = area_measures(schools_df, reach)
    return pd.DataFrame.from_dict(rows, orient="index")
