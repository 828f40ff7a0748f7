"""decisions by year: the implementation rate of a financial year, not of every idea to date

The force and national comparison read every measure for the financial year chosen except the
implementation rate, which counted ideas implemented over ideas decided to date (from ideas_by_status).
decisions_by_year holds, for each division, financial year of the decision (by the London date of
ideas.decided_at, as response_days has it) and the idea's status now, how many ideas: the rate of year Y
is those implemented over those decided, of the ideas decided in Y. Kept by quest.rollups.changes as an
idea moves and filled here by quest.rollups.rebuild.

Revision ID: b3d9e6f1a7c4
Revises: d8b2f6a4c0e9
Create Date: 2026-11-30 05:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

from quest.rollups.models import DecisionsByYear
from quest.rollups.rebuild import rebuild_statements

revision: str = "b3d9e6f1a7c4"
down_revision: str | None = "d8b2f6a4c0e9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "decisions_by_year"
INDEX = "ix_decisions_by_year_year_force_id"
IDEA_STATUSES = (
    "submitted",
    "under_review",
    "approved",
    "in_progress",
    "implemented",
    "declined",
    "duplicate",
    "parked",
    "withdrawn",
)


def upgrade() -> None:
    guid = advanced_alchemy.types.guid.GUID(length=16)
    op.create_table(
        TABLE,
        sa.Column("division_id", guid, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*IDEA_STATUSES, name="idea_status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("force_id", guid, nullable=False),
        sa.Column("ideas", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f(f"fk_{TABLE}_division_id_divisions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f(f"fk_{TABLE}_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("division_id", "year", "status", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(INDEX, TABLE, ["year", "force_id", "status", "ideas"], unique=False)
    connection = op.get_bind()
    for statement in rebuild_statements((DecisionsByYear,)):
        connection.execute(statement)


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_table(TABLE)
