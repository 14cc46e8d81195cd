"""Read each cell of an imported spreadsheet by its field's rule; list every normalisation.

Text fields (notes, the partner's name and country) are kept exactly as given.
Identifiers and codes (URNs, link types, mode, status, dates, meetings) may be
read from a usual variant ("Live" as active, "136925.0" as 136925), and every
such reading is recorded in :class:`Normalisations` so the officer sees it
before anything is saved. A cell that cannot be read exactly is a problem of
its row, in words that say what is wrong and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from dashboard import config
from dashboard.analysis.calendar import day_in_words as in_words
from dashboard.register.column_mapping import FIELD_LABELS
from dashboard.register.spreadsheet_formats import join_lines

TYPE_WORDS = {
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
MODE_WORDS = {
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
STATUS_WORDS = {
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
_SPLIT_TYPES = re.compile(r"[,;/|+&]| and ", flags=re.IGNORECASE)
_WHOLE = re.compile(r"[0-9]+")
_WHOLE_FLOAT = re.compile(r"([0-9]+)\.0+")
_DECIMAL = re.compile(r"-?[0-9]*\.[0-9]+")
_SCIENTIFIC = re.compile(r"-?[0-9.]+[eE][+-]?[0-9]+")
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2}|[0-9]{4})")
_MIDNIGHT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]00:00(:00)?")


def shown(text: str, limit: int = 60) -> str:
    r"""A cell's text for a message: tabs and line breaks made visible, long text cut.

    Examples
    --------
    >>> shown("a\tb\r\nc")
    'a\\tb\\r\\nc'
    """
    visible = text.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"


@dataclass
class Normalisations:
    """What was read differently from the file's text, grouped by field and rule."""

    groups: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    examples: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, name: str, cell: Cell, line: int) -> None:
        """Record that field ``name`` on ``line`` was read by the cell's rule."""
        if cell.rule is None:
            return
        key = (name, cell.rule)
        self.groups.setdefault(key, []).append(line)
        if cell.example is not None:
            self.examples.setdefault(key, cell.example)

    def messages(self) -> list[str]:
        """One line per rule, e.g. "Status: 'live' read as active: lines 2, 7"."""
        order = {name: i for i, name in enumerate(FIELD_LABELS)}
        items = sorted(self.groups.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[1][0]))
        result = []
        for key, lines in items:
            example = f" (e.g. {self.examples[key]})" if key in self.examples else ""
            plural = "s" if len(lines) > 1 else ""
            label = FIELD_LABELS.get(key[0], key[0])
            result.append(f"{label}: {key[1]}{example}: line{plural} {join_lines(lines)}")
        return result


@dataclass(frozen=True)
class Cell:
    """One cell's reading: the value, and either a normalisation rule or a problem."""

    value: object = None
    rule: str | None = None
    example: str | None = None
    problem: str | None = None


def read_whole_number(text: str, label: str, *, kind: str | None = None) -> Cell:
    """Read a URN or a count: a whole number, perhaps written ``136925.0`` or with spaces.

    Examples
    --------
    >>> read_whole_number("136925.0", "School URN").rule
    'written as a decimal number, read as a whole number'
    >>> read_whole_number("1.37E+05", "School URN").problem[:30]
    "'1.37E+05' is in scientific no"
    """
    value = text.strip()
    if not value:
        return Cell()
    rule = "written with spaces around it, read without them" if value != text else None
    if _WHOLE.fullmatch(value):
        number = int(value)
        if rule is None and value != str(number):
            rule = "written with leading zeros, read without them"
        return Cell(number, rule, f"'{shown(text)}' read as {number}")
    whole = _WHOLE_FLOAT.fullmatch(value)
    if whole:
        number = int(whole.group(1))
        rule = "written as a decimal number, read as a whole number"
        return Cell(number, rule, f"'{shown(text)}' read as {number}")
    if value.startswith("-") and _WHOLE.fullmatch(value[1:]):
        return Cell(problem=f"'{value}' is negative; {label} cannot be below 0")
    if _SCIENTIFIC.fullmatch(value):
        return Cell(
            problem=f"'{value}' is in scientific notation, so digits may have been lost; "
            "format the column as Number with no decimals (or as Text) and export again"
        )
    if _DECIMAL.fullmatch(value):
        return Cell(problem=f"'{value}' is not a whole number")
    return Cell(problem=f"'{shown(value)}' is not a whole number (e.g. 136925)")


def read_date(text: str, *, kind: str | None = None) -> Cell:
    """Read a date written day first (dd/mm/yyyy), as ISO, or from an Excel date cell.

    Examples
    --------
    >>> read_date("02/09/2024").value
    datetime.date(2024, 9, 2)
    >>> read_date("09/13/2024").problem.split(";")[0]
    'month 13 does not exist'
    """
    value = text.strip()
    if not value:
        return Cell()
    if kind == "date":
        midnight = _MIDNIGHT.fullmatch(value)
        plain = midnight.group(1) if midnight else value
        try:
            day = date.fromisoformat(plain)
        except ValueError:
            return Cell(problem=f"the Excel date and time '{value}' has a time of day")
        return Cell(day, "Excel date cells, read as the date", in_words(day))
    midnight = _MIDNIGHT.fullmatch(value)
    if midnight:
        day = date.fromisoformat(midnight.group(1))
        return Cell(day, "written with a time of 00:00, read as the date", f"'{value}'")
    for fmt, name in config.IMPORT_DATE_FORMATS:
        try:
            day = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        example = f"'{shown(text)}' read as {in_words(day)}"
        if fmt.endswith("%y"):
            return Cell(day, "written with a two-digit year, read as 20yy", example)
        return Cell(day, f"written {name}", example)
    return Cell(problem=_date_problem(value))


def _date_problem(value: str) -> str:
    parts = _DAY_MONTH_YEAR.fullmatch(value)
    advice = "write dates day first, as dd/mm/yyyy (e.g. 02/09/2024)"
    if parts:
        day, month = int(parts.group(1)), int(parts.group(2))
        if month > 12 and day <= 12:
            return (
                f"month {month} does not exist; it looks written month first (US style): {advice}"
            )
        if month > 12:
            return f"month {month} does not exist; {advice}"
        return f"'{value}' is not a real date (there is no day {day} in month {month})"
    if re.search(r"[0-9]{1,2}:[0-9]{2}", value):
        return f"'{shown(value)}' has a time of day; give the date only, as dd/mm/yyyy"
    return f"'{shown(value)}' is not a date; {advice}"


def read_words(text: str, words: Mapping[str, str], allowed: tuple[str, ...]) -> Cell:
    """Read one code from a list (mode, status): exact, or a listed usual wording.

    Examples
    --------
    >>> read_words("Live", STATUS_WORDS, ("proposed", "active", "ended")).rule
    "'Live' read as active"
    """
    value = text.strip()
    if not value:
        return Cell()
    found = words.get(value.lower())
    if found is None:
        return Cell(problem=f"'{shown(value)}' is not one of: {', '.join(allowed)}")
    return Cell(found, None if found == text else f"'{shown(text)}' read as {found}")


def read_link_types(text: str, allowed: tuple[str, ...]) -> Cell:
    """Read one or more link types separated by commas, semicolons, slashes or "and".

    Examples
    --------
    >>> read_link_types("Faith; ethnicity", ("ethnicity", "faith")).value
    ('ethnicity', 'faith')
    """
    parts = [p.strip() for p in _SPLIT_TYPES.split(text) if p.strip()]
    if not parts:
        return Cell(())
    unknown = [p for p in parts if p.lower() not in TYPE_WORDS]
    if unknown:
        return Cell(
            problem=f"'{shown(', '.join(unknown))}' is not a link type (use one or more of "
            f"{', '.join(allowed)}, separated by commas)"
        )
    found = tuple(sorted({TYPE_WORDS[p.lower()] for p in parts}))
    canonical = ", ".join(found)
    return Cell(found, None if canonical == text else f"'{shown(text)}' read as {canonical}")


def read_text(text: str, kind: str | None, limit: int) -> Cell:
    """Keep text exactly as given (every space, tab and line break); check its length."""
    if len(text) > limit:
        return Cell(problem=f"is {len(text):,} characters long; the most it can hold is {limit:,}")
    if kind == "escaped":
        return Cell(
            text,
            "Excel's codes for characters such as a line break (_x000D_) read as those characters",
        )
    if kind in ("number", "date", "bool"):
        return Cell(text, f"an Excel {kind} cell, stored as text", f"'{shown(text)}'")
    return Cell(text)
