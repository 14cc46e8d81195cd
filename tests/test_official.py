"""Importer tests on tiny fixtures made by tests/data/make_fixtures.py."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.data import official, tidy
from dashboard.data.official import DataImportError
from tests.conftest import FIXTURES


@pytest.fixture
def register_df() -> pd.DataFrame:
    return official.read_register(FIXTURES / "register_extract.csv")


@pytest.fixture
def census_df() -> pd.DataFrame:
    return official.read_census(FIXTURES / "census.csv")


def test_official_and_extract_layouts_give_the_same_schools(register_df):
    """The DfE layout (Windows-1252, official headers) reads like the snake_case extract."""
    official_df = official.read_register(FIXTURES / "register_official.csv")
    shared = ["urn", "la_code", "school_name", "education_phase", "pupils", "easting"]
    open_official = official.select_open_state_schools(official_df)[shared]
    open_extract = official.select_open_state_schools(register_df)[shared]
    pd.testing.assert_frame_equal(
        open_official.sort_values("urn").reset_index(drop=True),
        open_extract.sort_values("urn").reset_index(drop=True),
    )


def test_windows_1252_names_are_decoded():
    official_df = official.read_register(FIXTURES / "register_official.csv")
    name = official_df.loc[official_df["urn"] == 149557, "school_name"].item()
    assert "à Becket" in name


def test_closed_independent_and_welsh_schools_are_left_out():
    official_df = official.read_register(FIXTURES / "register_official.csv")
    kept = set(official.select_open_state_schools(official_df)["urn"])
    assert not kept & {999999, 100001, 101173, 400001}
    assert {136925, 116859} <= kept


def test_dfe_codes_become_missing_not_zero(census_df):
    special = census_df.set_index("urn").loc[100060]
    assert np.isnan(special["n_white_british"])
    assert special["headcount"] == 0  # a real zero stays zero


def test_predecessor_rows_are_followed_and_merged_schools_summed(census_df):
    links = official.read_register_links(FIXTURES / "links.csv")
    matches = tidy.resolve_census_urns(
        [136925, 142673, 150054, 138966], census_df["urn"], links
    ).matches
    found = matches.groupby("urn")["census_urn"].apply(sorted).to_dict()
    assert found == {136925: [136925], 142673: [141865], 150054: [148887, 149049]}
    combined = tidy.combine_census_rows(census_df, matches).set_index("urn")
    both = census_df.set_index("urn").loc[[148887, 149049], "headcount"].sum()
    assert combined.loc[150054, "headcount"] == both


def test_a_split_school_never_takes_a_record_still_in_use(census_df):
    """Issue #12: Trinity Academy Newcastle is open, so its split-off school gets nothing."""
    links = official.read_register_links(FIXTURES / "links.csv")
    found = tidy.resolve_census_urns([141865, 142673], census_df["urn"], links)
    assert found.matches["urn"].tolist() == [141865]
    assert found.refused.to_dict("records") == [
        {"urn": 142673, "census_urn": 141865, "kept_by": "141865"}
    ]


def test_la_lookup_carries_the_2023_codes():
    lookup = official.read_la_lookup(FIXTURES / "la_lookup.csv")
    assert lookup.loc["942", "la_gss_code"] == "E06000063"
    assert lookup.loc["815", "la_gss_code"] == "E06000065"
    assert lookup.loc["933", "la_gss_code"] == "E06000066"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["Roman Catholic", "Church of England", "None"], ["Christian", "Christian", "None"]),
        (["Sikh", "Other Jewish Faith", "Sunni Deobandi"], ["Sikh", "Jewish", "Muslim"]),
        (["Multi-faith", "Other", None], ["Multi-faith", "Other", "Unknown"]),
    ],
)
def test_faith_groups(values, expected):
    _, group = tidy.tidy_religious_character(pd.Series(values))
    assert group.tolist() == expected


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        ("urn,school_name\n1,A".encode("utf-16"), "UTF-16"),
        (b"PK\x03\x04 not really a csv", "Excel"),
        (b"\x81\x8d\x8f\x90,\x9d\n", "encoding"),
        (b"name,town\nA,B\n", "no 'URN'"),
    ],
)
def test_unreadable_register_files_are_named(tmp_path, content, message):
    path = _write(tmp_path / "register.csv", content)
    with pytest.raises(DataImportError, match=message) as info:
        official.read_register(path)
    assert "register.csv" in str(info.value)


def test_census_given_as_register_is_recognised():
    with pytest.raises(DataImportError, match="looks like the school census"):
        official.read_register(FIXTURES / "census.csv")


def test_register_given_as_census_is_recognised():
    with pytest.raises(DataImportError, match="looks like the school register"):
        official.read_census(FIXTURES / "register_official.csv")


def test_missing_register_column_is_named(tmp_path):
    frame = pd.read_csv(FIXTURES / "register_extract.csv", dtype=str).drop(columns="easting")
    path = tmp_path / "register.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataImportError, match=r"missing column.*'easting'"):
        official.read_register(path)


def test_missing_census_column_is_named(tmp_path):
    frame = pd.read_csv(FIXTURES / "census.csv", dtype=str)
    frame = frame.drop(columns="number of pupils classified as Indian ethnic origin")
    path = tmp_path / "census.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataImportError, match="Indian ethnic origin"):
        official.read_census(path)


def test_duplicate_urns_are_refused(tmp_path):
    frame = pd.read_csv(FIXTURES / "register_extract.csv", dtype=str)
    path = tmp_path / "register.csv.gz"
    path.write_bytes(
        gzip.compress(pd.concat([frame, frame.iloc[[2]]]).to_csv(index=False).encode())
    )
    with pytest.raises(DataImportError, match=r"URN \d+ appears more than once"):
        official.read_register(path)


def test_text_in_a_number_column_names_row_and_column(tmp_path):
    frame = pd.read_csv(FIXTURES / "register_extract.csv", dtype=str)
    frame.loc[3, "northing"] = "north-ish"
    path = tmp_path / "register.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataImportError, match="column 'northing', row 5: 'north-ish'"):
        official.read_register(path)


def test_bng_to_wgs84_matches_the_published_coordinates():
    """Pershore High: E 394969 / N 247453 is 52.1254 N, 2.0749 W (PROVENANCE.md)."""
    lon, lat = tidy.to_wgs84(pd.Series([394969.0]), pd.Series([247453.0]))
    assert (round(lat[0], 4), round(lon[0], 4)) == (52.1254, -2.0749)
