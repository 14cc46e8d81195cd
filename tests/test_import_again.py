"""Importing the same file again adds nothing, ended links included (issue #10)."""

from __future__ import annotations

import pandas as pd

from dashboard.register import import_check, queries, spreadsheets
from dashboard.register.auth import OFFICER, User

ANN = User("ann", OFFICER)
KNOWN = {136925, 148338, 116859, 116999}
FILE = (
    b"School URN,Partner URN,Link type,Status,Start date,End date\n"
    b"136925,148338,ethnicity,active,01/09/2025,\n"
    b"116859,116999,faith,ended,01/09/2023,20/07/2024\n"
)


def _check(engine) -> import_check.ImportReport:
    links_file = spreadsheets.read_links_file(FILE, "links.csv")
    mapping = spreadsheets.guess_mapping(list(links_file.frame.columns))
    return import_check.validate_import(links_file, mapping, KNOWN, queries.list_links(engine))


def test_a_second_import_of_the_same_file_adds_nothing(register):
    first = _check(register)
    added = import_check.commit_import(
        register, first, ANN, known_urns=KNOWN, file_name="links.csv", file_sha256="x"
    )
    assert added == 2
    again = _check(register)
    assert again.rows["result"].tolist() == ["already recorded", "already recorded"]
    assert again.new_links == []
    before = len(queries.list_links(register))
    import_check.commit_import(
        register, again, ANN, known_urns=KNOWN, file_name="links.csv", file_sha256="x"
    )
    assert len(queries.list_links(register)) == before


def test_an_ended_link_does_not_block_a_new_one_between_the_same_schools(register):
    import_check.commit_import(
        register, _check(register), ANN, known_urns=KNOWN, file_name="a.csv", file_sha256="a"
    )
    restart = FILE.replace(b"faith,ended,01/09/2023,20/07/2024", b"faith,active,01/09/2026,")
    links_file = spreadsheets.read_links_file(restart, "b.csv")
    mapping = spreadsheets.guess_mapping(list(links_file.frame.columns))
    report = import_check.validate_import(links_file, mapping, KNOWN, queries.list_links(register))
    assert report.rows["result"].tolist() == ["already recorded", "new"]
    assert isinstance(report.rows, pd.DataFrame)
