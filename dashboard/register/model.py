"""The register's schema (one SQLAlchemy model, every constraint) and its link records.

The Alembic migrations in ``dashboard/register/migrations`` build this schema
step by step; ``tests/test_migrations.py`` checks that they arrive exactly here
on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from dashboard import config

metadata = sa.MetaData()
links_table = sa.Table(
    "links",
    metadata,
    sa.Column("link_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("school_urn", sa.Integer, nullable=False, index=True),
    sa.Column("partner_urn", sa.Integer, nullable=True, index=True),
    sa.Column("partner_name", sa.String(config.PARTNER_NAME_MAX_CHARS), nullable=True),
    sa.Column("partner_country", sa.String(config.PARTNER_COUNTRY_MAX_CHARS), nullable=True),
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
    sa.CheckConstraint("version >= 1", name="ck_links_version"),
    sa.CheckConstraint("meetings_this_year >= 0", name="ck_links_meetings"),
    sa.CheckConstraint(
        "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
        name="ck_links_dates",
    ),
    sa.CheckConstraint(
        "partner_urn IS NULL OR partner_urn <> school_urn", name="ck_links_not_self"
    ),
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
    sa.Column("file_sha256", sa.String(64), nullable=False, index=True),
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
    # Where the account acts (dashboard.register.scope): "england", or LAs and regions.
    sa.Column("scope", sa.String(2000), nullable=False, server_default="england"),
)
# Signed-in sessions: only a hash of each token is kept, so a copy of the database
# cannot be used to sign in. A session ends at expires_at, or earlier when ended_at is set.
sessions_table = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(100), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("client", sa.String(64), nullable=True),
)
# "End every session of this account": single sign-on sessions started before this
# moment are signed out at their next interaction (local sessions are ended row by row).
session_cutoffs_table = sa.Table(
    "session_cutoffs",
    metadata,
    sa.Column("username", sa.String(320), primary_key=True),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
)
# Failed sign-ins, counted per key ("user:<name>" or "client:<address>") on the server.
sign_in_failures_table = sa.Table(
    "sign_in_failures",
    metadata,
    sa.Column("key", sa.String(400), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("failures >= 0", name="ck_sign_in_failures_count"),
)
# Values every app server must share, e.g. the key that signs session cookies.
settings_table = sa.Table(
    "settings",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
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


# Every stored column of a link, in table order (what :func:`list_links` returns).
LINK_COLUMNS: tuple[str, ...] = tuple(column.name for column in links_table.columns)
