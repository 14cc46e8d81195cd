"""Where links are missing: schools without a contrasting link, coverage by LA, outliers.

A predominantly white school (White British share at or above the threshold) is
a *gap* when it has no **active** link with a school in England whose intake
contrasts with its own (combined contrast at or above ``min_contrast``).
Proposed links, links to similar schools and links abroad do not close a gap;
the gap table says which of these a school has, so officers can follow up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis import metrics
from dashboard.analysis.contrast import ContrastWeights, SchoolArrays, combine, contrast_parts
from dashboard.config import (
    MIN_CONTRAST,
    NEIGHBOUR_GAP_POINTS,
    NEIGHBOURS,
    PREDOMINANTLY_WHITE_PCT,
)

# The gap table: the school's facts, then its links and what they are, in words.
GAP_TABLE_COLUMNS = (
    "urn",
    "school_name",
    "la_name",
    "region",
    "phase",
    "religious_character",
    "white_british_pct",
    "fsm_pct",
    "links",
    "situation",
)
NO_LINK = "no links at all"
PROPOSED_ONLY = "only proposed links (none active yet)"
ABROAD_ONLY = "only links with schools abroad"
SIMILAR_ONLY = "active links only with schools of a similar intake"


def link_ends(links_df: pd.DataFrame) -> pd.DataFrame:
    """Each link seen from both schools: one row per (school, link).

    Parameters
    ----------
    links_df : pandas.DataFrame
        The register (``link_id``, ``school_urn``, ``partner_urn``, ``status``,
        ``link_types``).

    Returns
    -------
    pandas.DataFrame
        ``urn``, ``other_urn`` (missing for a partner abroad), ``link_id``,
        ``status``.
    """
    forward = pd.DataFrame(
        {
            "urn": links_df["school_urn"],
            "other_urn": links_df["partner_urn"],
            "link_id": links_df["link_id"],
            "status": links_df["status"],
        }
    )
    backward = pd.DataFrame(
        {
            "urn": links_df["partner_urn"],
            "other_urn": links_df["school_urn"],
            "link_id": links_df["link_id"],
            "status": links_df["status"],
        }
    ).dropna(subset=["urn"])
    ends = pd.concat([forward, backward], ignore_index=True)
    ends["urn"] = ends["urn"].astype("int64")
    ends["other_urn"] = ends["other_urn"].astype("Int64")
    return ends


def link_status_by_school(
    schools_df: pd.DataFrame,
    links_df: pd.DataFrame,
    *,
    weights: ContrastWeights | None = None,
    min_contrast: float = MIN_CONTRAST,
) -> pd.DataFrame:
    """For every school: its links and whether one is active with a contrasting school.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The schools table.
    links_df : pandas.DataFrame
        The register (real, demo or both).
    weights : ContrastWeights or None
        Used to judge "contrasting".
    min_contrast : float
        Contrast (0-1) a partner needs to count.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``schools_df`` with ``links`` (not ended), ``active_links``,
        ``contrasting_active_links``, ``abroad_links``, ``best_active_contrast``
        and ``has_contrasting_link`` (bool).
    """
    weights = weights or ContrastWeights()
    ends = link_ends(links_df)
    ends = ends[ends["status"] != "ended"]
    position = pd.Series(np.arange(len(schools_df)), index=schools_df["urn"].to_numpy())
    ends = ends[ends["urn"].isin(position.index)]
    in_england = ends["other_urn"].notna() & ends["other_urn"].isin(position.index)
    ends = ends.assign(contrast=np.nan)
    if in_england.any():
        arrays = SchoolArrays.from_frame(schools_df)
        i = position[ends.loc[in_england, "urn"].to_numpy()].to_numpy()
        j = position[ends.loc[in_england, "other_urn"].astype(int).to_numpy()].to_numpy()
        ends.loc[in_england, "contrast"] = combine(contrast_parts(arrays, i, j), weights)
    active = ends["status"] == "active"
    ends = ends.assign(
        active=active,
        contrasting=active & (ends["contrast"] >= min_contrast),
        abroad=ends["other_urn"].isna(),
        active_contrast=ends["contrast"].where(active),
    )
    per = ends.groupby("urn").agg(
        links=("link_id", "size"),
        active_links=("active", "sum"),
        contrasting_active_links=("contrasting", "sum"),
        abroad_links=("abroad", "sum"),
        best_active_contrast=("active_contrast", "max"),
    )
    out = per.reindex(schools_df["urn"].to_numpy())
    out.index = schools_df.index
    counts = ["links", "active_links", "contrasting_active_links", "abroad_links"]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["has_contrasting_link"] = out["contrasting_active_links"] > 0
    return out


def gap_mask(
    schools_df: pd.DataFrame,
    status_df: pd.DataFrame,
    threshold_pct: float = PREDOMINANTLY_WHITE_PCT,
) -> pd.Series:
    """True for predominantly white schools without an active link to a contrasting school.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        Schools with ``white_british_pct``.
    status_df : pandas.DataFrame
        :func:`link_status_by_school` for the same rows (same index).
    threshold_pct : float
        White British share (%) at or above which a school counts.

    Returns
    -------
    pandas.Series
        Boolean, indexed like ``schools_df``.
    """
    white = metrics.flag_predominantly_white(schools_df["white_british_pct"], threshold_pct)
    return white & ~status_df.loc[schools_df.index, "has_contrasting_link"]


def find_gaps(
    schools_df: pd.DataFrame,
    status_df: pd.DataFrame,
    *,
    threshold_pct: float = PREDOMINANTLY_WHITE_PCT,
) -> pd.DataFrame:
    """Predominantly white schools with no active link to a contrasting school.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The schools table.
    status_df : pandas.DataFrame
        From :func:`link_status_by_school`.
    threshold_pct : float
        White British share (%) at or above which a school counts.

    Returns
    -------
    pandas.DataFrame
        Those schools with ``urn``, ``school_name``, ``la_name``, ``region``,
        ``phase``, ``religious_character``, ``white_british_pct``, ``fsm_pct``,
        ``links`` and ``situation`` (what links it has, in words).
    """
    gap = gap_mask(schools_df, status_df, threshold_pct)
    out = schools_df.loc[gap, list(GAP_TABLE_COLUMNS[:-2])].copy()
    status = status_df.loc[gap]
    out["links"] = status["links"]
    out["situation"] = np.select(
        [
            status["links"].eq(0),
            status["active_links"].eq(0) & (status["links"] > status["abroad_links"]),
            status["links"].eq(status["abroad_links"]),
        ],
        [NO_LINK, PROPOSED_ONLY, ABROAD_ONLY],
        default=SIMILAR_ONLY,
    )
    return out.reset_index(drop=True)


def link_coverage_by_la(
    schools_df: pd.DataFrame,
    status_df: pd.DataFrame,
    *,
    threshold_pct: float = PREDOMINANTLY_WHITE_PCT,
) -> pd.DataFrame:
    """Per LA: predominantly white schools, how many have a contrasting link, and the share.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The schools table.
    status_df : pandas.DataFrame
        From :func:`link_status_by_school`.
    threshold_pct : float
        The "predominantly white" threshold.

    Returns
    -------
    pandas.DataFrame
        ``la_name``, ``region``, ``schools``, ``predominantly_white``,
        ``with_contrasting_link``, ``gaps`` and ``linked_pct`` (NaN when the LA
        has no predominantly white school), most gaps first.
    """
    white = metrics.flag_predominantly_white(schools_df["white_british_pct"], threshold_pct)
    frame = pd.DataFrame(
        {
            "la_name": schools_df["la_name"].astype(str),
            "region": schools_df["region"].astype(str),
            "white": white.astype(int),
            "linked": (white & status_df["has_contrasting_link"]).astype(int),
        }
    )
    out = frame.groupby(["la_name", "region"], as_index=False).agg(
        schools=("white", "size"),
        predominantly_white=("white", "sum"),
        with_contrasting_link=("linked", "sum"),
    )
    out["gaps"] = out["predominantly_white"] - out["with_contrasting_link"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["linked_pct"] = (100 * out["with_contrasting_link"] / out["predominantly_white"]).round(
            1
        )
    out.loc[out["predominantly_white"] == 0, "linked_pct"] = np.nan
    return out.sort_values(["gaps", "la_name"], ascending=[False, True]).reset_index(drop=True)


def neighbour_outliers(
    schools_df: pd.DataFrame,
    *,
    k: int = NEIGHBOURS,
    points: float = NEIGHBOUR_GAP_POINTS,
) -> pd.DataFrame:
    """Compare each school's White British share with its ``k`` nearest same-phase schools.

    The rule used by iCoCo and SchoolDash (:data:`dashboard.config.NEIGHBOUR_RULE`):
    a school whose share differs from the average of its ``k`` nearest schools of
    the same phase by more than ``points`` percentage points is flagged as more
    (or less) White British than its area.
    Only schools with ethnicity figures take part.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        With ``urn``, ``phase``, ``easting``, ``northing``, ``white_british_pct``
        and ``has_ethnicity``.
    k : int
        Neighbours compared with.
    points : float
        Difference (percentage points) that flags a school.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``schools_df``: ``neighbour_white_british_pct``,
        ``difference_points`` (school minus neighbours) and ``flag`` ("more White
        British than neighbours", "less White British than neighbours", or "").
    """
    from scipy.spatial import cKDTree  # only this check needs scipy; keep it off the map page

    out = pd.DataFrame(
        index=schools_df.index,
        data={"neighbour_white_british_pct": np.nan, "difference_points": np.nan},
    )
    known = schools_df[schools_df["has_ethnicity"]]
    for _, group in known.groupby(known["phase"].astype(str), observed=True):
        if len(group) <= 1:
            continue
        xy = group[["easting", "northing"]].to_numpy(float)
        n = min(k, len(group) - 1)
        _, neighbours = cKDTree(xy).query(xy, k=n + 1)
        neighbours = np.asarray(neighbours).reshape(len(group), n + 1)[:, 1:]  # drop itself
        wb = group["white_british_pct"].to_numpy(float)
        mean = wb[neighbours].mean(axis=1)
        out.loc[group.index, "neighbour_white_british_pct"] = mean.round(1)
        out.loc[group.index, "difference_points"] = (wb - mean).round(1)
    diff = out["difference_points"]
    out["flag"] = np.select(
        [diff > points, diff < -points],
        ["more White British than neighbours", "less White British than neighbours"],
        default="",
    )
    return out


def linked_urns(schools_df: pd.DataFrame, status_df: pd.DataFrame) -> set[int]:
    """Schools with at least one link that has not ended.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        Schools with ``urn``.
    status_df : pandas.DataFrame
        :func:`link_status_by_school` for the same rows (same index).

    Returns
    -------
    set of int
    """
    return set(schools_df.loc[status_df.loc[schools_df.index, "links"] > 0, "urn"].tolist())


def outliers_table(schools_df: pd.DataFrame, outliers_df: pd.DataFrame) -> pd.DataFrame:
    """Schools flagged by the neighbour rule, with their neighbours' share, for a table.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        Schools with ``urn``, ``school_name``, ``phase`` and ``white_british_pct``.
    outliers_df : pandas.DataFrame
        :func:`neighbour_outliers`, indexed like the full table ``schools_df`` came from.

    Returns
    -------
    pandas.DataFrame
        ``urn``, ``school_name``, ``phase``, ``white_british_pct``,
        ``neighbours_pct``, ``difference_points`` and ``flag``; largest
        difference first.
    """
    flags = outliers_df.loc[schools_df.index]
    flagged = flags[flags["flag"] != ""]
    out = schools_df.loc[flagged.index, ["urn", "school_name", "phase", "white_british_pct"]]
    return out.assign(
        white_british_pct=out["white_british_pct"].round(1),
        neighbours_pct=flagged["neighbour_white_british_pct"],
        difference_points=flagged["difference_points"],
        flag=flagged["flag"],
    ).sort_values("difference_points", key=abs, ascending=False)
