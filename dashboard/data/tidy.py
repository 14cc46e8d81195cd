"""Join and tidy the official tables: census rows through predecessor URNs, phases, faiths, CRS."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd
from pyproj import Transformer

from dashboard.config import BNG_CRS, WGS84_CRS
from dashboard.data.official import CENSUS_COUNT_COLUMNS, CENSUS_TEXT_COLUMNS


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
