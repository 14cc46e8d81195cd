"""What a public visitor and a school user see of the register, in Chromium (issue #15).

README's role table ("Signing in") says: the public sees counts of active links and no
link lines; a school sees its own links (its proposals too) and only counts for other
schools. Checked on the map's lines, the details panel and the page's CSV download.
One server (the session's ``app_url``) serves every test; the links are Herefordshire
schools that no other browser test uses.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from bench.server import choose_option
from dashboard import config
from dashboard.register import accounts, model, store
from dashboard.register import engine as register_engine
from dashboard.register.auth import OFFICER, User
from tests.test_browser_roles import MAP_FRAME, open_page, sign_in

pytestmark = pytest.mark.browser
OWN, OWN_PARTNER, OTHER, OTHER_PARTNER = 116645, 116668, 116674, 116677  # Herefordshire
SECRETS = {  # note and partner abroad per link: text only officers (and its school) may read
    "own active": (OWN, OWN_PARTNER, "active"),
    "own proposed": (OWN, OTHER, "proposed"),
    "other active": (OTHER, OTHER_PARTNER, "active"),
    "other proposed": (OWN_PARTNER, OTHER_PARTNER, "proposed"),
}
ABROAD = "Partner-Abroad-Secret"


def _note(name: str) -> str:
    return f"NOTE-{name.replace(' ', '-').upper()}"


@pytest.fixture(scope="module")
def links(app_register_url, account_password) -> dict[str, int]:
    """The four links above plus an active link abroad of OTHER_PARTNER; ids by name."""
    engine = register_engine.open_register(app_register_url)
    officer = User("privacy-officer", OFFICER, "Privacy Officer")
    known = {OWN, OWN_PARTNER, OTHER, OTHER_PARTNER}
    ids = {}
    for name, (school, partner, status) in SECRETS.items():
        link = model.LinkInput(
            school, partner, link_types=("ethnicity",), status=status, notes=_note(name)
        )
        ids[name] = store.add_link(engine, link, officer, known_urns=known).link_id
    abroad = model.LinkInput(
        OTHER_PARTNER,
        partner_name=ABROAD,
        partner_country="Narnia",
        link_types=("international",),
        status="active",
        notes=_note("abroad"),
    )
    ids["abroad"] = store.add_link(engine, abroad, officer, known_urns=known).link_id
    accounts.create_user(engine, "school2", account_password, role="school", school_urn=OWN)
    engine.dispose()
    return ids


def _map_of_herefordshire(page, app_url: str) -> None:
    page.goto(app_url)  # the public's first page is the map, a school's is its partners
    page.get_by_role("heading").first.wait_for(timeout=60_000)
    open_page(page, "Map of schools")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("body[data-schools-drawn]").wait_for(state="attached", timeout=60_000)
    choose_option(page, "Local authority", "Herefordshire, County of")
    page.keyboard.press("Escape")
    everywhere = str(config.TOTAL_STATE_SCHOOLS)
    frame.locator(f'body[data-schools-drawn]:not([data-schools-drawn="{everywhere}"])').wait_for(
        state="attached", timeout=60_000
    )
    page.wait_for_timeout(1500)  # the map settles on the LA before a dot is clicked


def _drawn_link_ids(page) -> set[int]:
    """Ids of the link lines the map draws (in the GeoJSON of the layers it was sent)."""
    map_frame = next(f for f in page.frames if "st_folium" in f.url)
    code = map_frame.evaluate(
        "() => String((window.__GLOBAL_DATA__ || {}).last_feature_group || '')"
        " + document.documentElement.outerHTML"
    )
    assert "atlas" in code.lower()  # the map's layers are there to look through
    return {int(i) for i in re.findall(r'"link_id":\s*(\d+)', code)}


def _open_details(page, urn: int) -> str:
    """Click a school's dot; return the page's text once its details panel shows."""
    map_frame = next(f for f in page.frames if "st_folium" in f.url)
    # Link lines lie over their schools' dots and would take the click: let it through.
    map_frame.evaluate(
        "() => document.querySelectorAll('path.leaflet-interactive')"
        ".forEach(p => { p.style.pointerEvents = 'none'; })"
    )
    point = map_frame.evaluate(f"() => window.__atlasDots.pointOf({urn})")
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.get_by_role("link", name="Find partners for this school").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    return page.locator("body").inner_text()


def _download_csv(page, tmp_path) -> tuple[pd.DataFrame, str]:
    button = page.get_by_role("button", name="Download these schools (CSV)")
    with page.expect_download(timeout=60_000) as download:
        button.click()
    target = tmp_path / "schools.csv"
    download.value.save_as(target)
    return pd.read_csv(target), target.read_text("utf-8-sig")


def _assert_no_secrets(text: str, allowed: tuple[str, ...] = ()) -> None:
    for name in [*SECRETS, "abroad"]:
        if name not in allowed:
            assert _note(name) not in text, name
    if "abroad" not in allowed:
        assert ABROAD not in text


def test_a_public_visitor_sees_only_counts_of_active_links(page, app_url, links, tmp_path):
    _map_of_herefordshire(page, app_url)
    assert _drawn_link_ids(page) == set()  # no link lines at all
    text = _open_details(page, OTHER_PARTNER)
    assert "Active links: 2." in text  # with OTHER and abroad; the proposal is not counted
    assert "Links (" not in text  # no table of partners
    _assert_no_secrets(text)
    schools, raw = _download_csv(page, tmp_path)
    _assert_no_secrets(raw)
    counts = schools.set_index("urn")["links"]
    assert counts[OWN] == 1
    assert counts[OTHER] == 1
    assert counts[OTHER_PARTNER] == 2
    assert counts[OWN_PARTNER] == 1  # its proposal with OTHER_PARTNER is not public


def test_a_school_sees_its_own_links_and_counts_of_others(
    page, app_url, links, account_password, tmp_path
):
    sign_in(page, app_url, "school2", account_password)
    _map_of_herefordshire(page, app_url)
    assert _drawn_link_ids(page) == {links["own active"], links["own proposed"]}
    text = _open_details(page, OWN)
    assert "Links (2)" in text  # its own, the proposal included
    _assert_no_secrets(text)  # notes are not in the panel, nor other schools' partners
    text = _open_details(page, OTHER_PARTNER)
    assert "Active links: 2." in text
    assert "Links (" not in text
    _assert_no_secrets(text)
    schools, raw = _download_csv(page, tmp_path)
    _assert_no_secrets(raw)
    counts = schools.set_index("urn")["links"]
    assert counts[OWN] == 2  # its own proposal counts for both its schools
    assert counts[OTHER] == 2
    assert counts[OWN_PARTNER] == 1
    assert counts[OTHER_PARTNER] == 2
