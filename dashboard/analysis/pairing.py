"""A pairing plan for a whole authority: one distinct partner for each unlinked school.

The plan maximises the total score (contrast minus distance and load penalties)
over all schools at once with an optimal assignment (scipy's
``linear_sum_assignment``), rather than letting the first school take the best
partner. Each partner school can be chosen at most ``cap`` times, counting the
links it already has. A school is left unpaired when no partner within the
distance limit contrasts enough; the plan says so.
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
from dashboard.analysis.contrast import combine, contrast_parts, explain
from dashboard.analysis.partners import PartnerIndex, Scoring, phases_compatible
from dashboard.config import MIN_CONTRAST

# Cost of an impossible pair: far above any real cost, so never chosen over "no partner".
_IMPOSSIBLE = 1e9


@dataclass
class PairingPlan:
    """Proposed pairs and the schools that could not be paired, with reasons."""

    pairs: pd.DataFrame
    unpaired: pd.DataFrame
    total_score: float


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


def plan_pairings(
    index: PartnerIndex,
    school_urns: Sequence[int],
    candidate_urns: Sequence[int],
    *,
    scoring: Scoring | None = None,
    cap: int = 1,
    min_contrast: float = MIN_CONTRAST,
    link_counts: Mapping[int, int] | None = None,
) -> PairingPlan:
    """Give each school at most one partner, maximising the plan's total score.

    Parameters
    ----------
    index : PartnerIndex
        The schools and their spatial index.
    school_urns : sequence of int
        Schools that need a partner (e.g. an LA's unlinked predominantly white
        schools). Schools without ethnicity figures are listed as unpaired.
    candidate_urns : sequence of int
        Schools that may be chosen as partners.
    scoring : Scoring or None
        Weights, distance limit, penalties and the phase rule.
    cap : int
        Most partnerships a candidate may have in total, counting its existing
        links (from ``link_counts``).
    min_contrast : float
        Contrast (0-1) a pair needs to be proposed.
    link_counts : mapping or None
        URN -> links it already has (not ended).

    Returns
    -------
    PairingPlan
        ``pairs``: ``urn``, ``school_name``, ``partner_urn``, ``partner_name``,
        ``partner_la``, ``contrast``, ``distance_km``, ``score``,
        ``explanation``. ``unpaired``: ``urn``, ``school_name``, ``reason``.
    """
    scoring = scoring or Scoring()
    link_counts = link_counts or {}
    rows_all = np.array([index.row_of(int(u)) for u in school_urns], dtype=int)
    has = index.arrays.has_ethnicity[rows_all]
    unpaired = [(int(index.arrays.urn[r]), "no ethnicity figures") for r in rows_all[~has]]
    rows = rows_all[has]
    wanted = {int(u) for u in school_urns}
    slots = []
    for urn in dict.fromkeys(int(u) for u in candidate_urns):
        if urn in wanted:
            continue
        r = index.row_of(urn)
        if not index.arrays.has_ethnicity[r]:
            continue
        slots += [r] * max(cap - int(link_counts.get(urn, 0)), 0)
    slots_arr = np.array(slots, dtype=int)
    if len(rows) == 0:
        return _plan(index, [], unpaired, 0.0)
    if len(slots_arr) == 0:
        unpaired += [(int(index.arrays.urn[r]), "no partner school has room") for r in rows]
        return _plan(index, [], unpaired, 0.0)

    i = np.repeat(rows, len(slots_arr))
    j = np.tile(slots_arr, len(rows))
    contrast = combine(contrast_parts(index.arrays, i, j), scoring.weights)
    distance_km = np.hypot(*(index.xy[j] - index.xy[i]).T) / 1000
    loads = np.array([link_counts.get(int(u), 0) for u in index.arrays.urn[j]])
    score = scoring.score(contrast, distance_km, loads)
    feasible = (distance_km <= scoring.max_km) & (contrast >= min_contrast)
    if scoring.same_phase:
        feasible &= phases_compatible(index.phase[i], index.phase[j])
    cost = np.where(feasible, -score, _IMPOSSIBLE).reshape(len(rows), len(slots_arr))
    # One "no partner" column per school, at cost 0: a pair is made only if it scores above 0.
    cost = np.hstack([cost, np.zeros((len(rows), len(rows)))])
    assigned_rows, assigned_cols = linear_sum_assignment(cost)
    pairs = []
    total = 0.0
    for r, c in zip(assigned_rows, assigned_cols, strict=True):
        urn = int(index.arrays.urn[rows[r]])
        if c >= len(slots_arr) or cost[r, c] >= _IMPOSSIBLE:
            near = distance_km.reshape(len(rows), -1)[r] <= scoring.max_km
            reason = (
                f"no candidate school within {scoring.max_km:g} km"
                if not near.any()
                else f"no nearby candidate contrasts enough (at least {min_contrast:g} needed)"
            )
            unpaired.append((urn, reason))
            continue
        flat = r * len(slots_arr) + c
        total += float(score[flat])
        pairs.append(
            (
                rows[r],
                slots_arr[c],
                float(contrast[flat]),
                float(distance_km[flat]),
                float(score[flat]),
            )
        )
    return _plan(index, pairs, unpaired, total)


def _plan(
    index: PartnerIndex,
    pairs: list[tuple[int, int, float, float, float]],
    unpaired: list[tuple[int, str]],
    total: float,
) -> PairingPlan:
    schools = index.schools_df
    records = []
    for row, partner_row, contrast, distance, score in pairs:
        school, partner = schools.iloc[row], schools.iloc[partner_row]
        records.append(
            {
                "urn": int(school["urn"]),
                "school_name": school["school_name"],
                "white_british_pct": school["white_british_pct"],
                "partner_urn": int(partner["urn"]),
                "partner_name": partner["school_name"],
                "partner_la": str(partner["la_name"]),
                "partner_white_british_pct": partner["white_british_pct"],
                "contrast": round(contrast, 3),
                "distance_km": round(distance, 1),
                "score": round(score, 4),
                "explanation": explain(school, partner, distance),
            }
        )
    columns = [
        "urn",
        "school_name",
        "white_british_pct",
        "partner_urn",
        "partner_name",
        "partner_la",
        "partner_white_british_pct",
        "contrast",
        "distance_km",
        "score",
        "explanation",
    ]
    pairs_df = pd.DataFrame(records, columns=columns).sort_values("school_name", ignore_index=True)
    names = schools.set_index("urn")["school_name"]
    unpaired_df = pd.DataFrame(
        [{"urn": u, "school_name": names.get(u, ""), "reason": why} for u, why in unpaired],
        columns=["urn", "school_name", "reason"],
    )
    return PairingPlan(pairs_df, unpaired_df, round(total, 4))
