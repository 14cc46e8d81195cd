"""Read the register: every link as a table, the audit log, when it last changed, imports."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from dashboard.register.model import (
    LINK_COLUMNS,
    Link,
    RegisterError,
    audit_table,
    imports_table,
    links_table,
)


def row_to_link(row: sa.Row) -> Link:
    """A stored row as a :class:`Link` (link types split back into a tuple)."""
    data = dict(row._mapping)
    data["link_types"] = tuple(t for t in data["link_types"].split(",") if t)
    return Link(**data)


def get_link(engine: sa.Engine, link_id: int) -> Link:
    """One link as stored now.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    link_id : int
        Its id.

    Returns
    -------
    Link

    Raises
    ------
    RegisterError
        If there is no such link.
    """
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(links_table).where(links_table.c.link_id == link_id)
        ).first()
    if row is None:
        raise RegisterError(f"There is no link #{link_id}.")
    return row_to_link(row)


def list_links(engine: sa.Engine) -> pd.DataFrame:
    """Every link in the register, newest first.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LINK_COLUMNS`; ``link_types`` holds lists of str and
        ``partner_urn`` is a nullable integer.
    """
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(links_table).order_by(links_table.c.link_id.desc())
        ).all()
    frame = pd.DataFrame([dict(r._mapping) for r in rows], columns=list(LINK_COLUMNS))
    frame["link_types"] = frame["link_types"].map(
        lambda text: [t for t in str(text).split(",") if t]
    )
    for column in ("link_id", "school_urn", "partner_urn", "meetings_this_year", "version"):
        frame[column] = frame[column].astype("Int64")
    for column in ("created_at", "updated_at"):
        frame[column] = utc(frame[column])
    return frame


def utc(values: pd.Series) -> pd.Series:
    """Times as UTC-aware timestamps (SQLite gives them back without their zone).

    Examples
    --------
    >>> utc(pd.Series([datetime(2026, 12, 2, 9, 30)])).dt.tz
    datetime.timezone.utc
    """
    return pd.to_datetime(values, utc=True)


def audit_log(engine: sa.Engine, link_id: int | None = None) -> pd.DataFrame:
    """Who changed what and when, one row per changed field, newest first.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    link_id : int or None
        Only this link's history.

    Returns
    -------
    pandas.DataFrame
        ``changed_at``, ``changed_by``, ``link_id``, ``action``, ``field``,
        ``old_value``, ``new_value``.
    """
    query = sa.select(audit_table).order_by(audit_table.c.audit_id.desc())
    if link_id is not None:
        query = query.where(audit_table.c.link_id == link_id)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    records = []
    for row in rows:
        for name, (old, new) in json.loads(row.changes).items():
            records.append(
                {
                    "changed_at": row.changed_at,
                    "changed_by": row.changed_by,
                    "link_id": row.link_id,
                    "action": row.action,
                    "field": name,
                    "old_value": "" if old is None else str(old),
                    "new_value": "" if new is None else str(new),
                }
            )
    columns = ["changed_at", "changed_by", "link_id", "action", "field", "old_value", "new_value"]
    out = pd.DataFrame(records, columns=columns)
    out["changed_at"] = utc(out["changed_at"])
    return out


def register_updated_at(engine: sa.Engine) -> datetime | None:
    """When the register last changed (for "links as of …" on every page).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.

    Returns
    -------
    datetime or None
    """
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.max(links_table.c.updated_at))).scalar()


def import_seen(engine: sa.Engine, file_sha256: str) -> pd.DataFrame:
    """Earlier imports of a file with this checksum.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register.
    file_sha256 : str
        The file's checksum.

    Returns
    -------
    pandas.DataFrame
        ``file_name``, ``rows_added``, ``imported_by``, ``imported_at``.
    """
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(imports_table).where(imports_table.c.file_sha256 == file_sha256)
        ).all()
    return pd.DataFrame(
        [dict(r._mapping) for r in rows],
        columns=[
            "import_id",
            "file_name",
            "file_sha256",
            "rows_added",
            "imported_by",
            "imported_at",
        ],
    )
