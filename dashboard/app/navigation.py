"""The pages each role may open, the sidebar, and the guard every page calls first."""

from __future__ import annotations

import streamlit as st

from dashboard import config
from dashboard.app import faults
from dashboard.app.session import current_user, oidc_configured
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
    """Run the chosen page; a database fault anywhere in it gives a calm message (faults)."""
    with faults.entry_point_run():
        try:
            _run_navigation()
        except faults.DATABASE_ERRORS as exc:
            faults.show_unsaved(exc)


def _run_navigation() -> None:
    """Declare every page with ``st.navigation`` and run the chosen one.

    Every page is declared, whoever is signed in, so that a bookmarked or typed
    address always finds its page; the page's :func:`guard_page` then refuses a
    visitor who may not see it, saying why and offering sign-in. The sidebar
    lists only the pages the visitor may open. A ``goto`` query parameter (set by
    :func:`guard_page` right after a server start) opens that page.
    """
    user = current_user()
    allowed = allowed_pages(user.role)
    default = DEFAULT_PAGE
    declared = {
        path: st.Page(path, title=_label(path, user), icon=icon, default=path == default)
        for path, (_section, _title, icon) in PAGES.items()
    }
    # Our own sidebar links instead of Streamlit's list, whose markup fails WCAG checks.
    navigation = st.navigation(list(declared.values()), position="hidden")
    st.html(config.STATIC_DIR / "css" / "app.css")
    _NAVIGATION_READY["done"] = True
    with st.sidebar:
        for section in dict.fromkeys(section for section, _, _ in PAGES.values()):
            shown = [p for p, (s, _, _) in PAGES.items() if s == section and p in allowed]
            if shown:
                st.markdown(f"**{section}**")
                for path in shown:
                    st.page_link(declared[path])
        st.divider()
    goto = st.query_params.get("goto")
    if goto in PAGES:
        del st.query_params["goto"]
        kept = {key: st.query_params.get_all(key) for key in st.query_params}
        st.switch_page(declared[goto], query_params=kept)
    navigation.run()


_PAGE, _ARRIVED = "_atlas_page", "_atlas_arrived"


def arrived() -> bool:
    """True on the first run of a visit to a page (the previous run was another page).

    Set by :func:`guard_page`, the first call of every page.

    A page's widget values are forgotten by then: :mod:`dashboard.app.url_state`
    gives them back.
    """
    return bool(st.session_state.get(_ARRIVED, True))


def _label(path: str, user: User) -> str:
    title = PAGES[path][1]
    return "Sign out" if path == SIGN_IN_PAGE and user.role != auth.PUBLIC else title


def allowed_pages(role: str) -> set[str]:
    """Page files a role may open, the sign-in page included.

    Examples
    --------
    >>> "pages/register.py" in allowed_pages(auth.PUBLIC)
    False
    """
    return set(ROLE_PAGES[role]) | {SIGN_IN_PAGE}


# Every role may open the map, so it is everyone's default page, served at the root:
# Streamlit answers "page not found" for the default page's own name (``/map``).
DEFAULT_PAGE = "pages/map.py"


def page_url(path: str) -> str:
    """The address of a page as Streamlit serves it: its file name, "" for the default page.

    Examples
    --------
    >>> page_url("pages/register.py"), page_url(DEFAULT_PAGE)
    ('register', '')
    """
    return "" if path == DEFAULT_PAGE else page_name(path)


def page_name(path: str) -> str:
    """A page's name for ``?next=`` (its file name), even for the default page."""
    return path.rsplit("/", 1)[-1].removesuffix(".py")


def page_of_url(name: str | None) -> str | None:
    """The page file for a name from :func:`page_name`, or None for an unknown one.

    Examples
    --------
    >>> page_of_url("register"), page_of_url("map"), page_of_url("../etc/passwd")
    ('pages/register.py', 'pages/map.py', None)
    """
    return next((path for path in PAGES if page_name(path) == name), None)


def refusal(path: str, role: str) -> str:
    """Why a visitor may not open a page, and whose account would, in plain words.

    Examples
    --------
    >>> refusal("pages/register.py", auth.PUBLIC)
    'Sign in as a council officer to see the link register.'
    >>> print(refusal("pages/gaps.py", auth.SCHOOL))  # doctest: +NORMALIZE_WHITESPACE
    You are signed in as a school. The gaps and pairing plan is for council officers or
    cabinet members: sign in with one of those accounts to see it.
    """
    title = PAGES[path][1].lower()
    roles = [r for r, pages in ROLE_PAGES.items() if path in pages and r != auth.PUBLIC]
    plural = [ROLE_LABELS_PLURAL[r] for r in roles]
    if role == auth.PUBLIC:
        single = " or ".join(f"a {auth.ROLE_LABELS[r].lower()}" for r in roles)
        return f"Sign in as {single} to see the {title}."
    return (
        f"You are signed in as a {auth.ROLE_LABELS[role].lower()}. The {title} is for "
        f"{' or '.join(plural)}: sign in with "
        f"{'one of those accounts' if len(roles) > 1 else 'such an account'} to see it."
    )


ROLE_LABELS_PLURAL = {
    auth.OFFICER: "council officers",
    auth.CABINET: "cabinet members",
    auth.SCHOOL: "schools",
}


def guard_page(path: str) -> User:
    """First call of every page: refuse, with the reason and a sign-in link, who may not see it.

    Parameters
    ----------
    path : str
        The page's ``__file__``.

    Returns
    -------
    User
        The visitor, when they may see the page (otherwise the script stops here).
    """
    faults.start_page()
    page = "pages/" + path.replace("\\", "/").rsplit("/", 1)[-1]
    if not _NAVIGATION_READY["done"]:
        # Right after a server start Streamlit may run a page file before the entry
        # point has declared the navigation: go through the entry point first.
        kept = {key: st.query_params.get_all(key) for key in st.query_params}
        st.switch_page("streamlit_app.py", query_params={**kept, "goto": page})
    # Every page comes through here first, so this tells a page's first run of a visit.
    state = st.session_state
    state[_ARRIVED] = state.get(_PAGE) != page
    state[_PAGE] = page
    user = current_user()
    if page not in allowed_pages(user.role):
        st.warning(refusal(page, user.role), icon=":material/lock:")
        sign_in_button(page_name(page))
        st.stop()
    return user


def sign_in_button(next_page: str | None = None) -> None:
    """A "Sign in" button that comes back to ``next_page`` (a name from :func:`page_name`).

    Local accounts sign in on the server's own form (``/auth/sign-in``), opened
    in the same tab so the new session cookie applies at once; single sign-on
    goes through Streamlit's ``st.login``.
    """
    if oidc_configured():
        if st.button("Sign in with your council account", type="primary", key="sign_in_oidc"):
            st.login()
        return
    wanted = page_of_url(next_page)
    _same_tab_button("Sign in", "auth/sign-in" + (f"?next={page_name(wanted)}" if wanted else ""))


def sign_out_button() -> None:
    """A "Sign out" button: the server's sign-out form ends the session everywhere."""
    _same_tab_button("Sign out", "auth/sign-out")


def _same_tab_button(label: str, href: str) -> None:
    # A plain link (st.html) drawn as a button: st.link_button always opens a new tab,
    # and the session cookie must be set or cleared in this one.
    st.html(f'<a class="atlas-button" href="{href}">{label}</a>')
