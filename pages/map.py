"""Prototype map page (being built)."""

import time

import streamlit as st
from streamlit_folium import st_folium

from dashboard import config, loaders, map_data, maps, metrics

st.title("Map of schools")
t0 = time.perf_counter()
schools_gdf = loaders.load_schools()
manifest = loaders.load_manifest()
version = maps.data_version(manifest)
measure = st.sidebar.selectbox("Colour by", list(config.MEASURES), key="map_measure")
las = st.sidebar.multiselect(
    "Local authority", sorted(schools_gdf["la_name"].unique()), key="map_la"
)
shown = schools_gdf if not las else schools_gdf[schools_gdf["la_name"].isin(las)]
mask = (
    None
    if len(shown) == len(schools_gdf)
    else map_data.encode_mask(
        map_data.positions_of(shown["urn"], schools_gdf["urn"]), len(schools_gdf)
    )
)
by_la = metrics.summarise_by_area(schools_gdf, "la_gss_code")
white = by_la.index[metrics.flag_predominantly_white(by_la["white_british_pct"])].tolist()
m = maps.build_base_map(data_version=version)
groups = maps.build_school_layers(
    measure=measure,
    mask=mask,
    la_values=by_la[measure].to_dict(),
    white_las=white,
    fit=bool(las),
    data_version=version,
)
out = st_folium(
    m,
    key="map",
    height=620,
    use_container_width=True,
    feature_group_to_add=groups,
    returned_objects=["last_object_clicked_tooltip"],
)
st.write(
    f"{len(shown):,} schools shown of {len(schools_gdf):,}; script {time.perf_counter() - t0:.3f}s"
)
