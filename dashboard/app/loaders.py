"""Every cached loader of the app: the embedded data, the register, and derived tables.

The schools table is shared with ``st.cache_resource`` rather than copied with
``st.cache_data``: every rerun of every session would otherwise unpickle a
9 MB frame (about 40 ms per click, and one copy per concurrent session). It is
read-only by contract: every function in ``dashboard/`` copies before changing a
frame, and ``tests/test_pages.py`` checks that running every page leaves the
shared frame equal to a fresh read. Small derived tables use ``st.cache_data``.
Frames that a loader derives from are passed in, never read from a global; the
cache key is then a fingerprint of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard.analysis import gaps, metrics, profiles, segregation
from dashboard.app import faults, memory
from dashboard.data import embedded
from dashboard.maps import view
from dashboard.register import engine, queries, visibility
from dashboard.register.auth import User
from dashboard.register.model import LINK_COLUMNS
from dashboard.register.urn_facts import UrnFacts

if TYPE_CHECKING:
    from dashboard.analysis.partners import PartnerIndex

# This module is imported only by the running app: tune its allocators once.
memory.tune_for_server()


@st.cache_resource(show_spinner="Loading schools…")
def load_schools() -> gpd.GeoDataFrame:
    """Every open state-funded school (see :func:`dashboard.data.embedded.read_schools`).

    Shared between sessions: do not modify the returned frame.
    """
    return embedded.read_schools()


@st.cache_data(show_spinner="Loading boundaries…")
def load_local_authorities() -> gpd.GeoDataFrame:
    """LA boundaries (see :func:`dashboard.data.embedded.read_local_authorities`)."""
    return embedded.read_local_authorities()


@st.cache_data
def load_manifest() -> dict[str, dict]:
    """Checksums and row counts of the embedded files."""
    return embedded.read_manifest()


@st.cache_data
def load_la_summary() -> pd.DataFrame:
    """Pupil-weighted measures per LA (see :func:`dashboard.analysis.metrics.summarise_by_area`)."""
    return metrics.summarise_by_area(load_schools(), ["la_gss_code", "la_name", "region"])


@st.cache_data
def load_neighbour_outliers() -> pd.DataFrame:
    """Each school against its nearest same-phase schools (:func:`gaps.neighbour_outliers`)."""
    return gaps.neighbour_outliers(load_schools())


@st.cache_data(show_spinner="Computing segregation indices…")
def load_segregation_table() -> pd.DataFrame:
    """Segregation indices for every LA, primary and secondary."""
    table = segregation.indices_by_area(
        load_schools(), "la_name", outliers_df=load_neighbour_outliers()
    )
    return table.round(dict.fromkeys(segregation.INDEX_LABELS, 3) | {"white_british_pct": 1})


@st.cache_resource(show_spinner=False)
def load_filter_options() -> dict[str, list[str]]:
    """Values offered by the map's filters (:func:`dashboard.maps.view.filter_options`).

    Shared between sessions: do not modify the returned lists.
    """
    return view.filter_options(load_schools())


@st.cache_resource(show_spinner=False)
def load_known_urns() -> frozenset[int]:
    """URNs of every school in the atlas (what links may refer to)."""
    return frozenset(int(u) for u in load_schools()["urn"])


@st.cache_resource(show_spinner=False)
def load_urn_facts() -> UrnFacts:
    """Why a URN is not in the atlas (closed, Welsh, independent ...), for import messages."""
    return UrnFacts.from_frames(embedded.read_other_establishments(), load_schools())


@st.cache_resource(show_spinner="Preparing partner search…")
def load_partner_index() -> PartnerIndex:
    """The schools and their spatial index, built once per server."""
    # Imported here: scipy is only needed by the pages that match partners.
    from dashboard.analysis.partners import PartnerIndex

    return PartnerIndex(load_schools())


@st.cache_resource(show_spinner="Generating demo links…")
def load_demo_links() -> pd.DataFrame:
    """The generated, illustrative demo register (the same every time)."""
    from dashboard.register.demo import generate_demo_links

    return generate_demo_links(load_partner_index())


@st.cache_resource(show_spinner=False)
def register_engine(url: str) -> sa.Engine:
    """The register's engine, created and migrated once per database URL."""
    return engine.open_register(url)


def configured_database_url() -> str:
    """Register URL: ``[database] url`` in secrets.toml, else ATLAS_DATABASE_URL, else SQLite."""
    try:
        from_secrets = st.secrets.get("database", {}).get("url")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        from_secrets = None
    return engine.database_url(from_secrets)


def register() -> sa.Engine:
    """The council's link register (see :func:`configured_database_url`).

    While the database cannot be reached, an engine that is not yet migrated is
    returned: each use of it fails where the page handles that calmly
    (:mod:`dashboard.app.faults`), and the next call tries to open it again, so the
    app recovers by itself when the database is back.
    """
    url = configured_database_url()
    try:
        return register_engine(url)
    except faults.DATABASE_ERRORS:
        return _unopened_engine(url)


@st.cache_resource(show_spinner=False)
def _unopened_engine(url: str) -> sa.Engine:
    return engine.create_register_engine(url)


def load_links(include_demo: bool, user: User) -> pd.DataFrame:
    """The links ``user`` may see now (never cached), demo links included when asked for.

    The privacy rule (:func:`dashboard.register.visibility.visible_links`) is applied
    here, so every page, table, map layer, download and PDF gets only what the viewer
    may see.
    """
    try:
        real = queries.list_links(register())
    except faults.DATABASE_ERRORS as exc:  # pages carry on from the embedded data
        faults.note_unreadable(exc)
        real = pd.DataFrame({c: pd.Series(dtype=object) for c in LINK_COLUMNS})
        for column in ("link_id", "school_urn", "partner_urn", "meetings_this_year", "version"):
            real[column] = real[column].astype("Int64")
    if include_demo:
        real = pd.concat([real, load_demo_links()], ignore_index=True)
    return visibility.visible_links(real, user)


def _fingerprint(frame: pd.DataFrame, columns: list[str]) -> str:
    """Changes whenever any row of ``frame`` is added, removed or changed in ``columns``."""
    hashed = pd.util.hash_pandas_object(frame[columns].astype(str), index=False)
    return f"{len(frame)}:{int(hashed.sum())}"


def _links_key(links_df: pd.DataFrame) -> str:
    return _fingerprint(links_df, ["link_id", "version", "status"])


@st.cache_data(show_spinner=False, max_entries=8)
def _link_status(_schools_df: pd.DataFrame, _links_df: pd.DataFrame, key: str) -> pd.DataFrame:
    return gaps.link_status_by_school(_schools_df, _links_df)


def load_link_status(schools_df: pd.DataFrame, links_df: pd.DataFrame) -> pd.DataFrame:
    """Per school: its links and whether one is active with a contrasting school (cached)."""
    key = f"{_fingerprint(schools_df, ['urn'])}|{_links_key(links_df)}"
    return _link_status(schools_df, links_df, key)


@st.cache_resource(show_spinner=False, max_entries=4)
def _schools_table(_shown_df: pd.DataFrame, _counts: dict[int, int], key: str) -> pd.DataFrame:
    return profiles.schools_table(_shown_df, _counts)


def load_schools_table(shown_df: pd.DataFrame, links_df: pd.DataFrame) -> pd.DataFrame:
    """The map's table of shown schools; a large one is built once per links state and shared."""
    counts = profiles.link_counts(links_df)
    if len(shown_df) < 2_000:  # cheap to build; caching many small tables would only cost memory
        return profiles.schools_table(shown_df, counts)
    key = f"{_fingerprint(shown_df, ['urn'])}|{_links_key(links_df)}"
    return _schools_table(shown_df, counts, key)


@st.cache_data(show_spinner="Finding which schools have a diverse school within reach…")
def load_diverse_reach() -> pd.Series:
    """Per school: a diverse school with pupils of its ages within reach (a copy per caller)."""
    from dashboard.analysis import exposure  # scipy: only the summary page needs it

    schools = load_schools()
    return pd.Series(exposure.diverse_within_reach(load_partner_index()), index=schools.index)


@st.cache_data(show_spinner="Computing the measures for every local authority…")
def load_la_measures() -> pd.DataFrame:
    """Exposure, very white schools and reach for every LA and England (issue #12)."""
    from dashboard.analysis import exposure

    return exposure.measures_by_la(load_schools(), load_diverse_reach())
