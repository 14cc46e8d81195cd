"""Which schools have census figures, why some do not, and coverage by area."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import config

NO_CENSUS_RECORD = f"Opened after {config.CENSUS_DATE}: no census record yet"
NO_PUPILS_COUNTED = "No pupils counted at the school in the census (pupils registered elsewhere)"
NOT_APPLICABLE = "DfE marks ethnicity as not applicable for this school"


def explain_missing_ethnicity(schools_df: pd.DataFrame) -> pd.Series:
    """Say in plain words why each school without ethnicity figures has none.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        With ``has_ethnicity``, ``census_steps``, ``census_note`` (why a
        predecessor's record was refused), ``headcount`` and ``n_white_british``.

    Returns
    -------
    pandas.Series
        Reason text for schools without ethnicity; empty string otherwise.
    """
    note = schools_df["census_note"].fillna("").astype(str)
    reason = np.select(
        [
            schools_df["has_ethnicity"].to_numpy(bool),
            note.ne("").to_numpy(),
            schools_df["census_steps"].isna().to_numpy(),
            schools_df["headcount"].fillna(0).eq(0).to_numpy(),
        ],
        ["", note.to_numpy(), NO_CENSUS_RECORD, NO_PUPILS_COUNTED],
        default=NOT_APPLICABLE,
    )
    return pd.Series(reason, index=schools_df.index, name="reason")


def census_coverage_by_la(schools_df: pd.DataFrame) -> pd.DataFrame:
    """Count, per LA, schools with ethnicity figures and those matched via a predecessor.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        With ``la_name``, ``region``, ``has_ethnicity`` and ``census_steps``.

    Returns
    -------
    pandas.DataFrame
        Columns ``la_name``, ``region``, ``schools``, ``with_ethnicity``,
        ``via_predecessor``, ``coverage_pct``; lowest coverage first.
    """
    frame = pd.DataFrame(
        {
            "la_name": schools_df["la_name"].astype(str),
            "region": schools_df["region"].astype(str),
            "with_ethnicity": schools_df["has_ethnicity"].astype(int),
            "via_predecessor": (schools_df["census_steps"].fillna(0) > 0).astype(int),
        }
    )
    out = frame.groupby(["la_name", "region"], as_index=False).agg(
        schools=("with_ethnicity", "size"),
        with_ethnicity=("with_ethnicity", "sum"),
        via_predecessor=("via_predecessor", "sum"),
    )
    out["coverage_pct"] = (100 * out["with_ethnicity"] / out["schools"]).round(1)
    return out.sort_values(["coverage_pct", "la_name"]).reset_index(drop=True)


def far_outside_la(
    schools_df: pd.DataFrame, min_km: float = config.FAR_OUTSIDE_LA_KM
) -> pd.DataFrame:
    """Schools whose register position lies more than ``min_km`` outside their own LA.

    Usually a school run by one LA in another's area (e.g. a special school), or
    a wrong easting/northing in the register; either way its dot is not where
    an officer of that LA would look.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        With ``urn``, ``school_name``, ``la_name``, ``phase``, ``postcode`` and
        ``km_outside_la``.
    min_km : float
        Distance that flags a school.

    Returns
    -------
    pandas.DataFrame
        ``urn``, ``school_name``, ``la_name``, ``phase``, ``postcode``,
        ``km_outside_la``; farthest first.

    Examples
    --------
    >>> frame = pd.DataFrame({"urn": [1, 2], "school_name": ["A", "B"], "la_name": ["X", "Y"],
    ...                       "phase": ["Special"] * 2, "postcode": ["", ""],
    ...                       "km_outside_la": [0.3, 26.1]})
    >>> far_outside_la(frame)["urn"].tolist()
    [2]
    """
    columns = ["urn", "school_name", "la_name", "phase", "postcode", "km_outside_la"]
    out = schools_df.loc[schools_df["km_outside_la"] > min_km, columns]
    return out.sort_values("km_outside_la", ascending=False).reset_index(drop=True)
