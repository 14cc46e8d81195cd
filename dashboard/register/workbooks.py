"""Read the cells of an Excel workbook exactly: every sheet's name, one sheet's cells as text.

openpyxl's read-only mode streams rows, so reading stops at the row limit
without loading the whole workbook. Formula cells are read from the values
Excel saved with them; a formula without a saved value is refused by cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from dashboard import config
from dashboard.register.read_limits import ReadWatch
from dashboard.register.spreadsheet_formats import Grid, ImportFileError, column_letter

_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_sheet_names(content: bytes, file_name: str) -> list[tuple[str, bool]]:
    """Every worksheet of a workbook, in order, with whether it is hidden.

    Raises
    ------
    ImportFileError
        If the workbook cannot be opened.
    """
    workbook = _open_workbook(content, file_name, data_only=True)
    try:
        return [(ws.title, ws.sheet_state != "visible") for ws in workbook.worksheets]
    finally:
        workbook.close()


def read_excel_grid(
    content: bytes, file_name: str, sheet: str, max_rows: int, watch: ReadWatch | None = None
) -> Grid:
    """Read one worksheet's cells as text, exactly; formula cells need their stored values.

    Parameters
    ----------
    content : bytes
        The workbook (.xlsx).
    file_name, sheet : str
        For messages; the sheet to read.
    max_rows : int
        Reading stops after this many rows.
    watch : ReadWatch or None
        Counts rows and cells and stops reading at the time budget or the cell cap.

    Returns
    -------
    Grid
        Numbers as written in the file, dates as ``yyyy-mm-dd``; each Excel error
        value or formula without a stored value is a problem of its row.
    """
    grid = Grid(label=f"sheet '{sheet}'", rows=[], lines=[], is_excel=True)
    formulas = (
        _formula_cells(content, file_name, sheet, max_rows, watch) if _has_formulas(content) else {}
    )
    workbook = _open_workbook(content, file_name, data_only=True)
    try:
        ws = workbook[sheet]
        ws.reset_dimensions()  # some programs write a wrong size; read what is there
        for number, cells in enumerate(_rows(ws, max_rows + 1), start=1):
            if number > max_rows:
                grid.truncated = True
                break
            index = len(grid.rows)
            grid.rows.append(
                [_excel_text(grid, index, col, cell, formulas, number) for col, cell in cells]
            )
            grid.lines.append(number)
            if watch is not None:
                watch.count(len(cells), number)
    finally:
        workbook.close()
    refused = {ref for problems in grid.cell_problems.values() for ref in problems}
    formula_refs = [
        (r, c)
        for r, c in sorted(formulas)
        if not any(p.startswith(f"cell {column_letter(c)}{r} ") for p in refused)
    ]
    if formula_refs:
        shown = ", ".join(f"{column_letter(c)}{r}" for r, c in formula_refs[:10])
        more = f" and {len(formula_refs) - 10} more" if len(formula_refs) > 10 else ""
        grid.notes.append(
            f"Cells {shown}{more} of {grid.label} hold formulas: the values Excel last "
            "calculated and saved were read."
        )
    return grid


def _rows(ws: object, limit: int) -> Iterator[list[tuple[int, object]]]:
    for cells in ws.iter_rows(min_row=1, max_row=limit):  # type: ignore[attr-defined]
        yield list(enumerate(cells))


def _excel_text(
    grid: Grid,
    index: int,
    col: int,
    cell: object,
    formulas: dict[tuple[int, int], str],
    row_number: int,
) -> str:
    value = getattr(cell, "value", None)
    ref = f"{column_letter(col)}{row_number}"
    formula = formulas.get((row_number, col))
    if formula is not None:
        grid.cell_kinds[(index, col)] = "formula"
        if value is None or value == "":
            grid.cell_problems.setdefault(index, []).append(
                f"cell {ref} holds the formula {formula} but no value saved with it (the "
                "workbook was written by a program that does not calculate); open it in "
                "Excel, let it calculate, save, and upload it again"
            )
            return ""
    if value is None:
        return ""
    if getattr(cell, "data_type", None) == "e":
        grid.cell_problems.setdefault(index, []).append(
            f"cell {ref} shows the Excel error {value}; correct the cell or its formula"
        )
        return ""
    if isinstance(value, str):
        if "_x" in value:  # Excel writes characters XML cannot hold (a CR) as _x000D_
            decoded = _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
            if decoded != value:
                grid.cell_kinds[(index, col)] = "escaped"
                return decoded
        return value
    kind, text = _typed_text(value)
    grid.cell_kinds.setdefault((index, col), kind)
    return text


def _typed_text(value: object) -> tuple[str, str]:
    if isinstance(value, bool):
        return "bool", "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return "number", str(value)
    if isinstance(value, float):
        return "number", repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return "date", value.date().isoformat()
        return "date", value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return "date", value.isoformat()
    if isinstance(value, timedelta):
        return "number", str(value)
    return "number", str(value)


def _refuse_oversized_sheets(content: bytes, file_name: str) -> None:
    """Refuse a workbook whose sheets unzip to more than the limit, before parsing any."""
    limit = config.IMPORT_MAX_SHEET_XML_BYTES
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            # zipfile stops reading a member at its stated size, so the size cannot lie.
            if info.filename.startswith("xl/worksheets/") and info.file_size > limit:
                raise ImportFileError(
                    f"{file_name} is {len(content) / 1e6:.1f} MB but one of its sheets unpacks "
                    f"to {info.file_size / 1e6:,.0f} MB, far more than "
                    f"{config.IMPORT_MAX_ROWS:,} rows of links take (at most "
                    f"{limit / 1e6:.0f} MB). Nothing was read. Split it into smaller files."
                )


def _open_workbook(content: bytes, file_name: str, *, data_only: bool) -> object:
    import openpyxl  # imported here: only Excel uploads need it

    _refuse_oversized_sheets(content, file_name)

    try:
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ImportFileError(
            f"{file_name} could not be opened as an Excel workbook ({type(exc).__name__}). "
            "Open it in Excel, save it again as .xlsx, and upload the new copy."
        ) from exc


def _has_formulas(content: bytes) -> bool:
    """Whether any worksheet holds a formula (an ``<f>`` element), without parsing cells."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as part:
                    while chunk := part.read(1 << 20):
                        if b"<f>" in chunk or b"<f " in chunk or b":f>" in chunk:
                            return True
    return False


def _formula_cells(
    content: bytes, file_name: str, sheet: str, max_rows: int, watch: ReadWatch | None
) -> dict[tuple[int, int], str]:
    """(row number, column index) -> formula text, for every formula cell of a sheet."""
    workbook = _open_workbook(content, file_name, data_only=False)
    found: dict[tuple[int, int], str] = {}
    try:
        ws = workbook[sheet]
        ws.reset_dimensions()
        for number, cells in enumerate(_rows(ws, max_rows), start=1):
            if watch is not None and number % config.IMPORT_CHUNK_ROWS == 0:
                watch.check(number)  # a first pass over the sheet: the budget counts it too
            for col, cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    found[(number, col)] = str(cell.value)
    finally:
        workbook.close()
    return found
