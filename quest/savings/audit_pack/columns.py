"""The columns of the audit pack's parts, defined once for the workbook, the printable page's checks and the
API: each column's key (in the API), its heading (in the workbook) and its value for a row."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from quest.audit.services import Change, field_label
from quest.savings.audit_pack.rows import PackAuditEntry

D = decimal.Decimal

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


# The parts of a pack with rows, in order: each one's key (in the API), name (a sheet's, a heading's).
PARTS = {"claims": "Claims", "evidence": "Evidence", "costs": "Costs", "audit_trail": "Audit trail"}


def columns_of(year: int | None) -> dict[str, tuple[Column, ...]]:
    """Every part's columns, for a financial year's pack (``year``) or an idea's (None)."""
    return {
        "claims": claim_columns(year),
        "evidence": EVIDENCE_COLUMNS,
        "costs": cost_columns(year),
        "audit_trail": AUDIT_COLUMNS,
    }
