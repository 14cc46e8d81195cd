"""Check a link before it is saved: every problem in plain words, from the register's rules."""

from __future__ import annotations

from collections.abc import Callable, Container

from dashboard.config import (
    LINK_TYPES,
    MODES,
    NOTES_MAX_CHARS,
    STATUSES,
)
from dashboard.register.model import LinkInput, RegisterError, links_table


def validate_link(
    link: LinkInput,
    known_urns: Container[int],
    explain_urn: Callable[[int, str], str] | None = None,
) -> list[str]:
    """List every problem with a link, in plain words (empty when it can be saved).

    Parameters
    ----------
    link : LinkInput
        The link to check.
    known_urns : container of int
        URNs of schools in the atlas.
    explain_urn : callable or None
        ``explain_urn(urn, label)`` says why a URN is not in the atlas (closed,
        Welsh, independent ...); by default it is "unknown".

    Returns
    -------
    list of str
        Problems; empty if none.

    Examples
    --------
    >>> validate_link(LinkInput(1, partner_urn=1, link_types=("faith",)), {1})
    ['a school cannot be linked to itself']
    """
    problems: list[str] = []
    if link.school_urn not in known_urns:
        problems.append(
            explain_urn(link.school_urn, "School URN")
            if explain_urn
            else f"unknown school URN {link.school_urn}"
        )
    abroad = bool((link.partner_name or "").strip()) or bool((link.partner_country or "").strip())
    if link.partner_urn is None and not abroad:
        problems.append("choose a partner school, or name a partner school abroad and its country")
    if link.partner_urn is not None:
        if abroad:
            problems.append("give either a partner school in England or one abroad, not both")
        if link.partner_urn not in known_urns:
            problems.append(
                explain_urn(link.partner_urn, "Partner school URN")
                if explain_urn
                else f"unknown partner URN {link.partner_urn}"
            )
        if link.partner_urn == link.school_urn:
            problems.append("a school cannot be linked to itself")
    elif abroad and not (link.partner_name or "").strip():
        problems.append("name the partner school abroad")
    elif abroad and not (link.partner_country or "").strip():
        problems.append("give the partner school's country")
    if not link.link_types:
        problems.append("choose at least one link type")
    unknown = [t for t in link.link_types if t not in LINK_TYPES]
    if unknown:
        problems.append(f"unknown link type {', '.join(unknown)} (use {', '.join(LINK_TYPES)})")
    if link.mode not in MODES:
        problems.append(f"unknown mode {link.mode!r} (use {', '.join(MODES)})")
    if link.status not in STATUSES:
        problems.append(f"unknown status {link.status!r} (use {', '.join(STATUSES)})")
    if link.start_date and link.end_date and link.end_date < link.start_date:
        problems.append(
            f"end date {link.end_date:%d/%m/%Y} is before start date {link.start_date:%d/%m/%Y}"
        )
    if link.meetings_this_year < 0:
        problems.append("meetings this year cannot be negative")
    for text, what, limit in (
        (link.notes, "notes are", NOTES_MAX_CHARS),
        (link.partner_name, "the partner school's name is", text_limit("partner_name")),
        (link.partner_country, "the partner school's country is", text_limit("partner_country")),
    ):
        if text and len(text) > limit:
            problems.append(f"{what} {len(text):,} characters long; the most is {limit:,}")
    for value, what in (
        (link.school_urn, "the school URN"),
        (link.partner_urn, "the partner school URN"),
        (link.meetings_this_year, "meetings this year"),
    ):
        if value is not None and abs(value) > INTEGER_MAX:
            problems.append(f"{what} is too large ({value:,}); the most is {INTEGER_MAX:,}")
    return problems


# The register's integer columns are 32-bit on PostgreSQL (SQLite would take more).
INTEGER_MAX = 2**31 - 1


def text_limit(column: str) -> int:
    """The most characters a text column of the links table holds (from the model).

    Examples
    --------
    >>> text_limit("partner_name")
    200
    """
    length = links_table.c[column].type.length
    return int(length) if length else NOTES_MAX_CHARS


def check_link(link: LinkInput, known_urns: Container[int]) -> None:
    """Raise :class:`RegisterError` naming every problem of ``link`` (:func:`validate_link`)."""
    problems = validate_link(link, known_urns)
    if problems:
        text = "; ".join(problems)
        raise RegisterError(text[0].upper() + text[1:] + ".")
