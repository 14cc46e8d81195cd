"""Find a partner school: nearby schools whose pupils differ most from yours."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import config
from dashboard.analysis import contrast, partner_notes, partners, profiles
from dashboard.app import loaders, map_page, navigation, partners_page, text, url_state, widgets
from dashboard.maps import partner_maps
from dashboard.register import visibility

st.title("Find a partner school")
user = navigation.guard_page(__file__)
st.markdown(
    "Pick your school to see nearby schools whose pupils differ most from yours — in ethnic "
    "make-up, religious character and social mix — so that your pupils can meet pupils of "
    "other backgrounds. Schools that already have several links are ranked a little lower, "
    "so that no school is asked to twin with everyone."
)
schools_gdf = loaders.load_schools()
settings = partners_page.SETTINGS
url_state.restore(partners_page.PICKER_KEYS)
arrived = url_state.open_page(settings)
default_urn = user.school_urn or partners_page.requested_school(
    loaders.load_known_urns(), arrived=arrived
)
urn = widgets.school_picker(schools_gdf, key="partners_school", default_urn=default_urn)

sb = st.sidebar
sb.markdown("**Search settings**")
max_km = sb.number_input(
    "Maximum distance (km)", min_value=0, max_value=100, step=5, key="partners_km"
)
same_phase = sb.checkbox(
    "Only schools with pupils of the same ages",
    key="partners_same_phase",
    help="The two schools teach at least two year groups in common (a first school can meet "
    "a primary, a middle school a primary or a secondary).",
)
sb.markdown("How much each difference counts:")
chosen_weights = (
    sb.slider("Ethnic make-up", 0, 10, key="partners_w_ethnicity"),
    sb.slider("Religious character", 0, 10, key="partners_w_faith"),
    sb.slider("Free school meals (social mix)", 0, 10, key="partners_w_social"),
)
try:
    weights = contrast.ContrastWeights(*chosen_weights)
except ValueError:
    st.error("Give at least one difference a weight above 0; the usual weights are used.")
    weights = contrast.ContrastWeights()
include_demo = widgets.demo_toggle("partners_demo")
url_state.keep([*(s.key for s in settings), *partners_page.PICKER_KEYS])
url_state.write_settings(settings, {"school": urn})

if urn is None:
    st.info("Type part of your school's name, its URN or its postcode above.")
    st.stop()

scoring = partners.Scoring(weights=weights, max_km=float(max_km), same_phase=same_phase)
index = loaders.load_partner_index()
links_df = loaders.load_links(include_demo, user)
with st.spinner("Finding partners…"):
    result = partners.suggest_partners(
        index, int(urn), scoring=scoring, link_counts=profiles.link_counts(links_df)
    )
school = result.school
st.subheader(text.md_escape(school["school_name"]))
st.markdown(
    f"{text.pct(school['white_british_pct'])} White British · "
    f"{text.religion_label(school['religious_character'])} · "
    f"{text.pct(school['fsm_pct'])} free school meals · {school['phase']} · "
    f"{text.md_escape(school['la_name'])}"
)
own_links = profiles.links_table(visibility.detailed(links_df), schools_gdf, int(urn))
proposals = partners_page.plan_proposals(partner_notes.proposed_by_plan(own_links))
if proposals:
    st.info(proposals, icon=":material/handshake:")
counted = visibility.counted_only(links_df, int(urn))
total = len(own_links) + counted
plural = "" if total == 1 else "s"
with st.expander(f"This school's partners now ({total} link{plural})"):
    if total == 0:
        st.markdown("No links in the register yet.")
    if counted:
        st.markdown(f"**Active links:** {counted}. {map_page.COUNTS_NOTE}")
    if not own_links.empty:
        st.dataframe(
            own_links,
            hide_index=True,
            width="stretch",
            key="partners_own_links",
            column_config=partners_page.LINK_COLUMNS,
        )

if scoring.max_km > 0:
    hidden = partner_notes.more_diverse_message(
        partner_notes.more_diverse_nearby(index, int(urn), scoring), float(max_km)
    )
    if hidden:
        st.info(hidden, icon=":material/travel_explore:")
if result.ranked.empty:
    st.warning(result.message)
else:
    st.markdown(
        f"**The {len(result.ranked)} best partners within {max_km:g} km**, best score first. "
        "Source: " + config.CENSUS_SOURCE + "."
    )
    table = partner_notes.with_score_parts(result.ranked, schools_gdf, scoring)
    st_folium(
        partner_maps.build_partner_map(
            school,
            result.ranked,
            schools_gdf,
        ),
        key="partners_map",
        height=480,
        use_container_width=True,
        returned_objects=[],
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="partners_table",
        column_config=partners_page.PARTNER_COLUMNS,
        alt="Suggested partner schools, best first",
    )
    st.markdown(
        partners_page.score_sentence(scoring.distance_penalty, scoring.load_penalty, scoring.max_km)
    )
    widgets.csv_download(
        "Download this list (CSV)",
        table,
        file_name=f"partners_for_{urn}.csv",
        key="partners_download",
    )
    st.markdown("**Why each school, in full**")
    st.markdown(partners_page.reasons_list(table))
if not result.set_aside.empty:
    with st.expander(f"{len(result.set_aside)} nearby schools were left out"):
        st.dataframe(
            result.set_aside,
            hide_index=True,
            width="stretch",
            key="partners_aside",
            column_config=partners_page.SET_ASIDE_COLUMNS,
        )
