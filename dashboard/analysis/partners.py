"""Suggest partner schools: nearby schools whose intakes differ most.

A spatial index (scipy's cKDTree on British National Grid metres, EPSG:27700)
finds the schools within the distance limit; only those are scored. The score
is the contrast (see :mod:`dashboard.analysis.contrast`) minus a penalty for distance and
a penalty for links a candidate already has, so that no school is asked to twin
with everyone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from dashboard.analysis.ages import MAINSTREAM_PHASES, AgeRule
from dashboard.analysis.contrast import (
    ContrastWeights,
    SchoolArrays,
    combine,
    contrast_parts,
    explain,
)
from dashboard.analysis.profiles import SCHOOL_FACTS
from dashboard.config import DEFAULT_MAX_KM

# What a ranked candidate carries from the schools table.
CANDIDATE_FACTS = (*SCHOOL_FACTS, "fsm_pct")
NO_ETHNICITY_REASON = "no ethnicity figures, so how different it is cannot be judged"


@dataclass(frozen=True)
class Scoring:
    """How candidates are ranked."""

    weights: ContrastWeights = field(default_factory=ContrastWeights)
    max_km: float = DEFAULT_MAX_KM
    # Score lost at the distance limit (linearly from 0 km).
    distance_penalty: float = 0.15
    # Score lost per link a candidate already has (not ended).
    load_penalty: float = 0.05
    same_phase: bool = True

    def score(
        self, contrast: np.ndarray, distance_km: np.ndarray, existing_links: np.ndarray | int
    ) -> np.ndarray:
        """The ranking score: contrast minus the distance and load penalties.

        The one formula used by the partner finder, the all-schools ranking and
        the pairing plan.

        Parameters
        ----------
        contrast : numpy.ndarray
            Combined contrast (0-1) of each pair.
        distance_km : numpy.ndarray
            Distance of each pair.
        existing_links : numpy.ndarray or int
            Links the candidate already has (not ended).

        Returns
        -------
        numpy.ndarray

        Examples
        --------
        >>> round(float(Scoring(max_km=20).score(np.array(0.5), np.array(10.0), 2)), 3)
        0.325
        """
        return (
            contrast
            - self.distance_penalty * distance_km / self.max_km
            - self.load_penalty * np.asarray(existing_links)
        )


class PartnerIndex:
    """The schools table, its arrays and a spatial index, built once and reused.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The schools table (``urn``, ``easting``, ``northing``, ``phase``,
        ``first_year``, ``last_year``, ``selective``, ``white_british_pct``,
        ``has_ethnicity`` and the columns :class:`SchoolArrays` needs).
    """

    def __init__(self, schools_df: pd.DataFrame) -> None:
        self.schools_df = schools_df.reset_index(drop=True)
        self.arrays = SchoolArrays.from_frame(self.schools_df)
        self.xy = self.schools_df[["easting", "northing"]].to_numpy(float)
        self.tree = cKDTree(self.xy)
        self.phase = self.schools_df["phase"].astype(str).to_numpy()
        self.first_year = self._column("first_year")
        self.last_year = self._column("last_year")
        self.white_british = self.schools_df["white_british_pct"].to_numpy(float)
        selective = self.schools_df.get("selective", pd.Series(False, index=self.schools_df.index))
        self.selective = selective.fillna(False).to_numpy(bool)
        self.position = pd.Series(np.arange(len(self.schools_df)), index=self.schools_df["urn"])
        self._ages = AgeRule(self.phase, self.first_year, self.last_year)

    def _column(self, name: str) -> np.ndarray:
        """A numeric column as floats (NaN where missing or absent)."""
        if name not in self.schools_df.columns:
            return np.full(len(self.schools_df), np.nan)
        return pd.to_numeric(self.schools_df[name], errors="coerce").to_numpy(float)

    def row_of(self, urn: int) -> int:
        """Row position of a URN.

        Raises
        ------
        KeyError
            If the URN is not a school in the table.
        """
        if urn not in self.position.index:
            raise KeyError(f"There is no school with URN {urn}.")
        return int(self.position[urn])

    def compatible(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Whether rows ``i`` and ``j`` (broadcast) teach pupils of ages that can meet."""
        return self._ages(i, j)

    def phase_ok(self, row: int, candidates: np.ndarray, same_phase: bool) -> np.ndarray:
        """Which candidate rows may partner ``row`` by age (all of them if not asked)."""
        if not same_phase:
            return np.ones(len(candidates), dtype=bool)
        return self.compatible(np.full(len(candidates), row), candidates)


@dataclass
class Suggestions:
    """The ranked candidates for one school, and the schools set aside with a reason."""

    school: pd.Series
    ranked: pd.DataFrame
    set_aside: pd.DataFrame
    message: str = ""


def suggest_partners(
    index: PartnerIndex,
    urn: int,
    *,
    scoring: Scoring | None = None,
    link_counts: Mapping[int, int] | None = None,
    top: int = 10,
) -> Suggestions:
    """The best ``top`` partners for one school within the distance limit.

    Parameters
    ----------
    index : PartnerIndex
        Built once from the schools table.
    urn : int
        The school looking for a partner.
    scoring : Scoring or None
        Weights, distance limit and penalties (defaults if None).
    link_counts : mapping of int to int or None
        URN -> links it already has (not ended).
    top : int
        How many to return.

    Returns
    -------
    Suggestions
        ``ranked`` has ``urn``, ``school_name``, ``la_name``, ``phase``,
        ``religious_character``, ``white_british_pct``, ``fsm_pct``,
        ``distance_km``, ``ethnic_difference``, ``faith_difference``,
        ``social_difference``, ``contrast``, ``existing_links``, ``score`` and
        ``explanation``; ``set_aside`` lists nearby schools without ethnicity
        figures with the reason. ``message`` explains an empty result.

    Raises
    ------
    KeyError
        If the URN is unknown.
    """
    scoring = scoring or Scoring()
    row = index.row_of(urn)
    school = index.schools_df.iloc[row]
    if scoring.max_km <= 0:
        return Suggestions(
            school,
            _empty(index),
            _empty(index),
            f"Choose a distance above 0 km: try {Scoring().max_km:g} km.",
        )
    nearby = np.asarray(index.tree.query_ball_point(index.xy[row], scoring.max_km * 1000), int)
    nearby = nearby[nearby != row]
    nearby = nearby[index.phase_ok(row, nearby, scoring.same_phase)]
    known = index.arrays.has_ethnicity[nearby]
    set_aside = index.schools_df.iloc[nearby[~known]][["urn", "school_name", "la_name", "phase"]]
    set_aside = set_aside.assign(reason=NO_ETHNICITY_REASON)
    candidates = nearby[known]
    if not index.arrays.has_ethnicity[row]:
        return Suggestions(
            school, _empty(index), set_aside, f"{school['school_name']} has {NO_ETHNICITY_REASON}."
        )
    if len(candidates) == 0:
        phase = school["phase"].lower() if scoring.same_phase else ""
        wider = min(max(scoring.max_km * 2, 10), 100)
        return Suggestions(
            school,
            _empty(index),
            set_aside,
            f"No {phase + ' ' if phase else ''}schools with ethnicity figures within "
            f"{scoring.max_km:g} km — try {wider:g} km.",
        )
    ranked = _score(index, row, candidates, scoring, link_counts or {})
    ranked = ranked.nlargest(top, "score", keep="first")
    ranked["explanation"] = [
        explain(school, index.schools_df.iloc[int(c)], d)
        for c, d in zip(ranked.index, ranked["distance_km"], strict=True)
    ]
    return Suggestions(school, ranked.reset_index(drop=True), set_aside.reset_index(drop=True))


def _empty(index: PartnerIndex) -> pd.DataFrame:
    return index.schools_df.iloc[0:0][["urn", "school_name", "la_name", "phase"]]


def _score(
    index: PartnerIndex,
    row: int,
    candidates: np.ndarray,
    scoring: Scoring,
    link_counts: Mapping[int, int],
) -> pd.DataFrame:
    """Score candidate rows for one school; returns a frame indexed by row position."""
    parts = contrast_parts(index.arrays, np.full(len(candidates), row), candidates)
    contrast = combine(parts, scoring.weights)
    distance_km = np.hypot(*(index.xy[candidates] - index.xy[row]).T) / 1000
    links = np.array([link_counts.get(int(u), 0) for u in index.arrays.urn[candidates]])
    score = scoring.score(contrast, distance_km, links)
    out = index.schools_df.iloc[candidates][list(CANDIDATE_FACTS)].copy()
    out["distance_km"] = distance_km.round(1)
    out["ethnic_difference"] = parts[:, 0].round(3)
    out["faith_difference"] = parts[:, 1]
    out["social_difference"] = parts[:, 2].round(3)
    out["contrast"] = contrast.round(3)
    out["existing_links"] = links
    out["score"] = score.round(4)
    out.index = candidates
    return out


def best_partners_for_all(
    index: PartnerIndex,
    *,
    scoring: Scoring | None = None,
    top: int = 10,
    chunk: int = 256,
    only_urns: Collection[int] | None = None,
) -> pd.DataFrame:
    """The best ``top`` partners of every school with ethnicity figures (no explanations).

    Same ranking as :func:`suggest_partners` without link counts. Schools are
    handled in chunks of similar neighbourhood size; each chunk's candidates
    form one padded matrix, so every step is a whole-array numpy operation and
    only the top ``top`` per school are ever sorted.

    Parameters
    ----------
    index : PartnerIndex
        Built once from the schools table.
    scoring : Scoring or None
        Weights, distance limit and penalties.
    top : int
        Partners per school.
    chunk : int
        Schools per batch (bounds memory).
    only_urns : collection of int or None
        Rank partners for these schools only (all candidates still count).

    Returns
    -------
    pandas.DataFrame
        ``urn``, ``partner_urn``, ``rank`` (1 = best), ``contrast``,
        ``distance_km`` and ``score``.
    """
    scoring = scoring or Scoring()
    arrays = index.arrays
    known = np.flatnonzero(arrays.has_ethnicity)
    asking = known if only_urns is None else known[np.isin(arrays.urn[known], list(only_urns))]
    out = []
    for rows, pool in _age_groups(index, asking, known, scoring.same_phase):
        if len(rows) == 0 or len(pool) == 0:
            continue
        tree = cKDTree(index.xy[pool])
        neighbours = tree.query_ball_point(index.xy[rows], scoring.max_km * 1000)
        sizes = np.fromiter((len(n) for n in neighbours), int, len(rows))
        order = np.argsort(sizes, kind="stable")  # similar sizes together: little padding
        for start in range(0, len(order), chunk):
            picked = order[start : start + chunk]
            width = int(sizes[picked].max())
            if width == 0:
                continue
            j = np.full((len(picked), width), -1, dtype=np.int64)
            for r, p in enumerate(picked):
                j[r, : sizes[p]] = pool[neighbours[p]]
            i = rows[picked]
            out.append(_top_of_matrix(index, i, j, scoring, top, scoring.same_phase))
    if not out:
        return pd.DataFrame(
            columns=["urn", "partner_urn", "rank", "contrast", "distance_km", "score"]
        )
    return pd.concat(out, ignore_index=True)


def _age_groups(
    index: PartnerIndex, asking: np.ndarray, known: np.ndarray, same_phase: bool
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(rows asking, rows they may partner) covering every asking row once.

    Pools are kept close to the compatible schools, so the padded matrices stay
    narrow; the exact age rule is applied per pair afterwards. A primary can
    share year groups with a secondary-phase school only if that school starts
    by Year 5 (a middle school), and a secondary starting at Year 6 or later
    only with a primary-phase school that goes on to Year 7 or beyond.
    """
    if not same_phase:
        return [(asking, known)]
    phase, first, last = index.phase, index.first_year, index.last_year
    with np.errstate(invalid="ignore"):
        early_secondary = (phase == "Secondary") & (first <= 5)
        late_primary = (phase == "Primary") & (last >= 7)
    in_pool = {
        "Primary": np.isin(phase, ("Primary", "All-through")) | early_secondary,
        "Secondary": np.isin(phase, ("Secondary", "All-through")) | late_primary,
        "Mainstream": np.isin(phase, MAINSTREAM_PHASES),
    }
    groups = [
        (asking[(phase[asking] == "Primary")], known[in_pool["Primary"][known]]),
        (
            asking[(phase[asking] == "Secondary") & ~early_secondary[asking]],
            known[in_pool["Secondary"][known]],
        ),
        (
            asking[(phase[asking] == "All-through") | early_secondary[asking]],
            known[in_pool["Mainstream"][known]],
        ),
    ]
    for other in sorted(set(phase[asking].tolist()) - set(MAINSTREAM_PHASES)):
        groups.append((asking[phase[asking] == other], known[phase[known] == other]))
    return groups


def _top_of_matrix(
    index: PartnerIndex,
    i: np.ndarray,
    j: np.ndarray,
    scoring: Scoring,
    top: int,
    by_age: bool,
) -> pd.DataFrame:
    """Score a padded candidate matrix ``j`` (−1 = none) for rows ``i``; keep each row's best."""
    a = index.arrays
    valid = (j >= 0) & (j != i[:, None])
    jj = np.where(valid, j, i[:, None])  # padding points at itself, masked out below
    if by_age:
        valid &= index.compatible(np.broadcast_to(i[:, None], jj.shape), jj)
    contrast = combine(contrast_parts(a, i[:, None], jj), scoring.weights)
    distance_km = (
        np.hypot(
            index.xy[jj, 0] - index.xy[i, 0][:, None], index.xy[jj, 1] - index.xy[i, 1][:, None]
        )
        / 1000
    )
    score = np.where(valid, scoring.score(contrast, distance_km, 0), -np.inf)
    k = min(top, score.shape[1])
    best = np.argpartition(-score, k - 1, axis=1)[:, :k]
    best_score = np.take_along_axis(score, best, axis=1)
    order = np.argsort(-best_score, axis=1, kind="stable")
    best = np.take_along_axis(best, order, axis=1)
    rows = np.repeat(np.arange(len(i)), k)
    cols = best.ravel()
    frame = pd.DataFrame(
        {
            "urn": a.urn[i][rows],
            "partner_urn": a.urn[jj[rows, cols]],
            "rank": np.tile(np.arange(1, k + 1), len(i)),
            "contrast": contrast[rows, cols].astype(float).round(3),
            "distance_km": distance_km[rows, cols].round(1),
            "score": score[rows, cols],
        }
    )
    return frame[np.isfinite(frame["score"])].reset_index(drop=True)
