"""organisation, users and audit log

Forces with their yearly profiles and similar forces, divisions, users (table and roles only) and the
append-only audit log, with triggers that refuse UPDATE and DELETE on it on both engines.

Revision ID: a58645ef0eae
Revises:
Create Date: 2026-11-23 19:49:21.112555
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "a58645ef0eae"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


AUDIT_LOG_APPEND_ONLY = "the audit log is append-only"


def _create_audit_log_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{AUDIT_LOG_APPEND_ONLY}';
            END;
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_refuse_{action.lower()} BEFORE {action} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{AUDIT_LOG_APPEND_ONLY}'); END"
            )


def _drop_audit_log_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_refuse_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_refuse_delete")


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("occurred_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("actor_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("actor_label", sa.String(length=320), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_actor_id_occurred_at", ["actor_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_audit_log_entity_entity_id", ["entity", "entity_id"], unique=False)
        batch_op.create_index("ix_audit_log_force_id_occurred_at", ["force_id", "occurred_at"], unique=False)

    op.create_table(
        "forces",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("country", sa.String(length=20), nullable=False),
        sa.Column("area_km2", sa.Numeric(precision=10, scale=1), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint("area_km2 > 0", name=op.f("ck_forces_area_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forces")),
        sa.UniqueConstraint("code", name=op.f("uq_forces_code")),
    )
    op.create_table(
        "divisions",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("officers_fte", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("staff_fte", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint("officers_fte >= 0 AND staff_fte >= 0", name=op.f("ck_divisions_fte_not_negative")),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_divisions_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_divisions")),
        sa.UniqueConstraint("force_id", "code", name="uq_divisions_force_id_code"),
    )
    with op.batch_alter_table("divisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_divisions_force_id"), ["force_id"], unique=False)

    op.create_table(
        "force_profiles",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("officers_fte", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("staff_fte", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("pcso_fte", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("staff_figures_estimated", sa.Boolean(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint(
            "officers_fte >= 0 AND staff_fte >= 0 AND pcso_fte >= 0",
            name=op.f("ck_force_profiles_fte_not_negative"),
        ),
        sa.CheckConstraint("population > 0", name=op.f("ck_force_profiles_population_positive")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_force_profiles_year_plausible")),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_force_profiles_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_force_profiles")),
        sa.UniqueConstraint("force_id", "year", name="uq_force_profiles_force_id_year"),
    )
    op.create_table(
        "similar_forces",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("similar_force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('derived', 'override')", name=op.f("ck_similar_forces_source_valid")),
        sa.CheckConstraint("force_id <> similar_force_id", name=op.f("ck_similar_forces_not_itself")),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_similar_forces_rank_positive")),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_similar_forces_force_id_forces"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["similar_force_id"],
            ["forces.id"],
            name=op.f("fk_similar_forces_similar_force_id_forces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_similar_forces")),
        sa.UniqueConstraint("force_id", "similar_force_id", name="uq_similar_forces_force_id_similar_force_id"),
    )
    op.create_table(
        "users",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "staff",
                "manager",
                "validator",
                "force_hq",
                "national",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("force_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("division_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role NOT IN ('staff', 'manager') OR division_id IS NOT NULL",
            name=op.f("ck_users_division_required"),
        ),
        sa.CheckConstraint(
            "role NOT IN ('staff', 'manager', 'validator', 'force_hq') OR force_id IS NOT NULL",
            name=op.f("ck_users_force_required"),
        ),
        sa.ForeignKeyConstraint(
            ["division_id"],
            ["divisions.id"],
            name=op.f("fk_users_division_id_divisions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_users_force_id_forces"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_division_id"), ["division_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_force_id"), ["force_id"], unique=False)

    _create_audit_log_guards()


def downgrade() -> None:
    _drop_audit_log_guards()
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_force_id"))
        batch_op.drop_index(batch_op.f("ix_users_division_id"))

    op.drop_table("users")
    op.drop_table("similar_forces")
    op.drop_table("force_profiles")
    with op.batch_alter_table("divisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_divisions_force_id"))

    op.drop_table("divisions")
    op.drop_table("forces")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_force_id_occurred_at")
        batch_op.drop_index("ix_audit_log_entity_entity_id")
        batch_op.drop_index("ix_audit_log_actor_id_occurred_at")

    op.drop_table("audit_log")
