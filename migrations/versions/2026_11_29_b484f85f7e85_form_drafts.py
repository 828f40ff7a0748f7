"""form drafts: what someone typed when their session ended, kept to give back after sign-in

One table, self-contained: a draft belongs to the user whose session ended (deleted with them), holds
the SHA-256 of the secret in the browser's cookie, the page and the form's text fields, and expires
after a day.

Revision ID: b484f85f7e85
Revises: 689a22eaa678
Create Date: 2026-11-29 07:17:11.196852
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "b484f85f7e85"
down_revision: str | None = "689a22eaa678"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_drafts",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("bound_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("page", sa.String(length=2000), nullable=False),
        sa.Column("action", sa.String(length=2000), nullable=False),
        sa.Column("what", sa.String(length=80), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_form_drafts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_drafts")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_form_drafts_token_hash")),
    )
    with op.batch_alter_table("form_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_drafts_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_drafts_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("form_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_drafts_user_id"))
        batch_op.drop_index(batch_op.f("ix_form_drafts_expires_at"))

    op.drop_table("form_drafts")
