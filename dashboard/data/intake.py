"""Per-school intake measures from census counts: % White British, diversity, FSM, EAL."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.config import ETHNIC_COUNT_COLUMNS


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
