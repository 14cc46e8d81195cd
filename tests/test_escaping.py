"""A hostile school name, partner name, note and file name show as text on every path (#13).

Paths: Markdown on the pages (details panel, partner finder, search messages,
import report and file messages), map tooltips and legends (partner, plan and
officers' maps), and the PDF briefing. Tables (``st.dataframe``) draw cells as
text by construction; the browser test in ``test_browser_roles.py`` checks a
hostile note on the live map.
"""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import datetime

import pandas as pd
import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.analysis import briefs, exposure, gaps, metrics
from dashboard.app.text import md_escape
from dashboard.data import embedded
from dashboard.maps import partner_maps, scales, school_map
from dashboard.outputs import briefing
from dashboard.register import engine as register_engine
from dashboard.register import model, store
from dashboard.register.auth import OFFICER, User
from tests.conftest import ROOT, sign_in

HOSTILE = '<img src=x onerror="window.__xss=1"> *bold* [link](javascript:alert(1)) #h'
# Markup that would work if the text were not escaped: an HTML tag or a Markdown link.
LIVE_HTML = re.compile(r"(?<![\\&])<img")
LIVE_MARKDOWN = re.compile(r"(?<!\\)\[link(?<!\\)\]\(")
ANN = User("ann", OFFICER, "Ann Officer")
PERSHORE = 136925


@pytest.fixture
def hostile_schools(monkeypatch):
    """The embedded schools, with Pershore High School renamed to the hostile text."""
    real = embedded.read_schools

    def read_schools(*args, **kwargs):
        schools = real(*args, **kwargs)
        schools.loc[schools["urn"] == PERSHORE, "school_name"] = HOSTILE
        return schools

    monkeypatch.setattr(embedded, "read_schools", read_schools)
    return read_schools()


def rendered_text(at: AppTest) -> list[str]:
    """Every piece of Markdown the page drew."""
    kinds = ("markdown", "caption", "subheader", "header", "title", "info", "warning", "error")
    out = []
    for kind in kinds:
        out += [str(element.value) for element in at.get(kind)]
    out += [str(element.body) for element in at.get("success")]
    return out


def assert_shown_as_text(texts: list[str]) -> None:
    assert any(md_escape(HOSTILE) in t for t in texts), "the hostile text was never shown"
    for t in texts:
        assert not LIVE_HTML.search(t), t
        assert not LIVE_MARKDOWN.search(t), t


def app(user: User | None = ANN) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    if user is not None:
        sign_in(at, user)
    return at.run()


def test_details_panel_shows_a_hostile_school_name_as_text(hostile_schools):
    at = app()
    at.session_state["map_selected"] = PERSHORE
    at.run()
    assert not at.exception
    assert_shown_as_text(rendered_text(at))


def test_partner_finder_shows_a_hostile_school_name_as_text(hostile_schools):
    at = app(None)
    at.switch_page("pages/partners.py").run()
    at.text_input(key="partners_school_search").set_value(str(PERSHORE)).run()
    assert not at.exception
    assert_shown_as_text(rendered_text(at))


def test_a_hostile_search_is_echoed_as_text():
    at = app(None)
    at.switch_page("pages/partners.py").run()
    at.text_input(key="partners_school_search").set_value(HOSTILE).run()
    assert not at.exception
    assert_shown_as_text(rendered_text(at))


def test_import_messages_show_a_hostile_file_name_and_cells_as_text():
    at = app()
    at.switch_page("pages/register.py")
    at.session_state["register_tab"] = "Import a spreadsheet"
    at.run()
    content = f"School URN,Partner URN,Status,Link types\n{PERSHORE},116859,{HOSTILE},ethnicity\n"
    content = content.encode()
    # Named .xlsx but not a workbook: the file-level message quotes the name.
    at.file_uploader(key="register_upload").upload(f"{HOSTILE}.xlsx", content, "text/csv").run()
    assert not at.exception
    assert_shown_as_text(rendered_text(at))
    at.file_uploader(key="register_upload").upload("links.csv", content, "text/csv").run()
    assert not at.exception
    texts = rendered_text(at)
    assert any("is not one of: proposed" in t for t in texts)
    for t in texts:
        assert not LIVE_HTML.search(t), t
        assert not LIVE_MARKDOWN.search(t), t


LINK_HEADING = "[Partner URN](https://evil.example/h)"
IMAGE = "![x](https://evil.example/pixel.png)"
# Unescaped "](" makes a Markdown link or image (the image would be fetched by the browser).
LIVE_TARGET = re.compile(r"(?<!\\)\]\(")


def test_import_messages_show_markdown_headings_titles_and_cells_as_text():
    at = app()
    at.switch_page("pages/register.py")
    at.session_state["register_tab"] = "Import a spreadsheet"
    at.run()
    content = (
        f"{IMAGE}\n"  # a title line above the headings is quoted in a note
        f"School URN,{LINK_HEADING},Link types,Status,{IMAGE}\n"
        f"{PERSHORE},116859,ethnicity,active,{IMAGE}\n"
        f"{PERSHORE},{IMAGE},ethnicity,active,x\n"  # a cell quoted in the row's error
    ).encode()
    at.file_uploader(key="register_upload").upload(f"{IMAGE}.csv", content, "text/csv").run()
    assert not at.exception
    texts = rendered_text(at)
    quoted = [t for t in texts if md_escape(IMAGE) in t]  # the title note, a cell, a column
    assert len(quoted) >= 3, texts
    assert any(md_escape(LINK_HEADING) in t for t in texts), texts  # the heading, as text
    for t in texts:
        assert not LIVE_TARGET.search(t), t
        assert "https://evil.example" not in t or "\\]\\(" in t, t


@pytest.fixture
def hostile_frames(hostile_schools):
    """Two schools (one hostile) and a link between them with a hostile note."""
    schools = hostile_schools[hostile_schools["urn"].isin([PERSHORE, 116859])]
    links = pd.DataFrame(
        {
            "link_id": [1],
            "school_urn": [PERSHORE],
            "partner_urn": [116859],
            "link_types": [["ethnicity"]],
            "status": ["active"],
            "notes": [HOSTILE],
        }
    )
    return schools, links


def test_map_link_tooltips_escape_school_names(hostile_frames):
    schools, links = hostile_frames
    label = school_map.links_to_geojson(links, schools)["features"][0]["properties"]["label"]
    assert "&lt;img src=x" in label
    assert not LIVE_HTML.search(label)


def test_partner_and_plan_maps_escape_school_names(hostile_frames):
    schools, _ = hostile_frames
    school = schools[schools["urn"] == 116859].iloc[0]
    candidates = schools[schools["urn"] == PERSHORE].assign(distance_km=20.0)
    pairs = pd.DataFrame(
        {
            "urn": [116859],
            "school_name": ["Red Hill"],
            "partner_urn": [PERSHORE],
            "partner_name": [HOSTILE],
            "partner_white_british_pct": [91.0],
        }
    )
    for m in (
        partner_maps.build_partner_map(school, candidates, schools),
        partner_maps.build_plan_map(pairs, schools),
    ):
        page = m.get_root().render()
        assert "&lt;img src=x" in page
        assert not LIVE_HTML.search(page)


def test_legend_escapes_its_text():
    assert not LIVE_HTML.search(scales.legend_html("white_british_pct", show_links=True))


def test_register_page_search_echo_and_notes_are_text(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'hostile.sqlite3'}"
    monkeypatch.setenv("ATLAS_DATABASE_URL", url)
    engine = register_engine.open_register(url)
    store.add_link(
        engine,
        model.LinkInput(
            PERSHORE,
            partner_name=HOSTILE,
            partner_country=HOSTILE,
            notes=HOSTILE,
            link_types=("international",),
        ),
        ANN,
        known_urns={PERSHORE},
    )
    at = app()
    at.switch_page("pages/register.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert HOSTILE in set(table["notes"])  # stored and shown exactly as typed, as a cell
    for t in rendered_text(at):
        assert not LIVE_HTML.search(t), t


def test_pdf_briefing_prints_hostile_names_as_text(hostile_schools):
    schools = hostile_schools
    empty = pd.DataFrame(columns=list(model.LINK_COLUMNS))
    status = gaps.link_status_by_school(schools, empty)
    reach = pd.Series(False, index=schools.index)
    found = briefs.build_area_brief(
        "Worcestershire",
        schools,
        status,
        empty,
        exposure.measures_by_la(schools, reach),
        metrics.summarise_by_area(schools, ["la_gss_code", "la_name", "region"]),
    )
    gap_df = found.gaps_df.copy()
    gap_df.loc[0, ["school_name", "white_british_pct"]] = [HOSTILE, 100.0]
    hostile = dataclasses.replace(
        found,
        la_name=HOSTILE,
        measures=found.measures.rename(columns={"Worcestershire": HOSTILE}),
        gaps_df=gap_df,
        takeaway=f"{HOSTILE}: {found.takeaway}",
    )
    pdf = briefing.build_briefing(
        hostile, compare=found, register_updated=datetime(2026, 11, 25, 10, 0)
    )
    pages = [
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    ]
    first, second = pages[0], pages[-1]
    assert first.count('<img src=x onerror="window.__xss=1">') >= 3  # title, takeaway, gaps
    assert second.count('<img src=x onerror="window.__xss=1">') >= 2  # side by side
