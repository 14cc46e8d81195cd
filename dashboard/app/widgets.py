"""Widgets and table settings shared by several pages (so pages never import each other)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard.analysis import filters, profiles
from dashboard.app import faults
from dashboard.app.text import md_escape
from dashboard.register import exports, queries, tables

# Tables longer than this load rows lazily (no row selection); shorter ones are selectable.
EAGER_TABLE_ROWS = 2_000


# Every table's headings and number formats, in one place; pages pick the columns they show.
NUMBER = st.column_config.NumberColumn


COLUMN_SETTINGS: dict[str, object] = {
    "urn": NUMBER("URN", format="%d"),
    "school_name": "School",
    "school": "School",
    "la_name": "Local authority",
    "region": "Region",
    "phase": "Phase",
    "religious_character": "Religious character",
    "white_british_pct": NUMBER("White British (%)", format="%.1f"),
    "diversity_index": NUMBER("Diversity index", format="%.2f"),
    "fsm_pct": NUMBER("Free school meals (%)", format="%.1f"),
    "eal_pct": NUMBER("EAL (%)", format="%.1f"),
    "links": NUMBER("Links", format="%d"),
    "link_id": NUMBER("Link", format="%d"),
    "school_urn": NUMBER("School URN", format="%d"),
    "partner_urn": NUMBER("Partner URN", format="%d"),
    "partner": "Partner school",
    "partner_country": "Partner's country",
    "link_types": "Types",
    "mode": "Mode",
    "status": "Status",
    "start_date": st.column_config.DateColumn("Start", format="DD/MM/YYYY"),
    "end_date": st.column_config.DateColumn("End", format="DD/MM/YYYY"),
    "meetings_this_year": NUMBER("Meetings this year", format="%d"),
    "notes": "Notes",
    "source": "Source",
    "updated_by": "Last changed by",
    "updated_at": st.column_config.DatetimeColumn(
        "Last changed (UK time)", format="DD/MM/YYYY HH:mm"
    ),
    "version": NUMBER("Version", format="%d"),
    "rank": NUMBER("#", format="%d"),
    "distance_km": NUMBER("Distance (km)", format="%.1f"),
    "contrast": st.column_config.ProgressColumn(
        "How different (0-1)", min_value=0, max_value=1, format="%.2f"
    ),
    "existing_links": NUMBER("Links it has", format="%d"),
    "explanation": st.column_config.TextColumn("Why", width="large"),
    "schools": NUMBER("Schools", format="%d"),
    "predominantly_white": NUMBER("Predominantly white", format="%d"),
    "with_contrasting_link": NUMBER("With a contrasting link", format="%d"),
    "gaps": NUMBER("Gaps", format="%d"),
    "linked_pct": NUMBER("Linked (%)", format="%.1f"),
    "situation": "What links it has",
    "distance": NUMBER("How different (0 = same)", format="%.2f"),
}


def columns(*names: str, **overrides: object) -> dict[str, object]:
    """Column settings for ``st.dataframe`` from the shared registry (plus any overrides)."""
    return {name: COLUMN_SETTINGS[name] for name in names} | overrides


SCHOOL_COLUMNS = columns(*profiles.SCHOOL_TABLE_COLUMNS)


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
    when = register_updated_at(engine)
    if faults.noted():
        return "Links: the council's register cannot be reached right now."
    return f"Links: the council's register {tables.register_state(when)}."


def register_updated_at(engine: sa.Engine) -> datetime | None:
    """When the register last changed, as a datetime (SQLite returns it without a zone)."""
    try:
        when = queries.register_updated_at(engine)
    except faults.DATABASE_ERRORS as exc:
        faults.note_unreadable(exc)
        return None
    return None if when is None else pd.Timestamp(when).to_pydatetime()


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
                f"No school matches “{md_escape(text)}”. Try part of the name, the URN or "
                "the postcode."
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


FLASH_KEY = "atlas_flash"


def flash(message: str, scope: str = "") -> None:
    """Show a success message after an immediate rerun (so every table reflects the change)."""
    flash_all([("success", message)], scope)


def flash_all(messages: list[tuple[str, str]], scope: str = "") -> None:
    """Show several messages after an immediate rerun, until the next save or a new ``scope``.

    The messages stay while the officer keeps working in the same place (e.g. the
    same tab): taking them away at the next click would move everything below
    them up, under the mouse, while the officer is editing a table.

    Parameters
    ----------
    messages : list of (kind, text)
        ``kind`` is "success" or "error"; the text is plain (it is escaped).
    scope : str
        Where the messages belong, e.g. the register's tab.
    """
    st.session_state[FLASH_KEY] = (scope, list(messages))
    st.rerun()


def show_flash(scope: str = "") -> None:
    """Show the messages left by :func:`flash` while the visitor is still in ``scope``."""
    stored_scope, messages = st.session_state.get(FLASH_KEY) or ("", [])
    if stored_scope != scope:
        st.session_state.pop(FLASH_KEY, None)
        return
    for kind, text in messages:
        if kind == "error":
            st.error(md_escape(text), icon=":material/error:")
        else:
            st.success(md_escape(text), icon=":material/check_circle:")


def chart_with_table(
    chart: object | None,
    table: pd.DataFrame,
    key: str,
    title: str,
    column_config: dict[str, object] | None = None,
) -> None:
    """An Altair chart with its table (plain column names) and a CSV download under it."""
    st.markdown(f"**{title}**")
    if table.empty:
        st.info("Nothing to show yet for this area.")
        return
    if chart is None:
        st.info("No chart: none of these links has a start date recorded yet.")
    else:
        st.altair_chart(chart, width="stretch", key=f"{key}_chart")
    with st.expander("Table behind this chart"):
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key=f"{key}_table",
            column_config=column_config,
        )
        csv_download(f"Download “{title}” (CSV)", table, file_name=f"{key}.csv", key=f"{key}_csv")


def _fingerprint(frames: dict[str, pd.DataFrame]) -> str:
    """Changes whenever any cell of any of the tables changes."""
    parts = []
    for name, frame in frames.items():
        try:
            hashed = pd.util.hash_pandas_object(frame, index=False)
        except TypeError:  # cells holding lists: hash their text
            hashed = pd.util.hash_pandas_object(frame.astype(str), index=False)
        parts.append(f"{name}:{frame.shape}:{list(frame.columns)}:{int(hashed.sum())}")
    return "|".join(parts)


def made_download(
    label: str,
    make: Callable[[], bytes],
    *,
    fingerprint: str,
    file_name: str,
    mime: str,
    key: str,
    primary: bool = False,
) -> None:
    """A download button for a file made by ``make``, kept until ``fingerprint`` changes.

    Like :func:`csv_download`, the file is made before the button is drawn, so a
    click always finds it; it is remade only when what it shows changes.

    Parameters
    ----------
    label : str
        The button's text.
    make : callable
        Makes the file's bytes, e.g. a briefing PDF.
    fingerprint : str
        Changes whenever the file would change.
    file_name, mime, key : str
        The file's name and type, and the widget key.
    primary : bool
        Draw it as the page's main button.
    """
    st.download_button(
        label,
        _made_bytes(make, f"{key}|{fingerprint}"),
        file_name=file_name,
        mime=mime,
        key=key,
        type="primary" if primary else "secondary",
    )


def fingerprint(frames: dict[str, pd.DataFrame], *values: object) -> str:
    """A fingerprint of some tables and plain values, for :func:`made_download`."""
    return "|".join([_fingerprint(frames), *map(repr, values)])


@st.cache_data(show_spinner="Making the file…", max_entries=16)
def _made_bytes(_make: Callable[[], bytes], key: str) -> bytes:
    return _make()


@st.cache_data(show_spinner=False, max_entries=32)
def _file_bytes(_frames: dict[str, pd.DataFrame], kind: str, key: str) -> bytes:
    if kind == "csv":
        return exports.to_csv_bytes(next(iter(_frames.values())))
    return exports.to_excel_bytes(_frames)


def csv_download(
    label: str,
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    *,
    file_name: str,
    key: str,
    where: object = st,
) -> None:
    """A download button for a table as CSV (formulas neutralised, UK times; see exports).

    The file is made when the table changes and kept (cached), not made on the
    click: a click on a button drawn just before a rerun then still finds its
    file, which a deferred download would not.

    Parameters
    ----------
    label : str
        The button's text, e.g. "Download these schools (CSV)".
    frame : DataFrame
        The table.
    file_name, key : str
        The file's name and the widget key.
    where : object
        ``st``, ``st.sidebar`` or a column to put the button in.
    """
    frames = {"table": frame() if callable(frame) else frame}
    where.download_button(
        label,
        _file_bytes(frames, "csv", _fingerprint(frames)),
        file_name=file_name,
        mime="text/csv",
        key=key,
    )


def excel_download(
    label: str,
    sheets: dict[str, pd.DataFrame] | Callable[[], dict[str, pd.DataFrame]],
    *,
    file_name: str,
    key: str,
    where: object = st,
) -> None:
    """A download button for one or more tables as an Excel workbook (one sheet each)."""
    sheets = sheets() if callable(sheets) else sheets
    where.download_button(
        label,
        _file_bytes(sheets, "xlsx", _fingerprint(sheets)),
        file_name=file_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=key,
    )
