"""Compact JSON for the browser map: school points, LA and region outlines, filter masks.

The map's large data is served once as static files and cached by the browser;
each Streamlit rerun only sends which schools to show, as a short bit mask.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

POINTS_FILE = "school_points.json"
LABELS_FILE = "school_labels.json"
LA_GEOJSON_FILE = "local_authorities.geojson"
REGIONS_GEOJSON_FILE = "regions.geojson"
STATIC_FILES = (POINTS_FILE, LABELS_FILE, LA_GEOJSON_FILE, REGIONS_GEOJSON_FILE)
# What the map needs to draw at all (names are only fetched afterwards, for tooltips).
FIRST_DRAW_FILES = (POINTS_FILE, LA_GEOJSON_FILE, REGIONS_GEOJSON_FILE)
# Each is also written gzip-compressed beside itself (``name.gz``), for the app to serve as is.
GZIP_SUFFIX = ".gz"
# Points are stored as integer steps of 1/10,000 degree (about 11 m) from here.
POINT_ORIGIN = (49.0, -7.0)
POINT_SCALE = 10_000
BOUNDARY_DP = 4


def _scaled(values: Iterable[float], scale: float, offset: float = 0.0) -> list[int | None]:
    """Store ``(value - offset) * scale`` as integers (NaN -> null): short, exact JSON."""
    return [
        None if v is None or math.isnan(v) else round((float(v) - offset) * scale) for v in values
    ]


def build_points_payload(schools_gdf: gpd.GeoDataFrame) -> dict:
    """What the map needs to draw and colour every school, as short integer arrays.

    Positions are 1/10,000 of a degree (about 11 m) from a fixed origin; the
    percentages are tenths and the diversity index thousandths. Names go in a
    separate file (:func:`build_labels_payload`) that is only needed for tooltips.

    Parameters
    ----------
    schools_gdf : geopandas.GeoDataFrame
        Points in EPSG:4326 with ``urn``, ``white_british_pct``, ``diversity_index``,
        ``fsm_pct`` and ``eal_pct``.

    Returns
    -------
    dict
        ``n``, ``urn``, ``origin`` ([lat, lon]), ``scale`` and arrays ``lat``, ``lon`` and
        one per measure with its divisor in ``divisors``.

    Examples
    --------
    >>> import shapely
    >>> gdf = gpd.GeoDataFrame({"urn": [136925], "white_british_pct": [91.25],
    ...     "diversity_index": [0.1444], "fsm_pct": [15.0], "eal_pct": [float("nan")]},
    ...     geometry=[shapely.Point(-2.0749, 52.1254)], crs="EPSG:4326")
    >>> p = build_points_payload(gdf)
    >>> p["lat"], p["lon"], p["white_british_pct"], p["diversity_index"], p["eal_pct"]
    ([31254], [49251], [912], [144], [None])
    """
    divisors = {"white_british_pct": 10, "diversity_index": 1000, "fsm_pct": 10, "eal_pct": 10}
    payload: dict = {
        "n": len(schools_gdf),
        "urn": schools_gdf["urn"].astype(int).tolist(),
        "origin": list(POINT_ORIGIN),
        "scale": POINT_SCALE,
        "lat": _scaled(schools_gdf.geometry.y, POINT_SCALE, POINT_ORIGIN[0]),
        "lon": _scaled(schools_gdf.geometry.x, POINT_SCALE, POINT_ORIGIN[1]),
        "divisors": divisors,
    }
    for measure, divisor in divisors.items():
        payload[measure] = _scaled(schools_gdf[measure], divisor)
    return payload


def build_labels_payload(schools_gdf: gpd.GeoDataFrame) -> dict:
    """Tooltip text of every school, in the same order as the points file.

    Parameters
    ----------
    schools_gdf : geopandas.GeoDataFrame
        With ``urn``, ``school_name``, ``la_name`` and ``phase``.

    Returns
    -------
    dict
        ``urn``, ``name``, ``la`` (index into ``las``), ``phase`` (index into
        ``phases``).
    """
    las = sorted(schools_gdf["la_name"].astype(str).unique())
    phases = sorted(schools_gdf["phase"].astype(str).unique())
    la_index = {name: i for i, name in enumerate(las)}
    phase_index = {name: i for i, name in enumerate(phases)}
    return {
        "urn": schools_gdf["urn"].astype(int).tolist(),
        "name": schools_gdf["school_name"].astype(str).tolist(),
        "las": las,
        "la": [la_index[v] for v in schools_gdf["la_name"].astype(str)],
        "phases": phases,
        "phase": [phase_index[v] for v in schools_gdf["phase"].astype(str)],
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
    """Serialise the static map files deterministically.

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
        LABELS_FILE: dump(build_labels_payload(schools_gdf)),
        LA_GEOJSON_FILE: dump(boundaries_geojson(las_gdf, ["la_gss_code", "la_name", "region"])),
        REGIONS_GEOJSON_FILE: dump(boundaries_geojson(regions_gdf, ["region_code", "region"])),
    }


def gzip_bytes(data: bytes) -> bytes:
    """Gzip ``data`` reproducibly: best compression, no timestamp and no file name.

    Examples
    --------
    >>> gzip_bytes(b"atlas") == gzip_bytes(b"atlas")
    True
    >>> gzip.decompress(gzip_bytes(b"atlas"))
    b'atlas'
    """
    return gzip.compress(data, compresslevel=9, mtime=0)


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
