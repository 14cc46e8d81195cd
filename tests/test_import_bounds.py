"""Bounded imports (issue #15): a small workbook that unpacks to millions of rows is refused
within seconds, with flat memory, and the message says what happened (nothing was read).
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from dashboard import config
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


class SessionEndedError(Exception):
    """Stands in for Streamlit's StopException, raised at a page update once a tab closes."""


def _csv(rows: int, columns: int = 3) -> bytes:
    heading = ",".join(["school_urn", "partner_urn", "link_types"] + ["x"] * (columns - 3))
    row = ",".join(["136925", "116859", "faith"] + ["1"] * (columns - 3))
    return ("\n".join([heading] + [row] * rows) + "\n").encode()


def _xlsx(rows: int, columns: int = 3) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Links")
    sheet.append(
        ["school_urn", "partner_urn", "link_types"] + [f"x{i}" for i in range(columns - 3)]
    )
    for _ in range(rows):
        sheet.append([136925, 116859, "faith"] + [1] * (columns - 3))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MAKERS = {"links.csv": _csv, "links.xlsx": _xlsx}


@pytest.mark.parametrize("name", MAKERS)
def test_row_cap_stops_reading_and_says_so_truly(name, monkeypatch):
    monkeypatch.setattr(config, "IMPORT_MAX_ROWS", 50)
    monkeypatch.setattr(config, "IMPORT_CHUNK_ROWS", 10)
    seen: list[int] = []
    with pytest.raises(spreadsheets.ImportFileError) as refused:
        spreadsheets.read_links_file(MAKERS[name](5_000), name, between_chunks=seen.append)
    limit = 50 + config.IMPORT_HEADER_SEARCH_LINES + 1  # rows read, the headings' search too
    assert str(refused.value) == (
        f"{name} has more than 50 rows of links; reading stopped at line {limit} and nothing "
        "was imported. Split it into smaller files."
    )
    assert max(seen) <= limit  # the other 4,900 rows were never read


@pytest.mark.parametrize("name", MAKERS)
def test_cell_cap_stops_reading_at_the_cap(name, monkeypatch):
    monkeypatch.setattr(config, "IMPORT_MAX_CELLS", 1_000)
    with pytest.raises(spreadsheets.ImportFileError) as refused:
        spreadsheets.read_links_file(MAKERS[name](500, columns=100), name)
    # 100 values a line: the headings and nine rows make 1,000, the tenth row is over.
    assert str(refused.value).startswith(
        f"{name} holds more than 1,000 values by line 11, far more than a register of links "
        "needs; reading stopped there and nothing was imported."
    )


def test_time_budget_stops_reading_with_a_true_message(monkeypatch):
    monkeypatch.setattr(config, "IMPORT_TIME_BUDGET_S", 0.5)
    monkeypatch.setattr(config, "IMPORT_CHUNK_ROWS", 100)
    seen: list[int] = []

    def slow_chunk(rows: int) -> None:
        seen.append(rows)
        time.sleep(0.3)  # a slow reader: over the budget after the second chunk

    with pytest.raises(spreadsheets.ImportFileError) as refused:
        spreadsheets.read_links_file(_csv(5_000), "big.csv", between_chunks=slow_chunk)
    message = str(refused.value)
    assert seen == [100, 200]
    seconds = float(message.split(" rows in ")[1].split(" seconds")[0])
    assert 0.5 < seconds < 5
    assert message.startswith(f"Stopped reading big.csv after 200 rows in {seconds:.1f} seconds")
    assert "nothing was imported" in message


@pytest.mark.parametrize("name", MAKERS)
def test_reading_stops_between_chunks_when_the_session_ends(name, monkeypatch):
    monkeypatch.setattr(config, "IMPORT_CHUNK_ROWS", 100)
    seen: list[int] = []

    def page_update(rows: int) -> None:
        seen.append(rows)
        if rows >= 300:
            raise SessionEndedError

    with pytest.raises(SessionEndedError):
        spreadsheets.read_links_file(MAKERS[name](5_000), name, between_chunks=page_update)
    assert seen[-1] == 300  # no chunk was read after the session ended
