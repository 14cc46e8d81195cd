"""Alembic environment: runs on the connection given by dashboard.register.store.upgrade_schema."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from dashboard.register.engine import database_url
from dashboard.register.model import metadata

config = context.config
connection = config.attributes.get("connection")


def run_migrations() -> None:
    """Run migrations on the given connection, or on ATLAS_DATABASE_URL from the CLI."""
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(database_url())
    with engine.begin() as own_connection:
        context.configure(connection=own_connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
