"""Check every row of an imported spreadsheet, report problems by row, commit all or none.

Nothing is written until :func:`commit_import` receives a report without
errors; then every new link is added in one transaction. Re-importing a file
skips links already recorded with the same details, so it never duplicates them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from dashboard.config import LINK_TYPES, MODES, STATUSES
from dashboard.register import store, validation
from dashboard.register.auth import User, require_officer
from dashboard.register.model import LinkInput
from dashboard.register.spreadsheets import FIELD_LABELS, FIELDS, REQUIRED_FIELDS, ImportFileError

_TYPE_WORDS = {
    "ethnicity": "ethnicity",
    "ethnic": "ethnicity",
    "race": "ethnicity",
    "faith": "faith",
    "religion": "faith",
    "religious": "faith",
    "interfaith": "faith",
    "socio-economic": "socio-economic",
    "socioeconomic": "socio-economic",
    "socio economic": "socio-economic",
    "social": "socio-economic",
    "class": "socio-economic",
    "international": "international",
    "overseas": "international",
    "global": "international",
    "other": "other",
}
_MODE_WORDS = {
    "in person": "in person",
    "in-person": "in person",
    "face to face": "in person",
    "face-to-face": "in person",
    "visits": "in person",
    "virtual": "virtual",
    "online": "virtual",
    "remote": "virtual",
    "both": "both",
    "blended": "both",
    "mixed": "both",
    "hybrid": "both",
    "not recorded": "not recorded",
    "unknown": "not recorded",
}
_STATUS_WORDS = {
    "proposed": "proposed",
    "planned": "proposed",
    "planning": "proposed",
    "pending": "proposed",
    "active": "active",
    "live": "active",
    "current": "active",
    "running": "active",
    "ended": "ended",
    "finished": "ended",
    "closed": "ended",
    "stopped": "ended",
}


@dataclass
class ImportReport:
    """The outcome of checking a file: one row per spreadsheet row."""

    rows: pd.DataFrame
    links: list[LinkInput | None]
    notes: list[str] = field(default_factory=list)

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


def _parse_int(text: object) -> int | None:
    if text is None or pd.isna(text) or str(text).strip() == "":
        return None
    value = str(text).strip()
    if re.fullmatch(r"\d+(\.0+)?", value):
        return int(float(value))
    raise ValueError(value)


def _parse_date(text: object) -> date | None:
    if text is None or pd.isna(text) or str(text).strip() == "":
        return None
    value = str(text).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _parse_words(text: object, words: Mapping[str, str]) -> list[str]:
    if text is None or pd.isna(text):
        return []
    parts = [p.strip().lower() for p in re.split(r"[,;/|+&]| and ", str(text)) if p.strip()]
    return [words.get(p, f"?{p}") for p in parts]


def parse_row(row: Mapping[str, object]) -> tuple[LinkInput | None, list[str]]:
    """Turn one spreadsheet row (field -> cell text) into a link, or say what is wrong.

    Parameters
    ----------
    row : mapping
        Field name -> cell text (missing or None for empty cells).

    Returns
    -------
    tuple
        ``(link, problems)``: the link is None when the row cannot be read.

    Examples
    --------
    >>> link, problems = parse_row({"school_urn": "136925", "partner_urn": "116859",
    ...     "link_types": "Faith; ethnicity", "status": "Live", "start_date": "01/09/2025"})
    >>> link.link_types, link.status, link.start_date.isoformat(), problems
    (('ethnicity', 'faith'), 'active', '2025-09-01', [])
    """
    problems: list[str] = []
    parsed: dict[str, object] = {}
    for name in ("school_urn", "partner_urn", "meetings_this_year"):
        try:
            parsed[name] = _parse_int(row.get(name))
        except ValueError as exc:
            problems.append(f"{FIELD_LABELS[name]} '{exc}' is not a whole number")
    for name in ("start_date", "end_date"):
        try:
            parsed[name] = _parse_date(row.get(name))
        except ValueError as exc:
            problems.append(f"{FIELD_LABELS[name]} '{exc}' is not a date (use DD/MM/YYYY)")
    types = _parse_words(row.get("link_types"), _TYPE_WORDS)
    bad_types = [t[1:] for t in types if t.startswith("?")]
    if bad_types:
        problems.append(f"unknown link type '{', '.join(bad_types)}' (use {', '.join(LINK_TYPES)})")
    modes = _parse_words(row.get("mode") or "not recorded", _MODE_WORDS)
    statuses = _parse_words(row.get("status"), _STATUS_WORDS)
    if len(modes) != 1 or modes[0] not in MODES:
        problems.append(f"unknown mode '{row.get('mode')}' (use {', '.join(MODES)})")
    if len(statuses) != 1 or statuses[0] not in STATUSES:
        shown = row.get("status")
        problems.append(
            "status is missing"
            if shown is None or pd.isna(shown) or str(shown) == ""
            else f"unknown status '{shown}' (use {', '.join(STATUSES)})"
        )
    if parsed.get("school_urn") is None and not any("School URN" in p for p in problems):
        problems.append("School URN is missing")
    if problems:
        return None, problems

    def text(name):
        return None if row.get(name) is None or pd.isna(row.get(name)) else str(row.get(name))

    link = LinkInput(
        school_urn=int(parsed["school_urn"]),  # type: ignore[arg-type]
        partner_urn=parsed["partner_urn"],  # type: ignore[arg-type]
        partner_name=text("partner_name"),
        partner_country=text("partner_country"),
        link_types=tuple(sorted({t for t in types if not t.startswith("?")})),
        mode=modes[0],
        status=statuses[0],
        start_date=parsed["start_date"],  # type: ignore[arg-type]
        end_date=parsed["end_date"],  # type: ignore[arg-type]
        meetings_this_year=parsed["meetings_this_year"] or 0,  # type: ignore[arg-type]
        notes=text("notes") or "",
    )
    return link, []


def _pair_key(link: LinkInput) -> tuple:
    if link.partner_urn is not None:
        return ("school", *sorted((link.school_urn, link.partner_urn)))
    return (
        "abroad",
        link.school_urn,
        (link.partner_name or "").strip().lower(),
        (link.partner_country or "").strip().lower(),
    )


def _same_details(link: LinkInput, existing: pd.Series) -> bool:
    def clean(value: object) -> object:
        return None if value is None or pd.isna(value) or value == "" else value

    return (
        tuple(sorted(link.link_types)) == tuple(sorted(existing["link_types"]))
        and link.mode == existing["mode"]
        and link.status == existing["status"]
        and clean(link.start_date) == clean(existing["start_date"])
        and clean(link.end_date) == clean(existing["end_date"])
        and link.meetings_this_year == int(existing["meetings_this_year"])
        and (link.notes or "") == (existing["notes"] or "")
    )


def validate_import(
    frame: pd.DataFrame,
    mapping: Mapping[str, str | None],
    known_urns: Container[int],
    existing_links_df: pd.DataFrame,
) -> ImportReport:
    """Check every row; report each problem with its spreadsheet row number.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`read_links_file`.
    mapping : mapping
        Field -> the file's column (or None), e.g. from :func:`guess_mapping`.
    known_urns : container of int
        URNs of schools in the atlas.
    existing_links_df : pandas.DataFrame
        The register now (:func:`dashboard.register.store.list_links`).

    Returns
    -------
    ImportReport
        ``rows`` has ``row`` (as numbered in the spreadsheet, heading = 1),
        ``result`` (``new``, ``already recorded`` or ``error``) and
        ``message``, plus the parsed values.

    Raises
    ------
    ImportFileError
        If a required field has no column.
    """
    missing = [FIELD_LABELS[f] for f in REQUIRED_FIELDS if not mapping.get(f)]
    if missing:
        raise ImportFileError(
            f"Choose the column that holds: {', '.join(missing)}. "
            f"The file's columns are: {', '.join(map(str, frame.columns))}."
        )
    absent = [c for c in mapping.values() if c and c not in frame.columns]
    if absent:
        raise ImportFileError(f"The file has no column named {', '.join(absent)}.")
    # Every stored link, ended ones too: importing a file again must add nothing,
    # and an ended link in the file is "already recorded" when its details match.
    existing_by_pair: dict[tuple, list] = {}
    for r in existing_links_df.itertuples(index=False):
        key = _pair_key(
            LinkInput(
                school_urn=int(r.school_urn),
                partner_urn=None if pd.isna(r.partner_urn) else int(r.partner_urn),
                partner_name=r.partner_name,
                partner_country=r.partner_country,
            )
        )
        existing_by_pair.setdefault(key, []).append(r)
    seen: dict[tuple, int] = {}
    records, links = [], []
    for position, (_, cells) in enumerate(frame.iterrows()):
        row_number = position + 2
        row = {name: cells[column] if column else None for name, column in mapping.items()}
        link, problems = parse_row(row)
        result = "new"
        if link is not None:
            problems = validation.validate_link(link, known_urns)
        if link is not None and not problems:
            key = _pair_key(link)
            if key in seen:
                problems.append(f"duplicate of row {seen[key]}: the same two schools again")
            else:
                seen[key] = row_number
                stored = existing_by_pair.get(key, [])
                live = [r for r in stored if r.status != "ended"]
                if any(_same_details(link, pd.Series(r._asdict())) for r in stored):
                    result = "already recorded"
                elif live:
                    problems.append(
                        f"these schools are already linked in the register (link "
                        f"#{live[0].link_id}) with different details; edit that link instead"
                    )
        if problems:
            result = "error"
        records.append(
            {
                "row": row_number,
                "result": result,
                "message": "; ".join(problems)
                if problems
                else (
                    "already in the register with the same details: skipped"
                    if result == "already recorded"
                    else "ready to add"
                ),
                **{name: row.get(name) for name in FIELDS},
            }
        )
        links.append(link if not problems else None)
    return ImportReport(pd.DataFrame(records), links)


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
        ``progress(done, total)`` after each link.

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
    store.add_links(
        engine,
        new,
        actor,
        known_urns=known_urns,
        source=f"imported from {file_name}",
        progress=progress,
        file_name=file_name,
        file_sha256=file_sha256,
    )
    return len(new)
