"""idea metrics: the measures an idea is judged by

Each link has the date of the change (by default the idea's implementation date): the before and after
on the idea's impact panel, and a rebase on the measure's XmR chart.

Revision ID: 0047d56e3dec
Revises: 9c6337c640fc
Create Date: 2026-11-23 22:41:15.428946
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0047d56e3dec"
down_revision: str | None = "9c6337c640fc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idea_metrics",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("idea_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("metric_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("change_date", sa.Date(), nullable=False),
        sa.Column("linked_by", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_idea_metrics_force_id_forces"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_metrics_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["linked_by"], ["users.id"], name=op.f("fk_idea_metrics_linked_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["metric_id"], ["metrics.id"], name=op.f("fk_idea_metrics_metric_id_metrics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_metrics")),
        sa.UniqueConstraint("idea_id", "metric_id", name="uq_idea_metrics_idea_id_metric_id"),
    )
    with op.batch_alter_table("idea_metrics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_metrics_metric_id"), ["metric_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("idea_metrics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_metrics_metric_id"))

    op.drop_table("idea_metrics")
