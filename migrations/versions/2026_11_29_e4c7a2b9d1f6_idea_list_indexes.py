"""idea list indexes: each reach's list walks an index in its own order and stops at a page

The idea list (a division's, a force's, everyone's; with or without a status; newest or oldest first)
sorted every idea in reach to show 50 of them: 1M ideas nationally. Each now has an index in its order,
ending in the id that settles ideas raised at one instant. The force's index by status gains the time
and the id, so it serves everything the old one did.

Revision ID: e4c7a2b9d1f6
Revises: c5a91e3f7b2d
Create Date: 2026-11-29 16:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "e4c7a2b9d1f6"
down_revision: str | None = "c5a91e3f7b2d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIST_INDEXES = (
    ("ix_ideas_division_id_created_at_id", ["division_id", "created_at", "id"]),
    ("ix_ideas_force_id_status_created_at_id", ["force_id", "status", "created_at", "id"]),
    ("ix_ideas_force_id_created_at_id", ["force_id", "created_at", "id"]),
    ("ix_ideas_status_created_at_id", ["status", "created_at", "id"]),
    ("ix_ideas_created_at_id", ["created_at", "id"]),
)
REPLACED = ("ix_ideas_force_id_status", ["force_id", "status"])


def upgrade() -> None:
    for name, columns in LIST_INDEXES:
        op.create_index(name, "ideas", columns, unique=False)
    op.drop_index(REPLACED[0], table_name="ideas")


def downgrade() -> None:
    op.create_index(REPLACED[0], "ideas", REPLACED[1], unique=False)
    for name, _columns in reversed(LIST_INDEXES):
        op.drop_index(name, table_name="ideas")
