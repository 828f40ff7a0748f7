"""The audit pack (issue 14): everything a finance officer or an auditor needs to check the savings of a
force's financial year, or of one idea, and to work every total out again by hand.

A pack has five parts, the same in the workbook, the printable page and the API:

- **Summary**: each total as QUEST shows it (a force's: exactly what its dashboard reads,
  :func:`quest.dashboards.savings.savings_by`; an idea's: what its page shows), beside the same total
  worked out again from the pack's own rows by the rule (:data:`RULE`), which the workbook does with a
  formula of its own;
- **Claims**: every claim of the year (those whose period falls in it, at least in part, whatever their
  status) or of the idea, with its grade, its people and dates, whether it counts in the totals and why
  not, and, for a year, its days in the year, its £ a year × those days and the year's share;
- **Evidence**: what each claim rests on: its measure's baseline (points, mean and limits, back-filled
  readings), the after-period's mean, the change, whether it is a special cause, the idea's balancing
  measures and whether they worsened, whether its costs are recorded, and the grade QUEST proposes;
- **Costs**: the costs of the year (a one-off cost counts whole in the year it was incurred, a recurring
  one by its days in it) or of the idea;
- **Audit trail**: every change to those claims and costs, as the audit log holds it.

The rows are read a part at a time, one statement each (two for the evidence: the measures' changes, and
their readings), never one a claim: a force's year holds thousands of claims at national scale. The
columns of each part are defined once (:data:`CLAIM_COLUMNS` and the rest), for the workbook, the API and
the check of each total.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, union, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest.accounts import access
from quest.accounts.access import Permission, Reach
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.audit.models import AuditEntry
from quest.audit.refusals import not_found
from quest.audit.services import Change, changes_of, field_label
from quest.columns import UuidText
from quest.dashboards.savings import BY_FORCE, savings_by
from quest.errors import InvalidQuery, OutOfReach
from quest.ideas.models import Idea
from quest.ideas.record import sees_full_record, visible
from quest.metrics.impact import Impact, before_and_after
from quest.metrics.models import IdeaMetric, Metric
from quest.metrics.series import Window, readings_of_each
from quest.metrics.spc import NoLimits, PointType
from quest.metrics.vocabulary import Direction, MetricRole
from quest.org.models import Division, Force
from quest.org.settings import productive_hours_of
from quest.savings.claim_evidence import evidence_from, links_shown
from quest.savings.costs import CostFacts, CostRecurrence, days_counted, one_off_total, yearly_recurring
from quest.savings.evidence import GRADE_LABELS, UNGRADED, EvidenceGrade
from quest.savings.ledger import idea_ledger
from quest.savings.models import DoubleCountMember, IdeaCost, SavingsClaim
from quest.savings.rules import (
    COUNTED_STATUSES,
    GRADE_KEYS,
    HEADLINE_KEYS,
    PENNY,
    ClaimFacts,
    ClaimKind,
    ClaimStatus,
    Grade,
    Total,
    Totals,
    counted,
    days_in_year,
    days_of_year,
    double_counts,
    financial_year_bounds,
)
from quest.savings.year_sums import falls_in_year

D = decimal.Decimal

RULE = (
    "Each claim counts its £ a year times its days in the financial year (1 April to 31 March: 365 days, or 366 "
    "when it holds a 29 February). A total is the sum of those products over the claims counted, divided by the "
    "year's days and rounded once, to the penny (a half penny up); hours the same way, to a hundredth of an hour. "
    "Cash and time are rounded apart, and a total of both is the two added. A one-off cost counts whole in the "
    "financial year it was incurred in (every day of that year); a recurring cost counts by its days in the year, "
    "as a claim does. Claims marked “no” under “Counted” are left out of every total: rejected and superseded "
    "claims, and every claim of a possible double count but the one that counts for its group (validated, then "
    "claimed, then forecast; the earliest if they tie). Gross is the validated savings graded fairly stated, with "
    "or without measurement issues; net is gross less the year's costs. The year's share on each row is rounded "
    "for reading only: a total is not the sum of the shares, which may differ from it by a few pennies."
)
IDEA_RULE = (
    "A full year's worth of the idea's claims: each counts its £ a year, and a total is their sum over the claims "
    "counted (hours likewise). Cash and time are apart, and a total of both is the two added. Claims marked “no” "
    "under “Counted” are left out: rejected and superseded claims, and every claim of a possible double count "
    "among the idea's own claims but the one that counts for its group (validated, then claimed, then forecast; "
    "the earliest if they tie). Gross is the validated savings graded fairly stated, with or without measurement "
    "issues; net a year is gross less the recurring costs a year. One-off costs are shown apart."
)
STATUS_WORDS = {ClaimStatus.VALIDATED: "Validated", ClaimStatus.CLAIMED: "Claimed", ClaimStatus.FORECAST: "Forecast"}
GRADE_WORDS = {**{grade.value: label for grade, label in GRADE_LABELS.items()}, UNGRADED: "Not graded yet"}
FORCE_CODE = re.compile(r"[A-Z][A-Z0-9-]{0,7}")


class PackFormat(enum.StrEnum):
    """How a pack is downloaded: a workbook, or a page to read and print."""

    HTML = "html"
    XLSX = "xlsx"


# --- The rows -------------------------------------------------------------------------------------------


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


# --- The columns of each part, and the totals worked out from them ------------------------------------------


Value = str | int | D | datetime.date | datetime.datetime | None


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a part: its key (in the API), its heading, its value for a row, and what it holds:
    ``text``, ``money`` (£, two places), ``hours``, ``number``, ``date`` or ``time`` (UTC)."""

    key: str
    heading: str
    value: Callable[[Any], Value]
    holds: str = "text"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _id(value: uuid.UUID | None) -> str:
    return "" if value is None else str(value)


def _or_blank(value: Any) -> Any:
    return "" if value is None else value


def claim_columns(year: int | None) -> tuple[Column, ...]:
    """The Claims part's columns; for a financial year, with its days, products and shares."""
    first = (
        Column("claim_id", "Claim", lambda claim: str(claim.id)),
        Column("idea", "Idea", lambda claim: claim.idea_reference),
        Column("idea_title", "Idea's title", lambda claim: claim.idea_title),
        Column("division", "Division", lambda claim: claim.division_name),
        Column("status", "Status", lambda claim: claim.status.value),
        Column("counted", "Counted", lambda claim: _yes(claim.counted)),
        Column("not_counted_because", "Why not counted", lambda claim: claim.not_counted_because),
        Column(
            "double_count_group", "Possible double count (group's first claim)", lambda c: _id(c.double_count_group)
        ),
        Column("kind", "Kind", lambda claim: claim.kind.value),
        Column("mechanism", "Mechanism", lambda claim: claim.mechanism),
        Column("cost_line", "Cost line", lambda claim: claim.cost_line),
        Column("hours_per_year", "Hours a year", lambda claim: claim.hours_per_year, "hours"),
        Column("grade", "Grade (rank)", lambda claim: claim.grade.value if claim.grade else ""),
        Column("hourly_rate", "Rate (£ an hour)", lambda claim: claim.hourly_rate, "money"),
        Column("amount_per_year", "£ a year", lambda claim: claim.amount_per_year, "money"),
        Column("period_start", "Period from", lambda claim: claim.period_start, "date"),
        Column("period_end", "Period to", lambda claim: claim.period_end, "date"),
    )
    by_year = (
        ()
        if year is None
        else (
            Column("days", "Days in the year", lambda claim: claim.days, "number"),
            Column("amount_times_days", "£ a year × days", lambda claim: claim.amount_times_days, "money"),
            Column("hours_times_days", "Hours a year × days", lambda claim: claim.hours_times_days, "hours"),
            Column("year_share", "The year's share (£, rounded)", lambda claim: claim.year_share, "money"),
        )
    )
    last = (
        Column("evidence_grade", "Evidence grade", lambda claim: claim.grade_key),
        Column("proposed_grade", "Grade QUEST proposed", lambda c: c.proposed_grade.value if c.proposed_grade else ""),
        Column("grade_reason", "Why the grade differs", lambda claim: claim.grade_reason),
        Column("graded_by", "Graded by", lambda claim: _or_blank(claim.graded_by_name)),
        Column("graded_at", "Graded at (UTC)", lambda claim: claim.graded_at, "time"),
        Column("claimed_by", "Claimed by", lambda claim: claim.claimed_by_name),
        Column("claimed_at", "Recorded at (UTC)", lambda claim: claim.created_at, "time"),
        Column("validator", "Decided by (validator)", lambda claim: _or_blank(claim.decided_by_name)),
        Column("decided_at", "Decided at (UTC)", lambda claim: claim.decided_at, "time"),
        Column("decision_note", "Validator's note", lambda claim: claim.decision_note),
        Column("redeployed_to", "Time redeployed to", lambda claim: claim.redeployed_to),
        Column("evidence", "Evidence (as claimed)", lambda claim: claim.evidence),
        Column("supersedes", "Replaces claim", lambda claim: _id(claim.supersedes_id)),
    )
    return first + by_year + last


def _number(value: Fraction | D | None, places: str = "0.01") -> D | None:
    if value is None:
        return None
    exact = D(value.numerator) / D(value.denominator) if isinstance(value, Fraction) else value
    return exact.quantize(D(places), rounding=decimal.ROUND_HALF_UP)


EVIDENCE_COLUMNS = (
    Column("claim_id", "Claim", lambda row: str(row.claim_id)),
    Column("idea", "Idea", lambda row: row.idea_reference),
    Column("measure", "Measure the claim rests on", lambda row: row.measure or "(none)"),
    Column("unit", "Unit", lambda row: row.unit),
    Column("change_date", "Change date", lambda row: row.change_date, "date"),
    Column("baseline_points", "Baseline readings", lambda row: row.baseline_points, "number"),
    Column("baseline_from", "Baseline from", lambda row: row.baseline_from, "date"),
    Column("baseline_to", "Baseline to", lambda row: row.baseline_to, "date"),
    Column("mean_before", "Mean before", lambda row: row.mean_before, "hours"),
    Column("lower_limit", "Lower process limit", lambda row: row.lower_limit, "hours"),
    Column("upper_limit", "Upper process limit", lambda row: row.upper_limit, "hours"),
    Column("limits_missing", "Why no limits", lambda row: row.limits_missing),
    Column("back_filled", "Back-filled baseline readings", lambda row: row.back_filled, "number"),
    Column("points_after", "Readings after", lambda row: row.points_after, "number"),
    Column("mean_after", "Mean after", lambda row: row.mean_after, "hours"),
    Column("change", "Change", lambda row: row.change, "hours"),
    Column("change_pct", "Change %", lambda row: row.change_pct, "hours"),
    Column("special_cause", "After the change", lambda row: row.special_cause),
    Column("balancing", "Balancing measures", lambda row: row.balancing_text),
    Column("balancing_worsened", "A balancing measure worsened", lambda row: _yes(row.any_worsened)),
    Column("costs_recorded", "Costs recorded", lambda row: _yes(row.costs_recorded)),
    Column("grade_proposed_now", "Grade the facts support now", lambda row: row.proposed_grade.value),
    Column("why", "Why", lambda row: row.why),
    Column("warning", "Baseline warning", lambda row: row.warning or ""),
)


def cost_columns(year: int | None) -> tuple[Column, ...]:
    first = (
        Column("cost_id", "Cost", lambda cost: str(cost.id)),
        Column("idea", "Idea", lambda cost: cost.idea_reference),
        Column("division", "Division", lambda cost: cost.division_name),
        Column("description", "What it was", lambda cost: cost.description),
        Column("recurrence", "One-off or recurring", lambda cost: cost.recurrence.value),
        Column("kind", "Kind", lambda cost: cost.kind.value),
        Column("hours", "Hours (a year, if recurring)", lambda cost: cost.hours, "hours"),
        Column("grade", "Grade (rank)", lambda cost: cost.grade.value if cost.grade else ""),
        Column("hourly_rate", "Rate (£ an hour)", lambda cost: cost.hourly_rate, "money"),
        Column("amount", "£ (a year, if recurring)", lambda cost: cost.amount, "money"),
        Column("starts", "From (one-off: incurred on)", lambda cost: cost.starts, "date"),
        Column("ends", "To", lambda cost: cost.ends, "date"),
    )
    by_year = (
        ()
        if year is None
        else (
            Column("days", "Days counted in the year", lambda cost: cost.days, "number"),
            Column("amount_times_days", "£ × days", lambda cost: cost.amount_times_days, "money"),
            Column("year_share", "The year's share (£, rounded)", lambda cost: cost.year_share, "money"),
        )
    )
    last = (
        Column("recorded_by", "Recorded by", lambda cost: cost.recorded_by_name),
        Column("recorded_at", "Recorded at (UTC)", lambda cost: cost.created_at, "time"),
    )
    return first + by_year + last


def _fields(entry: PackAuditEntry) -> list[str]:
    return sorted({*(entry.before or {}), *(entry.after or {})})


def _values(changes: Iterable[Change], side: str) -> str:
    """One side of an entry's changes, a field a line: "Status: claimed"."""
    return "\n".join(f"{change.label}: {value}" for change in changes if (value := getattr(change, side)) is not None)


# One row an entry: a new record's every value, or a change's fields before and after, a field a line.
AUDIT_COLUMNS = (
    Column("occurred_at", "When (UTC)", lambda entry: entry.occurred_at, "time"),
    Column("actor", "Who", lambda entry: entry.actor),
    Column("action", "Action", lambda entry: entry.action),
    Column("record", "Record", lambda entry: entry.record),
    Column("record_id", "Its id", lambda entry: entry.record_id),
    Column("idea", "Idea", lambda entry: entry.idea_reference),
    Column("fields", "Fields", lambda entry: ", ".join(field_label(field) for field in _fields(entry))),
    Column("before", "Before", lambda entry: _values(entry.changes, "before")),
    Column("after", "After", lambda entry: _values(entry.changes, "after")),
)


@dataclass(frozen=True, slots=True)
class SumOf:
    """A total worked out from a part's rows: the sum of ``column`` over the rows whose columns hold the
    values ``where`` gives, divided by ``divisor`` (the year's days), rounded once to the penny."""

    part: str  # "claims" or "costs"
    column: str
    where: tuple[tuple[str, str], ...]
    divisor: int


@dataclass(frozen=True, slots=True)
class Added:
    """A total of other totals (by key), each added (+1) or taken away (-1)."""

    terms: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class DistinctCount:
    """How many different values a part's column holds (blanks aside)."""

    part: str
    column: str


Check = SumOf | Added | DistinctCount


@dataclass(frozen=True, slots=True)
class TotalLine:
    """A total of the summary: as QUEST shows it (``shown``), and worked out again from the pack's rows
    (``from_rows``) by ``check``, which the workbook also does with a formula."""

    key: str
    label: str
    unit: str  # "£", "hours" or "groups"
    shown: D
    from_rows: D
    check: Check

    @property
    def matches(self) -> bool:
        return self.shown == self.from_rows


@dataclass(frozen=True, slots=True)
class AuditPack:
    """A force's financial year (``force_code``, ``year``), or one idea's (``idea_reference``)."""

    title: str
    force_code: str
    force_name: str
    year: int | None
    idea_reference: str | None
    generated_at: datetime.datetime
    generated_by: str
    productive_hours: D
    rule: str
    totals: list[TotalLine]
    claims: list[PackClaim]
    evidence: list[PackEvidence]
    costs: list[PackCost]
    audit_trail: list[PackAuditEntry]

    @property
    def year_days(self) -> int:
        return 1 if self.year is None else days_of_year(self.year)

    @property
    def year_name(self) -> str:
        return "" if self.year is None else f"{self.year} to {self.year + 1}"

    @property
    def filename(self) -> str:
        if self.idea_reference:
            return f"audit-pack-{self.idea_reference}"
        return f"audit-pack-{self.force_code}-{self.year}"

    @property
    def all_match(self) -> bool:
        return all(line.matches for line in self.totals)

    def rows_of(self, part: str) -> Sequence[Any]:
        return self.claims if part == "claims" else self.costs

    def columns_of(self, part: str) -> tuple[Column, ...]:
        return {"claims": claim_columns(self.year), "costs": cost_columns(self.year)}[part]


def worked_out(
    check: Check, rows: Mapping[str, Sequence[Any]], columns: Mapping[str, tuple[Column, ...]], done: Mapping[str, D]
) -> D:
    """A total worked out from the rows by its ``check``, as the workbook's formula does (``done``: the
    totals worked out before it, by key)."""
    if isinstance(check, Added):
        return sum((sign * done[key] for sign, key in check.terms), D(0))
    named = {column.key: column for column in columns[check.part]}
    if isinstance(check, DistinctCount):
        return D(len({value for row in rows[check.part] if (value := named[check.column].value(row))}))
    total = D(0)
    for row in rows[check.part]:
        if all(named[key].value(row) == wanted for key, wanted in check.where):
            value = named[check.column].value(row)
            total += value if isinstance(value, D) else D(0)
    return (total / check.divisor).quantize(PENNY, rounding=decimal.ROUND_HALF_UP)


def _lines(
    specs: Iterable[tuple[str, str, str, D, Check]],
    rows: Mapping[str, Sequence[Any]],
    columns: Mapping[str, tuple[Column, ...]],
) -> list[TotalLine]:
    lines: list[TotalLine] = []
    done: dict[str, D] = {}
    for key, label, unit, shown, check in specs:
        done[key] = worked_out(check, rows, columns, done)
        lines.append(TotalLine(key, label, unit, shown, done[key], check))
    return lines


def _money_lines(
    key: str, words: str, total: Total, where: tuple[tuple[str, str], ...], amount: str, divisor: int
) -> Iterable[tuple[str, str, str, D, Check]]:
    """A total's cash, time released and their sum, each checked against the claims ``where`` selects."""
    for kind, part, label in (
        (ClaimKind.CASHABLE, "cashable_gbp", "cash"),
        (ClaimKind.NON_CASHABLE, "non_cashable_gbp", "time released"),
    ):
        yield (
            f"{key}.{part}",
            f"{words}: {label}",
            "£",
            getattr(total, part),
            SumOf("claims", amount, (*where, ("kind", kind.value)), divisor),
        )
    yield (
        f"{key}.total_gbp",
        f"{words}: total",
        "£",
        total.total_gbp,
        Added(((1, f"{key}.cashable_gbp"), (1, f"{key}.non_cashable_gbp"))),
    )


def _claim_specs(totals: Totals, amount: str, hours: str, divisor: int) -> Iterable[tuple[str, str, str, D, Check]]:
    """The totals of the claims: validated, claimed and forecast (cash, time, both, hours), and validated
    savings by evidence grade, and the headline's gross."""
    for status in COUNTED_STATUSES:
        counted_of = (("counted", "yes"), ("status", status.value))
        total = getattr(totals, status.value)
        yield from _money_lines(status.value, STATUS_WORDS[status], total, counted_of, amount, divisor)
        yield (
            f"{status.value}.hours",
            f"{STATUS_WORDS[status]}: hours released",
            "hours",
            total.hours,
            SumOf("claims", hours, counted_of, divisor),
        )
    for grade in GRADE_KEYS:
        graded = (("counted", "yes"), ("status", ClaimStatus.VALIDATED.value), ("evidence_grade", grade))
        words = f"Validated, {GRADE_WORDS[grade].lower()}"
        yield from _money_lines(f"by_grade.{grade}", words, totals.by_grade[grade], graded, amount, divisor)
    yield (
        "gross_gbp",
        "Gross: validated, fairly stated (with or without measurement issues)",
        "£",
        totals.gross_gbp,
        Added(tuple((1, f"by_grade.{grade}.total_gbp") for grade in HEADLINE_KEYS)),
    )


def year_totals(
    pack_claims: Sequence[PackClaim], costs: Sequence[PackCost], totals: Totals, year: int
) -> list[TotalLine]:
    """A force's year: each total its dashboard shows (``totals``), worked out again from the rows."""
    days = days_of_year(year)

    def specs() -> Iterable[tuple[str, str, str, D, Check]]:
        yield from _claim_specs(totals, "amount_times_days", "hours_times_days", days)
        yield (
            "costs.cashable_gbp",
            "Costs: cash",
            "£",
            totals.costs.cashable_gbp,
            SumOf("costs", "amount_times_days", (("kind", ClaimKind.CASHABLE.value),), days),
        )
        yield (
            "costs.non_cashable_gbp",
            "Costs: time",
            "£",
            totals.costs.non_cashable_gbp,
            SumOf("costs", "amount_times_days", (("kind", ClaimKind.NON_CASHABLE.value),), days),
        )
        yield (
            "costs_gbp",
            "Costs: total",
            "£",
            totals.costs.total_gbp,
            Added(((1, "costs.cashable_gbp"), (1, "costs.non_cashable_gbp"))),
        )
        yield (
            "net_gbp",
            "Net: gross less costs (the headline)",
            "£",
            totals.net_gbp,
            Added(((1, "gross_gbp"), (-1, "costs_gbp"))),
        )
        yield (
            "flagged_double_counts",
            "Possible double counts in the year (groups)",
            "groups",
            D(totals.flagged_double_counts),
            DistinctCount("claims", "double_count_group"),
        )

    return _lines(
        specs(), {"claims": pack_claims, "costs": costs}, {"claims": claim_columns(year), "costs": cost_columns(year)}
    )


def idea_totals(
    pack_claims: Sequence[PackClaim], costs: Sequence[PackCost], totals: Totals, productive_hours: D
) -> list[TotalLine]:
    """An idea's full year: the totals its page shows (``totals``), and its costs, worked out again."""
    facts = [CostFacts(cost.recurrence, cost.kind, cost.amount, cost.hours, cost.starts, cost.ends) for cost in costs]
    recurring = yearly_recurring(facts, productive_hours).total_gbp

    def specs() -> Iterable[tuple[str, str, str, D, Check]]:
        yield from _claim_specs(totals, "amount_per_year", "hours_per_year", 1)
        yield (
            "costs.one_off_gbp",
            "Costs: one-off, in all",
            "£",
            one_off_total(facts),
            SumOf("costs", "amount", (("recurrence", CostRecurrence.ONE_OFF.value),), 1),
        )
        yield (
            "costs.recurring_gbp",
            "Costs: recurring, a year",
            "£",
            recurring,
            SumOf("costs", "amount", (("recurrence", CostRecurrence.RECURRING.value),), 1),
        )
        yield (
            "net_gbp",
            "Net a year: gross less recurring costs",
            "£",
            totals.gross_gbp - recurring,
            Added(((1, "gross_gbp"), (-1, "costs.recurring_gbp"))),
        )
        yield (
            "flagged_double_counts",
            "Possible double counts among its claims (groups)",
            "groups",
            D(totals.flagged_double_counts),
            DistinctCount("claims", "double_count_group"),
        )

    return _lines(
        specs(), {"claims": pack_claims, "costs": costs}, {"claims": claim_columns(None), "costs": cost_columns(None)}
    )


# --- Reading a pack ---------------------------------------------------------------------------------------


def _claims_select() -> Select[*tuple[Any, ...]]:
    """Claims with their idea, division and people's names (the caller adds what it selects by)."""
    claimant, decider, grader = aliased(User), aliased(User), aliased(User)
    return (
        select(
            SavingsClaim.id,
            SavingsClaim.idea_id,
            Idea.reference.label("idea_reference"),
            Idea.title.label("idea_title"),
            SavingsClaim.division_id,
            Division.name.label("division_name"),
            SavingsClaim.status,
            SavingsClaim.kind,
            SavingsClaim.mechanism,
            SavingsClaim.cost_line,
            SavingsClaim.hours_per_year,
            SavingsClaim.grade,
            SavingsClaim.hourly_rate,
            SavingsClaim.amount_per_year,
            SavingsClaim.period_start,
            SavingsClaim.period_end,
            SavingsClaim.redeployed_to,
            SavingsClaim.evidence,
            SavingsClaim.metric_id,
            claimant.display_name.label("claimed_by_name"),
            SavingsClaim.created_at,
            decider.display_name.label("decided_by_name"),
            SavingsClaim.decided_at,
            SavingsClaim.decision_note,
            SavingsClaim.evidence_grade,
            SavingsClaim.proposed_grade,
            SavingsClaim.grade_reason,
            grader.display_name.label("graded_by_name"),
            SavingsClaim.graded_at,
            SavingsClaim.supersedes_id,
        )
        .join(Idea, Idea.id == SavingsClaim.idea_id)
        .join(Division, Division.id == SavingsClaim.division_id)
        .join(claimant, claimant.id == SavingsClaim.claimed_by)
        .outerjoin(decider, decider.id == SavingsClaim.decided_by)
        .outerjoin(grader, grader.id == SavingsClaim.graded_by)
    )


_CLAIM_FIELDS = tuple(
    name
    for name in PackClaim.__dataclass_fields__
    if name not in {"counted", "not_counted_because", "double_count_group", "days", "year_days"}
)


def _pack_claim(row: Any, **how: Any) -> PackClaim:
    values = row._mapping
    return PackClaim(**{name: values[name] for name in _CLAIM_FIELDS}, **how)


def _why_not(claim: PackClaim, counts_for_group: PackClaim | None) -> str:
    if claim.status is ClaimStatus.REJECTED:
        return "Rejected"
    if claim.status is ClaimStatus.SUPERSEDED:
        return "Superseded by a later claim"
    if counts_for_group is not None:
        return (
            f"A possible double count: its group counts claim {counts_for_group.id} "
            f"({counts_for_group.idea_reference}, {counts_for_group.status.value}) alone"
        )
    return ""


def _counting(
    claims: Sequence[PackClaim], groups: Mapping[uuid.UUID, list[PackClaim]], year: int | None
) -> list[PackClaim]:
    """The claims marked with whether each counts, by the rule's :func:`quest.savings.rules.counted` over
    ``groups`` (each group's live claims, by its oldest claim's id), and their days in ``year``."""
    ordered = {
        group_id: sorted(members, key=lambda claim: (claim.created_at, str(claim.id)))
        for group_id, members in groups.items()
    }
    facts_groups = [[member.facts() for member in members] for members in ordered.values()]
    every = {str(claim.id): claim for claim in claims} | {str(m.id): m for members in ordered.values() for m in members}
    counting = {fact.id for fact in counted([claim.facts() for claim in every.values()], facts_groups)}
    group_of = {member.id: group_id for group_id, members in ordered.items() for member in members}
    year_days = 1 if year is None else days_of_year(year)
    marked = []
    for claim in claims:
        group_id = group_of.get(claim.id)
        kept = None
        if group_id is not None and str(claim.id) not in counting:
            kept = next((member for member in ordered[group_id] if str(member.id) in counting), None)
        days = 1 if year is None else days_in_year(claim.period_start, claim.period_end, year)
        marked.append(
            dataclasses.replace(
                claim,
                counted=str(claim.id) in counting,
                not_counted_because=_why_not(claim, kept) if str(claim.id) not in counting else "",
                double_count_group=group_id,
                days=days,
                year_days=year_days,
            )
        )
    return marked


async def forces_to_pack(session: AsyncSession, viewer: CurrentUser) -> list[tuple[str, str]] | None:
    """The forces whose pack the viewer chooses from on /savings (code, name): None for those who may have
    none, no choice for those of one force (their own), every force for national headquarters and
    administrators."""
    match access.reach(viewer, Permission.COMPARE_DIVISIONS):
        case Reach.NONE:
            return None
        case Reach.EVERYWHERE:
            return [
                (code, name)
                for code, name in await session.execute(select(Force.code, Force.name).order_by(Force.name))
            ]
        case _:
            return []


async def _force_of(session: AsyncSession, viewer: CurrentUser, code: str | None) -> Any:
    """The force whose pack is asked for (its id, code and name): ``code``, or the viewer's own force.
    Validators and headquarters see their own force alone (another is 404); national headquarters and
    administrators name one."""
    access.require(viewer, Permission.COMPARE_DIVISIONS)
    wanted = (code or "").strip().upper()
    columns = (Force.id, Force.code, Force.name)
    if not wanted:
        if viewer.force_id is None:
            raise InvalidQuery({"force": "Choose a force: give its code, as force=LAN"})
        return (await session.execute(select(*columns).where(Force.id == viewer.force_id))).one()
    if not FORCE_CODE.fullmatch(wanted):
        raise InvalidQuery({"force": "Give a force's code: up to 8 letters and digits, as LAN"})
    found = (await session.execute(select(*columns).where(Force.code == wanted))).first()
    if found is None:
        if access.reach(viewer, Permission.COMPARE_DIVISIONS) is Reach.EVERYWHERE:
            raise InvalidQuery({"force": f"No force has the code {wanted}"})
        raise OutOfReach("forces", wanted, Permission.COMPARE_DIVISIONS.value)
    if not access.covers(viewer, Permission.COMPARE_DIVISIONS, force_id=found.id):
        raise OutOfReach("forces", found.id, Permission.COMPARE_DIVISIONS.value)
    return found


def _costs_in_year(year: int) -> ColumnElement[bool]:
    """The costs that count in financial year ``year``: one-off costs incurred in it, and recurring costs
    whose period falls in it, at least in part."""
    first_day, last_day = financial_year_bounds(year)
    return or_(
        and_(IdeaCost.recurrence == CostRecurrence.ONE_OFF, IdeaCost.starts >= first_day, IdeaCost.starts <= last_day),
        and_(
            IdeaCost.recurrence == CostRecurrence.RECURRING,
            IdeaCost.starts <= last_day,
            or_(IdeaCost.ends.is_(None), IdeaCost.ends >= first_day),
        ),
    )


async def force_pack(
    session: AsyncSession, viewer: CurrentUser, year: int, force_code: str | None, now: datetime.datetime
) -> AuditPack:
    """Financial year ``year``'s pack of a force (``force_code``, or the viewer's own): for its validators
    and headquarters, and national headquarters and administrators. Its totals are those of the force
    on the dashboards (:func:`quest.dashboards.savings.savings_by`, the same rollups read the same way)."""
    force = await _force_of(session, viewer, force_code)
    in_pack = and_(SavingsClaim.force_id == force.id, falls_in_year(year))
    costs_where = and_(IdeaCost.force_id == force.id, _costs_in_year(year))
    read, groups = await _claims_of_year(session, in_pack)
    claims = _counting(read, groups, year)
    costs = await _costs(session, costs_where, year)
    evidence = await _evidence(session, claims)
    trail = await _audit_trail(session, in_pack, costs_where, claims, costs)
    hours = await productive_hours_of(session, force.id)
    shown = (await savings_by(session, year, BY_FORCE, [force.id], {force.id: hours}))[force.id]
    return AuditPack(
        title=f"Audit pack: {force.name}, {year} to {year + 1}",
        force_code=force.code,
        force_name=force.name,
        year=year,
        idea_reference=None,
        generated_at=now,
        generated_by=viewer.display_name,
        productive_hours=hours,
        rule=RULE,
        totals=year_totals(claims, costs, shown, year),
        claims=claims,
        evidence=evidence,
        costs=costs,
        audit_trail=trail,
    )


async def idea_pack(session: AsyncSession, viewer: CurrentUser, reference: str, now: datetime.datetime) -> AuditPack:
    """One idea's pack: for anyone who sees the idea's whole record but frontline staff, who may not read
    the rate card its time is valued at (404 for an idea out of reach, 403 for staff). A full year's worth
    of its claims, as its page shows them."""
    wanted = reference.strip().upper()
    found = (
        await session.execute(
            select(
                Idea.id,
                Idea.reference,
                Idea.title,
                Idea.status,
                Idea.force_id,
                Idea.division_id,
                Force.code,
                Force.name,
            )
            .join(Force, Force.id == Idea.force_id)
            .where(Idea.reference == wanted, visible(viewer))
        )
    ).first()
    if found is None:
        raise await not_found(session, Idea.id, Permission.VIEW_WORK, Idea.reference == wanted)
    if not sees_full_record(viewer, found):
        raise OutOfReach("ideas", found.id, Permission.VIEW_WORK.value)
    access.require(viewer, Permission.VIEW_RATE_CARD)
    claims_where = SavingsClaim.idea_id == found.id
    costs_where = IdeaCost.idea_id == found.id
    read = [
        _pack_claim(row)
        for row in await session.execute(
            _claims_select().where(claims_where).order_by(SavingsClaim.created_at, SavingsClaim.id)
        )
    ]
    # The idea's totals count its own double counts once (as its page does): the rule's pairs among them.
    by_id = {str(claim.id): claim for claim in read}
    groups = {
        uuid.UUID(group[0].id): [by_id[member.id] for member in group]
        for group in double_counts([claim.facts() for claim in read])
    }
    claims = _counting(read, groups, None)
    costs = await _costs(session, costs_where, None)
    evidence = await _evidence(session, claims)
    trail = await _audit_trail(session, claims_where, costs_where, claims, costs)
    hours = await productive_hours_of(session, found.force_id)
    shown = (await idea_ledger(session, viewer, found)).totals
    return AuditPack(
        title=f"Audit pack: {found.reference}, {found.title}",
        force_code=found.code,
        force_name=found.name,
        year=None,
        idea_reference=found.reference,
        generated_at=now,
        generated_by=viewer.display_name,
        productive_hours=hours,
        rule=IDEA_RULE,
        totals=idea_totals(claims, costs, shown, hours),
        claims=claims,
        evidence=evidence,
        costs=costs,
        audit_trail=trail,
    )


async def _claims_of_year(
    session: AsyncSession, in_pack: ColumnElement[bool]
) -> tuple[list[PackClaim], dict[uuid.UUID, list[PackClaim]]]:
    """The claims ``in_pack`` selects, and the live claims of each double-count group they are in (by its
    oldest claim's id), those of other years among them: which of a group counts is decided over all of
    it. One statement."""
    member = DoubleCountMember
    pack_ids = select(SavingsClaim.id).where(in_pack)
    their_groups = select(member.group_id).where(member.claim_id.in_(pack_ids))
    wanted = union(pack_ids, select(member.claim_id).where(member.group_id.in_(their_groups)))
    rows = await session.execute(
        _claims_select()
        .add_columns(member.group_id.label("group_id"), in_pack.label("in_pack"))
        .outerjoin(member, member.claim_id == SavingsClaim.id)
        .where(SavingsClaim.id.in_(wanted))
        .order_by(Division.name, Idea.reference, SavingsClaim.created_at, SavingsClaim.id)
    )
    claims: list[PackClaim] = []
    groups: dict[uuid.UUID, list[PackClaim]] = defaultdict(list)
    for row in rows:
        claim = _pack_claim(row)
        if row.group_id is not None:
            groups[row.group_id].append(claim)
        if row.in_pack:
            claims.append(claim)
    return claims, groups


async def _costs(session: AsyncSession, where: ColumnElement[bool], year: int | None) -> list[PackCost]:
    """The costs ``where`` selects, with their days in financial ``year`` (None: an idea's, a full year).
    One statement."""
    recorder = aliased(User)
    rows = await session.execute(
        select(
            IdeaCost.id,
            Idea.reference.label("idea_reference"),
            Division.name.label("division_name"),
            IdeaCost.description,
            IdeaCost.recurrence,
            IdeaCost.kind,
            IdeaCost.hours,
            IdeaCost.grade,
            IdeaCost.hourly_rate,
            IdeaCost.amount,
            IdeaCost.starts,
            IdeaCost.ends,
            recorder.display_name.label("recorded_by_name"),
            IdeaCost.created_at,
        )
        .join(Idea, Idea.id == IdeaCost.idea_id)
        .join(Division, Division.id == IdeaCost.division_id)
        .join(recorder, recorder.id == IdeaCost.recorded_by)
        .where(where)
        .order_by(Division.name, Idea.reference, IdeaCost.starts, IdeaCost.id)
    )
    year_days = 1 if year is None else days_of_year(year)
    costs = []
    for row in rows:
        facts = CostFacts(row.recurrence, row.kind, row.amount, row.hours, row.starts, row.ends)
        costs.append(
            PackCost(
                **row._mapping,
                days=1 if year is None else days_counted(facts, year),
                year_days=year_days,
            )
        )
    return costs


_SPECIAL_CAUSES = {
    PointType.SPECIAL_CAUSE_IMPROVEMENT: "A special cause of improvement",
    PointType.SPECIAL_CAUSE_CONCERN: "A special cause of concern",
    PointType.SPECIAL_CAUSE_NEUTRAL_HIGH: "A special cause, higher (a neutral measure)",
    PointType.SPECIAL_CAUSE_NEUTRAL_LOW: "A special cause, lower (a neutral measure)",
}
_NO_LIMITS = {
    NoLimits.ONE_POINT: "One reading: no moving range to set limits from",
    NoLimits.NO_VARIATION: "Every reading the same: no variation to set limits from",
}


def _after_the_change(impact: Impact) -> str:
    if impact.special_cause is not None:
        return _SPECIAL_CAUSES.get(impact.special_cause, "Common cause variation only")
    if not impact.points_before or not impact.points_after:
        return "Cannot be judged: it needs readings before and after the change"
    return "No special cause: common cause variation only"


async def _evidence(session: AsyncSession, claims: Sequence[PackClaim]) -> list[PackEvidence]:
    """Each claim's evidence: what its idea's links show, as last judged (one statement, with whether its
    costs are recorded), and the before and after of the measure it rests on, from the measures' changes
    and readings (two statements, whatever the number of measures)."""
    if not claims:
        return []
    links, costed = await links_shown(session, {claim.idea_id for claim in claims})
    shown = {claim.id: evidence_from(claim, links.get(claim.idea_id, []), claim.idea_id in costed) for claim in claims}
    rested_on = {(found.measure.metric_id, found.measure.change_date) for found in shown.values() if found.measure}
    impacts, units = await _impacts(session, rested_on)
    rows = []
    for claim in claims:
        found = shown[claim.id]
        measure = found.measure
        impact = None if measure is None else impacts[(measure.metric_id, measure.change_date)]
        baseline = None if impact is None else impact.baseline
        before = [] if impact is None else impact.before_period()
        limits = None if baseline is None else baseline.process()
        balancing = tuple(
            (link.name, link.worsened) for link in links.get(claim.idea_id, []) if link.role is MetricRole.BALANCING
        )
        rows.append(
            PackEvidence(
                claim_id=claim.id,
                idea_reference=claim.idea_reference,
                measure=None if measure is None else measure.name,
                unit="" if measure is None else units.get(measure.metric_id, ""),
                change_date=None if measure is None else measure.change_date,
                baseline_points=None if found.facts.baseline is None else found.facts.baseline.points,
                baseline_from=before[0][0] if before else None,
                baseline_to=before[-1][0] if before else None,
                mean_before=None if baseline is None else _number(baseline.mean),
                lower_limit=None if limits is None else _number(limits[0]),
                upper_limit=None if limits is None else _number(limits[1]),
                limits_missing="" if baseline is None or baseline.missing is None else _NO_LIMITS[baseline.missing],
                back_filled=None if found.facts.baseline is None else found.facts.baseline.back_filled,
                points_after=None if impact is None else impact.points_after,
                mean_after=None if impact is None else _number(impact.mean_after),
                change=None if impact is None else _number(impact.change),
                change_pct=None if impact is None else _number(impact.change_pct, "0.1"),
                special_cause="No measure" if impact is None else _after_the_change(impact),
                balancing=balancing,
                costs_recorded=found.facts.costs_recorded,
                proposed_grade=found.proposal.grade,
                why=found.proposal.why,
                warning=found.baseline_warning,
            )
        )
    return rows


async def _impacts(
    session: AsyncSession, rested_on: Collection[tuple[uuid.UUID, datetime.date]]
) -> tuple[dict[tuple[uuid.UUID, datetime.date], Impact], dict[uuid.UUID, str]]:
    """The before and after of each change to a measure (measure, change date), and each measure's unit:
    its changes (every idea's, which cut its chart into segments) in one statement, then the readings of
    the segments around the changes asked for in another."""
    if not rested_on:
        return {}, {}
    metric_ids = sorted({metric_id for metric_id, _day in rested_on})
    changes: dict[uuid.UUID, set[datetime.date]] = defaultdict(set)
    directions: dict[uuid.UUID, Direction] = {}
    units: dict[uuid.UUID, str] = {}
    for metric_id, change_date, direction, unit in await session.execute(
        select(IdeaMetric.metric_id, IdeaMetric.change_date, Metric.direction, Metric.unit)
        .join(Metric, Metric.id == IdeaMetric.metric_id)
        .where(IdeaMetric.metric_id.in_(metric_ids))
    ):
        changes[metric_id].add(change_date)
        directions[metric_id], units[metric_id] = direction, unit
    windows = {
        metric_id: _window(changes[metric_id], [day for m, day in rested_on if m == metric_id])
        for metric_id in metric_ids
    }
    series = await readings_of_each(session, metric_ids, within=windows)
    impacts = {
        (metric_id, day): before_and_after(
            series.get(metric_id, []), day, directions.get(metric_id, Direction.NEUTRAL), changes[metric_id]
        )
        for metric_id, day in rested_on
    }
    return impacts, units


def _window(changes: Collection[datetime.date], days: Sequence[datetime.date]) -> Window:
    """The readings a measure's before and after need for the changes on ``days``: from the change before
    the earliest of them (or its first reading) to the change after the latest (or its latest reading)."""
    earliest, latest = min(days), max(days)
    before = [change for change in changes if change < earliest]
    after = [change for change in changes if change > latest]
    return (max(before) if before else None, min(after) if after else None)


_RECORDS = {"savings_claims": "Savings claim", "idea_costs": "Cost"}


async def _audit_trail(
    session: AsyncSession,
    claims_where: ColumnElement[bool],
    costs_where: ColumnElement[bool],
    claims: Sequence[PackClaim],
    costs: Sequence[PackCost],
) -> list[PackAuditEntry]:
    """Every change to the claims and costs ``claims_where`` and ``costs_where`` select, oldest first, each
    by the name of who made it (never their address). One statement, on the log's index of records."""
    claim_ids = select(UuidText(SavingsClaim.id)).where(claims_where)
    cost_ids = select(UuidText(IdeaCost.id)).where(costs_where)
    found = union_all(
        select(AuditEntry.id).where(AuditEntry.entity == "savings_claims", AuditEntry.entity_id.in_(claim_ids)),
        select(AuditEntry.id).where(AuditEntry.entity == "idea_costs", AuditEntry.entity_id.in_(cost_ids)),
    ).subquery("found")
    rows = await session.execute(
        select(
            AuditEntry.occurred_at,
            AuditEntry.actor_id,
            AuditEntry.actor_label,
            User.display_name,
            AuditEntry.entity,
            AuditEntry.entity_id,
            AuditEntry.action,
            AuditEntry.before,
            AuditEntry.after,
        )
        .join(found, found.c.id == AuditEntry.id)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    )
    ideas = {str(claim.id): claim.idea_reference for claim in claims} | {
        str(cost.id): cost.idea_reference for cost in costs
    }
    return [
        PackAuditEntry(
            occurred_at=row.occurred_at,
            # A person by their name; QUEST itself (a seed, a migration) by its label.
            actor=row.display_name or ("a user no longer in QUEST" if row.actor_id else row.actor_label),
            action=row.action,
            record=_RECORDS[row.entity],
            record_id=row.entity_id or "",
            idea_reference=ideas.get(row.entity_id or "", ""),
            before=row.before,
            after=row.after,
        )
        for row in rows
    ]


def how_in_words(line: TotalLine, pack: AuditPack) -> str:
    """How a total is worked out from the rows, in words, naming the columns as their headings."""
    check = line.check
    if isinstance(check, Added):
        labels = {other.key: other.label for other in pack.totals}
        text = ""
        for sign, key in check.terms:
            text += ("" if not text else " + " if sign > 0 else " − ") + f"“{labels[key]}”"
        return text
    headings = {column.key: column.heading for column in pack.columns_of(check.part)}
    sheet = check.part.capitalize()
    if isinstance(check, DistinctCount):
        return f"How many different groups “{headings[check.column]}” names on {sheet}"
    where = ", ".join(f"“{headings[key]}” is {value}" for key, value in check.where)
    divided = f", ÷ {check.divisor} (the year's days)" if check.divisor != 1 else ""
    places = "to a hundredth of an hour" if line.unit == "hours" else "to the penny"
    return f"The sum of “{headings[check.column]}” on {sheet} where {where}{divided}, rounded {places}"
