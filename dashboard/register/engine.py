"""Open the register's database: SQLite by default, PostgreSQL for shared deployments.

SQLite (one file, rollback journal, no memory map) by default; PostgreSQL when
``ATLAS_DATABASE_URL`` (or the ``url`` argument) points at a server, for councils where several
officers share the register. The schema is created and upgraded by the Alembic
migrations in ``dashboard/register/migrations``.

Several app servers may share one PostgreSQL register and start together: each
upgrades the schema under a PostgreSQL advisory lock, so the migrations run
once and the others find the schema already current. A deployment may instead
migrate in a separate step (``python -m dashboard.register.engine``, e.g. a
Kubernetes Job) and start its servers with ``ATLAS_MIGRATE_ON_START=0``; they
then wait, not ready, until the schema is current.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from dashboard import config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_DATABASE_PATH = config.ROOT_DIR / "var" / "register.sqlite3"
# Any fixed 64-bit number, the same on every server: the key of the migration lock.
MIGRATION_LOCK_KEY = 0x41544C4153  # "ATLAS"
SQLITE_JOURNAL_MODE = "DELETE"


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
            # A rollback journal, not WAL: WAL's index (-shm) is memory-mapped, and a
            # register made read-only or a full disk under a running server then kills
            # it with SIGBUS. With no memory map at all such a fault is an ordinary
            # error ("attempt to write a readonly database"), and a crash mid-write
            # still rolls back. Writers wait for each other (busy_timeout).
            cursor.execute(f"PRAGMA journal_mode={SQLITE_JOURNAL_MODE}")
            cursor.execute("PRAGMA mmap_size=0")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=FULL")
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
    alembic_config = _alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Held until this transaction ends: servers starting together queue here, and
            # each after the first finds the schema current and changes nothing.
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        alembic_config.attributes["connection"] = connection
        command.upgrade(alembic_config, "head")


def _alembic_config() -> Config:
    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return alembic_config


def schema_is_current(engine: sa.Engine) -> bool:
    """True when the register's schema is at the newest migration (for the readiness check).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The register's engine.

    Returns
    -------
    bool

    Raises
    ------
    sqlalchemy.exc.OperationalError
        When the database cannot be reached.
    """
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


def migrate_on_start() -> bool:
    """False when ``ATLAS_MIGRATE_ON_START=0``: the schema is upgraded by a separate step."""
    return os.environ.get("ATLAS_MIGRATE_ON_START", "1") != "0"


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
    if migrate_on_start():
        upgrade_schema(engine)
    return engine


def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard.register.engine [--database-url URL]``: upgrade the schema once."""
    import argparse

    parser = argparse.ArgumentParser(description="Create or upgrade the register's schema.")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    engine = create_register_engine(args.database_url)
    upgrade_schema(engine)
    shown = sa.make_url(database_url(args.database_url)).render_as_string(hide_password=True)
    print(f"The register's schema is current ({shown}).")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
