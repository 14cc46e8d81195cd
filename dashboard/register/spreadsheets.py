"""Read a council's spreadsheet of links (CSV or Excel) into text cells, and map its columns.

Every sheet of a workbook is looked at; the headings are found even below title
lines; every row keeps its physical line in the file for messages. Nothing here
writes to the register: :mod:`dashboard.register.import_check` checks every row
and commits a file with no problems in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from dashboard import config
from dashboard.register import spreadsheet_formats as formats
from dashboard.register import workbooks
from dashboard.register.column_mapping import (
    FIELD_LABELS,
    FIELDS,
    REQUIRED_FIELDS,
    guess_mapping,
    how_matched,
)
from dashboard.register.read_limits import ReadWatch
from dashboard.register.spreadsheet_formats import ImportFileError, column_letter

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "REQUIRED_FIELDS",
    "ImportFileError",
    "LinksFile",
    "SheetChoiceError",
    "guess_mapping",
    "how_matched",
]
_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars (|)"}


class SheetChoiceError(ImportFileError):
    """Several sheets hold link columns: the officer chooses one (``sheets``)."""

    def __init__(self, message: str, sheets: list[str]) -> None:
        super().__init__(message)
        self.sheets = sheets


@dataclass
class LinksFile:
    """An uploaded file read into text cells, with everything needed for exact messages.

    ``frame`` has one column per heading (unique names) and one row per
    non-blank data row; empty cells are ``""``. ``lines[i]`` is row ``i``'s
    physical line in the file (Excel: its row number). ``row_problems`` holds
    what made a row unreadable (ragged rows, Excel errors); ``cell_kinds``
    marks cells that were numbers, dates or formulas in Excel.
    """

    file_name: str
    frame: pd.DataFrame
    lines: list[int]
    header_line: int
    source: str
    is_excel: bool = False
    sheet: str | None = None
    row_problems: dict[int, list[str]] = field(default_factory=dict)
    cell_kinds: dict[tuple[int, str], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read_links_file(
    content: bytes,
    file_name: str,
    *,
    sheet: str | None = None,
    between_chunks: Callable[[int], None] | None = None,
) -> LinksFile:
    """Read an uploaded CSV or Excel file into text cells, exactly as written.

    Parameters
    ----------
    content : bytes
        The uploaded file.
    file_name : str
        Its name, for messages.
    sheet : str or None
        The worksheet to read; by default the one with link columns.
    between_chunks : callable or None
        Called with the rows read so far between chunks of rows (see
        :class:`dashboard.register.read_limits.ReadWatch`); raising there stops reading.

    Returns
    -------
    LinksFile

    Raises
    ------
    SheetChoiceError
        When several sheets hold link columns and ``sheet`` is not given.
    ImportFileError
        For a file that cannot be used as a whole, with what to do about it; also
        when reading stops at the row or cell cap or the time budget.
    """
    limit = config.IMPORT_MAX_ROWS + config.IMPORT_HEADER_SEARCH_LINES + 1
    watch = ReadWatch(file_name, between_chunks)
    if formats.identify(content, file_name) == "excel":
        grid, notes, sheet = _choose_sheet(content, file_name, sheet, limit, watch)
        if not file_name.lower().endswith((".xlsx", ".xlsm")):
            notes.insert(
                0,
                f"{file_name} is an Excel workbook although its name does not end in .xlsx; "
                "it was read as Excel.",
            )
    else:
        text, notes = formats.decode_text(content, file_name)
        delimiter = _sniff_delimiter(text)
        if delimiter != ",":
            notes.append(f"Values in {file_name} are separated by {_DELIMITERS[delimiter]}.")
        grid = formats.read_csv_grid(text, delimiter, limit, label=file_name, watch=watch)
    return _links_file(grid, file_name, notes, sheet)


def _score(cells: list[str]) -> int:
    """How many fields a row's cells would map to if it were the heading row."""
    headings = [c.strip() for c in cells if c.strip()]
    return sum(column is not None for column in guess_mapping(headings).values())


def _header_index(rows: list[list[str]]) -> int:
    """The heading row: the first of the top rows that maps the most fields."""
    top = rows[: config.IMPORT_HEADER_SEARCH_LINES]
    scores = [_score(row) for row in top]
    if scores and max(scores) > 0:
        return scores.index(max(scores))
    return next((i for i, row in enumerate(top) if any(c.strip() for c in row)), 0)


def _sniff_delimiter(text: str) -> str:
    """The separator whose heading row maps the most fields (commas when nothing maps)."""
    best, best_key = ",", (-1, -1)
    for delimiter in _DELIMITERS:
        head = formats.read_csv_grid(
            text, delimiter, config.IMPORT_HEADER_SEARCH_LINES, tolerant=True
        )
        scores = [_score(row) for row in head.rows] or [0]
        widths = [len(row) for row in head.rows if row]
        key = (max(scores), max(widths, default=0) if max(scores) == 0 else 0)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _choose_sheet(
    content: bytes, file_name: str, sheet: str | None, limit: int, watch: ReadWatch
) -> tuple[formats.Grid, list[str], str]:
    names = workbooks.excel_sheet_names(content, file_name)
    if sheet is not None and sheet not in [n for n, _ in names]:
        raise ImportFileError(f"{file_name} has no sheet called '{sheet}'.")
    scores: dict[str, int] = {}
    for name, _hidden in names:
        head = workbooks.read_excel_grid(
            content, file_name, name, config.IMPORT_HEADER_SEARCH_LINES
        )
        scores[name] = max([_score(row) for row in head.rows] or [0])
    with_links = [n for n, _ in names if scores[n] >= 2]
    if sheet is None:
        if len(with_links) > 1:
            raise SheetChoiceError(
                f"{file_name} has link columns on {len(with_links)} sheets "
                f"({', '.join(repr(n) for n in with_links)}): choose the sheet to import.",
                with_links,
            )
        non_empty = [n for n, _ in names if scores[n] > 0] or [names[0][0]]
        sheet = with_links[0] if with_links else non_empty[0]
    notes = []
    skipped = [n for n, _ in names if n != sheet]
    if skipped:
        hidden = {n for n, h in names if h}
        shown = ", ".join(f"'{n}'" + (" (hidden)" if n in hidden else "") for n in skipped)
        notes.append(f"Only sheet '{sheet}' was read; sheet(s) {shown} were not imported.")
    grid = workbooks.read_excel_grid(content, file_name, sheet, limit, watch)
    return grid, [*notes, *grid.notes], sheet


def _links_file(
    grid: formats.Grid, file_name: str, notes: list[str], sheet: str | None
) -> LinksFile:
    if not any(any(c.strip() for c in row) for row in grid.rows):
        raise ImportFileError(f"{file_name} is empty: there is nothing to import.")
    header = _header_index(grid.rows)
    headings = _headings(grid, header, file_name)
    header_line = grid.lines[header]
    above = [i for i in range(header) if any(c.strip() for c in grid.rows[i])]
    if above:
        first = next(c for c in grid.rows[above[0]] if c.strip()).strip()
        skipped = formats.join_lines([grid.lines[i] for i in above])
        notes.append(
            f"The headings are on line {header_line}; line(s) {skipped} above them "
            f"(e.g. '{first[:60]}') were not imported."
        )
    width = len(headings)
    records: list[list[str]] = []
    lines: list[int] = []
    problems: dict[int, list[str]] = {}
    position_of: dict[int, int] = {}
    blank: list[int] = []
    for index in range(header + 1, len(grid.rows)):
        row = grid.rows[index]
        if index not in grid.cell_problems and not any(row):
            blank.append(grid.lines[index])
            continue
        position = len(records)
        found = list(grid.cell_problems.get(index, []))
        if index not in grid.cell_problems:
            found += _shape_problems(row, width, grid.is_excel)
        if found:
            problems[position] = found
        position_of[index] = position
        records.append((row + [""] * width)[:width])
        lines.append(grid.lines[index])
    if grid.truncated or len(records) > config.IMPORT_MAX_ROWS:
        raise ImportFileError(
            f"{file_name} has more than {config.IMPORT_MAX_ROWS:,} rows of links; reading "
            f"stopped at line {grid.lines[-1]:,} and nothing was imported. Split it into "
            "smaller files."
        )
    if not records:
        raise ImportFileError(f"{file_name} has column headings but no rows of links.")
    kinds = {
        (position_of[index], headings[col]): kind
        for (index, col), kind in grid.cell_kinds.items()
        if col < width and index in position_of
    }
    if blank:
        notes.append(f"Blank line(s) {formats.join_lines(blank)} were skipped.")
    frame = pd.DataFrame(records, columns=headings, dtype=object)
    return LinksFile(
        file_name=file_name,
        frame=frame,
        lines=lines,
        header_line=header_line,
        source=grid.label,
        is_excel=grid.is_excel,
        sheet=sheet,
        row_problems=problems,
        cell_kinds=kinds,
        notes=notes,
    )


def _headings(grid: formats.Grid, header: int, file_name: str) -> list[str]:
    """Unique column names from the heading row; columns without a heading get one."""
    cells = [c.strip() for c in grid.rows[header]]
    width = max((i + 1 for i, c in enumerate(cells) if c), default=0)
    names = [c or f"(column {column_letter(i)}, no heading)" for i, c in enumerate(cells[:width])]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise ImportFileError(
                f"{file_name}: two columns have the heading '{name}' (columns "
                f"{column_letter(seen[name])} and {column_letter(i)} on line "
                f"{grid.lines[header]}). Rename one, so it is clear which to import."
            )
        seen[name] = i
    return names


def _shape_problems(row: list[str], width: int, is_excel: bool) -> list[str]:
    extra = [(i, c) for i, c in enumerate(row[width:], start=width) if c.strip()]
    if extra:
        i, value = extra[0]
        return [
            f"this row has a value after the last heading (column {column_letter(i)}: "
            f"'{value[:40]}'), so its values do not line up with the headings; remove it, "
            "or give that column a heading"
        ]
    if not is_excel and len(row) < width:
        return [
            f"this row has {len(row)} values but there are {width} headings: a separator is "
            "missing or a value was lost, so its values cannot be matched to their columns"
        ]
    return []


def template_csv() -> bytes:
    """A blank CSV with our column headings and one example row, for officers to fill in.

    Returns
    -------
    bytes
        UTF-8 CSV (with a byte-order mark, so Excel opens it as UTF-8).
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
