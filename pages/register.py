"""Link register: record, import, edit, end and export the council's twinning links."""

import streamlit as st

from dashboard.app import import_page, loaders, navigation, register_page, text, widgets
from dashboard.register import queries, store, tables
from dashboard.register.auth import PermissionDeniedError
from dashboard.register.model import RegisterError

st.title("Link register")
user = navigation.guard_page(__file__)
engine = loaders.register()
schools_df = loaders.load_schools()
st.markdown(
    "The council's own record of links between schools. Every change is saved with who made "
    f"it and when. {widgets.register_date_caption(engine)} "
    f"Signed in as **{text.md_escape(user.label)}**."
)
widgets.show_flash()
links_df = queries.list_links(engine)
table_df = tables.register_table(links_df, schools_df)
tab_links, tab_add, tab_edit, tab_bulk, tab_import, tab_audit = st.tabs(
    [
        "Links",
        "Add a link",
        "Edit or end a link",
        "Update meetings",
        "Import a spreadsheet",
        "Audit log",
    ]
)

with tab_links:
    query = st.text_input("Search links (school, partner, LA, notes, URN)", key="register_search")
    shown = tables.search_register(table_df, query)
    st.markdown(f"**{len(shown):,} of {len(table_df):,} links**")
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="register_table",
        column_config=register_page.LINK_COLUMNS,
        alt="The council's register of links",
    )
    left, right = st.columns(2)
    widgets.csv_download(
        "Export to CSV",
        shown,
        file_name="link_register.csv",
        key="register_csv",
        where=left,
    )
    widgets.excel_download(
        "Export to Excel",
        {"Links": shown},
        file_name="link_register.xlsx",
        key="register_xlsx",
        where=right,
    )

with tab_add:
    new_link = register_page.link_form("register_add", schools_df)
    if st.button("Add link", type="primary", key="register_add_save"):
        if new_link is None:
            st.error("Choose the school first.")
        else:
            try:
                saved = store.add_link(engine, new_link, user, known_urns=loaders.load_known_urns())
                widgets.flash(f"Link #{saved.link_id} added.")  # rerun so every tab shows it
            except (RegisterError, PermissionDeniedError) as exc:
                st.error(text.md_escape(str(exc)))

with tab_edit:
    ids = table_df["link_id"].tolist()
    chosen = st.selectbox(
        "Link to edit",
        ids,
        key="register_edit_id",
        index=None,
        format_func=lambda i: register_page.link_label(table_df, i),
        placeholder="Choose a link",
    )
    if chosen is not None:
        current = queries.get_link(engine, int(chosen))
        opened = st.session_state.setdefault(f"register_opened_{chosen}", current.version)
        register_page.link_editor(
            engine, user, schools_df, current, opened, loaders.load_known_urns()
        )

with tab_bulk:
    st.markdown(
        "Update the status and meetings of several links at once. Each row is saved "
        "only if nobody changed that link since this table was shown."
    )
    editable = table_df[table_df["status"] != "ended"][
        ["link_id", "school", "partner", "status", "meetings_this_year", "version"]
    ]
    edited = st.data_editor(
        editable,
        key="register_bulk",
        hide_index=True,
        width="stretch",
        disabled=["link_id", "school", "partner", "version"],
        column_config=register_page.BULK_COLUMNS,
    )
    if st.button("Save these changes", key="register_bulk_save"):
        for line in register_page.save_bulk(
            engine, user, editable, edited, loaders.load_known_urns()
        ):
            (st.error if line.startswith("Link") and "not saved" in line else st.success)(
                text.md_escape(line)
            )

with tab_import:
    import_page.import_wizard(
        engine, user, links_df, loaders.load_known_urns(), loaders.load_urn_facts()
    )

with tab_audit:
    audit_df = queries.audit_log(engine)
    only = st.number_input(
        "Show one link's history (link number, 0 = all)", 0, step=1, key="register_audit_link"
    )
    if only:
        audit_df = audit_df[audit_df["link_id"] == only]
    st.dataframe(
        audit_df,
        hide_index=True,
        width="stretch",
        key="register_audit",
        alt="Who changed which link, when, with old and new values",
    )
    widgets.csv_download(
        "Export the audit log (CSV)",
        audit_df,
        file_name="audit_log.csv",
        key="register_audit_csv",
    )
