"""Read the official DfE and ONS files and turn them into tidy tables.

This is the only module that knows the official column names. Everything it
returns uses the tidy names from :mod:`dashboard.config`. Every problem with an
input file is raised as :class:`DataImportError` with a message that names the
file, the column or row, and what was expected.
"""

from __future__ import annotations

import gzip
import io
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from dashboard.config import BNG_CRS, WGS84_CRS


class DataImportError(ValueError):
    """An official input file cannot be used; the message says why in plain words."""


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
}
WHITE_BRITISH_PCT_COLUMN = "% of pupils classified as white British ethnic origin"
# DfE's codes for values that are not applicable, suppressed or unavailable.
DFE_MISSING_CODES = frozenset({"z", "c", "x", "u", "low", ":", ".."})

# --- Register links and local authorities ------------------------------------

LINK_COLUMNS = ("URN", "LinkURN", "LinkType")
# DfE codes for LAs created in April 2023, after the January 2023 census.
LA_CODE_CHANGES_2023 = {
    "942": ("E06000063", "Cumberland", "North West"),
    "943": ("E06000064", "Westmorland and Furness", "North West"),
    "815": ("E06000065", "North Yorkshire", "Yorkshire and The Humber"),
    "933": ("E06000066", "Somerset", "South West"),
}


def read_csv_file(path: Path, *, what: str) -> pd.DataFrame:
    """Read a CSV (optionally gzipped) as text, trying UTF-8 then Windows-1252.

    Parameters
    ----------
    path : Path
        The file to read.
    what : str
        What the file should be, for messages, e.g. ``"the school register"``.

    Returns
    -------
    pandas.DataFrame
        Every column as text (``str`` dtype); empty cells are missing values.

    Raises
    ------
    DataImportError
        If the file is missing, empty, not text or not a CSV.
    """
    path = Path(path)
    if not path.exists():
        raise DataImportError(f"{path}: file not found (expected {what}).")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise DataImportError(f"{path}: the gzip file is damaged ({exc}).") from exc
    if not raw.strip():
        raise DataImportError(f"{path}: the file is empty (expected {what}).")
    text = _decode(raw, path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise DataImportError(f"{path}: not a readable CSV file ({exc}).") from exc
    # Empty cells are missing; everything else stays as the text in the file.
    return frame.replace("", np.nan)


def _decode(raw: bytes, path: Path) -> str:
    """Decode bytes as UTF-8 (with or without BOM) or DfE's Windows-1252."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataImportError(
            f"{path}: the file is encoded as UTF-16; save it as CSV in UTF-8 or "
            "Windows-1252 (the encoding DfE publishes)."
        )
    if raw[:4] == b"PK\x03\x04":
        raise DataImportError(
            f"{path}: this is an Excel or zip file, not a CSV file; save it as CSV."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DataImportError(
            f"{path}: the text encoding is not UTF-8 or Windows-1252 (byte "
            f"{raw[exc.start]:#04x} at position {exc.start})."
        ) from exc


def _require_columns(frame: pd.DataFrame, required: Iterable[str], path: Path, what: str) -> None:
    """Raise if any required column is missing, naming them all."""
    missing = [col for col in required if col not in frame.columns]
    if missing:
        shown = ", ".join(f"'{col}'" for col in missing[:6])
        more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        raise DataImportError(f"{path}: missing column(s) {shown}{more}; expected {what}.")


def _to_number(
    series: pd.Series, path: Path, column: str, *, allow_codes: bool = True
) -> pd.Series:
    """Convert text to numbers; DfE's z/c/x codes become missing, anything else fails."""
    text = series.str.strip()
    is_code = text.str.lower().isin(DFE_MISSING_CODES)
    if not allow_codes:
        is_code[:] = False
    numbers = pd.to_numeric(text.where(~is_code), errors="coerce")
    bad = numbers.isna() & text.notna() & ~is_code
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataImportError(
            f"{path}: column '{column}', row {row + 2}: '{text.iloc[row]}' is not a "
            "number (expected a number or a DfE code such as z, c or x)."
        )
    return numbers.astype("float64")


def read_register(path: Path) -> pd.DataFrame:
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
        For a wrong file, missing columns, non-numeric values or duplicate URNs.
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
    _require_columns(frame, [reverse[col] for col in GIAS_REQUIRED], path, what + " columns")
    tidy = frame[[col for col in mapping if col in frame.columns]].rename(columns=mapping)
    for column in ("urn", "pupils", "register_fsm_pct", "easting", "northing"):
        tidy[column] = _to_number(tidy[column], path, reverse[column])
    if tidy["urn"].isna().any():
        row = int(np.flatnonzero(tidy["urn"].isna().to_numpy())[0])
        raise DataImportError(f"{path}: row {row + 2} has no URN.")
    tidy["urn"] = tidy["urn"].astype("int64")
    tidy["la_code"] = tidy["la_code"].str.strip()
    duplicated = tidy["urn"].duplicated(keep=False)
    if duplicated.any():
        rows = (np.flatnonzero(duplicated.to_numpy())[:4] + 2).tolist()
        urn = int(tidy.loc[duplicated, "urn"].iloc[0])
        raise DataImportError(
            f"{path}: URN {urn} appears more than once (rows {rows}); each school must appear once."
        )
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
        and, where the file has a status, only those with status "Open".
    """
    keep = register_df["establishment_type_group"].isin(STATE_FUNDED_GROUPS) & ~register_df[
        "establishment_type"
    ].isin(NOT_STATE_FUNDED_TYPES)
    if "status" in register_df.columns:
        keep &= register_df["status"].eq("Open")
    return register_df.loc[keep].reset_index(drop=True)


def read_census(path: Path) -> pd.DataFrame:
    """Read the school-level school census file with official column names.

    Parameters
    ----------
    path : Path
        ``spc_school_level_underlying_data`` CSV, optionally gzipped.

    Returns
    -------
    pandas.DataFrame
        One row per URN: ``urn``, ``census_school_name``, ``census_denomination``,
        ``census_region``, ``census_phase``, ``census_postcode``, ``headcount``,
        the 18 ethnic-group counts ``n_<group>``, ``n_unclassified``, ``n_fsm``,
        ``n_eal``, ``n_first_language_english`` and
        ``n_first_language_unclassified``. DfE's ``z``/``c``/``x`` codes are
        missing values, never zeros.

    Raises
    ------
    DataImportError
        For a wrong file, missing columns, non-numeric values or duplicate URNs.
    """
    path = Path(path)
    what = 'the DfE school census file ("Schools, pupils and their characteristics")'
    frame = read_csv_file(path, what=what)
    if "URN" in frame.columns and "EstablishmentName" in frame.columns:
        raise DataImportError(f"{path}: this looks like the school register, not {what}.")
    if "establishment_name" in frame.columns:
        raise DataImportError(f"{path}: this looks like the school register, not {what}.")
    required = [*CENSUS_TEXT_COLUMNS.values(), *CENSUS_COUNT_COLUMNS.values()]
    _require_columns(frame, required, path, what + " columns")
    tidy = pd.DataFrame(
        {tidy: frame[official].str.strip() for tidy, official in CENSUS_TEXT_COLUMNS.items()}
    )
    for tidy_name, official in CENSUS_COUNT_COLUMNS.items():
        tidy[tidy_name] = _to_number(frame[official], path, official)
    tidy["urn"] = _to_number(frame["urn"], path, "urn", allow_codes=False).astype("int64")
    duplicated = tidy["urn"].duplicated(keep=False)
    if duplicated.any():
        urn = int(tidy.loc[duplicated, "urn"].iloc[0])
        raise DataImportError(f"{path}: URN {urn} appears more than once.")
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
        Columns ``urn``, ``link_urn`` (int64) and ``link_type`` (text).
    """
    path = Path(path)
    what = "the register's links file (URN, LinkURN, LinkType)"
    frame = read_csv_file(path, what=what)
    _require_columns(frame, LINK_COLUMNS, path, what)
    return (
        pd.DataFrame(
            {
                "urn": _to_number(frame["URN"], path, "URN", allow_codes=False),
                "link_urn": _to_number(frame["LinkURN"], path, "LinkURN", allow_codes=False),
                "link_type": frame["LinkType"].fillna("").str.strip(),
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
    _require_columns(
        frame, ("dfe_la_code", "gss_la_code", "la_name", "region_name"), path, "the LA lookup"
    )
    lookup = frame.rename(
        columns={"dfe_la_code": "la_code", "gss_la_code": "la_gss_code", "region_name": "region"}
    ).set_index("la_code")[["la_gss_code", "la_name", "region"]]
    for code, (gss, name, region) in LA_CODE_CHANGES_2023.items():
        lookup.loc[code] = (gss, name, region)
    return lookup.sort_index()


def resolve_census_urns(
    school_urns: Iterable[int],
    census_urns: Iterable[int],
    links_df: pd.DataFrame,
    *,
    max_steps: int = 3,
) -> pd.DataFrame:
    """Find each school's census row, following predecessor links when its URN changed.

    A school that became an academy after January 2023 has a new URN; its
    predecessor's census row describes the same pupils. When a school has several
    predecessors at the same step (amalgamations), all of them are returned.

    Parameters
    ----------
    school_urns : iterable of int
        URNs of the schools to match.
    census_urns : iterable of int
        URNs present in the census file.
    links_df : pandas.DataFrame
        Output of :func:`read_register_links`.
    max_steps : int, default 3
        How many predecessor steps to follow at most.

    Returns
    -------
    pandas.DataFrame
        Columns ``urn``, ``census_urn`` and ``steps`` (0 = same URN), one row per
        match; schools with no match are absent.

    Examples
    --------
    >>> links = pd.DataFrame({"urn": [2], "link_urn": [1], "link_type": ["Predecessor"]})
    >>> resolve_census_urns([2, 3], [1], links).to_dict("records")
    [{'urn': 2, 'census_urn': 1, 'steps': 1}]
    """
    census = set(census_urns)
    predecessors: dict[int, set[int]] = defaultdict(set)
    for urn, link_urn, link_type in links_df[["urn", "link_urn", "link_type"]].itertuples(
        index=False
    ):
        # Both directions are recorded, but not always both; use either.
        if link_type.startswith("Predecessor"):
            predecessors[urn].add(link_urn)
        elif link_type.startswith("Successor"):
            predecessors[link_urn].add(urn)
    rows: list[tuple[int, int, int]] = []
    for urn in school_urns:
        frontier, seen = {int(urn)}, {int(urn)}
        for step in range(max_steps + 1):
            hits = sorted(frontier & census)
            if hits:
                rows.extend((int(urn), hit, step) for hit in hits)
                break
            frontier = set().union(*(predecessors[u] for u in frontier)) - seen
            seen |= frontier
            if not frontier:
                break
    return pd.DataFrame(rows, columns=["urn", "census_urn", "steps"], dtype="int64")


def combine_census_rows(census_df: pd.DataFrame, matches_df: pd.DataFrame) -> pd.DataFrame:
    """Attach census figures to schools, adding up counts over several predecessors.

    Parameters
    ----------
    census_df : pandas.DataFrame
        Output of :func:`read_census`.
    matches_df : pandas.DataFrame
        Output of :func:`resolve_census_urns`.

    Returns
    -------
    pandas.DataFrame
        One row per matched school URN with the summed counts, the text fields of
        its largest predecessor, ``census_urns`` (e.g. ``"116859"`` or
        ``"1001;1002"``) and ``census_steps``.
    """
    counts = list(CENSUS_COUNT_COLUMNS)
    joined = matches_df.merge(census_df, left_on="census_urn", right_on="urn", suffixes=("", "_c"))
    # min_count=1 keeps "not applicable" as missing instead of summing to zero.
    summed = joined.groupby("urn")[counts].sum(min_count=1)
    largest = (
        joined.sort_values(["urn", "headcount", "census_urn"], ascending=[True, False, True])
        .drop_duplicates("urn")
        .set_index("urn")[list(CENSUS_TEXT_COLUMNS)[1:]]
    )
    sources = joined.groupby("urn").agg(
        census_urns=("census_urn", lambda s: ";".join(str(u) for u in sorted(s))),
        census_steps=("steps", "min"),
    )
    return pd.concat([summed, largest, sources], axis=1).reset_index()


def tidy_phase(education_phase: pd.Series, establishment_type: pd.Series) -> pd.Series:
    """Turn DfE's phase and type into one plain phase per school.

    Parameters
    ----------
    education_phase : pandas.Series
        GIAS ``PhaseOfEducation (name)``.
    establishment_type : pandas.Series
        GIAS ``TypeOfEstablishment (name)``.

    Returns
    -------
    pandas.Series
        One of :data:`dashboard.config.PHASES` (middle schools follow the phase
        DfE deems them to be).

    Examples
    --------
    >>> tidy_phase(pd.Series(["Middle deemed secondary", "Not applicable"]),
    ...            pd.Series(["Academy converter", "Pupil referral unit"])).tolist()
    ['Secondary', 'Alternative provision']
    """
    phase = education_phase.map(
        {
            "Primary": "Primary",
            "Middle deemed primary": "Primary",
            "Secondary": "Secondary",
            "Middle deemed secondary": "Secondary",
            "All-through": "All-through",
            "Nursery": "Nursery",
            "16 plus": "16 to 19",
        }
    )
    kind = establishment_type.str.lower()
    is_ap = kind.str.contains("alternative provision|pupil referral", regex=True)
    special = phase.isna() & kind.str.contains("special") & ~is_ap
    phase = phase.mask(special, "Special").mask(phase.isna() & is_ap, "Alternative provision")
    return phase.fillna("Other")


def tidy_religious_character(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Normalise religious character labels and group them by faith.

    Parameters
    ----------
    values : pandas.Series
        Census ``denomination`` or GIAS ``ReligiousCharacter (name)`` labels.

    Returns
    -------
    tuple of pandas.Series
        ``(religious_character, faith_group)``: the label with "no religious
        character" spelled "None" and "Islam" spelled "Muslim"; and one of
        None, Christian, Jewish, Muslim, Sikh, Hindu, Multi-faith, Other or
        Unknown.

    Examples
    --------
    >>> rc, group = tidy_religious_character(pd.Series(["Islam", "Does not apply", None]))
    >>> rc.tolist(), group.tolist()
    (['Muslim', 'None', 'Unknown'], ['Muslim', 'None', 'Unknown'])
    """
    label = values.fillna("Unknown").str.strip()
    label = label.replace(
        {
            "No religious character": "None",
            "Does not apply": "None",
            "Islam": "Muslim",
            "": "Unknown",
        }
    )
    rules = (
        ("Unknown", r"^Unknown$"),
        ("None", r"^None$"),
        ("Multi-faith", r"Multi|Inter-"),
        ("Jewish", r"Jew"),
        ("Muslim", r"Muslim|Sunni|Shia|Islam"),
        ("Sikh", r"Sikh"),
        ("Hindu", r"Hindu"),
        (
            "Christian",
            r"Church|Catholic|Christian|Methodist|Anglican|Protestant|Orthodox|Quaker"
            r"|Adventist|Brethren|Baptist|Evangelical|Reformed|Moravian|Congregational",
        ),
    )
    group = pd.Series("Other", index=values.index, dtype=object)
    assigned = pd.Series(False, index=values.index)
    for name, pattern in rules:
        hit = label.str.contains(pattern, regex=True) & ~assigned
        group[hit] = name
        assigned |= hit
    return label, group.astype(str)


def to_wgs84(easting: pd.Series, northing: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Convert British National Grid metres (EPSG:27700) to WGS84 degrees.

    Parameters
    ----------
    easting, northing : pandas.Series
        Coordinates in EPSG:27700 metres.

    Returns
    -------
    tuple of numpy.ndarray
        ``(longitude, latitude)`` in EPSG:4326.

    Examples
    --------
    >>> lon, lat = to_wgs84(pd.Series([394969.0]), pd.Series([247453.0]))
    >>> round(float(lat[0]), 4), round(float(lon[0]), 4)
    (52.1254, -2.0749)
    """
    transformer = Transformer.from_crs(BNG_CRS, WGS84_CRS, always_xy=True)
    lon, lat = transformer.transform(easting.to_numpy(float), northing.to_numpy(float))
    return np.asarray(lon), np.asarray(lat)


def read_boundaries(path: Path, code_column: str, name_column: str) -> gpd.GeoDataFrame:
    """Read an ONS boundary GeoJSON and make every polygon valid.

    Parameters
    ----------
    path : Path
        GeoJSON in WGS84 (EPSG:4326), as ONS publishes it.
    code_column, name_column : str
        Official property names of the area code and name (e.g. ``CTYUA24CD``).

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name`` and valid ``geometry`` in EPSG:4326.
    """
    path = Path(path)
    if not path.exists():
        raise DataImportError(f"{path}: file not found (expected ONS boundaries).")
    try:
        boundaries = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises many types for a bad file
        raise DataImportError(f"{path}: not a readable GeoJSON file ({exc}).") from exc
    _require_columns(boundaries, (code_column, name_column), path, "ONS boundary properties")
    boundaries = boundaries.rename(columns={code_column: "code", name_column: "name"})
    boundaries = boundaries[["code", "name", "geometry"]].to_crs(WGS84_CRS)
    # ONS generalised polygons carry tiny self-intersections (see PROVENANCE.md).
    boundaries["geometry"] = shapely.make_valid(boundaries.geometry.values)
    return boundaries.sort_values("code").reset_index(drop=True)
