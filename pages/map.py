"""Map of schools: every state school in England by the make-up of its intake."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import config
from dashboard.analysis import filters, gaps
from dashboard.app import first_paint, loaders, map_page, navigation, url_state, widgets
from dashboard.maps import school_map, view
from dashboard.register import visibility

st.title("Map of schools")
user = navigation.guard_page(__file__)
st.markdown(
    "Every open state-funded school in England, coloured by its intake. Hover over a school "
    "for its name; click it (or a row in the table) for details. Shaded areas are local "
    "authorities, coloured by the same measure for all their pupils."
)

schools_gdf = loaders.load_schools()
options = {
    **loaders.load_filter_options(),
    "measures": list(config.MEASURES),
    "focus": list(view.FOCUS_OPTIONS),
}
# Arriving (a new visit, a reload, or back from another page): the filters kept from
# the last visit (on a first visit, the visitor's own LA), then the URL's.
if url_state.restore(url_state.MAP_DEFAULTS):
    if "map_initialised" not in st.session_state:
        map_page.open_on_home_la("map", user)
        st.session_state["map_initialised"] = True
    url_state.apply_query_params(
        "map",
        {**options, "urns": loaders.load_known_urns()},
        las_in=lambda regions: view.las_in(schools_gdf, regions),
    )
widgets.set_defaults(url_state.MAP_DEFAULTS)

# The map is drawn before the sidebar widgets so that it starts loading first; the
# widgets' values are already in session state (defaults, the URL, or the last change).
# On a first visit the widgets and the table wait until the map is drawn (first_paint).
stage = first_paint.stage()
state = st.session_state
measure, threshold, focus = state["map_measure"], state["map_threshold"], state["map_focus"]
include_demo = state["map_demo"]
flt, problems = url_state.filter_from_state("map", loaders.load_known_urns())
for problem in problems:
    st.error(problem)
url_state.say_ignored("map", again=stage == first_paint.MAP_ONLY)
widgets.demo_banner(include_demo)
links_df = loaders.load_links(include_demo, user)
status_df = loaders.load_link_status(schools_gdf, links_df)
shown = filters.filter_schools(schools_gdf, flt, gaps.linked_urns(schools_gdf, status_df))
shown = view.focus_schools(
    shown,
    focus,
    status_df,
    loaders.load_neighbour_outliers() if focus == "outliers" else None,
    threshold,
)
st.markdown(f"**{len(shown):,} schools shown** of {len(schools_gdf):,}.")
left, right = st.columns([3, 2], gap="medium")
# Clicks arrive in session state before this run, so the ring can follow them at once.
selected = map_page.selected_school("map", state.get("map_folium"), shown["urn"])
url_state.write_query_params(
    "map",
    flt,
    extra={
        "measure": measure,
        "threshold": threshold,
        "show": focus,
        "demo": int(include_demo),
        "school": selected,
    },
)
inputs = view.build_map_inputs(
    schools_gdf,
    shown,
    loaders.load_la_summary(),
    measure,
    threshold,
    visibility.detailed(links_df),  # lines only for links the viewer may read in full
    fit=first_paint.map_fit(widgets.changed("map_view", (flt, focus))),
    selected_urn=selected,
)
if stage == first_paint.MAP_ONLY:
    first_paint.watch_for_map(right)
with left:
    st_folium(
        school_map.build_base_map(),
        key="map_folium",
        height=640,
        use_container_width=True,
        returned_objects=["last_object_clicked_tooltip"],
        feature_group_to_add=school_map.build_school_layers(**inputs),
    )
    if selected is not None:  # on a phone the details are below: say so under the map
        map_page.selected_line(schools_gdf, selected)
    # The legend is beside the map, not on it, so it never hides a school.
    st.html(view.map_legend(schools_gdf, inputs, links_are_demo=include_demo))
    st.caption(
        f"{config.CENSUS_SOURCE}; {config.REGISTER_SOURCE}. "
        f"{widgets.register_date_caption(loaders.register())} {config.OGL_ATTRIBUTION}"
    )
if stage == first_paint.MAP_ONLY:
    first_paint.hold_rest(
        "Loading the filters…", f"Loading the table of these {len(shown):,} schools…", right
    )

sb = st.sidebar
sb.selectbox(
    "Colour schools by",
    list(config.MEASURES),
    key="map_measure",
    format_func=lambda m: config.MEASURES[m][0],
)
sb.slider(
    "“Predominantly white” means at least this % White British", 50, 95, step=5, key="map_threshold"
)
sb.radio("Show", list(view.FOCUS_OPTIONS), key="map_focus", format_func=view.FOCUS_OPTIONS.get)
sb.markdown("**Filters**")
sb.multiselect("Region", options["regions"], key="map_region")
sb.multiselect("Local authority", view.las_in(schools_gdf, state["map_region"]), key="map_la")
sb.multiselect("Phase", options["phases"], key="map_phase")
sb.multiselect("Religious character", options["religions"], key="map_faith")
sb.multiselect("Diversity", filters.DIVERSITY_BANDS, key="map_diversity")
sb.multiselect("Free school meals", filters.FSM_BANDS, key="map_fsm")
sb.selectbox(
    "Links",
    filters.LINK_STATUS_OPTIONS,
    key="map_linked",
    format_func=lambda v: {
        "any": "Any school",
        "linked": "Schools with a link",
        "not linked": "Schools without a link",
    }[v],
)
sb.text_input("Search by name, URN or postcode", key="map_q")
sb.text_input("Schools near this URN", key="map_near", placeholder="e.g. 136925")
sb.selectbox("Within", [1, 2, 5, 10, 15, 20, 30, 50], key="map_km", format_func=lambda v: f"{v} km")
sb.toggle("Show illustrative demo links", key="map_demo", help=widgets.DEMO_HELP)

table_df = loaders.load_schools_table(shown, links_df)
with right:
    if selected is not None:
        map_page.school_details(schools_gdf, links_df, selected)
    if len(table_df) > widgets.EAGER_TABLE_ROWS:  # big tables stream rows as the user scrolls
        st.dataframe(
            table_df,
            key="map_table_lazy",
            lazy=True,
            hide_index=True,
            height=420,
            column_config=widgets.SCHOOL_COLUMNS,
            alt="Schools shown on the map",
        )
        st.caption("Pick a school on the map, or search for it, to see its details.")
    else:
        st.dataframe(
            table_df,
            key="map_table",
            on_select="rerun",
            selection_mode="single-row",
            hide_index=True,
            height=420,
            column_config=widgets.SCHOOL_COLUMNS,
            alt="Schools shown on the map",
        )
    widgets.csv_download(
        "Download these schools (CSV)",
        table_df,
        file_name="schools.csv",
        key="map_download",
    )
url_state.keep(url_state.MAP_DEFAULTS)
first_paint.finish()
