"""rollups read from their indexes: the national comparison adds up every force's months and weeks

The national comparison sums ideas raised and waste by force and month over every force: about 21,000 rows
of ideas_raised_by_month and as many of waste_by_month. Their force-and-month indexes now hold the figure
summed too (ideas; minutes a week), so the sums are read from the index alone: on the national dataset,
SQLite's two statements went from about 10 and 6 ms to 5 and 3 ms.

The backlog windows read 13 weeks of every measure from readings_by_week: PostgreSQL scanned the whole
table (280,000 rows) for each window. An index by week, holding the figures, reads the 14,000 rows of a
window alone: the statement went from about 61 to 23 ms. SQLite keeps reading each measure's weeks by its
primary key.

Revision ID: c6e2a8f4d1b9
Revises: b3d9e6f1a7c4
Create Date: 2026-11-30 05:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "c6e2a8f4d1b9"
down_revision: str | None = "b3d9e6f1a7c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table, index, columns before, the figure the index now holds too
INDEXES = (
    ("ideas_raised_by_month", "ix_ideas_raised_by_month_force_id_month", ["force_id", "month"], "ideas"),
    ("waste_by_month", "ix_waste_by_month_force_id_month", ["force_id", "month"], "minutes_a_week"),
)


WEEKS_INDEX = "ix_readings_by_week_week"


def upgrade() -> None:
    for table, index, columns, figure in INDEXES:
        op.drop_index(index, table_name=table)
        op.create_index(index, table, [*columns, figure], unique=False)
    op.create_index(WEEKS_INDEX, "readings_by_week", ["week", "metric_id", "readings", "total"], unique=False)


def downgrade() -> None:
    op.drop_index(WEEKS_INDEX, table_name="readings_by_week")
    for table, index, columns, _figure in INDEXES:
        op.drop_index(index, table_name=table)
        op.create_index(index, table, columns, unique=False)
