"""What the partner finder tells a school besides the ranking, and why.

The score's parts, why a less different school ranks higher, much more diverse
schools just beyond the limit, and the partners the school already has or has
been proposed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.ages import stages
from dashboard.analysis.partners import PartnerIndex, Scoring
from dashboard.config import MORE_DIVERSE_POINTS, WIDER_SEARCH_KM

# The finder's table, in reading order: the score and its parts first, then the facts.
FINDER_COLUMNS = (
    "rank",
    "school_name",
    "score",
    "contrast",
    "distance_km",
    "distance_cost",
    "existing_links",
    "links_cost",
    "rank_note",
    "white_british_pct",
    "fsm_pct",
    "religious_character",
    "stage",
    "selective",
    "la_name",
    "ethnic_difference",
    "faith_difference",
    "social_difference",
    "explanation",
    "urn",
)


def with_score_parts(
    ranked_df: pd.DataFrame, schools_df: pd.DataFrame, scoring: Scoring
) -> pd.DataFrame:
    """The ranked candidates with the parts of their score, rounded for reading and download.

    ``score = contrast − distance_cost − links_cost``, where the distance cost
    grows from 0 to ``scoring.distance_penalty`` at the limit and the links cost
    is ``scoring.load_penalty`` per link the candidate already has.

    Parameters
    ----------
    ranked_df : pandas.DataFrame
        ``Suggestions.ranked`` from :func:`dashboard.analysis.partners.suggest_partners`.
    schools_df : pandas.DataFrame
        The schools table (for year groups and selective admissions).
    scoring : Scoring
        The scoring used.

    Returns
    -------
    pandas.DataFrame
        :data:`FINDER_COLUMNS`, best first; percentages to 1 decimal, differences
        and costs to 3.
    """
    facts = schools_df.set_index("urn").loc[ranked_df["urn"]]
    out = ranked_df.reset_index(drop=True).copy()
    out["rank"] = np.arange(1, len(out) + 1)
    out["stage"] = stages(facts.reset_index()).to_numpy()
    out["selective"] = facts["selective"].fillna(False).astype(bool).to_numpy()
    out["distance_cost"] = (scoring.distance_penalty * out["distance_km"] / scoring.max_km).round(3)
    out["links_cost"] = (scoring.load_penalty * out["existing_links"]).round(3)
    out["rank_note"] = rank_notes(out)
    out = out.round(
        {
            "white_british_pct": 1,
            "fsm_pct": 1,
            "distance_km": 1,
            "ethnic_difference": 3,
            "faith_difference": 3,
            "social_difference": 3,
            "contrast": 3,
            "score": 3,
        }
    )
    return out[list(FINDER_COLUMNS)]


def rank_notes(ranked_df: pd.DataFrame) -> pd.Series:
    r"""For a candidate ranked above a more different one, say why (nearer, fewer links).

    Parameters
    ----------
    ranked_df : pandas.DataFrame
        Best first, with ``rank``, ``contrast``, ``distance_km``,
        ``existing_links``, ``distance_cost`` and ``links_cost``.

    Returns
    -------
    pandas.Series
        A sentence, or "" where no lower-ranked school is more different.

    Examples
    --------
    >>> ranked = pd.DataFrame({"rank": [1, 2], "contrast": [0.24, 0.32],
    ...     "distance_km": [3.0, 24.0], "existing_links": [0, 2],
    ...     "distance_cost": [0.018, 0.144], "links_cost": [0.0, 0.1]})
    >>> print(rank_notes(ranked).tolist()[0].replace(", because", ",\nbecause"))
    Above #2, which differs more (0.32 against 0.24),
    because it is 21 km nearer and #2 already has 2 links.
    >>> close = ranked.assign(contrast=[0.319, 0.322])
    >>> rank_notes(close).tolist()[0].split(")")[0]
    'Above #2, which differs more (0.322 against 0.319'
    """
    notes = []
    for pos, row in enumerate(ranked_df.itertuples(index=False)):
        below = ranked_df.iloc[pos + 1 :]
        more = below[below["contrast"] > row.contrast]
        if more.empty:
            notes.append("")
            continue
        other = more.loc[more["contrast"].idxmax()]
        reasons = []
        if other["distance_cost"] > row.distance_cost:
            reasons.append(f"it is {other['distance_km'] - row.distance_km:.0f} km nearer")
        if other["links_cost"] > row.links_cost:
            count = int(other["existing_links"])
            reasons.append(
                f"#{int(other['rank'])} already has {count} link{'s' if count != 1 else ''}"
            )
        # Enough decimals that "differs more" never reads as "0.32 against 0.32".
        digits = 2 if round(other["contrast"], 2) != round(row.contrast, 2) else 3
        notes.append(
            f"Above #{int(other['rank'])}, which differs more ({other['contrast']:.{digits}f} "
            f"against {row.contrast:.{digits}f}), because {' and '.join(reasons)}."
        )
    return pd.Series(notes, index=ranked_df.index, dtype=object)


def more_diverse_nearby(
    index: PartnerIndex,
    urn: int,
    scoring: Scoring,
    *,
    points: float = MORE_DIVERSE_POINTS,
    wider_km: float = WIDER_SEARCH_KM,
) -> dict[str, float]:
    """Schools much more diverse than ``urn`` within a wider radius than the search's.

    "Much more diverse" means at least ``points`` fewer White British pupils (in
    percentage points); only schools with ethnicity figures whose pupils are of
    the same ages (when the search asks for that) count.

    Parameters
    ----------
    index : PartnerIndex
        The schools.
    urn : int
        The school searching.
    scoring : Scoring
        The search's distance limit and age rule.
    points, wider_km : float
        What counts as much more diverse, and how far to look.

    Returns
    -------
    dict
        ``within_wider`` (count within ``wider_km`` or the limit, whichever is
        larger), ``beyond_limit`` (of those, beyond the search's limit),
        ``nearest_km`` (NaN when none) and ``wider_km``.
    """
    row = index.row_of(urn)
    radius = max(wider_km, scoring.max_km)
    found = np.asarray(index.tree.query_ball_point(index.xy[row], radius * 1000), int)
    found = found[found != row]
    found = found[index.arrays.has_ethnicity[found]]
    found = found[index.phase_ok(row, found, scoring.same_phase)]
    with np.errstate(invalid="ignore"):
        diverse = found[index.white_british[found] <= index.white_british[row] - points]
    km = np.hypot(*(index.xy[diverse] - index.xy[row]).T) / 1000
    return {
        "within_wider": len(diverse),
        "beyond_limit": int((km > scoring.max_km).sum()),
        "nearest_km": float(km.min()) if len(km) else np.nan,
        "wider_km": radius,
    }


def more_diverse_message(found: dict[str, float], max_km: float) -> str:
    r"""A plain sentence when the distance limit hides much more diverse schools ("" if not).

    Examples
    --------
    >>> print(more_diverse_message({"within_wider": 12, "beyond_limit": 9, "nearest_km": 21.3,
    ...                             "wider_km": 40.0}, 20).replace("; ", ";\n"))
    12 schools at least 30 points more diverse (fewer White British pupils) are within 40 km;
    9 of them lie beyond your 20 km limit. Widen the distance to see them.
    """
    if not found["beyond_limit"]:
        return ""
    return (
        f"{found['within_wider']} schools at least {MORE_DIVERSE_POINTS:g} points more diverse "
        f"(fewer White British pupils) are within {found['wider_km']:g} km; "
        f"{found['beyond_limit']} of them lie beyond your {max_km:g} km limit. Widen the "
        "distance to see them."
    )


def proposed_by_plan(links_table_df: pd.DataFrame) -> pd.DataFrame:
    """The school's proposed links that a pairing plan made (from ``profiles.links_table``)."""
    mine = links_table_df[
        (links_table_df["status"] == "proposed") & (links_table_df["source"] == "pairing plan")
    ]
    return mine.reset_index(drop=True)
