"""invitations: a one-time, expiring link that lets an imported user choose their password

Revision ID: a9d3e5f7b1c2
Revises: f8c1d4b7e2a5
Create Date: 2026-11-30 12:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

revision: str = "a9d3e5f7b1c2"
down_revision: str | None = "f8c1d4b7e2a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "invitations"


def upgrade() -> None:
    guid = advanced_alchemy.types.guid.GUID(length=16)
    moment = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
    op.create_table(
        TABLE,
        sa.Column("id", guid, nullable=False),
        sa.Column("user_id", guid, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("expires_at", moment, nullable=False),
        sa.Column("used_at", moment, nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f(f"fk_{TABLE}_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("token_hash", name=op.f(f"uq_{TABLE}_token_hash")),
    )
    with op.batch_alter_table(TABLE) as batch:
        batch.create_index(batch.f(f"ix_{TABLE}_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index(batch.f(f"ix_{TABLE}_user_id"))
    op.drop_table(TABLE)
