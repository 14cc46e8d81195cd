"""Fuzz every query parameter and search box of every page (issue #15): never an exception.

Long, unicode ("²" passes ``str.isdigit`` but not ``int``), repeated, negative, huge
and NaN values are sent to every parameter any page reads; each run must show the
page with at most a short note, never an exception element.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import navigation
from dashboard.register import auth
from dashboard.register.auth import User
from tests.conftest import ROOT, sign_in

# Every parameter a page reads from its address (filters, map settings, pages, sign-in).
PARAMS = (
    "region", "la", "phase", "faith", "diversity", "fsm", "linked", "q", "near", "km",
    "measure", "threshold", "show", "demo", "school", "next", "signed_out", "register_tab",
)  # fmt: skip
HOSTILE = (
    "²",
    "١٢٣٤٥٦",  # Arabic-Indic digits: isdigit() is true
    "9" * 400,
    "x" * 5000,
    "-1",
    "1e309",
    "nan",
    "-inf",
    "[link](javascript:alert(1)) **bold** <b>x</b>",
    "\u202e136925",
)
OFFICER = User("fuzz-officer", auth.OFFICER, "Fuzz Officer")


def _run(page: str, values: dict[str, list[str]], user: User | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    if user is not None:
        sign_in(at, user)
    for key, given in values.items():
        at.query_params[key] = given
    at.query_params["goto"] = page
    return at.run()


@pytest.mark.parametrize("page", sorted(navigation.PAGES))
@pytest.mark.parametrize("shift", [0, 3, 7])
def test_hostile_query_parameters_never_raise(page, shift):
    """Each parameter gets a different hostile value per run, twice over (repeated keys)."""
    values = {
        key: [HOSTILE[(i + shift) % len(HOSTILE)], HOSTILE[(i + shift + 1) % len(HOSTILE)]]
        for i, key in enumerate(PARAMS)
    }
    at = _run(page, values, OFFICER)
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title][:1] == [navigation.PAGES[page][1]]  # the page ran


@pytest.mark.parametrize("value", ["²", "١٢٣", "9" * 400, "-5", "nan", "x" * 5000])
def test_hostile_search_boxes_never_raise(value):
    at = _run("pages/map.py", {}, OFFICER)
    at.text_input(key="map_q").set_value(value).run()
    at.text_input(key="map_near").set_value(value).run()
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page("pages/partners.py").run()
    at.text_input(key="partners_school_search").set_value(value).run()
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page("pages/register.py").run()
    at.text_input(key="register_search").set_value(value).run()
    assert not at.exception, [e.message for e in at.exception]


def test_public_partner_page_ignores_a_unicode_urn():
    at = _run("pages/partners.py", {"school": ["²"]}, None)
    assert not at.exception
