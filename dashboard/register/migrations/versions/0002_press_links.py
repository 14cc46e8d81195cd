"""Start the register with the two international links reported in the Worcester News.

Pershore High School (URN 136925) was "forging a twinning with a school in Zambia"
and Red Hill CofE Primary (URN 116859) "a link with a school in India". The report
names neither partner school, nor any date or mode: those are left unrecorded
rather than invented.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SOURCE = "Worcester News report on twinning Worcestershire schools (local press)"
SEEDED_BY = "seed: press report"


def upgrade() -> None:
    """Insert the two press-reported links."""
    when = datetime(2026, 11, 25, tzinfo=UTC)
    rows = [
        (
            136925,
            "A school in Zambia (name not reported)",
            "Zambia",
            'Headteacher Clive Corbett: "we are currently forging a twinning with a school in '
            'Zambia". Partner school, dates and mode were not reported.',
        ),
        (
            116859,
            "A school in India (name not reported)",
            "India",
            'Red Hill Primary School, Midhurst Close, Worcester: "students are forging a link '
            'with a school in India" (headteacher Jane Long). Partner school, dates and mode '
            "were not reported.",
        ),
    ]
    records = [
        {
            "school_urn": urn,
            "partner_urn": None,
            "partner_name": name,
            "partner_country": country,
            "link_types": "international",
            "mode": "not recorded",
            "status": "proposed",
            "start_date": None,
            "end_date": None,
            "meetings_this_year": 0,
            "meetings_school_year": None,
            "notes": notes,
            "source": SOURCE,
            "created_by": SEEDED_BY,
            "created_at": when,
            "updated_by": SEEDED_BY,
            "updated_at": when,
            "version": 1,
        }
        for urn, name, country, notes in rows
    ]
    # The columns this revision writes, as a lightweight table (never the live model).
    links = sa.table("links", *(sa.column(name) for name in records[0]))
    op.bulk_insert(links, records)


def downgrade() -> None:
    """Remove the two seeded links if they are still as seeded."""
    op.execute(
        sa.text("DELETE FROM links WHERE created_by = :by AND version = 1").bindparams(by=SEEDED_BY)
    )
