"""The embedded data in data/ holds what the product promises (issue #2)."""

from __future__ import annotations

import hashlib
import json

import pytest

from dashboard import config
from dashboard.data import build, embedded, map_files
from tests.conftest import skip_or_fail


@pytest.fixture(scope="module")
def schools():
    return embedded.read_schools()


def test_every_open_state_school_is_there_with_coordinates(schools):
    assert len(schools) == config.TOTAL_STATE_SCHOOLS
    assert schools["urn"].is_unique
    assert schools.geometry.notna().all()
    assert not schools.geometry.is_empty.any()
    assert schools.geometry.y.between(49.8, 55.9).all()
    assert schools.geometry.x.between(-6.5, 1.8).all()


def test_census_coverage_through_predecessors(schools):
    """99.2 % of schools have a census record; most of the rest opened after January 2023.

    (99.3 % before issue #12, when ten split schools took records other schools hold.)
    """
    has_record = schools["census_steps"].notna()
    assert has_record.mean() >= 0.9923
    assert schools["census_steps"].eq(0).fillna(False).mean() < 0.934  # URN alone
    assert schools["has_ethnicity"].mean() >= 0.99


def test_no_census_record_is_used_for_two_schools(schools):
    """Issue #12: a census record describes one set of pupils, so at most one open school."""
    used = schools["census_urns"].dropna().str.split(";").explode()
    assert used.is_unique
    assert len(used) >= 21_800  # and it is not unique because records went missing


def test_la_pupil_totals_equal_the_sum_of_their_schools(schools):
    """Every pupil is counted once: LA totals add up to their schools, and to England."""
    from dashboard.analysis import metrics

    by_la = metrics.summarise_by_area(schools, "la_name")
    known = schools[schools["has_ethnicity"]]
    per_school = known.groupby("la_name", observed=True)["headcount"].sum().astype("int64")
    assert by_la["pupils"].sort_index().equals(per_school.sort_index())
    assert int(by_la["pupils"].sum()) == int(known["headcount"].sum())


def test_split_schools_no_longer_carry_another_schools_pupils(schools):
    """The three primaries that carried a secondary school's intake (issue #12)."""
    by_urn = schools.set_index("urn")
    for urn in (148834, 150536, 150969):
        assert not by_urn.loc[urn, "has_ethnicity"]
        assert "still open" in by_urn.loc[urn, "census_note"]
    assert by_urn.loc[141165, "census_urns"] == "141165"  # the grammar keeps its own


def test_city_technology_colleges_are_included(schools):
    ctcs = schools[schools["establishment_type"] == "City technology college"]
    assert sorted(ctcs["urn"]) == [101849, 108420, 123627]
    assert ctcs["has_ethnicity"].all()
    assert (ctcs["phase"] == "Secondary").all()


def test_grammar_schools_are_marked_selective(schools):
    """DfE counts 163 state-funded grammar schools in England."""
    assert int(schools["selective"].sum()) == 163
    assert (schools.loc[schools["selective"], "phase"] == "Secondary").all()


def test_named_schools(schools):
    by_urn = schools.set_index("urn")
    assert by_urn.loc[136925, "la_name"] == "Worcestershire"
    assert round(by_urn.loc[136925, "white_british_pct"], 1) == 91.2
    assert by_urn.loc[116859, "religious_character"] == "Church of England"
    assert round(by_urn.loc[116859, "white_british_pct"], 1) == 73.4
    assert (schools["la_name"] == "Worcestershire").sum() == 243


def test_every_school_la_has_a_boundary(schools):
    las = embedded.read_local_authorities()
    assert len(las) == 153
    assert las.is_valid.all()
    assert schools["la_gss_code"].isin(las["la_gss_code"]).all()
    assert len(embedded.read_regions()) == 9


def test_static_map_files_match_the_tables(schools):
    points = json.loads((config.STATIC_DATA_DIR / map_files.LABELS_FILE).read_text("utf-8"))
    assert points["urn"] == schools["urn"].tolist()
    assert len(points["name"]) == len(schools)


def test_manifest_checksums_match_the_files():
    manifest = embedded.read_manifest()
    for name, info in manifest.items():
        digest = hashlib.sha256((config.ROOT_DIR / name).read_bytes()).hexdigest()
        assert digest == info["sha256"], name


def test_data_is_rebuilt_byte_for_byte_from_the_official_files(tmp_path):
    """In CI (ATLAS_REQUIRE_RAW_DATA set by .ci/run) missing raw files fail the test (#13)."""
    if not config.RAW_DIR.exists():
        skip_or_fail(
            "ATLAS_REQUIRE_RAW_DATA", f"the official raw files are not in {config.RAW_DIR}"
        )
    manifest = build.write_outputs(
        build.build_all(config.RAW_DIR), tmp_path / "data", tmp_path / "static"
    )
    assert manifest == embedded.read_manifest()


def test_other_establishments_say_why_a_urn_is_not_in_the_atlas(schools):
    """Issue #11: the importer names closed, Welsh and independent schools from this table."""
    others = embedded.read_other_establishments().set_index("urn")
    assert not set(others.index) & set(schools["urn"])
    assert set(others["kind"]) <= set(config.OTHER_ESTABLISHMENT_KINDS)
    assert others.loc[400001, "kind"] == "wales"
    assert others.loc[100001, "kind"] == "independent"
    assert list(others.loc[100012, "successor_urns"]) == [100021]  # Carlton -> Rhyl Primary
    closed = others[others["kind"] == "closed"]
    atlas = set(schools["urn"])
    in_atlas = closed["successor_urns"].map(lambda urns: set(urns) <= atlas)
    assert in_atlas.mean() > 0.9
