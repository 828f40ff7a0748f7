"""response days: the dashboards' medians read each division's distribution of days to an answer

The median days to a first response and to a decision of every force took 10.5 s on the national dataset
(each idea's span worked out and sorted per force on each request). response_days holds, for each division,
kind of answer, financial year (by the London date of the answer) and whole days waited, how many ideas;
kept by quest.rollups.changes as an idea is answered and filled here by quest.rollups.rebuild.

Revision ID: d7b2f6a8c3e9
Revises: c4e8a1f3d5b7
Create Date: 2026-11-30 03:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

from quest.rollups.models import ResponseDays
from quest.rollups.rebuild import rebuild_statements

revision: str = "d7b2f6a8c3e9"
down_revision: str | None = "c4e8a1f3d5b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "response_days"


def upgrade() -> None:
    guid = advanced_alchemy.types.guid.GUID(length=16)
    op.create_table(
        TABLE,
        sa.Column("division_id", guid, nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "first_response", "decision", name="response_kind", native_enum=False, create_constraint=True, length=14
            ),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("force_id", guid, nullable=False),
        sa.Column("ideas", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f(f"fk_{TABLE}_division_id_divisions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f(f"fk_{TABLE}_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("division_id", "kind", "year", "days", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(
        "ix_response_days_year_kind_force_id", TABLE, ["year", "kind", "force_id", "days", "ideas"], unique=False
    )
    connection = op.get_bind()
    for statement in rebuild_statements((ResponseDays,)):
        connection.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_response_days_year_kind_force_id", table_name=TABLE)
    op.drop_table(TABLE)
