"""Per-school and per-area measures of intake: shares, diversity, pupil-weighted averages."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.config import ETHNIC_COUNT_COLUMNS, ETHNIC_GROUP_LABELS, PREDOMINANTLY_WHITE_PCT


def simpson_diversity(counts: np.ndarray) -> np.ndarray:
    """Simpson diversity index, ``1 - sum(p_i ** 2)``, row by row.

    It is the chance that two pupils picked at random belong to different
    ethnic groups: 0 when every pupil is in one group, up to 1 - 1/k for k
    equal groups (0.944 for DfE's 18 groups). Rows with no pupils give NaN.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape ``(n_schools, n_groups)``: pupils per ethnic group. Unclassified
        pupils should be left out.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_schools,)``.

    Examples
    --------
    >>> simpson_diversity(np.array([[10, 0], [5, 5], [0, 0]])).round(2).tolist()
    [0.0, 0.5, nan]
    """
    counts = np.asarray(counts, dtype=float)
    totals = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts / totals[:, None]
        index = 1.0 - np.nansum(shares**2, axis=1)
    return np.where(totals > 0, index, np.nan)


def ethnic_shares(schools_df: pd.DataFrame) -> pd.DataFrame:
    """Share of each school's classified pupils in each ethnic group (0-1).

    Parameters
    ----------
    schools_df : pandas.DataFrame
        Must have the ``n_<group>`` count columns.

    Returns
    -------
    pandas.DataFrame
        Same index, one column per group (tidy group name); rows sum to 1, or are
        NaN where the school has no ethnicity data.
    """
    counts = schools_df[list(ETHNIC_COUNT_COLUMNS)].to_numpy(float)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, counts / totals, np.nan)
    names = [col.removeprefix("n_") for col in ETHNIC_COUNT_COLUMNS]
    return pd.DataFrame(shares, index=schools_df.index, columns=names)


LANGUAGE_COLUMNS = ("n_eal", "n_first_language_english", "n_first_language_unclassified")


def language_base(frame: pd.DataFrame) -> pd.Series:
    """Pupils whose first language was recorded in any way: the EAL denominator.

    Parameters
    ----------
    frame : pandas.DataFrame
        With the three first-language count columns.

    Returns
    -------
    pandas.Series
        Their sum (NaN if any is missing).
    """
    return frame[list(LANGUAGE_COLUMNS)].sum(axis=1, min_count=len(LANGUAGE_COLUMNS))


def add_intake_measures(schools_df: pd.DataFrame) -> pd.DataFrame:
    """Add % White British, the diversity index, FSM % and EAL % from the counts.

    Percentages follow DfE's definitions: White British and FSM are shares of
    the whole headcount; EAL is a share of pupils whose first language was
    recorded as English, other than English or unclassified (in practice the
    headcount). The diversity index ignores unclassified pupils.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        With ``headcount``, the ``n_<group>`` columns, ``n_fsm``, ``n_eal``,
        ``n_first_language_english`` and ``n_first_language_unclassified``.

    Returns
    -------
    pandas.DataFrame
        A copy with ``white_british_pct``, ``diversity_index``, ``fsm_pct``,
        ``eal_pct`` (NaN where unknown) and ``has_ethnicity`` (bool).
    """
    out = schools_df.copy()
    counts = out[list(ETHNIC_COUNT_COLUMNS)].to_numpy(float)
    headcount = out["headcount"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["white_british_pct"] = np.where(
            headcount > 0, 100 * out["n_white_british"].to_numpy(float) / headcount, np.nan
        )
        out["fsm_pct"] = np.where(
            headcount > 0, 100 * out["n_fsm"].to_numpy(float) / headcount, np.nan
        )
        base = language_base(out).to_numpy(float)
        out["eal_pct"] = np.where(base > 0, 100 * out["n_eal"].to_numpy(float) / base, np.nan)
    out["diversity_index"] = simpson_diversity(np.nan_to_num(counts))
    out.loc[np.isnan(counts).any(axis=1), "diversity_index"] = np.nan
    out["has_ethnicity"] = out["white_british_pct"].notna() & out["diversity_index"].notna()
    return out


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
