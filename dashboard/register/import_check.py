"""Check every row of an imported spreadsheet, report problems by line, commit all or none.

Nothing is written until :func:`commit_import` receives a report without
errors; then every new link is added in one transaction. Re-importing a file
skips links already recorded with the same details, so it never duplicates them.
Every normalisation (a URN written "136925.0", a status written "Live") is
listed in the report, so the officer sees it before confirming.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from dashboard.register import import_rows, store, validation
from dashboard.register import import_rules as rules
from dashboard.register.auth import User, require_officer
from dashboard.register.column_mapping import FIELD_LABELS, FIELDS, REQUIRED_FIELDS, how_matched
from dashboard.register.link_rows import pair_key
from dashboard.register.model import LinkInput, imports_table, links_table
from dashboard.register.spreadsheet_formats import ImportFileError
from dashboard.register.spreadsheets import LinksFile, guess_mapping
from dashboard.register.urn_facts import UrnFacts

REPORT_COLUMNS = ("line", "result", "message", *FIELDS)


@dataclass
class ImportReport:
    """The outcome of checking a file: one row per spreadsheet row, in file order."""

    rows: pd.DataFrame
    links: list[LinkInput | None]
    notes: list[str] = field(default_factory=list)
    normalisations: list[str] = field(default_factory=list)
    mapping_df: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def errors(self) -> pd.DataFrame:
        """Rows that cannot be imported."""
        return self.rows[self.rows["result"] == "error"]

    @property
    def ok(self) -> bool:
        """True when no row has an error (the file can be committed)."""
        return self.errors.empty

    @property
    def new_links(self) -> list[LinkInput]:
        """Links that the commit would add (rows already recorded are skipped)."""
        return [
            link
            for link, result in zip(self.links, self.rows["result"], strict=True)
            if link is not None and result == "new"
        ]


def mapping_table(mapping: Mapping[str, str | None], columns: list[str]) -> pd.DataFrame:
    """Which column each field is read from, and why, for the officer to check.

    Parameters
    ----------
    mapping : mapping
        Field -> the file's column (or None).
    columns : list of str
        The file's headings.

    Returns
    -------
    pandas.DataFrame
        ``field``, ``column``, ``how``.
    """
    guessed = guess_mapping(columns)
    return pd.DataFrame(
        [
            {
                "field": FIELD_LABELS[name],
                "column": mapping.get(name) or "",
                "how": how_matched(name, mapping.get(name), guessed[name]),
            }
            for name in FIELDS
        ]
    )


def _check_mapping(mapping: Mapping[str, str | None], frame: pd.DataFrame) -> None:
    missing = [FIELD_LABELS[f] for f in REQUIRED_FIELDS if not mapping.get(f)]
    if not mapping.get("partner_urn") and not mapping.get("partner_name"):
        missing.append("Partner school URN (or, for a school abroad, its name and country)")
    if missing:
        raise ImportFileError(
            f"Choose the column that holds: {'; '.join(missing)}. "
            f"The file's columns are: {', '.join(map(str, frame.columns))}."
        )
    absent = [c for c in mapping.values() if c and c not in frame.columns]
    if absent:
        raise ImportFileError(f"The file has no column named {', '.join(absent)}.")
    chosen = [c for c in mapping.values() if c]
    twice = sorted({c for c in chosen if chosen.count(c) > 1})
    if twice:
        raise ImportFileError(
            f"Column {', '.join(repr(c) for c in twice)} is chosen for two fields; choose "
            "one column per field."
        )


def _file_notes(mapping: Mapping[str, str | None], frame: pd.DataFrame) -> list[str]:
    notes = []
    used = {c for c in mapping.values() if c}
    ignored = [c for c in frame.columns if c not in used and frame[c].ne("").any()]
    if ignored:
        notes.append(
            f"Column(s) {', '.join(repr(c) for c in ignored)} hold values but are not imported: "
            "no field reads them. Choose them below if they should be."
        )
    if not mapping.get("mode"):
        notes.append("No column holds the mode: every link is recorded as 'not recorded'.")
    if not mapping.get("meetings_this_year"):
        notes.append("No column holds meetings this year: every link is recorded with 0.")
    return notes


def _key(link: LinkInput) -> tuple:
    return pair_key(link.school_urn, link.partner_urn, link.partner_name, link.partner_country)


def _details(link: LinkInput) -> tuple:
    return (
        tuple(sorted(link.link_types)),
        link.mode,
        link.status,
        link.start_date,
        link.end_date,
        link.meetings_this_year,
        link.notes or "",
        link.partner_name or "",
        link.partner_country or "",
    )


def _existing(existing_links_df: pd.DataFrame) -> tuple[dict[tuple, tuple], set[tuple]]:
    """Pairs not ended -> (link id, details); and the details of every ended link."""
    live: dict[tuple, tuple] = {}
    ended: set[tuple] = set()
    for r in existing_links_df.itertuples(index=False):
        link = LinkInput(
            school_urn=int(r.school_urn),
            partner_urn=None if pd.isna(r.partner_urn) else int(r.partner_urn),
            partner_name=None if pd.isna(r.partner_name) else r.partner_name,
            partner_country=None if pd.isna(r.partner_country) else r.partner_country,
            link_types=tuple(r.link_types),
            mode=r.mode,
            status=r.status,
            start_date=None if pd.isna(r.start_date) else r.start_date,
            end_date=None if pd.isna(r.end_date) else r.end_date,
            meetings_this_year=int(r.meetings_this_year),
            notes=r.notes or "",
        )
        if link.status == "ended":
            ended.add((_key(link), _details(link)))
        else:
            live.setdefault(_key(link), (int(r.link_id), _details(link)))
    return live, ended


def validate_import(
    links_file: LinksFile,
    mapping: Mapping[str, str | None],
    known_urns: Container[int],
    existing_links_df: pd.DataFrame,
    *,
    urn_facts: UrnFacts | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check every row; report each problem with its line in the file, all in one pass.

    Parameters
    ----------
    links_file : LinksFile
        From :func:`dashboard.register.spreadsheets.read_links_file`.
    mapping : mapping
        Field -> the file's column (or None), e.g. from :func:`guess_mapping`.
    known_urns : container of int
        URNs of schools in the atlas.
    existing_links_df : pandas.DataFrame
        The register now (:func:`dashboard.register.queries.list_links`).
    urn_facts : UrnFacts or None
        Says why a URN is not in the atlas (closed, Welsh, independent ...).
    progress : callable or None
        ``progress(done, total)`` every few thousand rows.

    Returns
    -------
    ImportReport
        ``rows`` has ``line`` (the physical line in the file, headings counted),
        ``result`` (``new``, ``already recorded`` or ``error``), ``message``
        and every field as it will be stored (dates in words).

    Raises
    ------
    ImportFileError
        If a required field has no column, or a column is chosen twice.
    """
    frame = links_file.frame
    _check_mapping(mapping, frame)
    columns = {name: mapping.get(name) for name in FIELDS}
    texts = {name: (frame[c].tolist() if c else None) for name, c in columns.items()}
    field_of = {c: name for name, c in columns.items() if c}
    kinds_by_field = {
        (position, field_of[column]): kind
        for (position, column), kind in links_file.cell_kinds.items()
        if column in field_of
    }
    explain = (urn_facts or UrnFacts()).explain
    live, ended = _existing(existing_links_df)
    seen: dict[tuple, int] = {}
    reader, normalised = import_rows.FieldReader(), rules.Normalisations()
    records, links = [], []
    total = len(frame)
    for position, line in enumerate(links_file.lines):
        cells = {n: (t[position] if t is not None else "") for n, t in texts.items()}
        problems = list(links_file.row_problems.get(position, []))
        values: dict[str, object] = {}
        if not problems:
            kinds = {n: kinds_by_field.get((position, n)) for n in columns}
            values, problems = import_rows.parse_row(
                cells, kinds, columns, reader, normalised, line
            )
        link, result = None, "new"
        if problems:  # a cell could not be read: still say what is wrong with the URNs
            problems += _urn_problems(values, known_urns, explain)
        else:
            link = import_rows.link_from(values)
            problems = validation.validate_link(
                link, known_urns, lambda urn, label: explain(urn, label, known_urns)
            )
        if link is not None and not problems:
            result, problem = _against_register(link, line, live, ended, seen)
            if problem:
                problems.append(problem)
        if problems:
            result, link = "error", None
        records.append(
            {
                "line": line,
                "result": result,
                "message": "; ".join(problems) if problems else _MESSAGES[result],
                **{n: import_rows.display(n, values.get(n, cells[n])) for n in FIELDS},
            }
        )
        links.append(link)
        if progress is not None and (position + 1) % 2000 == 0:
            progress(position + 1, total)
    if progress is not None:
        progress(total, total)
    return ImportReport(
        rows=pd.DataFrame(records, columns=list(REPORT_COLUMNS)),
        links=links,
        notes=[*links_file.notes, *_file_notes(mapping, frame)],
        normalisations=normalised.messages(),
        mapping_df=mapping_table(mapping, list(frame.columns)),
    )


def _urn_problems(
    values: Mapping[str, object],
    known_urns: Container[int],
    explain: Callable[[int, str, Container[int]], str],
) -> list[str]:
    found = []
    for name, label in (("school_urn", "School URN"), ("partner_urn", "Partner school URN")):
        urn = values.get(name)
        if isinstance(urn, int) and urn not in known_urns:
            found.append(explain(urn, label, known_urns))
    return found


_MESSAGES = {
    "new": "ready to add",
    "already recorded": "already in the register with the same details: skipped",
}


def _against_register(
    link: LinkInput,
    line: int,
    live: dict[tuple, tuple],
    ended: set[tuple],
    seen: dict[tuple, int],
) -> tuple[str, str | None]:
    """``(result, problem)`` of a valid link against the file so far and the register."""
    key, details = _key(link), _details(link)
    if link.status == "ended":  # an ended link never blocks another; identical ones repeat
        first = seen.get((key, details))
        if first is not None:
            return "error", f"the same link as line {first}, repeated"
        seen[(key, details)] = line
        return ("already recorded" if (key, details) in ended else "new"), None
    if key in seen:
        return "error", f"duplicate of line {seen[key]}: the same two schools again"
    seen[key] = line
    match = live.get(key)
    if match is None:
        return "new", None
    if match[1] == details:
        return "already recorded", None
    return "error", (
        f"these schools are already linked in the register (link #{match[0]}) with different "
        "details; edit that link instead"
    )


def file_checksum(content: bytes) -> str:
    """sha256 of an uploaded file (recorded with each import).

    Parameters
    ----------
    content : bytes
        The file.

    Returns
    -------
    str
        Hex digest.
    """
    return hashlib.sha256(content).hexdigest()


def commit_import(
    engine: sa.Engine,
    report: ImportReport,
    actor: User,
    *,
    known_urns: Container[int],
    file_name: str,
    file_sha256: str,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Add a checked file's new links in one transaction: all of them, or none.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    report : ImportReport
        From :func:`validate_import`; must have no errors.
    actor : User
        Must be a council officer.
    known_urns : container of int
        URNs of schools in the atlas.
    file_name, file_sha256 : str
        Recorded with the import.
    progress : callable or None
        ``progress(done, total)`` as the links are written.

    Returns
    -------
    int
        How many links were added.

    Raises
    ------
    ImportFileError
        If the report has errors (nothing is written).
    """
    require_officer(actor, "import links")
    if not report.ok:
        raise ImportFileError(
            f"{len(report.errors)} row(s) have problems; nothing was imported. Fix them and "
            "upload the file again."
        )
    new = report.new_links
    if not new:
        return 0
    # A file name longer than the columns is cut to fit (PostgreSQL would refuse it).
    kept_name = file_name[: text_limit_of(imports_table, "file_name")]
    source = f"imported from {file_name}"[: text_limit_of(links_table, "source")]
    store.add_links(
        engine,
        new,
        actor,
        known_urns=known_urns,
        source=source,
        progress=progress,
        file_name=kept_name,
        file_sha256=file_sha256,
    )
    return len(new)


def text_limit_of(table: sa.Table, column: str) -> int:
    """The most characters a column of ``table`` holds, from the model."""
    return int(table.c[column].type.length)
