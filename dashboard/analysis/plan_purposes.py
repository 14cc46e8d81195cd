"""What a pairing plan is for: ethnic mix, faith or social mix, each with its own rule.

A plan optimises one purpose, chosen by name, never a blend:

* **ethnicity** — for predominantly white schools without an active link to a
  contrasting school (the gap list). The partner must be substantially more
  diverse: at least :data:`~dashboard.config.MORE_DIVERSE_POINTS` points fewer
  White British pupils, and never predominantly white itself. The gain is the
  ethnic difference (the share of pupils who would have to be in another group for
  the two intakes to match).
* **faith** — for schools with a religious character and no active faith link.
  The partner has a different religious character; another religion (e.g. a
  Church of England school and a Muslim school) counts more than no religious
  character or another denomination of the same religion.
* **social** — for schools with fewer pupils on free school meals than their LA
  and no active social-mix link. The partner has at least
  :data:`~dashboard.config.SOCIAL_MIX_POINTS` points more pupils on free school
  meals; the gain is the gap (a 40-point gap counts fully).

In every plan the two schools teach pupils of the same ages, nearer partners are
better, and a selective (grammar) school is proposed to a non-selective one only
when the officer allows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.analysis import metrics
from dashboard.analysis.contrast import ethnic_difference, faith_difference, social_difference
from dashboard.analysis.partners import PartnerIndex
from dashboard.config import (
    MORE_DIVERSE_POINTS,
    PREDOMINANTLY_WHITE_PCT,
    SOCIAL_MIX_POINTS,
)


@dataclass(frozen=True)
class Purpose:
    """One kind of plan: who needs a partner, what a partner must be, and the link type."""

    key: str
    label: str
    link_type: str
    asks: str
    rule: str
    gain_label: str


PURPOSES: dict[str, Purpose] = {
    "ethnicity": Purpose(
        key="ethnicity",
        label="Ethnic mix",
        link_type="ethnicity",
        asks="predominantly white schools without an active link to a contrasting school",
        rule=(
            f"the partner has at least {MORE_DIVERSE_POINTS:g} points fewer White British "
            f"pupils and is not predominantly white itself (under {PREDOMINANTLY_WHITE_PCT:g} "
            "% White British)"
        ),
        gain_label="Ethnic difference (0-1)",
    ),
    "faith": Purpose(
        key="faith",
        label="Faith",
        link_type="faith",
        asks="schools with a religious character and no active faith link",
        rule=(
            "the partner has a different religious character; another religion counts "
            "twice as much as no religious character or another denomination"
        ),
        gain_label="Faith difference (0-1)",
    ),
    "social": Purpose(
        key="social",
        label="Social mix",
        link_type="socio-economic",
        asks=(
            "schools with fewer pupils on free school meals than their local authority "
            "and no active social-mix link"
        ),
        rule=(
            f"the partner has at least {SOCIAL_MIX_POINTS:g} points more pupils on free "
            "school meals"
        ),
        gain_label="Free school meals gap (0-1)",
    ),
}


def gain_and_rule(
    purpose: Purpose, index: PartnerIndex, i: np.ndarray, j: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The gain (0-1) of each pair ``(i[k], j[k])`` and whether it meets the purpose's rule.

    Parameters
    ----------
    purpose : Purpose
        One of :data:`PURPOSES`.
    index : PartnerIndex
        The schools.
    i, j : numpy.ndarray of int
        Row positions of the schools asking and of their candidates.

    Returns
    -------
    tuple of numpy.ndarray
        ``(gain, meets_rule)``; pairs where either school lacks the figures the
        rule needs never meet it.
    """
    a = index.arrays
    if purpose.key == "ethnicity":
        gain = ethnic_difference(a.shares[i], a.shares[j])
        wb_i, wb_j = index.white_british[i], index.white_british[j]
        with np.errstate(invalid="ignore"):
            ok = (wb_j <= wb_i - MORE_DIVERSE_POINTS) & (wb_j < PREDOMINANTLY_WHITE_PCT)
        return np.nan_to_num(gain, nan=0.0), ok & a.has_ethnicity[i] & a.has_ethnicity[j]
    if purpose.key == "faith":
        gain = faith_difference(a.religion[i], a.faith_group[i], a.religion[j], a.faith_group[j])
        return gain, gain >= 0.5
    if purpose.key == "social":
        with np.errstate(invalid="ignore"):
            ok = a.fsm[j] >= a.fsm[i] + SOCIAL_MIX_POINTS
        return social_difference(a.fsm[i], a.fsm[j]), ok
    raise ValueError(f"Unknown plan purpose {purpose.key!r}; choose one of {list(PURPOSES)}.")


def has_figures(purpose: Purpose, schools_df: pd.DataFrame) -> pd.Series:
    """Whether each school has the figures the purpose's rule needs."""
    if purpose.key == "ethnicity":
        return schools_df["has_ethnicity"].astype(bool)
    if purpose.key == "faith":
        return schools_df["religious_character"].astype(str).ne("Unknown")
    return schools_df["fsm_pct"].notna()


MISSING_FIGURES = {
    "ethnicity": "no ethnicity figures, so how diverse a partner must be cannot be judged",
    "faith": "its religious character is not known",
    "social": "no free school meals figures",
}


def schools_with(purpose: Purpose, links_df: pd.DataFrame, status: str) -> set[int]:
    """URNs of the schools (either end) with a link of the purpose's type and this status.

    Examples
    --------
    >>> links = pd.DataFrame({"school_urn": [1, 2], "partner_urn": [3, None],
    ...     "status": ["proposed", "active"], "link_types": [("ethnicity",), ("faith",)]})
    >>> sorted(schools_with(PURPOSES["ethnicity"], links, "proposed"))
    [1, 3]
    """
    rows = links_df[links_df["status"] == status]
    typed = rows.loc[
        rows["link_types"].map(lambda types: purpose.link_type in list(types)).astype(bool)
    ]
    return set(pd.concat([typed["school_urn"], typed["partner_urn"]]).dropna().astype(int))


def schools_needing(
    purpose: Purpose,
    schools_df: pd.DataFrame,
    status_df: pd.DataFrame,
    links_df: pd.DataFrame,
    *,
    threshold_pct: float = PREDOMINANTLY_WHITE_PCT,
) -> pd.DataFrame:
    """The schools of one area that a plan for ``purpose`` looks for partners for.

    Parameters
    ----------
    purpose : Purpose
        One of :data:`PURPOSES`.
    schools_df : pandas.DataFrame
        The area's schools.
    status_df : pandas.DataFrame
        :func:`dashboard.analysis.gaps.link_status_by_school` for the same rows.
    links_df : pandas.DataFrame
        The register (to find active links of the purpose's type).
    threshold_pct : float
        The "predominantly white" threshold (ethnicity plans).

    Returns
    -------
    pandas.DataFrame
        Those rows of ``schools_df``, without the schools already proposed a partner
        of this purpose.
    """
    # A school already proposed a partner for this purpose waits for that link to start,
    # so a new plan does not give it a second one.
    free = ~schools_df["urn"].isin(schools_with(purpose, links_df, "proposed"))
    if purpose.key == "ethnicity":
        white = metrics.flag_predominantly_white(schools_df["white_british_pct"], threshold_pct)
        return schools_df[white & ~status_df.loc[schools_df.index, "has_contrasting_link"] & free]
    free &= ~schools_df["urn"].isin(schools_with(purpose, links_df, "active"))
    if purpose.key == "faith":
        faith = ~schools_df["religious_character"].astype(str).isin(["None", "Unknown"])
        return schools_df[faith & free]
    known = schools_df[schools_df["has_ethnicity"]]
    area_fsm = 100 * known["n_fsm"].sum() / known["headcount"].sum() if len(known) else np.nan
    return schools_df[(schools_df["fsm_pct"] < area_fsm) & free]
