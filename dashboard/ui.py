"""Streamlit pieces shared by several pages: the signed-in user, the register, demo links.

Like :mod:`dashboard.loaders`, this module imports Streamlit on purpose: it holds
the session and widget helpers that more than one page needs, so pages never
import each other. Everything it computes is delegated to the UI-free modules.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard import (
    auth,
    config,
    exports,
    filters,
    gaps,
    link_import,
    links_store,
    loaders,
    profiles,
    segregation,
)
from dashboard.auth import User

if TYPE_CHECKING:
    from dashboard.partners import PartnerIndex

USER_KEY = "atlas_user"
# Tables longer than this load rows lazily (no row selection); shorter ones are selectable.
EAGER_TABLE_ROWS = 2_000

# Every table's headings and number formats, in one place; pages pick the columns they show.
_NUMBER = st.column_config.NumberColumn
_COLUMNS: dict[str, object] = {
    "urn": _NUMBER("URN", format="%d"),
    "school_name": "School",
    "school": "School",
    "la_name": "Local authority",
    "region": "Region",
    "phase": "Phase",
    "religious_character": "Religious character",
    "white_british_pct": _NUMBER("White British (%)", format="%.1f"),
    "diversity_index": _NUMBER("Diversity index", format="%.2f"),
    "fsm_pct": _NUMBER("Free school meals (%)", format="%.1f"),
    "eal_pct": _NUMBER("EAL (%)", format="%.1f"),
    "links": _NUMBER("Links", format="%d"),
    "link_id": _NUMBER("Link", format="%d"),
    "school_urn": _NUMBER("School URN", format="%d"),
    "partner_urn": _NUMBER("Partner URN", format="%d"),
    "partner": "Partner school",
    "partner_country": "Partner's country",
    "link_types": "Types",
    "mode": "Mode",
    "status": "Status",
    "start_date": st.column_config.DateColumn("Start", format="DD/MM/YYYY"),
    "end_date": st.column_config.DateColumn("End", format="DD/MM/YYYY"),
    "meetings_this_year": _NUMBER("Meetings this year", format="%d"),
    "notes": "Notes",
    "source": "Source",
    "updated_by": "Last changed by",
    "updated_at": st.column_config.DatetimeColumn("Last changed", format="DD/MM/YYYY HH:mm"),
    "version": _NUMBER("Version", format="%d"),
    "rank": _NUMBER("#", format="%d"),
    "distance_km": _NUMBER("Distance (km)", format="%.1f"),
    "contrast": st.column_config.ProgressColumn(
        "How different (0-1)", min_value=0, max_value=1, format="%.2f"
    ),
    "existing_links": _NUMBER("Links it has", format="%d"),
    "explanation": st.column_config.TextColumn("Why", width="large"),
    "schools": _NUMBER("Schools", format="%d"),
    "predominantly_white": _NUMBER("Predominantly white", format="%d"),
    "with_contrasting_link": _NUMBER("With a contrasting link", format="%d"),
    "gaps": _NUMBER("Gaps", format="%d"),
    "linked_pct": _NUMBER("Linked (%)", format="%.1f"),
    "situation": "What links it has",
    "distance": _NUMBER("How different (0 = same)", format="%.2f"),
}


def columns(*names: str, **overrides: object) -> dict[str, object]:
    """Column settings for ``st.dataframe`` from the shared registry (plus any overrides)."""
    return {name: _COLUMNS[name] for name in names} | overrides


SCHOOL_COLUMNS = columns(
    "urn",
    "school_name",
    "la_name",
    "phase",
    "religious_character",
    "white_british_pct",
    "diversity_index",
    "fsm_pct",
    "eal_pct",
    "links",
)
LINK_COLUMNS = columns(*(name for name in _COLUMNS if name in profiles.REGISTER_COLUMNS))
BULK_COLUMNS = columns(
    "link_id",
    "school",
    "partner",
    "version",
    status=st.column_config.SelectboxColumn(
        "Status", options=list(links_store.STATUSES), required=True
    ),
    meetings_this_year=_NUMBER(
        "Meetings this year", min_value=0, max_value=100, step=1, required=True
    ),
)
PARTNER_COLUMNS = columns(
    "rank",
    "school_name",
    "la_name",
    "phase",
    "religious_character",
    "white_british_pct",
    "fsm_pct",
    "distance_km",
    "contrast",
    "existing_links",
    "explanation",
    "urn",
)
COVERAGE_COLUMNS = columns(
    "la_name",
    "region",
    "schools",
    "predominantly_white",
    "with_contrasting_link",
    "gaps",
    "linked_pct",
)
GAP_COLUMNS = columns(
    "urn",
    "school_name",
    "la_name",
    "region",
    "phase",
    "religious_character",
    "white_british_pct",
    "fsm_pct",
    "links",
    "situation",
)
SIMILAR_COLUMNS = columns("la_name", "white_british_pct", "fsm_pct", "eal_pct", "distance")


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
    """Who is using the app: OpenID Connect user, local account, else the public visitor."""
    if oidc_configured() and st.user.is_logged_in:
        allow = {k: list(v) for k, v in _secrets_section("roles").items()}
        return auth.user_from_claims(st.user.to_dict(), allow)
    user = st.session_state.get(USER_KEY)
    if isinstance(user, User):
        return user
    return auth.ANONYMOUS


@st.cache_resource(show_spinner="Preparing partner search…")
def partner_index() -> PartnerIndex:
    """The schools and their spatial index, built once per server."""
    # Imported here: scipy is only needed by the pages that match partners.
    from dashboard.partners import PartnerIndex

    return PartnerIndex(loaders.load_schools())


@st.cache_resource(show_spinner="Generating demo links…")
def demo_register() -> pd.DataFrame:
    """The generated, illustrative demo register (same every time)."""
    from dashboard.demo_links import generate_demo_links

    return generate_demo_links(partner_index())


def links(include_demo: bool) -> pd.DataFrame:
    """The register's links, plus the demo links when asked for."""
    real = links_store.list_links(register())
    if not include_demo:
        return real
    return pd.concat([real, demo_register()], ignore_index=True)


DEMO_BANNER = (
    "Demo links are shown. They were generated to illustrate the atlas and are **not real "
    "links** between these schools."
)
DEMO_HELP = "Generated links that let you explore the atlas. They are not real."


def demo_toggle(key: str) -> bool:
    """Sidebar switch for the demo links; shows the banner when they are on."""
    on = st.sidebar.toggle("Show illustrative demo links", key=key, help=DEMO_HELP)
    demo_banner(on)
    return on


def demo_banner(on: bool) -> None:
    """The banner every page shows while demo links are included."""
    if on:
        st.warning(DEMO_BANNER, icon=":material/science:")


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
    >>> print(md_escape("St *Mary*'s [link](javascript:x)"))
    St \*Mary\*'s \[link\]\(javascript:x\)
    """
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>~$" else c for c in value)


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
        if near.isdigit() and int(near) in known_urns():
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
    if page not in (*auth.pages_for(user.role), "pages/sign_in.py"):
        st.warning(
            "You cannot open this page with your current access. Sign in with an "
            "account that may use it.",
            icon=":material/lock:",
        )
        st.page_link("pages/sign_in.py", label="Sign in", icon=":material/login:")
        st.stop()
    return user


def link_form(
    prefix: str, schools_df: pd.DataFrame, current: links_store.Link | None = None
) -> links_store.LinkInput | None:
    """Widgets for one link (add or edit); returns the entered link, or None if incomplete.

    Parameters
    ----------
    prefix : str
        Widget key prefix (e.g. ``"register_add"``).
    schools_df : DataFrame
        The schools table, for the school pickers.
    current : Link or None
        Values to start from when editing.
    """
    school = school_picker(
        schools_df,
        key=f"{prefix}_school",
        label="School (name, URN or postcode)",
        default_urn=current.school_urn if current else None,
    )
    abroad = st.toggle(
        "The partner school is abroad (international link)",
        value=bool(current and current.partner_urn is None),
        key=f"{prefix}_abroad",
    )
    partner_urn, partner_name, partner_country = None, None, None
    if abroad:
        left, right = st.columns(2)
        partner_name = left.text_input(
            "Partner school's name",
            key=f"{prefix}_pname",
            value=(current.partner_name or "") if current else "",
        )
        partner_country = right.text_input(
            "Country",
            key=f"{prefix}_pcountry",
            value=(current.partner_country or "") if current else "",
        )
    else:
        partner_urn = school_picker(
            schools_df,
            key=f"{prefix}_partner",
            label="Partner school in England (name, URN or postcode)",
            default_urn=current.partner_urn if current else None,
        )
    types = st.multiselect(
        "Link types",
        links_store.LINK_TYPES,
        key=f"{prefix}_types",
        default=list(current.link_types) if current else [],
    )
    left, mid, right = st.columns(3)
    mode = left.selectbox(
        "Mode",
        links_store.MODES,
        key=f"{prefix}_mode",
        index=links_store.MODES.index(current.mode) if current else 0,
    )
    status = mid.selectbox(
        "Status",
        links_store.STATUSES,
        key=f"{prefix}_status",
        index=links_store.STATUSES.index(current.status) if current else 0,
    )
    meetings = right.number_input(
        "Meetings this school year",
        0,
        100,
        step=1,
        key=f"{prefix}_meetings",
        value=current.meetings_this_year if current else 0,
    )
    left, right = st.columns(2)
    start = left.date_input(
        "Start date (leave empty if unknown)",
        key=f"{prefix}_start",
        value=current.start_date if current else None,
        format="DD/MM/YYYY",
    )
    end = right.date_input(
        "End date (leave empty if unknown)",
        key=f"{prefix}_end",
        value=current.end_date if current else None,
        format="DD/MM/YYYY",
    )
    notes = st.text_area(
        "Notes", key=f"{prefix}_notes", value=current.notes if current else "", max_chars=5000
    )
    if school is None:
        return None
    return links_store.LinkInput(
        school_urn=int(school),
        partner_urn=None if partner_urn is None else int(partner_urn),
        partner_name=partner_name,
        partner_country=partner_country,
        link_types=tuple(types),
        mode=mode,
        status=status,
        start_date=start,
        end_date=end,
        meetings_this_year=int(meetings),
        notes=notes,
    )


def known_urns() -> frozenset[int]:
    """URNs of every school in the atlas (what links may refer to)."""
    return _known_urns()


@st.cache_resource(show_spinner=False)
def _known_urns() -> frozenset[int]:
    return frozenset(int(u) for u in loaders.load_schools()["urn"])


def link_label(table_df: pd.DataFrame, link_id: int) -> str:
    """Label of a link for pickers, e.g. "#12 Pershore High School ↔ …"."""
    row = table_df[table_df["link_id"] == link_id].iloc[0]
    return f"#{link_id} {row['school']} ↔ {row['partner']} ({row['status']})"


def link_editor(
    engine: sa.Engine, user: User, schools_df: pd.DataFrame, current: links_store.Link, opened: int
) -> None:
    """Edit or end one link; refuses a save based on an out-of-date copy and shows both."""
    snapshot_key = f"register_snapshot_{current.link_id}"
    snapshot = st.session_state.get(snapshot_key)
    if snapshot is None or snapshot.version != opened:
        snapshot = current if current.version == opened else snapshot or current
        st.session_state[snapshot_key] = snapshot
    if current.version != opened:
        st.info(f"Someone changed this link after you opened it (now version {current.version}).")
    edited = link_form(f"register_edit_{current.link_id}_{opened}", schools_df, snapshot)
    save, end = st.columns(2)
    do_save = save.button("Save changes", type="primary", key=f"register_save_{current.link_id}")
    do_end = end.button("End this link today", key=f"register_end_{current.link_id}")
    if not (do_save or do_end) or edited is None:
        return
    try:
        if do_end:
            links_store.end_link(
                engine,
                current.link_id,
                user,
                expected_version=opened,
                end_date=pd.Timestamp.today().date(),
                known_urns=known_urns(),
            )
        else:
            links_store.update_link(
                engine,
                current.link_id,
                edited,
                user,
                expected_version=opened,
                known_urns=known_urns(),
            )
    except links_store.ConflictError as exc:
        st.error(str(exc))
        st.dataframe(
            compare_versions(snapshot, edited, exc.current),
            width="stretch",
            key=f"register_conflict_{current.link_id}",
        )
        if st.button(
            "Start again from the latest version", key=f"register_reload_{current.link_id}"
        ):
            st.session_state[f"register_opened_{current.link_id}"] = exc.current.version
            st.session_state.pop(snapshot_key, None)
            st.rerun()
        return
    except (links_store.RegisterError, auth.PermissionDeniedError) as exc:
        st.error(str(exc))
        return
    st.session_state.pop(f"register_opened_{current.link_id}", None)
    st.session_state.pop(snapshot_key, None)
    flash(f"Link #{current.link_id} saved.")


def compare_versions(
    opened: links_store.Link, yours: links_store.LinkInput, theirs: links_store.Link
) -> pd.DataFrame:
    """Side by side: the version you opened, your edit, and what is stored now."""
    rows = []
    for name in links_store.EDITABLE_FIELDS:
        values = [getattr(opened, name), getattr(yours, name), getattr(theirs, name)]
        rows.append([name.replace("_", " "), *("" if v is None else str(v) for v in values)])
    return pd.DataFrame(
        rows,
        columns=["field", "when you opened it", "your change", f"saved now by {theirs.updated_by}"],
    ).set_index("field")


def save_bulk(
    engine: sa.Engine, user: User, before: pd.DataFrame, after: pd.DataFrame
) -> list[str]:
    """Save rows of the bulk editor that changed; one message per row."""
    messages = []
    changed = after[
        (after["status"] != before["status"])
        | (after["meetings_this_year"] != before["meetings_this_year"])
    ]
    for row in changed.itertuples(index=False):
        try:
            current = links_store.get_link(engine, int(row.link_id))
            fields = {name: getattr(current, name) for name in links_store.EDITABLE_FIELDS}
            fields.update(status=row.status, meetings_this_year=int(row.meetings_this_year))
            links_store.update_link(
                engine,
                int(row.link_id),
                links_store.LinkInput(**fields),
                user,
                expected_version=int(row.version),
                known_urns=known_urns(),
            )
            messages.append(f"Link #{row.link_id} saved.")
        except (links_store.RegisterError, auth.PermissionDeniedError) as exc:
            messages.append(f"Link #{row.link_id} not saved: {exc}")
    return messages or ["Nothing changed."]


def import_wizard(engine: sa.Engine, user: User, links_df: pd.DataFrame) -> None:
    """Upload → map columns → check every row → add all new links, or none."""
    st.markdown(
        "Upload the council's spreadsheet of links (CSV or Excel). Nothing is saved until "
        "every row passes the checks; links already in the register are skipped."
    )
    st.download_button(
        "Download a blank template (CSV)",
        link_import.template_csv(),
        file_name="link_register_template.csv",
        mime="text/csv",
        key="register_template",
    )
    upload = st.file_uploader(
        "Spreadsheet", type=["csv", "xlsx", "xls", "txt"], key="register_upload"
    )
    if upload is None:
        return
    content = upload.getvalue()
    try:
        frame, notes = link_import.read_links_file(content, upload.name)
    except link_import.ImportFileError as exc:
        st.error(str(exc))
        return
    for note in notes:
        st.info(note)
    st.markdown(f"**{len(frame):,} rows.** Which column holds each item?")
    guess = link_import.guess_mapping(list(frame.columns))
    choices = [None, *frame.columns]
    mapping = {}
    columns = st.columns(3)
    for number, name in enumerate(link_import.FIELDS):
        mapping[name] = columns[number % 3].selectbox(
            link_import.FIELD_LABELS[name],
            choices,
            key=f"register_map_{name}",
            index=choices.index(guess[name]) if guess[name] in choices else 0,
            format_func=lambda c: "— not in the file —" if c is None else str(c),
        )
    with st.expander("Preview the first rows"):
        st.dataframe(frame.head(10), hide_index=True, width="stretch", key="register_preview")
    try:
        report = link_import.validate_import(frame, mapping, known_urns(), links_df)
    except link_import.ImportFileError as exc:
        st.error(str(exc))
        return
    counts = report.rows["result"].value_counts()
    st.markdown(
        f"**Check:** {counts.get('new', 0)} new, {counts.get('already recorded', 0)} "
        f"already in the register, {counts.get('error', 0)} with problems."
    )
    st.dataframe(
        report.rows[
            ["row", "result", "message", "school_urn", "partner_urn", "link_types", "status"]
        ],
        hide_index=True,
        width="stretch",
        key="register_report",
        column_config={
            "row": _NUMBER("Row in file", format="%d"),
            "result": "Result",
            "message": st.column_config.TextColumn("What the check found", width="large"),
            "school_urn": "School URN",
            "partner_urn": "Partner URN",
            "link_types": "Types",
            "status": "Status",
        },
    )
    if not report.ok:
        st.error(
            f"{len(report.errors)} row(s) have problems: nothing will be imported until "
            "they are fixed. Correct them in the spreadsheet and upload it again."
        )
        # The same problems as plain text, so long messages are never cut off in the grid.
        st.markdown(
            "\n".join(
                f"* Row {row.row}: {md_escape(row.message)}"
                for row in report.errors.head(50).itertuples(index=False)
            )
        )
        return
    sha = link_import.file_checksum(content)
    seen = links_store.import_seen(engine, sha)
    if not seen.empty:
        st.info(f"This exact file was imported before ({seen.iloc[0]['imported_at']:%d/%m/%Y}).")
    if st.button(
        f"Import {len(report.new_links)} new link(s)",
        type="primary",
        key="register_import",
        disabled=not report.new_links,
    ):
        bar = st.progress(0.0, text="Importing…")
        added = link_import.commit_import(
            engine,
            report,
            user,
            known_urns=known_urns(),
            file_name=upload.name,
            file_sha256=sha,
            progress=lambda done, total: bar.progress(done / total),
        )
        st.success(f"{added} link(s) imported.")


def _secrets_section(name: str) -> dict:
    """A section of secrets.toml as a plain dict (empty when absent)."""
    try:
        return dict(st.secrets.get(name, {}))
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def oidc_configured() -> bool:
    """True when an identity provider is set up in secrets.toml ([auth])."""
    return bool(_secrets_section("auth"))


PAGES = {
    "pages/map.py": ("Council officers", "Map of schools", ":material/map:"),
    "pages/gaps.py": ("Council officers", "Gaps and pairing plan", ":material/join_inner:"),
    "pages/register.py": ("Council officers", "Link register", ":material/link:"),
    "pages/summary.py": ("Cabinet members", "Summary and briefing", ":material/summarize:"),
    "pages/partners.py": ("Schools", "Find a partner school", ":material/handshake:"),
    "pages/data.py": ("About", "About the data", ":material/database:"),
    "pages/sign_in.py": ("About", "Sign in", ":material/login:"),
}


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
        if goto in _allowed_pages(current_user()):
            kept = {key: st.query_params.get_all(key) for key in st.query_params}
            st.switch_page(goto, query_params=kept)
        st.toast(
            "Sign in with an account that may use that page to open it.", icon=":material/lock:"
        )
    navigation.run()


def _allowed_pages(user: User) -> set[str]:
    return set(auth.pages_for(user.role)) | {"pages/sign_in.py"}


def navigation_pages() -> dict[str, list]:
    """The pages the signed-in user may open, grouped for ``st.navigation``."""
    user = current_user()
    allowed = _allowed_pages(user)
    default = next(p for p in PAGES if p in allowed)
    sections: dict[str, list] = {}
    for path, (section, title, icon) in PAGES.items():
        if path not in allowed:
            continue
        label = "Sign out" if path == "pages/sign_in.py" and user.role != auth.PUBLIC else title
        sections.setdefault(section, []).append(
            st.Page(path, title=label, icon=icon, default=path == default)
        )
    return sections


def pct(value: object) -> str:
    """Percent for reading, e.g. "91.2 %", or "no data"."""
    return "no data" if value is None or pd.isna(value) else f"{float(value):.1f} %"


def partner_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """Ranked candidates with a rank column, in reading order."""
    out = ranked.assign(rank=range(1, len(ranked) + 1))
    return out[list(PARTNER_COLUMNS)]


def religion_label(value: object) -> str:
    """Religious character for reading: "None" becomes "No religious character"."""
    text = str(value)
    return "No religious character" if text == "None" else text


def outliers_in(schools_df: pd.DataFrame) -> pd.DataFrame:
    """Schools in ``schools_df`` flagged by the 10-nearest-neighbours rule, for a table."""
    flags = loaders.load_neighbour_outliers().loc[schools_df.index]
    flagged = flags[flags["flag"] != ""]
    out = schools_df.loc[flagged.index, ["urn", "school_name", "phase", "white_british_pct"]]
    return out.assign(
        white_british_pct=out["white_british_pct"].round(1),
        neighbours_pct=flagged["neighbour_white_british_pct"],
        difference_points=flagged["difference_points"],
        flag=flagged["flag"],
    ).sort_values("difference_points", key=abs, ascending=False)


def plan_table(pairs_df: pd.DataFrame) -> pd.DataFrame:
    """The pairing plan with a tick box per pair; returns the ticked pairs."""
    shown = pairs_df.assign(add=True)[
        [
            "add",
            "school_name",
            "white_british_pct",
            "partner_name",
            "partner_la",
            "partner_white_british_pct",
            "distance_km",
            "contrast",
            "explanation",
            "urn",
            "partner_urn",
        ]
    ]
    edited = st.data_editor(
        shown,
        hide_index=True,
        width="stretch",
        key="gaps_plan_table",
        disabled=[c for c in shown.columns if c != "add"],
        column_config={
            "add": st.column_config.CheckboxColumn("Add", help="Add this pair to the register"),
            "school_name": "School",
            "partner_name": "Proposed partner",
            "partner_la": "Partner's LA",
            "white_british_pct": st.column_config.NumberColumn("White British (%)", format="%.0f"),
            "partner_white_british_pct": st.column_config.NumberColumn(
                "Partner White British (%)", format="%.0f"
            ),
            "distance_km": st.column_config.NumberColumn("km", format="%.1f"),
            "contrast": st.column_config.NumberColumn("How different", format="%.2f"),
            "explanation": st.column_config.TextColumn("Why", width="large"),
            "urn": st.column_config.NumberColumn("URN", format="%d"),
            "partner_urn": st.column_config.NumberColumn("Partner URN", format="%d"),
        },
    )
    return edited[edited["add"]]


def add_plan_links(chosen: pd.DataFrame, user: User) -> int:
    """Record ticked pairs as proposed links (one transaction); returns how many."""
    new = [
        links_store.LinkInput(
            school_urn=int(row.urn),
            partner_urn=int(row.partner_urn),
            link_types=("ethnicity",),
            status="proposed",
            notes="Proposed by the atlas's pairing plan.",
        )
        for row in chosen.itertuples(index=False)
    ]
    added = links_store.add_links(
        register(), new, user, known_urns=known_urns(), source="pairing plan"
    )
    return len(added)


def headline_metrics(numbers: dict[str, float], threshold: float) -> None:
    """The big numbers, with their sources in the help text."""
    census = f"Source: {config.CENSUS_SOURCE}."
    links_source = "Source: the council's link register."
    first, second = st.columns(4), st.columns(4)
    first[0].metric("Schools", f"{numbers['schools']:,}", help=f"Source: {config.REGISTER_SOURCE}.")
    first[1].metric("Pupils", f"{numbers['pupils']:,}", help=census)
    first[2].metric(
        "White British pupils",
        pct(numbers["white_british_pct"]),
        help="Share of all pupils (pupil-weighted). " + census,
    )
    first[3].metric(
        "Predominantly white schools",
        f"{numbers['predominantly_white']:,}",
        help=f"At least {threshold:g} % White British. {census}",
    )
    second[0].metric(
        "… with a contrasting link",
        f"{numbers['white_with_contrasting_link']:,}",
        help="An active link with a school whose pupils differ. " + links_source,
    )
    second[1].metric(
        "Gaps",
        f"{numbers['gaps']:,}",
        help="Predominantly white schools without such a link. " + links_source,
    )
    second[2].metric("Active links", f"{numbers['active_links']:,}", help=links_source)
    second[3].metric(
        "Met at least twice this year",
        f"{numbers['links_meeting_twice']:,}",
        help="Active links whose pupils met at least twice this school year: the "
        "contact research on school linking ties to lasting effects. " + links_source,
    )


def headline_table(numbers: dict[str, float]) -> pd.DataFrame:
    """The headline numbers as a two-column table for export."""
    return pd.DataFrame({"measure": list(numbers), "value": list(numbers.values())})


def chart_with_table(chart: object | None, table: pd.DataFrame, key: str, title: str) -> None:
    """An Altair chart with its table (and a CSV download) right under it."""
    st.markdown(f"**{title}**")
    if table.empty:
        st.info("Nothing to show yet for this area.")
        return
    if chart is None:
        st.info("No chart: none of these links has a start date recorded yet.")
    else:
        st.altair_chart(chart, width="stretch", key=f"{key}_chart")
    with st.expander("Table behind this chart"):
        st.dataframe(table, hide_index=True, width="stretch", key=f"{key}_table")
        st.download_button(
            "Download (CSV)",
            exports.to_csv_bytes(table),
            file_name=f"{key}.csv",
            mime="text/csv",
            key=f"{key}_csv",
        )


@st.cache_data(show_spinner="Computing segregation indices…")
def segregation_table() -> pd.DataFrame:
    """Segregation indices for every LA, primary and secondary (cached)."""
    table = segregation.indices_by_area(
        loaders.load_schools(), "la_name", outliers_df=loaders.load_neighbour_outliers()
    )
    return table.round(dict.fromkeys(segregation.INDEX_LABELS, 3) | {"white_british_pct": 1})


def flash(message: str) -> None:
    """Show ``message`` after an immediate rerun (so every table reflects the change)."""
    st.session_state["register_flash"] = message
    st.rerun()


def show_flash() -> None:
    """Show (once) a message left by :func:`flash`."""
    message = st.session_state.pop("register_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def schools_table(shown_df: pd.DataFrame, links_df: pd.DataFrame) -> pd.DataFrame:
    """The map's table of shown schools; the all-England one is built once and shared."""
    counts = profiles.link_counts(links_df)
    if len(shown_df) == len(loaders.load_schools()):
        return _england_table(_links_key(links_df), counts)  # keyed on the links
    return profiles.schools_table(shown_df, counts)


@st.cache_resource(show_spinner=False, max_entries=4)
def _england_table(key: str, _counts: dict[int, int]) -> pd.DataFrame:
    return profiles.schools_table(loaders.load_schools(), _counts)
