"""Summary and briefing: the few numbers that matter for an area, and a one-page PDF."""

import streamlit as st

from dashboard import config
from dashboard.analysis import segregation
from dashboard.analysis import summary as s
from dashboard.app import loaders, navigation, shown_tables, summary_page, url_state, widgets
from dashboard.outputs import briefing, charts

st.title("Summary and briefing")
user = navigation.guard_page(__file__)
st.markdown(
    "The state of school links in an area, in a few numbers and charts. Every chart has "
    "its table beside it, and the briefing for a local authority prints on one page."
)
schools_gdf = loaders.load_schools()
regions = sorted(schools_gdf["region"].astype(str).unique())
las = sorted(schools_gdf["la_name"].astype(str).unique())
settings = summary_page.settings(regions, las, user.scope.home_la)
url_state.open_page(list(settings.values()))
kind = st.radio("Area", list(summary_page.AREA_KINDS.values()), horizontal=True, key="summary_kind")
if kind == summary_page.AREA_KINDS["region"]:
    area = s.Area("region", st.selectbox("Region", regions, key="summary_region"))
elif kind == summary_page.AREA_KINDS["la"]:
    area = s.Area("la", st.selectbox("Local authority", las, key="summary_la"))
else:
    area = s.Area("England", s.ENGLAND)
threshold = st.sidebar.slider(
    "“Predominantly white” means at least this % White British",
    50,
    95,
    step=5,
    key="summary_threshold",
)
include_demo = widgets.demo_toggle("summary_demo")

inside = s.in_area(schools_gdf, area)
area_schools = schools_gdf[inside]
links_df = loaders.load_links(include_demo, user)
status_df = loaders.load_link_status(schools_gdf, links_df)
area_links = s.links_touching(links_df, set(area_schools["urn"].tolist()))
numbers = s.headline(area_schools, status_df[inside], area_links, threshold_pct=threshold)
register_updated = widgets.register_updated_at(loaders.register())
register_note = widgets.register_date_caption(loaders.register())

st.subheader(area.label)
summary_page.census_notice()
summary_page.headline_metrics(numbers, threshold)
if area.kind == "la":
    brief = summary_page.brief_for(area.name, schools_gdf, status_df, links_df, threshold)
    summary_page.what_this_means(brief)
st.caption(
    f"Pupils and intake: {config.CENSUS_SOURCE}. Schools: {config.REGISTER_SOURCE}. {register_note}"
)

st.subheader("Links")
by_type = s.links_by_type_and_mode(area_links)
growth = s.links_over_time(area_links)
left, right = st.columns(2)
with left:
    widgets.chart_with_table(
        charts.links_by_type(by_type),
        by_type,
        "summary_types",
        "Links by type and mode",
        summary_page.TYPE_COLUMNS,
    )
with right:
    widgets.chart_with_table(
        charts.links_growth(growth),
        growth,
        "summary_growth",
        "How links have grown, by start term",
        summary_page.GROWTH_COLUMNS,
    )

st.subheader("How mixed are schools? Segregation by local authority")
phase = st.radio("Phase", ["Primary", "Secondary"], horizontal=True, key="summary_phase")
indices_df = loaders.load_segregation_table()
phase_df = indices_df[indices_df["phase"] == phase].drop(columns="phase")
highlight = area.name if area.kind == "la" else None
widgets.chart_with_table(
    charts.dissimilarity_by_la(phase_df, highlight),
    phase_df,
    "summary_indices",
    f"Segregation indices, {phase.lower()} schools, by LA",
    summary_page.INDEX_COLUMNS,
)
with st.expander("What the indices mean, and their formulas"):
    for key, label in segregation.INDEX_LABELS.items():
        st.markdown(
            f"**{label}** — {segregation.INDEX_SENTENCES[key]}  \n"
            f"`{segregation.INDEX_FORMULAS[key]}`"
        )
    st.markdown(
        "**Flagged (%)** — the share of the LA's schools whose White British share is "
        f"{config.NEIGHBOUR_RULE}."
    )

tables = {
    "Headline": summary_page.headline_table(numbers),
    "Links by type": by_type,
    "Links by term": growth,
    "Segregation": phase_df,
}
if area.kind == "la":
    st.subheader(f"{area.name} beside its region, England and similar LAs")
    region = str(area_schools["region"].iloc[0])
    comparison = s.compare_areas(schools_gdf, area.name, region, phase)
    similar = s.similar_las(loaders.load_la_summary(), area.name)
    left, right = st.columns(2)
    with left:
        widgets.chart_with_table(
            charts.comparison(comparison),
            comparison,
            "summary_compare",
            "Compared with the region and England",
            summary_page.COMPARISON_COLUMNS,
        )
    with right:
        st.markdown("**Local authorities with the most similar pupils**")
        st.dataframe(
            similar,
            hide_index=True,
            width="stretch",
            key="summary_similar",
            column_config=summary_page.SIMILAR_COLUMNS,
        )
    others = ["(none)", *summary_page.other_las(schools_gdf, area.name)]
    if st.session_state.get("summary_beside") not in others:  # it was the area itself
        st.session_state["summary_beside"] = "(none)"
    beside = st.selectbox("Put another local authority beside it", others, key="summary_beside")
    second = None
    if beside != "(none)":
        st.subheader(f"{area.name} and {beside}, side by side")
        second = summary_page.brief_for(beside, schools_gdf, status_df, links_df, threshold)
        tables["Side by side"] = summary_page.side_by_side(brief, second)
    tables.update(
        {
            "Comparison": comparison,
            "Similar LAs": similar,
            "Measures": brief.measures.drop(columns=["key"]),
            "Gaps": brief.gaps_df,
        }
    )
    st.subheader("Briefing")
    label = (
        f"Download the one-page briefing for {area.name} (PDF)"
        if second is None
        else f"Download the briefing for {area.name}, with a second page beside {beside} (PDF)"
    )
    widgets.made_download(
        label,
        lambda: briefing.build_briefing(
            brief,
            compare=second,
            register_updated=register_updated,
            includes_demo=include_demo,
            threshold_pct=threshold,
        ),
        fingerprint=widgets.fingerprint(
            tables, area.name, beside, register_updated, include_demo, threshold
        ),
        file_name=f"briefing_{area.name.replace(' ', '_')}.pdf",
        mime="application/pdf",
        key="summary_pdf",
        primary=True,
    )
shown_as = {
    "Links by type": summary_page.TYPE_COLUMNS,
    "Links by term": summary_page.GROWTH_COLUMNS,
    "Segregation": summary_page.INDEX_COLUMNS,
    "Comparison": summary_page.COMPARISON_COLUMNS,
    "Similar LAs": summary_page.SIMILAR_COLUMNS,
    "Measures": summary_page.MEASURE_COLUMNS,
    "Side by side": summary_page.SIDE_BY_SIDE_COLUMNS,
}
widgets.excel_download(
    "Download every table (Excel)",
    lambda: {
        name: shown_tables.as_shown(frame, shown_as.get(name)) for name, frame in tables.items()
    },
    file_name="summary_tables.xlsx",
    key="summary_excel",
)
url_state.keep(settings)
url_state.write_settings(summary_page.shown_settings(settings, area.kind))
