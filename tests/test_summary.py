"""Summary numbers, the PDF briefing and the summary page (issue #6)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.analysis import gaps
from dashboard.analysis import summary as s
from dashboard.data import embedded
from dashboard.outputs import briefing
from dashboard.register import model
from dashboard.register.auth import CABINET, User
from tests.conftest import ROOT, sign_in


def links(rows: list[dict]) -> pd.DataFrame:
    base = {
        "partner_urn": pd.NA,
        "partner_name": None,
        "partner_country": None,
        "mode": "in person",
        "status": "active",
        "start_date": None,
        "end_date": None,
        "meetings_this_year": 0,
        "meetings_school_year": "2026/27",
        "notes": "",
        "source": "test",
        "link_types": ["ethnicity"],
    }
    frame = pd.DataFrame([{**base, "link_id": i + 1, **r} for i, r in enumerate(rows)])
    return frame.astype({"partner_urn": "Int64"})


def test_links_meeting_twice_count_only_this_school_year():
    frame = links(
        [
            {"school_urn": 1, "meetings_this_year": 2},
            {"school_urn": 2, "meetings_this_year": 5, "meetings_school_year": "2024/25"},
            {"school_urn": 3, "meetings_this_year": 1},
            {"school_urn": 4, "meetings_this_year": 3, "status": "proposed"},
        ]
    )
    schools = pd.DataFrame(
        {
            "urn": [1, 2, 3, 4],
            "has_ethnicity": True,
            "headcount": 10,
            "n_white_british": 9,
            "white_british_pct": 90.0,
        }
    )
    status = pd.DataFrame({"has_contrasting_link": [True, False, False, False]})
    numbers = s.headline(schools, status, frame, today=date(2026, 11, 25))
    assert numbers["links_meeting_twice"] == 1
    assert (numbers["active_links"], numbers["proposed_links"]) == (3, 1)
    assert (numbers["predominantly_white"], numbers["gaps"]) == (4, 3)


def test_links_grow_by_term_with_undated_ones_apart():
    frame = links(
        [
            {"school_urn": 1, "start_date": date(2025, 9, 10)},
            {"school_urn": 2, "start_date": date(2026, 1, 15)},
            {"school_urn": 3, "start_date": date(2025, 10, 1)},
            {"school_urn": 4},
        ]
    )
    growth = s.links_over_time(frame)
    assert growth["term"].tolist() == [
        "2025/26 Autumn",
        "2025/26 Spring",
        "start date not recorded",
    ]
    assert growth["new_links"].tolist() == [2, 1, 1]
    assert growth["total_links"].tolist()[:2] == [2, 3]
    assert pd.isna(growth["total_links"].iloc[2])  # undated links are not in the running total


def test_links_by_type_count_each_type_of_a_link():
    frame = links(
        [
            {"school_urn": 1, "link_types": ["ethnicity", "faith"]},
            {"school_urn": 2, "link_types": ["faith"], "mode": "virtual"},
        ]
    )
    by_type = s.links_by_type_and_mode(frame)
    assert by_type.groupby("link_type")["links"].sum().to_dict() == {"ethnicity": 1, "faith": 2}


@pytest.fixture(scope="module")
def worcestershire_pdf() -> tuple[bytes, dict]:
    schools = embedded.read_schools()
    area = s.Area("la", "Worcestershire")
    inside = s.in_area(schools, area)
    empty = pd.DataFrame(columns=model.LINK_COLUMNS)
    status = gaps.link_status_by_school(schools, empty)
    numbers = s.headline(schools[inside], status[inside], empty)
    gap_df = gaps.find_gaps(schools[inside], status[inside])
    gap_df.loc[0, "school_name"] = "<b>Bold & <script>x</script></b>"
    gap_df.loc[0, "white_british_pct"] = 100.0
    pdf = briefing.build_briefing(
        "Worcestershire",
        numbers,
        s.compare_areas(schools, "Worcestershire", "West Midlands"),
        gap_df,
        register_updated=datetime(2026, 11, 25, 10, 0),
    )
    return pdf, numbers


def test_briefing_is_one_page_with_the_la_and_its_numbers(worcestershire_pdf):
    pdf, numbers = worcestershire_pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "Worcestershire" in text
    # Worcestershire's figures, counted independently from data/schools.parquet.
    assert (numbers["schools"], numbers["pupils"]) == (243, 82_232)
    assert round(numbers["white_british_pct"], 1) == 81.3
    for printed in ("243", "82,232", "81.3 %"):
        assert printed in text
    assert "January 2023" in text


def test_briefing_shows_markup_in_names_as_text(worcestershire_pdf):
    text = pypdf.PdfReader(io.BytesIO(worcestershire_pdf[0])).pages[0].extract_text()
    assert "<b>Bold & <script>x</script></b>" in text


def summary_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    sign_in(at, User("cara", CABINET))
    at.run()
    return at.switch_page("pages/summary.py").run()


def test_area_choice_changes_the_numbers():
    at = summary_page()
    assert not at.exception
    worcestershire = {m.label: m.value for m in at.metric}
    assert worcestershire["Schools"] == "243"
    at.selectbox(key="summary_la").set_value("Bradford").run()
    bradford = {m.label: m.value for m in at.metric}
    assert (bradford["Schools"], bradford["Pupils"]) == ("211", "102,340")
    assert (bradford["White British pupils"], bradford["Predominantly white schools"]) == (
        "38.7 %",
        "41",
    )
    at.radio(key="summary_kind").set_value("England").run()
    assert {m.label: m.value for m in at.metric}["Schools"] == "21,975"


def test_summary_page_offers_the_briefing_for_an_la_only():
    at = summary_page()
    assert any("briefing for Worcestershire" in b.label for b in at.get("download_button"))
    at.radio(key="summary_kind").set_value("A region").run()
    assert not any("briefing" in b.label for b in at.get("download_button"))
