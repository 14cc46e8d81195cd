"""Filter and search schools, and carry the filters in a shareable URL query string."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from dashboard import config

# Plain-word bands of the Diversity and Free school meals filters, on the edges of the
# map's colour classes for those measures (config.MEASURE_BINS), so one band picked in a
# filter is one colour on the map. The White British classes (50, 80, 90, 95 %, chosen
# from the data's distribution) have no filter: the "predominantly white" slider and the
# Gaps view already cut on that measure.
DIVERSITY_BANDS = ("very low", "low", "medium", "high", "very high")
FSM_BANDS = ("under 10 %", "10 to 20 %", "20 to 30 %", "30 to 40 %", "40 % or more")
LINK_STATUS_OPTIONS = ("any", "linked", "not linked")
MAX_WITHIN_KM = 50.0


@dataclass(frozen=True)
class SchoolFilter:
    """Everything the officers' map can filter on; empty means "no filter"."""

    regions: tuple[str, ...] = ()
    las: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    religions: tuple[str, ...] = ()
    diversity: tuple[str, ...] = ()
    fsm: tuple[str, ...] = ()
    link_status: str = "any"
    search: str = ""
    near_urn: int | None = None
    within_km: float = 5.0

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return self == SchoolFilter(within_km=self.within_km)


def band_of(values: pd.Series, bins: tuple[float, ...], labels: tuple[str, ...]) -> pd.Series:
    """Label each value with its band (missing stays missing).

    Parameters
    ----------
    values : pandas.Series
        Numbers.
    bins : tuple of float
        Inner edges, ascending; a value on an edge belongs to the upper band.
    labels : tuple of str
        One more label than edges.

    Returns
    -------
    pandas.Series
        Band labels (object dtype, NaN where the value is missing).

    Examples
    --------
    >>> band_of(pd.Series([0.1, 0.2, None]), (0.2, 0.4, 0.6, 0.8), DIVERSITY_BANDS).tolist()
    ['very low', 'low', nan]
    """
    index = np.searchsorted(np.asarray(bins, float), values.to_numpy(float), side="right")
    out = pd.Series(
        np.asarray(labels, dtype=object)[np.minimum(index, len(labels) - 1)],
        index=values.index,
        dtype=object,
    )
    return out.where(values.notna())


def diversity_band(schools_df: pd.DataFrame) -> pd.Series:
    """Diversity band of each school (very low … very high)."""
    return band_of(
        schools_df["diversity_index"], config.MEASURE_BINS["diversity_index"], DIVERSITY_BANDS
    )


def fsm_band(schools_df: pd.DataFrame) -> pd.Series:
    """Free-school-meals band of each school."""
    return band_of(schools_df["fsm_pct"], config.MEASURE_BINS["fsm_pct"], FSM_BANDS)


def normalise_postcode(text: str) -> str:
    """Upper case without spaces, for comparing postcodes.

    Examples
    --------
    >>> normalise_postcode(" wr10 2bx ")
    'WR102BX'
    """
    return re.sub(r"\s+", "", text).upper()


def search_schools(schools_df: pd.DataFrame, text: str) -> pd.DataFrame:
    """Schools matching a name, a URN or a postcode (or its start).

    Parameters
    ----------
    schools_df : pandas.DataFrame
        With ``urn``, ``school_name`` and ``postcode``.
    text : str
        What the user typed: "pershore", "136925", "WR10 2BX" or "WR10".

    Returns
    -------
    pandas.DataFrame
        Matching rows, exact URN or postcode matches first, then by name.
    """
    query = text.strip()
    if not query:
        return schools_df.iloc[0:0]
    urn = ascii_number(query)
    if urn is not None:
        return schools_df[schools_df["urn"] == urn]
    postcode = normalise_postcode(query)
    postcodes = schools_df["postcode"].fillna("").str.replace(" ", "", regex=False).str.upper()
    looks_like_postcode = re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?(\d[A-Z]{0,2})?", postcode)
    if looks_like_postcode:
        by_postcode = schools_df[postcodes.str.startswith(postcode)]
        if not by_postcode.empty:
            return by_postcode.sort_values("school_name")
    words = [re.escape(w) for w in query.lower().split()]
    names = schools_df["school_name"].str.lower()
    hit = pd.Series(True, index=schools_df.index)
    for word in words:
        hit &= names.str.contains(word, regex=True)
    found = schools_df[hit]
    starts = found["school_name"].str.lower().str.startswith(query.lower())
    return (
        found.assign(_starts=~starts)
        .sort_values(["_starts", "school_name"])
        .drop(columns="_starts")
    )


def within_km(schools_df: pd.DataFrame, urn: int, km: float) -> pd.DataFrame:
    """Schools within ``km`` kilometres of one school (straight line, British National Grid).

    Parameters
    ----------
    schools_df : pandas.DataFrame
        With ``urn``, ``easting`` and ``northing`` (EPSG:27700 metres).
    urn : int
        The centre school.
    km : float
        Radius in kilometres.

    Returns
    -------
    pandas.DataFrame
        The schools within the radius (including the centre school), with a
        ``distance_km`` column.

    Raises
    ------
    ValueError
        If the URN is not in the table.
    """
    centre = schools_df.loc[schools_df["urn"] == urn]
    if centre.empty:
        raise ValueError(f"There is no school with URN {urn}.")
    dx = schools_df["easting"].to_numpy(float) - float(centre["easting"].iloc[0])
    dy = schools_df["northing"].to_numpy(float) - float(centre["northing"].iloc[0])
    distance = np.hypot(dx, dy) / 1000
    return schools_df[distance <= km].assign(distance_km=distance[distance <= km].round(2))


def filter_schools(
    schools_df: pd.DataFrame, flt: SchoolFilter, linked_urns: Collection[int] = ()
) -> pd.DataFrame:
    """Apply every filter in ``flt``.

    Parameters
    ----------
    schools_df : pandas.DataFrame
        The schools table.
    flt : SchoolFilter
        The filters.
    linked_urns : collection of int
        Schools with at least one link that is not ended (for ``link_status``).

    Returns
    -------
    pandas.DataFrame
        The rows that pass, in the original order.
    """
    keep = np.ones(len(schools_df), dtype=bool)
    for column, chosen in (
        ("region", flt.regions),
        ("la_name", flt.las),
        ("phase", flt.phases),
        ("religious_character", flt.religions),
    ):
        if chosen:
            keep &= schools_df[column].isin(chosen).to_numpy()
    if flt.diversity:
        keep &= diversity_band(schools_df).isin(flt.diversity).to_numpy()
    if flt.fsm:
        keep &= fsm_band(schools_df).isin(flt.fsm).to_numpy()
    if flt.link_status != "any":
        linked = schools_df["urn"].isin(set(linked_urns)).to_numpy()
        keep &= linked if flt.link_status == "linked" else ~linked
    # No filter: hand back the same frame rather than a 21,975-row copy per rerun.
    out = schools_df if keep.all() else schools_df[keep]
    if flt.search.strip():
        out = out[out["urn"].isin(search_schools(schools_df, flt.search)["urn"])]
    if flt.near_urn is not None:
        near = within_km(schools_df, flt.near_urn, flt.within_km)
        out = out[out["urn"].isin(near["urn"])]
    return out


# URL keys: short and readable, e.g. ?la=Worcestershire&phase=Primary
def ascii_number(text: str, max_digits: int = 9) -> int | None:
    """A whole number written only in ASCII digits (a URN, a count), else None.

    ``str.isdigit`` also accepts digits such as "²" that ``int`` refuses, and an
    unbounded number of them: this accepts only ``0-9``, at most ``max_digits``.

    Examples
    --------
    >>> ascii_number("136925"), ascii_number("²"), ascii_number("-1"), ascii_number("9" * 40)
    (136925, None, None, None)
    """
    if len(text) <= max_digits and _ASCII_DIGITS.fullmatch(text):
        return int(text)
    return None


_ASCII_DIGITS = re.compile(r"[0-9]+")
# Longer searches are cut to this (no school name is longer).
MAX_SEARCH_CHARS = 100
_QUERY_KEYS = {
    "regions": "region",
    "las": "la",
    "phases": "phase",
    "religions": "faith",
    "diversity": "diversity",
    "fsm": "fsm",
    "link_status": "linked",
    "search": "q",
    "near_urn": "near",
    "within_km": "km",
}


def to_query_params(flt: SchoolFilter) -> dict[str, str | list[str]]:
    """The filters as URL query parameters (only those that differ from the default).

    Parameters
    ----------
    flt : SchoolFilter
        The filters.

    Returns
    -------
    dict
        Suitable for ``st.query_params.from_dict``.

    Examples
    --------
    >>> to_query_params(SchoolFilter(las=("Worcestershire",), within_km=5))
    {'la': ['Worcestershire']}
    """
    default = SchoolFilter()
    params: dict[str, str | list[str]] = {}
    for item in fields(SchoolFilter):
        value = getattr(flt, item.name)
        if value == getattr(default, item.name):
            continue
        key = _QUERY_KEYS[item.name]
        params[key] = (
            list(value)
            if isinstance(value, tuple)
            else f"{value:g}"
            if isinstance(value, float)
            else str(value)
        )
    return params


def from_query_params(
    params: Mapping[str, list[str]], options: Mapping[str, Collection[str]]
) -> tuple[SchoolFilter, list[str]]:
    """Read filters from URL query parameters, ignoring values that are not options.

    Parameters
    ----------
    params : mapping of str to list of str
        Every value of every key (``st.query_params.to_dict`` gives only the last
        value; pass ``{k: st.query_params.get_all(k) ...}``).
    options : mapping
        Allowed values for ``regions``, ``las``, ``phases`` and ``religions``.

    Returns
    -------
    tuple
        ``(filter, ignored)``: the filter and plain notes on anything ignored.

    Examples
    --------
    >>> flt, ignored = from_query_params({"la": ["Worcestershire", "Atlantis"]},
    ...                                  {"las": ["Worcestershire"]})
    >>> flt.las, ignored
    (('Worcestershire',), ['la=Atlantis'])
    """
    allowed = {
        **{k: set(v) for k, v in options.items()},
        "diversity": set(DIVERSITY_BANDS),
        "fsm": set(FSM_BANDS),
    }
    values: dict[str, object] = {}
    ignored: list[str] = []
    for name, key in _QUERY_KEYS.items():
        given = [v for v in params.get(key, []) if v != ""]
        if not given:
            continue
        if name in allowed:
            good = tuple(v for v in given if v in allowed[name])
            ignored += [f"{key}={v}" for v in given if v not in allowed[name]]
            if good:
                values[name] = good
        elif name == "link_status":
            if given[-1] in LINK_STATUS_OPTIONS:
                values[name] = given[-1]
            else:
                ignored.append(f"{key}={given[-1]}")
        elif name == "search":
            values[name] = given[-1][:MAX_SEARCH_CHARS]
        elif name == "near_urn":
            if (urn := ascii_number(given[-1])) is not None:
                values[name] = urn
            else:
                ignored.append(f"{key}={given[-1]}")
        elif name == "within_km":
            try:
                km = float(given[-1])
            except ValueError:
                ignored.append(f"{key}={given[-1]}")
                continue
            if 0 < km <= MAX_WITHIN_KM:
                values[name] = km
            else:
                ignored.append(f"{key}={given[-1]}")
    return replace(SchoolFilter(), **values), ignored
