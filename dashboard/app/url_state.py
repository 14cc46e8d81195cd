"""Page settings in the address bar and across page switches.

Every page's view settings are written to the URL on every change, so a copied link
or a reload reopens the same view, and read back strictly (a value that is not one
of the page's options is ignored, with a message). Streamlit forgets a page's widget
values when the visitor opens another page, so each page also keeps them under
non-widget keys and restores them when the visitor comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Iterable, Mapping
from dataclasses import dataclass, field, replace

import streamlit as st

from dashboard.analysis import filters
from dashboard.app import navigation
from dashboard.app.text import md_escape

# The radii the map offers for "Schools near this URN".
KM_CHOICES = (1, 2, 5, 10, 15, 20, 30, 50)
# The "predominantly white" slider's stops, on every page.
THRESHOLD_CHOICES = range(50, 96, 5)
# URL names of the map's other settings whose widget key differs.
_EXTRA_KEYS = {"show": "focus", "school": "selected"}

# Widget key suffix -> SchoolFilter field, for the URL round trip.
_FILTER_WIDGETS = {
    "region": "regions",
    "la": "las",
    "phase": "phases",
    "faith": "religions",
    "diversity": "diversity",
    "fsm": "fsm",
    "linked": "link_status",
    "q": "search",
    "near": "near_urn",
    "km": "within_km",
}


def apply_query_params(
    prefix: str,
    options: Mapping[str, Collection[object]],
    las_in: Callable[[list[str]], list[str]] | None = None,
) -> None:
    """Set the map's widgets from the URL, so shared links reopen a view.

    Parameters
    ----------
    prefix : str
        The page's widget key prefix (``"map"``).
    options : mapping
        Allowed values: the filters' options (see
        :func:`dashboard.analysis.filters.from_query_params`), ``measures``, ``focus``
        and ``urns`` (schools that can be selected).
    las_in : callable or None
        The LAs offered for some chosen regions; an LA outside them is ignored.
    """
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    flt, ignored = filters.from_query_params(params, options)
    # Only LAs of the chosen regions are offered: any other is ignored, not an error.
    offered = set(las_in(list(flt.regions)) if las_in and flt.regions else flt.las)
    ignored += [f"la={la}" for la in flt.las if la not in offered]
    flt = replace(flt, las=tuple(la for la in flt.las if la in offered))
    for suffix, name in _FILTER_WIDGETS.items():
        value = getattr(flt, name)
        if value in ((), "", None):
            continue
        if name == "near_urn":
            value = str(value)
        elif name == "within_km":
            if value not in KM_CHOICES:
                ignored.append(f"km={value:g}")
                continue
            value = int(value)
        else:
            value = list(value) if isinstance(value, tuple) else value
        st.session_state[f"{prefix}_{suffix}"] = value
    extras = {
        "measure": (lambda v: v in options.get("measures", ()), str),
        "threshold": (
            lambda v: filters.ascii_number(v, 2) in THRESHOLD_CHOICES,
            int,
        ),
        "show": (lambda v: v in options.get("focus", ()), str),
        "school": (lambda v: filters.ascii_number(v) in options.get("urns", ()), int),
        "demo": (lambda v: v in ("0", "1"), lambda v: v == "1"),
    }
    for key, (valid, convert) in extras.items():
        value = st.query_params.get(key)
        if value is None:
            continue
        if valid(value):
            st.session_state[f"{prefix}_{_EXTRA_KEYS.get(key, key)}"] = convert(value)
        else:
            ignored.append(f"{key}={value}")
    if ignored:
        st.session_state[f"{prefix}_ignored_params"] = ignored


def say_ignored(prefix: str, *, again: bool = False) -> None:
    """Say which settings of the opened link were not recognised and were ignored.

    Call near the top of the page, where a visitor looks first. The note is shown
    on the run after the link was read, and with ``again`` on the next run too
    (the map page's second run of a first visit, :mod:`dashboard.app.first_paint`).
    """
    key = f"{prefix}_ignored_params"
    ignored = st.session_state.get(key) if again else st.session_state.pop(key, None)
    if ignored:
        st.info(
            "Some settings in the link were not recognised and were ignored: "
            + ", ".join(md_escape(i) for i in ignored)
        )


def write_query_params(prefix: str, flt: filters.SchoolFilter, extra: dict[str, object]) -> None:
    """Put the current filters in the URL (:func:`say_ignored` says which were ignored)."""
    params: dict[str, object] = dict(filters.to_query_params(flt))
    params.update({k: str(v) for k, v in extra.items() if v is not None})
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    wanted = {k: (v if isinstance(v, list) else [v]) for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)


MAP_DEFAULTS: dict[str, object] = {
    "map_measure": "white_british_pct",
    "map_threshold": 80,
    "map_focus": "all",
    "map_region": [],
    "map_la": [],
    "map_phase": [],
    "map_faith": [],
    "map_diversity": [],
    "map_fsm": [],
    "map_linked": "any",
    "map_q": "",
    "map_near": "",
    "map_km": 5,
    "map_demo": False,
}


def filter_from_state(
    prefix: str, known_urns: Container[int]
) -> tuple[filters.SchoolFilter, list[str]]:
    """Build the filter from the page's widget values in session state.

    A "near" entry that is not a school's URN gives a plain message, not an error.
    """
    state = st.session_state
    problems = []
    near_urn = None
    near = str(state.get(f"{prefix}_near", "")).strip()
    if near:
        if filters.ascii_number(near) in known_urns:
            near_urn = filters.ascii_number(near)
        else:
            problems.append(
                f"“{md_escape(near[:40])}” is not the URN of a school in the atlas: enter a "
                "six-digit URN such as 136925 (search by name to find one)."
            )
    flt = filters.SchoolFilter(
        regions=tuple(state.get(f"{prefix}_region", ())),
        las=tuple(state.get(f"{prefix}_la", ())),
        phases=tuple(state.get(f"{prefix}_phase", ())),
        religions=tuple(state.get(f"{prefix}_faith", ())),
        diversity=tuple(state.get(f"{prefix}_diversity", ())),
        fsm=tuple(state.get(f"{prefix}_fsm", ())),
        link_status=state.get(f"{prefix}_linked", "any"),
        search=str(state.get(f"{prefix}_q", "")).strip()[: filters.MAX_SEARCH_CHARS],
        near_urn=near_urn,
        within_km=float(state.get(f"{prefix}_km", 5)),
    )
    return flt, problems


_KEPT = "_kept_"  # session-state prefix of the values kept across page switches


def restore(keys: Iterable[str]) -> bool:
    """On arriving at a page, give its widgets back the values kept from the last visit.

    Streamlit forgets a page's widget values once another page has run. Call before
    the page's widgets; call :func:`keep` after them.

    Parameters
    ----------
    keys : iterable of str
        The widget keys of the page's settings.

    Returns
    -------
    bool
        True on arrival (a first visit, a reload, or back from another page).
    """
    state = st.session_state
    arrived = navigation.arrived()
    if arrived:
        for key in keys:
            if _KEPT + key in state:
                state[key] = state[_KEPT + key]
    return arrived


def keep(keys: Iterable[str]) -> None:
    """Keep the page's widget values under non-widget keys, which survive page switches."""
    state = st.session_state
    for key in keys:
        if key in state:
            state[_KEPT + key] = state[key]


@dataclass(frozen=True)
class Setting:
    """One view setting of a page: its widget, its URL name and what it may be.

    Parameters
    ----------
    key : str
        The widget's key, e.g. ``"summary_la"``.
    param : str
        Its name in the URL, e.g. ``"la"``.
    default : object
        The widget's first value (left out of the URL).
    choices : collection or None
        The values it may take (None: any text, cut to 100 characters).
    codes : mapping of str to object
        URL words for values, e.g. ``{"la": "A local authority"}``.
    """

    key: str
    param: str
    default: object
    choices: Collection[object] | None = None
    codes: Mapping[str, object] = field(default_factory=dict)

    def read(self, text: str) -> object:
        """The value a URL word stands for; ValueError when it is not allowed."""
        if text in self.codes:
            return self.codes[text]
        if self.choices is None:
            return text[:100]
        for choice in self.choices:
            if _word(choice) == text:
                return choice
        raise ValueError(text)

    def write(self, value: object) -> str:
        """The URL word of a value."""
        for word, coded in self.codes.items():
            if coded == value:
                return word
        return _word(value)


def _word(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


FLAG = (False, True)


def read_settings(settings: Iterable[Setting]) -> None:
    """Set widgets from the URL; a value that is not allowed is ignored, with a message."""
    ignored = []
    for setting in settings:
        given = [v for v in st.query_params.get_all(setting.param) if v != ""]
        if not given:
            continue
        try:
            st.session_state[setting.key] = setting.read(given[-1])
        except ValueError:
            ignored.append(f"{setting.param}={given[-1][:40]}")
    if ignored:
        st.session_state["_ignored_params"] = ignored


def write_settings(settings: Iterable[Setting], extra: Mapping[str, object] | None = None) -> None:
    """Put the settings that differ from their defaults in the URL (and say what was ignored).

    Parameters
    ----------
    settings : iterable of Setting
        The settings the page shows now (one hidden by another is left out).
    extra : mapping or None
        Other URL parameters, e.g. the chosen school (left out when None).
    """
    ignored = st.session_state.pop("_ignored_params", None)
    if ignored:
        st.info(
            "Some settings in the link were not recognised and were ignored: "
            + ", ".join(md_escape(i) for i in ignored)
        )
    state = st.session_state
    params = {
        s.param: s.write(state[s.key])
        for s in settings
        if s.key in state and state[s.key] != s.default
    }
    params.update({k: str(v) for k, v in (extra or {}).items() if v is not None})
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if current != {k: [v] for k, v in params.items()}:
        st.query_params.from_dict(params)


def open_page(settings: list[Setting]) -> bool:
    """Start a page: kept values on arrival, then the URL's (which win), then defaults.

    Call before the page's widgets; end the page with ``keep`` and ``write_settings``.
    Returns True on arrival (see :func:`restore`).
    """
    arrived = restore([s.key for s in settings])
    if arrived:
        read_settings(settings)
    for setting in settings:
        st.session_state.setdefault(setting.key, setting.default)
    return arrived
