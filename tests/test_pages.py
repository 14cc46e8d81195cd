"""AppTest: every page for every role shows its content or a refusal that offers sign-in (#13)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config
from dashboard.app import navigation
from dashboard.register import auth
from dashboard.register.auth import User
from tests.conftest import ROOT, sign_in

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
VISITORS = {
    auth.OFFICER: User("test-officer", auth.OFFICER, "Test Officer"),
    auth.CABINET: User("test-cabinet", auth.CABINET, "Test Cabinet"),
    auth.SCHOOL: User("test-school", auth.SCHOOL, "Test Head", school_urn=136925),
    auth.PUBLIC: None,
}


def open_page(
    page: str, user: User | None = VISITORS[auth.OFFICER], timeout: float = 60
) -> AppTest:
    """Run the entry point as ``user``, then switch to ``page``."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    if user is not None:
        sign_in(at, user)
    at.run()
    return at.switch_page(page).run()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.label for m in at.metric]
    parts += [t.label for t in at.tabs] + [s.value for s in at.subheader]
    parts += [i.value for i in at.info] + [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)


# What each page shows when the visitor may see it (for the school, its own school).
CONTENT = {
    "pages/map.py": "schools shown",
    "pages/gaps.py": "Gaps in Worcestershire",
    "pages/register.py": "Add a link",
    "pages/summary.py": "Predominantly white schools",
    "pages/partners.py": "Type part of your school's name",
    "pages/data.py": "With ethnicity figures",
    "pages/sign_in.py": "Council officers sign in to keep the link register",
}
SCHOOL_CONTENT = {"pages/partners.py": "Pershore High School"}
SIGNED_IN_CONTENT = {"pages/sign_in.py": "You are signed in as"}


def expected_content(page: str, role: str) -> str:
    """The text that shows ``page`` worked for a visitor of ``role``."""
    if role == auth.SCHOOL and page in SCHOOL_CONTENT:
        return SCHOOL_CONTENT[page]
    if role != auth.PUBLIC and page in SIGNED_IN_CONTENT:
        return SIGNED_IN_CONTENT[page]
    return CONTENT[page]


@pytest.mark.parametrize("role", list(VISITORS))
@pytest.mark.parametrize("page", PAGES)
def test_every_role_sees_each_page_or_a_refusal(page: str, role: str):
    at = open_page(page, VISITORS[role])
    assert not at.exception, at.exception
    if page in navigation.allowed_pages(role):
        assert expected_content(page, role) in _texts(at)
        assert not any(w.icon == ":material/lock:" for w in at.warning)
    else:
        assert [w.value for w in at.warning] == [navigation.refusal(page, role)]
        assert CONTENT[page] not in _texts(at)
        assert not at.tabs
        assert not at.dataframe


# Who may open what, written out here rather than read from the code under test.
ACCESS = {
    auth.OFFICER: {"map", "gaps", "register", "summary", "partners", "data", "sign_in"},
    auth.CABINET: {"map", "gaps", "summary", "partners", "data", "sign_in"},
    auth.SCHOOL: {"map", "partners", "data", "sign_in"},
    auth.PUBLIC: {"map", "summary", "partners", "data", "sign_in"},
}


@pytest.mark.parametrize("role", list(ACCESS))
def test_each_role_may_open_exactly_its_pages(role: str):
    allowed = {Path(p).stem for p in navigation.allowed_pages(role)}
    assert allowed == ACCESS[role]


def test_the_refusal_names_the_role_and_the_page():
    at = open_page("pages/register.py", None)
    assert at.warning[0].value == "Sign in as a council officer to see the link register."
    at = open_page("pages/register.py", VISITORS[auth.CABINET])
    assert at.warning[0].value == (
        "You are signed in as a cabinet member. The link register is for council officers: "
        "sign in with such an account to see it."
    )
    assert not at.tabs


def test_every_page_file_is_declared():
    assert set(PAGES) == set(navigation.PAGES)


def test_data_page_lists_schools_without_ethnicity():
    at = open_page("pages/data.py")
    values = {m.label: m.value for m in at.metric}
    assert values["Schools"] == f"{config.TOTAL_STATE_SCHOOLS:,}"
    missing = int(values["Without ethnicity figures"].replace(",", ""))
    listed = at.dataframe[1].value
    assert len(listed) == missing == 212  # 202 before issue #12 refused ten split schools
    assert listed["reason"].str.len().gt(0).all()


def test_pages_leave_the_shared_schools_frame_unchanged():
    """loaders.load_schools is shared between sessions (cache_resource): no page may modify it."""
    from dashboard.app import loaders
    from dashboard.data import embedded

    for page in PAGES:
        open_page(page)
    pd.testing.assert_frame_equal(
        pd.DataFrame(loaders.load_schools().drop(columns="geometry")),
        pd.DataFrame(embedded.read_schools().drop(columns="geometry")),
    )


def test_server_memory_settings_apply():
    import pyarrow as pa

    from dashboard.app import memory

    assert memory.tune_for_server() is True
    assert pa.default_memory_pool().backend_name == "system"
