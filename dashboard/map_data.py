"""Compact JSON for the browser map: school points, LA and region outlines, filter masks.

The map's large data is served once as static files and cached by the browser;
each Streamlit rerun only sends which schools to show, as a short bit mask.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

POINTS_FILE = "schools.json"
LA_GEOJSON_FILE = "local_authorities.geojson"
REGIONS_GEOJSON_FILE = "regions.geojson"
# 5 decimal places of a degree is about 1 m: exact enough for a school.
COORD_DP = 5
BOUNDARY_DP = 4


def _rounded(values: Iterable[float], dp: int) -> list[float | None]:
    """Round floats for JSON; NaN becomes null."""
    return [None if v is None or math.isnan(v) else round(float(v), dp) for v in values]


def build_points_payload(schools_gdf: gpd.GeoDataFrame) -> dict:
    """Columnar arrays of every school, in the frame's order, for the map script.

    Parameters
    ----------
    schools_gdf : geopandas.GeoDataFrame
        Points in EPSG:4326 with ``urn``, ``school_name``, ``la_name``,
        ``phase``, ``white_british_pct``, ``diversity_index``, ``fsm_pct`` and
        ``eal_pct``.

    Returns
    -------
    dict
        ``urn``, ``name``, ``lat``, ``lon``, ``la`` (index into ``las``),
        ``phase`` (index into ``phases``) and one array per measure.
    """
    las = sorted(schools_gdf["la_name"].unique())
    phases = sorted(schools_gdf["phase"].unique())
    la_index = {name: i for i, name in enumerate(las)}
    phase_index = {name: i for i, name in enumerate(phases)}
    return {
        "n": len(schools_gdf),
        "urn": schools_gdf["urn"].astype(int).tolist(),
        "name": schools_gdf["school_name"].astype(str).tolist(),
        "lat": _rounded(schools_gdf.geometry.y, COORD_DP),
        "lon": _rounded(schools_gdf.geometry.x, COORD_DP),
        "las": las,
        "la": [la_index[v] for v in schools_gdf["la_name"]],
        "phases": phases,
        "phase": [phase_index[v] for v in schools_gdf["phase"]],
        "white_british_pct": _rounded(schools_gdf["white_british_pct"], 1),
        "diversity_index": _rounded(schools_gdf["diversity_index"], 3),
        "fsm_pct": _rounded(schools_gdf["fsm_pct"], 1),
        "eal_pct": _rounded(schools_gdf["eal_pct"], 1),
    }


def boundaries_geojson(gdf: gpd.GeoDataFrame, properties: list[str], dp: int = BOUNDARY_DP) -> dict:
    """GeoJSON FeatureCollection with rounded coordinates and chosen properties.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons in EPSG:4326.
    properties : list of str
        Columns to keep as feature properties.
    dp : int
        Decimal places kept in coordinates.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection.
    """
    geoms = shapely.set_precision(gdf.geometry.values, 10.0**-dp)
    features = []
    for geom, (_, row) in zip(geoms, gdf[properties].iterrows(), strict=True):
        mapping = json.loads(shapely.to_geojson(geom))
        features.append(
            {"type": "Feature", "properties": {k: row[k] for k in properties}, "geometry": mapping}
        )
    return {"type": "FeatureCollection", "features": features}


def build_static_payloads(
    schools_gdf: gpd.GeoDataFrame, las_gdf: gpd.GeoDataFrame, regions_gdf: gpd.GeoDataFrame
) -> dict[str, str]:
    """Serialise the three static map files deterministically.

    Parameters
    ----------
    schools_gdf, las_gdf, regions_gdf : geopandas.GeoDataFrame
        The built tables (EPSG:4326).

    Returns
    -------
    dict of str to str
        File name -> JSON text.
    """
    dump = lambda obj: json.dumps(obj, separators=(",", ":"), ensure_ascii=False)  # noqa: E731
    return {
        POINTS_FILE: dump(build_points_payload(schools_gdf)),
        LA_GEOJSON_FILE: dump(boundaries_geojson(las_gdf, ["la_gss_code", "la_name", "region"])),
        REGIONS_GEOJSON_FILE: dump(boundaries_geojson(regions_gdf, ["region_code", "region"])),
    }


def encode_mask(positions: Iterable[int] | np.ndarray, n: int) -> str:
    """Encode which of ``n`` schools are shown as a base64 bit mask.

    Bit ``i`` (least significant bit first within each byte) is set when the
    school at position ``i`` is shown. 21,975 schools take 3.7 kB.

    Parameters
    ----------
    positions : iterable of int
        Positions (0-based) of the shown schools in the full table.
    n : int
        Number of schools in the full table.

    Returns
    -------
    str
        Base64 text.

    Examples
    --------
    >>> encode_mask([0, 2, 9], 10)
    'BQI='
    """
    bits = np.zeros(n, dtype=bool)
    bits[np.asarray(list(positions), dtype=int)] = True
    return base64.b64encode(np.packbits(bits, bitorder="little").tobytes()).decode("ascii")


def decode_mask(mask: str, n: int) -> np.ndarray:
    """Inverse of :func:`encode_mask`: positions of the set bits.

    Parameters
    ----------
    mask : str
        Base64 text from :func:`encode_mask`.
    n : int
        Number of schools in the full table.

    Returns
    -------
    numpy.ndarray
        Sorted positions.

    Examples
    --------
    >>> decode_mask("BQI=", 10).tolist()
    [0, 2, 9]
    """
    bits = np.unpackbits(np.frombuffer(base64.b64decode(mask), dtype=np.uint8), bitorder="little")
    return np.flatnonzero(bits[:n])


def positions_of(urns: pd.Series | Iterable[int], all_urns: pd.Series) -> np.ndarray:
    """Positions of ``urns`` within ``all_urns`` (the static file's order).

    Parameters
    ----------
    urns : iterable of int
        URNs to find.
    all_urns : pandas.Series
        URNs of every school, in the order of the static points file.

    Returns
    -------
    numpy.ndarray
        Positions; URNs not found are dropped.
    """
    index = pd.Index(all_urns)
    found = index.get_indexer(pd.Index(list(urns)))
    return found[found >= 0]
