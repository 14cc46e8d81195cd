"""The pages each role may open, the sidebar, and the guard every page calls first."""

from __future__ import annotations

import streamlit as st

from dashboard.app.session import current_user
from dashboard.register import auth
from dashboard.register.auth import User

PAGES = {
    "pages/map.py": ("Council officers", "Map of schools", ":material/map:"),
    "pages/gaps.py": ("Council officers", "Gaps and pairing plan", ":material/join_inner:"),
    "pages/register.py": ("Council officers", "Link register", ":material/link:"),
    "pages/summary.py": ("Cabinet members", "Summary and briefing", ":material/summarize:"),
    "pages/partners.py": ("Schools", "Find a partner school", ":material/handshake:"),
    "pages/data.py": ("About", "About the data", ":material/database:"),
    "pages/sign_in.py": ("About", "Sign in", ":material/login:"),
}


# Which pages each role may open (navigation shows only these; the guard enforces it).
ROLE_PAGES: dict[str, tuple[str, ...]] = {
    auth.OFFICER: (
        "pages/map.py",
        "pages/gaps.py",
        "pages/register.py",
        "pages/summary.py",
        "pages/partners.py",
        "pages/data.py",
    ),
    auth.CABINET: (
        "pages/summary.py",
        "pages/map.py",
        "pages/gaps.py",
        "pages/partners.py",
        "pages/data.py",
    ),
    auth.SCHOOL: ("pages/partners.py", "pages/map.py", "pages/data.py"),
    auth.PUBLIC: ("pages/map.py", "pages/summary.py", "pages/partners.py", "pages/data.py"),
}
SIGN_IN_PAGE = "pages/sign_in.py"

_NAVIGATION_READY = {"done": False}


def run_navigation() -> None:
    """Declare the user's pages with ``st.navigation`` and run the chosen one.

    A ``goto`` query parameter (set by :func:`guard_page`) opens that page, if allowed.
    """
    pages = navigation_pages()
    # Our own sidebar links instead of Streamlit's list, whose markup fails WCAG checks.
    navigation = st.navigation(pages, position="hidden")
    _NAVIGATION_READY["done"] = True
    with st.sidebar:
        for section, section_pages in pages.items():
            st.markdown(f"**{section}**")
            for page in section_pages:
                st.page_link(page)
        st.divider()
    goto = st.query_params.get("goto")
    if goto:
        del st.query_params["goto"]
        if goto in allowed_pages(current_user().role):
            kept = {key: st.query_params.get_all(key) for key in st.query_params}
            st.switch_page(goto, query_params=kept)
        st.toast(
            "Sign in with an account that may use that page to open it.", icon=":material/lock:"
        )
    navigation.run()


def allowed_pages(role: str) -> set[str]:
    """Page files a role may open, the sign-in page included.

    Examples
    --------
    >>> "pages/register.py" in allowed_pages(auth.PUBLIC)
    False
    """
    return set(ROLE_PAGES[role]) | {SIGN_IN_PAGE}


def navigation_pages() -> dict[str, list]:
    """The pages the signed-in user may open, grouped for ``st.navigation``."""
    user = current_user()
    allowed = allowed_pages(user.role)
    default = next(p for p in PAGES if p in allowed)
    sections: dict[str, list] = {}
    for path, (section, title, icon) in PAGES.items():
        if path not in allowed:
            continue
        label = "Sign out" if path == SIGN_IN_PAGE and user.role != auth.PUBLIC else title
        sections.setdefault(section, []).append(
            st.Page(path, title=label, icon=icon, default=path == default)
        )
    return sections


def guard_page(path: str) -> User:
    """First call of every page: refuse a user whose role may not open it.

    Navigation already hides pages a role may not use; this check also holds when
    a page is reached some other way (a bookmarked address right after the server
    started, before Streamlit has switched to the declared navigation).
    """
    page = "pages/" + path.replace("\\", "/").rsplit("/", 1)[-1]
    if not _NAVIGATION_READY["done"]:
        kept = {key: st.query_params.get_all(key) for key in st.query_params}
        st.switch_page("streamlit_app.py", query_params={**kept, "goto": page})
    user = current_user()
    if page not in allowed_pages(user.role):
        st.warning(
            "You cannot open this page with your current access. Sign in with an "
            "account that may use it.",
            icon=":material/lock:",
        )
        st.page_link(SIGN_IN_PAGE, label="Sign in", icon=":material/login:")
        st.stop()
    return user
