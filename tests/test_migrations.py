"""The Alembic migrations build exactly the schema of the model, on SQLite and PostgreSQL (#13)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dashboard.register import model


def test_migrations_arrive_at_the_model(register):
    """Like ``alembic check``: autogenerate finds nothing to change after upgrading."""
    with register.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, model.metadata)
    assert differences == []


def test_every_check_constraint_of_the_model_is_in_the_database(register):
    """Autogenerate does not compare CHECK constraints, so compare their names here."""
    inspector = sa.inspect(register)
    for table in model.metadata.sorted_tables:
        wanted = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint) and c.name}
        found = {c["name"] for c in inspector.get_check_constraints(table.name)}
        assert wanted <= found, table.name


def test_the_database_refuses_what_the_model_forbids(register):
    with register.begin() as connection:
        row = connection.execute(sa.select(model.links_table).limit(1)).mappings().one()
    bad = {**row, "link_id": None, "partner_urn": row["school_urn"]}
    bad.pop("link_id")
    try:
        with register.begin() as connection:
            connection.execute(model.links_table.insert().values(**bad))
    except sa.exc.IntegrityError:
        return
    raise AssertionError("a link from a school to itself was stored")
