"""evidence behind savings: costs, balancing measures, evidence grades and sustainment

- idea_costs: what an idea cost to put in place, one-off or recurring, cash or hours at the rate card;
  costs_by_year keeps them by division and financial year, as savings_by_year keeps savings.
- idea_metrics.role: a linked measure is the idea's outcome or a balancing measure.
- savings_claims: a validated claim's evidence grade, the grade QUEST proposed, the validator's reason, who
  graded it and when.
- savings_by_year: the evidence grade joins its key, so dashboards read validated savings by grade.
  Rebuilt (SQLite cannot change a primary key in place). The double-count groups are filled here for every
  division (b6f2d8a4c913 and f2a7c4e9b1d3 no longer do); savings_by_year is filled by b5e9c2d7f4a1, which
  changes its key again: with today's code this revision would write a column its table lacks.
- link_judgements: what each idea's link to a measure shows, as last judged (its baseline, improvement,
  whether a balancing measure worsened, whether an improvement holds); judged here for every link.

idea_metrics and savings_claims are rebuilt on SQLite, once each: SQLite cannot add a foreign key (to the
grading validator) or a CHECK constraint (the link's role) to a table in place.

Revision ID: d01c58e8ea3f
Revises: c6e2a8f4d1b9
Create Date: 2026-11-30 08:18:22.795438
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

from quest.metrics.judgements import judge_everywhere
from quest.savings.double_counts import regroup_everywhere

revision: str = "d01c58e8ea3f"
down_revision: str | None = "c6e2a8f4d1b9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
WHEN = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
FIGURES = ("whole_cash", "whole_time", "whole_hours", "part_cash", "part_time", "part_hours")
SAVINGS = "savings_by_year"
CLAIM_STATUSES = ("forecast", "claimed", "validated", "rejected", "superseded")
GRADES = ("fairly_stated", "fairly_stated_measurement_issues", "not_shown")
MONEY = sa.Numeric(precision=14, scale=2)
JUDGEMENTS = "link_judgements"
JUDGEMENT_INDEXES = (
    ("ix_link_judgements_idea_id", ["idea_id"]),
    ("ix_link_judgements_division_id_sustained", ["division_id", "sustained"]),
    ("ix_link_judgements_force_id_sustained", ["force_id", "sustained"]),
)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)))


def _figures() -> list[sa.Column[int]]:
    return [sa.Column(name, sa.BigInteger(), nullable=False) for name in FIGURES]


def _belongs(table: str, *columns: str, ondelete: str = "CASCADE") -> list[sa.ForeignKeyConstraint]:
    parents = {
        "division_id": "divisions",
        "force_id": "forces",
        "idea_id": "ideas",
        "metric_id": "metrics",
        "recorded_by": "users",
    }
    return [
        sa.ForeignKeyConstraint(
            [column], [f"{parents[column]}.id"], name=op.f(f"fk_{table}_{column}_{parents[column]}"), ondelete=ondelete
        )
        for column in columns
    ]


def _savings_by_year(*key: str, grade: bool) -> None:
    op.create_table(
        SAVINGS,
        sa.Column("division_id", GUID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", _enum("claim_status", *CLAIM_STATUSES), nullable=False),
        *([sa.Column("grade", sa.String(length=40), nullable=False)] if grade else []),
        sa.Column("force_id", GUID, nullable=False),
        *_figures(),
        *_belongs(SAVINGS, "division_id", "force_id"),
        sa.PrimaryKeyConstraint(*key, name=op.f(f"pk_{SAVINGS}")),
    )
    op.create_index("ix_savings_by_year_force_id_year", SAVINGS, ["force_id", "year"], unique=False)


def upgrade() -> None:
    op.create_table(
        "idea_costs",
        sa.Column("id", GUID, nullable=False),
        sa.Column("force_id", GUID, nullable=False),
        sa.Column("division_id", GUID, nullable=False),
        sa.Column("idea_id", GUID, nullable=False),
        sa.Column("recurrence", _enum("cost_recurrence", "one_off", "recurring"), nullable=False),
        sa.Column("kind", _enum("cost_kind", "cashable", "non_cashable"), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "grade", _enum("cost_grade", "pcso", "constable_sergeant", "inspector_above", "police_staff"), nullable=True
        ),
        sa.Column("hourly_rate", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.Column("recorded_by", GUID, nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.CheckConstraint(
            "ends IS NULL OR (recurrence = 'recurring' AND ends >= starts)",
            name=op.f("ck_idea_costs_cost_period_in_order"),
        ),
        sa.CheckConstraint("amount >= 0 AND hours >= 0", name=op.f("ck_idea_costs_cost_not_negative")),
        *_belongs("idea_costs", "division_id", "force_id", "recorded_by", ondelete="RESTRICT"),
        *_belongs("idea_costs", "idea_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_costs")),
    )
    op.create_index("ix_idea_costs_division_id", "idea_costs", ["division_id"], unique=False)
    op.create_index("ix_idea_costs_idea_id", "idea_costs", ["idea_id"], unique=False)

    op.create_table(
        "costs_by_year",
        sa.Column("division_id", GUID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("force_id", GUID, nullable=False),
        *_figures(),
        *_belongs("costs_by_year", "division_id", "force_id"),
        sa.PrimaryKeyConstraint("division_id", "year", name=op.f("pk_costs_by_year")),
    )
    op.create_index("ix_costs_by_year_force_id_year", "costs_by_year", ["force_id", "year"], unique=False)

    # In a batch: on SQLite a plain ADD COLUMN would leave out the role's CHECK constraint.
    with op.batch_alter_table("idea_metrics") as batch_op:
        batch_op.add_column(
            sa.Column("role", _enum("metric_role", "outcome", "balancing"), server_default="outcome", nullable=False)
        )
    # One rebuild on SQLite, which cannot add a foreign key to a table in place.
    with op.batch_alter_table("savings_claims") as batch_op:
        batch_op.add_column(sa.Column("evidence_grade", _enum("evidence_grade", *GRADES), nullable=True))
        batch_op.add_column(sa.Column("proposed_grade", _enum("proposed_grade", *GRADES), nullable=True))
        batch_op.add_column(sa.Column("grade_reason", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("graded_by", GUID, nullable=True))
        batch_op.add_column(sa.Column("graded_at", WHEN, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_savings_claims_graded_by_users"), "users", ["graded_by"], ["id"], ondelete="RESTRICT"
        )

    op.drop_index("ix_savings_by_year_force_id_year", table_name=SAVINGS)
    op.drop_table(SAVINGS)
    _savings_by_year("division_id", "year", "status", "grade", grade=True)

    op.create_table(
        JUDGEMENTS,
        sa.Column("link_id", GUID, nullable=False),
        sa.Column("idea_id", GUID, nullable=False),
        sa.Column("metric_id", GUID, nullable=False),
        sa.Column("division_id", GUID, nullable=False),
        sa.Column("force_id", GUID, nullable=False),
        sa.Column("role", _enum("metric_role", "outcome", "balancing"), nullable=False),
        sa.Column("baseline_points", sa.Integer(), nullable=False),
        sa.Column("back_filled", sa.Integer(), nullable=False),
        sa.Column("improvement", sa.Boolean(), nullable=False),
        sa.Column("worsened", sa.Boolean(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("sustained", _enum("sustained", "sustained", "slipping", "not_yet_known"), nullable=False),
        sa.Column("judged_on", sa.Date(), nullable=False),
        *_belongs(JUDGEMENTS, "division_id", "force_id", "idea_id", "metric_id"),
        sa.ForeignKeyConstraint(
            ["link_id"], ["idea_metrics.id"], name=op.f(f"fk_{JUDGEMENTS}_link_id_idea_metrics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("link_id", name=op.f(f"pk_{JUDGEMENTS}")),
    )
    for name, columns in JUDGEMENT_INDEXES:
        op.create_index(name, JUDGEMENTS, columns, unique=False)

    connection = op.get_bind()
    regroup_everywhere(connection, year_sums=False)  # savings_by_year: filled by b5e9c2d7f4a1
    judge_everywhere(connection)


def downgrade() -> None:
    for name, _columns in JUDGEMENT_INDEXES:
        op.drop_index(name, table_name=JUDGEMENTS)
    op.drop_table(JUDGEMENTS)

    # The grades' rows of each status added together, into the rollup as it was.
    figures = ", ".join(f"SUM({name}) AS {name}" for name in FIGURES)
    op.execute(
        f"CREATE TABLE savings_by_year_old AS SELECT division_id, year, status, force_id, {figures} "
        f"FROM {SAVINGS} GROUP BY division_id, year, status, force_id"
    )
    op.drop_index("ix_savings_by_year_force_id_year", table_name=SAVINGS)
    op.drop_table(SAVINGS)
    _savings_by_year("division_id", "year", "status", grade=False)
    columns = ", ".join(("division_id", "year", "status", "force_id", *FIGURES))
    op.execute(f"INSERT INTO {SAVINGS} ({columns}) SELECT {columns} FROM savings_by_year_old")
    op.drop_table("savings_by_year_old")

    with op.batch_alter_table("savings_claims") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_savings_claims_graded_by_users"), type_="foreignkey")
        for grade in ("proposed_grade", "evidence_grade"):
            batch_op.drop_constraint(batch_op.f(f"ck_savings_claims_{grade}"), type_="check")
        for column in ("graded_at", "graded_by", "grade_reason", "proposed_grade", "evidence_grade"):
            batch_op.drop_column(column)
    with op.batch_alter_table("idea_metrics") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_idea_metrics_metric_role"), type_="check")
        batch_op.drop_column("role")

    op.drop_index("ix_costs_by_year_force_id_year", table_name="costs_by_year")
    op.drop_table("costs_by_year")
    op.drop_index("ix_idea_costs_idea_id", table_name="idea_costs")
    op.drop_index("ix_idea_costs_division_id", table_name="idea_costs")
    op.drop_table("idea_costs")
