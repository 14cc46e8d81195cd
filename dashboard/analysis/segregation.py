"""Segregation indices for an area, from school-level pupil counts.

All indices compare how pupils are spread across the area's schools with how
they would be spread if every school had the area's overall mix. "White British"
(W) is compared with all other pupils whose ethnicity was recorded (O);
unclassified pupils are left out. For school i with w_i and o_i pupils
(t_i = w_i + o_i), and area totals W, O and T = W + O:

* dissimilarity D = ½ Σ |w_i/W − o_i/O| — the share of White British (or of other)
  pupils who would have to change school for every school to have the same mix;
  0 = even, 1 = complete separation;
* isolation of White British pupils xPx = Σ (w_i/W)(w_i/t_i) — the White British share
  in the school of the average White British pupil;
* exposure of White British pupils to others xPy = Σ (w_i/W)(o_i/t_i) = 1 − xPx;
* normalised exposure (η²) = (xPx − P)/(1 − P), with P = W/T — isolation beyond what
  the area's mix alone would give; 0 = none, 1 = complete;
* Theil's information index H = Σ_i t_i (E − E_i) / (T E), where E = −Σ_g π_g ln π_g is
  the entropy of the area's mix over DfE's 18 groups and E_i that of school i — how
  much less mixed schools are than the area, across all groups at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.config import ETHNIC_COUNT_COLUMNS

NOT_ENOUGH = "not enough pupils to compute"
INDEX_LABELS = {
    "dissimilarity": "Dissimilarity (D)",
    "isolation": "Isolation of White British pupils",
    "exposure": "Exposure of White British pupils to other pupils",
    "normalised_exposure": "Normalised exposure (η²)",
    "theil_h": "Theil information index (H)",
}
INDEX_SENTENCES = {
    "dissimilarity": "The share of White British pupils who would have to change school for "
    "every school to have the same mix (0 = even, 1 = complete separation).",
    "isolation": "How White British the school of the average White British pupil is.",
    "exposure": "The share of other pupils in the school of the average White British pupil.",
    "normalised_exposure": "How much more White British the average White British pupil's "
    "school is than the area as a whole, scaled from 0 (none) to 1 (complete).",
    "theil_h": "How much less mixed schools are than the area, across all 18 ethnic groups "
    "(0 = every school mirrors the area, 1 = every school has one group).",
}
INDEX_FORMULAS = {
    "dissimilarity": "D = ½ Σᵢ |wᵢ/W − oᵢ/O|",
    "isolation": "xPx = Σᵢ (wᵢ/W)(wᵢ/tᵢ)",
    "exposure": "xPy = Σᵢ (wᵢ/W)(oᵢ/tᵢ)",
    "normalised_exposure": "η² = (xPx − P) / (1 − P), P = W/T",
    "theil_h": "H = Σᵢ tᵢ (E − Eᵢ) / (T·E), E = −Σ_g π_g ln π_g",
}


def _entropy(shares: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(shares > 0, np.log(shares), 0.0)
    return -(shares * logs).sum(axis=-1)


def indices(counts: np.ndarray) -> dict[str, float]:
    """All indices for one area, from per-school counts over ethnic groups.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape ``(n_schools, n_groups)``; column 0 is White British.

    Returns
    -------
    dict
        The five indices (NaN when there are no White British pupils, no other
        pupils, or fewer than two schools with pupils) and ``schools``,
        ``pupils``, ``white_british_pct``.

    Examples
    --------
    >>> indices(np.array([[10, 0], [0, 10]]))["dissimilarity"]
    1.0
    >>> indices(np.array([[5, 5], [5, 5]]))["dissimilarity"]
    0.0
    """
    counts = np.asarray(counts, dtype=float)
    counts = counts[counts.sum(axis=1) > 0]
    w = counts[:, 0]
    o = counts[:, 1:].sum(axis=1)
    t = w + o
    big_w, big_o = w.sum(), o.sum()
    total = big_w + big_o
    out = {
        "schools": len(counts),
        "pupils": int(total),
        "white_british_pct": 100 * big_w / total if total else np.nan,
    }
    if len(counts) < 2 or big_w == 0 or big_o == 0:
        return {**out, **dict.fromkeys(INDEX_LABELS, np.nan)}
    p = big_w / total
    isolation = float(np.sum((w / big_w) * (w / t)))
    area_shares = counts.sum(axis=0) / total
    area_entropy = float(_entropy(area_shares))
    school_entropy = _entropy(counts / t[:, None])
    theil = float(np.sum(t * (area_entropy - school_entropy)) / (total * area_entropy))
    return {
        **out,
        "dissimilarity": float(0.5 * np.abs(w / big_w - o / big_o).sum()),
        "isolation": isolation,
        "exposure": float(np.sum((w / big_w) * (o / t))),
        "normalised_exposure": (isolation - p) / (1 - p),
        "theil_h": theil,
    }


def indices_by_area(
    schools_df: pd.DataFrame,
    by: str = "la_name",
    phases: tuple[str, ...] = ("Primary", "Secondary"),
    outliers_df: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Indices for every area and phase.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        Schools with ``phase``, ``has_ethnicity``, the area column and the
        ``n_<group>`` counts (White British first).
    by : str
        Area column (``la_name`` or ``region``).
    phases : tuple of str
        Phases to compute, each separately.
    outliers_df : pandas.DataFrame or None
        :func:`dashboard.analysis.gaps.neighbour_outliers`, indexed like ``schools_df``;
        adds ``flagged_pct``, the share of schools flagged by the 10-nearest rule.

    Returns
    -------
    pandas.DataFrame
        One row per area and phase: the area, ``phase``, ``schools``, ``pupils``,
        ``white_british_pct``, the five indices, ``flagged_pct`` and ``note``
        ("not enough pupils to compute" where the indices are missing).
    """
    known = schools_df[schools_df["has_ethnicity"] & schools_df["phase"].isin(phases)]
    records = []
    for (area, phase), group in known.groupby([by, "phase"], observed=True):
        row = {
            by: str(area),
            "phase": str(phase),
            **indices(group[list(ETHNIC_COUNT_COLUMNS)].to_numpy()),
        }
        if outliers_df is not None:
            flags = outliers_df.loc[group.index, "flag"]
            row["flagged_pct"] = round(100 * float((flags != "").mean()), 1)
        records.append(row)
    out = pd.DataFrame(records)
    out["note"] = np.where(out["dissimilarity"].isna(), NOT_ENOUGH, "")
    return out.sort_values([by, "phase"]).reset_index(drop=True)
