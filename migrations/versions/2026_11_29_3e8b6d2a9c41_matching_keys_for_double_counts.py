"""matching keys for double counts: a claim's mechanism and a measure's name as the ledger compares them

The savings ledger finds possible double counts with a query (a self-join on division, mechanism and
overlapping periods). Mechanisms match whatever their case and spacing (quest.text.matching_key); a
database's lower() folds only ASCII, and neither engine collapses runs of spaces alike, so the key is
kept in a column beside what it folds, set by the application as a row is inserted. Existing rows get
theirs here, from the same function.

Both columns are added NOT NULL with an empty default, so SQLite needs no table rebuild.

Revision ID: 3e8b6d2a9c41
Revises: f979ff9ff5f7
Create Date: 2026-11-29 10:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from quest.text import matching_key

revision: str = "3e8b6d2a9c41"
down_revision: str | None = "f979ff9ff5f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = (("savings_claims", "mechanism", "mechanism_key"), ("metrics", "name", "name_key"))


def upgrade() -> None:
    connection = op.get_bind()
    for table, source, key in KEYS:
        op.add_column(table, sa.Column(key, sa.Text(), nullable=False, server_default=""))
        rows = connection.execute(sa.text(f"SELECT id, {source} FROM {table}")).all()
        if rows:
            connection.execute(
                sa.text(f"UPDATE {table} SET {key} = :key WHERE id = :id"),
                [{"id": row_id, "key": matching_key(value)} for row_id, value in rows],
            )
    op.create_index(
        "ix_savings_claims_division_id_mechanism_key", "savings_claims", ["division_id", "mechanism_key"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_savings_claims_division_id_mechanism_key", table_name="savings_claims")
    for table, _source, key in KEYS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(key)
