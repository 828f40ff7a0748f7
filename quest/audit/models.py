"""The append-only audit log table.

Rows are written by :mod:`quest.audit.recorder` with a Core ``INSERT`` inside the flush of the change
they describe, so a change and its audit row commit or roll back together. The application never updates
or deletes a row; database triggers (see the first migration) refuse it on both engines as well.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from quest.columns import JSONDocument


class AuditEntry(UUIDv7Base):
    __tablename__ = "audit_log"

    occurred_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    # Ids are kept as they were, not as foreign keys: the log must outlive anything it mentions.
    actor_id: Mapped[uuid.UUID | None]
    actor_label: Mapped[str] = mapped_column(String(320))
    force_id: Mapped[uuid.UUID | None]
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    request_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),
        Index("ix_audit_log_force_id_occurred_at", "force_id", "occurred_at"),
        Index("ix_audit_log_actor_id_occurred_at", "actor_id", "occurred_at"),
    )
