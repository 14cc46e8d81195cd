"""Every file of the import corpus gets its rule's outcome, through the page's library calls (#11).

The corpus (tests/data/import_corpus, written by tests/data/make_import_corpus.py)
holds one small file per defect class and ``cases.json`` with what must happen.
Accepted files are committed on SQLite and PostgreSQL and their text read back
byte for byte; refused ones must write nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.data import embedded
from dashboard.register import import_check, model, queries, spreadsheets
from dashboard.register.auth import OFFICER, User
from dashboard.register.spreadsheets import ImportFileError, SheetChoiceError
from dashboard.register.urn_facts import UrnFacts
from tests.conftest import FIXTURES, ROOT

CORPUS = FIXTURES / "import_corpus"
CASES = json.loads((CORPUS / "cases.json").read_text("utf-8"))
ANN = User("ann", OFFICER)
EMPTY = pd.DataFrame(columns=model.LINK_COLUMNS)


def by_verdict(*verdicts: str) -> list[dict]:
    return [case for case in CASES if case["verdict"] in verdicts]


@pytest.fixture(scope="module")
def atlas() -> tuple[frozenset[int], UrnFacts]:
    """The real atlas URNs and the DfE facts about every other URN (as the page loads them)."""
    schools = embedded.read_schools()
    facts = UrnFacts.from_frames(embedded.read_other_establishments(), schools)
    return frozenset(int(u) for u in schools["urn"]), facts


def check_like_the_page(case: dict, atlas, existing: pd.DataFrame = EMPTY):
    """Read, map and check a corpus file exactly as the import page does."""
    known, facts = atlas
    content = (CORPUS / case["file"]).read_bytes()
    try:
        links_file = spreadsheets.read_links_file(content, case["file"])
    except SheetChoiceError:
        links_file = spreadsheets.read_links_file(content, case["file"], sheet=case["sheet"])
    mapping = spreadsheets.guess_mapping(list(links_file.frame.columns))
    report = import_check.validate_import(links_file, mapping, known, existing, urn_facts=facts)
    return links_file, mapping, report


def test_the_corpus_covers_every_verdict_and_is_what_the_script_writes(tmp_path):
    """The committed files are exactly what make_import_corpus.py writes (it is deterministic)."""
    assert {c["verdict"] for c in CASES} == {"accepted", "rows refused", "refused", "choose sheet"}
    script = (FIXTURES / "make_import_corpus.py").read_text("utf-8")
    out = tmp_path / "corpus"
    code = script.replace(
        'OUT = Path(__file__).resolve().parent / "import_corpus"', f"OUT = Path({str(out)!r})"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    committed = {p.name: p.read_bytes() for p in CORPUS.iterdir()}
    assert written == committed


@pytest.mark.parametrize("case", by_verdict("refused"), ids=lambda c: c["file"])
def test_an_unusable_file_gets_one_plain_message(case):
    with pytest.raises(ImportFileError) as info:
        spreadsheets.read_links_file((CORPUS / case["file"]).read_bytes(), case["file"])
    message = str(info.value)
    assert case["message"] in message
    assert case.get("advice", "") in message
    assert not isinstance(info.value, SheetChoiceError)


@pytest.mark.parametrize("case", by_verdict("accepted", "choose sheet"), ids=lambda c: c["file"])
def test_a_good_file_is_ready_and_says_what_it_read_differently(case, atlas):
    _, mapping, report = check_like_the_page(case, atlas)
    assert report.ok, report.errors[["line", "message"]].to_dict("records")
    assert len(report.new_links) == case["new_links"]
    told = "\n".join(report.notes)
    assert all(phrase in told for phrase in case.get("notes", [])), told
    listed = "\n".join(report.normalisations)
    assert all(phrase in listed for phrase in case.get("normalisations", [])), listed
    assert {k: mapping[k] for k in case.get("mapping", {})} == case.get("mapping", {})
    by_line = report.rows.set_index("line")
    for line, words in case.get("dates", {}).items():
        assert by_line.loc[int(line), "start_date"] == words


@pytest.mark.parametrize("case", by_verdict("rows refused"), ids=lambda c: c["file"])
def test_every_bad_row_is_named_in_one_pass(case, atlas):
    _, _, report = check_like_the_page(case, atlas)
    errors = dict(zip(report.errors["line"].astype(str), report.errors["message"], strict=True))
    assert set(errors) == set(case["error_lines"])
    for line, phrase in case["error_lines"].items():
        assert phrase in errors[line], (line, errors[line])
    told = "\n".join(report.notes)
    assert all(phrase in told for phrase in case.get("notes", [])), told
    assert set(report.rows["result"]) <= {"new", "error"}


def test_several_link_sheets_make_the_officer_choose():
    case = next(c for c in CASES if c["verdict"] == "choose sheet")
    content = (CORPUS / case["file"]).read_bytes()
    with pytest.raises(SheetChoiceError) as info:
        spreadsheets.read_links_file(content, case["file"])
    assert info.value.sheets == case["sheets"]
    chosen = spreadsheets.read_links_file(content, case["file"], sheet=case["sheet"])
    assert any(f"sheet(s) '{case['sheets'][0]}' were not imported" in n for n in chosen.notes)


def _wipe(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(model.audit_table.delete())
        connection.execute(model.links_table.delete())


def test_accepted_files_are_stored_byte_for_byte(register, atlas):
    """Every accepted file commits; notes and names come back exactly as in the file."""
    known, _ = atlas
    for case in by_verdict("accepted", "choose sheet"):
        _wipe(register)
        _, _, report = check_like_the_page(case, atlas, queries.list_links(register))
        added = import_check.commit_import(
            register, report, ANN, known_urns=known, file_name=case["file"], file_sha256="x"
        )
        assert added == case["new_links"], case["file"]
        stored = queries.list_links(register).sort_values("link_id")
        lines = report.rows.loc[report.rows["result"] == "new", "line"].tolist()
        by_line = dict(zip(lines, stored.to_dict("records"), strict=True))
        for line, fields in case.get("stored", {}).items():
            for name, text in fields.items():
                assert by_line[int(line)][name].encode() == text.encode(), (case["file"], line)


def test_refused_rows_write_nothing(register, atlas):
    known, _ = atlas
    before = queries.list_links(register)
    for case in by_verdict("rows refused"):
        _, _, report = check_like_the_page(case, atlas, before)
        with pytest.raises(ImportFileError, match="nothing was imported"):
            import_check.commit_import(
                register, report, ANN, known_urns=known, file_name=case["file"], file_sha256="x"
            )
    pd.testing.assert_frame_equal(queries.list_links(register), before)


def test_reimporting_an_accepted_file_adds_nothing(register, atlas):
    known, _ = atlas
    case = next(c for c in CASES if c["file"] == "exact_text.xlsx")
    _, _, report = check_like_the_page(case, atlas)
    import_check.commit_import(
        register, report, ANN, known_urns=known, file_name=case["file"], file_sha256="x"
    )
    _, _, again = check_like_the_page(case, atlas, existing=queries.list_links(register))
    assert set(again.rows["result"]) == {"already recorded"}
