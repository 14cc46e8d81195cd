"""The council's register of school links, kept with SQLAlchemy.

SQLite (one file, WAL mode) by default; PostgreSQL when ``ATLAS_DATABASE_URL``
(or the ``url`` argument) points at a server, for councils where several
officers share the register. The schema is created and upgraded by the Alembic
migrations in ``dashboard/migrations``. Every write takes the acting user,
refuses anyone but a council officer, records who and when, and writes an audit
row with old and new values. Edits use optimistic locking on ``version``: a save
based on an out-of-date copy is refused, never silently applied.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from dashboard import config
from dashboard.auth import User, require_officer

LINK_TYPES = ("ethnicity", "faith", "socio-economic", "international", "other")
MODES = ("in person", "virtual", "both", "not recorded")
STATUSES = ("proposed", "active", "ended")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_DATABASE_PATH = config.ROOT_DIR / "var" / "register.sqlite3"

metadata = sa.MetaData()
links_table = sa.Table(
    "links",
    metadata,
    sa.Column("link_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("school_urn", sa.Integer, nullable=False, index=True),
    sa.Column("partner_urn", sa.Integer, nullable=True, index=True),
    sa.Column("partner_name", sa.String(200), nullable=True),
    sa.Column("partner_country", sa.String(100), nullable=True),
    sa.Column("link_types", sa.String(200), nullable=False),
    sa.Column("mode", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("start_date", sa.Date, nullable=True),
    sa.Column("end_date", sa.Date, nullable=True),
    sa.Column("meetings_this_year", sa.Integer, nullable=False),
    sa.Column("meetings_school_year", sa.String(9), nullable=True),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("source", sa.String(300), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)
audit_table = sa.Table(
    "audit_log",
    metadata,
    sa.Column("audit_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("link_id", sa.Integer, nullable=True, index=True),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("changed_by", sa.String(100), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changes", sa.Text, nullable=False),
)
imports_table = sa.Table(
    "imports",
    metadata,
    sa.Column("import_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("file_name", sa.String(300), nullable=False),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("rows_added", sa.Integer, nullable=False),
    sa.Column("imported_by", sa.String(100), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
)
users_table = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String(100), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("school_urn", sa.Integer, nullable=True),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Fields an officer edits, in form order; the rest the register keeps itself.
EDITABLE_FIELDS = (
    "school_urn",
    "partner_urn",
    "partner_name",
    "partner_country",
    "link_types",
    "mode",
    "status",
    "start_date",
    "end_date",
    "meetings_this_year",
    "notes",
)


class RegisterError(ValueError):
    """A link cannot be saved; the message says why in plain words."""


class ConflictError(RegisterError):
    """Someone else saved this link since it was opened: nothing was written."""

    def __init__(self, message: str, current: Link) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class LinkInput:
    """What an officer enters for one link.

    ``partner_urn`` is another school in England; for an international link it
    is None and ``partner_name``/``partner_country`` describe the school abroad.
    """

    school_urn: int
    partner_urn: int | None = None
    partner_name: str | None = None
    partner_country: str | None = None
    link_types: tuple[str, ...] = ()
    mode: str = "in person"
    status: str = "proposed"
    start_date: date | None = None
    end_date: date | None = None
    meetings_this_year: int = 0
    notes: str = ""


@dataclass(frozen=True)
class Link(LinkInput):
    """A link as stored, with its id, provenance and version."""

    link_id: int = 0
    meetings_school_year: str | None = None
    source: str = ""
    created_by: str = ""
    created_at: datetime | None = None
    updated_by: str = ""
    updated_at: datetime | None = None
    version: int = 1


def school_year(day: date) -> str:
    """The English school year a day falls in (1 September to 31 August).

    Parameters
    ----------
    day : datetime.date
        Any date.

    Returns
    -------
    str
        E.g. ``"2026/27"``.

    Examples
    --------
    >>> school_year(date(2026, 11, 25)), school_year(date(2027, 8, 31))
    ('2026/27', '2026/27')
    """
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{str(start + 1)[-2:]}"


def validate_link(link: LinkInput, known_urns: Container[int]) -> list[str]:
    """List every problem with a link, in plain words (empty when it can be saved).

    Parameters
    ----------
    link : LinkInput
        The link to check.
    known_urns : container of int
        URNs of schools in the atlas.

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
        problems.append(f"unknown school URN {link.school_urn}")
    abroad = bool((link.partner_name or "").strip()) or bool((link.partner_country or "").strip())
    if link.partner_urn is None and not abroad:
        problems.append("choose a partner school, or name a partner school abroad and its country")
    if link.partner_urn is not None:
        if abroad:
            problems.append("give either a partner school in England or one abroad, not both")
        if link.partner_urn not in known_urns:
            problems.append(f"unknown partner URN {link.partner_urn}")
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
    if len(link.notes) > 5000:
        problems.append("notes are longer than 5,000 characters")
    return problems


def database_url(url: str | None = None) -> str:
    """The register's database: ``url``, else ``ATLAS_DATABASE_URL``, else the SQLite file.

    Parameters
    ----------
    url : str or None
        An SQLAlchemy URL, e.g. ``postgresql+psycopg://user@host/db``.

    Returns
    -------
    str
        The URL to use. The default SQLite file is ``var/register.sqlite3``.
    """
    chosen = url or os.environ.get("ATLAS_DATABASE_URL")
    if chosen:
        return chosen
    return f"sqlite:///{DEFAULT_DATABASE_PATH}"


def create_register_engine(url: str | None = None) -> sa.Engine:
    """An engine for the register, with SQLite set up for safe concurrent use.

    Parameters
    ----------
    url : str or None
        See :func:`database_url`.

    Returns
    -------
    sqlalchemy.Engine
    """
    chosen = database_url(url)
    if chosen.startswith("sqlite"):
        path = sa.make_url(chosen).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(chosen, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # WAL lets officers read while one writes; a crash mid-write rolls back.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return sa.create_engine(chosen, pool_pre_ping=True)


def upgrade_schema(engine: sa.Engine) -> None:
    """Create or upgrade the register's tables with the Alembic migrations.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register's engine.
    """
    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        alembic_config.attributes["connection"] = connection
        command.upgrade(alembic_config, "head")


def open_register(url: str | None = None) -> sa.Engine:
    """Engine for the register with its schema up to date (the usual entry point).

    Parameters
    ----------
    url : str or None
        See :func:`database_url`.

    Returns
    -------
    sqlalchemy.Engine
    """
    engine = create_register_engine(url)
    upgrade_schema(engine)
    return engine


def _now() -> datetime:
    return datetime.now(UTC)


def _row_to_link(row: sa.Row) -> Link:
    data = dict(row._mapping)
    data["link_types"] = tuple(t for t in data["link_types"].split(",") if t)
    return Link(**data)


def _values(link: LinkInput) -> dict[str, Any]:
    values = {name: getattr(link, name) for name in EDITABLE_FIELDS}
    values["link_types"] = ",".join(sorted(set(link.link_types)))
    values["partner_name"] = (link.partner_name or "").strip() or None
    values["partner_country"] = (link.partner_country or "").strip() or None
    return values


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _audit(
    connection: sa.Connection,
    link_id: int | None,
    action: str,
    actor: User,
    changes: dict[str, tuple[Any, Any]],
    when: datetime,
) -> None:
    connection.execute(
        audit_table.insert().values(
            link_id=link_id,
            action=action,
            changed_by=actor.username,
            changed_at=when,
            changes=json.dumps(
                {k: [_jsonable(a), _jsonable(b)] for k, (a, b) in changes.items()},
                ensure_ascii=False,
            ),
        )
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
            sa.func.lower(t.c.partner_name) == (link.partner_name or "").strip().lower(),
            sa.func.lower(t.c.partner_country) == (link.partner_country or "").strip().lower(),
        )
    query = sa.select(t.c.link_id).where(pair, t.c.status != "ended")
    if ignore_id is not None:
        query = query.where(t.c.link_id != ignore_id)
    return connection.execute(query.limit(1)).scalar()


def _check(link: LinkInput, known_urns: Container[int]) -> None:
    problems = validate_link(link, known_urns)
    if problems:
        text = "; ".join(problems)
        raise RegisterError(text[0].upper() + text[1:] + ".")


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
        If ``actor`` is not an officer.
    RegisterError
        If the link is invalid or duplicates one already recorded.
    """
    require_officer(actor)
    return add_links(engine, [link], actor, known_urns=known_urns, source=source)[0]


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
        Called as ``progress(done, total)`` after each link is written.
    file_name, file_sha256 : str or None
        Recorded in the imports table when the links come from a file.

    Returns
    -------
    list of Link
        As stored.

    Raises
    ------
    PermissionDeniedError, RegisterError
        Nothing is written when any link fails.
    """
    require_officer(actor)
    when = _now()
    year = school_year(when.date())
    stored_ids: list[int] = []
    with engine.begin() as connection:
        for number, link in enumerate(links, start=1):
            try:
                _check(link, known_urns)
            except RegisterError as exc:
                prefix = f"Link {number}: " if len(links) > 1 else ""
                raise RegisterError(f"{prefix}{exc}") from exc
            duplicate = find_duplicate(connection, link)
            if duplicate is not None:
                raise RegisterError(
                    f"These schools are already linked (link #{duplicate}); edit that link instead."
                )
            values = {
                **_values(link),
                "meetings_school_year": year,
                "source": source,
                "created_by": actor.username,
                "created_at": when,
                "updated_by": actor.username,
                "updated_at": when,
                "version": 1,
            }
            link_id = connection.execute(
                links_table.insert().values(**values).returning(links_table.c.link_id)
            ).scalar_one()
            _audit(
                connection,
                link_id,
                "create",
                actor,
                {k: (None, v) for k, v in _values(link).items() if v not in (None, "", 0)},
                when,
            )
            stored_ids.append(link_id)
            if progress is not None:
                progress(number, len(links))
        if file_name is not None:
            connection.execute(
                imports_table.insert().values(
                    file_name=file_name,
                    file_sha256=file_sha256 or "",
                    rows_added=len(stored_ids),
                    imported_by=actor.username,
                    imported_at=when,
                )
            )
    return [get_link(engine, link_id) for link_id in stored_ids]


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
    return _row_to_link(row)


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
        For a non-officer or invalid values.
    """
    require_officer(actor)
    _check(changes, known_urns)
    when = _now()
    with engine.begin() as connection:
        row = connection.execute(
            sa.select(links_table).where(links_table.c.link_id == link_id)
        ).first()
        if row is None:
            raise RegisterError(f"There is no link #{link_id}.")
        current = _row_to_link(row)
        if current.version != expected_version:
            raise _conflict(current)
        duplicate = find_duplicate(connection, changes, ignore_id=link_id)
        if duplicate is not None and changes.status != "ended":
            raise RegisterError(
                f"These schools are already linked (link #{duplicate}); edit that link instead."
            )
        new_values = _values(changes)
        old_values = _values(current)
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
    when = f"{current.updated_at:%d/%m/%Y %H:%M}" if current.updated_at else "recently"
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


LINK_COLUMNS = [
    "link_id",
    "school_urn",
    "partner_urn",
    "partner_name",
    "partner_country",
    "link_types",
    "mode",
    "status",
    "start_date",
    "end_date",
    "meetings_this_year",
    "meetings_school_year",
    "notes",
    "source",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
    "version",
]


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
    frame = pd.DataFrame([dict(r._mapping) for r in rows], columns=LINK_COLUMNS)
    frame["link_types"] = frame["link_types"].map(
        lambda text: [t for t in str(text).split(",") if t]
    )
    for column in ("link_id", "school_urn", "partner_urn", "meetings_this_year", "version"):
        frame[column] = frame[column].astype("Int64")
    return frame


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
    return pd.DataFrame(records, columns=columns)


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


def links_of(links_df: pd.DataFrame, urns: Iterable[int]) -> pd.DataFrame:
    """Links in which any of ``urns`` takes part (as school or partner).

    Parameters
    ----------
    links_df : pandas.DataFrame
        From :func:`list_links`.
    urns : iterable of int
        School URNs.

    Returns
    -------
    pandas.DataFrame
        The matching rows.
    """
    wanted = {int(u) for u in urns}
    mask = links_df["school_urn"].isin(wanted) | links_df["partner_urn"].isin(wanted)
    return links_df[mask.fillna(False)]
