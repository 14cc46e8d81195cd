"""Council scope on accounts: the LAs (or regions, or all of England) each one acts for.

Every existing account keeps exactly the rights it had: before scopes, a
deployment served one council and its officers could change every link, so
existing accounts get ``england`` (all of England). Narrow them with
``python -m dashboard.register.accounts set-scope``. No link is touched.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add users.scope, "england" for the accounts already there."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("scope", sa.String(2000), nullable=False, server_default="england")
        )


def downgrade() -> None:
    """Drop users.scope (every account then acts for the whole deployment again)."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("scope")
