"""Read the official DfE files (register of schools, census, links, LA lookup) into tidy tables.

This is the only module that knows the official column names. Everything it
returns uses the tidy names from :mod:`dashboard.config`. Every problem with an
input file is raised as :class:`DataImportError` with a message that names the
file, the column or row, and what was expected.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from dashboard.data import checks
from dashboard.data.csv_files import (
    DataImportError,
    FileProblems,
    codes_warning,
    read_csv_file,
    require_columns,
    to_number,
)

# --- The school register (Get Information About Schools) -------------------

# Official "all establishment data" headers -> tidy names.
GIAS_OFFICIAL_COLUMNS = {
    "URN": "urn",
    "LA (code)": "la_code",
    "LA (name)": "la_name",
    "EstablishmentName": "school_name",
    "TypeOfEstablishment (name)": "establishment_type",
    "EstablishmentTypeGroup (name)": "establishment_type_group",
    "EstablishmentStatus (name)": "status",
    "PhaseOfEducation (name)": "education_phase",
    "ReligiousCharacter (name)": "religious_character",
    "NumberOfPupils": "pupils",
    "PercentageFSM": "register_fsm_pct",
    "Postcode": "postcode",
    "Easting": "easting",
    "Northing": "northing",
    "GOR (name)": "region",
}
# The snake_case extract kept in ../shared/data/raw -> tidy names.
GIAS_EXTRACT_COLUMNS = {
    "urn": "urn",
    "la_code": "la_code",
    "la_name": "la_name",
    "establishment_name": "school_name",
    "establishment_type": "establishment_type",
    "establishment_type_group": "establishment_type_group",
    "education_phase": "education_phase",
    "number_of_pupils": "pupils",
    "percentage_fsm": "register_fsm_pct",
    "easting": "easting",
    "northing": "northing",
}
# Columns that either format must have (official names in brackets for messages).
GIAS_REQUIRED = (
    "urn",
    "la_code",
    "la_name",
    "school_name",
    "establishment_type",
    "establishment_type_group",
    "education_phase",
    "pupils",
    "easting",
    "northing",
)

STATE_FUNDED_GROUPS = frozenset(
    {"Academies", "Local authority maintained schools", "Special schools", "Free Schools"}
)
# City Technology Colleges are state-funded but GIAS files them under "Independent schools".
STATE_FUNDED_TYPES = frozenset({"City technology college"})
# "Special schools" also holds independent special schools: leave those out.
NOT_STATE_FUNDED_TYPES = frozenset(
    {
        "Other independent school",
        "Other independent special school",
        "Non-maintained special school",
    }
)

# --- The school census ("Schools, pupils and their characteristics") -------

CENSUS_ETHNIC_COLUMNS = {
    "n_" + name: f"number of pupils classified as {label} ethnic origin"
    for name, label in (
        ("white_british", "white British"),
        ("white_irish", "Irish"),
        ("traveller_irish", "traveller of Irish heritage"),
        ("white_other", "any other white background"),
        ("gypsy_roma", "Gypsy/Roma"),
        ("mixed_white_black_caribbean", "white and black Caribbean"),
        ("mixed_white_black_african", "white and black African"),
        ("mixed_white_asian", "white and Asian"),
        ("mixed_other", "any other mixed background"),
        ("indian", "Indian"),
        ("pakistani", "Pakistani"),
        ("bangladeshi", "Bangladeshi"),
        ("asian_other", "any other Asian background"),
        ("black_caribbean", "Caribbean"),
        ("black_african", "African"),
        ("black_other", "any other black background"),
        ("chinese", "Chinese"),
        ("other_ethnic_group", "any other ethnic group"),
    )
}
CENSUS_COUNT_COLUMNS = {
    "headcount": "headcount of pupils",
    **CENSUS_ETHNIC_COLUMNS,
    "n_unclassified": "number of pupils unclassified",
    "n_fsm": "number of pupils known to be eligible for free school meals",
    "n_eal": "number of pupils whose first language is known or believed to be other than English",
    "n_first_language_english": "number of pupils whose first language is known or "
    "believed to be English",
    "n_first_language_unclassified": "number of pupils whose first language is unclassified",
}
CENSUS_TEXT_COLUMNS = {
    "urn": "urn",
    "census_school_name": "school_name",
    "census_denomination": "denomination",
    "census_region": "region_name",
    "census_phase": "phase_type_grouping",
    "census_postcode": "school_postcode",
    "census_admissions": "admissions_policy",
}
# Year groups in school order, as numbers: nursery -2 and -1, Reception 0, Year 1 to 14.
YEAR_GROUPS: dict[str, int] = {
    "Nursery 1": -2,
    "Nursery 2": -1,
    "Reception": 0,
    **{f"Year group {year}": year for year in range(1, 15)},
}
# The census splits each year group four ways; the build adds them up.
YEAR_GROUP_PARTS = ("Part time girls", "Full time girls", "Part time boys", "Full time boys")
YEAR_COUNT_COLUMNS = {f"y_{number}": label for label, number in YEAR_GROUPS.items()}
WHITE_BRITISH_PCT_COLUMN = "% of pupils classified as white British ethnic origin"
# The ethnic-group percentages (of the headcount), checked to add up to about 100.
CENSUS_PERCENT_COLUMNS = (
    *(c.replace("number of pupils", "% of pupils") for c in CENSUS_ETHNIC_COLUMNS.values()),
    "% of pupils unclassified",
)
# DfE's codes for values that are not applicable, suppressed or unavailable.

# --- Register links and local authorities ------------------------------------

LINK_COLUMNS = ("URN", "LinkURN", "LinkType")
# DfE codes for LAs created in April 2023, after the January 2023 census.
LA_CODE_CHANGES_2023 = {
    "942": ("E06000063", "Cumberland", "North West"),
    "943": ("E06000064", "Westmorland and Furness", "North West"),
    "815": ("E06000065", "North Yorkshire", "Yorkshire and The Humber"),
    "933": ("E06000066", "Somerset", "South West"),
}


def read_register(path: Path, *, warnings: list[str] | None = None) -> pd.DataFrame:
    """Read the DfE register of schools in either published layout.

    Accepts the official "all establishment data" CSV (Windows-1252, headers such
    as ``URN`` and ``LA (code)``) and the snake_case extract in
    ``../shared/data/raw``. Easting and northing are British National Grid
    (EPSG:27700); latitude and longitude in the file are ignored because they are
    meaningless where easting is 0 or missing.

    Parameters
    ----------
    path : Path
        The register CSV, optionally gzipped.
    warnings : list of str or None
        Where to add what the build should mention (DfE codes read as missing).

    Returns
    -------
    pandas.DataFrame
        One row per establishment with tidy columns: ``urn``, ``la_code``,
        ``la_name``, ``school_name``, ``establishment_type``,
        ``establishment_type_group``, ``education_phase``, ``pupils``,
        ``register_fsm_pct``, ``easting``, ``northing`` and, where the file has
        them, ``status``, ``religious_character``, ``postcode``, ``region``.

    Raises
    ------
    DataImportError
        For a wrong file, missing columns, non-numeric values, negative pupil
        numbers, percentages outside 0-100, or duplicate URNs: every bad row is
        named in one message.
    """
    path = Path(path)
    what = "the DfE register of schools (Get Information About Schools)"
    frame = read_csv_file(path, what=what)
    if "URN" in frame.columns:
        mapping = GIAS_OFFICIAL_COLUMNS
    elif "establishment_name" in frame.columns or "la_code" in frame.columns:
        mapping = GIAS_EXTRACT_COLUMNS
    elif WHITE_BRITISH_PCT_COLUMN in frame.columns or "phase_type_grouping" in frame.columns:
        raise DataImportError(f"{path}: this looks like the school census file, not {what}.")
    else:
        raise DataImportError(
            f"{path}: no 'URN' or 'urn' column; expected {what} with columns such as "
            "URN, LA (code), EstablishmentName, Easting, Northing."
        )
    reverse = {tidy: official for official, tidy in mapping.items()}
    require_columns(frame, [reverse[col] for col in GIAS_REQUIRED], path, what + " columns")
    tidy = frame[[col for col in mapping if col in frame.columns]].rename(columns=mapping)
    problems, codes = FileProblems(path), Counter()
    for column in ("urn", "pupils", "register_fsm_pct", "easting", "northing"):
        tidy[column] = to_number(
            tidy[column],
            path,
            reverse[column],
            allow_codes=column != "urn",
            problems=problems,
            codes=codes,
        )
    checks.check_urns(tidy, problems, reverse["urn"])
    checks.check_register_values(tidy, problems, reverse)
    problems.raise_if_any()
    if warnings is not None:
        warnings.extend(codes_warning(path, codes))
    tidy["urn"] = tidy["urn"].astype("int64")
    tidy["la_code"] = tidy["la_code"].str.strip()
    return tidy


def select_open_state_schools(register_df: pd.DataFrame) -> pd.DataFrame:
    """Keep open state-funded schools in England.

    Parameters
    ----------
    register_df : pandas.DataFrame
        Output of :func:`read_register`.

    Returns
    -------
    pandas.DataFrame
        Rows whose type group is state-funded (academies, LA maintained, special,
        free schools), excluding independent and non-maintained special schools,
        and, where the file has a status, only those with status "Open". City
        Technology Colleges are kept although GIAS groups them with independent
        schools: they are state-funded.
    """
    kind = register_df["establishment_type"]
    keep = register_df["establishment_type_group"].isin(STATE_FUNDED_GROUPS) & ~kind.isin(
        NOT_STATE_FUNDED_TYPES
    )
    keep |= kind.isin(STATE_FUNDED_TYPES)
    if "status" in register_df.columns:
        keep &= register_df["status"].eq("Open")
    return register_df.loc[keep].reset_index(drop=True)


def read_census(path: Path, *, warnings: list[str] | None = None) -> pd.DataFrame:
    """Read the school-level school census file with official column names.

    Parameters
    ----------
    path : Path
        ``spc_school_level_underlying_data`` CSV, optionally gzipped.
    warnings : list of str or None
        Where to name the DfE codes the file uses (read as missing values).

    Returns
    -------
    pandas.DataFrame
        One row per URN: ``urn``, ``census_school_name``, ``census_denomination``,
        ``census_region``, ``census_phase``, ``census_postcode``,
        ``census_admissions`` (e.g. "Selective"), ``headcount``, the 18
        ethnic-group counts ``n_<group>``, ``n_unclassified``, ``n_fsm``,
        ``n_eal``, ``n_first_language_english``,
        ``n_first_language_unclassified``, and pupils per year group
        ``y_-2`` (nursery 1) … ``y_0`` (Reception) … ``y_14``. DfE's
        ``z``/``c``/``x`` codes are missing values, never zeros.

    Raises
    ------
    DataImportError
        For a wrong file, missing columns, non-numeric values, duplicate URNs, or
        counts that cannot be true (negative, or groups adding up to more than
        the headcount): every bad row is named in one message.
    """
    path = Path(path)
    what = 'the DfE school census file ("Schools, pupils and their characteristics")'
    frame = read_csv_file(path, what=what)
    if "URN" in frame.columns and "EstablishmentName" in frame.columns:
        raise DataImportError(f"{path}: this looks like the school register, not {what}.")
    if "establishment_name" in frame.columns:
        raise DataImportError(f"{path}: this looks like the school register, not {what}.")
    year_columns = [f"{part} {label}" for label in YEAR_GROUPS for part in YEAR_GROUP_PARTS]
    required = [*CENSUS_TEXT_COLUMNS.values(), *CENSUS_COUNT_COLUMNS.values(), *year_columns]
    require_columns(frame, required, path, what + " columns")
    tidy = pd.DataFrame(
        {tidy: frame[official].str.strip() for tidy, official in CENSUS_TEXT_COLUMNS.items()}
    )
    problems, codes = FileProblems(path), Counter()
    for tidy_name, official in CENSUS_COUNT_COLUMNS.items():
        tidy[tidy_name] = to_number(frame[official], path, official, problems=problems, codes=codes)
    for tidy_name, label in YEAR_COUNT_COLUMNS.items():
        columns = [f"{part} {label}" for part in YEAR_GROUP_PARTS]
        tidy[tidy_name] = sum(
            to_number(frame[c], path, c, problems=problems).fillna(0) for c in columns
        )
    tidy["urn"] = to_number(frame["urn"], path, "urn", allow_codes=False, problems=problems)
    checks.check_urns(tidy, problems, "urn")
    checks.check_census_counts(
        tidy,
        problems,
        count_columns=CENSUS_COUNT_COLUMNS,
        ethnic_columns=[*CENSUS_ETHNIC_COLUMNS, "n_unclassified"],
        language_columns=["n_eal", "n_first_language_english", "n_first_language_unclassified"],
    )
    percent_columns = [c for c in CENSUS_PERCENT_COLUMNS if c in frame.columns]
    percents = pd.DataFrame(
        {c: to_number(frame[c], path, c, problems=problems) for c in percent_columns}
    )
    checks.check_census_percentages(percents, frame["urn"], problems)
    problems.raise_if_any()
    if warnings is not None:
        warnings.extend(codes_warning(path, codes))
    tidy["urn"] = tidy["urn"].astype("int64")
    return tidy


def read_register_links(path: Path) -> pd.DataFrame:
    """Read the register's links file (predecessor and successor URNs).

    Parameters
    ----------
    path : Path
        ``links_edubasealldata`` CSV, optionally gzipped.

    Returns
    -------
    pandas.DataFrame
        Columns ``urn``, ``link_urn`` (int64), ``link_type`` and ``link_name`` (the
        linked establishment's name; text).
    """
    path = Path(path)
    what = "the register's links file (URN, LinkURN, LinkType)"
    frame = read_csv_file(path, what=what)
    require_columns(frame, LINK_COLUMNS, path, what)
    problems = FileProblems(path)
    urns = to_number(frame["URN"], path, "URN", allow_codes=False, problems=problems)
    link_urns = to_number(frame["LinkURN"], path, "LinkURN", allow_codes=False, problems=problems)
    problems.raise_if_any()
    return (
        pd.DataFrame(
            {
                "urn": urns,
                "link_urn": link_urns,
                "link_type": frame["LinkType"].fillna("").str.strip(),
                "link_name": frame["LinkName"] if "LinkName" in frame.columns else None,
            }
        )
        .dropna(subset=["urn", "link_urn"])
        .astype({"urn": "int64", "link_urn": "int64"})
    )


def read_la_lookup(path: Path) -> pd.DataFrame:
    """Read the DfE LA code -> ONS code and region lookup, with 2023 changes applied.

    Parameters
    ----------
    path : Path
        CSV with ``dfe_la_code``, ``gss_la_code``, ``la_name``, ``region_name``.

    Returns
    -------
    pandas.DataFrame
        Indexed by the 3-digit DfE code (text) with ``la_gss_code``,
        ``la_name`` and ``region``; Cumberland, Westmorland and Furness, North
        Yorkshire and Somerset carry their April 2023 ONS codes.
    """
    path = Path(path)
    frame = read_csv_file(path, what="the LA lookup")
    require_columns(
        frame, ("dfe_la_code", "gss_la_code", "la_name", "region_name"), path, "the LA lookup"
    )
    lookup = frame.rename(
        columns={"dfe_la_code": "la_code", "gss_la_code": "la_gss_code", "region_name": "region"}
    ).set_index("la_code")[["la_gss_code", "la_name", "region"]]
    for code, (gss, name, region) in LA_CODE_CHANGES_2023.items():
        lookup.loc[code] = (gss, name, region)
    return lookup.sort_index()
