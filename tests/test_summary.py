"""Summary numbers, the PDF briefing and the summary page (issue #6)."""

from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime

import numpy as np
import pandas as pd
import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config
from dashboard.analysis import briefs, exposure, gaps, metrics, partners
from dashboard.analysis import summary as s
from dashboard.app import summary_page as summary_page_lib
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
    status = pd.DataFrame(
        {
            "has_contrasting_link": [True, False, False, False],
            "links": [1, 1, 1, 1],
            "active_links": [1, 1, 1, 0],
        }
    )
    numbers = s.headline(schools, status, frame, today=date(2026, 11, 25))
    assert numbers["links_meeting_twice"] == 1
    assert (numbers["active_links"], numbers["proposed_links"]) == (3, 1)
    assert (numbers["predominantly_white"], numbers["gaps"]) == (4, 3)
    assert numbers["gaps_with_proposed_link"] == 1  # school 4: proposed, not active


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
def england():
    schools = embedded.read_schools()
    reach = pd.Series(
        exposure.diverse_within_reach(partners.PartnerIndex(schools)), index=schools.index
    )
    empty = pd.DataFrame(columns=model.LINK_COLUMNS)
    return {
        "schools": schools,
        "status": gaps.link_status_by_school(schools, empty),
        "links": empty,
        "measures": exposure.measures_by_la(schools, reach),
        "summary": metrics.summarise_by_area(schools, ["la_gss_code", "la_name", "region"]),
    }


def brief(england, la: str) -> briefs.AreaBrief:
    return briefs.build_area_brief(
        la,
        england["schools"],
        england["status"],
        england["links"],
        england["measures"],
        england["summary"],
    )


@pytest.fixture(scope="module")
def worcestershire(england) -> briefs.AreaBrief:
    found = brief(england, "Worcestershire")
    gap_df = found.gaps_df.copy()
    gap_df.loc[0, "school_name"] = "<b>Bold & <script>x</script></b>"
    gap_df.loc[0, "white_british_pct"] = 100.0
    return dataclasses.replace(found, gaps_df=gap_df)


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, with line breaks and runs of spaces made single spaces."""
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def worcestershire_pdf(worcestershire) -> tuple[bytes, dict]:
    pdf = briefing.build_briefing(worcestershire, register_updated=datetime(2026, 11, 25, 10, 0))
    return pdf, worcestershire.headline


def test_briefing_is_one_page_with_the_la_and_its_numbers(worcestershire_pdf):
    pdf, numbers = worcestershire_pdf
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    assert "Worcestershire" in pages[0]
    # Worcestershire's figures, counted independently from data/schools.parquet.
    assert (numbers["schools"], numbers["pupils"]) == (243, 82_232)
    assert round(numbers["white_british_pct"], 1) == 81.3
    for printed in ("243", "82,232", "81.3 %"):
        assert printed in pages[0]
    assert "Pupil figures: DfE school census, January 2023" in pages[0]


def test_briefing_shows_markup_in_names_as_text(worcestershire_pdf):
    assert "<b>Bold & <script>x</script></b>" in pdf_pages(worcestershire_pdf[0])[0]


def test_briefing_prints_the_computed_takeaway(worcestershire, worcestershire_pdf):
    """Issue #12: D = 0.34 against England's 0.55 must not read as "we are better"."""
    text = pdf_pages(worcestershire_pdf[0])[0]
    assert " ".join(worcestershire.takeaway.split()) in text
    assert "does not mean pupils mix more" in worcestershire.takeaway
    assert "schoolmates are 15 % from other backgrounds" in worcestershire.takeaway


def test_briefing_counts_proposed_links_apart(worcestershire_pdf):
    text = pdf_pages(worcestershire_pdf[0])[0]
    assert "Proposed links (not yet active)" in text
    assert "Active links" in text


def test_demo_briefing_has_a_watermark_on_every_page(worcestershire, england):
    pdf = briefing.build_briefing(
        worcestershire,
        compare=brief(england, "Herefordshire, County of"),
        register_updated=None,
        includes_demo=True,
    )
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    assert all(briefing.WATERMARK in page for page in pages)


def test_real_briefing_has_no_watermark(worcestershire_pdf):
    assert briefing.WATERMARK not in pdf_pages(worcestershire_pdf[0])[0]


def test_side_by_side_page_puts_two_las_in_one_table(worcestershire, england):
    hereford = brief(england, "Herefordshire, County of")
    pdf = briefing.build_briefing(worcestershire, compare=hereford, register_updated=None)
    page = pdf_pages(pdf)[1]
    assert "Side by side: Worcestershire and Herefordshire, County of" in page
    for measure in ("A White British pupil's schoolmates from other backgrounds (%)", "Gaps"):
        assert measure in page
    for value in (worcestershire.headline["pupils"], hereford.headline["pupils"]):
        assert f"{value:,}" in page
    assert " ".join(hereford.takeaway.split()) in page


def test_side_by_side_needs_two_different_las(worcestershire):
    with pytest.raises(ValueError, match="two different"):
        briefs.side_by_side(worcestershire, worcestershire)


def test_similar_las_are_like_worcestershire(worcestershire, england):
    """Statistical neighbours: similar White British, FSM and EAL shares."""
    summary = england["summary"].reset_index().set_index("la_name")
    worcs = summary.loc["Worcestershire"]
    for la in worcestershire.similar:
        assert abs(summary.loc[la, "white_british_pct"] - worcs["white_british_pct"]) < 10
    assert len(worcestershire.similar) == briefs.SIMILAR_LAS


def _measures(here: dict, like: dict, england: dict) -> pd.DataFrame:
    keys = list(exposure.MEASURE_LABELS)
    return pd.DataFrame(
        {
            "measure": keys,
            "key": keys,
            "Here": [here[k] for k in keys],
            briefs.SIMILAR: [like[k] for k in keys],
            briefs.ENGLAND: [england[k] for k in keys],
        }
    )


BASE = {
    "white_british_pct": 85.0,
    "exposure_pct": 15.0,
    "very_white_pct": 30.0,
    "reach_pct": 80.0,
    "dissimilarity": 0.3,
}
ENGLAND_ROW = {**BASE, "white_british_pct": 63.0, "exposure_pct": 22.0, "dissimilarity": 0.55}
HEADLINE = {"gaps": 12, "proposed_links": 3, "predominantly_white": 20}


def test_takeaway_is_built_from_the_numbers():
    text = briefs.takeaway("Here", _measures(BASE, BASE, ENGLAND_ROW), HEADLINE)
    assert text.startswith("Here: 85 % of pupils are White British")
    assert "about the same as in similar areas (15 %) and fewer than in England (22 %)" in text
    assert "does not mean pupils mix more" in text
    assert "12 of 20 predominantly white schools (at least 80 % White British) have no" in text
    assert "3 links are proposed but not yet active" in text


def test_takeaway_names_the_threshold_its_numbers_were_counted_with():
    text = briefs.takeaway("Here", _measures(BASE, BASE, ENGLAND_ROW), HEADLINE, threshold_pct=70)
    assert "12 of 20 predominantly white schools (at least 70 % White British)" in text
    none = briefs.takeaway(
        "Here",
        _measures(BASE, BASE, ENGLAND_ROW),
        {**HEADLINE, "predominantly_white": 0},
        threshold_pct=90,
    )
    assert "No school here is predominantly white (at least 90 % White British)" in none


def test_takeaway_changes_when_the_numbers_do():
    mixed = {**BASE, "white_british_pct": 55.0, "exposure_pct": 40.0, "dissimilarity": 0.7}
    far = {**BASE, "reach_pct": 20.0}
    text = briefs.takeaway("Here", _measures(mixed, BASE, ENGLAND_ROW), {**HEADLINE, "gaps": 0})
    assert "more than in similar areas (15 %) and more than in England (22 %)" in text
    assert "does not mean" not in text
    assert "every predominantly white school has an active link" in text
    assert "virtual" in briefs.takeaway("Here", _measures(far, BASE, ENGLAND_ROW), HEADLINE)


def test_exposure_measures_worked_by_hand():
    """Two schools: A 90 White British + 10 others (100 pupils), B 20 + 80 (100 pupils).

    Exposure = (90/110)(10/100) + (20/110)(80/100) = 0.0818 + 0.1455 = 0.2273 -> 22.7 %.
    Very white: A (90 %) is >= 90 %: 100 of 200 pupils -> 50 %. B is diverse (20 % <= 50 %);
    A is not and has B within reach -> reach 100 %. With A out of reach: 0 %.
    """
    frame = pd.DataFrame(0, index=[0, 1], columns=list(config.ETHNIC_COUNT_COLUMNS))
    frame["n_white_british"], frame["n_pakistani"] = [90, 20], [10, 80]
    frame = frame.assign(
        headcount=100, white_british_pct=[90.0, 20.0], has_ethnicity=True, phase="Primary"
    )
    got = exposure.area_measures(frame, pd.Series([True, True]))
    assert got["exposure_pct"] == pytest.approx(22.727, abs=1e-3)
    assert got["very_white_pct"] == pytest.approx(50.0)
    assert got["reach_pct"] == pytest.approx(100.0)
    assert exposure.area_measures(frame, pd.Series([False, True]))["reach_pct"] == 0.0


def test_reach_needs_a_diverse_school_of_the_same_ages_nearby():
    from tests.test_partners import make_schools

    schools = make_schools(
        [
            {"white": 95, "km": 0, "first": 0, "last": 6},
            {"white": 95, "km": 0, "first": 7, "last": 11, "phase": "Secondary"},
            {"white": 95, "km": 60, "first": 0, "last": 6},
            {"white": 10, "pakistani": 90, "km": 5, "first": 0, "last": 6},
        ]
    )
    reach = exposure.diverse_within_reach(partners.PartnerIndex(schools), 25)
    assert reach.tolist() == [True, False, False, True]


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
    # After the split-school fix (#12) Bradford Girls' Grammar's pupils count once.
    assert (bradford["Schools"], bradford["Pupils"]) == ("211", "101,309")
    assert (bradford["White British pupils"], bradford["Predominantly white schools"]) == (
        "39.1 %",
        "41",
    )
    at.radio(key="summary_kind").set_value("England").run()
    assert {m.label: m.value for m in at.metric}["Schools"] == f"{config.TOTAL_STATE_SCHOOLS:,}"


def test_summary_page_offers_the_briefing_for_an_la_only():
    at = summary_page()
    assert any("briefing for Worcestershire" in b.label for b in at.get("download_button"))
    at.radio(key="summary_kind").set_value("A region").run()
    assert not any("briefing" in b.label for b in at.get("download_button"))


def test_summary_page_shows_the_takeaway_and_the_census_date():
    at = summary_page()
    assert any("schoolmates are" in m.value for m in at.success)
    assert any("census of **January 2023**" in i.value for i in at.info)
    assert any(m.label == "Proposed links" for m in at.metric)


def test_two_las_side_by_side_on_screen_and_in_the_pdf():
    at = summary_page()
    at.selectbox(key="summary_beside").set_value("Herefordshire, County of").run()
    assert not at.exception
    assert any("side by side" in h.value for h in at.subheader)
    shown = next(d for d in at.dataframe if "Herefordshire, County of" in d.value.columns)
    assert "Worcestershire" in shown.value.columns
    # England has no counts beside two LAs: a dash, said in words, not "None".
    assert shown.value.loc[shown.value["kind"] == "count", "England"].isna().all()
    assert shown.proto.placeholder == summary_page_lib.NOT_COMPARED
    assert any("England's counts are not set beside" in c.value for c in at.caption)
    button = next(b for b in at.get("download_button") if "briefing" in b.label)
    assert "with a second page beside Herefordshire, County of" in button.label


@pytest.mark.parametrize(
    "la", ["East Riding of Yorkshire", "Bournemouth, Christchurch and Poole", "Newham"]
)
def test_long_briefings_still_fit_on_one_page(england, la):
    pdf = briefing.build_briefing(brief(england, la), register_updated=None, includes_demo=True)
    assert len(pdf_pages(pdf)) == 1


def test_takeaway_where_every_school_is_diverse():
    diverse = {**BASE, "white_british_pct": 10.0, "exposure_pct": 85.0, "reach_pct": np.nan}
    text = briefs.takeaway(
        "Here", _measures(diverse, BASE, ENGLAND_ROW), {**HEADLINE, "predominantly_white": 0}
    )
    assert "every school here is diverse" in text
    assert "nan %" not in text
    assert "No school here is predominantly white" in text
