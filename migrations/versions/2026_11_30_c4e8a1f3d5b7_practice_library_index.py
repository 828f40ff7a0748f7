"""practice library index: implemented ideas read in the order of their implementation

The practice library lists implemented ideas from every force, the latest implemented first. Without an
index in that order the database sorted every implemented idea on each page (230 ms on a quarter of the
national dataset, against 60 ms with it).

Revision ID: c4e8a1f3d5b7
Revises: a9c3e5d7f1b2
Create Date: 2026-11-30 03:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "c4e8a1f3d5b7"
down_revision: str | None = "a9c3e5d7f1b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ideas_status_implemented_on_id", "ideas", ["status", "implemented_on", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ideas_status_implemented_on_id", table_name="ideas")
