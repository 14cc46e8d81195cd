"""An officer's whole working day in Chromium, on a PostgreSQL register (issue #10).

Sign in, reload, add, edit twice, update meetings twice in bulk, end a link,
import a file twice, export CSV and Excel, sign out and press Back; and an
account demoted on the server while its tab is open cannot write at its next click.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bench.server import choose_option
from dashboard.register import accounts, model
from tests.test_browser_roles import fill_school

pytestmark = pytest.mark.browser


def sign_in(page, base: str, username: str, password: str, next_page: str) -> None:
    page.goto(f"{base}/auth/sign-in?next={next_page}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # The map is the default page, which Streamlit serves at the root only.
    target = "" if next_page == "map" else next_page
    page.wait_for_url(re.compile(rf"{re.escape(base)}/{target}(\?.*)?$"), timeout=30_000)
    page.get_by_role("heading").first.wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(800)


def wait_text(page, text: str, timeout: float = 30_000) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout)


def choose_link(page, label_part: str) -> None:
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Link to edit").locator("input")
    picker.click()
    picker.press_sequentially(label_part)
    page.get_by_role("option").filter(has_text=label_part).first.click()
    page.wait_for_timeout(800)


def wait_idle(page) -> None:
    """Wait until Streamlit has finished rerunning (its "running" indicator is gone)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )
    page.wait_for_timeout(500)


def edit_meetings(page, row: int, value: str, changed: int) -> None:
    """Type a number of meetings into one row of the bulk editor (a canvas grid).

    The meetings column comes right after the link number, so a double click a
    little right of the grid's left edge opens its editor. ``changed`` is how many
    rows should then differ; a keystroke lost while the page reruns is retried.
    """
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for()
    for _attempt in range(3):
        wait_idle(page)
        box = grid.bounding_box()
        page.mouse.dblclick(box["x"] + 110, box["y"] + 35 * (row + 1) + 17)
        editor = page.locator("#portal input.gdg-input")
        try:
            editor.wait_for(timeout=3000)
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            continue
        editor.fill(value)
        editor.press("Enter")
        wait_idle(page)  # the edit reruns the page before the count updates
        try:
            page.get_by_role("button", name=f"Save these changes ({changed})").wait_for(
                timeout=5000
            )
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not type {value} into row {row}")


def audit_actions(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(model.audit_table.c.action).order_by(model.audit_table.c.audit_id)
        ).scalars()
        actions = list(rows)
    engine.dispose()
    return actions


def download(page, button_name: str, tmp_path) -> bytes:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button_name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def test_an_officers_working_day(page, pg_app_url, pg_register_url, account_password, tmp_path):
    base = pg_app_url
    sign_in(page, base, "officer1", account_password, "register")
    wait_text(page, "The council's own record of links")
    page.reload()  # still signed in after a reload
    wait_text(page, "Signed in as")
    page.get_by_role("tab", name="Add a link").wait_for(timeout=30_000)

    open_tab(page, "Add a link")
    fill_school(page, "School (name, URN or postcode)", "136925")
    fill_school(page, "Partner school in England (name, URN or postcode)", "116999")
    choose_option(page, "Link types", "ethnicity")
    page.keyboard.press("Escape")
    choose_option(page, "Status", "active")
    page.get_by_role("button", name="Add link").click()
    wait_text(page, "Link #3 added.")
    page.get_by_role("tab", name="Add a link", selected=True).wait_for(timeout=30_000)

    open_tab(page, "Edit or end a link")
    choose_link(page, "#3 ")
    for version, note in ((2, "First visit booked"), (3, "Second visit booked")):
        page.get_by_role("textbox", name="Notes").fill(note)
        page.get_by_role("button", name="Save changes").click()
        wait_text(page, f"saved (now version {version})")

    open_tab(page, "Update meetings")
    edit_meetings(page, 0, "4", changed=1)  # link #3 is the newest: first row, meetings
    page.get_by_role("button", name="Save these changes (1)").click()
    wait_text(page, "Save the changes to 1 link?")
    page.get_by_role("button", name="Yes, save 1").click()
    wait_text(page, "Link #3 saved (now version 4).")
    edit_meetings(page, 0, "5", changed=1)
    edit_meetings(page, 1, "1", changed=2)  # and the press link to India: two at once
    page.get_by_role("button", name="Save these changes (2)").click()
    page.get_by_role("button", name="Yes, save 2").click()
    wait_text(page, "Link #3 saved (now version 5).")

    open_tab(page, "Edit or end a link")
    choose_link(page, "#3 ")
    page.get_by_role("button", name="End this link…").click()
    wait_text(page, "End link #3 today")
    page.get_by_role("button", name="Yes, end it").click()
    wait_text(page, "Link #3 ended today.")

    open_tab(page, "Import a spreadsheet")
    csv = (
        b"School URN,Partner URN,Link type,Status,Start date\n"
        b"136925,148338,ethnicity,active,01/09/2025\n"
        b"116859,116999,faith,ended,01/09/2024\n"
    )
    for attempt in ("first", "again"):
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            files=[{"name": "links.csv", "mimeType": "text/csv", "buffer": csv}]
        )
        if attempt == "first":
            page.get_by_role("button", name=re.compile(r"Import 2 new link")).click()
            wait_text(page, "Add 2 new link(s) from links.csv to the register?")
            page.get_by_role("button", name="Yes, import 2").click()
            wait_text(page, "2 link(s) imported")
        else:
            wait_text(page, "0 new")
        page.wait_for_timeout(500)

    open_tab(page, "Links")
    wait_text(page, "of 5 links")
    sheet = openpyxl.load_workbook(io.BytesIO(download(page, "Export to Excel", tmp_path)))
    assert sheet["Links"].max_row == 6
    table = pd.read_csv(io.BytesIO(download(page, "Export to CSV", tmp_path)))
    assert len(table) == 5
    assert "updated_at (Europe/London)" in table.columns

    actions = audit_actions(pg_register_url)
    assert actions.count("create") >= 3  # the add and the two imported links
    assert actions.count("update") == 2 + 1 + 2  # two edits, then bulk saves of 1 and 2
    assert actions.count("end") == 1

    page.goto(f"{base}/auth/sign-out")
    page.get_by_role("button", name="Sign out").click()
    wait_text(page, "You are signed out.")
    page.go_back()
    page.go_back()
    page.wait_for_url(re.compile(r"/register"), timeout=30_000)
    wait_text(page, "Sign in as a council officer to see the link register.", timeout=60_000)
    assert page.get_by_role("tab", name="Add a link").count() == 0


def test_an_account_demoted_while_its_tab_is_open_cannot_write(
    page, pg_app_url, pg_register_url, account_password
):
    engine = sa.create_engine(pg_register_url)
    accounts.create_user(engine, "officer2", account_password, role="officer")
    sign_in(page, pg_app_url, "officer2", account_password, "register")
    open_tab(page, "Add a link")
    fill_school(page, "School (name, URN or postcode)", "136925")
    fill_school(page, "Partner school in England (name, URN or postcode)", "141064")
    choose_option(page, "Link types", "faith")
    page.keyboard.press("Escape")
    accounts.set_role(engine, "officer2", "cabinet")  # on the server, while the tab is open
    page.get_by_role("button", name="Add link").click()
    wait_text(page, "The link register is for council officers")
    with engine.connect() as connection:
        partners = connection.execute(sa.select(model.links_table.c.partner_urn)).scalars().all()
    assert 141064 not in partners
    engine.dispose()


def test_a_public_visitor_opening_the_register_directly_is_offered_sign_in(page, app_url):
    page.goto(f"{app_url}/register")
    wait_text(page, "Sign in as a council officer to see the link register.", timeout=60_000)
    link = page.locator("a.atlas-button")
    assert link.inner_text() == "Sign in"
    assert link.get_attribute("href") == "auth/sign-in?next=register"
    assert page.get_by_text("does not seem to exist").count() == 0
    assert page.get_by_role("tab", name="Add a link").count() == 0
