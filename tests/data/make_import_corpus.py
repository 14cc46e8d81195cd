"""Write the corpus of council spreadsheets the importer must handle, with expected verdicts.

Run ``python tests/data/make_import_corpus.py`` from the repository root. It writes
one small file per defect class to ``tests/data/import_corpus/`` and
``cases.json``, which says for each file what the importer must do:

* ``accepted``: every row is ready to add; ``stored`` gives, for some lines, the
  text that must be stored byte for byte; ``notes`` and ``normalisations`` are
  phrases that must appear in what the officer is told;
* ``rows refused``: ``error_lines`` maps each bad line (physical line in the
  file, headings counted) to a phrase of its message; every other line is fine;
* ``refused``: the file as a whole is refused with ``message``;
* ``choose sheet``: several sheets hold links, the officer is asked (``sheets``).

The URNs are real (DfE register, 24 May 2025): Pershore High School 136925, Red
Hill CofE Primary 116859 and other open state schools; Ysgol Cae'r Gwenyn 400001
(Wales), City of London School for Girls 100001 (independent), Pield Heath House
102464 (non-maintained special), Carlton Primary 100012 (closed; replaced by
100021). Excel files are written with openpyxl and re-zipped with a fixed date,
so the output is the same on every run.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl

OUT = Path(__file__).resolve().parent / "import_corpus"
HEADER = [
    "School URN",
    "Partner URN",
    "Partner school abroad",
    "Country",
    "Type",
    "Mode",
    "Status",
    "Start date",
    "End date",
    "Meetings",
    "Notes",
]
PAIRS = [
    (136925, 116859),
    (142673, 150054),
    (138966, 100060),
    (106022, 112088),
    (121267, 123641),
    (149557, 136353),
]
# Text that must survive byte for byte: non-ASCII, quotes, breaks, spaces, formula-like.
TRICKY_NOTES = [
    "Café visit – ‘quotes’ and “curly” ✓ 日本",
    'She said "hello", then left',
    "line one\r\nline two\nline three",
    "  two leading spaces and a trailing one ",
    "\tleading tab",
    "=SUM(A1:A3)",
]
TRICKY_1252 = [
    "Café visit – ‘quotes’ and “curly”",
    'She said "hello", then left',
    "  leading spaces",
    "\ttab first",
    "+44 1905 000000",
    "@mention -minus",
]

DEFAULTS = ("01/09/2025", "", "2")  # start date, end date, meetings
CASES: list[dict] = []


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\r\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def _row(school: int, partner: int | str, notes: str = "", **overrides: str) -> list[str]:
    cells = dict(
        zip(
            HEADER,
            [
                str(school),
                str(partner),
                "",
                "",
                "ethnicity",
                "in person",
                "active",
                *DEFAULTS,
                notes,
            ],
            strict=True,
        )
    )
    cells.update({k.replace("_", " "): v for k, v in overrides.items()})
    return [cells[h] for h in HEADER]


def _csv(rows: list[list[str]], newline: str = "\r\n", header: list[str] = HEADER) -> str:
    return newline.join(",".join(_csv_field(c) for c in r) for r in [header, *rows])


def _good_rows(notes: list[str] | None = None) -> list[list[str]]:
    notes = notes or [""] * 3
    return [_row(a, b, n) for (a, b), n in zip(PAIRS, notes, strict=False)]


def case(name: str, defect: str, verdict: str, **expected: object) -> Callable:
    """Register a builder of one corpus file with what the importer must make of it."""

    def register(build: Callable[[], bytes]) -> Callable[[], bytes]:
        CASES.append({"file": name, "defect": defect, "verdict": verdict, **expected, "_b": build})
        return build

    return register


def _stored(notes: list[str]) -> dict[str, dict[str, str]]:
    return {str(i + 2): {"notes": n} for i, n in enumerate(notes)}


# --- Line endings and encodings ------------------------------------------------------


@case("lf.csv", "LF line endings", "accepted", new_links=3)
def _lf() -> bytes:
    return (_csv(_good_rows(), "\n") + "\n").encode()


@case("crlf_bom.csv", "CRLF line endings, UTF-8 with BOM", "accepted", new_links=3)
def _crlf() -> bytes:
    return ("\ufeff" + _csv(_good_rows(), "\r\n") + "\r\n").encode()


@case("cr_only.csv", "old-Mac CR-only line endings", "accepted", new_links=3)
def _cr() -> bytes:
    return (_csv(_good_rows(), "\r") + "\r").encode()


@case(
    "exact_text_utf8.csv",
    "non-ASCII, quotes, line breaks, leading spaces, TAB and formula-like text",
    "accepted",
    new_links=7,
    stored={
        "10": {"partner_name": "  École Saint-Exupéry ", "partner_country": " Sénégal\t"},
        "2": {"notes": TRICKY_NOTES[0]},
        "3": {"notes": TRICKY_NOTES[1]},
        "4": {"notes": TRICKY_NOTES[2]},
        "7": {"notes": TRICKY_NOTES[3]},
        "8": {"notes": TRICKY_NOTES[4]},
        "9": {"notes": TRICKY_NOTES[5]},
    },
)
def _exact_utf8() -> bytes:
    rows = [_row(a, b, n) for (a, b), n in zip(PAIRS, TRICKY_NOTES, strict=True)]
    abroad = _row(136925, "", "", Type="international")
    abroad[2:4] = ["  École Saint-Exupéry ", " Sénégal\t"]
    return _csv([*rows, abroad]).encode()


@case(
    "windows_1252.csv",
    "saved by Excel as 'CSV' on Windows (Windows-1252)",
    "accepted",
    new_links=6,
    notes=["read as Windows-1252", "Café"],
    stored=_stored(TRICKY_1252),
)
def _cp1252() -> bytes:
    rows = [_row(a, b, n) for (a, b), n in zip(PAIRS, TRICKY_1252, strict=True)]
    return _csv(rows).encode("cp1252")


@case(
    "utf16_bom.csv",
    "UTF-16 with a byte-order mark",
    "accepted",
    new_links=3,
    notes=["read as UTF-16", "Café"],
    stored={"2": {"notes": "Café “UTF-16” ✓"}, "3": {"notes": " x\ty "}},
)
def _utf16() -> bytes:
    return _csv(_good_rows(["Café “UTF-16” ✓", " x\ty ", ""])).encode("utf-16")


@case(
    "utf16_no_bom.csv",
    "UTF-16 without a byte-order mark",
    "accepted",
    new_links=3,
    notes=["UTF-16 (little-endian, no byte-order mark)"],
)
def _utf16le() -> bytes:
    return _csv(_good_rows()).encode("utf-16-le")


@case(
    "unknown_encoding.csv",
    "bytes that no known encoding gives",
    "refused",
    message="not in a known encoding",
    advice="CSV UTF-8",
)
def _unknown_encoding() -> bytes:
    return _csv(_good_rows()).encode() + b"\r\n136925,116859,,,faith,,active,,,0,caf\x81\x8d\r\n"


@case(
    "mixed_encodings.csv",
    "UTF-8 with a pasted Windows-1252 line",
    "refused",
    message="mixes text encodings",
    advice="CSV UTF-8",
)
def _mixed() -> bytes:
    return _csv(
        _good_rows(["Café", "", ""])
    ).encode() + "\r\n142673,150054,,,faith,,active,,,0,Ç".encode("cp1252")


@case("nul_bytes.csv", "NUL bytes in a text file", "refused", message="NUL (zero) byte on line 3")
def _nul() -> bytes:
    return _csv(_good_rows()).encode().replace(b"142673", b"14\x002673")


# --- Not spreadsheets -------------------------------------------------------------------


@case("web_page.csv", "a web page saved as .csv", "refused", message="is a web page (HTML)")
def _html() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>x</body></html>\n"


@case("data.csv", "a JSON file under a .csv name", "refused", message="is a JSON data file")
def _json() -> bytes:
    return json.dumps([{"urn": 136925, "partner": 116859}]).encode()


@case("archive.csv", "a zip archive under a .csv name", "refused", message="is a zip archive")
def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("links.csv", date_time=(2024, 1, 1, 0, 0, 0))
        archive.writestr(info, _csv(_good_rows()))
    return buffer.getvalue()


@case("old_excel.xls", "an Excel 97-2003 workbook", "refused", message="old Excel 97-2003")
def _xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


@case("report.pdf", "a PDF", "refused", message="is a PDF document")
def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@case("empty.csv", "an empty file", "refused", message="is empty")
def _empty() -> bytes:
    return b"\r\n \r\n"


@case("headings_only.csv", "headings but no rows", "refused", message="no rows of links")
def _headings_only() -> bytes:
    return (",".join(HEADER) + "\r\n").encode()


# --- Shape of the table -----------------------------------------------------------------


@case(
    "title_rows.csv",
    "a title row and a blank line above the headings",
    "accepted",
    new_links=3,
    notes=["headings are on line 3", "Link register 2024-25"],
)
def _title() -> bytes:
    return ("Link register 2024-25,,,\r\n\r\n" + _csv(_good_rows())).encode()


@case(
    "council_wordings.csv",
    "headings as councils write them",
    "accepted",
    new_links=2,
    mapping={
        "school_urn": "URN of school",
        "partner_urn": "Twinned with (URN)",
        "link_types": "Type of link",
        "status": "Link status",
        "start_date": "Date link began",
        "notes": "Comments",
    },
)
def _wordings() -> bytes:
    header = [
        "URN of school",
        "Twinned with (URN)",
        "Type of link",
        "Link status",
        "Date link began",
        "Comments",
    ]
    rows = [
        ["136925", "116859", "faith", "active", "01/09/2025", "ok"],
        ["142673", "150054", "ethnicity", "proposed", "", ""],
    ]
    return _csv(rows, header=header).encode()


@case(
    "semicolons.csv",
    "values separated by semicolons (European Excel)",
    "accepted",
    new_links=3,
    notes=["separated by semicolons"],
)
def _semicolons() -> bytes:
    return _csv(_good_rows()).replace(",", ";").encode()


@case(
    "blank_lines.csv",
    "blank lines between rows and a multi-line note",
    "rows refused",
    error_lines={"7": "not one of"},
    notes=["Blank line(s) 3, 6 were skipped"],
)
def _blank_lines() -> bytes:
    rows = _good_rows(["", "first\r\nsecond", ""])
    rows[2][6] = "maybe"
    # headings on line 1, a row on 2, blank 3, a two-line row on 4-5, blank 6, a row on 7
    lines = [",".join(_csv_field(c) for c in r) for r in [HEADER, *rows]]
    return "\r\n".join([lines[0], lines[1], "", lines[2], "", lines[3], ""]).encode()


@case(
    "ragged_rows.csv",
    "several rows with fewer values than headings",
    "rows refused",
    error_lines={"3": "values but there are 11 headings", "6": "values but there are 11"},
)
def _ragged() -> bytes:
    lines = _csv(_good_rows(["", "", "", ""])).split("\r\n")
    lines[2] = ",".join(lines[2].split(",")[:8])
    lines.append("121267,123641,,,faith,in person")
    return "\r\n".join(lines).encode()


@case(
    "value_after_last_heading.csv",
    "a value after the last heading",
    "rows refused",
    error_lines={"3": "a value after the last heading"},
)
def _extra_value() -> bytes:
    lines = _csv(_good_rows()).split("\r\n")
    lines[2] += ",stray"
    lines[3] += ","  # an empty extra value is harmless
    return "\r\n".join(lines).encode()


@case(
    "duplicate_headings.csv",
    "two columns with the same heading",
    "refused",
    message="two columns have the heading 'Notes'",
)
def _duplicate_headings() -> bytes:
    return _csv(_good_rows(), header=[*HEADER[:-2], "Notes", "Notes"]).encode()


@case(
    "extra_columns.csv",
    "columns that no field reads",
    "accepted",
    new_links=3,
    notes=["'Contact', 'Budget (£)' hold values but are not imported"],
)
def _extra_columns() -> bytes:
    rows = [[*r, "Ann", "120"] for r in _good_rows()]
    return _csv(rows, header=[*HEADER, "Contact", "Budget (£)"]).encode()


@case(
    "unclosed_quote.csv",
    "a quote that is never closed",
    "refused",
    message="opened on line 3 of unclosed_quote.csv is never closed",
)
def _unclosed() -> bytes:
    lines = _csv(_good_rows()).split("\r\n")
    lines[2] = lines[2] + '"starts but never ends'
    return "\r\n".join(lines).encode()


@case(
    "text_after_quote.csv",
    "text after a closing quote",
    "rows refused",
    error_lines={"3": "a closing quote"},
)
def _after_quote() -> bytes:
    lines = _csv(_good_rows()).split("\r\n")
    lines[2] = lines[2] + '"quoted" then more'
    return "\r\n".join(lines).encode()


@case(
    "huge_field.csv",
    "a single field of 200,000 characters (beyond the cell limit)",
    "refused",
    message="Line 3 of huge_field.csv holds a value longer than 131,072",
)
def _huge_field() -> bytes:
    rows = _good_rows(["", "x" * 200_000, ""])
    return _csv(rows).encode()


# --- Values -------------------------------------------------------------------------------


@case(
    "synonyms.csv",
    "usual council words for codes",
    "accepted",
    new_links=4,
    normalisations=[
        "'live' read as active: lines 2, 5",
        "'online' read as virtual: line 3",
        "'religion' read as faith: line 4",
        "'Active' read as active: line 3",
    ],
)
def _synonyms() -> bytes:
    rows = [
        _row(*PAIRS[0], Status="live"),
        _row(*PAIRS[1], Mode="online", Status="Active"),
        _row(*PAIRS[2], Type="religion"),
        _row(*PAIRS[3], Status="live"),
    ]
    return _csv(rows).encode()


@case(
    "urn_floats.csv",
    "URNs written 136925.0 by a program",
    "accepted",
    new_links=2,
    normalisations=["written as a decimal number, read as a whole number", "lines 2-3"],
)
def _urn_floats() -> bytes:
    return _csv([_row("136925.0", "116859.0"), _row("142673.0", 150054)]).encode()


@case(
    "urn_not_whole.csv",
    "URNs that are not whole numbers",
    "rows refused",
    error_lines={
        "2": "'136925.5' is not a whole number",
        "3": "scientific notation",
        "4": "'Pershore' is not a whole number",
        "5": "School URN is empty",
    },
)
def _urn_bad() -> bytes:
    rows = [
        _row("136925.5", 116859),
        _row("1.37E+05", 150054),
        _row("Pershore", 100060),
        _row("", 112088),
    ]
    return _csv(rows).encode()


@case(
    "urns_outside_the_atlas.csv",
    "closed, Welsh, independent and unknown URNs",
    "rows refused",
    error_lines={
        "2": "URN 100021 (Rhyl Community Primary School): use that URN",
        "3": "is a school in Wales, outside England",
        "4": "is an independent school, not state-funded",
        "5": "non-maintained special school, not state-funded",
        "6": "is not in the DfE register of schools",
    },
)
def _outside() -> bytes:
    rows = [
        _row(100012, 116859),
        _row(136925, 400001),
        _row(100001, 150054),
        _row(102464, 100060),
        _row(999999, 112088),
        _row(121267, 123641),
    ]
    return _csv(rows).encode()


@case(
    "uk_dates.csv",
    "UK dates, ISO dates and two-digit years",
    "accepted",
    new_links=3,
    normalisations=[
        "written dd/mm/yyyy (e.g. '02/09/2024' read as 2 September 2024)",
        "written yyyy-mm-dd",
        "two-digit year",
    ],
    dates={"2": "2 September 2024", "3": "1 March 2025", "4": "31 August 2026"},
)
def _dates() -> bytes:
    rows = [
        _row(*PAIRS[0], Start_date="02/09/2024"),
        _row(*PAIRS[1], Start_date="2025-03-01"),
        _row(*PAIRS[2], Start_date="31/08/26"),
    ]
    return _csv(rows).encode()


@case(
    "bad_dates.csv",
    "dates month first, impossible, or words",
    "rows refused",
    error_lines={
        "2": "month 13 does not exist; it looks written month first",
        "3": "not a real date",
        "4": "is not a date",
        "5": "has a time of day",
    },
)
def _bad_dates() -> bytes:
    rows = [
        _row(*PAIRS[0], Start_date="09/13/2024"),
        _row(*PAIRS[1], Start_date="31/02/2025"),
        _row(*PAIRS[2], Start_date="next term"),
        _row(*PAIRS[3], Start_date="2025-09-01 14:30"),
    ]
    return _csv(rows).encode()


@case(
    "bad_codes_and_duplicates.csv",
    "unknown codes, long notes, repeated pairs",
    "rows refused",
    error_lines={
        "2": "'friendship' is not a link type",
        "3": "'sometimes' is not one of",
        "4": "5,001 characters long",
        "6": "duplicate of line 5",
        "7": "cannot be linked to itself",
    },
)
def _bad_codes() -> bytes:
    rows = [
        _row(*PAIRS[0], Type="friendship"),
        _row(*PAIRS[1], Mode="sometimes"),
        _row(*PAIRS[2], Notes="n" * 5001),
        _row(*PAIRS[3]),
        _row(PAIRS[3][1], PAIRS[3][0]),
        _row(136925, 136925),
    ]
    return _csv(rows).encode()


# --- Excel --------------------------------------------------------------------------------


def _workbook(sheets: dict[str, list[list[object]]], text_cells: bool = True) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        ws = workbook.create_sheet(title)
        for row in rows:
            ws.append(row)
        if text_cells:  # text that looks like a formula stays text
            for cells in ws.iter_rows():
                for cell in cells:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"
    return workbook


def _xlsx(workbook: openpyxl.Workbook, patch: Callable[[str], str] | None = None) -> bytes:
    fixed = datetime(2024, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist()):
            data = source.read(name)
            if patch is not None and name.startswith("xl/worksheets/"):
                data = patch(data.decode()).encode()
            if name == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data
                )
            target.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


EXCEL_NOTES = ["Café ✓ “curly”", "line one_x000D_\nline two", "  leading", "\ttab", "=SUM(A1)"]


@case(
    "exact_text.xlsx",
    "an Excel workbook with tricky text, numbers and dates",
    "accepted",
    new_links=5,
    notes=["Only sheet 'Links' was read; sheet(s) 'Instructions'"],
    normalisations=[
        "Excel date cells, read as the date",
        "Excel's codes for characters such as a line break (_x000D_)",
    ],
    stored={
        "2": {"notes": EXCEL_NOTES[0]},
        "3": {"notes": "line one\r\nline two"},
        "4": {"notes": EXCEL_NOTES[2]},
        "5": {"notes": EXCEL_NOTES[3]},
        "6": {"notes": EXCEL_NOTES[4]},
    },
    dates={"2": "2 September 2024"},
)
def _excel_exact() -> bytes:
    rows: list[list[object]] = [HEADER]
    for (a, b), note in zip(PAIRS, EXCEL_NOTES, strict=False):
        rows.append(
            [
                a,
                b,
                None,
                None,
                "ethnicity",
                "in person",
                "active",
                datetime(2024, 9, 2),
                None,
                2,
                note,
            ]
        )
    sheets = {"Instructions": [["Fill in one link a row"]], "Links": rows}
    return _xlsx(_workbook(sheets))


@case(
    "two_link_sheets.xlsx",
    "two sheets with link columns",
    "choose sheet",
    sheets=["2023-24", "2024-25"],
    sheet="2024-25",
    new_links=2,
)
def _two_sheets() -> bytes:
    older = [HEADER, [136925, 116859, None, None, "faith", None, "ended", None, None, 0, ""]]
    newer = [
        HEADER,
        [142673, 150054, None, None, "faith", None, "active", None, None, 1, ""],
        [138966, 100060, None, None, "faith", None, "active", None, None, 1, ""],
    ]
    return _xlsx(_workbook({"2023-24": older, "2024-25": newer}))


@case(
    "formulas.xlsx",
    "formulas with and without a saved value, and an error cell",
    "rows refused",
    error_lines={
        "3": "holds the formula =100000+50054 but no value saved",
        "4": "shows the Excel error #REF!",
    },
    notes=["hold formulas: the values Excel last calculated and saved were read"],
)
def _formulas() -> bytes:
    rows = [
        HEADER,
        ["=136000+925", 116859, None, None, "faith", None, "active", None, None, 0, ""],
        [142673, "=100000+50054", None, None, "faith", None, "active", None, None, 0, ""],
        [138966, "#REF!", None, None, "faith", None, "active", None, None, 0, ""],
        [106022, 112088, None, None, "faith", None, "active", None, None, 0, ""],
    ]
    workbook = _workbook({"Links": rows}, text_cells=False)

    def saved_value_for_a2(xml: str) -> str:  # Excel saves a formula's result beside it
        return xml.replace("<f>136000+925</f><v></v>", "<f>136000+925</f><v>136925</v>").replace(
            "<f>136000+925</f><v />", "<f>136000+925</f><v>136925</v>"
        )

    return _xlsx(workbook, saved_value_for_a2)


@case(
    "workbook_named.csv",
    "an Excel workbook with a .csv name",
    "accepted",
    new_links=1,
    notes=["is an Excel workbook although its name does not end in .xlsx"],
)
def _xlsx_as_csv() -> bytes:
    rows = [HEADER, [136925, 116859, None, None, "faith", None, "active", None, None, 0, ""]]
    return _xlsx(_workbook({"Sheet1": rows}))


@case("fake.xlsx", "plain text named .xlsx", "refused", message="not one")
def _fake_xlsx() -> bytes:
    return _csv(_good_rows()).encode()


def main() -> None:
    """Write every corpus file and cases.json."""
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    manifest = []
    for entry in CASES:
        build = entry.pop("_b")
        (OUT / entry["file"]).write_bytes(build())
        manifest.append(entry)
    (OUT / "cases.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8"
    )


if __name__ == "__main__":
    main()
