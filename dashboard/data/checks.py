"""Checks that official figures can be true: counts, percentages, URNs, school locations.

Each check records every bad row in a :class:`FileProblems`, so one run of the
build names them all; the build then stops and ``data/`` stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from dashboard.data.csv_files import FileProblems, rows_text

# British National Grid covers Great Britain within these metres (EPSG:27700's extent).
BNG_MAX_EASTING = 700_000
BNG_MAX_NORTHING = 1_300_000
# Published percentages are rounded to one decimal each: 19 of them may add up to 101.
PERCENT_SUM_SLACK = 1.0


def _where(mask: pd.Series) -> np.ndarray:
    """Row numbers in the file (heading = row 1) where ``mask`` holds."""
    return np.flatnonzero(mask.fillna(False).to_numpy(bool)) + 2


def _examples(
    frame: pd.DataFrame, rows: np.ndarray, describe: Callable[[pd.Series], str], shown: int = 5
) -> str:
    parts = [describe(frame.iloc[row - 2]) for row in rows[:shown]]
    more = f"; and {len(rows) - shown:,} more" if len(rows) > shown else ""
    return "; ".join(parts) + more


def check_urns(tidy: pd.DataFrame, problems: FileProblems, column: str) -> None:
    """Every row needs a URN, and each URN may appear once (all offenders named)."""
    missing = _where(tidy["urn"].isna())
    if len(missing):
        problems.add(f"column '{column}': row {rows_text(missing)} has no URN.")
    urns = tidy["urn"]
    duplicated = urns.notna() & urns.duplicated(keep=False)
    if duplicated.any():
        groups = tidy.loc[duplicated].groupby("urn").groups
        for urn, index in sorted(groups.items())[:20]:
            rows = np.asarray(index) + 2
            problems.add(
                f"URN {int(urn)} appears more than once (rows {rows_text(rows)}); each "
                "school must appear once."
            )
        if len(groups) > 20:
            problems.add(f"and {len(groups) - 20:,} more URNs appear more than once.")


def check_register_values(
    tidy: pd.DataFrame, problems: FileProblems, names: dict[str, str]
) -> None:
    """Pupil numbers cannot be negative; the FSM percentage lies between 0 and 100."""
    negative = _where(tidy["pupils"] < 0)
    if len(negative):
        problems.add(
            f"column '{names['pupils']}', row {rows_text(negative)}: a number of pupils "
            f"cannot be negative ({_examples(tidy, negative, _urn_and('pupils'))})."
        )
    pct = tidy["register_fsm_pct"]
    outside = _where((pct < 0) | (pct > 100))
    if len(outside):
        shown = _examples(tidy, outside, _urn_and("register_fsm_pct"))
        problems.add(
            f"column '{names['register_fsm_pct']}', row {rows_text(outside)}: a percentage "
            f"must lie between 0 and 100 ({shown})."
        )


def _urn_and(column: str) -> Callable[[pd.Series], str]:
    def describe(row: pd.Series) -> str:
        return f"URN {_urn(row)}: {row[column]:g}"

    return describe


def _urn(row: pd.Series) -> str:
    return "?" if pd.isna(row["urn"]) else f"{int(row['urn'])}"


def check_census_counts(
    tidy: pd.DataFrame,
    problems: FileProblems,
    *,
    count_columns: dict[str, str],
    ethnic_columns: list[str],
    language_columns: list[str],
) -> None:
    """Counts cannot be negative, and no group of pupils can outnumber the headcount.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The census with tidy count columns (rows in file order).
    problems : FileProblems
        Where every bad row is recorded.
    count_columns : dict
        Tidy name -> official heading, for messages.
    ethnic_columns, language_columns : list of str
        The ethnic groups (with unclassified) and the first-language counts, each
        of which adds up to at most the headcount.
    """
    for name, official in count_columns.items():
        rows = _where(tidy[name] < 0)
        if len(rows):
            problems.add(
                f"column '{official}', row {rows_text(rows)}: a count of pupils cannot be "
                f"negative ({_examples(tidy, rows, _urn_and(name))})."
            )
    headcount = tidy["headcount"]
    sums = {
        "the ethnic groups and unclassified pupils": tidy[ethnic_columns].sum(axis=1, min_count=1),
        "pupils by first language": tidy[language_columns].sum(axis=1, min_count=1),
        "pupils eligible for free school meals": tidy["n_fsm"],
    }
    for what, total in sums.items():
        rows = _where(total > headcount)
        if len(rows):
            frame = tidy.assign(_total=total)
            problems.add(
                f"row {rows_text(rows)}: {what} add up to more than the headcount, which "
                f"cannot be true ({_examples(frame, rows, _over_headcount)})."
            )


def _over_headcount(row: pd.Series) -> str:
    return f"URN {_urn(row)}: {row['_total']:,.0f} of a headcount of {row['headcount']:,.0f}"


def check_census_percentages(
    percent_df: pd.DataFrame, urns: pd.Series, problems: FileProblems
) -> None:
    """Each percentage lies in 0-100, and a school's ethnic percentages add up to about 100.

    Parameters
    ----------
    percent_df : pandas.DataFrame
        The file's ethnic-group percentage columns (official headings), as numbers.
    urns : pandas.Series
        The URN of each row, for messages.
    problems : FileProblems
        Where every bad row is recorded.
    """
    for column in percent_df.columns:
        rows = _where((percent_df[column] < 0) | (percent_df[column] > 100))
        if len(rows):
            problems.add(
                f"column '{column}', row {rows_text(rows)}: a percentage must lie between 0 "
                "and 100."
            )
    total = percent_df.sum(axis=1, min_count=1)
    rows = _where(total > 100 + PERCENT_SUM_SLACK)
    if len(rows):
        shown = "; ".join(f"URN {urns.iloc[r - 2]}: {total.iloc[r - 2]:.1f} %" for r in rows[:5])
        problems.add(
            f"row {rows_text(rows)}: the ethnic-group percentages add up to more than 100 "
            f"({shown}), which cannot be true."
        )


def check_school_locations(schools_df: pd.DataFrame, problems: FileProblems) -> None:
    """Every state school needs British National Grid coordinates inside Great Britain.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        Open state-funded schools with ``urn``, ``school_name``, ``easting``, ``northing``.
    problems : FileProblems
        Where every school with a bad location is recorded, with what is wrong.
    """
    for row in schools_df.itertuples(index=False):
        issue = location_problem(row.easting, row.northing)
        if issue:
            problems.add(f"URN {row.urn} ({row.school_name}): {issue}.")


def location_problem(easting: float, northing: float) -> str | None:
    """What is wrong with a school's easting and northing, or None.

    Examples
    --------
    >>> location_problem(394969, -5)
    'northing -5 is negative; British National Grid coordinates are positive metres'
    >>> location_problem(0, 0) is not None
    True
    """
    if pd.isna(easting) and pd.isna(northing):
        return "no easting or northing; every state-funded school needs coordinates"
    for name, value in (("easting", easting), ("northing", northing)):
        if pd.isna(value):
            return f"no {name}; every state-funded school needs coordinates"
    if easting == 0 and northing == 0:
        return "easting and northing are both 0 (no location was recorded)"
    for name, value, top in (
        ("easting", easting, BNG_MAX_EASTING),
        ("northing", northing, BNG_MAX_NORTHING),
    ):
        if value < 0:
            return (
                f"{name} {value:g} is negative; British National Grid coordinates are "
                "positive metres"
            )
        if value == 0:
            return f"{name} is 0 (no location was recorded)"
        if value > top:
            return (
                f"{name} {value:,.0f} is beyond Great Britain (British National Grid ends "
                f"at {top:,})"
            )
    return None
