"""Bounded imports (issue #15): a small workbook that unpacks to millions of rows is refused
within seconds, with flat memory, and the message says what happened (nothing was read).
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from dashboard.register import spreadsheets

ROW = (
    b"<row><c><v>136925</v></c><c><v>116859</v></c><c t='inlineStr'><is><t>faith</t></is></c></row>"
)


def bomb(rows: int) -> bytes:
    """An .xlsx whose one sheet holds ``rows`` rows and no <dimension> (openpyxl scans it all).

    A real workbook is written with openpyxl, then its sheet is replaced, streamed
    into the zip, by the heading row and ``rows`` copies of one link.
    """
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    book.create_sheet("Links").append(["school_urn", "partner_urn", "link_types"])
    seed = io.BytesIO()
    book.save(seed)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(seed) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if not info.filename.startswith("xl/worksheets/"):
                target.writestr(info.filename, data)
                continue
            head, rest = data.split(b"<sheetData>", 1)
            first_row = rest.split(b"</sheetData>", 1)[0]
            head = head.split(b"<dimension", 1)[0] + b"<sheetData>"  # no size given
            with target.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(head + first_row)
                chunk = ROW * 10_000
                for _ in range(rows // 10_000):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_zip_bomb_workbook_is_refused_fast_with_flat_memory():
    content = bomb(5_000_000)
    assert len(content) < 3_000_000  # small file, about 465 MB of sheet XML
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(spreadsheets.ImportFileError, match="Nothing was read") as refused:
        spreadsheets.read_links_file(content, "bomb.xlsx")
    seconds = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 5, seconds  # before: 185 s and 519 MB more for this file
    assert peak < 50_000_000, peak
    assert "unpacks to 465 MB" in str(refused.value)
