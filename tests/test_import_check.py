"""Importing a council's spreadsheet: one test per bad case named in issue #4."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard.register import exports, import_check, model, queries, store
from dashboard.register import spreadsheets as imp
from dashboard.register.auth import OFFICER, User
from dashboard.register.spreadsheets import ImportFileError

ANN = User("ann", OFFICER)
KNOWN = frozenset({136925, 116859, 100000, 100001, 100002, 100003})
HEADER = "School URN,Partner URN,Type,Status,Start date,End date,Meetings,Notes\n"
GOOD_ROWS = (
    "136925,100000,ethnicity,active,01/09/2025,,2,Visits each term\n"
    "116859,100001,faith; socio-economic,proposed,,,0,\n"
)


def check(content: bytes, name: str = "links.csv", existing: pd.DataFrame | None = None):
    frame, notes = imp.read_links_file(content, name)
    mapping = imp.guess_mapping(list(frame.columns))
    if existing is None:
        existing = pd.DataFrame(columns=model.LINK_COLUMNS)
    report = import_check.validate_import(frame, mapping, KNOWN, existing)
    report.notes.extend(notes)
    return report


def errors_by_row(report) -> dict[int, str]:
    return dict(zip(report.errors["row"], report.errors["message"], strict=True))


def test_a_good_file_is_ready_to_add():
    report = check((HEADER + GOOD_ROWS).encode())
    assert report.ok
    assert [link.link_types for link in report.new_links] == [
        ("ethnicity",),
        ("faith", "socio-economic"),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("999999,100000,ethnicity,active,,,0,", "unknown school URN 999999"),
        ("136925,136925,ethnicity,active,,,0,", "cannot be linked to itself"),
        ("136925,100000,ethnicity,active,01/09/2026,01/01/2026,0,", "before start date"),
        ("136925,100000,friendship,active,,,0,", "unknown link type 'friendship'"),
        ("136925,100000,ethnicity,maybe,,,0,", "unknown status 'maybe'"),
        ("136925,100000,ethnicity,active,next term,,0,", "is not a date"),
        ("136925,100000,ethnicity,active,,,two,", "not a whole number"),
        ("136925,100000,ethnicity,,,,0,", "status is missing"),
    ],
)
def test_a_bad_row_is_named_with_its_problem(row, message):
    report = check((HEADER + GOOD_ROWS + row + "\n").encode())
    assert not report.ok
    errors = errors_by_row(report)
    assert list(errors) == [4]  # heading is row 1, so the third data row is row 4
    assert message in errors[4]


def test_a_duplicate_within_the_file_names_the_first_row():
    report = check((HEADER + GOOD_ROWS + "100000,136925,faith,active,,,0,\n").encode())
    assert errors_by_row(report) == {4: "duplicate of row 2: the same two schools again"}


def test_missing_column_is_refused_before_any_row():
    frame, _ = imp.read_links_file(b"School URN,Partner URN\n136925,100000\n", "links.csv")
    with pytest.raises(ImportFileError, match=r"Link type\(s\), Status"):
        import_check.validate_import(
            frame,
            imp.guess_mapping(list(frame.columns)),
            KNOWN,
            pd.DataFrame(columns=model.LINK_COLUMNS),
        )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "links.csv", "is empty"),
        (b"\n\n  \n", "links.csv", "is empty"),
        (b"School URN,Status\n", "links.csv", "no rows"),
        ((HEADER + GOOD_ROWS).encode("utf-16-le"), "links.csv", "not a text file"),
        (b"School URN,Notes\n136925,caf\x81\x8d\n", "links.csv", "not in a known encoding"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "links.xls", "old Excel 97-2003"),
        (b"just text", "links.xlsx", "not one"),
    ],
)
def test_unreadable_files_get_a_plain_message(content, name, message):
    with pytest.raises(ImportFileError, match=message):
        imp.read_links_file(content, name)


def test_windows_1252_and_utf16_files_are_read():
    text = HEADER + "136925,100000,faith,active,,,0,Café visit\n"
    for encoded in (text.encode("cp1252"), text.encode("utf-16")):
        frame, _ = imp.read_links_file(encoded, "links.csv")
        assert frame.loc[0, "Notes"] == "Café visit"


def test_an_excel_file_named_csv_is_read_as_excel_with_a_note():
    frame = pd.read_csv(io.StringIO(HEADER + GOOD_ROWS), dtype=str)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    report = check(buffer.getvalue(), "links.csv")
    assert report.ok
    assert len(report.new_links) == 2
    assert any("Excel workbook" in note for note in report.notes)


def test_a_50000_row_file_is_refused_with_the_limit():
    rows = "".join(f"136925,{100000 + i},ethnicity,active,,,0,\n" for i in range(50_000))
    with pytest.raises(
        ImportFileError, match=r"50,000 rows; the most one import can take is 5,000"
    ):
        imp.read_links_file((HEADER + rows).encode(), "big.csv")


def test_commit_is_all_or_nothing_and_reimport_adds_nothing(register):
    content = (HEADER + GOOD_ROWS).encode()
    report = check(content, existing=queries.list_links(register))
    added = import_check.commit_import(
        register,
        report,
        ANN,
        known_urns=KNOWN,
        file_name="links.csv",
        file_sha256=import_check.file_checksum(content),
    )
    assert added == 2
    again = check(content, existing=queries.list_links(register))
    assert set(again.rows["result"]) == {"already recorded"}
    assert (
        import_check.commit_import(
            register,
            again,
            ANN,
            known_urns=KNOWN,
            file_name="links.csv",
            file_sha256=import_check.file_checksum(content),
        )
        == 0
    )
    assert len(queries.list_links(register)) == 4  # two press links + two imported


def test_a_file_with_any_error_writes_no_row(register):
    content = (HEADER + GOOD_ROWS + "136925,136925,ethnicity,active,,,0,\n").encode()
    report = check(content, existing=queries.list_links(register))
    with pytest.raises(ImportFileError, match="nothing was imported"):
        import_check.commit_import(
            register, report, ANN, known_urns=KNOWN, file_name="links.csv", file_sha256="x"
        )
    assert len(queries.list_links(register)) == 2


def test_changed_details_for_a_recorded_pair_are_an_error_not_an_overwrite(register):
    store.add_link(
        register, model.LinkInput(136925, 100000, link_types=("faith",)), ANN, known_urns=KNOWN
    )
    report = check((HEADER + GOOD_ROWS).encode(), existing=queries.list_links(register))
    assert "already linked in the register" in errors_by_row(report)[2]


def test_exports_neutralise_spreadsheet_formulas():
    frame = pd.DataFrame({"notes": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "ok"]})
    cells = pd.read_csv(io.BytesIO(exports.to_csv_bytes(frame)), dtype=str)["notes"].tolist()
    assert cells == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "ok"]
    workbook = pd.read_excel(io.BytesIO(exports.to_excel_bytes({"links": frame})), dtype=str)
    assert workbook["notes"].str.startswith("'").sum() == 4
