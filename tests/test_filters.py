"""Filters, search and the URL round trip (issue #3), on a tiny frame."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.analysis import filters
from dashboard.analysis.filters import SchoolFilter


@pytest.fixture
def schools_df() -> pd.DataFrame:
    """Four schools 0, 3, 8 and 200 km east of the first."""
    return pd.DataFrame(
        {
            "urn": [136925, 116859, 100001, 100002],
            "school_name": [
                "Pershore High School",
                "Red Hill CofE Primary School",
                "St Mary's Catholic Primary",
                "Northern Academy",
            ],
            "postcode": ["WR10 2BX", "WR5 2HX", "B1 1AA", None],
            "region": ["West Midlands", "West Midlands", "West Midlands", "North East"],
            "la_name": ["Worcestershire", "Worcestershire", "Birmingham", "Durham"],
            "phase": ["Secondary", "Primary", "Primary", "Secondary"],
            "religious_character": ["None", "Church of England", "Roman Catholic", "None"],
            "diversity_index": [0.15, 0.45, 0.85, None],
            "fsm_pct": [15.0, 12.5, 45.0, 22.0],
            "easting": [394_969.0, 397_969.0, 402_969.0, 594_969.0],
            "northing": [247_453.0] * 4,
        }
    )


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (SchoolFilter(), [136925, 116859, 100001, 100002]),
        (SchoolFilter(regions=("North East",)), [100002]),
        (SchoolFilter(las=("Worcestershire",)), [136925, 116859]),
        (SchoolFilter(phases=("Primary",)), [116859, 100001]),
        (SchoolFilter(religions=("Roman Catholic", "Church of England")), [116859, 100001]),
        (SchoolFilter(diversity=("very high",)), [100001]),
        (SchoolFilter(fsm=("10 to 20 %",)), [136925, 116859]),
        (SchoolFilter(link_status="linked"), [136925]),
        (SchoolFilter(link_status="not linked"), [116859, 100001, 100002]),
        (SchoolFilter(search="pershore"), [136925]),
        (SchoolFilter(near_urn=136925, within_km=5), [136925, 116859]),
        (SchoolFilter(near_urn=136925, within_km=10, phases=("Primary",)), [116859, 100001]),
    ],
)
def test_each_filter(schools_df, flt, expected):
    assert filters.filter_schools(schools_df, flt, linked_urns={136925})["urn"].tolist() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("136925", [136925]),
        ("wr5 2hx", [116859]),
        ("wr10", [136925]),
        ("red hill", [116859]),
        ("st mary", [100001]),
        ("nothing like this", []),
    ],
)
def test_search_by_name_urn_or_postcode(schools_df, text, expected):
    assert sorted(filters.search_schools(schools_df, text)["urn"]) == sorted(expected)


def test_within_km_reports_distances(schools_df):
    near = filters.within_km(schools_df, 136925, 10)
    assert near.set_index("urn")["distance_km"].to_dict() == {136925: 0.0, 116859: 3.0, 100001: 8.0}


def test_within_km_of_an_unknown_school_says_so(schools_df):
    with pytest.raises(ValueError, match="no school with URN 1"):
        filters.within_km(schools_df, 1, 5)


def test_query_params_round_trip():
    flt = SchoolFilter(
        las=("Worcestershire", "Birmingham"),
        phases=("Primary",),
        link_status="not linked",
        search="hill",
        near_urn=136925,
        within_km=10,
    )
    params = {k: v if isinstance(v, list) else [v] for k, v in filters.to_query_params(flt).items()}
    options = {"las": ["Birmingham", "Worcestershire"], "phases": ["Primary"]}
    again, ignored = filters.from_query_params(params, options)
    assert again == flt
    assert ignored == []


@pytest.mark.parametrize(
    ("params", "ignored"),
    [
        ({"la": ["Atlantis"]}, ["la=Atlantis"]),
        ({"km": ["-4"]}, ["km=-4"]),
        ({"near": ["abc"]}, ["near=abc"]),
        ({"linked": ["maybe"]}, ["linked=maybe"]),
    ],
)
def test_bad_query_params_are_ignored_with_a_note(params, ignored):
    flt, notes = filters.from_query_params(params, {"las": ["Worcestershire"]})
    assert flt == SchoolFilter()
    assert notes == ignored
