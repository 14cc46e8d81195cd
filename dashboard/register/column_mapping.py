"""Which column of a council's spreadsheet holds which field: usual headings, telling words.

Headings are compared without case, spaces or punctuation, so "Partner school
URN", "partner_school_urn" and "PARTNER SCHOOL (URN)" are the same heading.
"""

from __future__ import annotations

import re

from dashboard.register.model import EDITABLE_FIELDS

FIELDS = EDITABLE_FIELDS
REQUIRED_FIELDS = ("school_urn", "link_types", "status")
FIELD_LABELS = {
    "school_urn": "School URN",
    "partner_urn": "Partner school URN (England)",
    "partner_name": "Partner school abroad: name",
    "partner_country": "Partner school abroad: country",
    "link_types": "Link type(s)",
    "mode": "Mode (in person / virtual / both)",
    "status": "Status (proposed / active / ended)",
    "start_date": "Start date",
    "end_date": "End date",
    "meetings_this_year": "Meetings this school year",
    "notes": "Notes",
}
# Headings seen in council spreadsheets -> our field (compared without case and punctuation).
# fmt: off
SYNONYMS = {
    "school_urn": (
        "school urn", "urn", "school 1 urn", "urn 1", "school a urn", "home school urn",
        "lead school urn", "urn of school", "urn school 1", "first school urn",
        "uk school urn", "our school urn", "english school urn",
    ),
    "partner_urn": (
        "partner urn", "partner school urn", "urn 2", "school 2 urn", "school b urn",
        "linked school urn", "urn of partner school", "partner school urn england",
        "twinned with urn", "link school urn", "urn school 2", "second school urn",
    ),
    # Only wordings that say "abroad": "Partner school" alone usually names a school in England.
    "partner_name": (
        "partner school abroad", "overseas school", "partner school abroad name",
        "international partner", "overseas partner", "school abroad", "partner abroad",
        "name of school abroad", "overseas partner school", "international partner school",
    ),
    "partner_country": (
        "partner country", "country", "partner school abroad country", "country of partner",
        "country of partner school", "overseas country",
    ),
    "link_types": (
        "link types", "link type", "type", "types", "contrast", "type of link", "focus",
        "link focus", "strand", "type s", "link type s", "kind of link",
    ),
    "mode": (
        "mode", "how", "format", "delivery", "delivery mode", "how they meet", "contact type",
        "mode in person virtual both",
    ),
    "status": ("status", "state", "link status", "current status", "status of link"),
    "start_date": (
        "start date", "start", "started", "date started", "date link began", "from",
        "start date of link", "date of first contact",
    ),
    "end_date": ("end date", "end", "ended", "date ended", "until", "end date of link"),
    "meetings_this_year": (
        "meetings this year", "meetings", "number of meetings", "visits", "no of meetings",
        "meetings this school year", "meetings this academic year", "contacts this year",
    ),
    "notes": (
        "notes", "comments", "note", "comment", "comments notes", "notes comments",
        "additional information", "further information", "details", "remarks",
    ),
}
# fmt: on
# Words in a heading that point at a field, tried when no heading matches exactly:
# (field, any of these words, and any of these too, but none of these).
_SCHOOL_WORDS = ("school", "establishment", "phase", "urn")
_KEYWORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("partner_urn", ("urn",), ("partner", "linked", "twin", "twinned", "other", "2", "b"), ()),
    ("school_urn", ("urn",), (), ()),
    ("partner_country", ("country",), (), ()),
    ("partner_name", ("abroad", "overseas", "international"), ("name", "school", "partner"), ()),
    ("link_types", ("type", "types", "focus", "strand"), (), _SCHOOL_WORDS),
    ("status", ("status",), (), _SCHOOL_WORDS),
    ("mode", ("mode", "delivery"), (), ()),
    ("start_date", ("start", "began", "started"), (), ()),
    ("end_date", ("end", "ended", "until"), (), ()),
    ("meetings_this_year", ("meetings", "meeting", "visits"), (), ()),
    ("notes", ("notes", "note", "comments", "comment"), (), ()),
)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def guess_mapping(columns: list[str]) -> dict[str, str | None]:
    """Guess which of the file's columns holds each field (each column used once).

    Exact headings and usual council wordings first, then telling words in a
    heading (e.g. "URN of the partner school").

    Parameters
    ----------
    columns : list of str
        The file's headings.

    Returns
    -------
    dict
        Field -> column name, or None when no heading matches.

    Examples
    --------
    >>> guess_mapping(["URN", "Partner URN", "Type", "Status"])["partner_urn"]
    'Partner URN'
    >>> guess_mapping(["Name of our school's URN", "Twinned school URN"])["partner_urn"]
    'Twinned school URN'
    """
    normalised: dict[str, str] = {}
    for column in columns:
        normalised.setdefault(_norm(column), column)
    mapping: dict[str, str | None] = dict.fromkeys(FIELDS)
    used: set[str] = set()
    for name in FIELDS:
        for candidate in (_norm(name.replace("_", " ")), *(_norm(s) for s in SYNONYMS[name])):
            column = normalised.get(candidate)
            if column is not None and column not in used:
                mapping[name] = column
                used.add(column)
                break
    for name, words, also, never in _KEYWORDS:
        if mapping[name] is not None:
            continue
        for column in columns:
            tokens = set(_norm(column).split())
            if column in used or not tokens & set(words) or tokens & set(never):
                continue
            if also and not tokens & set(also):
                continue
            mapping[name] = column
            used.add(column)
            break
    return mapping


def how_matched(name: str, column: str | None, guessed: str | None) -> str:
    """Why a field reads a column, in words, for the mapping table shown to the officer.

    Examples
    --------
    >>> how_matched("status", "Link status", "Link status")
    'a usual council heading'
    """
    if column is None:
        return "not in the file"
    if column != guessed:
        return "chosen by you"
    if _norm(column) == _norm(name.replace("_", " ")):
        return "the field's own name"
    if _norm(column) in {_norm(s) for s in SYNONYMS[name]}:
        return "a usual council heading"
    return "a word in the heading"
