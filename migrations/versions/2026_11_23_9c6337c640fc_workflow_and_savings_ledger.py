"""workflow and savings ledger

Ideas learn when they were first answered and decided, the date of the change and what was learned,
the original of a duplicate and the idea they were adopted from. Forces get settings (the response SLA,
productive hours per FTE) and a rate card; ideas get savings claims.

On SQLite, adding foreign keys to ideas rebuilds the table, which drops its triggers: the full-text
search triggers are created again here (and quest.migrations rebuilds the index after the upgrade).

Revision ID: 9c6337c640fc
Revises: 129bbf413d6e
Create Date: 2026-11-23 21:39:00.106882
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "9c6337c640fc"
down_revision: str | None = "129bbf413d6e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SEARCH_COLUMNS = "title, problem, proposal, process"


def _recreate_sqlite_search_triggers() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    new = "new.title, new.problem, new.proposal, new.process"
    old = "old.title, old.problem, old.proposal, old.process"
    for trigger in ("ideas_fts_insert", "ideas_fts_delete", "ideas_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute(
        f"CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN "
        f"INSERT INTO ideas_fts(rowid, {SEARCH_COLUMNS}) VALUES (new.rowid, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN "
        f"INSERT INTO ideas_fts(ideas_fts, rowid, {SEARCH_COLUMNS}) VALUES ('delete', old.rowid, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER ideas_fts_update AFTER UPDATE OF {SEARCH_COLUMNS} ON ideas BEGIN "
        f"INSERT INTO ideas_fts(ideas_fts, rowid, {SEARCH_COLUMNS}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO ideas_fts(rowid, {SEARCH_COLUMNS}) VALUES (new.rowid, {new}); END"
    )


def upgrade() -> None:
    op.create_table(
        "force_settings",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("first_response_days", sa.Integer(), nullable=False),
        sa.Column("decision_days", sa.Integer(), nullable=False),
        sa.Column("productive_hours_per_fte", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint(
            "first_response_days BETWEEN 1 AND 365 AND decision_days BETWEEN 1 AND 730",
            name=op.f("ck_force_settings_sla_days"),
        ),
        sa.CheckConstraint("productive_hours_per_fte > 0", name=op.f("ck_force_settings_productive_hours_positive")),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_force_settings_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_force_settings")),
        sa.UniqueConstraint("force_id", name=op.f("uq_force_settings_force_id")),
    )
    op.create_table(
        "rate_card_entries",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "grade",
            sa.Enum(
                "pcso",
                "constable_sergeant",
                "inspector_above",
                "police_staff",
                name="grade",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("hourly_rate", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint("hourly_rate > 0", name=op.f("ck_rate_card_entries_rate_positive")),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_rate_card_entries_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_card_entries")),
        sa.UniqueConstraint("force_id", "grade", "effective_from", name="uq_rate_card_entries_force_grade_from"),
    )
    op.create_table(
        "savings_claims",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("division_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("idea_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("cashable", "non_cashable", name="claim_kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "forecast",
                "claimed",
                "validated",
                "rejected",
                "superseded",
                name="claim_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("mechanism", sa.String(length=200), nullable=False),
        sa.Column("cost_line", sa.String(length=120), nullable=False),
        sa.Column("hours_per_year", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "grade",
            sa.Enum(
                "pcso",
                "constable_sergeant",
                "inspector_above",
                "police_staff",
                name="claim_grade",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("hourly_rate", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("redeployed_to", sa.Text(), nullable=False),
        sa.Column("amount_per_year", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("metric_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("claimed_by", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("decided_by", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("supersedes_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount_per_year >= 0 AND hours_per_year >= 0", name=op.f("ck_savings_claims_amounts_not_negative")
        ),
        sa.CheckConstraint(
            "period_end IS NULL OR period_end >= period_start", name=op.f("ck_savings_claims_period_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by"], ["users.id"], name=op.f("fk_savings_claims_claimed_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_savings_claims_decided_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f("fk_savings_claims_division_id_divisions"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_savings_claims_force_id_forces"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_savings_claims_idea_id_ideas"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["metric_id"], ["metrics.id"], name=op.f("fk_savings_claims_metric_id_metrics"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["savings_claims.id"],
            name=op.f("fk_savings_claims_supersedes_id_savings_claims"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_savings_claims")),
    )
    with op.batch_alter_table("savings_claims", schema=None) as batch_op:
        batch_op.create_index("ix_savings_claims_division_id_status", ["division_id", "status"], unique=False)
        batch_op.create_index("ix_savings_claims_force_id_status", ["force_id", "status"], unique=False)
        batch_op.create_index("ix_savings_claims_idea_id", ["idea_id"], unique=False)

    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_response_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("implemented_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("learned", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("duplicate_of_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True))
        batch_op.add_column(sa.Column("adopted_from_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_ideas_adopted_from_id"), ["adopted_from_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_ideas_duplicate_of_id_ideas"), "ideas", ["duplicate_of_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ideas_adopted_from_id_ideas"), "ideas", ["adopted_from_id"], ["id"], ondelete="RESTRICT"
        )

    _recreate_sqlite_search_triggers()


def downgrade() -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_ideas_adopted_from_id_ideas"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_ideas_duplicate_of_id_ideas"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_ideas_adopted_from_id"))
        batch_op.drop_column("adopted_from_id")
        batch_op.drop_column("duplicate_of_id")
        batch_op.drop_column("learned")
        batch_op.drop_column("implemented_on")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("first_response_at")

    with op.batch_alter_table("savings_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_savings_claims_idea_id")
        batch_op.drop_index("ix_savings_claims_force_id_status")
        batch_op.drop_index("ix_savings_claims_division_id_status")

    op.drop_table("savings_claims")
    op.drop_table("rate_card_entries")
    op.drop_table("force_settings")

    _recreate_sqlite_search_triggers()
