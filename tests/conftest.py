"""Shared fixtures: paths, a raw-data folder built from the tiny fixtures, cache hygiene."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st

from dashboard.build_data import RAW_FILES

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "data"

FIXTURE_FILES = {
    "register": "register_extract.csv",
    "census": "census.csv",
    "register_links": "links.csv",
    "la_lookup": "la_lookup.csv",
    "la_boundaries": "boundaries/las.geojson",
    "region_boundaries": "boundaries/regions.geojson",
}


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A raw-data folder laid out like ../shared/data/raw, holding the tiny fixtures."""
    folder = tmp_path / "raw"
    for key, name in RAW_FILES.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / FIXTURE_FILES[key], target)
    return folder


@pytest.fixture(autouse=True)
def _clear_streamlit_cache():
    """st.cache_data survives between AppTest runs in one session: start each test clean."""
    st.cache_data.clear()
    return
