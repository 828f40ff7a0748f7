"""The rows of the audit pack's parts (:mod:`quest.savings.audit_pack`): a claim, what it rests on, a cost
and an entry of the audit trail, each as the pack shows it."""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from quest.audit.services import Change, changes_of
from quest.savings.costs import CostRecurrence
from quest.savings.evidence import UNGRADED, EvidenceGrade
from quest.savings.rules import PENNY, ClaimFacts, ClaimKind, ClaimStatus, Grade

D = decimal.Decimal


@dataclass(frozen=True, slots=True)
class PackClaim:
    """A claim, as the pack shows it: its facts and people, and how it counts in the pack's totals."""

    id: uuid.UUID
    idea_id: uuid.UUID
    idea_reference: str
    idea_title: str
    division_id: uuid.UUID
    division_name: str
    status: ClaimStatus
    kind: ClaimKind
    mechanism: str
    cost_line: str
    hours_per_year: D
    grade: Grade | None
    hourly_rate: D | None
    amount_per_year: D
    period_start: datetime.date
    period_end: datetime.date | None
    redeployed_to: str
    evidence: str
    metric_id: uuid.UUID | None
    claimed_by_name: str
    created_at: datetime.datetime
    decided_by_name: str | None
    decided_at: datetime.datetime | None
    decision_note: str
    evidence_grade: EvidenceGrade | None
    proposed_grade: EvidenceGrade | None
    grade_reason: str
    graded_by_name: str | None
    graded_at: datetime.datetime | None
    supersedes_id: uuid.UUID | None
    # Whether it counts in the totals, and if not, why; the possible double count it is in (named by the
    # group's oldest claim).
    counted: bool = True
    not_counted_because: str = ""
    double_count_group: uuid.UUID | None = None
    # Its days in the pack's financial year, and that year's days (an idea's pack: 1 and 1, a full year).
    days: int = 1
    year_days: int = 1

    @property
    def grade_key(self) -> str:
        """Where it counts in validated savings by evidence grade: its grade, or "ungraded"; "" unless
        validated."""
        if self.status is not ClaimStatus.VALIDATED:
            return ""
        return self.evidence_grade.value if self.evidence_grade else UNGRADED

    @property
    def amount_times_days(self) -> D:
        return self.amount_per_year * self.days

    @property
    def hours_times_days(self) -> D:
        return self.hours_per_year * self.days

    @property
    def year_share(self) -> D:
        """The £ of the year's days, rounded for reading (totals are rounded once, from the products)."""
        return (self.amount_times_days / self.year_days).quantize(PENNY, rounding=decimal.ROUND_HALF_UP)

    def facts(self) -> ClaimFacts:
        return ClaimFacts(
            id=str(self.id),
            division_id=str(self.division_id),
            mechanism=self.mechanism,
            kind=self.kind,
            status=self.status,
            period_start=self.period_start,
            period_end=self.period_end,
            amount_per_year=self.amount_per_year,
            hours_per_year=self.hours_per_year,
            created_at=self.created_at,
            idea_id=str(self.idea_id),
            evidence_grade=self.evidence_grade,
        )


@dataclass(frozen=True, slots=True)
class PackEvidence:
    """What a claim rests on (the measure it names, or whose name is its mechanism) and the grade the facts
    support. Figures worked out from readings are rounded to two places for reading."""

    claim_id: uuid.UUID
    idea_reference: str
    measure: str | None
    unit: str
    change_date: datetime.date | None
    baseline_points: int | None
    baseline_from: datetime.date | None
    baseline_to: datetime.date | None
    mean_before: D | None
    lower_limit: D | None
    upper_limit: D | None
    limits_missing: str
    back_filled: int | None
    points_after: int | None
    mean_after: D | None
    change: D | None
    change_pct: D | None
    special_cause: str
    # The idea's balancing measures: each name, and whether it worsened after the change.
    balancing: tuple[tuple[str, bool], ...]
    costs_recorded: bool
    proposed_grade: EvidenceGrade
    why: str
    warning: str | None

    @property
    def balancing_text(self) -> str:
        return "; ".join(f"{name}: {'worsened' if worsened else 'held'}" for name, worsened in self.balancing)

    @property
    def any_worsened(self) -> bool:
        return any(worsened for _name, worsened in self.balancing)


@dataclass(frozen=True, slots=True)
class PackCost:
    id: uuid.UUID
    idea_reference: str
    division_name: str
    description: str
    recurrence: CostRecurrence
    kind: ClaimKind
    hours: D
    grade: Grade | None
    hourly_rate: D | None
    amount: D
    starts: datetime.date
    ends: datetime.date | None
    recorded_by_name: str
    created_at: datetime.datetime
    days: int = 1
    year_days: int = 1

    @property
    def amount_times_days(self) -> D:
        return self.amount * self.days

    @property
    def year_share(self) -> D:
        return (self.amount_times_days / self.year_days).quantize(PENNY, rounding=decimal.ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class PackAuditEntry:
    """An entry of the audit trail. Its values before and after are kept as the log holds them, and put
    in words when asked (:attr:`changes`): a force's year at national scale holds a hundred thousand
    entries of thirty fields, too many to keep in words at once."""

    occurred_at: datetime.datetime
    actor: str
    action: str
    record: str  # "Savings claim" or "Cost"
    record_id: str
    idea_reference: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def changes(self) -> list[Change]:
        return changes_of(self.before, self.after)
