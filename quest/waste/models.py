"""A waste observation (DESIGN §2): what was seen, where, and how much time it costs."""

from __future__ import annotations

import datetime
import decimal
import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quest.audit.recorder import Audited
from quest.columns import enum_column
from quest.waste.types import WasteType


class WasteObservation(UUIDv7AuditBase, Audited):
    __tablename__ = "waste_observations"

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="RESTRICT"))
    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="RESTRICT"))
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    process: Mapped[str] = mapped_column(String(80))
    waste_type: Mapped[WasteType] = mapped_column(enum_column(WasteType, "waste_type"))
    description: Mapped[str] = mapped_column(Text)
    minutes_per_occurrence: Mapped[decimal.Decimal] = mapped_column(Numeric(8, 2))
    occurrences_per_week: Mapped[decimal.Decimal] = mapped_column(Numeric(10, 2))
    observed_on: Mapped[datetime.date] = mapped_column(Date)
    idea_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))

    __table_args__ = (
        # The waste page lists the newest first, in a division, a force or everywhere: each read from an
        # index in its order, the first 200 without sorting the rest.
        Index("ix_waste_observations_division_id_observed_on", "division_id", "observed_on", "created_at"),
        Index("ix_waste_observations_force_id_observed_on", "force_id", "observed_on", "created_at"),
        Index("ix_waste_observations_observed_on", "observed_on", "created_at"),
        CheckConstraint("minutes_per_occurrence > 0 AND minutes_per_occurrence <= 1440", name="minutes_plausible"),
        CheckConstraint("occurrences_per_week > 0", name="occurrences_positive"),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id
