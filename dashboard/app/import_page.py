"""The register page's import wizard: upload, map columns, check every row, commit all or none."""

from __future__ import annotations

from collections.abc import Container

import pandas as pd
import sqlalchemy as sa
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import config
from dashboard.app.register_page import current_tab
from dashboard.app.text import md_escape
from dashboard.app.widgets import NUMBER, csv_download, flash
from dashboard.register import auth, import_check, queries, spreadsheets
from dashboard.register.auth import User
from dashboard.register.model import RegisterError
from dashboard.register.urn_facts import UrnFacts

DATE_FORMS = ", ".join(name for _, name in config.IMPORT_DATE_FORMATS)
INTRO = (
    "Upload the council's spreadsheet of links (CSV or Excel). Nothing is saved until every "
    "row passes the checks; links already in the register are skipped. Notes and partner "
    "names are stored exactly as written. URNs, link types, mode, status and dates may be "
    "read from a usual variant (for example 'Live' as active), and every such reading is "
    f"listed before you import. Dates are read day first, as in the UK ({DATE_FORMS}); "
    "the preview shows each date in words (2 September 2024), so a swapped day and month "
    f"shows. Up to {config.IMPORT_MAX_ROWS:,} links and "
    f"{config.IMPORT_MAX_FILE_BYTES / 1e6:.0f} MB per file."
)
REPORT_COLUMNS = {
    "line": NUMBER("Line in file", format="%d"),
    "result": "Result",
    "message": st.column_config.TextColumn("What the check found", width="large"),
    "school_urn": "School URN",
    "partner_urn": "Partner URN",
    "partner_name": "Partner abroad",
    "partner_country": "Country",
    "link_types": "Types",
    "mode": "Mode",
    "status": "Status",
    "start_date": "Start (as read)",
    "end_date": "End (as read)",
    "meetings_this_year": "Meetings",
    "notes": "Notes",
}


def import_wizard(
    engine: sa.Engine,
    user: User,
    links_df: pd.DataFrame,
    known_urns: Container[int],
    urn_facts: UrnFacts,
) -> None:
    """Upload → choose the sheet → map columns → check every row → add all new links, or none."""
    st.markdown(INTRO)
    st.download_button(
        "Download a blank template (CSV)",
        spreadsheets.template_csv(),
        file_name="link_register_template.csv",
        mime="text/csv",
        key="register_template",
    )
    upload = st.file_uploader(
        "Spreadsheet", type=["csv", "txt", "tsv", "xlsx", "xlsm", "xls"], key="register_upload"
    )
    if upload is None:
        return
    content = upload.getvalue()
    links_file = _read(content, upload.name)
    if links_file is None:
        return
    where = f" ({md_escape(links_file.source)})" if links_file.is_excel else ""
    st.markdown(f"**{len(links_file.frame):,} rows{where}.** Which column holds each item?")
    mapping = _mapping_widgets(list(links_file.frame.columns))
    report = _check(engine, links_file, mapping, known_urns, links_df, urn_facts, content)
    if report is None:
        return
    _show_report(report)
    if not report.ok:
        return
    _commit(engine, user, report, known_urns, upload.name, content)


def _read(content: bytes, file_name: str) -> spreadsheets.LinksFile | None:
    """Read the upload; when several sheets hold links, the officer picks one."""
    status = st.empty()
    try:
        return _read_sheet(content, file_name, None, status)
    except spreadsheets.SheetChoiceError as exc:
        st.info(md_escape(str(exc)))
        sheet = st.selectbox("Sheet to import", exc.sheets, key="register_sheet")
        try:
            return _read_sheet(content, file_name, sheet, status)
        except spreadsheets.ImportFileError as again:
            st.error(md_escape(str(again)))
    except spreadsheets.ImportFileError as exc:
        st.error(md_escape(str(exc)))
    finally:
        status.empty()
    return None


def _read_sheet(
    content: bytes, file_name: str, sheet: str | None, status: DeltaGenerator
) -> spreadsheets.LinksFile:
    def between_chunks(rows: int) -> None:
        # A page update between chunks is where Streamlit stops this run when the
        # officer's tab has closed or they moved on, so the server stops reading too.
        status.caption(f"Reading {md_escape(file_name)}: {rows:,} rows so far…")

    return spreadsheets.read_links_file(
        content, file_name, sheet=sheet, between_chunks=between_chunks
    )


def _mapping_widgets(columns: list[str]) -> dict[str, str | None]:
    guess = spreadsheets.guess_mapping(columns)
    choices: list[str | None] = [None, *columns]
    mapping: dict[str, str | None] = {}
    boxes = st.columns(3)
    for number, name in enumerate(spreadsheets.FIELDS):
        key = f"register_map_{name}"
        if st.session_state.get(key) not in choices:  # a new file with other headings
            st.session_state.pop(key, None)
        mapping[name] = boxes[number % 3].selectbox(
            spreadsheets.FIELD_LABELS[name],
            choices,
            key=key,
            index=choices.index(guess[name]) if guess[name] in choices else 0,
            format_func=lambda c: "— not in the file —" if c is None else str(c),
        )
    return mapping


def _check(
    engine: sa.Engine,
    links_file: spreadsheets.LinksFile,
    mapping: dict[str, str | None],
    known_urns: Container[int],
    links_df: pd.DataFrame,
    urn_facts: UrnFacts,
    content: bytes,
) -> import_check.ImportReport | None:
    """Check every row (once per file, mapping and register state) with a progress bar."""
    key = (
        import_check.file_checksum(content),
        links_file.sheet,
        tuple(mapping.items()),
        len(links_df),
        int(links_df["version"].sum()) if len(links_df) else 0,
    )
    cached = st.session_state.get("register_import_report")
    if cached is not None and cached[0] == key:
        return cached[1]
    bar = st.progress(0.0, text="Checking every row…")
    try:
        report = import_check.validate_import(
            links_file,
            mapping,
            known_urns,
            links_df,
            urn_facts=urn_facts,
            progress=lambda done, total: bar.progress(
                done / max(total, 1), text=f"Checked {done:,} of {total:,} rows"
            ),
        )
    except spreadsheets.ImportFileError as exc:
        bar.empty()
        st.error(md_escape(str(exc)))
        return None
    bar.empty()
    st.session_state["register_import_report"] = (key, report)
    return report


def _show_report(report: import_check.ImportReport) -> None:
    with st.expander("How the columns are read", expanded=True):
        st.dataframe(
            report.mapping_df,
            hide_index=True,
            width="stretch",
            key="register_mapping",
            column_config={"field": "Field", "column": "Column in the file", "how": "Matched by"},
        )
    for note in report.notes:
        st.warning(md_escape(note))
    counts = report.rows["result"].value_counts()
    st.markdown(
        f"**Check:** {counts.get('new', 0):,} new, {counts.get('already recorded', 0):,} "
        f"already in the register, {counts.get('error', 0):,} with problems."
    )
    if report.normalisations:
        st.markdown(
            "**Read differently from the file** — check these before importing:\n"
            + "\n".join(f"* {md_escape(line)}" for line in report.normalisations)
        )
    shown_rows = report.rows.copy()
    for name in spreadsheets.FIELDS:  # read values and refused text mix types: show as text
        shown_rows[name] = shown_rows[name].map(lambda v: "" if v is None else str(v))
    st.dataframe(
        shown_rows,
        hide_index=True,
        width="stretch",
        key="register_report",
        column_config=REPORT_COLUMNS,
    )
    if report.ok:
        return
    errors = report.errors
    st.error(
        f"{len(errors):,} row(s) have problems: nothing will be imported until they are "
        "fixed. Correct them in the spreadsheet and upload it again."
    )
    # The same problems as plain text, so long messages are never cut off in the grid.
    limit = config.IMPORT_PROBLEMS_LISTED
    shown = errors.head(limit)
    st.markdown(
        "\n".join(
            f"* Line {row.line}: {md_escape(row.message)}" for row in shown.itertuples(index=False)
        )
        + (
            f"\n\n…and {len(errors) - limit:,} more in the table above."
            if len(errors) > limit
            else ""
        )
    )
    csv_download(
        "Download every problem (CSV)",
        errors[["line", "message"]],
        file_name="import_problems.csv",
        key="register_problems_csv",
    )


def _commit(
    engine: sa.Engine,
    user: User,
    report: import_check.ImportReport,
    known_urns: Container[int],
    file_name: str,
    content: bytes,
) -> None:
    sha = import_check.file_checksum(content)
    seen = queries.import_seen(engine, sha)
    if not seen.empty:
        st.info(f"This exact file was imported before ({seen.iloc[0]['imported_at']:%d/%m/%Y}).")
    new = len(report.new_links)
    pending_key = f"register_import_confirm_{sha}"
    if not st.session_state.get(pending_key):
        if st.button(
            f"Import {new:,} new link(s)", type="primary", key="register_import", disabled=not new
        ):
            st.session_state[pending_key] = True
            st.rerun()
        return
    st.warning(f"Add {new:,} new link(s) from {md_escape(file_name)} to the register?")
    yes, no = st.columns(2)
    if no.button("Cancel", key="register_import_cancel"):
        st.session_state.pop(pending_key, None)
        st.rerun()
    if not yes.button(f"Yes, import {new:,}", type="primary", key="register_import_yes"):
        return
    st.session_state.pop(pending_key, None)
    bar = st.progress(0.0, text="Importing…")
    try:
        added = import_check.commit_import(
            engine,
            report,
            user,
            known_urns=known_urns,
            file_name=file_name,
            file_sha256=sha,
            progress=lambda done, total: bar.progress(
                done / total, text=f"Saved {done:,} of {total:,} links"
            ),
        )
    except (RegisterError, auth.PermissionDeniedError) as exc:
        # Found only while saving (e.g. another officer added the same pair meanwhile).
        bar.empty()
        st.error(f"Nothing was imported: {md_escape(str(exc))}")
        return
    st.session_state.pop("register_import_report", None)
    # Rerun at once, so every table and download on the page shows the new register.
    flash(f"{added:,} link(s) imported.", current_tab())
