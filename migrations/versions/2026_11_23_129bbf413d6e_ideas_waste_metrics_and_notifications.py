"""ideas, waste, metrics and notifications

Ideas with their waste types, timeline, supporters and followers, and the per-force counter behind
references like LAN-000123; waste observations; metrics and readings; in-app notifications.

Full-text search over ideas, different on each engine:
- SQLite: an FTS5 table with external content (the ideas table's rowid), kept by triggers. A later batch
  migration that rebuilds the ideas table changes rowids: quest.migrations rebuilds the index after any
  upgrade on SQLite.
- PostgreSQL: a GIN index over to_tsvector('english', ...); quest.ideas.search queries the same expression.

Revision ID: 129bbf413d6e
Revises: fbabdfcf4430
Create Date: 2026-11-23 20:55:22.592421
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "129bbf413d6e"
down_revision: str | None = "fbabdfcf4430"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SEARCH_COLUMNS = "title, problem, proposal, process"
SEARCH_DOCUMENT = "to_tsvector('english', title || ' ' || problem || ' ' || proposal || ' ' || process)"


def _create_search() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_ideas_search ON ideas USING GIN ({SEARCH_DOCUMENT})")
        return
    op.execute(
        f"CREATE VIRTUAL TABLE ideas_fts USING fts5({SEARCH_COLUMNS}, content='ideas', content_rowid='rowid',"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    new = "new.title, new.problem, new.proposal, new.process"
    old = "old.title, old.problem, old.proposal, old.process"
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


def _drop_search() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_ideas_search")
        return
    for trigger in ("ideas_fts_insert", "ideas_fts_delete", "ideas_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS ideas_fts")


def upgrade() -> None:
    op.create_table(
        "force_counters",
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_force_counters_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("force_id", "name", name=op.f("pk_force_counters")),
    )
    op.create_table(
        "metrics",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("division_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "backlog",
                "time",
                "volume",
                "rate",
                "satisfaction",
                "other",
                name="metric_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "direction",
            sa.Enum("down", "up", "neutral", name="metric_direction", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column(
            "frequency",
            sa.Enum("daily", "weekly", "monthly", name="metric_frequency", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("target", sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f("fk_metrics_division_id_divisions"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_metrics_force_id_forces"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metrics")),
        sa.UniqueConstraint("division_id", "name", name="uq_metrics_division_id_name"),
    )
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.create_index("ix_metrics_force_id_kind", ["force_id", "kind"], unique=False)

    op.create_table(
        "ideas",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("division_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("submitter_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("owner_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("expected_benefit", sa.Text(), nullable=False),
        sa.Column("process", sa.String(length=80), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "under_review",
                "approved",
                "in_progress",
                "implemented",
                "declined",
                "duplicate",
                "parked",
                name="idea_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("status_changed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("supporter_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint("supporter_count >= 0", name=op.f("ck_ideas_supporter_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["division_id"], ["divisions.id"], name=op.f("fk_ideas_division_id_divisions"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_ideas_force_id_forces"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_ideas_owner_id_users"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["submitter_id"], ["users.id"], name=op.f("fk_ideas_submitter_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ideas")),
        sa.UniqueConstraint("reference", name=op.f("uq_ideas_reference")),
    )
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ideas_division_id_status_created_at", ["division_id", "status", "created_at"], unique=False
        )
        batch_op.create_index("ix_ideas_force_id_status", ["force_id", "status"], unique=False)
        batch_op.create_index("ix_ideas_status_changed_at", ["status", "status_changed_at"], unique=False)
        batch_op.create_index("ix_ideas_submitter_id_created_at", ["submitter_id", "created_at"], unique=False)

    op.create_table(
        "readings",
        sa.Column("metric_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("period_date", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("entered_by", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("entered_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_readings_entered_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_readings_force_id_forces"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["metric_id"], ["metrics.id"], name=op.f("fk_readings_metric_id_metrics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("metric_id", "period_date", name=op.f("pk_readings")),
    )
    op.create_table(
        "idea_events",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("idea_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("occurred_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("actor_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_idea_events_actor_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_events_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_events")),
    )
    with op.batch_alter_table("idea_events", schema=None) as batch_op:
        batch_op.create_index("ix_idea_events_idea_id_occurred_at", ["idea_id", "occurred_at"], unique=False)

    op.create_table(
        "idea_followers",
        sa.Column("idea_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_followers_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idea_followers_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("idea_id", "user_id", name=op.f("pk_idea_followers")),
    )
    with op.batch_alter_table("idea_followers", schema=None) as batch_op:
        batch_op.create_index("ix_idea_followers_user_id", ["user_id"], unique=False)

    op.create_table(
        "idea_supports",
        sa.Column("idea_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_supports_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idea_supports_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("idea_id", "user_id", name=op.f("pk_idea_supports")),
    )
    op.create_table(
        "idea_waste_types",
        sa.Column("idea_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "waste_type",
            sa.Enum(
                "defects",
                "overproduction",
                "waiting",
                "non_utilised_talent",
                "transport",
                "inventory",
                "motion",
                "extra_processing",
                name="waste_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_waste_types_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("idea_id", "waste_type", name=op.f("pk_idea_waste_types")),
    )
    with op.batch_alter_table("idea_waste_types", schema=None) as batch_op:
        batch_op.create_index("ix_idea_waste_types_waste_type_idea_id", ["waste_type", "idea_id"], unique=False)

    op.create_table(
        "waste_observations",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("division_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("reporter_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("process", sa.String(length=80), nullable=False),
        sa.Column(
            "waste_type",
            sa.Enum(
                "defects",
                "overproduction",
                "waiting",
                "non_utilised_talent",
                "transport",
                "inventory",
                "motion",
                "extra_processing",
                name="waste_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("minutes_per_occurrence", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("occurrences_per_week", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("idea_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint(
            "minutes_per_occurrence > 0 AND minutes_per_occurrence <= 1440",
            name=op.f("ck_waste_observations_minutes_plausible"),
        ),
        sa.CheckConstraint("occurrences_per_week > 0", name=op.f("ck_waste_observations_occurrences_positive")),
        sa.ForeignKeyConstraint(
            ["division_id"],
            ["divisions.id"],
            name=op.f("fk_waste_observations_division_id_divisions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_waste_observations_force_id_forces"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_waste_observations_idea_id_ideas"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_waste_observations_reporter_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_observations")),
    )
    with op.batch_alter_table("waste_observations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_waste_observations_division_id_observed_on", ["division_id", "observed_on"], unique=False
        )
        batch_op.create_index("ix_waste_observations_force_id_waste_type", ["force_id", "waste_type"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("idea_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("event_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("read_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["idea_events.id"], name=op.f("fk_notifications_event_id_idea_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_notifications_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_user_id_read_at_created_at", ["user_id", "read_at", "created_at"], unique=False
        )

    _create_search()


def downgrade() -> None:
    _drop_search()
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id_read_at_created_at")

    op.drop_table("notifications")
    with op.batch_alter_table("waste_observations", schema=None) as batch_op:
        batch_op.drop_index("ix_waste_observations_force_id_waste_type")
        batch_op.drop_index("ix_waste_observations_division_id_observed_on")

    op.drop_table("waste_observations")
    with op.batch_alter_table("idea_waste_types", schema=None) as batch_op:
        batch_op.drop_index("ix_idea_waste_types_waste_type_idea_id")

    op.drop_table("idea_waste_types")
    op.drop_table("idea_supports")
    with op.batch_alter_table("idea_followers", schema=None) as batch_op:
        batch_op.drop_index("ix_idea_followers_user_id")

    op.drop_table("idea_followers")
    with op.batch_alter_table("idea_events", schema=None) as batch_op:
        batch_op.drop_index("ix_idea_events_idea_id_occurred_at")

    op.drop_table("idea_events")
    op.drop_table("readings")
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_index("ix_ideas_submitter_id_created_at")
        batch_op.drop_index("ix_ideas_status_changed_at")
        batch_op.drop_index("ix_ideas_force_id_status")
        batch_op.drop_index("ix_ideas_division_id_status_created_at")

    op.drop_table("ideas")
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.drop_index("ix_metrics_force_id_kind")

    op.drop_table("metrics")
    op.drop_table("force_counters")
