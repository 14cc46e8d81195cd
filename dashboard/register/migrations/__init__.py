"""Alembic migrations of the link register."""
