"""Streamlit pieces shared by several pages: the signed-in user, the register, demo links.

Like :mod:`dashboard.loaders`, this module imports Streamlit on purpose: it holds
the session and widget helpers that more than one page needs, so pages never
import each other. Everything it computes is delegated to the UI-free modules.
"""

from __future__ import annotations

import html
from datetime import datetime

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard import auth, demo_links, filters, gaps, links_store, loaders, partners, profiles
from dashboard.auth import User

USER_KEY = "atlas_user"
# Tables longer than this load rows lazily (no row selection); shorter ones are selectable.
EAGER_TABLE_ROWS = 2_000


@st.cache_resource(show_spinner=False)
def register_engine(url: str) -> sa.Engine:
    """The register's engine, created and migrated once per database URL."""
    return links_store.open_register(url)


def configured_database_url() -> str:
    """Register URL: ``[database] url`` in secrets.toml, else ATLAS_DATABASE_URL, else SQLite."""
    try:
        from_secrets = st.secrets.get("database", {}).get("url")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        from_secrets = None
    return links_store.database_url(from_secrets)


def register() -> sa.Engine:
    """The council's link register (see :func:`configured_database_url`)."""
    return register_engine(configured_database_url())


def current_user() -> User:
    """Who is using the app: the signed-in user, else the public (read-only) visitor."""
    user = st.session_state.get(USER_KEY)
    if isinstance(user, User):
        return user
    return auth.ANONYMOUS


@st.cache_resource(show_spinner="Preparing partner search…")
def partner_index() -> partners.PartnerIndex:
    """The schools and their spatial index, built once per server."""
    return partners.PartnerIndex(loaders.load_schools())


@st.cache_resource(show_spinner="Generating demo links…")
def demo_register() -> pd.DataFrame:
    """The generated, illustrative demo register (same every time)."""
    return demo_links.generate_demo_links(partner_index())


def links(include_demo: bool) -> pd.DataFrame:
    """The register's links, plus the demo links when asked for."""
    real = links_store.list_links(register())
    if not include_demo:
        return real
    return pd.concat([real, demo_register()], ignore_index=True)


DEMO_HELP = "Generated links that let you explore the atlas. They are not real."


def demo_toggle(key: str) -> bool:
    """Sidebar switch for the demo links; shows the banner when they are on."""
    on = st.sidebar.toggle("Show illustrative demo links", key=key, help=DEMO_HELP)
    demo_banner(on)
    return on


def demo_banner(on: bool) -> None:
    """The banner every page shows while demo links are included."""
    if on:
        st.warning(demo_links.DEMO_BANNER, icon=":material/science:")


def register_date_caption(engine: sa.Engine) -> str:
    """Caption text: "Links: the council's register as of …"."""
    when = links_store.register_updated_at(engine)
    if when is None:
        return "Links: the council's register (no links recorded yet)."
    stamp = when if isinstance(when, datetime) else pd.Timestamp(when)
    return f"Links: the council's register as of {stamp:%d %B %Y}."


def school_picker(
    schools_df: pd.DataFrame | gpd.GeoDataFrame,
    *,
    key: str,
    label: str = "Find a school (name, URN or postcode)",
    default_urn: int | None = None,
    sidebar: bool = False,
) -> int | None:
    """Search box plus a list of matches; returns the chosen school's URN.

    Parameters
    ----------
    schools_df : DataFrame
        The schools table.
    key : str
        Widget key prefix (page-prefixed, e.g. ``"partners_school"``).
    label : str
        Label of the search box.
    default_urn : int or None
        School chosen when nothing has been searched.
    sidebar : bool
        Put the widgets in the sidebar.
    """
    where = st.sidebar if sidebar else st
    text = where.text_input(
        label, key=f"{key}_search", placeholder="e.g. Pershore, 136925, WR10 2BX"
    )
    if text.strip():
        found = filters.search_schools(schools_df, text).head(50)
        if found.empty:
            where.info(
                f"No school matches “{text}”. Try part of the name, the URN or the postcode."
            )
            return None
    elif default_urn is not None:
        found = schools_df[schools_df["urn"] == default_urn]
    else:
        return None
    options = found["urn"].tolist()
    names = dict(
        zip(found["urn"], found["school_name"] + " — " + found["la_name"].astype(str), strict=True)
    )
    return where.selectbox(
        "School", options, key=f"{key}_choice", format_func=lambda u: f"{names[u]} (URN {u})"
    )


def escape(text: object) -> str:
    """HTML-escape any value for st.markdown(unsafe_allow_html=True) or map HTML."""
    return html.escape(
        "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    )


def md_escape(text: object) -> str:
    r"""Escape Markdown so data (school names, notes) shows as typed, never as markup.

    Examples
    --------
    >>> md_escape("St *Mary*'s [link](javascript:x)")
    "St \\\\*Mary\\\\*'s \\\\[link\\\\]\\\\(javascript:x\\\\)"
    """
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>~$" else c for c in value)


SCHOOL_COLUMNS = {
    "urn": st.column_config.NumberColumn("URN", format="%d"),
    "school_name": "School",
    "la_name": "Local authority",
    "phase": "Phase",
    "religious_character": "Religious character",
    "white_british_pct": st.column_config.NumberColumn("White British (%)", format="%.1f"),
    "diversity_index": st.column_config.NumberColumn("Diversity index", format="%.2f"),
    "fsm_pct": st.column_config.NumberColumn("Free school meals (%)", format="%.1f"),
    "eal_pct": st.column_config.NumberColumn("EAL (%)", format="%.1f"),
    "links": st.column_config.NumberColumn("Links", format="%d"),
}

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
        "threshold": (lambda v: v.isdigit() and 50 <= int(v) <= 95, int),
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


def filter_from_state(prefix: str) -> tuple[filters.SchoolFilter, list[str]]:
    """Build the filter from the page's widget values in session state.

    A "near" entry that is not a school's URN gives a plain message, not an error.
    """
    state = st.session_state
    problems = []
    near_urn = None
    near = str(state.get(f"{prefix}_near", "")).strip()
    if near:
        if near.isdigit() and int(near) in set(loaders.load_schools()["urn"].tolist()):
            near_urn = int(near)
        else:
            problems.append(
                f"“{md_escape(near)}” is not the URN of a school in the atlas: enter a "
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
        search=str(state.get(f"{prefix}_q", "")).strip(),
        near_urn=near_urn,
        within_km=float(state.get(f"{prefix}_km", 5)),
    )
    return flt, problems


def _links_key(links_df: pd.DataFrame) -> str:
    """Fingerprint of a links table: changes whenever any link is added or edited."""
    return str(
        pd.util.hash_pandas_object(
            links_df[["link_id", "version", "status"]].astype(str), index=False
        ).sum()
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _link_status(_links_df: pd.DataFrame, key: str) -> pd.DataFrame:
    return gaps.link_status_by_school(loaders.load_schools(), _links_df)


def link_status(links_df: pd.DataFrame) -> pd.DataFrame:
    """Per school: its links and whether one is active with a contrasting school (cached)."""
    return _link_status(links_df, _links_key(links_df))


def linked_urns(status_df: pd.DataFrame) -> set[int]:
    """Schools with at least one link that has not ended."""
    schools = loaders.load_schools()
    return set(schools.loc[status_df["links"] > 0, "urn"].tolist())


def selected_school(prefix: str, clicked: dict | None, table_df: pd.DataFrame) -> int | None:
    """The school the user last picked, by clicking the map or a table row."""
    state = st.session_state
    tooltip = (clicked or {}).get("last_object_clicked_tooltip")
    rows = state.get(f"{prefix}_table", {}).get("selection", {}).get("rows", [])
    if tooltip and tooltip != state.get(f"{prefix}_last_tooltip"):
        state[f"{prefix}_last_tooltip"] = tooltip
        state[f"{prefix}_selected"] = profiles.urn_from_tooltip(tooltip)
    elif rows and rows != state.get(f"{prefix}_last_rows") and rows[0] < len(table_df):
        state[f"{prefix}_selected"] = int(table_df.iloc[rows[0]]["urn"])
    state[f"{prefix}_last_rows"] = rows
    return state.get(f"{prefix}_selected")


def school_details(schools_df: pd.DataFrame, links_df: pd.DataFrame, urn: int) -> None:
    """A details panel for one school: facts, largest groups, links, and next steps."""
    try:
        profile = profiles.school_profile(schools_df, urn)
    except KeyError as exc:
        st.error(str(exc).strip("'\""))
        return
    name = schools_df.loc[schools_df["urn"] == urn, "school_name"].iloc[0]
    with st.container(border=True):
        st.markdown(f"#### {md_escape(name)}")
        st.dataframe(
            pd.DataFrame({"": list(profile), "value": [str(v) for v in profile.values()]}),
            hide_index=True,
            width="stretch",
            column_config={
                "": st.column_config.TextColumn("About the school", width="medium"),
                "value": st.column_config.TextColumn(""),
            },
        )
        table = profiles.links_table(links_df, schools_df, urn)
        if table.empty:
            st.markdown("**Links:** none recorded.")
        else:
            st.markdown(f"**Links ({len(table)})**")
            st.dataframe(table.drop(columns=["link_id"]), hide_index=True, width="stretch")
        st.page_link(
            "pages/partners.py",
            label="Find partners for this school",
            icon=":material/handshake:",
            query_params={"school": str(urn)},
        )


def changed(key: str, value: object) -> bool:
    """True when ``value`` differs from the one seen on the previous run (first run: True)."""
    previous = st.session_state.get(f"_changed_{key}", _UNSET)
    st.session_state[f"_changed_{key}"] = value
    return previous is _UNSET or previous != value


_UNSET = object()


def set_defaults(values: dict[str, object]) -> None:
    """Give widgets their first value through session state (so the URL can override it)."""
    for key, value in values.items():
        st.session_state.setdefault(key, value)
