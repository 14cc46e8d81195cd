"""Build the embedded default data in ``data/`` from the official DfE and ONS files.

Run ``python -m dashboard.data.build`` (optionally ``--raw-dir PATH``). The output
is deterministic: the same raw files give byte-identical files. Nothing in
``data/`` changes unless every input passes its checks.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard import config
from dashboard.data import boundaries, checks, establishments, map_files, official, tidy
from dashboard.data.csv_files import DataImportError, FileProblems
from dashboard.data.intake import add_intake_measures

RAW_FILES = {
    "register": "gias_open_establishments_20250524.csv.gz",
    "census": "dfe_spc_school_level_202223.csv.gz",
    "register_links": "gias_links_20250422.csv.gz",
    "la_lookup": "la_lookup_dfe_gss_region_from_spc202223.csv",
    "la_boundaries": "boundaries/la_upper_tier_england_ctyua_dec2024.geojson",
    "region_boundaries": "boundaries/regions_england_ons_bsc.geojson",
}
SCHOOL_COLUMNS = [
    "urn",
    "school_name",
    "la_code",
    "la_name",
    "la_gss_code",
    "region",
    "phase",
    "establishment_type",
    "first_year",
    "last_year",
    "selective",
    "religious_character",
    "faith_group",
    "pupils",
    "postcode",
    "easting",
    "northing",
    "white_british_pct",
    "diversity_index",
    "fsm_pct",
    "eal_pct",
    "has_ethnicity",
    "headcount",
    *config.ETHNIC_COUNT_COLUMNS,
    "n_unclassified",
    "n_fsm",
    "n_eal",
    "n_first_language_english",
    "n_first_language_unclassified",
    "census_urns",
    "census_steps",
    "census_note",
    "km_outside_la",
    "geometry",
]


@dataclass(frozen=True)
class BuiltData:
    """The tables the app runs on, before they are written, and what the build noticed."""

    schools_gdf: gpd.GeoDataFrame
    local_authorities_gdf: gpd.GeoDataFrame
    regions_gdf: gpd.GeoDataFrame
    other_establishments_df: pd.DataFrame | None = None
    warnings: tuple[str, ...] = ()


def build_schools(
    register_df: pd.DataFrame,
    census_df: pd.DataFrame,
    links_df: pd.DataFrame,
    la_lookup_df: pd.DataFrame,
    *,
    register_path: Path | str = "register",
) -> gpd.GeoDataFrame:
    """Join register, census and LA lookup into one tidy table of state schools.

    Parameters
    ----------
    register_df : pandas.DataFrame
        Output of :func:`dashboard.data.official.read_register`.
    census_df : pandas.DataFrame
        Output of :func:`dashboard.data.official.read_census`.
    links_df : pandas.DataFrame
        Output of :func:`dashboard.data.official.read_register_links`.
    la_lookup_df : pandas.DataFrame
        Output of :func:`dashboard.data.official.read_la_lookup`.
    register_path : Path or str
        Used in messages only.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per open state-funded school, sorted by URN, with the columns in
        ``SCHOOL_COLUMNS`` except ``km_outside_la`` (added by :func:`build_all`,
        which has the boundaries); points in EPSG:4326, easting/northing in
        EPSG:27700.

    Raises
    ------
    DataImportError
        For schools with unknown LA codes, or missing or impossible coordinates
        (every such school is named).
    """
    schools = official.select_open_state_schools(register_df)
    if schools.empty:
        raise DataImportError(f"{register_path}: no open state-funded schools found.")
    unknown_la = sorted(set(schools["la_code"]) - set(la_lookup_df.index))
    if unknown_la:
        raise DataImportError(
            f"{register_path}: column 'LA (code)' has code(s) {unknown_la[:5]} that are "
            "not in the LA lookup; add them to the lookup file."
        )
    la = la_lookup_df.loc[schools["la_code"]].reset_index(drop=True)
    schools["la_gss_code"] = la["la_gss_code"].to_numpy()
    schools["region"] = la["region"].to_numpy()
    # The register's LA names are what councils use; keep them.
    schools["la_name"] = schools["la_name"].fillna(la["la_name"])

    problems = FileProblems(Path(register_path))
    checks.check_school_locations(schools, problems)
    problems.raise_if_any()

    found = tidy.resolve_census_urns(schools["urn"], census_df["urn"], links_df)
    census = tidy.combine_census_rows(census_df, found.matches)
    schools = schools.merge(census, on="urn", how="left")
    refusals = tidy.describe_refusals(
        found.refused,
        census_df.set_index("urn")["census_school_name"],
        set(schools["urn"].tolist()),
    )
    schools["census_note"] = schools["urn"].map(refusals).fillna("").astype(str)
    schools["phase"] = tidy.tidy_phase(
        schools["education_phase"], schools["establishment_type"], schools["census_phase"]
    )
    years = tidy.year_range(schools[list(official.YEAR_COUNT_COLUMNS)])
    schools[["first_year", "last_year"]] = years
    schools["selective"] = schools["census_admissions"].eq("Selective").fillna(False).astype(bool)
    if "religious_character" in schools.columns:
        religion = schools["religious_character"].fillna(schools["census_denomination"])
    else:
        religion = schools["census_denomination"]
    schools["religious_character"], schools["faith_group"] = tidy.tidy_religious_character(religion)
    postcode = schools["postcode"] if "postcode" in schools.columns else None
    schools["postcode"] = (
        schools["census_postcode"]
        if postcode is None
        else postcode.fillna(schools["census_postcode"])
    )
    schools["census_steps"] = schools["census_steps"].astype("Int64")
    schools["pupils"] = schools["pupils"].astype("Int64")
    schools = add_intake_measures(schools)
    lon, lat = tidy.to_wgs84(schools["easting"], schools["northing"])
    schools_gdf = gpd.GeoDataFrame(
        schools, geometry=gpd.points_from_xy(lon, lat), crs=config.WGS84_CRS
    )
    schools_gdf = schools_gdf.sort_values("urn").reset_index(drop=True)
    return schools_gdf[[c for c in SCHOOL_COLUMNS if c != "km_outside_la"]]


def build_all(raw_dir: Path) -> BuiltData:
    """Read every official file in ``raw_dir`` and build the app's tables.

    Parameters
    ----------
    raw_dir : Path
        Folder holding the files named in ``RAW_FILES``.

    Returns
    -------
    BuiltData
        Schools, LA boundaries and region boundaries.
    """
    raw_dir = Path(raw_dir)
    paths = {key: raw_dir / name for key, name in RAW_FILES.items()}
    warnings: list[str] = []
    register = official.read_register(paths["register"], warnings=warnings)
    census = official.read_census(paths["census"], warnings=warnings)
    links = official.read_register_links(paths["register_links"])
    lookup = official.read_la_lookup(paths["la_lookup"])
    schools = build_schools(register, census, links, lookup, register_path=paths["register"])
    la_raw = boundaries.read_boundaries(
        paths["la_boundaries"], "CTYUA24CD", "CTYUA24NM", warnings=warnings
    )
    regions_raw = boundaries.read_boundaries(
        paths["region_boundaries"], "areacd", "areanm", warnings=warnings
    )
    las, regions = boundaries.build_boundaries(la_raw, regions_raw, lookup)
    boundaries.check_schools_in_england(schools, las)
    schools["km_outside_la"] = boundaries.km_outside_own_la(schools, las)
    schools = schools[SCHOOL_COLUMNS]
    others = build_other_establishments(register, links, schools)
    return BuiltData(schools, las, regions, others, tuple(warnings))


def build_other_establishments(
    register_df: pd.DataFrame, links_df: pd.DataFrame, schools_gdf: gpd.GeoDataFrame
) -> pd.DataFrame:
    """URNs that are not schools in the atlas, and why (for the importer's messages).

    See :func:`dashboard.data.establishments.build_other_establishments`.
    """
    return establishments.build_other_establishments(
        register_df, links_df, set(schools_gdf["urn"].astype(int))
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_atomically(target: Path, write: Callable[[Path], None]) -> Path:
    """Write to a temporary file beside ``target``; return it (not yet moved)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    write(tmp)
    return tmp


def write_outputs(built: BuiltData, data_dir: Path, static_dir: Path) -> dict[str, dict]:
    """Write the GeoParquet files, the map's static JSON and the manifest.

    Every file is written to a temporary name first and only then moved into
    place, so an error leaves the previous files untouched.

    Parameters
    ----------
    built : BuiltData
        Output of :func:`build_all`.
    data_dir : Path
        Target for ``schools.parquet``, ``local_authorities.parquet``,
        ``regions.parquet`` and ``manifest.json``.
    static_dir : Path
        Target for the map's JSON files and their gzip copies (served at ``/map-assets``).

    Returns
    -------
    dict
        The manifest: per file, its rows and sha256.
    """
    frames = {
        data_dir / "schools.parquet": built.schools_gdf,
        data_dir / "local_authorities.parquet": built.local_authorities_gdf,
        data_dir / "regions.parquet": built.regions_gdf,
    }
    staged: list[tuple[str, Path, Path, int | None]] = []
    try:
        for target, frame in frames.items():
            tmp = _write_atomically(
                target,
                lambda p, f=frame: f.to_parquet(
                    p, index=False, compression="zstd", write_covering_bbox=False
                ),
            )
            staged.append((f"data/{target.name}", tmp, target, len(frame)))
        staged += _stage_other_establishments(built, data_dir)
        payloads = map_files.build_static_payloads(
            built.schools_gdf, built.local_authorities_gdf, built.regions_gdf
        )
        for name, payload in payloads.items():
            target = static_dir / name
            tmp = _write_atomically(target, lambda p, text=payload: p.write_text(text, "utf-8"))
            staged.append((f"static/data/{name}", tmp, target, None))
            # Precompressed for the app's /map-assets route (dashboard/app/map_assets.py).
            packed = map_files.gzip_bytes(payload.encode("utf-8"))
            target = static_dir / f"{name}{map_files.GZIP_SUFFIX}"
            tmp = _write_atomically(target, lambda p, data=packed: p.write_bytes(data))
            staged.append((f"static/data/{target.name}", tmp, target, None))
    except BaseException:
        for _, tmp, _, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    manifest = {key: {"rows": rows, "sha256": _sha256(tmp)} for key, tmp, _, rows in staged}
    for _, tmp, target, _ in staged:
        tmp.chmod(0o644)  # mkstemp creates owner-only files
        os.replace(tmp, target)
    (data_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    _update_readme_table(data_dir / "README.md", manifest)
    return manifest


def _stage_other_establishments(
    built: BuiltData, data_dir: Path
) -> list[tuple[str, Path, Path, int | None]]:
    """Write ``other_establishments.parquet`` to a temporary name (moved with the rest)."""
    frame = built.other_establishments_df
    if frame is None:
        return []
    target = data_dir / config.OTHER_ESTABLISHMENTS_FILE.name
    tmp = _write_atomically(target, lambda p: establishments.write_other_establishments(frame, p))
    return [(f"data/{target.name}", tmp, target, len(frame))]


def _update_readme_table(readme: Path, manifest: dict[str, dict]) -> None:
    """Replace the checksum table between the manifest markers in data/README.md."""
    if not readme.exists():
        return
    lines = ["| file | rows | sha256 |", "|---|---:|---|"]
    for name, info in manifest.items():
        rows = "" if info["rows"] is None else f"{info['rows']:,}"
        lines.append(f"| `{name}` | {rows} | `{info['sha256']}` |")
    table = "\n".join(lines)
    text = readme.read_text("utf-8")
    new = re.sub(
        r"<!-- manifest:start -->.*?<!-- manifest:end -->",
        lambda _: f"<!-- manifest:start -->\n{table}\n<!-- manifest:end -->",
        text,
        flags=re.DOTALL,
    )
    if new != text:
        readme.write_text(new, "utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints a summary or a plain error message."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-dir", type=Path, default=config.RAW_DIR)
    parser.add_argument("--data-dir", type=Path, default=config.DATA_DIR)
    parser.add_argument("--static-dir", type=Path, default=config.STATIC_DATA_DIR)
    args = parser.parse_args(argv)
    try:
        built = build_all(args.raw_dir)
        manifest = write_outputs(built, args.data_dir, args.static_dir)
    except DataImportError as exc:
        print(f"Data build stopped; data/ is unchanged.\n{exc}", file=sys.stderr)
        return 1
    schools = built.schools_gdf
    print(f"schools: {len(schools):,}")
    print(
        f"with ethnicity: {int(schools['has_ethnicity'].sum()):,} "
        f"({100 * schools['has_ethnicity'].mean():.2f} %)"
    )
    print(f"local authorities: {len(built.local_authorities_gdf)}")
    print(f"regions: {len(built.regions_gdf)}")
    for warning in built.warnings:
        print(f"warning: {warning}")
    for name, info in manifest.items():
        print(f"{name}: {info['sha256'][:16]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
