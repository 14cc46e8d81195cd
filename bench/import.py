"""Time importing 50,000 links from a council spreadsheet, as the register page does (issue #11).

Prints, each on a line of its own:

* ``import_50k_sqlite_s`` — read, map, check every row and commit 50,000 valid links
  (a 5 MB CSV between real schools) into a fresh SQLite register (target ≤ 10 s);
* ``import_50k_postgres_s`` — the same into a fresh PostgreSQL database on a
  throwaway local server started here (127.0.0.1, stopped by its PID; fsync off, as
  in the tests) (target ≤ 20 s);
* ``import_50k_last_row_bad_s`` — the same file with its last row wrong: checked,
  refused, and the register verified unchanged (SQLite);
* the parts: ``read_50k_s``, ``check_50k_s``, ``commit_50k_sqlite_s``,
  ``commit_50k_postgres_s``, and ``read_50k_xlsx_s`` for the same links as .xlsx.

Usage: ``python bench/import.py``
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.data import embedded
from dashboard.register import engine as register_engine
from dashboard.register import import_check, queries, spreadsheets
from dashboard.register.auth import OFFICER, User
from dashboard.register.urn_facts import UrnFacts
from tests import postgres_server

LINKS = 50_000
ANN = User("bench", OFFICER)
TYPES = ("ethnicity", "faith", "socio-economic", "ethnicity; faith", "other")
MODES = ("in person", "virtual", "both", "")
STATUSES = ("active", "proposed", "ended", "active")


def make_file(urns: list[int], last_row_bad: bool = False) -> bytes:
    """50,000 links between distinct pairs of real schools, as a council would keep them."""
    rows = []
    n = len(urns)
    for i in range(LINKS):
        step = 1 + i // n  # pairs (i, i+1), then (i, i+2), ...: all distinct
        school, partner = urns[i % n], urns[(i % n + step) % n]
        rows.append(
            {
                "School URN": school,
                "Partner URN": partner,
                "Type of link": TYPES[i % len(TYPES)],
                "Mode": MODES[i % len(MODES)],
                "Status": STATUSES[i % len(STATUSES)],
                "Start date": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2020 + i % 6}",
                "End date": "",
                "Meetings": i % 7,
                "Notes": f"Exchange visit {i}, Year {1 + i % 6} — “letters” and a shared project",
            }
        )
    frame = pd.DataFrame(rows)
    if last_row_bad:
        frame.loc[LINKS - 1, "Partner URN"] = frame.loc[LINKS - 1, "School URN"]  # itself
    return frame.to_csv(index=False).encode("utf-8")


def run(url: str, content: bytes, known: frozenset[int], facts: UrnFacts) -> dict[str, float]:
    """Read, check and commit ``content`` into the register at ``url``; seconds per step."""
    engine = register_engine.open_register(url)
    try:
        existing = queries.list_links(engine)
        start = time.perf_counter()
        links_file = spreadsheets.read_links_file(content, "links.csv")
        mapping = spreadsheets.guess_mapping(list(links_file.frame.columns))
        read = time.perf_counter()
        report = import_check.validate_import(links_file, mapping, known, existing, urn_facts=facts)
        checked = time.perf_counter()
        if report.ok:
            added = import_check.commit_import(
                engine, report, ANN, known_urns=known, file_name="links.csv", file_sha256="x"
            )
            assert added == LINKS, added
        else:
            try:
                import_check.commit_import(
                    engine, report, ANN, known_urns=known, file_name="links.csv", file_sha256="x"
                )
                raise AssertionError("a file with a bad row was committed")
            except spreadsheets.ImportFileError:
                pass  # refused, as it must be
            after = queries.list_links(engine)
            assert after.equals(existing), "the register changed after a refused import"
            assert list(report.errors["line"]) == [LINKS + 1], report.errors.head()
        done = time.perf_counter()
        if report.ok:
            assert len(queries.list_links(engine)) == len(existing) + LINKS
    finally:
        engine.dispose()
    return {
        "read": read - start,
        "check": checked - read,
        "commit": done - checked,
        "total": done - start,
    }


def main() -> None:
    schools = embedded.read_schools()
    urns = sorted(int(u) for u in schools["urn"])
    known = frozenset(urns)
    facts = UrnFacts.from_frames(embedded.read_other_establishments(), schools)
    good, bad = make_file(urns), make_file(urns, last_row_bad=True)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = run(f"sqlite:///{tmp}/good.sqlite3", good, known, facts)
        refused = run(f"sqlite:///{tmp}/bad.sqlite3", bad, known, facts)
    with postgres_server.running_postgres() as admin_url:
        url = postgres_server.create_database(admin_url, "bench_import")
        postgres = run(url, good, known, facts)
    frame = pd.read_csv(io.BytesIO(good), dtype=str, keep_default_na=False)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="Links")
    start = time.perf_counter()
    spreadsheets.read_links_file(buffer.getvalue(), "links.xlsx")
    xlsx_s = time.perf_counter() - start

    print(f"file_mb: {len(good) / 1e6:.1f}")
    print(f"read_50k_s: {sqlite['read']:.2f}")
    print(f"check_50k_s: {sqlite['check']:.2f}")
    print(f"commit_50k_sqlite_s: {sqlite['commit']:.2f}")
    print(f"commit_50k_postgres_s: {postgres['commit']:.2f}")
    print(f"import_50k_sqlite_s: {sqlite['total']:.2f}")
    print(f"import_50k_postgres_s: {postgres['total']:.2f}")
    print(f"import_50k_last_row_bad_s: {refused['total']:.2f}")
    print(f"read_50k_xlsx_s: {xlsx_s:.2f}")


if __name__ == "__main__":
    main()
