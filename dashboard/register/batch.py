"""Add many links in one transaction, set-based: all of them, or none.

An import of tens of thousands of links must not cost a query per link: the
links and their audit rows are inserted in chunks (SQLAlchemy's executemany
with RETURNING), after one read of the pairs already in the register.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from typing import Any

import sqlalchemy as sa

from dashboard.analysis.calendar import school_year
from dashboard.register import link_rows
from dashboard.register.auth import User, require_officer
from dashboard.register.model import (
    EDITABLE_FIELDS,
    Link,
    LinkInput,
    RegisterError,
    audit_table,
    imports_table,
    links_table,
)
from dashboard.register.scope import require_in_scope
from dashboard.register.validation import check_link

# Rows per INSERT: large enough to be set-based, small enough for a steady progress bar.
_CHUNK = 1000


def add_links(
    engine: sa.Engine,
    links: Sequence[LinkInput],
    actor: User,
    *,
    known_urns: Container[int],
    source: str,
    progress: Callable[[int, int], None] | None = None,
    file_name: str | None = None,
    file_sha256: str | None = None,
) -> list[Link]:
    """Record several links in one transaction: all are written, or none.

    The links and their audit rows are inserted set-based, in chunks, with one
    read of the register's current pairs to refuse duplicates; other writers
    wait until the transaction ends, so no duplicate can slip in meanwhile.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    links : sequence of LinkInput
        Links to add.
    actor : User
        Must be a council officer.
    known_urns : container of int
        URNs of schools in the atlas.
    source : str
        Where the links came from.
    progress : callable or None
        Called as ``progress(done, total)`` after each chunk is written.
    file_name, file_sha256 : str or None
        Recorded in the imports table when the links come from a file.

    Returns
    -------
    list of Link
        As stored.

    Raises
    ------
    PermissionDeniedError, RegisterError
        Nothing is written when any link fails, or touches no school in the
        actor's council scope.
    """
    require_officer(actor)
    for number, link in enumerate(links, start=1):
        what = f"link {number} of these" if len(links) > 1 else "this link"
        require_in_scope(actor, (link.school_urn, link.partner_urn), what)
        try:
            check_link(link, known_urns)
        except RegisterError as exc:
            prefix = f"Link {number}: " if len(links) > 1 else ""
            raise RegisterError(f"{prefix}{exc}") from exc
    when = link_rows.now()
    extra = {
        "meetings_school_year": school_year(when.date()),
        "source": source,
        "created_by": actor.username,
        "created_at": when,
        "updated_by": actor.username,
        "updated_at": when,
        "version": 1,
    }
    rows = [{**link_rows.link_values(link), **extra} for link in links]
    stored: list[Link] = []
    with engine.begin() as connection:
        pairs = _lock_and_read_pairs(connection)
        for number, row in enumerate(rows, start=1):
            key = link_rows.pair_key(
                row["school_urn"], row["partner_urn"], row["partner_name"], row["partner_country"]
            )
            prefix = f"Link {number}: " if len(rows) > 1 else ""
            if key in pairs and pairs[key] > 0:
                raise RegisterError(
                    f"{prefix}These schools are already linked (link #{pairs[key]}); edit that "
                    "link instead."
                )
            if key in pairs:
                raise RegisterError(f"{prefix}the same schools as link {-pairs[key]} of these.")
            pairs[key] = -number  # negative: a link of this batch, not yet stored
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            ids = _insert(connection, chunk)
            connection.execute(
                audit_table.insert(),
                [
                    link_rows.audit_row(
                        link_id,
                        "create",
                        actor,
                        {k: (None, row[k]) for k in EDITABLE_FIELDS if row[k] not in (None, "", 0)},
                        when,
                    )
                    for link_id, row in zip(ids, chunk, strict=True)
                ],
            )
            stored += [_as_link(row, link_id) for link_id, row in zip(ids, chunk, strict=True)]
            if progress is not None:
                progress(len(stored), len(rows))
        if file_name is not None:
            connection.execute(
                imports_table.insert().values(
                    file_name=file_name,
                    file_sha256=file_sha256 or "",
                    rows_added=len(stored),
                    imported_by=actor.username,
                    imported_at=when,
                )
            )
    return stored


def _insert(connection: sa.Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows of the links table set-based; return their ids in row order."""
    if connection.dialect.name == "postgresql":
        # Ids drawn from the sequence first, then one pipelined executemany: psycopg
        # would otherwise re-parse a 19,000-parameter INSERT ... RETURNING per chunk.
        ids = (
            connection.execute(
                sa.text(
                    "SELECT nextval(pg_get_serial_sequence('links', 'link_id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": len(rows)},
            )
            .scalars()
            .all()
        )
        connection.execute(
            links_table.insert(),
            [{**row, "link_id": link_id} for row, link_id in zip(rows, ids, strict=True)],
        )
        return list(ids)
    return list(
        connection.execute(
            links_table.insert().returning(links_table.c.link_id, sort_by_parameter_order=True),
            rows,
        )
        .scalars()
        .all()
    )


def _lock_and_read_pairs(connection: sa.Connection) -> dict[tuple, int]:
    """Take the register's write lock, then read every pair not ended (pair -> link id)."""
    if connection.dialect.name == "postgresql":
        # Blocks other writers (not readers) until commit, so the pairs stay true.
        connection.execute(sa.text("LOCK TABLE links IN SHARE ROW EXCLUSIVE MODE"))
    else:
        # A write statement makes SQLite take its write lock now (waiting for others).
        connection.execute(links_table.update().where(sa.false()).values(version=1))
    t = links_table
    rows = connection.execute(
        sa.select(
            t.c.link_id, t.c.school_urn, t.c.partner_urn, t.c.partner_name, t.c.partner_country
        )
        .where(t.c.status != "ended")
        .order_by(t.c.link_id)
    ).all()
    pairs: dict[tuple, int] = {}
    for row in rows:
        key = link_rows.pair_key(
            row.school_urn, row.partner_urn, row.partner_name, row.partner_country
        )
        pairs.setdefault(key, row.link_id)
    return pairs


def _as_link(row: dict[str, Any], link_id: int) -> Link:
    """The stored link, built from the values just inserted (no second read)."""
    values = dict(row)
    values["link_types"] = tuple(t for t in values["link_types"].split(",") if t)
    return Link(**values, link_id=link_id)
