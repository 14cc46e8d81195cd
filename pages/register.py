"""Link register: record, import, edit, end and export the council's twinning links."""

import streamlit as st

from dashboard import config
from dashboard.app import (
    import_page,
    loaders,
    navigation,
    register_bulk,
    register_edit,
    register_page,
    text,
    widgets,
)
from dashboard.register import queries, scope, store, tables
from dashboard.register.auth import PermissionDeniedError
from dashboard.register.model import RegisterError

st.title("Link register")
user = navigation.guard_page(__file__)
engine = loaders.register()
schools_df = loaders.load_schools()
st.markdown(
    "The council's own record of links between schools. Every change is saved with who made "
    f"it and when. {widgets.register_date_caption(engine)} "
    f"Signed in as **{text.md_escape(user.label)}**, acting for "
    f"**{text.md_escape(user.scope.label)}**."
)
widgets.show_flash(register_page.current_tab())
all_links_df = queries.list_links(engine)
# An officer works on the links touching their councils (a link across a boundary is in
# both councils' lists); the register layer refuses any other write whatever the page shows.
links_df = scope.links_in_scope(all_links_df, user.scope)
table_df = tables.register_table(links_df, schools_df)
known_urns = loaders.load_known_urns()
# Stateful tabs in the URL: a rerun (a save, a cell edit) keeps the officer on their tab,
# and only the open tab's content runs.
tabs = dict(
    zip(
        register_page.TABS,
        st.tabs(register_page.TABS, key="register_tab", bind="query-params"),
        strict=True,
    )
)

if tabs["Links"].open:
    with tabs["Links"]:
        query = st.text_input(
            "Search links (school, partner, LA, notes, URN)", key="register_search"
        )
        shown = tables.search_register(table_df, query)
        st.markdown(
            f"**{len(shown):,} of {len(table_df):,} links**"
            + register_page.scope_note(user.scope, len(table_df), len(all_links_df))
        )
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            key="register_table",
            column_config=register_page.LINK_COLUMNS,
            alt="The council's register of links",
        )
        st.caption(f"Times are UK local time ({config.LOCAL_TIME_ZONE}).")
        left, right = st.columns(2)
        widgets.csv_download(
            "Export to CSV", shown, file_name="link_register.csv", key="register_csv", where=left
        )
        widgets.excel_download(
            "Export to Excel",
            {"Links": shown},
            file_name="link_register.xlsx",
            key="register_xlsx",
            where=right,
        )

if tabs["Add a link"].open:
    with tabs["Add a link"]:
        new_link = register_page.link_form("register_add", schools_df)
        if st.button("Add link", type="primary", key="register_add_save"):
            if new_link is None:
                st.error("Choose the school first.")
            else:
                try:
                    saved = store.add_link(engine, new_link, user, known_urns=known_urns)
                    widgets.flash(f"Link #{saved.link_id} added.", register_page.current_tab())
                except (RegisterError, PermissionDeniedError) as exc:
                    st.error(text.md_escape(str(exc)))

if tabs["Edit or end a link"].open:
    with tabs["Edit or end a link"]:
        chosen = st.selectbox(
            "Link to edit",
            table_df["link_id"].tolist(),
            key="register_edit_id",
            index=None,
            format_func=lambda i: register_page.link_label(table_df, i),
            placeholder="Choose a link",
        )
        if chosen is not None:
            current = queries.get_link(engine, int(chosen))
            register_edit.link_editor(engine, user, schools_df, current, known_urns)

if tabs["Update meetings"].open:
    with tabs["Update meetings"]:
        st.markdown(
            "Update the status and meetings of several links at once. Each row is saved "
            "only if nobody changed that link since this table was shown."
        )
        register_bulk.bulk_editor(engine, user, table_df, known_urns)

if tabs["Import a spreadsheet"].open:
    with tabs["Import a spreadsheet"]:
        import_page.import_wizard(engine, user, all_links_df, known_urns, loaders.load_urn_facts())

if tabs["Audit log"].open:
    with tabs["Audit log"]:
        audit_df = queries.audit_log(engine)
        audit_df["changed_at"] = audit_df["changed_at"].dt.tz_convert(config.LOCAL_TIME_ZONE)
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
            column_config=register_page.AUDIT_COLUMNS,
            alt="Who changed which link, when, with old and new values",
        )
        widgets.csv_download(
            "Export the audit log (CSV)",
            audit_df,
            file_name="audit_log.csv",
            key="register_audit_csv",
        )
