"""One browser journey per role, safe rendering and accessibility, in Chromium (issue #7)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest

from bench.server import choose_option

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core@4.14.1" / "axe.min.js"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
XSS = '<img src=x onerror="window.__xss=1">'


def sign_in(page, app_url: str, username: str, password: str) -> None:
    """Sign in on the server's form, which comes back to the sign-in page when done."""
    page.goto(f"{app_url}/auth/sign-in?next=sign_in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("You are signed in as").wait_for(timeout=30_000)


def open_page(page, title: str) -> None:
    """Follow a sidebar link (keeps the signed-in session)."""
    page.get_by_role("link", name=title).first.click()
    page.get_by_role(
        "heading", name=title.replace("Map of schools", "Map of schools")
    ).first.wait_for(timeout=60_000)


def fill_school(page, label: str, text: str) -> None:
    page.get_by_role("textbox", name=label).fill(text)
    page.get_by_role("textbox", name=label).press("Enter")
    page.wait_for_timeout(1500)


def test_officer_adds_a_link_and_sees_it_on_the_map(page, app_url, account_password):
    sign_in(page, app_url, "officer1", account_password)
    open_page(page, "Link register")
    page.get_by_role("tab", name="Add a link").click()
    fill_school(page, "School (name, URN or postcode)", "136925")
    fill_school(page, "Partner school in England (name, URN or postcode)", "116999")
    choose_option(page, "Link types", "ethnicity")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Add link").click()
    page.get_by_text("added.").wait_for(timeout=30_000)

    open_page(page, "Map of schools")
    choose_option(page, "Local authority", "Worcestershire")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator('body[data-schools-drawn="243"]').wait_for(state="attached", timeout=60_000)
    page.get_by_text("ethnicity link").wait_for(timeout=30_000)  # legend shows drawn links
    map_frame = next(f for f in page.frames if "st_folium" in f.url)
    point = map_frame.evaluate("() => window.__atlasDots.pointOf(136925)")
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.get_by_text("Links (2)").wait_for(timeout=30_000)  # the press link to Zambia + this one


def test_cabinet_member_downloads_the_briefing(page, app_url, account_password, tmp_path):
    sign_in(page, app_url, "cabinet1", account_password)
    open_page(page, "Summary and briefing")
    button = page.get_by_role(
        "button", name="Download the one-page briefing for Worcestershire (PDF)"
    )
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as download:
        button.click()
    target = tmp_path / "briefing.pdf"
    download.value.save_as(target)
    text = pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert "School links briefing: Worcestershire" in text
    assert "243" in text


def test_school_finds_partners_for_its_own_school(page, app_url, account_password):
    sign_in(page, app_url, "school1", account_password)
    open_page(page, "Find a partner school")
    page.get_by_text("The 10 best partners within 25 km").wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".atlas-rank").first.wait_for()
    assert frame.locator(".atlas-rank").count() == 10
    assert page.get_by_role("link", name="Link register").count() == 0


def test_public_visitor_cannot_reach_the_register(page, app_url):
    page.goto(f"{app_url}/register")
    page.get_by_role("heading").first.wait_for(timeout=60_000)
    page.wait_for_timeout(3000)
    assert page.get_by_role("tab", name="Add a link").count() == 0
    assert page.get_by_role("link", name="Link register").count() == 0
    assert page.get_by_text("The council's own record of links").count() == 0


def test_a_hostile_note_is_shown_as_text_and_never_runs(page, app_url, account_password):
    sign_in(page, app_url, "officer1", account_password)
    open_page(page, "Link register")
    page.get_by_role("tab", name="Add a link").click()
    fill_school(page, "School (name, URN or postcode)", "116859")
    page.get_by_text("The partner school is abroad").click()
    page.get_by_role("textbox", name="Partner school's name").fill(XSS)
    page.get_by_role("textbox", name="Country").fill("India")
    choose_option(page, "Link types", "international")
    page.keyboard.press("Escape")
    page.get_by_role("textbox", name="Notes").fill(XSS)
    page.get_by_role("button", name="Add link").click()
    page.get_by_text("added.").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Edit or end a link").click()
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Link to edit").locator("input")
    picker.click()
    picker.press_sequentially("Red Hill")
    page.get_by_role("option").filter(has_text=XSS).first.wait_for()  # shown as text
    page.keyboard.press("Escape")
    open_page(page, "Map of schools")
    page.wait_for_timeout(2000)
    for frame in page.frames:
        assert frame.evaluate("() => window.__xss === undefined")
        assert frame.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.2 A/AA violations in the page and its frames."""
    found = []
    for frame in page.frames:
        frame.add_script_tag(path=str(AXE))
        result = frame.evaluate(
            "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target)}))"
        )
        found += [{**v, "frame": frame.url[:60]} for v in result]
    return found


@pytest.mark.parametrize(
    ("user", "page_title"),
    [
        (None, "Map of schools"),
        (None, "Summary and briefing"),
        (None, "Find a partner school"),
        (None, "About the data"),
        (None, "Sign in"),
        ("officer1", "Gaps and pairing plan"),
        ("officer1", "Link register"),
    ],
)
def test_no_serious_accessibility_violations(page, app_url, account_password, user, page_title):
    if user:
        sign_in(page, app_url, user, account_password)
    else:
        page.goto(app_url)
        page.get_by_role("heading").first.wait_for(timeout=60_000)
    open_page(page, page_title)
    page.wait_for_timeout(4000)
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)
