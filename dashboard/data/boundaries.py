"""ONS boundaries: read, make valid, simplify for the web, and check schools lie in England."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard import config
from dashboard.config import WGS84_CRS
from dashboard.data.checks import BNG_MAX_EASTING, BNG_MAX_NORTHING
from dashboard.data.csv_files import DataImportError, FileProblems, require_columns

# Simplification tolerance in degrees (about 100 m): plenty for a web map of LAs.
SIMPLIFY_DEGREES = 0.001
# Generalised ONS coastlines cut off some coastal schools; allow this much slack.
ENGLAND_SLACK_M = 5_000.0
# A repair of an invalid polygon may move at most this share of its area.
REPAIR_MAX_AREA_CHANGE = 0.01
# Great Britain and its islands in degrees (WGS84), for checking boundary files.
GB_LON = (-9.0, 2.5)
GB_LAT = (49.0, 61.5)


def read_boundaries(
    path: Path, code_column: str, name_column: str, *, warnings: list[str] | None = None
) -> gpd.GeoDataFrame:
    """Read an ONS boundary GeoJSON, check its coordinate system, make every polygon valid.

    Parameters
    ----------
    path : Path
        GeoJSON in WGS84 (EPSG:4326), as ONS publishes it; a file that declares
        another CRS (e.g. British National Grid) is reprojected.
    code_column, name_column : str
        Official property names of the area code and name (e.g. ``CTYUA24CD``).
    warnings : list of str or None
        Where to name the polygons that were invalid and repaired.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name`` and valid ``geometry`` in EPSG:4326.

    Raises
    ------
    DataImportError
        For a missing or unreadable file, coordinates in metres without a
        declared CRS, latitude and longitude swapped, areas outside Great
        Britain, empty geometries or codes that appear twice.
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
    problems = FileProblems(path)
    empty = frame.geometry.isna() | frame.geometry.is_empty
    for code in frame.loc[empty, "code"]:
        problems.add(f"area {code} has no geometry.")
    for code in sorted(set(frame.loc[frame["code"].duplicated(), "code"])):
        problems.add(f"area code {code} appears more than once; each area must appear once.")
    problems.raise_if_any()
    _check_coordinates(frame, path)
    frame = frame[["code", "name", "geometry"]].to_crs(WGS84_CRS)
    _check_in_great_britain(frame, path)
    # ONS generalised polygons carry tiny self-intersections (see PROVENANCE.md).
    frame["geometry"] = _repair(frame, path, warnings)
    return frame.sort_values("code").reset_index(drop=True)


def _repair(frame: gpd.GeoDataFrame, path: Path, warnings: list[str] | None) -> np.ndarray:
    """Make every polygon valid; name the ones repaired, refuse a repair that changes much."""
    geometries = frame.geometry.values
    invalid = ~shapely.is_valid(geometries)
    repaired = shapely.make_valid(geometries)
    if not invalid.any():
        return repaired
    # Areas in degrees are enough to compare a polygon with its own repair.
    before, after = shapely.area(geometries[invalid]), shapely.area(repaired[invalid])
    change = np.abs(after - before) / np.maximum(before, 1e-12)
    rows = frame.loc[invalid]
    problems = FileProblems(path)
    for code, name, share in zip(rows["code"], rows["name"], change, strict=True):
        if share > REPAIR_MAX_AREA_CHANGE:
            problems.add(
                f"area {code} ({name}) is not a valid polygon, and repairing it would change "
                f"its area by {100 * share:.0f} %: its parts overlap or it is damaged. Fix "
                "the file (or use the ONS original)."
            )
    problems.raise_if_any()
    if warnings is not None:
        named = ", ".join(
            f"{c} {n} ({100 * share:.3f} % of its area)"
            for c, n, share in zip(rows["code"], rows["name"], change, strict=True)
        )
        warnings.append(
            f"{path.name}: {int(invalid.sum())} polygon(s) were not valid (they cross "
            f"themselves) and were repaired with shapely.make_valid: {named}."
        )
    return repaired


def _check_coordinates(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Refuse metres read as degrees, and latitude/longitude written the wrong way round."""
    minx, miny, maxx, maxy = frame.total_bounds
    declared = frame.crs is not None and frame.crs.to_epsg() != 4326
    if declared:
        return  # a declared CRS (e.g. EPSG:27700) is reprojected and checked afterwards
    if maxx > 180 or maxy > 90 or minx < -180 or miny < -90:
        metres = minx >= 0 and maxx <= BNG_MAX_EASTING and miny >= 0 and maxy <= BNG_MAX_NORTHING
        what = (
            "look like British National Grid metres (EPSG:27700)"
            if metres
            else "are not longitude/latitude degrees"
        )
        raise DataImportError(
            f"{path}: the coordinates (x {minx:,.0f} to {maxx:,.0f}, y {miny:,.0f} to "
            f"{maxy:,.0f}) {what}, but the file declares no coordinate system, so they would "
            "be read as degrees. Reproject it to longitude/latitude (EPSG:4326), e.g. "
            "ogr2ogr -t_srs EPSG:4326, or declare its CRS in the file."
        )
    swapped = GB_LAT[0] <= minx and maxx <= GB_LAT[1] and GB_LON[0] <= miny and maxy <= GB_LON[1]
    if swapped:
        raise DataImportError(
            f"{path}: latitude and longitude are swapped: x runs from {minx:.2f} to "
            f"{maxx:.2f} (latitudes of Great Britain) and y from {miny:.2f} to {maxy:.2f} "
            "(longitudes). GeoJSON writes longitude first; export it again with x = longitude."
        )


def _check_in_great_britain(frame: gpd.GeoDataFrame, path: Path) -> None:
    minx, miny, maxx, maxy = frame.total_bounds
    inside = GB_LON[0] <= minx and maxx <= GB_LON[1] and GB_LAT[0] <= miny and maxy <= GB_LAT[1]
    if not inside:
        raise DataImportError(
            f"{path}: the areas reach longitude {minx:.2f} to {maxx:.2f} and latitude "
            f"{miny:.2f} to {maxy:.2f}, outside Great Britain; expected boundaries of England."
        )


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
        Naming every school outside England, or the LA codes without a boundary.
    """
    unknown = ~schools_gdf["la_gss_code"].isin(las_gdf["la_gss_code"])
    if unknown.any():
        codes = sorted(set(schools_gdf.loc[unknown, "la_gss_code"]))
        raise DataImportError(
            f"LA code(s) {', '.join(codes)} of {int(unknown.sum())} school(s) (e.g. URN "
            f"{schools_gdf.loc[unknown, 'urn'].iloc[0]}) have no boundary in the ONS "
            "December 2024 layer."
        )
    england = shapely.union_all(las_gdf.to_crs(config.BNG_CRS).geometry.values)
    points = shapely.points(schools_gdf["easting"].to_numpy(), schools_gdf["northing"].to_numpy())
    distance = shapely.distance(england, points)
    outside = np.flatnonzero(distance > slack_m)
    if len(outside):
        problems = FileProblems(Path("register of schools"))
        for i in outside:
            bad = schools_gdf.iloc[i]
            problems.add(
                f"URN {bad['urn']} ({bad['school_name']}): easting {bad['easting']:.0f}, "
                f"northing {bad['northing']:.0f} is {distance[i] / 1000:.1f} km outside "
                "England; expected British National Grid coordinates in England."
            )
        problems.raise_if_any()


def km_outside_own_la(schools_gdf: gpd.GeoDataFrame, las_gdf: gpd.GeoDataFrame) -> pd.Series:
    """How far each school's register position lies outside its own LA, in km (0 inside).

    Distances are measured in British National Grid metres (EPSG:27700) from the
    school's easting/northing to its LA's (web-simplified) polygon, so a few
    hundred metres can come from the generalised border alone.

    Parameters
    ----------
    schools_gdf : geopandas.GeoDataFrame
        With ``la_gss_code``, ``easting`` and ``northing``.
    las_gdf : geopandas.GeoDataFrame
        LA boundaries with ``la_gss_code``, EPSG:4326.

    Returns
    -------
    pandas.Series
        Kilometres to one decimal, indexed like ``schools_gdf``.
    """
    shapes = las_gdf.to_crs(config.BNG_CRS).set_index("la_gss_code").geometry
    polygons = shapes.reindex(schools_gdf["la_gss_code"]).to_numpy()
    points = shapely.points(schools_gdf["easting"].to_numpy(), schools_gdf["northing"].to_numpy())
    metres = shapely.distance(polygons, points)
    return pd.Series(np.round(metres / 1000, 1), index=schools_gdf.index, name="km_outside_la")
