"""readings by week: the dashboards' backlog means read a few rows a measure, not every reading

The national comparison's backlog change read 96,000 readings a window on each request (about 120 ms).
readings_by_week holds each measure's readings by week (Monday): how many and their total, in
ten-thousandths so that sums are exact. Kept by quest.rollups.changes.readings_written whenever a measure's
readings are written, and filled here by quest.rollups.rebuild.

Revision ID: e1f4a7c2b8d6
Revises: d7b2f6a8c3e9
Create Date: 2026-11-30 04:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

from quest.rollups.models import ReadingsByWeek
from quest.rollups.rebuild import rebuild_statements

revision: str = "e1f4a7c2b8d6"
down_revision: str | None = "d7b2f6a8c3e9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "readings_by_week"


def upgrade() -> None:
    guid = advanced_alchemy.types.guid.GUID(length=16)
    op.create_table(
        TABLE,
        sa.Column("metric_id", guid, nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("force_id", guid, nullable=False),
        sa.Column("readings", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["metric_id"], ["metrics.id"], name=op.f(f"fk_{TABLE}_metric_id_metrics"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f(f"fk_{TABLE}_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("metric_id", "week", name=op.f(f"pk_{TABLE}")),
    )
    connection = op.get_bind()
    for statement in rebuild_statements((ReadingsByWeek,)):
        connection.execute(statement)


def downgrade() -> None:
    op.drop_table(TABLE)
