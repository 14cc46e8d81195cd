"""Read the embedded default data in ``data/`` (GeoParquet) into frames."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard import config


def read_schools(path: Path = config.SCHOOLS_FILE) -> gpd.GeoDataFrame:
    """Read every open state-funded school.

    Parameters
    ----------
    path : Path
        ``schools.parquet`` written by :mod:`dashboard.data.build`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per school, sorted by URN; points in EPSG:4326 (easting and
        northing columns are EPSG:27700). Columns are described in
        ``data/README.md``.
    """
    schools_gdf = gpd.read_parquet(path)
    for column in ("la_name", "region", "phase", "religious_character", "faith_group"):
        schools_gdf[column] = schools_gdf[column].astype("category")
    return schools_gdf


def read_local_authorities(path: Path = config.LA_FILE) -> gpd.GeoDataFrame:
    """Read the 153 upper-tier LA boundaries (EPSG:4326).

    Parameters
    ----------
    path : Path
        ``local_authorities.parquet``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``la_gss_code``, ``la_name``, ``region``, ``geometry``.
    """
    return gpd.read_parquet(path)


def read_regions(path: Path = config.REGIONS_FILE) -> gpd.GeoDataFrame:
    """Read the 9 English regions (EPSG:4326).

    Parameters
    ----------
    path : Path
        ``regions.parquet``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``region_code``, ``region``, ``geometry``.
    """
    return gpd.read_parquet(path)


def read_other_establishments(path: Path = config.OTHER_ESTABLISHMENTS_FILE) -> pd.DataFrame:
    """Read the URNs that are not schools in the atlas, and why (``kind``).

    Parameters
    ----------
    path : Path
        ``other_establishments.parquet`` written by :mod:`dashboard.data.build`.

    Returns
    -------
    pandas.DataFrame
        ``urn``, ``name``, ``kind``, ``establishment_type``, ``successor_urns``
        (a list of URNs per row); see ``data/README.md``.
    """
    return pd.read_parquet(path)


def read_manifest(path: Path = config.MANIFEST_FILE) -> dict[str, dict]:
    """Read the build manifest: rows and sha256 of every embedded file.

    Parameters
    ----------
    path : Path
        ``manifest.json``.

    Returns
    -------
    dict
        File name -> ``{"rows": int | None, "sha256": str}``.
    """
    return json.loads(Path(path).read_text("utf-8"))
