"""Turn one row of a council's spreadsheet into a link, field by field, by the import rules.

Each distinct cell text is read once per import (a register repeats the same
codes and dates thousands of times), which keeps 100,000 rows quick.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from dashboard import config
from dashboard.register import import_rules as rules
from dashboard.register.column_mapping import FIELD_LABELS
from dashboard.register.model import LinkInput


class FieldReader:
    """Reads one field's cells by its rule, each distinct text once (files repeat codes)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str, str | None], rules.Cell] = {}

    def read(self, name: str, text: str, kind: str | None) -> rules.Cell:
        """Read a cell's text by the rule of field ``name`` (``kind``: its Excel type)."""
        key = (name, text, kind)
        cell = self.cache.get(key)
        if cell is None:
            cell = self.cache[key] = _read_cell(name, text, kind)
        return cell


def _read_cell(name: str, text: str, kind: str | None) -> rules.Cell:
    if name in ("school_urn", "partner_urn", "meetings_this_year"):
        return rules.read_whole_number(text, FIELD_LABELS[name], kind=kind)
    if name in ("start_date", "end_date"):
        return rules.read_date(text, kind=kind)
    if name == "link_types":
        return rules.read_link_types(text, config.LINK_TYPES)
    if name == "mode":
        return rules.read_words(text, rules.MODE_WORDS, config.MODES)
    if name == "status":
        return rules.read_words(text, rules.STATUS_WORDS, config.STATUSES)
    limit = {
        "notes": config.NOTES_MAX_CHARS,
        "partner_name": config.PARTNER_NAME_MAX_CHARS,
        "partner_country": config.PARTNER_COUNTRY_MAX_CHARS,
    }[name]
    return rules.read_text(text, kind, limit)


def parse_row(
    cells: Mapping[str, str],
    kinds: Mapping[str, str | None],
    columns: Mapping[str, str | None],
    reader: FieldReader,
    normalised: rules.Normalisations,
    line: int,
) -> tuple[dict[str, object], list[str]]:
    """Every mapped field of one row: values, and problems naming field and column."""
    values: dict[str, object] = {}
    problems: list[str] = []
    for name, column in columns.items():
        if column is None:
            continue
        cell = reader.read(name, cells[name], kinds.get(name))
        if cell.problem is not None:
            problems.append(f"{FIELD_LABELS[name]} (column '{column}'): {cell.problem}")
        else:
            values[name] = cell.value
            normalised.add(name, cell, line)
    if columns.get("mode") and cells.get("mode", "").strip() == "":
        values["mode"] = "not recorded"
        normalised.add("mode", rules.Cell(rule="empty, recorded as 'not recorded'"), line)
    if "meetings_this_year" in values and values["meetings_this_year"] is None:
        normalised.add("meetings_this_year", rules.Cell(rule="empty, recorded as 0"), line)
    for name, what in (
        ("school_urn", "School URN is empty"),
        ("status", "Status is empty"),
        ("link_types", "Link type(s) is empty"),
    ):
        if name in values and values[name] in (None, ()):
            problems.append(f"{what} (column '{columns[name]}')")
    return values, problems


def link_from(values: Mapping[str, object]) -> LinkInput:
    """The link a row's read values describe (defaults for the fields it leaves out)."""
    return LinkInput(
        school_urn=int(values["school_urn"]),  # type: ignore[call-overload]
        partner_urn=values.get("partner_urn"),  # type: ignore[arg-type]
        partner_name=values.get("partner_name") or None,  # type: ignore[arg-type]
        partner_country=values.get("partner_country") or None,  # type: ignore[arg-type]
        link_types=values.get("link_types") or (),  # type: ignore[arg-type]
        mode=values.get("mode") or "not recorded",  # type: ignore[arg-type]
        status=values["status"],  # type: ignore[arg-type]
        start_date=values.get("start_date"),  # type: ignore[arg-type]
        end_date=values.get("end_date"),  # type: ignore[arg-type]
        meetings_this_year=values.get("meetings_this_year") or 0,  # type: ignore[arg-type]
        notes=values.get("notes") or "",  # type: ignore[arg-type]
    )


def display(name: str, value: object) -> object:
    """A value as the preview shows it: dates in words, link types joined."""
    if isinstance(value, date):
        return rules.in_words(value)
    if name == "link_types" and isinstance(value, tuple):
        return ", ".join(value)
    return value
