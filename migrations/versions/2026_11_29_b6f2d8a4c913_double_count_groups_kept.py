"""double-count groups kept: a page of the groups reads those groups, not every claim in reach

The groups of claims that may count one saving twice were found on every request from every live claim
in the viewer's reach: nationally 300,000 claims in a window and 19,764 claims in groups read whole and
paged in Python (12-24 s for the page of double counts, and on every validator's home). They are kept
now in double_count_members, a row for each claim in a group naming the group (its oldest claim, and
when that was recorded), recomputed for a division by quest.savings.double_counts.regroup in the
transaction of each change that can move a claim into or out of a group.

The groups are filled by d01c58e8ea3f now, with the rule's code of its day: filled here with today's code,
they would read columns of savings_claims that this revision's schema does not have yet.

Revision ID: b6f2d8a4c913
Revises: b7d3f9a2c6e1
Create Date: 2026-11-29 23:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

revision: str = "b6f2d8a4c913"
down_revision: str | None = "b7d3f9a2c6e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "double_count_members"
INDEXES = (
    ("ix_double_count_members_group_id", ["group_id"]),
    ("ix_double_count_members_opened_at", ["opened_at", "group_id"]),
    ("ix_double_count_members_force_id_opened_at", ["force_id", "opened_at", "group_id"]),
    ("ix_double_count_members_division_id_opened_at", ["division_id", "opened_at", "group_id"]),
)


def upgrade() -> None:
    guid = advanced_alchemy.types.guid.GUID(length=16)
    op.create_table(
        TABLE,
        sa.Column("claim_id", guid, nullable=False),
        sa.Column("group_id", guid, nullable=False),
        sa.Column("opened_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("force_id", guid, nullable=False),
        sa.Column("division_id", guid, nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["savings_claims.id"], name=op.f(f"fk_{TABLE}_claim_id_savings_claims"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["savings_claims.id"], name=op.f(f"fk_{TABLE}_group_id_savings_claims"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f(f"fk_{TABLE}_division_id_divisions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f(f"fk_{TABLE}_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f(f"pk_{TABLE}")),
    )
    for name, columns in INDEXES:
        op.create_index(name, TABLE, columns, unique=False)


def downgrade() -> None:
    for name, _columns in INDEXES:
        op.drop_index(name, table_name=TABLE)
    op.drop_table(TABLE)
