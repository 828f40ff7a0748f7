"""readings versions: a division's dashboard keeps each measure's SPC while its readings stay the same

A division's dashboard read every reading of its measures and worked out their SPC on each view: on the
national dataset, the manager's three measures of five years' daily readings (5,478) cost about 20 ms of
reading and 10 ms of SPC, a third of the page. readings_versions gives each measure's readings a version, a
new random one in the transaction that writes any of them (quest.rollups.changes.readings_written); each
server process keeps what it worked out from a measure's readings under their version
(quest.metrics.kept), so a view reads the versions and works out only what changed. Filled here with a
version for every measure by quest.rollups.rebuild.

Revision ID: f8c1d4b7e2a5
Revises: 89818f8a0819
Create Date: 2026-11-30 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

from quest.rollups.models import ReadingsVersion
from quest.rollups.rebuild import rebuild_statements

revision: str = "f8c1d4b7e2a5"
down_revision: str | None = "89818f8a0819"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "readings_versions"


def upgrade() -> None:
    guid = advanced_alchemy.types.guid.GUID(length=16)
    op.create_table(
        TABLE,
        sa.Column("metric_id", guid, nullable=False),
        sa.Column("version", guid, nullable=False),
        sa.ForeignKeyConstraint(
            ["metric_id"], ["metrics.id"], name=op.f(f"fk_{TABLE}_metric_id_metrics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("metric_id", name=op.f(f"pk_{TABLE}")),
    )
    connection = op.get_bind()
    for statement in rebuild_statements((ReadingsVersion,)):
        connection.execute(statement)


def downgrade() -> None:
    op.drop_table(TABLE)
