"""About the data: sources, dates, licence, and which schools lack census figures."""

import pandas as pd
import streamlit as st

from dashboard import config
from dashboard.app import loaders, navigation, widgets
from dashboard.data import coverage

st.title("About the data")
navigation.guard_page(__file__)
st.markdown(
    f"""
This atlas shows **every open state-funded school in England** — {config.TOTAL_STATE_SCHOOLS:,}
schools — using official data only.

* **Which schools exist**, their type, phase, local authority and location come from the
  DfE register of schools (*Get Information About Schools*) of **{config.REGISTER_DATE}**.
* **Who the pupils are** — ethnicity, free school meals and first language — comes from the
  DfE school census of **{config.CENSUS_DATE}**, the most recent school-level figures available
  to this atlas. Figures for a school describe its pupils in {config.CENSUS_DATE}, not today.
* **Local-authority boundaries** are the ONS boundaries of {config.BOUNDARIES_DATE}.
* **Twinning links** are not public data: they come from the council's own link register.
"""
)

schools_gdf = loaders.load_schools()
manifest = loaders.load_manifest()

schools_df = pd.DataFrame(schools_gdf.drop(columns="geometry"))
with_ethnicity = int(schools_df["has_ethnicity"].sum())
via_predecessor = int((schools_df["census_steps"].fillna(0) > 0).sum())
cols = st.columns(4)
cols[0].metric("Schools", f"{len(schools_df):,}")
cols[1].metric(
    "With ethnicity figures",
    f"{with_ethnicity:,}",
    help=f"{100 * with_ethnicity / len(schools_df):.1f} % of schools",
)
cols[2].metric("Figures from a predecessor school", f"{via_predecessor:,}")
cols[3].metric("Without ethnicity figures", f"{len(schools_df) - with_ethnicity:,}")
st.caption(
    f"A school whose reference number (URN) changed after {config.CENSUS_DATE} — usually on "
    "becoming an academy — is given the census figures of the school it replaced. A census "
    "record describes one set of pupils, so it is given to at most one open school: a school "
    "split off from one that is still open gets no figures rather than its pupils."
)

st.subheader("Coverage by local authority")
coverage_df = coverage.census_coverage_by_la(schools_df)
st.dataframe(
    coverage_df,
    hide_index=True,
    width="stretch",
    column_config={
        "la_name": "Local authority",
        "region": "Region",
        "schools": "Schools",
        "with_ethnicity": "With ethnicity figures",
        "via_predecessor": "Via a predecessor",
        "coverage_pct": st.column_config.NumberColumn("Coverage (%)", format="%.1f"),
    },
)
widgets.csv_download(
    "Download coverage by LA (CSV)",
    coverage_df,
    file_name="coverage_by_la.csv",
    key="data_download_coverage",
)

st.subheader("Schools without ethnicity figures")
missing_df = schools_df.assign(reason=coverage.explain_missing_ethnicity(schools_df))
missing_df = missing_df.loc[
    ~missing_df["has_ethnicity"],
    ["urn", "school_name", "la_name", "phase", "establishment_type", "reason"],
]
st.markdown(
    f"{len(missing_df):,} schools. They are shown on the map in grey and are never suggested "
    "as partners by accident."
)
st.dataframe(
    missing_df,
    hide_index=True,
    width="stretch",
    column_config={
        "urn": st.column_config.NumberColumn("URN", format="%d"),
        "school_name": "School",
        "la_name": "Local authority",
        "phase": "Phase",
        "establishment_type": "Type",
        "reason": st.column_config.TextColumn("Why no figures", width="large"),
    },
)
widgets.csv_download(
    "Download this list (CSV)",
    missing_df,
    file_name="schools_without_ethnicity.csv",
    key="data_download_missing",
)

st.subheader("Schools placed far outside their local authority")
far_df = coverage.far_outside_la(schools_df)
st.markdown(
    f"{len(far_df):,} schools have a register position more than "
    f"{config.FAR_OUTSIDE_LA_KM:g} km outside the local authority they belong to — usually a "
    "special school run by one authority in another's area. They count for their own "
    "authority everywhere in the atlas, but their dot is where the register places them."
)
st.dataframe(
    far_df,
    hide_index=True,
    width="stretch",
    key="data_far_outside",
    column_config={
        "urn": st.column_config.NumberColumn("URN", format="%d"),
        "school_name": "School",
        "la_name": "Its local authority",
        "phase": "Phase",
        "postcode": "Postcode",
        "km_outside_la": st.column_config.NumberColumn("Km outside it", format="%.1f"),
    },
)

st.subheader("Licence and attribution")
st.markdown(config.OGL_ATTRIBUTION)
with st.expander("Files and checksums"):
    st.dataframe(
        pd.DataFrame([{"file": name, **info} for name, info in manifest.items()]),
        hide_index=True,
        width="stretch",
        column_config={
            "file": "File",
            "rows": st.column_config.NumberColumn("Rows", format="%d"),
            "sha256": "Checksum (SHA-256)",
        },
    )
    st.markdown(
        "How the files were built and how to refresh them: `data/README.md` in the repository."
    )
