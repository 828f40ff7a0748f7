"""rollups for waste and idea statuses: the waste page and the dashboards read running totals, not every record

The waste page's Paretos summed every observation in reach (500,000 nationally) on each request. They
read waste_by_process now: a division's waste of each kind in each process, with how many observations
and their minutes a week. For the dashboards: waste_by_month, the same by kind and month observed, and
ideas_by_status, each division's ideas counted in each status. Both are kept by quest.rollups.changes in the transaction of each change, and filled here
from the records by quest.rollups.rebuild, as the national dataset fills them.

The waste list (the newest 200 in a division, a force or everywhere) reads an index in its own order:
observed_on and created_at, after the division, the force, or nothing. The force's index by waste type
served only the Paretos' force scope, which the rollup now answers.

Revision ID: 7d2f4b9e1c58
Revises: e4c7a2b9d1f6
Create Date: 2026-11-29 16:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

from quest.rollups.models import IdeasByStatus, WasteByMonth, WasteByProcess
from quest.rollups.rebuild import rebuild_statements

revision: str = "7d2f4b9e1c58"
down_revision: str | None = "e4c7a2b9d1f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WASTE_TYPES = (
    "defects",
    "overproduction",
    "waiting",
    "non_utilised_talent",
    "transport",
    "inventory",
    "motion",
    "extra_processing",
)
IDEA_STATUSES = (
    "submitted",
    "under_review",
    "approved",
    "in_progress",
    "implemented",
    "declined",
    "duplicate",
    "parked",
    "withdrawn",
)
# (name, columns) of the waste list's indexes, before and after.
LIST_INDEXES_BEFORE = (
    ("ix_waste_observations_division_id_observed_on", ["division_id", "observed_on"]),
    ("ix_waste_observations_force_id_waste_type", ["force_id", "waste_type"]),
)
LIST_INDEXES_AFTER = (
    ("ix_waste_observations_division_id_observed_on", ["division_id", "observed_on", "created_at"]),
    ("ix_waste_observations_force_id_observed_on", ["force_id", "observed_on", "created_at"]),
    ("ix_waste_observations_observed_on", ["observed_on", "created_at"]),
)


def _place() -> list[sa.Column[object]]:
    return [
        sa.Column("division_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    ]


def _place_keys(table: str) -> list[sa.ForeignKeyConstraint]:
    return [
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f(f"fk_{table}_division_id_divisions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f(f"fk_{table}_force_id_forces"), ondelete="CASCADE"
        ),
    ]


def _waste_type() -> sa.Column[object]:
    return sa.Column(
        "waste_type",
        sa.Enum(*WASTE_TYPES, name="waste_type", native_enum=False, create_constraint=True),
        nullable=False,
    )


def _waste_totals() -> list[sa.Column[object]]:
    """How many observations, and the minutes a week they lose (in ten-thousandths of a minute)."""
    return [
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("minutes_a_week", sa.BigInteger(), nullable=False),
    ]


def _swap_indexes(drop: tuple[tuple[str, list[str]], ...], create: tuple[tuple[str, list[str]], ...]) -> None:
    with op.batch_alter_table("waste_observations", schema=None) as batch_op:
        for name, _columns in drop:
            batch_op.drop_index(name)
        for name, columns in create:
            batch_op.create_index(name, columns, unique=False)


def upgrade() -> None:
    op.create_table(
        "waste_by_process",
        *_place(),
        _waste_type(),
        sa.Column("process_key", sa.String(length=80), nullable=False),
        sa.Column("process", sa.String(length=80), nullable=False),
        *_waste_totals(),
        *_place_keys("waste_by_process"),
        sa.PrimaryKeyConstraint("division_id", "waste_type", "process_key", name=op.f("pk_waste_by_process")),
    )
    op.create_index("ix_waste_by_process_force_id", "waste_by_process", ["force_id"], unique=False)
    op.create_table(
        "waste_by_month",
        *_place(),
        sa.Column("month", sa.Date(), nullable=False),
        _waste_type(),
        *_waste_totals(),
        *_place_keys("waste_by_month"),
        sa.PrimaryKeyConstraint("division_id", "month", "waste_type", name=op.f("pk_waste_by_month")),
    )
    op.create_index("ix_waste_by_month_force_id_month", "waste_by_month", ["force_id", "month"], unique=False)
    op.create_table(
        "ideas_by_status",
        *_place(),
        sa.Column(
            "status",
            sa.Enum(*IDEA_STATUSES, name="idea_status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("ideas", sa.Integer(), nullable=False),
        *_place_keys("ideas_by_status"),
        sa.PrimaryKeyConstraint("division_id", "status", name=op.f("pk_ideas_by_status")),
    )
    op.create_index("ix_ideas_by_status_force_id", "ideas_by_status", ["force_id"], unique=False)
    _swap_indexes(LIST_INDEXES_BEFORE, LIST_INDEXES_AFTER)
    connection = op.get_bind()
    # The rollups of this revision (later ones are filled by their own).
    for statement in rebuild_statements((WasteByProcess, WasteByMonth, IdeasByStatus)):
        connection.execute(statement)


def downgrade() -> None:
    _swap_indexes(LIST_INDEXES_AFTER, LIST_INDEXES_BEFORE)
    op.drop_index("ix_ideas_by_status_force_id", table_name="ideas_by_status")
    op.drop_table("ideas_by_status")
    op.drop_index("ix_waste_by_month_force_id_month", table_name="waste_by_month")
    op.drop_table("waste_by_month")
    op.drop_index("ix_waste_by_process_force_id", table_name="waste_by_process")
    op.drop_table("waste_by_process")
