"""Write the council's register of links: add, edit, end; every write checked and audited.

Every write takes the acting user, refuses anyone but a council officer and any
link that touches no school in the officer's council scope, records who and when,
and writes an audit row with old and new values. Edits use optimistic locking
on ``version``: a save based on an out-of-date copy is refused, never silently
applied.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from dashboard.analysis.calendar import local_time_text, school_year
from dashboard.register import link_rows
from dashboard.register.auth import User, require_officer
from dashboard.register.batch import add_links
from dashboard.register.model import (
    EDITABLE_FIELDS,
    ConflictError,
    Link,
    LinkInput,
    RegisterError,
    audit_table,
    links_table,
)
from dashboard.register.queries import get_link, row_to_link
from dashboard.register.scope import require_in_scope
from dashboard.register.validation import check_link

# add_links lives in batch.py (set-based writes); it is part of this module's interface.
__all__ = ["ConflictError", "LinkInput", "RegisterError", "add_link", "add_links"]


def _audit(
    connection: sa.Connection,
    link_id: int | None,
    action: str,
    actor: User,
    changes: dict[str, tuple[Any, Any]],
    when: datetime,
) -> None:
    connection.execute(
        audit_table.insert().values(**link_rows.audit_row(link_id, action, actor, changes, when))
    )


def find_duplicate(
    connection: sa.Connection, link: LinkInput, ignore_id: int | None = None
) -> int | None:
    """Id of a link (not ended) between the same two schools, in either order.

    For a partner abroad, the same school with the same partner name and country.

    Parameters
    ----------
    connection : sqlalchemy.Connection
        Open connection.
    link : LinkInput
        The candidate link.
    ignore_id : int or None
        A link to leave out (the one being edited).

    Returns
    -------
    int or None
        The existing link's id.
    """
    t = links_table
    if link.partner_urn is not None:
        pair = sa.or_(
            sa.and_(t.c.school_urn == link.school_urn, t.c.partner_urn == link.partner_urn),
            sa.and_(t.c.school_urn == link.partner_urn, t.c.partner_urn == link.school_urn),
        )
    else:
        pair = sa.and_(
            t.c.school_urn == link.school_urn,
            sa.func.lower(sa.func.trim(t.c.partner_name))
            == (link.partner_name or "").strip().lower(),
            sa.func.lower(sa.func.trim(t.c.partner_country))
            == (link.partner_country or "").strip().lower(),
        )
    query = sa.select(t.c.link_id).where(pair, t.c.status != "ended")
    if ignore_id is not None:
        query = query.where(t.c.link_id != ignore_id)
    return connection.execute(query.limit(1)).scalar()


def add_link(
    engine: sa.Engine,
    link: LinkInput,
    actor: User,
    *,
    known_urns: Container[int],
    source: str = "entered in the app",
) -> Link:
    """Record a new link.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    link : LinkInput
        The link to add.
    actor : User
        Who is adding it; must be a council officer.
    known_urns : container of int
        URNs of schools in the atlas (links to unknown schools are refused).
    source : str
        Where the link came from (shown in the register).

    Returns
    -------
    Link
        As stored, version 1.

    Raises
    ------
    PermissionDeniedError
        If ``actor`` is not an officer, or neither school is in their scope.
    RegisterError
        If the link is invalid or duplicates one already recorded.
    """
    require_officer(actor)
    return add_links(engine, [link], actor, known_urns=known_urns, source=source)[0]


def update_link(
    engine: sa.Engine,
    link_id: int,
    changes: LinkInput,
    actor: User,
    *,
    expected_version: int,
    known_urns: Container[int],
) -> Link:
    """Save an edited link, unless someone else changed it since it was opened.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    link_id : int
        The link being edited.
    changes : LinkInput
        Its new values (all editable fields).
    actor : User
        Must be a council officer.
    expected_version : int
        The version the editor started from.
    known_urns : container of int
        URNs of schools in the atlas.

    Returns
    -------
    Link
        As stored, with its version increased by one.

    Raises
    ------
    ConflictError
        If the stored version is not ``expected_version``; carries the current
        link so both versions can be shown. Nothing is written.
    PermissionDeniedError, RegisterError
        For a non-officer, a link outside their scope (as stored or as
        edited), or invalid values.
    """
    require_officer(actor)
    require_in_scope(actor, (changes.school_urn, changes.partner_urn), "the link as edited")
    check_link(changes, known_urns)
    when = link_rows.now()
    with engine.begin() as connection:
        row = connection.execute(
            sa.select(links_table).where(links_table.c.link_id == link_id)
        ).first()
        if row is None:
            raise RegisterError(f"There is no link #{link_id}.")
        current = row_to_link(row)
        # Checked on the stored link, inside the transaction: the one being changed.
        require_in_scope(actor, (current.school_urn, current.partner_urn), f"link #{link_id}")
        if current.version != expected_version:
            raise _conflict(current)
        duplicate = find_duplicate(connection, changes, ignore_id=link_id)
        if duplicate is not None and changes.status != "ended":
            raise RegisterError(
                f"These schools are already linked (link #{duplicate}); edit that link instead."
            )
        new_values = link_rows.link_values(changes)
        old_values = link_rows.link_values(current)
        diff = {k: (old_values[k], v) for k, v in new_values.items() if old_values[k] != v}
        if not diff:
            return current
        extra: dict[str, Any] = {}
        if "meetings_this_year" in diff:
            extra["meetings_school_year"] = school_year(when.date())
        result = connection.execute(
            links_table.update()
            .where(links_table.c.link_id == link_id, links_table.c.version == expected_version)
            .values(
                **new_values,
                **extra,
                updated_by=actor.username,
                updated_at=when,
                version=expected_version + 1,
            )
        )
        if result.rowcount != 1:  # someone saved between our read and our write
            raise _conflict(get_link(engine, link_id))
        action = "end" if diff.get("status", (None, None))[1] == "ended" else "update"
        _audit(connection, link_id, action, actor, diff, when)
    return get_link(engine, link_id)


def _conflict(current: Link) -> ConflictError:
    when = local_time_text(current.updated_at) if current.updated_at else "recently"
    return ConflictError(
        f"This link was changed by someone else since you opened it ({current.updated_by}, "
        f"{when}). Nothing was saved. Compare the two versions, then make your change again.",
        current,
    )


def end_link(
    engine: sa.Engine,
    link_id: int,
    actor: User,
    *,
    expected_version: int,
    end_date: date,
    known_urns: Container[int],
) -> Link:
    """Mark a link as ended on ``end_date`` (links are ended, not deleted).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    link_id : int
        The link to end.
    actor : User
        Must be a council officer.
    expected_version : int
        The version the officer saw.
    end_date : datetime.date
        When it ended.
    known_urns : container of int
        URNs of schools in the atlas.

    Returns
    -------
    Link
    """
    current = get_link(engine, link_id)
    fields = {name: getattr(current, name) for name in EDITABLE_FIELDS}
    ended = LinkInput(**{**fields, "status": "ended", "end_date": end_date})
    return update_link(
        engine, link_id, ended, actor, expected_version=expected_version, known_urns=known_urns
    )
