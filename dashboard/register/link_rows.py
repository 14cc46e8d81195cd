"""How a link is written: its column values, its pair key for duplicates, its audit row."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from dashboard.register.auth import User
from dashboard.register.model import EDITABLE_FIELDS, LinkInput


def now() -> datetime:
    """The time of a write (UTC)."""
    return datetime.now(UTC)


def link_values(link: LinkInput) -> dict[str, Any]:
    """Column values of a link; text is stored exactly as given (empty text as NULL)."""
    values = {name: getattr(link, name) for name in EDITABLE_FIELDS}
    values["link_types"] = ",".join(sorted(set(link.link_types)))
    values["partner_name"] = link.partner_name or None
    values["partner_country"] = link.partner_country or None
    return values


def pair_key(
    school_urn: int, partner_urn: int | None, name: str | None, country: str | None
) -> tuple:
    """Two schools in either order; or one school and a partner abroad (name and country)."""
    if partner_urn is not None:
        return ("school", *sorted((int(school_urn), int(partner_urn))))
    return (
        "abroad",
        int(school_urn),
        (name or "").strip().lower(),
        (country or "").strip().lower(),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def audit_row(
    link_id: int | None,
    action: str,
    actor: User,
    changes: dict[str, tuple[Any, Any]],
    when: datetime,
) -> dict[str, Any]:
    """One audit-log row: who changed which link, when, and the old and new values."""
    return {
        "link_id": link_id,
        "action": action,
        "changed_by": actor.username,
        "changed_at": when,
        "changes": json.dumps(
            {k: [_jsonable(a), _jsonable(b)] for k, (a, b) in changes.items()},
            ensure_ascii=False,
        ),
    }
