"""Contrast, partner suggestions, gaps and the pairing plan (issue #5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import config
from dashboard.analysis import contrast, gaps, partners
from dashboard.analysis.partners import PartnerIndex, Scoring
from dashboard.data import embedded

GROUPS = list(config.ETHNIC_COUNT_COLUMNS)


def make_schools(rows: list[dict]) -> pd.DataFrame:
    """Schools from short specs: white/pakistani/black_african counts, km east, faith, fsm,
    year groups taught (first, last) and selective admissions."""
    records = []
    for number, spec in enumerate(rows):
        counts = dict.fromkeys(GROUPS, 0)
        counts["n_white_british"] = spec.get("white", 0)
        counts["n_pakistani"] = spec.get("pakistani", 0)
        counts["n_black_african"] = spec.get("african", 0)
        total = sum(counts.values())
        known = total > 0
        records.append(
            {
                "urn": 100_000 + number,
                "school_name": spec.get("name", f"School {number}"),
                "la_name": spec.get("la", "Testshire"),
                "region": "Test Region",
                "phase": spec.get("phase", "Primary"),
                "religious_character": spec.get("faith", "None"),
                "faith_group": spec.get(
                    "group", "None" if spec.get("faith", "None") == "None" else "Christian"
                ),
                "fsm_pct": spec.get("fsm", 10.0),
                "white_british_pct": 100 * counts["n_white_british"] / total if known else np.nan,
                "has_ethnicity": known,
                "easting": 400_000 + 1000 * spec.get("km", 0),
                "northing": 250_000.0 + 1000 * spec.get("km_north", 0),
                "first_year": spec.get("first", np.nan),
                "last_year": spec.get("last", np.nan),
                "selective": spec.get("selective", False),
                "postcode": spec.get("postcode", f"T{number} 1AA"),
                "headcount": total if known else np.nan,
                "n_fsm": total * spec.get("fsm", 10.0) / 100 if known else np.nan,
                **{k: (v if known else np.nan) for k, v in counts.items()},
            }
        )
    return pd.DataFrame(records)


def test_ethnic_difference_is_a_proper_distance():
    a, b, c = np.array([1.0, 0, 0]), np.array([0.5, 0.5, 0]), np.array([0, 0.2, 0.8])
    d = contrast.ethnic_difference
    assert d(a, a) == 0
    assert d(a, b) == d(b, a) == 0.5
    assert d(a, c) <= d(a, b) + d(b, c)


def test_contrast_explanation_reads_like_the_example():
    schools = make_schools(
        [
            {"name": "Pershore High", "white": 91, "pakistani": 9, "fsm": 15},
            {
                "name": "X",
                "white": 38,
                "pakistani": 62,
                "faith": "Roman Catholic",
                "fsm": 31,
                "km": 23,
            },
        ]
    )
    text = contrast.explain(schools.iloc[0], schools.iloc[1], 23.0)
    assert text == (
        "Pershore High is 91 % White British, X is 38 %; X is a Roman Catholic "
        "school; FSM 15 % vs 31 %; 23 km apart."
    )


def test_the_most_different_nearby_school_ranks_first():
    schools = make_schools(
        [
            {"white": 95, "pakistani": 5},
            {"white": 90, "pakistani": 10, "km": 2},
            {"white": 20, "pakistani": 80, "km": 5},
            {"white": 10, "african": 90, "km": 40},  # beyond the limit
            {"white": 30, "pakistani": 70, "km": 4, "phase": "Secondary"},  # other phase
        ]
    )
    result = partners.suggest_partners(PartnerIndex(schools), 100_000, scoring=Scoring(max_km=25))
    assert result.ranked["urn"].tolist() == [100_002, 100_001]


def test_load_is_spread_and_unknown_ethnicity_is_set_apart():
    schools = make_schools(
        [
            {"white": 95, "pakistani": 5},
            {"white": 20, "pakistani": 80, "km": 3},
            {"white": 22, "pakistani": 78, "km": 3},
            {"km": 1},  # no ethnicity figures
        ]
    )
    busy = {100_001: 4}
    result = partners.suggest_partners(PartnerIndex(schools), 100_000, link_counts=busy)
    assert result.ranked["urn"].iloc[0] == 100_002
    assert result.set_aside["urn"].tolist() == [100_003]
    assert "no ethnicity figures" in result.set_aside["reason"].iloc[0]


@pytest.mark.parametrize(("max_km", "hint"), [(0, "above 0 km"), (5, "try 10 km")])
def test_no_candidates_gives_a_plain_message_with_a_hint(max_km, hint):
    schools = make_schools([{"white": 95}, {"white": 10, "pakistani": 90, "km": 30}])
    result = partners.suggest_partners(
        PartnerIndex(schools), 100_000, scoring=Scoring(max_km=max_km)
    )
    assert result.ranked.empty
    assert hint in result.message


def test_best_partners_for_all_agrees_with_one_school_at_a_time():
    schools = make_schools(
        [
            {"white": w, "pakistani": 100 - w, "km": k, "fsm": f}
            for w, k, f in [
                (95, 0, 5),
                (50, 3, 30),
                (10, 6, 45),
                (80, 2, 12),
                (60, 9, 20),
                (30, 1, 35),
            ]
        ]
    )
    index = PartnerIndex(schools)
    everyone = partners.best_partners_for_all(index, top=3)
    for urn in schools["urn"]:
        one = partners.suggest_partners(index, urn, top=3).ranked["urn"].tolist()
        assert everyone[everyone["urn"] == urn].sort_values("rank")["partner_urn"].tolist() == one
    # Worked by hand for the first school (95 % White British, FSM 5 %, at 0 km): e.g. the
    # 10 % school 6 km away: 0.6 * 0.85 + 0.2 * 0 + 0.2 * (40 / 40) - 0.15 * 6 / 25 = 0.674.
    mine = everyone[everyone["urn"] == 100_000].sort_values("rank")
    assert mine["partner_urn"].tolist() == [100_002, 100_005, 100_001]
    assert mine["score"].tolist() == pytest.approx([0.674, 0.534, 0.377], abs=1e-3)


def test_gap_situations_are_named():
    schools = make_schools(
        [{"white": 95}, {"white": 92}, {"white": 90}, {"white": 10, "pakistani": 90}, {"white": 96}]
    )
    links = pd.DataFrame(
        {
            "link_id": [1, 2, 3],
            "school_urn": [100_001, 100_002, 100_004],
            "partner_urn": [100_003, pd.NA, 100_003],
            "status": ["proposed", "active", "active"],
            "link_types": [["ethnicity"], ["international"], ["ethnicity"]],
        }
    )
    status = gaps.link_status_by_school(schools, links)
    found = gaps.find_gaps(schools, status).set_index("urn")["situation"].to_dict()
    assert found == {100_000: gaps.NO_LINK, 100_001: gaps.PROPOSED_ONLY, 100_002: gaps.ABROAD_ONLY}


@pytest.fixture(scope="module")
def england() -> PartnerIndex:
    return PartnerIndex(embedded.read_schools())


def test_pershore_suggestions_on_the_real_data(england):
    """Within the limit, and at least 30 points less White British, once the area allows it.

    Within the default 25 km only three secondary schools are 30+ points less White British
    than Pershore (91 %), so this property is checked at 50 km, where there are 129.
    """
    result = partners.suggest_partners(england, 136925, scoring=Scoring(max_km=50))
    assert len(result.ranked) == 10
    assert (result.ranked["distance_km"] <= 50).all()
    assert (result.ranked["white_british_pct"] <= 91.2 - 30).all()


def test_pershore_default_search_finds_ten_within_25_km(england):
    result = partners.suggest_partners(england, 136925)
    assert len(result.ranked) == 10
    assert (result.ranked["distance_km"] <= 25).all()
    assert (result.ranked["score"].diff().dropna() <= 0).all()


def test_neighbour_rule_flags_schools_15_points_off_their_neighbours(england):
    schools = england.schools_df
    flags = gaps.neighbour_outliers(schools)
    flagged = flags[flags["flag"] != ""]
    assert (flagged["difference_points"].abs() > 15).all()
    # Pershore High School against its 10 nearest secondaries, averaged by brute force.
    known = schools[schools["has_ethnicity"] & schools["phase"].eq("Secondary")]
    home = known[known["urn"] == 136925].iloc[0]
    distance = np.hypot(known["easting"] - home["easting"], known["northing"] - home["northing"])
    nearest = known.loc[distance.sort_values().index[1:11], "white_british_pct"].mean()
    row = flags.loc[home.name]
    assert row["neighbour_white_british_pct"] == pytest.approx(round(nearest, 1))
    assert row["difference_points"] == pytest.approx(round(home["white_british_pct"] - nearest, 1))
