"""Forces, force profiles, similar forces and divisions (DESIGN §2, Organisation)."""

from __future__ import annotations

import datetime
import decimal
import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quest.audit.recorder import Audited
from quest.columns import FTE


class Force(UUIDv7AuditBase, Audited):
    __tablename__ = "forces"

    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(60))
    country: Mapped[str] = mapped_column(String(20))
    area_km2: Mapped[decimal.Decimal] = mapped_column(Numeric(10, 1))
    # When its headquarters published the force's results page for the public; None while it is not
    # published (never, or withdrawn).
    public_since: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    profiles: Mapped[list[ForceProfile]] = relationship(
        back_populates="force", order_by="ForceProfile.year", cascade="all, delete-orphan"
    )
    divisions: Mapped[list[Division]] = relationship(
        back_populates="force", order_by="Division.name", cascade="all, delete-orphan"
    )

    __table_args__ = (CheckConstraint("area_km2 > 0", name="area_positive"),)

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.id


class ForceProfile(UUIDv7AuditBase, Audited):
    """A force's size in one financial year, named by the year it starts (2024: April 2024 to March 2025)."""

    __tablename__ = "force_profiles"

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    officers_fte: Mapped[decimal.Decimal] = mapped_column(FTE)
    staff_fte: Mapped[decimal.Decimal] = mapped_column(FTE)
    pcso_fte: Mapped[decimal.Decimal] = mapped_column(FTE)
    population: Mapped[int] = mapped_column(Integer)
    # True where staff and PCSO numbers are estimated from officer numbers rather than published.
    staff_figures_estimated: Mapped[bool] = mapped_column(Boolean, default=False)

    force: Mapped[Force] = relationship(back_populates="profiles")

    __table_args__ = (
        UniqueConstraint("force_id", "year", name="uq_force_profiles_force_id_year"),
        CheckConstraint("officers_fte >= 0 AND staff_fte >= 0 AND pcso_fte >= 0", name="fte_not_negative"),
        CheckConstraint("population > 0", name="population_positive"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


class SimilarForce(UUIDv7AuditBase, Audited):
    """One entry of a force's comparison set, ranked from the most similar.

    ``source`` is ``derived`` (computed by :mod:`quest.org.similarity`) or ``override`` (chosen by the
    force's headquarters).
    """

    __tablename__ = "similar_forces"

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    similar_force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="derived")

    __table_args__ = (
        UniqueConstraint("force_id", "similar_force_id", name="uq_similar_forces_force_id_similar_force_id"),
        CheckConstraint("force_id <> similar_force_id", name="not_itself"),
        CheckConstraint("source IN ('derived', 'override')", name="source_valid"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


class Division(UUIDv7AuditBase, Audited):
    """A basic command unit of a force."""

    __tablename__ = "divisions"

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    officers_fte: Mapped[decimal.Decimal] = mapped_column(FTE)
    staff_fte: Mapped[decimal.Decimal] = mapped_column(FTE)

    force: Mapped[Force] = relationship(back_populates="divisions")

    __table_args__ = (
        UniqueConstraint("force_id", "code", name="uq_divisions_force_id_code"),
        CheckConstraint("officers_fte >= 0 AND staff_fte >= 0", name="fte_not_negative"),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


# Until a force's headquarters says otherwise (DESIGN §2): a first response within 14 days, a decision
# within 30, and 1,650 productive hours in a full-time year.
DEFAULT_FIRST_RESPONSE_DAYS = 14
DEFAULT_DECISION_DAYS = 30
DEFAULT_PRODUCTIVE_HOURS = decimal.Decimal(1650)


class ForceSettings(UUIDv7AuditBase, Audited):
    """What a force's headquarters sets: the response SLA and the productive hours of an FTE."""

    __tablename__ = "force_settings"

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"), unique=True)
    first_response_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_FIRST_RESPONSE_DAYS)
    decision_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_DECISION_DAYS)
    productive_hours_per_fte: Mapped[decimal.Decimal] = mapped_column(Numeric(8, 2), default=DEFAULT_PRODUCTIVE_HOURS)

    @classmethod
    def defaults(cls, force_id: uuid.UUID) -> ForceSettings:
        """The settings of a force whose headquarters has saved none (not added to any session)."""
        return cls(
            force_id=force_id,
            first_response_days=DEFAULT_FIRST_RESPONSE_DAYS,
            decision_days=DEFAULT_DECISION_DAYS,
            productive_hours_per_fte=DEFAULT_PRODUCTIVE_HOURS,
        )

    __table_args__ = (
        CheckConstraint("first_response_days BETWEEN 1 AND 365 AND decision_days BETWEEN 1 AND 730", name="sla_days"),
        CheckConstraint("productive_hours_per_fte > 0", name="productive_hours_positive"),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id
