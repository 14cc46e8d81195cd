"""How different two schools' intakes are: ethnic make-up, religious character, social mix.

Each part is a number from 0 (alike) to 1 (as different as they come):

* **ethnic difference** — the total variation distance between the two schools'
  shares of DfE's 18 ethnic groups: the share of pupils who would have to be in
  a different group for the two intakes to match (0.5 × Σ |pᵢ − qᵢ|). It is a
  true distance (symmetric, obeys the triangle inequality) and uses every group,
  not only White British;
* **faith difference** — 1 for two schools of different religions (e.g. a Church
  of England school and a Muslim school); 0.5 for a faith school and a school
  with no religious character, or two denominations of one religion (Church of
  England and Roman Catholic); 0 when the same; unknown counts as 0;
* **social difference** — the gap in free-school-meals eligibility, in points,
  divided by 40 and capped at 1 (a 40-point gap is as different as it gets).

The combined contrast is their weighted mean with weights the user chooses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.config import ETHNIC_COUNT_COLUMNS

FSM_GAP_FOR_FULL_CONTRAST = 40.0


@dataclass(frozen=True)
class ContrastWeights:
    """How much each kind of difference counts; they need not add up to 1."""

    ethnicity: float = 0.6
    faith: float = 0.2
    social: float = 0.2

    def __post_init__(self) -> None:
        values = (self.ethnicity, self.faith, self.social)
        if min(values) < 0 or sum(values) <= 0:
            raise ValueError("weights must be zero or more, and at least one above zero")

    def normalised(self) -> np.ndarray:
        """The three weights scaled to add up to 1."""
        values = np.array([self.ethnicity, self.faith, self.social], dtype=float)
        return values / values.sum()


def share_matrix(schools_df: pd.DataFrame) -> np.ndarray:
    """Ethnic-group shares per school (rows sum to 1; NaN rows where unknown).

    Parameters
    ----------
    schools_df : pandas.DataFrame
        With the ``n_<group>`` count columns.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_schools, 18)``, float32.
    """
    counts = schools_df[list(ETHNIC_COUNT_COLUMNS)].to_numpy(float)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, counts / totals, np.nan)
    return shares.astype(np.float32)


def ethnic_difference(shares_a: np.ndarray, shares_b: np.ndarray) -> np.ndarray:
    """Total variation distance between rows of two share matrices.

    Parameters
    ----------
    shares_a, shares_b : numpy.ndarray
        Shape ``(n, groups)`` (or broadcastable), rows summing to 1.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, 0 to 1.

    Examples
    --------
    >>> ethnic_difference(np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([[0.0, 1.0], [0.5, 0.5]]))
    array([1., 0.])
    """
    return 0.5 * np.abs(np.asarray(shares_a) - np.asarray(shares_b)).sum(axis=-1)


def faith_difference(
    religion_a: np.ndarray, group_a: np.ndarray, religion_b: np.ndarray, group_b: np.ndarray
) -> np.ndarray:
    """Difference in religious character, element by element.

    Works on labels or on integer codes of them, as long as both sides use the
    same coding and :data:`NONE` / :data:`UNKNOWN` are the group values for "no
    religious character" and "unknown".

    Parameters
    ----------
    religion_a, religion_b : numpy.ndarray
        Religious character ("None", "Church of England", …).
    group_a, group_b : numpy.ndarray
        Faith group ("None", "Christian", "Muslim", … or "Unknown").

    Returns
    -------
    numpy.ndarray
        1.0, 0.5 or 0.0.

    Examples
    --------
    >>> faith_difference(np.array(["Church of England", "None", "Roman Catholic", "None"]),
    ...                  np.array(["Christian", "None", "Christian", "None"]),
    ...                  np.array(["Roman Catholic", "Muslim", "Roman Catholic", "Jewish"]),
    ...                  np.array(["Christian", "Muslim", "Christian", "Jewish"])).tolist()
    [0.5, 0.5, 0.0, 0.5]
    """
    religion_a, religion_b = np.asarray(religion_a), np.asarray(religion_b)
    group_a, group_b = np.asarray(group_a), np.asarray(group_b)
    none_a, none_b = _is(group_a, NONE), _is(group_b, NONE)
    unknown = _is(group_a, UNKNOWN) | _is(group_b, UNKNOWN)
    both_faith = ~none_a & ~none_b
    out = np.where(religion_a == religion_b, 0.0, 0.5)
    out = np.where(both_faith & (group_a != group_b), 1.0, out)
    return np.where(unknown, 0.0, out)


NONE = "None"
UNKNOWN = "Unknown"


def _is(values: np.ndarray, label: str) -> np.ndarray:
    """Compare an array of labels, or of codes made by :func:`_codes`, with a label."""
    if values.dtype.kind in "iu":
        return values == _LABEL_CODES[label]
    return values == label


# Integer codes for the two special faith-group labels (see SchoolArrays).
_LABEL_CODES = {NONE: 0, UNKNOWN: 1}


def _codes(values: np.ndarray) -> np.ndarray:
    """Integer codes of labels, with "None" = 0 and "Unknown" = 1."""
    labels = sorted(set(values.tolist()) - set(_LABEL_CODES))
    lookup = {**_LABEL_CODES, **{label: i + 2 for i, label in enumerate(labels)}}
    return np.array([lookup[v] for v in values.tolist()], dtype=np.int16)


def social_difference(fsm_a: np.ndarray, fsm_b: np.ndarray) -> np.ndarray:
    """FSM gap in points / 40, capped at 1; unknown counts as 0.

    Examples
    --------
    >>> social_difference(np.array([15.0, 10.0, np.nan]), np.array([35.0, 90.0, 5.0])).tolist()
    [0.5, 1.0, 0.0]
    """
    gap = np.abs(np.asarray(fsm_a, float) - np.asarray(fsm_b, float))
    return np.nan_to_num(np.minimum(gap / FSM_GAP_FOR_FULL_CONTRAST, 1.0), nan=0.0)


@dataclass(frozen=True)
class SchoolArrays:
    """Column arrays of the schools table that contrast calculations need, in row order."""

    urn: np.ndarray
    shares: np.ndarray
    religion: np.ndarray
    faith_group: np.ndarray
    fsm: np.ndarray
    has_ethnicity: np.ndarray

    @classmethod
    def from_frame(cls, schools_df: pd.DataFrame) -> SchoolArrays:
        """Take the arrays from a schools table."""
        # Integer codes: comparing millions of pairs of strings would be slow.
        religion = schools_df["religious_character"].astype(str).to_numpy()
        religion = np.where(religion == "Unknown", UNKNOWN, religion)
        return cls(
            urn=schools_df["urn"].to_numpy(np.int64),
            shares=share_matrix(schools_df),
            religion=_codes(religion),
            faith_group=_codes(schools_df["faith_group"].astype(str).to_numpy()),
            fsm=schools_df["fsm_pct"].to_numpy(float),
            has_ethnicity=schools_df["has_ethnicity"].to_numpy(bool),
        )


def contrast_parts(arrays: SchoolArrays, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The three differences for pairs of rows ``(i[k], j[k])``.

    Parameters
    ----------
    arrays : SchoolArrays
        From :meth:`SchoolArrays.from_frame`.
    i, j : numpy.ndarray of int
        Row positions of the pairs; any shapes that broadcast together (e.g.
        ``(n, 1)`` schools against ``(n, k)`` candidates).

    Returns
    -------
    numpy.ndarray
        Shape ``(*pairs, 3)``: ethnic, faith, social difference.
    """
    ethnic = ethnic_difference(arrays.shares[i], arrays.shares[j])
    faith = faith_difference(
        arrays.religion[i], arrays.faith_group[i], arrays.religion[j], arrays.faith_group[j]
    )
    social = social_difference(arrays.fsm[i], arrays.fsm[j])
    return np.stack(np.broadcast_arrays(ethnic, faith, social), axis=-1)


def combine(parts: np.ndarray, weights: ContrastWeights) -> np.ndarray:
    """Weighted contrast (0-1) from :func:`contrast_parts`."""
    return np.nan_to_num(parts, nan=0.0) @ weights.normalised()


def explain(school: pd.Series, partner: pd.Series, distance_km: float | None = None) -> str:
    r"""One plain sentence on how two schools differ, as in the issue's example.

    Parameters
    ----------
    school, partner : pandas.Series
        Rows of the schools table.
    distance_km : float or None
        Distance between them, if known.

    Returns
    -------
    str
        Plain text (not HTML); escape it before putting it in HTML.

    Examples
    --------
    >>> a = pd.Series({"school_name": "Pershore High School", "white_british_pct": 91.2,
    ...                "religious_character": "None", "fsm_pct": 15.0})
    >>> b = pd.Series({"school_name": "St X", "white_british_pct": 38.0,
    ...                "religious_character": "Roman Catholic", "fsm_pct": 31.0})
    >>> print(explain(a, b, 23.4).replace("; ", ";\n"))
    Pershore High School is 91 % White British, St X is 38 %;
    St X is a Roman Catholic school;
    FSM 15 % vs 31 %;
    23 km apart.
    """
    parts = []
    name_a, name_b = str(school["school_name"]), str(partner["school_name"])
    wb_a, wb_b = school.get("white_british_pct"), partner.get("white_british_pct")
    if pd.notna(wb_a) and pd.notna(wb_b):
        parts.append(f"{name_a} is {wb_a:.0f} % White British, {name_b} is {wb_b:.0f} %")
    else:
        parts.append(f"{name_b} has no ethnicity figures")
    rel_a, rel_b = school.get("religious_character"), partner.get("religious_character")
    if rel_a != rel_b and rel_b not in (None, "Unknown"):
        if rel_b == "None":
            parts.append(f"{name_b} has no religious character, {name_a} is {rel_a}")
        else:
            parts.append(f"{name_b} is a {rel_b} school")
    if partner.get("selective") is True or partner.get("selective") is np.True_:
        parts.append(f"{name_b} is a selective (grammar) school")
    fsm_a, fsm_b = school.get("fsm_pct"), partner.get("fsm_pct")
    if pd.notna(fsm_a) and pd.notna(fsm_b):
        parts.append(f"FSM {fsm_a:.0f} % vs {fsm_b:.0f} %")
    if distance_km is not None and not np.isnan(distance_km):
        parts.append(f"{distance_km:.0f} km apart")
    return "; ".join(parts) + "."
