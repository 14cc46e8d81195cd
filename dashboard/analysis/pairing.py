"""A pairing plan for a whole authority: one distinct partner for each school that needs one.

A plan has one purpose (:mod:`dashboard.analysis.plan_purposes`: ethnic mix, faith
or social mix), whose rule every pair must meet, within the distance limit and
between schools whose pupils are of the same ages. Among the pairs that meet it,
the plan maximises the total score: the purpose's gain (0-1) minus a distance cost
(nearer is better: it grows from 0 to :data:`~dashboard.config.PLAN_DISTANCE_PENALTY`
at the limit) and a small cost per link the partner already has. A pair is proposed
only when its score is above 0, so the farther a partner, the more different it
must be to be worth the journey. The plan is solved for all schools at once,
optimally, as one assignment problem (scipy's ``linear_sum_assignment``), rather
than letting the first school take the best partner. Each partner school can be
chosen at most ``cap`` times, counting the links it already has. A school left
without a partner is listed with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.optimize import linear_sum_assignment

from dashboard import config
from dashboard.analysis.ages import stages
from dashboard.analysis.contrast import explain
from dashboard.analysis.partners import PartnerIndex, Scoring
from dashboard.analysis.plan_purposes import MISSING_FIGURES, PURPOSES, Purpose, gain_and_rule

# Cost of an impossible pair: far above any real cost, so never chosen over "no partner".
_IMPOSSIBLE = 1e12

PAIR_COLUMNS = (
    "priority",
    "urn",
    "school_name",
    "stage",
    "white_british_pct",
    "fsm_pct",
    "religious_character",
    "partner_urn",
    "partner_name",
    "partner_la",
    "partner_stage",
    "partner_white_british_pct",
    "partner_fsm_pct",
    "partner_religious_character",
    "partner_selective",
    "gain",
    "distance_km",
    "existing_links",
    "score",
    "explanation",
)


def plan_scoring(max_km: float = config.DEFAULT_MAX_KM) -> Scoring:
    """The scoring a plan uses: the plan's distance cost and the usual cost per link."""
    return Scoring(max_km=max_km, distance_penalty=config.PLAN_DISTANCE_PENALTY)


@dataclass
class PairingPlan:
    """Proposed pairs and the schools that could not be paired, with reasons."""

    purpose: str
    pairs: pd.DataFrame
    unpaired: pd.DataFrame
    total_score: float
    max_km: float = config.DEFAULT_MAX_KM

    @property
    def median_distance_km(self) -> float:
        """Median distance between the paired schools (NaN for an empty plan)."""
        return float(self.pairs["distance_km"].median()) if len(self.pairs) else np.nan

    def distances_by_stage(self) -> pd.DataFrame:
        """Pairs, median and longest distance by the stage of the school asking."""
        grouped = self.pairs.groupby("stage")["distance_km"]
        out = grouped.agg(pairs="size", median_km="median", longest_km="max").reset_index()
        return out.round({"median_km": 1, "longest_km": 1})


def neighbouring_las(las_gdf: gpd.GeoDataFrame, la_name: str) -> list[str]:
    """LAs that share a border with ``la_name`` (within 100 m, for generalised borders).

    Parameters
    ----------
    las_gdf : geopandas.GeoDataFrame
        LA boundaries with ``la_name``, EPSG:4326.
    la_name : str
        The LA.

    Returns
    -------
    list of str
        Neighbour names, sorted; empty for an unknown LA.
    """
    metric = las_gdf.to_crs(config.BNG_CRS)
    target = metric[metric["la_name"] == la_name]
    if target.empty:
        return []
    area = shapely.buffer(target.geometry.iloc[0], 100)
    touching = metric[metric.intersects(area) & (metric["la_name"] != la_name)]
    return sorted(touching["la_name"].astype(str))


def candidate_slots(
    index: PartnerIndex,
    school_urns: Sequence[int],
    candidate_urns: Sequence[int],
    cap: int,
    link_counts: Mapping[int, int],
) -> tuple[np.ndarray, np.ndarray]:
    """Candidates, each repeated once per partnership it has room for.

    Returns
    -------
    tuple of numpy.ndarray
        ``(rows, loads)``: the candidate's row position, and the links it would
        have before this partnership (existing links, plus earlier slots of the
        plan), so a second partner in one plan costs more than the first.
    """
    wanted = {int(u) for u in school_urns}
    rows: list[int] = []
    loads: list[int] = []
    for urn in dict.fromkeys(int(u) for u in candidate_urns):
        if urn in wanted:
            continue
        existing = int(link_counts.get(urn, 0))
        room = max(cap - existing, 0)
        rows += [index.row_of(urn)] * room
        loads += list(range(existing, existing + room))
    return np.array(rows, dtype=int), np.array(loads, dtype=float)


def pair_values(
    index: PartnerIndex,
    purpose: Purpose,
    i: np.ndarray,
    j: np.ndarray,
    scoring: Scoring,
    loads: np.ndarray,
    allow_selective: bool,
) -> dict[str, np.ndarray]:
    """Gain, distance, links, score and feasibility of pairs ``(i[k], j[k])``.

    A pair is feasible when it meets the purpose's rule, lies within the
    distance limit, the schools' pupils are of the same ages (if the scoring
    asks for it) and the partner is not selective unless allowed (a selective
    school asking may always have a selective partner). ``loads`` are the links
    each partner already has, which each cost a little.
    """
    gain, rule = gain_and_rule(purpose, index, i, j)
    distance_km = np.hypot(*(index.xy[j] - index.xy[i]).T) / 1000
    loads = np.asarray(loads, dtype=float)
    feasible = rule & (distance_km <= scoring.max_km)
    if scoring.same_phase:
        feasible &= index.compatible(i, j)
    if not allow_selective:
        feasible &= ~index.selective[j] | index.selective[i]
    score = scoring.score(gain, distance_km, loads)
    return {
        "gain": gain,
        "distance_km": distance_km,
        "loads": loads,
        "score": score,
        "feasible": feasible,
    }


def plan_pairings(
    index: PartnerIndex,
    school_urns: Sequence[int],
    candidate_urns: Sequence[int],
    *,
    purpose: str = "ethnicity",
    scoring: Scoring | None = None,
    cap: int = config.PLAN_PARTNER_CAP,
    link_counts: Mapping[int, int] | None = None,
    allow_selective: bool = False,
) -> PairingPlan:
    """Give each school at most one partner so that the plan's total score is highest.

    Parameters
    ----------
    index : PartnerIndex
        The schools and their spatial index.
    school_urns : sequence of int
        Schools that need a partner (from
        :func:`dashboard.analysis.plan_purposes.schools_needing`). Schools
        without the figures the purpose needs are listed as unpaired.
    candidate_urns : sequence of int
        Schools that may be chosen as partners.
    purpose : str
        A key of :data:`~dashboard.analysis.plan_purposes.PURPOSES`.
    scoring : Scoring or None
        Distance limit, distance and load costs, and the age rule
        (:func:`plan_scoring` if None).
    cap : int
        Most partnerships a candidate may have in total, counting its existing
        links (from ``link_counts``).
    link_counts : mapping or None
        URN -> links it already has (not ended).
    allow_selective : bool
        Whether selective (grammar) schools may partner non-selective ones.

    Returns
    -------
    PairingPlan
        ``pairs`` with :data:`PAIR_COLUMNS` in priority order; ``unpaired`` with
        ``urn``, ``school_name``, ``reason``.
    """
    chosen = PURPOSES[purpose]
    scoring = scoring or plan_scoring()
    link_counts = link_counts or {}
    rows_all = np.array([index.row_of(int(u)) for u in school_urns], dtype=int)
    has = _has_figures(index, chosen, rows_all)
    unpaired = [(int(index.arrays.urn[r]), MISSING_FIGURES[chosen.key]) for r in rows_all[~has]]
    rows = rows_all[has]
    slots, slot_loads = candidate_slots(index, school_urns, candidate_urns, cap, link_counts)
    if len(rows) == 0 or len(slots) == 0:
        unpaired += [(int(index.arrays.urn[r]), _no_partner_reason(chosen, scoring)) for r in rows]
        return _plan(index, chosen, scoring, [], unpaired, 0.0, link_counts)
    i = np.repeat(rows, len(slots))
    j = np.tile(slots, len(rows))
    loads = np.tile(slot_loads, len(rows))
    values = pair_values(index, chosen, i, j, scoring, loads, allow_selective)
    score, feasible = values["score"], values["feasible"]
    # A pair is worth its score; "no partner" (one column per school) is worth 0, so a
    # pair is proposed only when its difference outweighs its distance and load costs.
    cost = np.where(feasible, -score, _IMPOSSIBLE).reshape(len(rows), len(slots))
    cost = np.hstack([cost, np.zeros((len(rows), len(rows)))])
    assigned_rows, assigned_cols = linear_sum_assignment(cost)
    pairs, total = [], 0.0
    grid = {k: v.reshape(len(rows), len(slots)) for k, v in values.items()}
    for r, c in zip(assigned_rows, assigned_cols, strict=True):
        if c >= len(slots) or cost[r, c] >= 0:
            reason = _unpaired_reason(chosen, scoring, cap, {k: v[r] for k, v in grid.items()})
            unpaired.append((int(index.arrays.urn[rows[r]]), reason))
            continue
        total += float(score[r * len(slots) + c])
        pairs.append((rows[r], slots[c]))
    return _plan(index, chosen, scoring, pairs, unpaired, total, link_counts, allow_selective)


def _has_figures(index: PartnerIndex, purpose: Purpose, rows: np.ndarray) -> np.ndarray:
    if purpose.key == "ethnicity":
        return index.arrays.has_ethnicity[rows]
    if purpose.key == "social":
        return ~np.isnan(index.arrays.fsm[rows])
    religion = index.schools_df["religious_character"].astype(str).to_numpy()
    return religion[rows] != "Unknown"


def _no_partner_reason(purpose: Purpose, scoring: Scoring) -> str:
    return f"no school within {scoring.max_km:g} km for pupils of its ages where {purpose.rule}"


def _unpaired_reason(
    purpose: Purpose, scoring: Scoring, cap: int, values: Mapping[str, np.ndarray]
) -> str:
    """Why one school got no partner, from its row of pair values."""
    feasible = values["feasible"]
    if not feasible.any():
        return _no_partner_reason(purpose, scoring)
    if (values["score"][feasible] > 0).any():
        return (
            "the schools that would suit it are partnered with nearer or more different "
            f"schools in this plan (each may take {cap}; allow more links per partner school "
            "to pair it)"
        )
    nearest = float(values["distance_km"][feasible].min())
    return (
        f"the nearest school that would suit it is {nearest:.0f} km away, too far for how "
        "different it is (a virtual link needs no journey)"
    )


def pair_record(
    index: PartnerIndex,
    row: int,
    partner_row: int,
    values: Mapping[str, float],
) -> dict[str, object]:
    """One row of the plan for school ``row`` and partner ``partner_row``."""
    schools = index.schools_df
    school, partner = schools.iloc[row], schools.iloc[partner_row]
    stage, partner_stage = stages(schools.iloc[[row, partner_row]]).tolist()
    return {
        "priority": 0,
        "urn": int(school["urn"]),
        "school_name": school["school_name"],
        "stage": stage,
        "white_british_pct": round(float(school["white_british_pct"]), 1),
        "fsm_pct": round(float(school["fsm_pct"]), 1),
        "religious_character": str(school["religious_character"]),
        "partner_urn": int(partner["urn"]),
        "partner_name": partner["school_name"],
        "partner_la": str(partner["la_name"]),
        "partner_stage": partner_stage,
        "partner_white_british_pct": round(float(partner["white_british_pct"]), 1),
        "partner_fsm_pct": round(float(partner["fsm_pct"]), 1),
        "partner_religious_character": str(partner["religious_character"]),
        "partner_selective": bool(index.selective[partner_row]),
        "gain": round(float(values["gain"]), 3),
        "distance_km": round(float(values["distance_km"]), 1),
        "existing_links": int(values["loads"]),
        "score": round(float(values["score"]), 3),
        "explanation": explain(school, partner, float(values["distance_km"])),
    }


def prioritise(pairs_df: pd.DataFrame, purpose: str) -> pd.DataFrame:
    """Number the pairs in the order to act on them (1 = first).

    Schools whose partner has no links yet come first, then the schools with the
    most to gain — the most White British (ethnicity), the largest difference in
    religious character (faith) or the fewest pupils on free school meals (social)
    — and, among equals, the nearer partner.

    Parameters
    ----------
    pairs_df : pandas.DataFrame
        Plan rows (:data:`PAIR_COLUMNS`).
    purpose : str
        The plan's purpose key.

    Returns
    -------
    pandas.DataFrame
        Sorted, with ``priority`` renumbered 1, 2, …
    """
    need = {
        "ethnicity": -pairs_df["white_british_pct"],
        "faith": -pairs_df["gain"],
        "social": pairs_df["fsm_pct"],
    }[purpose]
    order = pairs_df.assign(
        _busy=pairs_df["existing_links"] > 0, _need=need, _name=pairs_df["school_name"]
    ).sort_values(["_busy", "_need", "distance_km", "_name"], kind="stable")
    order = order.drop(columns=["_busy", "_need", "_name"]).reset_index(drop=True)
    order["priority"] = np.arange(1, len(order) + 1)
    return order


def _plan(
    index: PartnerIndex,
    purpose: Purpose,
    scoring: Scoring,
    pairs: list[tuple[int, int]],
    unpaired: list[tuple[int, str]],
    total: float,
    link_counts: Mapping[int, int],
    allow_selective: bool = False,
) -> PairingPlan:
    records = []
    for row, partner_row in pairs:
        i, j = np.array([row]), np.array([partner_row])
        # Shown with the links the partner has now (the plan's own pairs are visible).
        existing = np.array([link_counts.get(int(index.arrays.urn[partner_row]), 0)])
        values = pair_values(index, purpose, i, j, scoring, existing, allow_selective)
        records.append(pair_record(index, row, partner_row, {k: v[0] for k, v in values.items()}))
    pairs_df = prioritise(pd.DataFrame(records, columns=list(PAIR_COLUMNS)), purpose.key)
    names = index.schools_df.set_index("urn")["school_name"]
    unpaired_df = pd.DataFrame(
        [{"urn": u, "school_name": names.get(u, ""), "reason": why} for u, why in unpaired],
        columns=["urn", "school_name", "reason"],
    )
    return PairingPlan(purpose.key, pairs_df, unpaired_df, round(total, 4), scoring.max_km)
