"""Cached loaders: the only module in ``dashboard/`` that imports Streamlit."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from dashboard import readers


@st.cache_data(show_spinner="Loading schools…")
def load_schools() -> gpd.GeoDataFrame:
    """Every open state-funded school (see :func:`dashboard.readers.read_schools`)."""
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
