"""Page settings in the address bar: read once per session, written back on every change."""

from __future__ import annotations

from collections.abc import Container

import streamlit as st

from dashboard.analysis import filters
from dashboard.app.text import md_escape

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


def apply_query_params(prefix: str, options: dict[str, list[str]]) -> None:
    """Set the page's widgets from the URL (once per session), so shared links reopen a view."""
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    flt, ignored = filters.from_query_params(params, options)
    for suffix, name in _FILTER_WIDGETS.items():
        value = getattr(flt, name)
        if value in ((), "", None):
            continue
        if name == "near_urn":
            value = str(value)
        elif name == "within_km":
            value = int(min(max(value, 1), 50))
        else:
            value = list(value) if isinstance(value, tuple) else value
        st.session_state[f"{prefix}_{suffix}"] = value
    extras = {
        "measure": (lambda v: v in options.get("measures", ()), str),
        "threshold": (lambda v: 50 <= (filters.ascii_number(v, 2) or 0) <= 95, int),
        "show": (lambda v: v in options.get("focus", ()), str),
        "demo": (lambda v: v in ("0", "1"), lambda v: v == "1"),
    }
    for key, (valid, convert) in extras.items():
        value = st.query_params.get(key)
        if value is None:
            continue
        if valid(value):
            st.session_state[f"{prefix}_{key}"] = convert(value)
        else:
            ignored.append(f"{key}={value}")
    if ignored:
        st.session_state[f"{prefix}_ignored_params"] = ignored


def write_query_params(prefix: str, flt: filters.SchoolFilter, extra: dict[str, object]) -> None:
    """Put the current filters in the URL (and say which shared ones were ignored)."""
    ignored = st.session_state.pop(f"{prefix}_ignored_params", None)
    if ignored:
        st.info(
            "Some settings in the link were not recognised and were ignored: "
            + ", ".join(md_escape(i) for i in ignored)
        )
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
