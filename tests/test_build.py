"""The data build: joins, derived columns, atomic writes and refusals, on tiny fixtures."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from dashboard.data import build, map_files
from dashboard.data.build import RAW_FILES
from tests.conftest import ROOT


@pytest.fixture
def built(raw_dir: Path) -> build.BuiltData:
    return build.build_all(raw_dir)


def test_only_open_state_schools_are_kept(built):
    assert set(built.schools_gdf["urn"]) == {
        136925,
        116859,
        142673,
        150054,
        138966,
        100060,
        106022,
        112088,
        121267,
        123641,
        149557,
        123627,
        141165,
        148834,
        150934,
        150935,
    }


def test_city_technology_colleges_are_state_funded(built):
    """GIAS files CTCs under "Independent schools"; they are state-funded (issue #12)."""
    telford = built.schools_gdf.set_index("urn").loc[123627]
    assert telford["establishment_type"] == "City technology college"
    assert telford["phase"] == "Secondary"
    assert telford["has_ethnicity"]


def test_a_census_record_is_used_for_at_most_one_open_school(built):
    """Issue #12: split schools must not inherit the whole record of the school they left."""
    schools = built.schools_gdf.set_index("urn")
    used = schools["census_urns"].dropna().str.split(";").explode()
    assert used.is_unique
    # Still open with its own record: the primary that split from it gets nothing.
    assert schools.loc[141165, "census_urns"] == "141165"
    assert not schools.loc[148834, "has_ethnicity"]
    assert (
        "Queen Elizabeth's Grammar School (URN 141165) is still open"
        in (schools.loc[148834, "census_note"])
    )
    # Closed and split in two: neither half can take the whole record.
    assert not schools.loc[[150934, 150935], "has_ethnicity"].any()
    assert schools.loc[[150934, 150935], "census_note"].str.contains("cannot be divided").all()


def test_merged_schools_still_add_up_their_predecessors(built):
    school = built.schools_gdf.set_index("urn").loc[150054]
    assert school["census_urns"] == "148887;149049"
    assert school["census_note"] == ""


def test_year_groups_give_each_school_its_age_range(built):
    schools = built.schools_gdf.set_index("urn")
    assert schools.loc[136925, ["first_year", "last_year"]].tolist() == [7, 13]  # Pershore
    assert schools.loc[116859, ["first_year", "last_year"]].tolist() == [0, 6]  # Red Hill
    assert pd.isna(schools.loc[138966, "first_year"])  # no census record


def test_positions_far_outside_their_la_are_measured(built):
    schools = built.schools_gdf
    assert (schools["km_outside_la"] >= 0).all()
    assert schools["km_outside_la"].max() < 2  # the fixture schools all lie in their LA


def test_named_schools_match_published_figures(built):
    schools = built.schools_gdf.set_index("urn")
    assert schools.loc[136925, "la_name"] == "Worcestershire"
    assert round(schools.loc[136925, "white_british_pct"], 1) == 91.2
    assert schools.loc[116859, "religious_character"] == "Church of England"
    assert round(schools.loc[116859, "white_british_pct"], 1) == 73.4


def test_every_school_gets_a_current_la_code_and_region(built):
    schools = built.schools_gdf.set_index("urn")
    assert schools.loc[112088, "la_gss_code"] == "E06000063"  # Cumberland
    assert schools.loc[121267, "region"] == "Yorkshire and The Humber"
    assert schools["la_gss_code"].isin(built.local_authorities_gdf["la_gss_code"]).all()


def test_missing_figures_stay_missing(built):
    schools = built.schools_gdf.set_index("urn")
    assert not schools.loc[[138966, 100060, 106022], "has_ethnicity"].any()
    assert pd.isna(schools.loc[100060, "white_british_pct"])
    assert schools.loc[[136925, 142673, 150054], "has_ethnicity"].all()


def test_points_are_wgs84_and_inside_their_la(built):
    schools = built.schools_gdf
    assert schools.crs.to_epsg() == 4326
    joined = gpd.sjoin(schools, built.local_authorities_gdf, predicate="within")
    share_inside = (joined["la_gss_code_left"] == joined["la_gss_code_right"]).mean()
    assert share_inside == 1.0


def test_diversity_index_is_simpson(built):
    """Worked by hand from Pershore High School's row in tests/data/census.csv."""
    school = built.schools_gdf.set_index("urn").loc[136925]
    assert school["diversity_index"] == pytest.approx(0.144481, abs=1e-6)


def _written(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_is_deterministic(raw_dir, tmp_path):
    """Two builds write the same bytes, file by file (not only the same manifest)."""
    for run in ("a", "b"):
        build.write_outputs(build.build_all(raw_dir), tmp_path / run / "d", tmp_path / run / "s")
    first, second = _written(tmp_path / "a"), _written(tmp_path / "b")
    assert len(first) == 13  # 4 GeoParquet/Parquet, the manifest, 4 map files and their .gz
    assert first == second


def test_map_files_are_written_gzipped_beside_themselves(raw_dir, tmp_path):
    """The app serves the .gz as is (Content-Encoding: gzip): it must inflate to the JSON."""
    build.write_outputs(build.build_all(raw_dir), tmp_path / "d", tmp_path / "s")
    for name in map_files.STATIC_FILES:
        packed = (tmp_path / "s" / f"{name}.gz").read_bytes()
        assert gzip.decompress(packed) == (tmp_path / "s" / name).read_bytes()
        assert packed[4:8] == b"\0\0\0\0"  # no timestamp, so rebuilds match byte for byte


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("census_as_register", "looks like the school census"),
        ("school_in_the_sea", "outside England"),
        ("empty_links", "empty"),
    ],
)
def test_cli_refuses_bad_input_and_leaves_data_untouched(
    raw_dir, tmp_path, capsys, breakage, message
):
    data_dir, static_dir = tmp_path / "data", tmp_path / "static"
    assert (
        build.main(
            [
                "--raw-dir",
                str(raw_dir),
                "--data-dir",
                str(data_dir),
                "--static-dir",
                str(static_dir),
            ]
        )
        == 0
    )
    before = _snapshot(data_dir)
    if breakage == "census_as_register":
        shutil.copyfile(raw_dir / RAW_FILES["census"], raw_dir / RAW_FILES["register"])
    elif breakage == "school_in_the_sea":
        # The fixture is plain CSV under the .gz name; the importer sniffs gzip itself.
        frame = pd.read_csv(raw_dir / RAW_FILES["register"], dtype=str, compression=None)
        frame.loc[frame["urn"] == "136925", ["easting", "northing"]] = ["100000", "900000"]
        frame.to_csv(raw_dir / RAW_FILES["register"], index=False, compression=None)
    else:
        (raw_dir / RAW_FILES["register_links"]).write_bytes(b"")
    capsys.readouterr()
    code = build.main(
        ["--raw-dir", str(raw_dir), "--data-dir", str(data_dir), "--static-dir", str(static_dir)]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert message in err
    assert "Traceback" not in err
    assert _snapshot(data_dir) == before


def test_manifest_lists_every_written_file(raw_dir, tmp_path):
    manifest = build.write_outputs(build.build_all(raw_dir), tmp_path / "d", tmp_path / "s")
    written = {f"data/{p.name}": p for p in (tmp_path / "d").iterdir() if p.suffix != ".json"}
    written |= {f"static/data/{p.name}": p for p in (tmp_path / "s").iterdir()}
    assert set(manifest) == set(written)
    for name, path in written.items():
        assert manifest[name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), name
    assert json.loads((tmp_path / "d" / "manifest.json").read_text()) == manifest


def test_readme_documents_every_school_column():
    readme = (ROOT / "data" / "README.md").read_text()
    documented = [c for c in build.SCHOOL_COLUMNS if c != "geometry" and not c.startswith("n_")]
    missing = [c for c in documented if f"`{c}`" not in readme]
    assert not missing
