"""audit log refuses TRUNCATE

On PostgreSQL, TRUNCATE empties a table without firing row triggers, so the append-only guards of the
first migration (UPDATE and DELETE, row by row) did not stop it. A statement-level trigger refuses it
with the same function. SQLite has no TRUNCATE (its ``DELETE FROM`` without a WHERE fires the row
trigger already), so there is nothing to do there.

A table's owner can still drop or disable the trigger: docs/operations.md says how to run QUEST under a
role that does not own its tables.

Revision ID: 5c1e7a9d3f20
Revises: b484f85f7e85
Create Date: 2026-11-29 08:15:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "5c1e7a9d3f20"
down_revision: str | None = "b484f85f7e85"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_log_refuse_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_refuse_truncate ON audit_log")
