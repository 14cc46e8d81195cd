"""Importing a council's spreadsheet: rows checked, normalisations listed, all or nothing (#4, #11).

The corpus of real-world defects is in test_import_corpus.py; these tests pin the
rules one at a time, on made-up URNs, plus limits and scale.
"""

from __future__ import annotations

import io
import time
from datetime import date

import pandas as pd
import pytest

from dashboard import config
from dashboard.register import exports, import_check, model, queries, store
from dashboard.register import spreadsheets as imp
from dashboard.register.auth import OFFICER, User
from dashboard.register.spreadsheets import ImportFileError
from dashboard.register.urn_facts import UrnFacts

ANN = User("ann", OFFICER)
KNOWN = frozenset({136925, 116859, 100000, 100001, 100002, 100003})
HEADER = "School URN,Partner URN,Type,Status,Start date,End date,Meetings,Notes\n"
GOOD_ROWS = (
    "136925,100000,ethnicity,active,01/09/2025,,2,Visits each term\n"
    "116859,100001,faith; socio-economic,proposed,,,0,\n"
)


def check(content: bytes, name: str = "links.csv", existing: pd.DataFrame | None = None):
    links_file = imp.read_links_file(content, name)
    mapping = imp.guess_mapping(list(links_file.frame.columns))
    if existing is None:
        existing = pd.DataFrame(columns=model.LINK_COLUMNS)
    return import_check.validate_import(links_file, mapping, KNOWN, existing)


def errors_by_line(report) -> dict[int, str]:
    return dict(zip(report.errors["line"], report.errors["message"], strict=True))


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
        ("999999,100000,ethnicity,active,,,0,", "School URN 999999 is not in the DfE register"),
        ("136925,136925,ethnicity,active,,,0,", "cannot be linked to itself"),
        ("136925,100000,ethnicity,active,01/09/2026,01/01/2026,0,", "before start date"),
        ("136925,100000,friendship,active,,,0,", "'friendship' is not a link type"),
        ("136925,100000,ethnicity,maybe,,,0,", "'maybe' is not one of: proposed, active, ended"),
        ("136925,100000,ethnicity,active,next term,,0,", "'next term' is not a date"),
        ("136925,100000,ethnicity,active,,,two,", "'two' is not a whole number"),
        ("136925,100000,ethnicity,,,,0,", "Status is empty (column 'Status')"),
        ("136925,100000,ethnicity,active,,,-1,", "'-1' is negative"),
    ],
)
def test_a_bad_row_is_named_with_its_line_and_column(row, message):
    report = check((HEADER + GOOD_ROWS + row + "\n").encode())
    errors = errors_by_line(report)
    assert list(errors) == [4]  # heading is line 1, so the third data row is line 4
    assert message in errors[4]


def test_line_numbers_are_physical_lines_with_blank_and_multiline_rows():
    content = (
        HEADER + "\n" + '136925,100000,ethnicity,active,,,0,"two\nlines"\n' + "\n"
        "116859,100001,ethnicity,maybe,,,0,\n"
    ).encode()
    assert list(errors_by_line(check(content))) == [6]


def test_a_cell_problem_still_reports_an_unknown_urn_on_the_same_row():
    report = check((HEADER + "999999,100000,ethnicity,maybe,,,0,\n").encode())
    message = errors_by_line(report)[2]
    assert "'maybe' is not one of" in message
    assert "School URN 999999 is not in the DfE register" in message


def test_codes_are_normalised_and_every_normalisation_is_listed():
    rows = "136925,100000,Religion,Live,02/09/2024,,2.0,\n116859,100001,faith,live,,,,\n"
    report = check((HEADER + rows).encode())
    assert report.ok
    assert (report.new_links[0].link_types, report.new_links[0].status) == (("faith",), "active")
    listed = "\n".join(report.normalisations)
    assert "'Religion' read as faith: line 2" in listed
    assert "'Live' read as active: line 2" in listed
    assert "'live' read as active: line 3" in listed
    assert "Meetings this school year: empty, recorded as 0: line 3" in listed
    assert report.rows.loc[0, "start_date"] == "2 September 2024"


def test_text_is_stored_exactly_and_never_trimmed():
    notes = ' \t"Quoted", then =1+1\r\nand a second line  '
    content = HEADER + '136925,100000,ethnicity,active,,,0,"' + notes.replace('"', '""') + '"\n'
    report = check(content.encode())
    assert report.new_links[0].notes == notes


def test_a_duplicate_within_the_file_names_the_first_line():
    report = check((HEADER + GOOD_ROWS + "100000,136925,faith,active,,,0,\n").encode())
    assert errors_by_line(report) == {4: "duplicate of line 2: the same two schools again"}


def test_ended_links_do_not_block_a_current_link_between_the_same_schools():
    rows = "136925,100000,faith,ended,,01/07/2024,0,old\n136925,100000,faith,active,,,1,new\n"
    report = check((HEADER + rows).encode())
    assert report.ok
    assert len(report.new_links) == 2


def test_missing_column_is_refused_before_any_row():
    links_file = imp.read_links_file(b"School URN,Partner URN\n136925,100000\n", "links.csv")
    with pytest.raises(ImportFileError, match=r"Link type\(s\); Status"):
        import_check.validate_import(
            links_file,
            imp.guess_mapping(list(links_file.frame.columns)),
            KNOWN,
            pd.DataFrame(columns=model.LINK_COLUMNS),
        )


def test_one_column_chosen_for_two_fields_is_refused():
    links_file = imp.read_links_file((HEADER + GOOD_ROWS).encode(), "links.csv")
    mapping = imp.guess_mapping(list(links_file.frame.columns)) | {"notes": "Status"}
    with pytest.raises(ImportFileError, match="chosen for two fields"):
        import_check.validate_import(
            links_file, mapping, KNOWN, pd.DataFrame(columns=model.LINK_COLUMNS)
        )


def test_the_mapping_table_says_how_each_column_was_matched():
    content = (
        b"URN of school,Twinned with (URN),Type of link,Link status\n136925,100000,faith,active\n"
    )
    report = check(content)
    table = report.mapping_df.set_index("field")
    assert table.loc["School URN", "column"] == "URN of school"
    assert table.loc["School URN", "how"] == "a usual council heading"
    assert table.loc["Notes", "how"] == "not in the file"


def test_headings_that_name_a_school_are_not_taken_for_a_partner_abroad():
    mapping = imp.guess_mapping(["School URN", "Partner school", "Partner URN", "School type"])
    assert mapping["partner_name"] is None
    assert mapping["link_types"] is None


def test_closed_welsh_and_independent_urns_say_why():
    facts = UrnFacts(
        {
            555555: ("Old Primary", "closed", None, (100000,)),
            400001: ("Ysgol X", "wales", "Welsh establishment", ()),
            100009: ("Private School", "independent", "Other independent school", ()),
        },
        {100000: "New Academy"},
    )
    rows = "555555,100001,faith,active,,,0,\n136925,400001,faith,active,,,0,\n"
    rows += "100009,100002,faith,active,,,0,\n"
    links_file = imp.read_links_file((HEADER + rows).encode(), "links.csv")
    mapping = imp.guess_mapping(list(links_file.frame.columns))
    report = import_check.validate_import(
        links_file, mapping, KNOWN, pd.DataFrame(columns=model.LINK_COLUMNS), urn_facts=facts
    )
    errors = errors_by_line(report)
    assert "replaced it is URN 100000 (New Academy): use that URN" in errors[2]
    assert "Ysgol X) is a school in Wales" in errors[3]
    assert "independent school, not state-funded" in errors[4]


def test_an_excel_workbook_keeps_text_and_reads_numbers_and_dates():
    frame = pd.DataFrame(
        {
            "School URN": [136925],
            "Partner URN": [100000],
            "Type": ["faith"],
            "Status": ["active"],
            "Start date": [pd.Timestamp("2024-09-02")],
            "Notes": ["  padded\ttext "],
        }
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="Links")
    report = check(buffer.getvalue(), "links.xlsx")
    link = report.new_links[0]
    assert (link.school_urn, link.start_date, link.notes) == (
        136925,
        date(2024, 9, 2),
        "  padded\ttext ",
    )


def test_a_100000_row_file_is_read_and_one_row_more_is_refused():
    row = "136925,100000,ethnicity,active,,,0,\n"
    at_limit = imp.read_links_file((HEADER + row * config.IMPORT_MAX_ROWS).encode(), "big.csv")
    assert len(at_limit.frame) == config.IMPORT_MAX_ROWS
    over = (HEADER + row * (config.IMPORT_MAX_ROWS + 1)).encode()
    with pytest.raises(ImportFileError, match=r"more than 100,000 rows of links"):
        imp.read_links_file(over, "big.csv")


def test_an_oversized_file_is_refused_before_it_is_read():
    big = b"School URN\n" + b"1" * (config.IMPORT_MAX_FILE_BYTES + 1)
    with pytest.raises(ImportFileError, match="the most one import can take is 20 MB"):
        imp.read_links_file(big, "huge.csv")


def test_checking_reports_progress_up_to_the_last_row():
    rows = "".join(f"136925,{100000 + i % 4},ethnicity,active,,,0,\n" for i in range(4500))
    links_file = imp.read_links_file((HEADER + rows).encode(), "links.csv")
    seen: list[tuple[int, int]] = []
    import_check.validate_import(
        links_file,
        imp.guess_mapping(list(links_file.frame.columns)),
        KNOWN,
        pd.DataFrame(columns=model.LINK_COLUMNS),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(2000, 4500), (4000, 4500), (4500, 4500)]


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
    assert "already linked in the register" in errors_by_line(report)[2]


def test_2500_links_commit_in_chunks_with_progress_and_audit(register):
    """Set-based writes: every link and its audit row, progress after each chunk (#11)."""
    links = [model.LinkInput(100_000 + i, 110_000 + i, link_types=("other",)) for i in range(2500)]
    seen: list[int] = []
    start = time.perf_counter()
    store.add_links(
        register,
        links,
        ANN,
        known_urns=range(100_000, 120_000),
        source="test",
        progress=lambda done, total: seen.append(done),
    )
    assert time.perf_counter() - start < 20
    assert seen == [1000, 2000, 2500]
    stored = queries.list_links(register)
    assert len(stored) == 2502
    added = set(stored.loc[stored["source"] == "test", "link_id"])
    assert len(added) == 2500
    assert set(queries.audit_log(register)["link_id"]) >= added


def test_a_batch_repeating_a_pair_names_both_links(register):
    links = [model.LinkInput(100_000, 100_001, link_types=("other",))] * 2
    with pytest.raises(model.RegisterError, match="Link 2: the same schools as link 1"):
        store.add_links(register, links, ANN, known_urns=KNOWN, source="test")
    assert len(queries.list_links(register)) == 2


def test_exports_neutralise_spreadsheet_formulas():
    frame = pd.DataFrame({"notes": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "ok"]})
    cells = pd.read_csv(io.BytesIO(exports.to_csv_bytes(frame)), dtype=str)["notes"].tolist()
    assert cells == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "ok"]
    workbook = pd.read_excel(io.BytesIO(exports.to_excel_bytes({"links": frame})), dtype=str)
    assert workbook["notes"].str.startswith("'").sum() == 4
