"""claims recorded as: whether a claim was recorded as a forecast or as a claim, kept once it is superseded

A forecast is claimed by recording a new claim that supersedes it, so most forecasts end ``superseded``
and no longer say that they were forecasts. ``savings_claims.recorded_as`` (``forecast`` or ``claimed``)
keeps the status a claim was recorded in; ``record_claim`` sets it from now on, for forecast against
actual (quest.savings.forecasts).

What existing rows get, and what is inferred:
- from the audit trail where there is one: each claim's ``create`` entry holds its status as it was
  recorded; ``forecast`` there is a forecast, any other status a claim;
- else from the claim's status: ``forecast`` is a forecast; anything else (claimed, validated, rejected,
  superseded) is taken to have been recorded as a claim. So a superseded forecast with no ``create``
  entry (written before the audit trail, or by hand) counts as a claim: it is inferred, not known.

A plain ADD COLUMN with a server default (``claimed``) and its CHECK constraint, on both engines (no
table rebuild); then one UPDATE marks the forecasts, each claim looking up its own ``create`` entry by
the audit log's index on (entity, entity_id). Downgrade drops the column.

Revision ID: 89818f8a0819
Revises: d01c58e8ea3f
Create Date: 2026-11-30 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "89818f8a0819"
down_revision: str | None = "d01c58e8ea3f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The claim's id as the audit trail names it (str(uuid): lower-case hex with hyphens), from the column:
# 16 raw bytes on SQLite, a native uuid on PostgreSQL.
_SQLITE_ID_TEXT = (
    "lower(substr(hex(savings_claims.id), 1, 8) || '-' || substr(hex(savings_claims.id), 9, 4) || '-' || "
    "substr(hex(savings_claims.id), 13, 4) || '-' || substr(hex(savings_claims.id), 17, 4) || '-' || "
    "substr(hex(savings_claims.id), 21, 12))"
)
_STATUS_RECORDED = {
    "sqlite": ("json_extract(audit_log.after, '$.status')", _SQLITE_ID_TEXT),
    "postgresql": ("audit_log.after ->> 'status'", "CAST(savings_claims.id AS TEXT)"),
}


def upgrade() -> None:
    op.execute(
        "ALTER TABLE savings_claims ADD COLUMN recorded_as VARCHAR(8) DEFAULT 'claimed' NOT NULL "
        "CONSTRAINT ck_savings_claims_claim_recorded_as CHECK (recorded_as IN ('forecast', 'claimed'))"
    )
    status_recorded, claim_id = _STATUS_RECORDED[op.get_bind().dialect.name]
    # The status in the claim's first "create" entry, where there is one; else its status now.
    op.execute(
        "UPDATE savings_claims SET recorded_as = 'forecast' WHERE COALESCE(("
        f"SELECT {status_recorded} FROM audit_log WHERE audit_log.entity = 'savings_claims' "
        f"AND audit_log.entity_id = {claim_id} AND audit_log.action = 'create' "
        "ORDER BY audit_log.occurred_at LIMIT 1), savings_claims.status) = 'forecast'"
    )


def downgrade() -> None:
    # Its CHECK constraint goes with it (on SQLite, a constraint of the column alone does not stop DROP COLUMN).
    op.drop_column("savings_claims", "recorded_as")
