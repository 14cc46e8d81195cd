"""Gaps and pairing plan: where predominantly white schools lack a contrasting link."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import config
from dashboard.analysis import gaps, pairing, plan_purposes, profiles
from dashboard.app import gaps_page, loaders, navigation, url_state, widgets
from dashboard.maps import partner_maps
from dashboard.register.auth import OFFICER

st.title("Gaps and pairing plan")
user = navigation.guard_page(__file__)
st.markdown(
    "A **gap** is a predominantly white school with no *active* link to a school whose pupils "
    "differ from its own. Proposed links, links abroad and links with similar schools do not "
    "close a gap. Pick an authority to see its gaps and a proposed set of pairings."
)
schools_gdf = loaders.load_schools()
las = sorted(schools_gdf["la_name"].astype(str).unique())
settings = gaps_page.settings(las)
url_state.open_page(settings)
sb = st.sidebar
threshold = sb.slider(
    "“Predominantly white” means at least this % White British",
    50,
    95,
    step=5,
    key="gaps_threshold",
)
include_demo = widgets.demo_toggle("gaps_demo")
links_df = loaders.load_links(include_demo, user)
status_df = loaders.load_link_status(schools_gdf, links_df)
coverage_df = gaps.link_coverage_by_la(schools_gdf, status_df, threshold_pct=threshold)
register_note = widgets.register_date_caption(loaders.register())
st.caption(f"{config.CENSUS_SOURCE}; {config.REGISTER_SOURCE}. {register_note}")

st.subheader("Coverage by local authority")
st.dataframe(
    coverage_df,
    hide_index=True,
    width="stretch",
    height=300,
    key="gaps_coverage",
    column_config=gaps_page.COVERAGE_COLUMNS,
    alt="Predominantly white schools and links by LA",
)
widgets.csv_download(
    "Download coverage (CSV)",
    coverage_df,
    file_name="gaps_by_la.csv",
    key="gaps_coverage_csv",
)

la = st.selectbox("Local authority", las, key="gaps_la")
in_la = schools_gdf["la_name"] == la
gap_df = gaps.find_gaps(schools_gdf[in_la], status_df[in_la], threshold_pct=threshold)
outliers_df = gaps.outliers_table(schools_gdf[in_la], loaders.load_neighbour_outliers())
left, right = st.columns(2)
left.metric("Gaps in " + la, f"{len(gap_df):,}")
right.metric(
    f"Schools far more or less White British than their {config.NEIGHBOURS} nearest",
    f"{len(outliers_df):,}",
)
tab_gaps, tab_outliers, tab_plan = st.tabs(["Gaps", "Compared with neighbours", "Pairing plan"])
with tab_gaps:
    st.dataframe(
        gap_df,
        hide_index=True,
        width="stretch",
        key="gaps_table",
        column_config=gaps_page.GAP_COLUMNS,
        alt=f"Gaps in {la}",
    )
    widgets.csv_download(
        "Download gaps (CSV)",
        gap_df,
        file_name=f"gaps_{la}.csv",
        key="gaps_csv",
    )
with tab_outliers:
    st.markdown(
        f"Schools whose share of White British pupils is {config.NEIGHBOUR_RULE} (the rule used "
        "by iCoCo and SchoolDash)."
    )
    st.dataframe(
        outliers_df,
        hide_index=True,
        width="stretch",
        key="gaps_outliers",
        column_config=gaps_page.OUTLIER_COLUMNS,
    )

with tab_plan:
    purpose = st.radio(
        "What is the plan for?",
        list(plan_purposes.PURPOSES),
        format_func=lambda k: plan_purposes.PURPOSES[k].label,
        horizontal=True,
        key="gaps_plan_purpose",
    )
    c1, c2, c3 = st.columns(3)
    max_km = c1.number_input("Maximum distance (km)", 1, 100, step=5, key="gaps_plan_km")
    cap = c2.number_input(
        "Most links per partner school (counting existing ones)",
        1,
        5,
        key="gaps_plan_cap",
    )
    allow_selective = c3.checkbox(
        "Allow selective (grammar) schools as partners", key="gaps_plan_selective"
    )
    url_state.keep(s.key for s in settings)
    url_state.write_settings(settings)
    st.markdown(gaps_page.purpose_prose(purpose, float(max_km)))
    chosen_purpose = plan_purposes.PURPOSES[purpose]
    needing = plan_purposes.schools_needing(
        chosen_purpose, schools_gdf[in_la], status_df[in_la], links_df, threshold_pct=threshold
    )
    waiting = plan_purposes.schools_with(chosen_purpose, links_df, "proposed") & set(
        schools_gdf.loc[in_la, "urn"].astype(int)
    )
    if waiting:
        st.caption(
            f"{len(waiting)} school(s) here already have a proposed "
            f"{chosen_purpose.label.lower()} link, so the plan leaves them out until it is "
            "active or ended (see the register)."
        )
    if st.session_state.get(gaps_page.PLAN_KEY):
        st.caption("Making the plan again starts a new review: the ticks and swaps below are lost.")
    if st.button(
        f"Make the {chosen_purpose.label.lower()} plan for {len(needing)} schools",
        type="primary",
        key="gaps_plan_make",
    ):
        with st.spinner("Working out the best set of pairs…"):
            neighbours = pairing.neighbouring_las(loaders.load_local_authorities(), la)
            candidates = gaps_page.candidate_urns(schools_gdf, [la, *neighbours])
            scoring = pairing.plan_scoring(float(max_km))
            counts = profiles.link_counts(links_df)
            plan = pairing.plan_pairings(
                loaders.load_partner_index(),
                needing["urn"].tolist(),
                candidates,
                purpose=purpose,
                scoring=scoring,
                cap=int(cap),
                link_counts=counts,
                allow_selective=allow_selective,
            )
            st.session_state[gaps_page.PLAN_KEY] = gaps_page.SavedPlan(
                la, plan, candidates, int(cap), allow_selective, scoring, counts
            )
    saved = st.session_state.get(gaps_page.PLAN_KEY)
    if saved and saved.la == la:
        plan = saved.plan
        st.markdown(gaps_page.plan_summary(plan, len(plan.pairs) + len(plan.unpaired)))
        if not plan.pairs.empty:
            st.dataframe(
                plan.distances_by_stage(),
                hide_index=True,
                key="gaps_plan_stages",
                column_config=gaps_page.STAGE_COLUMNS,
            )
            st_folium(
                partner_maps.build_plan_map(
                    plan.pairs,
                    schools_gdf,
                ),
                key="gaps_plan_map",
                height=560,
                use_container_width=True,
                returned_objects=[],
            )
            st.markdown(
                "**Review the pairs**, in priority order (schools whose partner has no links "
                "yet first, then those with most to gain, then the nearer). Nothing is added "
                "until you tick it."
            )
            gaps_page.tick_buttons(saved)
            chosen = gaps_page.review_table(saved)
            with st.expander("Why each pair, in full"):
                st.markdown(gaps_page.explanations(plan.pairs))
            with st.expander("Change a partner"):
                gaps_page.swap_controls(saved, loaders.load_partner_index())
            gaps_page.plan_downloads(plan, chosen, schools_gdf, la)
        if not plan.unpaired.empty:
            with st.expander(f"{len(plan.unpaired)} schools left unpaired, and why"):
                st.dataframe(
                    plan.unpaired,
                    hide_index=True,
                    width="stretch",
                    key="gaps_unpaired",
                    column_config=gaps_page.UNPAIRED_COLUMNS,
                )
        widgets.show_flash("gaps_plan")
        if user.role == OFFICER and not plan.pairs.empty:
            gaps_page.add_controls(saved, chosen, user)
