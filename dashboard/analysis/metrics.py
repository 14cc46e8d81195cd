"""Area measures of intake (pupil-weighted), largest groups, and the "predominantly white" flag."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.config import ETHNIC_COUNT_COLUMNS, ETHNIC_GROUP_LABELS, PREDOMINANTLY_WHITE_PCT
from dashboard.data.intake import LANGUAGE_COLUMNS, language_base, simpson_diversity


def largest_groups(school: pd.Series, n: int = 3) -> list[tuple[str, float]]:
    """The ``n`` largest ethnic groups of one school, as (label, % of headcount).

    Parameters
    ----------
    school : pandas.Series
        One row with ``headcount`` and the ``n_<group>`` columns.
    n : int, default 3
        How many groups to return.

    Returns
    -------
    list of (str, float)
        Largest first; empty when the school has no ethnicity data.

    Examples
    --------
    >>> row = pd.Series({"headcount": 10, **{c: 0 for c in ETHNIC_COUNT_COLUMNS}})
    >>> row["n_white_british"], row["n_indian"] = 7, 3
    >>> largest_groups(row, 2)
    [('White British', 70.0), ('Indian', 30.0)]
    """
    headcount = float(school.get("headcount") or 0)
    counts = pd.to_numeric(school[list(ETHNIC_COUNT_COLUMNS)], errors="coerce")
    if headcount <= 0 or counts.isna().all():
        return []
    top = counts.sort_values(ascending=False, kind="stable").head(n)
    return [
        (ETHNIC_GROUP_LABELS[col.removeprefix("n_")], round(100 * value / headcount, 1))
        for col, value in top.items()
        if value > 0
    ]


def summarise_by_area(schools_df: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Pupil-weighted intake measures per area (LA, region …) from school counts.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        Schools with ``headcount``, ``n_white_british``, ``n_fsm``, ``n_eal``,
        the first-language counts, the ``n_<group>`` columns and
        ``has_ethnicity``.
    by : str or list of str
        Column(s) to group by, e.g. ``"la_gss_code"``.

    Returns
    -------
    pandas.DataFrame
        One row per area: ``schools``, ``schools_with_ethnicity``, ``pupils``
        (census headcount of those schools), ``white_british_pct``,
        ``diversity_index`` (of the area's pooled pupils), ``fsm_pct`` and
        ``eal_pct``.
    """
    known = schools_df[schools_df["has_ethnicity"]]
    sums = known.groupby(by)[["headcount", "n_fsm", *LANGUAGE_COLUMNS, *ETHNIC_COUNT_COLUMNS]].sum()
    out = pd.DataFrame(index=sums.index)
    out["schools"] = schools_df.groupby(by).size()
    out["schools_with_ethnicity"] = known.groupby(by).size()
    out = out.fillna(0).astype("int64")
    out["pupils"] = sums["headcount"].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["white_british_pct"] = 100 * sums["n_white_british"] / sums["headcount"]
        out["fsm_pct"] = 100 * sums["n_fsm"] / sums["headcount"]
        out["eal_pct"] = 100 * sums["n_eal"] / language_base(sums)
    out["diversity_index"] = simpson_diversity(sums[list(ETHNIC_COUNT_COLUMNS)].to_numpy())
    return out


def flag_predominantly_white(
    white_british_pct: pd.Series, threshold: float = PREDOMINANTLY_WHITE_PCT
) -> pd.Series:
    """True where the White British share is at or above ``threshold`` percent.

    Parameters
    ----------
    white_british_pct : pandas.Series
        Percent White British (0-100); NaN is never flagged.
    threshold : float, default 80
        The cut-off, in percent.

    Returns
    -------
    pandas.Series
        Boolean.

    Examples
    --------
    >>> flag_predominantly_white(pd.Series([79.9, 80.0, float("nan")])).tolist()
    [False, True, False]
    """
    return white_british_pct.ge(threshold).fillna(False).astype(bool)
