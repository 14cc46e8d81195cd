"""Open the register's database: SQLite by default, PostgreSQL for shared deployments.

SQLite (one file, rollback journal, no memory map) by default; PostgreSQL when
``ATLAS_DATABASE_URL`` (or the ``url`` argument) points at a server, for councils where several
officers share the register. The schema is created and upgraded by the Alembic
migrations in ``dashboard/register/migrations``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from dashboard import config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_DATABASE_PATH = config.ROOT_DIR / "var" / "register.sqlite3"
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
