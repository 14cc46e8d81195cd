"""Reviewing a pairing plan before it is added: other partners, swaps, and letters to schools."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard import config
from dashboard.analysis import pairing
from dashboard.analysis.ages import stages
from dashboard.analysis.partners import PartnerIndex, Scoring
from dashboard.analysis.plan_purposes import PURPOSES

ALTERNATIVE_COLUMNS = (
    "partner_urn",
    "partner_name",
    "partner_la",
    "partner_stage",
    "partner_white_british_pct",
    "partner_fsm_pct",
    "partner_selective",
    "gain",
    "distance_km",
    "links_with_plan",
    "score",
)


def _plan_loads(
    pairs_df: pd.DataFrame, link_counts: Mapping[int, int], leave_out: int
) -> dict[int, int]:
    """Links each school would have with the plan's pairs (but not ``leave_out``'s)."""
    loads = dict(link_counts)
    for partner in pairs_df.loc[pairs_df["urn"] != leave_out, "partner_urn"]:
        loads[int(partner)] = loads.get(int(partner), 0) + 1
    return loads


def alternatives(
    index: PartnerIndex,
    plan: pairing.PairingPlan,
    urn: int,
    candidate_urns: Sequence[int],
    *,
    scoring: Scoring | None = None,
    cap: int = config.PLAN_PARTNER_CAP,
    link_counts: Mapping[int, int] | None = None,
    allow_selective: bool = False,
    n: int = 5,
) -> pd.DataFrame:
    """The best other partners for one school of a plan, for swapping.

    Only partners that meet the plan's rule and still have room (fewer than
    ``cap`` links, counting existing links and the plan's other pairs) are
    listed, best score first; the school's current partner is left out.

    Parameters
    ----------
    index : PartnerIndex
        The schools.
    plan : PairingPlan
        The plan under review.
    urn : int
        The school whose partner may change (it may be unpaired).
    candidate_urns : sequence of int
        Schools that may be chosen as partners.
    scoring, cap, link_counts, allow_selective
        As for :func:`dashboard.analysis.pairing.plan_pairings`.
    n : int
        How many to list.

    Returns
    -------
    pandas.DataFrame
        :data:`ALTERNATIVE_COLUMNS`; ``links_with_plan`` counts the partner's
        links now plus the pairs this plan already gives it.
    """
    scoring = scoring or pairing.plan_scoring(plan.max_km)
    loads = _plan_loads(plan.pairs, link_counts or {}, urn)
    current = set(plan.pairs.loc[plan.pairs["urn"] == urn, "partner_urn"].astype(int))
    asking = {int(u) for u in plan.pairs["urn"]} | {int(u) for u in plan.unpaired["urn"]}
    pool = [
        int(u)
        for u in dict.fromkeys(candidate_urns)
        if int(u) not in current | asking and loads.get(int(u), 0) < cap
    ]
    if not pool:
        return pd.DataFrame(columns=list(ALTERNATIVE_COLUMNS))
    j = np.array([index.row_of(u) for u in pool])
    i = np.full(len(j), index.row_of(int(urn)))
    link_load = np.array([loads.get(u, 0) for u in pool], dtype=float)
    values = pairing.pair_values(
        index, PURPOSES[plan.purpose], i, j, scoring, link_load, allow_selective
    )
    keep = values["feasible"] & (values["score"] > 0)
    rows = index.schools_df.iloc[j[keep]]
    out = pd.DataFrame(
        {
            "partner_urn": rows["urn"].to_numpy(),
            "partner_name": rows["school_name"].to_numpy(),
            "partner_la": rows["la_name"].astype(str).to_numpy(),
            "partner_stage": stages(rows).to_numpy(),
            "partner_white_british_pct": rows["white_british_pct"].round(1).to_numpy(),
            "partner_fsm_pct": rows["fsm_pct"].round(1).to_numpy(),
            "partner_selective": index.selective[j[keep]],
            "gain": values["gain"][keep].round(3),
            "distance_km": values["distance_km"][keep].round(1),
            "links_with_plan": link_load[keep].astype(int),
            "score": values["score"][keep].round(3),
        }
    )
    return out.nlargest(n, "score", keep="first").reset_index(drop=True)


def swap_partner(
    index: PartnerIndex,
    plan: pairing.PairingPlan,
    urn: int,
    partner_urn: int,
    *,
    scoring: Scoring | None = None,
    link_counts: Mapping[int, int] | None = None,
    allow_selective: bool = False,
) -> pairing.PairingPlan:
    """A copy of the plan in which ``urn`` is paired with ``partner_urn`` instead.

    An unpaired school becomes paired (and leaves the unpaired list).

    Parameters
    ----------
    index : PartnerIndex
        The schools.
    plan : PairingPlan
        The plan under review (not changed).
    urn, partner_urn : int
        The school and its new partner.
    scoring, link_counts, allow_selective
        As for :func:`dashboard.analysis.pairing.plan_pairings`.

    Returns
    -------
    PairingPlan
        With the pair replaced, priorities renumbered and the total recomputed.

    Raises
    ------
    ValueError
        If the new partner does not meet the plan's rule or distance limit.
    """
    scoring = scoring or pairing.plan_scoring(plan.max_km)
    purpose = PURPOSES[plan.purpose]
    i, j = np.array([index.row_of(int(urn))]), np.array([index.row_of(int(partner_urn))])
    existing = np.array([(link_counts or {}).get(int(partner_urn), 0)], dtype=float)
    values = pairing.pair_values(index, purpose, i, j, scoring, existing, allow_selective)
    if not values["feasible"][0]:
        names = index.schools_df["school_name"]
        raise ValueError(
            f"{names.iloc[j[0]]} cannot partner {names.iloc[i[0]]} in this plan: "
            f"{purpose.rule}, within {scoring.max_km:g} km, for pupils of the same ages."
        )
    record = pairing.pair_record(index, i[0], j[0], {k: v[0] for k, v in values.items()})
    others = plan.pairs[plan.pairs["urn"] != urn]
    pairs = pd.concat([others, pd.DataFrame([record])], ignore_index=True)
    pairs = pairing.prioritise(pairs.astype(others.dtypes.to_dict()), plan.purpose)
    unpaired = plan.unpaired[plan.unpaired["urn"] != urn].reset_index(drop=True)
    total = round(float(pairs["score"].sum()), 4)
    return pairing.PairingPlan(plan.purpose, pairs, unpaired, total, plan.max_km)


MAIL_MERGE_COLUMNS = (
    "Letter to",
    "URN",
    "Local authority",
    "Postcode",
    "Partner school",
    "Partner URN",
    "Partner's local authority",
    "Partner's postcode",
    "Distance (km)",
    "Kind of link",
    "Why this partner",
    "Priority",
)


def mail_merge(pairs_df: pd.DataFrame, schools_df: pd.DataFrame, purpose: str) -> pd.DataFrame:
    """One row per letter: each school of each chosen pair, told who its partner is and why.

    The official register extract behind the atlas has postcodes but no street
    addresses, so the postcode is the address field; a letter to a school with
    two partners is two rows.

    Parameters
    ----------
    pairs_df : pandas.DataFrame
        Chosen plan rows (:data:`dashboard.analysis.pairing.PAIR_COLUMNS`).
    schools_df : pandas.DataFrame
        The schools table (``urn``, ``la_name``, ``postcode``).
    purpose : str
        The plan's purpose key.

    Returns
    -------
    pandas.DataFrame
        :data:`MAIL_MERGE_COLUMNS`, ordered by priority then school.

    Examples
    --------
    >>> pairs = pd.DataFrame({"priority": [1], "urn": [1], "school_name": ["A"],
    ...     "partner_urn": [2], "partner_name": ["B"], "distance_km": [4.2],
    ...     "explanation": ["A is 95 % White British, B is 40 %."]})
    >>> schools = pd.DataFrame({"urn": [1, 2], "la_name": ["X", "Y"], "postcode": ["P1", None]})
    >>> letters = mail_merge(pairs, schools, "ethnicity")
    >>> letters[["Letter to", "Partner school", "Postcode"]].values.tolist()
    [['A', 'B', 'P1'], ['B', 'A', '']]
    """
    facts = schools_df.set_index("urn")[["la_name", "postcode"]]
    kind = PURPOSES[purpose].label.lower()
    rows = []
    for pair in pairs_df.itertuples(index=False):
        ends = ((pair.urn, pair.school_name), (pair.partner_urn, pair.partner_name))
        for (urn, name), (other_urn, other_name) in (ends, ends[::-1]):
            rows.append(
                {
                    "Letter to": name,
                    "URN": int(urn),
                    "Local authority": str(facts.at[urn, "la_name"]),
                    "Postcode": _text(facts.at[urn, "postcode"]),
                    "Partner school": other_name,
                    "Partner URN": int(other_urn),
                    "Partner's local authority": str(facts.at[other_urn, "la_name"]),
                    "Partner's postcode": _text(facts.at[other_urn, "postcode"]),
                    "Distance (km)": round(float(pair.distance_km), 1),
                    "Kind of link": f"{kind} link (proposed)",
                    "Why this partner": pair.explanation,
                    "Priority": int(pair.priority),
                }
            )
    return pd.DataFrame(rows, columns=list(MAIL_MERGE_COLUMNS))


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)
