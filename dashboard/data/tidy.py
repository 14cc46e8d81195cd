"""Join and tidy the official tables: census records through predecessors, ages, faiths, CRS."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Transformer

from dashboard.config import BNG_CRS, WGS84_CRS
from dashboard.data.official import CENSUS_COUNT_COLUMNS, CENSUS_TEXT_COLUMNS, YEAR_COUNT_COLUMNS


@dataclass(frozen=True)
class CensusMatches:
    """Which census record(s) each school gets, and the records it was refused."""

    matches: pd.DataFrame
    refused: pd.DataFrame


def _predecessor_map(links_df: pd.DataFrame) -> dict[int, set[int]]:
    """URN -> URNs it replaced, from either direction of the register's links."""
    predecessors: dict[int, set[int]] = defaultdict(set)
    for urn, link_urn, link_type in links_df[["urn", "link_urn", "link_type"]].itertuples(
        index=False
    ):
        # Both directions are recorded, but not always both; use either.
        if link_type.startswith("Predecessor"):
            predecessors[urn].add(link_urn)
        elif link_type.startswith("Successor"):
            predecessors[link_urn].add(urn)
    return predecessors


def resolve_census_urns(
    school_urns: Iterable[int],
    census_urns: Iterable[int],
    links_df: pd.DataFrame,
    *,
    max_steps: int = 3,
) -> CensusMatches:
    """Find each school's census record, following predecessor links when its URN changed.

    A school that became an academy after January 2023 has a new URN; its
    predecessor's census record describes the same pupils. When a school has
    several predecessors at the same step (amalgamations), all of them are used.

    A census record describes one set of pupils, so it is given to **at most one
    open school**. A school keeps its own record. A predecessor's record is
    refused when that predecessor is still open with its own record (a school
    split off from it), or when several open schools would inherit it (a school
    split in two): the pupils cannot be divided between them. A school is given
    nothing rather than part of its predecessors' records.

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
    CensusMatches
        ``matches``: ``urn``, ``census_urn`` and ``steps`` (0 = same URN), one
        row per record used; every ``census_urn`` appears once. ``refused``:
        ``urn``, ``census_urn`` and ``kept_by`` (the other open schools that
        hold or want that record, ``;``-separated), for schools left without
        figures for that reason.

    Examples
    --------
    >>> links = pd.DataFrame({"urn": [2, 3, 4], "link_urn": [1, 1, 5],
    ...                       "link_type": ["Predecessor", "Predecessor - Split School",
    ...                                     "Predecessor"]})
    >>> found = resolve_census_urns([1, 2, 3, 4], [1, 5], links)
    >>> found.matches.to_dict("records")
    [{'urn': 1, 'census_urn': 1, 'steps': 0}, {'urn': 4, 'census_urn': 5, 'steps': 1}]
    >>> found.refused.to_dict("records")
    [{'urn': 2, 'census_urn': 1, 'kept_by': '1;3'}, {'urn': 3, 'census_urn': 1, 'kept_by': '1;2'}]
    """
    census = set(census_urns)
    urns = [int(u) for u in school_urns]
    own = {u for u in urns if u in census}
    predecessors = _predecessor_map(links_df)
    wanted: dict[int, tuple[list[int], int]] = {}
    for urn in urns:
        if urn in own:
            continue
        frontier, seen = {urn}, {urn}
        for step in range(1, max_steps + 1):
            frontier = set().union(*(predecessors[u] for u in frontier)) - seen
            seen |= frontier
            hits = sorted(frontier & census)
            if hits:
                wanted[urn] = (hits, step)
                break
            if not frontier:
                break
    claimants: dict[int, list[int]] = defaultdict(list)
    for urn, (hits, _) in wanted.items():
        for hit in hits:
            claimants[hit].append(urn)
    rows = [(urn, urn, 0) for urn in urns if urn in own]
    refused: list[tuple[int, int, str]] = []
    for urn, (hits, step) in wanted.items():
        blocked = [h for h in hits if h in own or len(claimants[h]) > 1]
        if not blocked:
            rows.extend((urn, hit, step) for hit in hits)
            continue
        hit = blocked[0]
        others = ([hit] if hit in own else []) + [u for u in claimants[hit] if u != urn]
        refused.append((urn, hit, ";".join(str(u) for u in sorted(others))))
    matches = pd.DataFrame(rows, columns=["urn", "census_urn", "steps"], dtype="int64")
    refused_df = pd.DataFrame(refused, columns=["urn", "census_urn", "kept_by"])
    return CensusMatches(
        matches.sort_values(["urn", "census_urn"], ignore_index=True),
        refused_df.astype({"urn": "int64", "census_urn": "int64"}).sort_values(
            "urn", ignore_index=True
        ),
    )


def describe_refusals(
    refused_df: pd.DataFrame, census_names: pd.Series, open_urns: Container[int]
) -> pd.Series:
    """Say in plain words why a school was refused a predecessor's census record.

    Parameters
    ----------
    refused_df : pandas.DataFrame
        ``CensusMatches.refused``.
    census_names : pandas.Series
        School name in the census, indexed by census URN.
    open_urns : container of int
        URNs of open schools (to say whether the predecessor is still open).

    Returns
    -------
    pandas.Series
        One sentence per refused school, indexed by its URN.

    Examples
    --------
    >>> refused = pd.DataFrame({"urn": [2], "census_urn": [1], "kept_by": ["1"]})
    >>> describe_refusals(refused, pd.Series({1: "Old School"}), {1, 2}).tolist()
    ['Its predecessor Old School (URN 1) is still open and keeps its census record']
    """
    reasons = {}
    for urn, census_urn, kept_by in refused_df.itertuples(index=False):
        name = f"{census_names.get(census_urn, 'a school')} (URN {census_urn})"
        sharers = [int(u) for u in str(kept_by).split(";") if u and int(u) != census_urn]
        if census_urn in open_urns:
            reasons[urn] = f"Its predecessor {name} is still open and keeps its census record"
        else:
            count = len(sharers) + 1
            reasons[urn] = (
                f"It was split from {name}; {count} open schools come from it and its "
                "census record cannot be divided between them"
            )
    return pd.Series(reasons, dtype=object)


def combine_census_rows(census_df: pd.DataFrame, matches_df: pd.DataFrame) -> pd.DataFrame:
    """Attach census figures to schools, adding up counts over several predecessors.

    Parameters
    ----------
    census_df : pandas.DataFrame
        Output of :func:`read_census`.
    matches_df : pandas.DataFrame
        ``CensusMatches.matches`` from :func:`resolve_census_urns`.

    Returns
    -------
    pandas.DataFrame
        One row per matched school URN with the summed counts (pupils and year
        groups), the text fields of its largest predecessor, ``census_urns``
        (e.g. ``"116859"`` or ``"1001;1002"``) and ``census_steps``.
    """
    counts = [*CENSUS_COUNT_COLUMNS, *YEAR_COUNT_COLUMNS]
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


def year_range(year_counts_df: pd.DataFrame, *, min_share: float = 0.02) -> pd.DataFrame:
    """The first and last year group a school teaches, from its pupils per year group.

    Nursery classes are left out (a primary's nursery does not make it a
    nursery school); a year group counts when it holds at least ``min_share``
    of the school's pupils in Reception to Year 14, so a handful of pupils
    recorded out of year do not stretch the range.

    Parameters
    ----------
    year_counts_df : pandas.DataFrame
        The ``y_<n>`` columns of :func:`read_census` (n = -2 … 14).
    min_share : float
        Share of pupils a year group needs to count.

    Returns
    -------
    pandas.DataFrame
        ``first_year`` and ``last_year`` (Int64; 0 = Reception, 1-14 = Year 1-14),
        missing when no pupil is in Reception to Year 14.

    Examples
    --------
    >>> counts = pd.DataFrame({f"y_{n}": [0] * 2 for n in range(-2, 15)})
    >>> counts.loc[0, ["y_-1", "y_0", "y_1", "y_4", "y_5"]] = [30, 60, 60, 60, 1]
    >>> year_range(counts).iloc[0].tolist()
    [0, 4]
    """
    columns = [f"y_{n}" for n in range(0, 15)]
    counts = year_counts_df[columns].fillna(0).to_numpy(float)
    total = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        taught = (counts > 0) & (counts >= min_share * total)
    any_taught = taught.any(axis=1)
    first = np.where(any_taught, taught.argmax(axis=1), -1)
    last = np.where(any_taught, counts.shape[1] - 1 - taught[:, ::-1].argmax(axis=1), -1)
    out = pd.DataFrame({"first_year": first, "last_year": last}, index=year_counts_df.index)
    return out.astype("Int64").mask(~pd.Series(any_taught, index=out.index), pd.NA)


def tidy_phase(
    education_phase: pd.Series,
    establishment_type: pd.Series,
    census_phase: pd.Series | None = None,
) -> pd.Series:
    """Turn DfE's phase and type into one plain phase per school.

    Parameters
    ----------
    education_phase : pandas.Series
        GIAS ``PhaseOfEducation (name)``.
    establishment_type : pandas.Series
        GIAS ``TypeOfEstablishment (name)``.
    census_phase : pandas.Series or None
        The census ``phase_type_grouping``, used where GIAS gives no phase (City
        Technology Colleges are "Not applicable" in GIAS).

    Returns
    -------
    pandas.Series
        One of :data:`dashboard.config.PHASES` (middle schools follow the phase
        DfE deems them to be), or "Other".

    Examples
    --------
    >>> tidy_phase(pd.Series(["Middle deemed secondary", "Not applicable", "Not applicable"]),
    ...            pd.Series(["Academy converter", "Pupil referral unit",
    ...                       "City technology college"]),
    ...            pd.Series([None, None, "State-funded secondary"])).tolist()
    ['Secondary', 'Alternative provision', 'Secondary']
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
    if census_phase is not None:
        from_census = census_phase.map(
            {
                "State-funded primary": "Primary",
                "State-funded secondary": "Secondary",
                "State-funded nursery": "Nursery",
                "State-funded special school": "Special",
                "State-funded AP school": "Alternative provision",
            }
        )
        phase = phase.fillna(from_census)
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
