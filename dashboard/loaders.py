"""Cached loaders: the only module in ``dashboard/`` that imports Streamlit.

The schools table is shared with ``st.cache_resource`` rather than copied with
``st.cache_data``: every rerun of every session would otherwise unpickle a
9 MB frame (about 40 ms per click, and one copy per concurrent session). It is
read-only by contract: every function in ``dashboard/`` copies before changing a
frame, and ``tests/test_pages.py`` checks that running every page leaves the
shared frame equal to a fresh read. Small derived tables use ``st.cache_data``.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard import gaps, memory, metrics, readers

# This module is imported only by the running app: tune its allocators once.
memory.tune_for_server()


@st.cache_resource(show_spinner="Loading schools…")
def load_schools() -> gpd.GeoDataFrame:
    """Every open state-funded school (see :func:`dashboard.readers.read_schools`).

    Shared between sessions: do not modify the returned frame.
    """
    return readers.read_schools()


@st.cache_data(show_spinner="Loading boundaries…")
def load_local_authorities() -> gpd.GeoDataFrame:
    """LA boundaries (see :func:`dashboard.readers.read_local_authorities`)."""
    return readers.read_local_authorities()


@st.cache_data(show_spinner="Loading boundaries…")
def load_regions() -> gpd.GeoDataFrame:
    """Region boundaries (see :func:`dashboard.readers.read_regions`)."""
    return readers.read_regions()


@st.cache_data
def load_manifest() -> dict[str, dict]:
    """Checksums and row counts of the embedded files."""
    return readers.read_manifest()


@st.cache_data
def load_la_summary() -> pd.DataFrame:
    """Pupil-weighted measures per LA (see :func:`dashboard.metrics.summarise_by_area`)."""
    return metrics.summarise_by_area(load_schools(), ["la_gss_code", "la_name", "region"])


@st.cache_data
def load_neighbour_outliers() -> pd.DataFrame:
    """Each school against its 10 nearest same-phase schools (:func:`gaps.neighbour_outliers`)."""
    return gaps.neighbour_outliers(load_schools())
