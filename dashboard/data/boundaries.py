"""ONS boundaries: read, make valid, simplify for the web, and check schools lie in England."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard import config
from dashboard.config import WGS84_CRS
from dashboard.data.csv_files import DataImportError, require_columns

# Simplification tolerance in degrees (about 100 m): plenty for a web map of LAs.
SIMPLIFY_DEGREES = 0.001
# Generalised ONS coastlines cut off some coastal schools; allow this much slack.
ENGLAND_SLACK_M = 5_000.0


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
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises many types for a bad file
        raise DataImportError(f"{path}: not a readable GeoJSON file ({exc}).") from exc
    require_columns(frame, (code_column, name_column), path, "ONS boundary properties")
    frame = frame.rename(columns={code_column: "code", name_column: "name"})
    frame = frame[["code", "name", "geometry"]].to_crs(WGS84_CRS)
    # ONS generalised polygons carry tiny self-intersections (see PROVENANCE.md).
    frame["geometry"] = shapely.make_valid(frame.geometry.values)
    return frame.sort_values("code").reset_index(drop=True)


def build_boundaries(
    la_raw_gdf: gpd.GeoDataFrame, regions_raw_gdf: gpd.GeoDataFrame, la_lookup_df: pd.DataFrame
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Simplify LA boundaries for the web and derive matching region outlines.

    Region outlines are the LAs dissolved by region, so the two layers share
    their borders exactly; the ONS region file supplies the official codes.

    Parameters
    ----------
    la_raw_gdf : geopandas.GeoDataFrame
        ONS upper-tier LAs (``code``, ``name``, ``geometry``), EPSG:4326.
    regions_raw_gdf : geopandas.GeoDataFrame
        ONS regions (``code``, ``name``), EPSG:4326.
    la_lookup_df : pandas.DataFrame
        Output of :func:`dashboard.data.official.read_la_lookup`.

    Returns
    -------
    tuple of geopandas.GeoDataFrame
        ``(local_authorities, regions)``: LAs with ``la_gss_code``, ``la_name``,
        ``region``; regions with ``region_code``, ``region``; both EPSG:4326.
    """
    region_by_la = la_lookup_df.drop_duplicates("la_gss_code").set_index("la_gss_code")["region"]
    las = la_raw_gdf.rename(columns={"code": "la_gss_code", "name": "la_name"})
    las["region"] = las["la_gss_code"].map(region_by_la)
    missing = las.loc[las["region"].isna(), "la_gss_code"].tolist()
    if missing:
        raise DataImportError(f"LA boundaries: no region known for code(s) {missing[:5]}.")
    # Coverage simplification keeps neighbouring LAs' shared borders identical.
    las["geometry"] = shapely.coverage_simplify(las.geometry.values, SIMPLIFY_DEGREES)
    las["geometry"] = shapely.make_valid(las.geometry.values)
    las = las[["la_gss_code", "la_name", "region", "geometry"]]
    regions = las.dissolve(by="region", as_index=False)[["region", "geometry"]]
    codes = regions_raw_gdf.set_index("name")["code"]
    regions["region_code"] = regions["region"].map(codes)
    if regions["region_code"].isna().any():
        unknown = regions.loc[regions["region_code"].isna(), "region"].tolist()
        raise DataImportError(f"Region boundaries: no ONS code for region(s) {unknown}.")
    regions = regions[["region_code", "region", "geometry"]].sort_values("region_code")
    return las.reset_index(drop=True), regions.reset_index(drop=True)


def check_schools_in_england(
    schools_gdf: gpd.GeoDataFrame, las_gdf: gpd.GeoDataFrame, slack_m: float = ENGLAND_SLACK_M
) -> None:
    """Stop if a school lies outside England or its LA has no boundary.

    Parameters
    ----------
    schools_gdf : geopandas.GeoDataFrame
        With ``urn``, ``school_name``, ``la_gss_code``, ``easting``, ``northing``.
    las_gdf : geopandas.GeoDataFrame
        LA boundaries with ``la_gss_code``, EPSG:4326.
    slack_m : float
        Distance in metres a school may lie outside the generalised coastline.

    Raises
    ------
    DataImportError
        Naming the first school outside England or with an unknown LA.
    """
    unknown = ~schools_gdf["la_gss_code"].isin(las_gdf["la_gss_code"])
    if unknown.any():
        bad = schools_gdf.loc[unknown].iloc[0]
        raise DataImportError(
            f"URN {bad['urn']}: LA code {bad['la_gss_code']} has no boundary in the ONS "
            "December 2024 layer."
        )
    england = shapely.union_all(las_gdf.to_crs(config.BNG_CRS).geometry.values)
    points = shapely.points(schools_gdf["easting"].to_numpy(), schools_gdf["northing"].to_numpy())
    distance = shapely.distance(england, points)
    outside = distance > slack_m
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        bad = schools_gdf.iloc[i]
        raise DataImportError(
            f"URN {bad['urn']} ({bad['school_name']}): easting {bad['easting']:.0f}, "
            f"northing {bad['northing']:.0f} is {distance[i] / 1000:.1f} km outside "
            "England; expected British National Grid coordinates in England."
        )
