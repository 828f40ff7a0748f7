"""public results: a force's published page, and the summaries of implemented ideas written for it

A force's headquarters publishes its results page for the public (``forces.public_since``: when it was
published, NULL while it is not) and withdraws it again. On that page an implemented idea shows its title
and, only where its division's manager has written one, a summary for the public
(``ideas.public_summary``): nothing else a person typed about it is ever shown there.

Plain ADD and DROP COLUMN, never a batch rebuild: rebuilding the ideas table on SQLite would drop its
full-text search triggers.

Revision ID: d8b2f6a4c0e9
Revises: e1f4a7c2b8d6
Create Date: 2026-11-30 04:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "d8b2f6a4c0e9"
down_revision: str | None = "e1f4a7c2b8d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "forces",
        sa.Column("public_since", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    )
    op.add_column("ideas", sa.Column("public_summary", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    op.drop_column("ideas", "public_summary")
    op.drop_column("forces", "public_since")
