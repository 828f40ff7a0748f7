"""email outbox: each notification email, written with the change it reports, until it is sent

One table, self-contained: the email (recipient, subject, body), its status (pending, sent, failed), the
tries made, when it is next due (a sender's claim moves that on by a lease), the claim that holds it,
when it was sent or given up on, and the last error. Indexed for the senders' question, "which pending
ones are due?".

Revision ID: f979ff9ff5f7
Revises: 5c1e7a9d3f20
Create Date: 2026-11-29 09:57:33.312015
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "f979ff9ff5f7"
down_revision: str | None = "5c1e7a9d3f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_outbox",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "sent", "failed", name="outbox_status", native_enum=False, create_constraint=True, length=16
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("claim", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("sent_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("failed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_outbox")),
    )
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_email_outbox_status_next_attempt_at", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_email_outbox_status_next_attempt_at")

    op.drop_table("email_outbox")
