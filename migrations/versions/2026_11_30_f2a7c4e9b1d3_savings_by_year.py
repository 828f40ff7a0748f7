"""savings by year: a year's totals read a rollup of the counted claims, not every claim in reach

National headquarters' /savings took 3.5-4.1 s, most of it Python sharing out about 50,000 part-year
claims by days; the dashboards need each division's and force's savings by year too. savings_by_year holds,
for each division, financial year and status, the day-weighted sums (in hundredths) of the claims that
count, recomputed for a division by quest.savings.double_counts.regroup with its double-count groups;
flagged_by_year likewise holds how many of a division's groups fall in
each year.

Both are filled by d01c58e8ea3f now (which added the evidence grade to the rollup's key), with the code of
its day: filled here with today's code, they would read columns this revision's schema lacks.

Revision ID: f2a7c4e9b1d3
Revises: b6f2d8a4c913
Create Date: 2026-11-30 02:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

revision: str = "f2a7c4e9b1d3"
down_revision: str | None = "b6f2d8a4c913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "savings_by_year"
FLAGGED = "flagged_by_year"
STATUSES = ("forecast", "claimed", "validated", "rejected", "superseded")
FIGURES = ("whole_cash", "whole_time", "whole_hours", "part_cash", "part_time", "part_hours")


def upgrade() -> None:
    guid = advanced_alchemy.types.guid.GUID(length=16)
    op.create_table(
        TABLE,
        sa.Column("division_id", guid, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="claim_status", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("force_id", guid, nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in FIGURES),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f(f"fk_{TABLE}_division_id_divisions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f(f"fk_{TABLE}_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("division_id", "year", "status", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index("ix_savings_by_year_force_id_year", TABLE, ["force_id", "year"], unique=False)
    op.create_table(
        FLAGGED,
        sa.Column("division_id", guid, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("force_id", guid, nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f(f"fk_{FLAGGED}_division_id_divisions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f(f"fk_{FLAGGED}_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("division_id", "year", name=op.f(f"pk_{FLAGGED}")),
    )
    op.create_index("ix_flagged_by_year_force_id_year", FLAGGED, ["force_id", "year"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_flagged_by_year_force_id_year", table_name=FLAGGED)
    op.drop_table(FLAGGED)
    op.drop_index("ix_savings_by_year_force_id_year", table_name=TABLE)
    op.drop_table(TABLE)
