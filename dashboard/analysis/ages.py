"""Which schools' pupils are of ages that can meet, and what to call a school by its ages.

The census counts pupils per year group, so each school has a first and last year
group taught (``first_year``, ``last_year``: 0 = Reception, 1-14 = Year 1-14).
That tells a first school (Reception to Year 4) from a primary, a middle school
from a secondary, which the register's phase alone cannot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.config import MIN_SHARED_YEAR_GROUPS

# Without year groups: a phase can partner the same phase; all-through schools serve both.
COMPATIBLE_PHASES: dict[str, tuple[str, ...]] = {
    "Primary": ("Primary", "All-through"),
    "Secondary": ("Secondary", "All-through"),
    "All-through": ("All-through", "Primary", "Secondary"),
}
# Schools whose year groups decide who they can meet; the others partner their own phase.
MAINSTREAM_PHASES = tuple(COMPATIBLE_PHASES)
AGE_RULE = (
    f"pupils of the same ages: the two schools teach at least {MIN_SHARED_YEAR_GROUPS} year "
    "groups in common (a first school can meet a primary, a middle school a primary or a "
    "secondary); schools without census year groups are matched by phase"
)


def phases_compatible(phase_a: np.ndarray, phase_b: np.ndarray) -> np.ndarray:
    """Element by element, whether a school of ``phase_a`` may partner one of ``phase_b``.

    Examples
    --------
    >>> phases_compatible(np.array(["Primary", "Primary"]), np.array(["All-through", "Secondary"]))
    array([ True, False])
    """
    ok = phase_a == phase_b
    for phase, partners in COMPATIBLE_PHASES.items():
        ok |= (phase_a == phase) & np.isin(phase_b, partners)
    return ok


def shared_year_groups(
    first_a: np.ndarray, last_a: np.ndarray, first_b: np.ndarray, last_b: np.ndarray
) -> np.ndarray:
    """How many year groups (Reception to Year 14) two schools both teach; NaN if unknown.

    Examples
    --------
    >>> shared_year_groups(np.array([0, 0, 5]), np.array([4, 6, 8]),
    ...                    np.array([0, 7, 7]), np.array([6, 11, 13])).tolist()
    [5.0, 0.0, 2.0]
    """
    low = np.maximum(np.asarray(first_a, float), np.asarray(first_b, float))
    high = np.minimum(np.asarray(last_a, float), np.asarray(last_b, float))
    return np.maximum(high - low + 1, 0.0)  # NaN (unknown) stays NaN


def ages_compatible(
    phase_a: np.ndarray,
    first_a: np.ndarray,
    last_a: np.ndarray,
    phase_b: np.ndarray,
    first_b: np.ndarray,
    last_b: np.ndarray,
) -> np.ndarray:
    """Whether two schools' pupils are of ages that can meet (see :data:`AGE_RULE`).

    Mainstream schools (primary, secondary, all-through) are compatible when they
    share at least :data:`~dashboard.config.MIN_SHARED_YEAR_GROUPS` year groups,
    or, when either school's year groups are unknown, by :data:`COMPATIBLE_PHASES`.
    Special, nursery, 16-19 and alternative provision schools partner their own
    phase.

    Examples
    --------
    >>> phase = np.array(["Primary", "Primary", "Secondary"])
    >>> first, last = np.array([0.0, 0.0, 5.0]), np.array([4.0, 4.0, 8.0])
    >>> other = np.array(["Primary", "Secondary", "Primary"])
    >>> ages_compatible(phase, first, last, other, np.array([0.0, 7.0, 0.0]),
    ...                 np.array([6.0, 11.0, 6.0])).tolist()
    [True, False, True]
    """
    phase_a, phase_b = np.asarray(phase_a), np.asarray(phase_b)
    shared = shared_year_groups(first_a, last_a, first_b, last_b)
    mainstream = np.isin(phase_a, MAINSTREAM_PHASES) & np.isin(phase_b, MAINSTREAM_PHASES)
    by_ages = np.nan_to_num(shared, nan=0.0) >= MIN_SHARED_YEAR_GROUPS
    by_phase = np.where(mainstream, phases_compatible(phase_a, phase_b), phase_a == phase_b)
    return np.where(mainstream & ~np.isnan(shared), by_ages, by_phase)


class AgeRule:
    """:func:`ages_compatible` for many pairs at once, on integer codes (fast).

    Parameters
    ----------
    phase : numpy.ndarray
        Every school's phase.
    first_year, last_year : numpy.ndarray
        Every school's first and last year group (NaN when unknown).
    """

    def __init__(self, phase: np.ndarray, first_year: np.ndarray, last_year: np.ndarray) -> None:
        labels, self.code = np.unique(np.asarray(phase).astype(str), return_inverse=True)
        self.first, self.last = np.asarray(first_year, float), np.asarray(last_year, float)
        self.mainstream = np.isin(labels, MAINSTREAM_PHASES)[self.code]
        a, b = np.meshgrid(labels, labels, indexing="ij")
        ms = np.isin(a, MAINSTREAM_PHASES) & np.isin(b, MAINSTREAM_PHASES)
        table = phases_compatible(a.ravel(), b.ravel()).reshape(a.shape)
        self.by_phase = np.where(ms, table, a == b)

    def __call__(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Whether rows ``i`` and ``j`` (broadcast) teach pupils of ages that can meet."""
        shared = shared_year_groups(self.first[i], self.last[i], self.first[j], self.last[j])
        by_ages = np.nan_to_num(shared, nan=0.0) >= MIN_SHARED_YEAR_GROUPS
        known = self.mainstream[i] & self.mainstream[j] & ~np.isnan(shared)
        return np.where(known, by_ages, self.by_phase[self.code[i], self.code[j]])


def school_stage(phase: str, first_year: float, last_year: float) -> str:
    """A plain name for a school's ages: first, infant, junior, primary, middle or high.

    Parameters
    ----------
    phase : str
        The school's phase.
    first_year, last_year : float
        First and last year group taught (NaN when unknown).

    Returns
    -------
    str
        "First", "Infant", "Junior", "Primary", "Middle", "Secondary", "High",
        "All-through", or the phase itself (special schools, unknown ages …).

    Examples
    --------
    >>> [school_stage("Primary", 0, 4), school_stage("Secondary", 5, 8),
    ...  school_stage("Secondary", 9, 13), school_stage("Special", 0, 13)]
    ['First', 'Middle', 'High', 'Special']
    """
    if phase not in MAINSTREAM_PHASES or pd.isna(first_year) or pd.isna(last_year):
        return str(phase)
    rules = (
        (last_year <= 2, "Infant"),
        (first_year <= 1 and last_year <= 4, "First"),
        (first_year >= 3 and last_year <= 6, "Junior"),
        (last_year <= 6, "Primary"),
        (first_year >= 4 and last_year <= 8, "Middle"),
        (first_year >= 9, "High"),
        (first_year >= 6, "Secondary"),
        (first_year <= 1 and last_year >= 11, "All-through"),
    )
    return next((name for hit, name in rules if hit), str(phase))


def stages(schools_df: pd.DataFrame) -> pd.Series:
    """:func:`school_stage` for every row (``phase``, ``first_year``, ``last_year``)."""
    if "first_year" not in schools_df.columns:
        return schools_df["phase"].astype(str)
    first = pd.to_numeric(schools_df["first_year"], errors="coerce")
    last = pd.to_numeric(schools_df["last_year"], errors="coerce")
    return pd.Series(
        [
            school_stage(str(p), f, la)
            for p, f, la in zip(schools_df["phase"], first, last, strict=True)
        ],
        index=schools_df.index,
        dtype=object,
    )
