"""The register page's import wizard: upload, map columns, check every row, commit all or none."""

from __future__ import annotations

from collections.abc import Container

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard.app.register_page import current_tab
from dashboard.app.text import md_escape
from dashboard.app.widgets import NUMBER, flash
from dashboard.register import import_check, queries, spreadsheets
from dashboard.register.auth import User


def import_wizard(
    engine: sa.Engine, user: User, links_df: pd.DataFrame, known_urns: Container[int]
) -> None:
    """Upload → map columns → check every row → add all new links, or none."""
    st.markdown(
        "Upload the council's spreadsheet of links (CSV or Excel). Nothing is saved until "
        "every row passes the checks; links already in the register are skipped."
    )
    st.download_button(
        "Download a blank template (CSV)",
        spreadsheets.template_csv(),
        file_name="link_register_template.csv",
        mime="text/csv",
        key="register_template",
    )
    upload = st.file_uploader(
        "Spreadsheet", type=["csv", "xlsx", "xls", "txt"], key="register_upload"
    )
    if upload is None:
        return
    content = upload.getvalue()
    try:
        frame, notes = spreadsheets.read_links_file(content, upload.name)
    except spreadsheets.ImportFileError as exc:
        st.error(md_escape(str(exc)))
        return
    for note in notes:
        st.info(md_escape(note))
    st.markdown(f"**{len(frame):,} rows.** Which column holds each item?")
    guess = spreadsheets.guess_mapping(list(frame.columns))
    choices = [None, *frame.columns]
    mapping = {}
    columns = st.columns(3)
    for number, name in enumerate(spreadsheets.FIELDS):
        mapping[name] = columns[number % 3].selectbox(
            spreadsheets.FIELD_LABELS[name],
            choices,
            key=f"register_map_{name}",
            index=choices.index(guess[name]) if guess[name] in choices else 0,
            format_func=lambda c: "— not in the file —" if c is None else str(c),
        )
    with st.expander("Preview the first rows"):
        st.dataframe(frame.head(10), hide_index=True, width="stretch", key="register_preview")
    try:
        report = import_check.validate_import(frame, mapping, known_urns, links_df)
    except spreadsheets.ImportFileError as exc:
        st.error(md_escape(str(exc)))
        return
    counts = report.rows["result"].value_counts()
    st.markdown(
        f"**Check:** {counts.get('new', 0)} new, {counts.get('already recorded', 0)} "
        f"already in the register, {counts.get('error', 0)} with problems."
    )
    st.dataframe(
        report.rows[
            ["row", "result", "message", "school_urn", "partner_urn", "link_types", "status"]
        ],
        hide_index=True,
        width="stretch",
        key="register_report",
        column_config={
            "row": NUMBER("Row in file", format="%d"),
            "result": "Result",
            "message": st.column_config.TextColumn("What the check found", width="large"),
            "school_urn": "School URN",
            "partner_urn": "Partner URN",
            "link_types": "Types",
            "status": "Status",
        },
    )
    if not report.ok:
        st.error(
            f"{len(report.errors)} row(s) have problems: nothing will be imported until "
            "they are fixed. Correct them in the spreadsheet and upload it again."
        )
        # The same problems as plain text, so long messages are never cut off in the grid.
        st.markdown(
            "\n".join(
                f"* Row {row.row}: {md_escape(row.message)}"
                for row in report.errors.head(50).itertuples(index=False)
            )
        )
        return
    sha = import_check.file_checksum(content)
    seen = queries.import_seen(engine, sha)
    if not seen.empty:
        st.info(f"This exact file was imported before ({seen.iloc[0]['imported_at']:%d/%m/%Y}).")
    if st.button(
        f"Import {len(report.new_links)} new link(s)",
        type="primary",
        key="register_import",
        disabled=not report.new_links,
    ):
        bar = st.progress(0.0, text="Importing…")
        added = import_check.commit_import(
            engine,
            report,
            user,
            known_urns=known_urns,
            file_name=upload.name,
            file_sha256=sha,
            progress=lambda done, total: bar.progress(done / total),
        )
        # Rerun at once, so every table and download on the page shows the new register.
        flash(f"{added} link(s) imported.", current_tab())
