"""Segregation indices (issue #6): hand-worked examples, limits, and the published ranking."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis import gaps, segregation
from dashboard.data import embedded


def test_indices_on_a_two_school_example_worked_by_hand():
    """School A: 30 White British, 10 others; school B: 10 and 30.

    W = 40, O = 40, T = 80, P = W/T = 0.5.
    D   = ½ (|30/40 − 10/40| + |10/40 − 30/40|) = ½ (0.5 + 0.5) = 0.5
    xPx = (30/40)(30/40) + (10/40)(10/40) = 0.5625 + 0.0625 = 0.625
    xPy = (30/40)(10/40) + (10/40)(30/40) = 0.1875 + 0.1875 = 0.375
    η²  = (0.625 − 0.5) / (1 − 0.5) = 0.25
    E   = −2 (0.5 ln 0.5) = ln 2 = 0.693147
    Eᵢ  = −(0.75 ln 0.75 + 0.25 ln 0.25) = 0.215762 + 0.346574 = 0.562335 (both schools)
    H   = 2 · 40 · (0.693147 − 0.562335) / (80 · 0.693147) = 0.130812 / 0.693147 = 0.188722
    """
    result = segregation.indices(np.array([[30, 10], [10, 30]]))
    assert result["dissimilarity"] == pytest.approx(0.5)
    assert result["isolation"] == pytest.approx(0.625)
    assert result["exposure"] == pytest.approx(0.375)
    assert result["normalised_exposure"] == pytest.approx(0.25)
    assert result["theil_h"] == pytest.approx(0.188722, abs=1e-6)


def test_identical_schools_score_zero():
    result = segregation.indices(np.array([[20, 5, 5], [40, 10, 10], [8, 2, 2]]))
    assert result["dissimilarity"] == pytest.approx(0.0)
    assert result["normalised_exposure"] == pytest.approx(0.0)
    assert result["theil_h"] == pytest.approx(0.0)


def test_complete_separation_scores_one():
    result = segregation.indices(np.array([[50, 0], [0, 30], [20, 0]]))
    assert result["dissimilarity"] == pytest.approx(1.0)
    assert result["normalised_exposure"] == pytest.approx(1.0)
    assert result["theil_h"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "counts",
    [
        np.array([[10, 0], [20, 0]]),
        np.array([[0, 5], [0, 7]]),
        np.array([[10, 5]]),
        np.zeros((0, 2)),
    ],
)
def test_not_enough_pupils_gives_missing_not_an_error(counts):
    result = segregation.indices(counts)
    assert all(math.isnan(result[key]) for key in segregation.INDEX_LABELS)


def test_area_table_names_areas_that_cannot_be_computed():
    schools = pd.DataFrame(
        {
            "la_name": ["A", "A", "B"],
            "phase": ["Primary"] * 3,
            "has_ethnicity": [True] * 3,
            **{c: [0, 0, 0] for c in segregation.ETHNIC_COUNT_COLUMNS},
        }
    )
    schools["n_white_british"] = [10, 0, 12]
    schools["n_indian"] = [0, 10, 0]
    table = segregation.indices_by_area(schools, phases=("Primary",)).set_index("la_name")
    assert table.loc["A", "dissimilarity"] == pytest.approx(1.0)
    assert table.loc["B", "note"] == segregation.NOT_ENOUGH


@pytest.fixture(scope="module")
def primary_ranks() -> pd.Series:
    schools = embedded.read_schools()
    table = segregation.indices_by_area(schools, outliers_df=gaps.neighbour_outliers(schools))
    primary = table[table["phase"] == "Primary"].dropna(subset=["dissimilarity"])
    return primary.set_index("la_name")["dissimilarity"].rank(ascending=False)


@pytest.mark.parametrize("la", ["Blackburn with Darwen", "Bradford", "Oldham"])
def test_published_most_segregated_areas_rank_in_the_top_tenth(primary_ranks, la):
    """Demos Integration Hub (2015): Blackburn with Darwen D = 0.76, Bradford 0.71 (Year 1);
    CMPO (2010): Oldham about 0.8 (primary). Each should be in the top tenth of LAs."""
    assert primary_ranks[la] <= math.ceil(len(primary_ranks) / 10)


def test_kirklees_primary_index_without_a_secondary_school_counted_twice(primary_ranks):
    """Issue #12: Luck Lane Primary carried Royds Hall's 1,244 pupils, pulling Kirklees'
    primary D from 0.622 (rank 5) to 0.610 (rank 7). Each record now counts once."""
    assert primary_ranks["Kirklees"] == 5
