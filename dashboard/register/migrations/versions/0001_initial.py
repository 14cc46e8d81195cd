"""Create the link register: links, audit log, imports and users.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the four tables."""
    op.create_table(
        "links",
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
    op.create_table(
        "audit_log",
        sa.Column("audit_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("link_id", sa.Integer, nullable=True, index=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
    )
    op.create_table(
        "imports",
        sa.Column("import_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False, index=True),
        sa.Column("rows_added", sa.Integer, nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("school_urn", sa.Integer, nullable=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop the four tables."""
    for name in ("users", "imports", "audit_log", "links"):
        op.drop_table(name)
