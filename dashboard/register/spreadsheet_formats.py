"""Tell what an uploaded file is, decode its text, and split CSV into cells exactly.

Every cell comes back as the text in the file: nothing is trimmed, no type is
guessed, line breaks inside cells stay as they are. Reading stops at the limits
in :mod:`dashboard.config`, so a wrong file never fills memory. What a file is
*not* (a web page, a zip, a PDF ...) is said in one plain message. Excel
workbooks are read by :mod:`dashboard.register.workbooks`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dashboard import config

if TYPE_CHECKING:  # read_limits imports ImportFileError from here
    from dashboard.register.read_limits import ReadWatch


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


SAVE_AS_CSV = "In Excel, use File > Save As > CSV UTF-8 (comma delimited), then upload that file."
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A valid UTF-8 sequence of two to four bytes (used to spot files that mix encodings).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass
class Grid:
    """The cells of one CSV file or one worksheet as text, with where each row starts.

    ``lines`` holds each row's physical line in the file (the heading line is
    counted, blank lines too) or, for Excel, its row number in the sheet.
    ``cell_kinds`` marks cells that were not text in Excel (``number``, ``date``,
    ``bool``, ``formula``), keyed by (row index, column index).
    """

    label: str
    rows: list[list[str]]
    lines: list[int]
    is_excel: bool = False
    cell_problems: dict[int, list[str]] = field(default_factory=dict)
    cell_kinds: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    truncated: bool = False


def line_of(text: str, index: int) -> int:
    r"""Physical line (from 1) of a character position; CR, LF and CRLF all end a line.

    Examples
    --------
    >>> line_of("a\rb\r\nc", 5)
    3
    """
    return len(_LINE_BREAK.findall(text, 0, index)) + 1


def column_letter(index: int) -> str:
    """Excel's letter for a column index from 0.

    Examples
    --------
    >>> column_letter(0), column_letter(27)
    ('A', 'AB')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def join_lines(lines: list[int]) -> str:
    """Line numbers as short ranges, e.g. "2-4, 7", cut after a few with "and N more".

    Examples
    --------
    >>> join_lines([2, 3, 4, 7])
    '2-4, 7'
    """
    ranges: list[list[int]] = []
    for line in lines:
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges]
    limit = config.IMPORT_LINES_SHOWN
    if len(parts) > limit:
        rest = sum(b - a + 1 for a, b in ranges[limit:])
        return ", ".join(parts[:limit]) + f" and {rest:,} more"
    return ", ".join(parts)


def identify(content: bytes, file_name: str) -> str:
    """Say whether the upload is an Excel workbook or text; refuse anything else in plain words.

    Parameters
    ----------
    content : bytes
        The uploaded file.
    file_name : str
        Its name, for messages.

    Returns
    -------
    str
        ``"excel"`` or ``"text"``.

    Raises
    ------
    ImportFileError
        For an empty or oversized file, an old or protected workbook, a zip,
        OpenDocument, Word or PDF file.
    """
    if not content or not content.strip():
        raise ImportFileError(f"{file_name} is empty: there is nothing to import.")
    if len(content) > config.IMPORT_MAX_FILE_BYTES:
        raise ImportFileError(
            f"{file_name} is {len(content) / 1e6:.1f} MB; the most one import can take is "
            f"{config.IMPORT_MAX_FILE_BYTES / 1e6:.0f} MB. Split it into smaller files."
        )
    if content[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportFileError(
            f"{file_name} is an old Excel 97-2003 (.xls) workbook, or a workbook protected "
            "by a password. Remove any password, save it as .xlsx or as CSV UTF-8, and upload "
            "it again."
        )
    if content[:5] == b"%PDF-":
        raise ImportFileError(
            f"{file_name} is a PDF document, not a spreadsheet. Export the register from the "
            "spreadsheet itself as CSV or Excel."
        )
    if content[:4] == b"PK\x03\x04":
        return _identify_zip(content, file_name)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(
            f"{file_name} is named like an Excel workbook but is not one (it holds plain "
            f"text or is damaged). {SAVE_AS_CSV}"
        )
    return "text"


def _identify_zip(content: bytes, file_name: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    except zipfile.BadZipFile as exc:
        raise ImportFileError(
            f"{file_name} is a damaged Excel or zip file and cannot be opened. Open it in "
            "Excel, save it again, and upload the new copy."
        ) from exc
    if "xl/workbook.xml" in names:
        return "excel"
    if "mimetype" in names and "content.xml" in names:
        raise ImportFileError(
            f"{file_name} is an OpenDocument file (LibreOffice or Google Sheets' .ods). Save "
            "it as .xlsx or as CSV UTF-8, and upload that."
        )
    if "word/document.xml" in names:
        raise ImportFileError(
            f"{file_name} is a Word document, not a spreadsheet. Put the links in a "
            "spreadsheet (one link a row) and upload that."
        )
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    raise ImportFileError(
        f"{file_name} is a zip archive (holding {shown}), not a spreadsheet. Unzip it and "
        "upload the spreadsheet inside."
    )


def decode_text(content: bytes, file_name: str) -> tuple[str, list[str]]:
    """Decode a text file as UTF-8 (with or without BOM), UTF-16 or Windows-1252.

    Any encoding other than UTF-8 is named in a note, with an example of its
    accented letters, so the officer can see they came through right.

    Parameters
    ----------
    content : bytes
        The file.
    file_name : str
        For messages.

    Returns
    -------
    tuple
        ``(text, notes)``.

    Raises
    ------
    ImportFileError
        For NUL bytes, mixed or unknown encodings, and files that are web pages,
        JSON, XML or rich text rather than a spreadsheet.
    """
    notes: list[str] = []
    text, encoding = _decode(content, file_name)
    if encoding != "UTF-8":
        notes.append(
            f"{file_name} is not in UTF-8; it was read as {encoding}. Check that accented "
            f"letters look right{_example_of_non_ascii(text)}; if not, save it as CSV UTF-8."
        )
    if "\x00" in text:
        line = line_of(text, text.index("\x00"))
        raise ImportFileError(
            f"{file_name} holds a NUL (zero) byte on line {line}: it is damaged or is not a "
            f"text file. {SAVE_AS_CSV}"
        )
    _refuse_non_spreadsheet_text(text, file_name)
    return text, notes


def _decode(content: bytes, file_name: str) -> tuple[str, str]:
    if content[:3] == b"\xef\xbb\xbf":
        content = content[3:]
    elif content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return content.decode("utf-16"), "UTF-16"
    else:
        sample = content[:4000]
        even, odd = sample[0::2], sample[1::2]
        # UTF-16 without a byte-order mark: every other byte of ASCII text is zero.
        for codec, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if len(sample) >= 8 and zeros.count(0) > 0.9 * len(zeros) and others.count(0) == 0:
                order = "little" if codec.endswith("le") else "big"
                try:
                    return content.decode(codec), f"UTF-16 ({order}-endian, no byte-order mark)"
                except UnicodeDecodeError as exc:
                    raise ImportFileError(
                        f"{file_name} looks like UTF-16 text but is damaged (byte "
                        f"{exc.start:,}). {SAVE_AS_CSV}"
                    ) from exc
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    line = content.count(b"\n", 0, bad_at) + 1
    if _UTF8_SEQUENCE.search(content):
        raise ImportFileError(
            f"{file_name} mixes text encodings: most of it is UTF-8, but byte "
            f"{content[bad_at]:#04x} on line {line} is not. Part of the file was pasted from "
            f"another program. {SAVE_AS_CSV}"
        )
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            f"{file_name}: the text is not in a known encoding (UTF-8, UTF-16 or "
            f"Windows-1252): byte {content[exc.start]:#04x} on line {line}. {SAVE_AS_CSV}"
        ) from exc


def _example_of_non_ascii(text: str) -> str:
    match = re.search(r"[^\x00-\x7f]", text)
    if match is None:
        return ""
    line = line_of(text, match.start())
    words = re.findall(r"\S*[^\x00-\x7f]\S*", text.splitlines()[line - 1])
    return f" (for example '{words[0][:40]}' on line {line})" if words else ""


def _refuse_non_spreadsheet_text(text: str, file_name: str) -> None:
    start = text.lstrip("\ufeff \t\r\n")[:2000].lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in start[:500]:
        raise ImportFileError(
            f"{file_name} is a web page (HTML), not a link register. This happens when a "
            "page is saved from the browser instead of the file it offers: download the "
            "spreadsheet itself, or open it in Excel and save it as CSV UTF-8."
        )
    if start.startswith("<?xml") or start.startswith("<"):
        what = (
            "an Excel 2003 XML spreadsheet"
            if "urn:schemas-microsoft-com:office:spreadsheet" in start
            else "an XML file"
        )
        raise ImportFileError(
            f"{file_name} is {what}, not a CSV or .xlsx file. Open it in Excel and save it "
            "as .xlsx or CSV UTF-8."
        )
    if start.startswith("{\\rtf"):
        raise ImportFileError(
            f"{file_name} is a rich-text (RTF) document, not a spreadsheet. {SAVE_AS_CSV}"
        )
    if start[:1] in ("{", "["):
        try:
            json.loads(text)
        except ValueError:
            return
        raise ImportFileError(
            f"{file_name} is a JSON data file, not a spreadsheet. Export the links as CSV "
            "(one link a row, headings on the first row) and upload that."
        )


def read_csv_grid(
    text: str,
    delimiter: str,
    max_rows: int,
    label: str = "the file",
    *,
    tolerant: bool = False,
    watch: ReadWatch | None = None,
) -> Grid:
    """Split CSV text into rows of cells, exactly as written, noting each row's line.

    Parameters
    ----------
    text : str
        Decoded file; LF, CRLF and CR line endings are all read.
    delimiter : str
        The separator between values.
    max_rows : int
        Reading stops after this many rows (``truncated`` is then set).
    label : str
        What to call the file in messages.
    tolerant : bool
        Stop quietly at a fault that ends reading (for a first look at the top rows).
    watch : ReadWatch or None
        Counts rows and cells and stops reading at the time budget or the cell cap.

    Returns
    -------
    Grid

    Raises
    ------
    ImportFileError
        For a quote that is never closed, a value longer than the cell limit, or
        (with ``watch``) too many values or too long a read.
    """
    grid = Grid(label=label, rows=[], lines=[])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous = 0
    while True:
        start = previous + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            try:
                _raise_or_note_csv_error(grid, exc, start, reader.line_num, label)
            except ImportFileError:
                if tolerant:
                    break
                raise
            row = None
        previous = reader.line_num
        if len(grid.rows) >= max_rows:
            grid.truncated = True
            break
        grid.rows.append(row if row is not None else [])
        grid.lines.append(start)
        if watch is not None:
            watch.count(len(grid.rows[-1]), start)
        if row is None:
            grid.cell_problems[len(grid.rows) - 1] = [_QUOTE_PROBLEM]
    return grid


_QUOTE_PROBLEM = (
    'a closing quote (") is followed by more text in the same value, so the row cannot be '
    'split into values exactly; put the whole value in quotes and write each " inside it twice'
)


def _raise_or_note_csv_error(grid: Grid, exc: csv.Error, start: int, end: int, label: str) -> None:
    message = str(exc)
    if "field larger than field limit" in message:
        raise ImportFileError(
            f"Line {start} of {label} holds a value longer than {csv.field_size_limit():,} "
            "characters. No link register needs a cell that long: either a document was "
            'pasted into a cell, or a quote (") opened there is never closed. Fix that line.'
        ) from exc
    if "unexpected end of data" in message:
        raise ImportFileError(
            f'A quote (") opened on line {start} of {label} is never closed, so everything '
            "after it would be read as one value. Close the quote, or remove it, and upload "
            "the file again."
        ) from exc
    if "expected after" not in message:  # a quoting fault is kept for that row; others are fatal
        raise ImportFileError(f"Line {start} of {label} cannot be read as CSV: {message}.") from exc
