"""one key for a reading's measure and force: a reading's force is its measure's, checked once a row

Readings had a foreign key to their measure and another to their force. The database checks each key of
each row inserted, one lookup at a time: on PostgreSQL those lookups were most of a 20,000-row import's
time. The two keys become one, (metric_id, force_id) to the measure's (id, force_id), which checks one
parent row a reading instead of two, and says more: a reading's force is its measure's force, not any
force. The measure's own key still makes the force a real one.

Revision ID: a3e8d51c7f20
Revises: 7d2f4b9e1c58
Create Date: 2026-11-29 19:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "a3e8d51c7f20"
down_revision: str | None = "7d2f4b9e1c58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEASURE_AND_FORCE = "uq_metrics_id_force_id"
ONE_KEY = "fk_readings_metric_id_force_id_metrics"
TO_THE_MEASURE = "fk_readings_metric_id_metrics"
TO_THE_FORCE = "fk_readings_force_id_forces"


def upgrade() -> None:
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.create_unique_constraint(MEASURE_AND_FORCE, ["id", "force_id"])
    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.drop_constraint(TO_THE_FORCE, type_="foreignkey")
        batch_op.drop_constraint(TO_THE_MEASURE, type_="foreignkey")
        batch_op.create_foreign_key(
            ONE_KEY, "metrics", ["metric_id", "force_id"], ["id", "force_id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.drop_constraint(ONE_KEY, type_="foreignkey")
        batch_op.create_foreign_key(TO_THE_MEASURE, "metrics", ["metric_id"], ["id"], ondelete="CASCADE")
        batch_op.create_foreign_key(TO_THE_FORCE, "forces", ["force_id"], ["id"], ondelete="RESTRICT")
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.drop_constraint(MEASURE_AND_FORCE, type_="unique")
