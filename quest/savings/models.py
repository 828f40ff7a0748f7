"""The rate card and the savings ledger."""

from __future__ import annotations

import datetime
import decimal
import uuid

from advanced_alchemy.base import DefaultBase, UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import ExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from quest.audit.recorder import Audited
from quest.columns import enum_column, matching_key_of
from quest.savings.costs import CostRecurrence
from quest.savings.evidence import EvidenceGrade
from quest.savings.forecasts import RecordedAs, recorded_as_of
from quest.savings.rules import ClaimKind, ClaimStatus, Grade

MONEY = Numeric(14, 2)


def _recorded_as_of_status(context: ExecutionContext) -> str:
    """A new claim is recorded as what its status says (a forecast, or a claim), by the ORM or a Core
    insert alike, unless it says so itself (``record_claim`` does)."""
    return recorded_as_of(context.get_current_parameters()["status"]).value  # type: ignore[attr-defined]


class RateCardEntry(UUIDv7AuditBase, Audited):
    """A force's hourly rate for a grade, from a date on."""

    __tablename__ = "rate_card_entries"

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    grade: Mapped[Grade] = mapped_column(enum_column(Grade, "grade"))
    hourly_rate: Mapped[decimal.Decimal] = mapped_column(Numeric(8, 2))
    effective_from: Mapped[datetime.date] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("force_id", "grade", "effective_from", name="uq_rate_card_entries_force_grade_from"),
        CheckConstraint("hourly_rate > 0", name="rate_positive"),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


class SavingsClaim(UUIDv7AuditBase, Audited):
    """One claim of a saving against an idea: cash removed from a budget line, or time released."""

    __tablename__ = "savings_claims"

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="RESTRICT"))
    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="RESTRICT"))
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="RESTRICT"))
    kind: Mapped[ClaimKind] = mapped_column(enum_column(ClaimKind, "claim_kind"))
    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus, "claim_status"))
    # The status it was recorded in, kept once it is superseded: a forecast claimed by a new claim that
    # supersedes it still says it was a forecast (quest.savings.forecasts).
    recorded_as: Mapped[RecordedAs] = mapped_column(
        enum_column(RecordedAs, "claim_recorded_as"), default=_recorded_as_of_status, server_default="claimed"
    )
    mechanism: Mapped[str] = mapped_column(String(200))
    # The mechanism as double counts compare it (quest.text.matching_key), for the ledger's queries. Its
    # attribute starts with "_": it repeats the mechanism, so the audit trail leaves it out.
    _mechanism_key: Mapped[str] = mapped_column("mechanism_key", Text, default=matching_key_of("mechanism"))
    # Cashable: the budget line the money comes off.
    cost_line: Mapped[str] = mapped_column(String(120), default="")
    # Non-cashable: the hours a year released, the grade, the rate it was valued at, and where they went.
    hours_per_year: Mapped[decimal.Decimal] = mapped_column(Numeric(12, 2), default=decimal.Decimal(0))
    grade: Mapped[Grade | None] = mapped_column(enum_column(Grade, "claim_grade"))
    hourly_rate: Mapped[decimal.Decimal | None] = mapped_column(Numeric(8, 2))
    redeployed_to: Mapped[str] = mapped_column(Text, default="")
    # £ a year: the cash, or the hours valued at the rate (kept, so totals are sums in SQL).
    amount_per_year: Mapped[decimal.Decimal] = mapped_column(MONEY)
    period_start: Mapped[datetime.date] = mapped_column(Date)
    period_end: Mapped[datetime.date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text)
    metric_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("metrics.id", ondelete="SET NULL"))
    claimed_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("savings_claims.id", ondelete="RESTRICT"))
    # The evidence grade of a validated claim (quest.savings.evidence): the one its validator gave, the one
    # QUEST proposed from the facts then, and the validator's reason where the two differ. None until graded.
    evidence_grade: Mapped[EvidenceGrade | None] = mapped_column(enum_column(EvidenceGrade, "evidence_grade"))
    proposed_grade: Mapped[EvidenceGrade | None] = mapped_column(enum_column(EvidenceGrade, "proposed_grade"))
    grade_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    graded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    graded_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # Raised by every decision: a validator and a correcting manager cannot both win (quest.concurrency).
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    __table_args__ = (
        Index("ix_savings_claims_idea_id", "idea_id"),
        Index("ix_savings_claims_division_id_status", "division_id", "status"),
        Index("ix_savings_claims_force_id_status", "force_id", "status"),
        Index("ix_savings_claims_division_id_mechanism_key", "division_id", "mechanism_key"),
        CheckConstraint("amount_per_year >= 0 AND hours_per_year >= 0", name="amounts_not_negative"),
        CheckConstraint("period_end IS NULL OR period_end >= period_start", name="period_in_order"),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


class IdeaCost(UUIDv7AuditBase, Audited):
    """What putting an idea in place cost (quest.savings.costs): cash, or hours at a grade valued at the
    rate card; one-off (on ``starts``) or recurring (a year's worth, from ``starts`` to ``ends``)."""

    __tablename__ = "idea_costs"

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="RESTRICT"))
    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="RESTRICT"))
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    recurrence: Mapped[CostRecurrence] = mapped_column(enum_column(CostRecurrence, "cost_recurrence"))
    kind: Mapped[ClaimKind] = mapped_column(enum_column(ClaimKind, "cost_kind"))
    description: Mapped[str] = mapped_column(String(200))
    # Time: the hours (the whole of a one-off cost, a year's of a recurring one), the grade and its rate.
    hours: Mapped[decimal.Decimal] = mapped_column(Numeric(12, 2), default=decimal.Decimal(0))
    grade: Mapped[Grade | None] = mapped_column(enum_column(Grade, "cost_grade"))
    hourly_rate: Mapped[decimal.Decimal | None] = mapped_column(Numeric(8, 2))
    # £: the cash, or the hours valued at the rate (kept, so sums are sums in SQL).
    amount: Mapped[decimal.Decimal] = mapped_column(MONEY)
    starts: Mapped[datetime.date] = mapped_column(Date)
    ends: Mapped[datetime.date | None] = mapped_column(Date)
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    __table_args__ = (
        Index("ix_idea_costs_idea_id", "idea_id"),
        Index("ix_idea_costs_division_id", "division_id"),
        CheckConstraint("amount >= 0 AND hours >= 0", name="cost_not_negative"),
        CheckConstraint("ends IS NULL OR (recurrence = 'recurring' AND ends >= starts)", name="cost_period_in_order"),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


class DoubleCountMember(DefaultBase):
    """A live claim in a group of claims that may count one saving twice, and its group: the group's
    oldest claim, and when that was recorded (the groups are listed oldest first). Claims in no group
    have no row. Kept by :func:`quest.savings.double_counts.regroup`, in the transaction of each change
    that can move a claim into or out of a group; it repeats what the claims say, so it is not audited."""

    __tablename__ = "double_count_members"

    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("savings_claims.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("savings_claims.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"))

    __table_args__ = (
        Index("ix_double_count_members_group_id", "group_id"),
        # The groups in a reach, oldest first: each group's own row (claim_id = group_id) in order.
        Index("ix_double_count_members_opened_at", "opened_at", "group_id"),
        Index("ix_double_count_members_force_id_opened_at", "force_id", "opened_at", "group_id"),
        Index("ix_double_count_members_division_id_opened_at", "division_id", "opened_at", "group_id"),
    )


class YearFigures:
    """A rollup's figures for a financial year, in hundredths (£ or hours), as
    :class:`quest.savings.rules.DayWeighted` holds them (see :class:`SavingsByYear`)."""

    whole_cash: Mapped[int] = mapped_column(BigInteger, default=0)
    whole_time: Mapped[int] = mapped_column(BigInteger, default=0)
    whole_hours: Mapped[int] = mapped_column(BigInteger, default=0)
    part_cash: Mapped[int] = mapped_column(BigInteger, default=0)
    part_time: Mapped[int] = mapped_column(BigInteger, default=0)
    part_hours: Mapped[int] = mapped_column(BigInteger, default=0)


class SavingsByYear(YearFigures, DefaultBase):
    """What a division's counted claims of one status add up to, by financial year: a rollup of the
    claims, kept by :func:`quest.savings.double_counts.regroup` with the double-count groups (which decide
    what counts), so a dashboard or a year's totals read a few rows a division, never every claim.

    Figures are in hundredths (£ or hours), as :class:`quest.savings.rules.DayWeighted` holds them:
    - ``whole_*``: the change, from the year before, in the yearly figures of the claims that cover the
      whole year (a claim adds its figures in the first year it covers whole, and takes them away after
      the last): a year's whole-year sums are the running total up to it;
    - ``part_*``: the yearly figures of the claims that cover the year in part, each times its days in it.
    """

    __tablename__ = "savings_by_year"

    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus, "claim_status"), primary_key=True)
    # A validated claim's evidence grade, or "ungraded" (quest.savings.evidence.UNGRADED); "" for the others.
    grade: Mapped[str] = mapped_column(String(40), primary_key=True)
    # Whether the time the claims release is not yet redeployed (quest.savings.rules.destination_key), so
    # the dashboards read the share not yet redeployed from here too, not from every claim.
    not_redeployed: Mapped[bool] = mapped_column(Boolean, primary_key=True, default=False)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_savings_by_year_force_id_year", "force_id", "year"),)


class CostsByYear(YearFigures, DefaultBase):
    """What a division's ideas cost by financial year, kept as :class:`SavingsByYear` keeps savings (the
    same figures, the same way: a one-off cost counts whole in its year), by
    :func:`quest.savings.year_sums.recost_with` in the transaction of each change to a cost."""

    __tablename__ = "costs_by_year"

    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_costs_by_year_force_id_year", "force_id", "year"),)


class FlaggedByYear(DefaultBase):
    """How many of a division's double-count groups have a claim in each financial year, kept as changes
    from the year before (a group adds one in the first year of each run of years its claims touch, and
    takes it away after the last): a year's count is the running total up to it. Kept with the groups by
    :func:`quest.savings.double_counts.regroup`."""

    __tablename__ = "flagged_by_year"

    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    change: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_flagged_by_year_force_id_year", "force_id", "year"),)
