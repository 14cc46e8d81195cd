"""Read a council's spreadsheet of links (CSV or Excel) into text cells, and map its columns.

Nothing here writes to the register: :mod:`dashboard.register.import_check`
checks every row and commits a file with no problems in one transaction.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from dashboard.register.model import EDITABLE_FIELDS

MAX_FILE_BYTES = 5_000_000
MAX_ROWS = 5_000
FIELDS = EDITABLE_FIELDS
REQUIRED_FIELDS = ("school_urn", "link_types", "status")
FIELD_LABELS = {
    "school_urn": "School URN",
    "partner_urn": "Partner school URN (England)",
    "partner_name": "Partner school abroad: name",
    "partner_country": "Partner school abroad: country",
    "link_types": "Link type(s)",
    "mode": "Mode (in person / virtual / both)",
    "status": "Status (proposed / active / ended)",
    "start_date": "Start date",
    "end_date": "End date",
    "meetings_this_year": "Meetings this school year",
    "notes": "Notes",
}
# Header spellings seen in council spreadsheets -> our field.
_SYNONYMS = {
    "school_urn": ("school urn", "urn", "school 1 urn", "urn 1", "school a urn", "home school urn"),
    "partner_urn": (
        "partner urn",
        "partner school urn",
        "urn 2",
        "school 2 urn",
        "school b urn",
        "linked school urn",
    ),
    "partner_name": (
        "partner name",
        "partner school abroad",
        "overseas school",
        "partner school name",
    ),
    "partner_country": ("partner country", "country"),
    "link_types": ("link types", "link type", "type", "types", "contrast"),
    "mode": ("mode", "how", "format", "delivery"),
    "status": ("status", "state"),
    "start_date": ("start date", "start", "started", "date started"),
    "end_date": ("end date", "end", "ended", "date ended"),
    "meetings_this_year": ("meetings this year", "meetings", "number of meetings", "visits"),
    "notes": ("notes", "comments", "note", "comment"),
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


def read_links_file(content: bytes, file_name: str) -> tuple[pd.DataFrame, list[str]]:
    """Read an uploaded CSV or Excel file into text cells.

    Parameters
    ----------
    content : bytes
        The uploaded file.
    file_name : str
        Its name (used for messages and to tell CSV from Excel).

    Returns
    -------
    tuple
        ``(frame, notes)``: every cell as text (empty cells missing), and notes
        for the user (e.g. an Excel file that was named ``.csv``).

    Raises
    ------
    ImportFileError
        For an empty, oversized, unreadable or wrongly encoded file.
    """
    notes: list[str] = []
    if not content or not content.strip():
        raise ImportFileError(f"{file_name} is empty: there is nothing to import.")
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"{file_name} is {len(content) / 1e6:.1f} MB; the most one import can take is "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB. Split it into smaller files."
        )
    lower = file_name.lower()
    if content[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportFileError(
            f"{file_name} is an old Excel 97-2003 (.xls) workbook. Save it as .xlsx or as CSV "
            "and upload it again."
        )
    if content[:4] == b"PK\x03\x04":
        if not lower.endswith((".xlsx", ".xlsm")):
            notes.append(
                f"{file_name} is an Excel workbook although its name does not end in .xlsx; "
                "it was read as Excel."
            )
        try:
            frame = pd.read_excel(io.BytesIO(content), dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise ImportFileError(
                f"{file_name} could not be read as an Excel workbook ({exc})."
            ) from exc
    else:
        if lower.endswith((".xlsx", ".xlsm")):
            raise ImportFileError(f"{file_name} is named like an Excel file but is not one.")
        frame = _read_csv_text(content, file_name)
    frame = frame.dropna(how="all")
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise ImportFileError(f"{file_name} has column headings but no rows of links.")
    if len(frame) > MAX_ROWS:
        raise ImportFileError(
            f"{file_name} has {len(frame):,} rows; the most one import can take is "
            f"{MAX_ROWS:,} (rows {MAX_ROWS + 2:,} onwards were not read). A council's register "
            "is far smaller: check it is the right file, or split it."
        )
    return frame.map(lambda v: v.strip() if isinstance(v, str) else v), notes


def _read_csv_text(content: bytes, file_name: str) -> pd.DataFrame:
    """Decode CSV text (UTF-8, UTF-16 or Windows-1252) and parse it."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = content.decode("utf-16")
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"{file_name}: the text is not in a known encoding (UTF-8, UTF-16 or "
                    "Windows-1252). In Excel, use Save As > CSV UTF-8."
                ) from exc
    if "\x00" in text:
        raise ImportFileError(f"{file_name} is not a text file; upload a CSV or Excel file.")
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python"
        ).replace("", pd.NA)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as exc:
        raise ImportFileError(f"{file_name} could not be read as CSV ({exc}).") from exc


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def guess_mapping(columns: list[str]) -> dict[str, str | None]:
    """Guess which of the file's columns holds each field.

    Parameters
    ----------
    columns : list of str
        The file's headings.

    Returns
    -------
    dict
        Field -> column name, or None when no heading matches.

    Examples
    --------
    >>> guess_mapping(["URN", "Partner URN", "Type", "Status"])["partner_urn"]
    'Partner URN'
    """
    normalised = {_norm(c): c for c in columns}
    mapping: dict[str, str | None] = {}
    for name in FIELDS:
        candidates = (_norm(name.replace("_", " ")), *(_norm(s) for s in _SYNONYMS[name]))
        mapping[name] = next((normalised[c] for c in candidates if c in normalised), None)
    return mapping


def template_csv() -> bytes:
    """A blank CSV with our column headings and one example row, for officers to fill in.

    Returns
    -------
    bytes
        UTF-8 CSV.
    """
    example = {
        "school_urn": "136925",
        "partner_urn": "",
        "partner_name": "Example school abroad",
        "partner_country": "Zambia",
        "link_types": "international",
        "mode": "virtual",
        "status": "proposed",
        "start_date": "01/09/2026",
        "end_date": "",
        "meetings_this_year": "0",
        "notes": "Example row: replace or delete",
    }
    return pd.DataFrame([example], columns=list(FIELDS)).to_csv(index=False).encode("utf-8-sig")
