"""ideas raised by month: the dashboards count a financial year's ideas for every division and force

Ideas per head over a financial year, for every division of a force and every force of the country, would
count a million ideas by date on each request. ideas_raised_by_month holds each division's ideas raised
in each month (by the London date), kept by quest.rollups.changes as an idea is raised and filled here by
quest.rollups.rebuild.

Revision ID: a9c3e5d7f1b2
Revises: f2a7c4e9b1d3
Create Date: 2026-11-30 02:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

from quest.rollups.models import IdeasRaisedByMonth
from quest.rollups.rebuild import rebuild_statements

revision: str = "a9c3e5d7f1b2"
down_revision: str | None = "f2a7c4e9b1d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "ideas_raised_by_month"


def upgrade() -> None:
    guid = advanced_alchemy.types.guid.GUID(length=16)
    op.create_table(
        TABLE,
        sa.Column("division_id", guid, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("force_id", guid, nullable=False),
        sa.Column("ideas", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f(f"fk_{TABLE}_division_id_divisions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f(f"fk_{TABLE}_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("division_id", "month", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index("ix_ideas_raised_by_month_force_id_month", TABLE, ["force_id", "month"], unique=False)
    connection = op.get_bind()
    for statement in rebuild_statements((IdeasRaisedByMonth,)):
        connection.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_ideas_raised_by_month_force_id_month", table_name=TABLE)
    op.drop_table(TABLE)
