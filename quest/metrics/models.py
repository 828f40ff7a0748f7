"""Metrics and readings. One reading per metric per period date; entering a date again replaces the
value, and the audit log keeps the old one."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import cast

from advanced_alchemy.base import DefaultBase, UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from quest.audit.recorder import Audited
from quest.columns import enum_column, matching_key_of
from quest.metrics.sustainment import Sustained
from quest.metrics.vocabulary import Direction, Frequency, MetricKind, MetricRole

VALUE = Numeric(14, 4)


class Metric(UUIDv7AuditBase, Audited):
    __tablename__ = "metrics"

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="RESTRICT"))
    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(120))
    # The name as a claim's mechanism is compared with it (quest.text.matching_key), for the ledger's
    # queries; left out of the audit trail (its attribute starts with "_"), as it repeats the name.
    _name_key: Mapped[str] = mapped_column("name_key", Text, default=matching_key_of("name"))
    unit: Mapped[str] = mapped_column(String(40))
    kind: Mapped[MetricKind] = mapped_column(enum_column(MetricKind, "metric_kind"))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, "metric_direction"))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency, "metric_frequency"))
    target: Mapped[decimal.Decimal | None] = mapped_column(VALUE)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        UniqueConstraint("division_id", "name", name="uq_metrics_division_id_name"),
        # What a reading's foreign key refers to: its measure together with the measure's force.
        UniqueConstraint("id", "force_id", name="uq_metrics_id_force_id"),
        Index("ix_metrics_force_id_kind", "force_id", "kind"),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


class Reading(DefaultBase, Audited):
    """A metric's value for one period (a day, or the first day of a week or month)."""

    __tablename__ = "readings"

    metric_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    period_date: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    value: Mapped[decimal.Decimal] = mapped_column(VALUE)
    entered_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    entered_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    # Kept on the row so the audit log can say whose force a reading belongs to without a lookup.
    force_id: Mapped[uuid.UUID]

    __table_args__ = (
        # One key for the measure and its force: a reading's force is always its measure's, and the
        # database checks one parent row a reading, not two (each check is a lookup per row inserted,
        # most of the cost of a 20,000-row import on PostgreSQL). The force is still a real force, as
        # the measure's own key says so.
        ForeignKeyConstraint(
            ["metric_id", "force_id"],
            ["metrics.id", "metrics.force_id"],
            ondelete="CASCADE",
            name="fk_readings_metric_id_force_id_metrics",
        ),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


# The table itself, for bulk writes and Core statements (imports, the demo's history).
READINGS = cast(Table, Reading.__table__)


class IdeaMetric(UUIDv7AuditBase, Audited):
    """A measure an idea is judged by, from the date of its change (by default the implementation date):
    the before-and-after on the idea's impact panel, and a rebase line on the measure's chart."""

    __tablename__ = "idea_metrics"

    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    metric_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("metrics.id", ondelete="CASCADE"), index=True)
    change_date: Mapped[datetime.date] = mapped_column(Date)
    # An outcome, whose improvement the idea claims; or a balancing measure, which must not worsen.
    role: Mapped[MetricRole] = mapped_column(
        enum_column(MetricRole, "metric_role"), default=MetricRole.OUTCOME, server_default=MetricRole.OUTCOME.value
    )
    linked_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # Kept on the row so the audit log can say whose force the link belongs to without a lookup.
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="RESTRICT"))

    __table_args__ = (UniqueConstraint("idea_id", "metric_id", name="uq_idea_metrics_idea_id_metric_id"),)

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


class LinkJudgement(DefaultBase):
    """What an idea's link to a measure shows, as last judged from the measure's readings
    (:mod:`quest.metrics.judgements`): the evidence a claim resting on it is graded by (the baseline, and
    whether the change is a special cause of improvement), whether a balancing measure worsened, and
    whether an outcome's improvement holds (:mod:`quest.metrics.sustainment`: the state of the latest
    check due, ``months`` 3, 6 or 12, 0 before the first). Judged again, in the same transaction, whenever
    the measure's readings or links change; it repeats what they say, so it is not audited."""

    __tablename__ = "link_judgements"

    link_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea_metrics.id", ondelete="CASCADE"), primary_key=True)
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    metric_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("metrics.id", ondelete="CASCADE"))
    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"))
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    role: Mapped[MetricRole] = mapped_column(enum_column(MetricRole, "metric_role"))
    # The before-period: how many readings, and how many of them were entered after the change date.
    baseline_points: Mapped[int] = mapped_column(Integer)
    back_filled: Mapped[int] = mapped_column(Integer)
    # A special cause of improvement after the change; a special cause of concern after it (worsened).
    improvement: Mapped[bool] = mapped_column(Boolean)
    worsened: Mapped[bool] = mapped_column(Boolean)
    months: Mapped[int] = mapped_column(Integer)
    sustained: Mapped[Sustained] = mapped_column(enum_column(Sustained, "sustained"))
    judged_on: Mapped[datetime.date] = mapped_column(Date)

    __table_args__ = (
        Index("ix_link_judgements_idea_id", "idea_id"),
        Index("ix_link_judgements_division_id_sustained", "division_id", "sustained"),
        Index("ix_link_judgements_force_id_sustained", "force_id", "sustained"),
    )
