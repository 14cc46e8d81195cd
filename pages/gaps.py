"""Gaps and pairing plan: where predominantly white schools lack a contrasting link."""

import streamlit as st
from streamlit_folium import st_folium

from dashboard import config
from dashboard.analysis import gaps, pairing, partners, profiles
from dashboard.app import gaps_page, loaders, navigation, text, widgets
from dashboard.maps import partner_maps, school_map
from dashboard.register.auth import OFFICER
from dashboard.register.model import RegisterError

st.title("Gaps and pairing plan")
user = navigation.guard_page(__file__)
st.markdown(
    "A **gap** is a predominantly white school with no *active* link to a school whose pupils "
    "differ from its own. Proposed links, links abroad and links with similar schools do not "
    "close a gap. Pick an authority to see its gaps and a proposed set of pairings."
)
schools_gdf = loaders.load_schools()
sb = st.sidebar
threshold = sb.slider(
    "“Predominantly white” means at least this % White British", 50, 95, 80, 5, key="gaps_threshold"
)
min_contrast = sb.slider(
    "A partner must differ by at least (0-1)",
    0.0,
    0.8,
    gaps.MIN_CONTRAST,
    0.05,
    key="gaps_min_contrast",
)
include_demo = widgets.demo_toggle("gaps_demo")
links_df = loaders.load_links(include_demo)
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

las = sorted(schools_gdf["la_name"].astype(str).unique())
la = st.selectbox("Local authority", las, index=las.index("Worcestershire"), key="gaps_la")
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
    st.dataframe(outliers_df, hide_index=True, width="stretch", key="gaps_outliers")

with tab_plan:
    st.markdown(
        "One partner for each school in the gap list, chosen from this authority and its "
        "neighbours so that the plan as a whole pairs the most different schools that "
        "are close enough to meet."
    )
    c1, c2 = st.columns(2)
    max_km = c1.number_input("Maximum distance (km)", 1, 100, 25, 5, key="gaps_plan_km")
    cap = c2.number_input(
        "Most links per partner school (counting existing ones)", 1, 5, 1, key="gaps_plan_cap"
    )
    if st.button("Make a pairing plan", type="primary", key="gaps_plan_make"):
        with st.spinner("Working out the best set of pairs…"):
            neighbours = pairing.neighbouring_las(loaders.load_local_authorities(), la)
            candidates = schools_gdf[schools_gdf["la_name"].isin([la, *neighbours])]["urn"]
            st.session_state["gaps_plan"] = (
                la,
                pairing.plan_pairings(
                    loaders.load_partner_index(),
                    gap_df["urn"].tolist(),
                    candidates.tolist(),
                    scoring=partners.Scoring(max_km=float(max_km)),
                    cap=int(cap),
                    min_contrast=min_contrast,
                    link_counts=profiles.link_counts(links_df),
                ),
            )
    saved = st.session_state.get("gaps_plan")
    if saved and saved[0] == la:
        plan = saved[1]
        st.markdown(
            f"**{len(plan.pairs)} pairs proposed**; {len(plan.unpaired)} schools left "
            f"unpaired. Total score {plan.total_score:.2f}."
        )
        if not plan.pairs.empty:
            st_folium(
                partner_maps.build_plan_map(
                    plan.pairs,
                    schools_gdf,
                    data_version=school_map.data_version(loaders.load_manifest()),
                ),
                key="gaps_plan_map",
                height=560,
                use_container_width=True,
                returned_objects=[],
            )
        chosen = gaps_page.plan_table(plan.pairs)
        widgets.csv_download(
            "Download the plan (CSV)",
            plan.pairs,
            file_name=f"pairing_plan_{la}.csv",
            key="gaps_plan_csv",
        )
        if not plan.unpaired.empty:
            with st.expander("Schools left unpaired, and why"):
                st.dataframe(plan.unpaired, hide_index=True, width="stretch", key="gaps_unpaired")
        if user.role == OFFICER and st.button(
            f"Add the {len(chosen)} ticked pairs to the register as proposed links",
            key="gaps_plan_add",
            disabled=chosen.empty,
        ):
            try:
                added = gaps_page.add_plan_links(
                    loaders.register(), chosen, user, loaders.load_known_urns()
                )
                st.success(f"{added} proposed link(s) added to the register.")
            except (RegisterError, PermissionError) as exc:
                st.error(text.md_escape(str(exc)))
