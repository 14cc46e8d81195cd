"""AppTest: every registered page runs without an exception, plus page interactions."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import navigation, session
from dashboard.register import auth
from dashboard.register.auth import User
from tests.conftest import ROOT

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


OFFICER = User("test-officer", auth.OFFICER, "Test Officer")


def open_page(page: str, user: User | None = OFFICER, timeout: float = 60) -> AppTest:
    """Run the entry point as ``user``, then switch to ``page``."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    if user is not None:
        at.session_state[session.USER_KEY] = user
    at.run()
    return at.switch_page(page).run()


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page: str):
    at = open_page(page)
    assert not at.exception, at.exception
    assert at.title, f"{page} shows no title"


def test_every_page_file_is_registered():
    assert set(PAGES) == set(navigation.PAGES)


def test_data_page_lists_schools_without_ethnicity():
    at = open_page("pages/data.py")
    values = {m.label: m.value for m in at.metric}
    assert values["Schools"] == "21,975"
    missing = int(values["Without ethnicity figures"].replace(",", ""))
    listed = at.dataframe[1].value
    assert len(listed) == missing > 0
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
