"""Find a partner school: nearby schools whose pupils differ most from yours."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import config
from dashboard.analysis import contrast, partners, profiles
from dashboard.app import loaders, navigation, partners_page, text, widgets
from dashboard.maps import partner_maps, school_map

st.title("Find a partner school")
user = navigation.guard_page(__file__)
st.markdown(
    "Pick your school to see nearby schools whose pupils differ most from yours — in ethnic "
    "make-up, religious character and social mix — so that your pupils can meet pupils of "
    "other backgrounds. Schools that already have several links are ranked a little lower, "
    "so that no school is asked to twin with everyone."
)
schools_gdf = loaders.load_schools()
requested = st.query_params.get("school")
default_urn = user.school_urn or (int(requested) if requested and requested.isdigit() else None)
urn = widgets.school_picker(schools_gdf, key="partners_school", default_urn=default_urn)

sb = st.sidebar
sb.markdown("**Search settings**")
max_km = sb.number_input(
    "Maximum distance (km)", min_value=0, max_value=100, value=25, step=5, key="partners_km"
)
same_phase = sb.checkbox(
    "Same phase only (primary with primary …)", value=True, key="partners_same_phase"
)
sb.markdown("How much each difference counts:")
chosen_weights = (
    sb.slider("Ethnic make-up", 0, 10, 6, key="partners_w_ethnicity"),
    sb.slider("Religious character", 0, 10, 2, key="partners_w_faith"),
    sb.slider("Free school meals (social mix)", 0, 10, 2, key="partners_w_social"),
)
try:
    weights = contrast.ContrastWeights(*chosen_weights)
except ValueError:
    st.error("Give at least one difference a weight above 0; the usual weights are used.")
    weights = contrast.ContrastWeights()
include_demo = widgets.demo_toggle("partners_demo")

if urn is None:
    st.info("Type part of your school's name, its URN or its postcode above.")
    st.stop()

scoring = partners.Scoring(weights=weights, max_km=float(max_km), same_phase=same_phase)
with st.spinner("Finding partners…"):
    result = partners.suggest_partners(
        loaders.load_partner_index(),
        int(urn),
        scoring=scoring,
        link_counts=profiles.link_counts(loaders.load_links(include_demo)),
    )
school = result.school
st.subheader(text.md_escape(school["school_name"]))
st.markdown(
    f"{text.pct(school['white_british_pct'])} White British · "
    f"{text.religion_label(school['religious_character'])} · "
    f"{text.pct(school['fsm_pct'])} free school meals · {school['phase']} · "
    f"{text.md_escape(school['la_name'])}"
)

if result.ranked.empty:
    st.warning(result.message)
else:
    st.markdown(
        f"**The {len(result.ranked)} best partners within {max_km:g} km**, most "
        "different first. Source: " + config.CENSUS_SOURCE + "."
    )
    left, right = st.columns([2, 3], gap="medium")
    with left:
        st_folium(
            partner_maps.build_partner_map(
                school,
                result.ranked,
                schools_gdf,
                data_version=school_map.data_version(loaders.load_manifest()),
            ),
            key="partners_map",
            height=520,
            use_container_width=True,
            returned_objects=[],
        )
    with right:
        table = partners_page.partner_table(result.ranked)
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key="partners_table",
            column_config=partners_page.PARTNER_COLUMNS,
            alt="Suggested partner schools, best first",
        )
        widgets.csv_download(
            "Download this list (CSV)",
            table,
            file_name=f"partners_for_{urn}.csv",
            key="partners_download",
        )
if not result.set_aside.empty:
    with st.expander(f"{len(result.set_aside)} nearby schools were left out"):
        st.dataframe(result.set_aside, hide_index=True, width="stretch", key="partners_aside")
