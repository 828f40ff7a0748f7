"""Metrics and readings: setting up a division's measures, entering values, and the backlog quick entry.

Rules (DESIGN §2):
- one reading per metric per period date; entering a date again replaces the value, and the audit log
  keeps the old one;
- weekly readings are dated on the Monday of their week, monthly ones on the first of their month;
- counts (backlogs and volumes) are whole numbers, never negative; no reading is for a future date;
- frontline staff enter the latest counts only (today's, or yesterday's after a night shift); older
  readings are the record, which only a manager enters or corrects (DESIGN §3).
"""

from __future__ import annotations

import datetime
import decimal
import functools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.recorder import act_as
from quest.audit.refusals import not_found
from quest.clock import EARLIEST_DATE
from quest.errors import RefusedInThisState, refused
from quest.metrics import upkeep
from quest.metrics.models import Metric, Reading
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.org.models import Division
from quest.org.services import contributing_division

MAX_VALUE = decimal.Decimal("1000000000")
NAME_LENGTH = 120
UNIT_LENGTH = 40
COUNT_KINDS = (MetricKind.BACKLOG, MetricKind.VOLUME)
RECENT_READINGS = 14
# How many days back, counting today (UK time) as the first, those who do not manage a measure may enter
# or replace its readings: today and yesterday, for whoever counted on nights.
STAFF_ENTRY_DAYS = 2
OLD_READING_FOR_MANAGERS = "Only a manager can enter or correct readings older than yesterday"


# --- Rules (pure) -------------------------------------------------------------------------------------


def period_start(frequency: Frequency, day: datetime.date) -> datetime.date:
    """The date a reading for ``day`` is filed under: the day, its week's Monday, or its month's first."""
    if frequency is Frequency.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if frequency is Frequency.MONTHLY:
        return day.replace(day=1)
    return day


def period_starts(frequency: Frequency, days: list[datetime.date]) -> list[datetime.date]:
    """:func:`period_start` of many days: for a daily measure, the days themselves."""
    return days if frequency is Frequency.DAILY else list(map(functools.partial(period_start, frequency), days))


# What a count measure (backlog, volume) refuses that another kind takes: a value right for a measure, but
# not this one (the API answers 409 when nothing else is wrong: quest.errors.RefusedInThisState).
NEGATIVE_COUNT = "A count cannot be negative"
FRACTIONAL_COUNT = "A count must be a whole number"


# A pure rule, and an import of 20,000 counts holds a few hundred distinct values: each is judged once.
@functools.lru_cache(maxsize=4096)
def check_reading_value(raw: str, kind: MetricKind) -> tuple[decimal.Decimal | None, str | None]:
    text = raw.strip().replace(",", "")
    if not text:
        return None, "Enter a number"
    # Digits alone (the usual count, 20,000 to an import) make a whole number, not negative, with no
    # decimal places: only its size is left to judge.
    digits_only = text.isdecimal()
    value = fields.read_decimal(text)
    if value is None or not value.is_finite():
        return None, "Enter a number, like 42"
    if kind in COUNT_KINDS and not digits_only:
        if value < 0:
            return None, NEGATIVE_COUNT
        if value != value.to_integral_value():
            return None, FRACTIONAL_COUNT
    if abs(value) > MAX_VALUE:
        return None, "That number is too large"
    if not digits_only and not fields.has_places(value, 4):
        return None, "Use at most 4 decimal places"
    return value, None


def check_reading_date(raw: str | datetime.date, today: datetime.date) -> tuple[datetime.date | None, str | None]:
    errors: fields.Errors = {}
    if isinstance(raw, datetime.date):  # a spreadsheet's date, or one read already: judged, not read again
        if EARLIEST_DATE <= raw <= today:  # the usual case, at import speed: fields.date_within's window
            return raw, None
        day = fields.date_within(raw, "date", "the date", today=today, errors=errors)
    else:
        not_real = "Enter a real date, like 2026-11-23"
        day = fields.date(raw, "date", "the date", missing=not_real, invalid=not_real, today=today, errors=errors)
    return day, errors.get("date")


def earliest_entry_date(may_correct_history: bool, today: datetime.date) -> datetime.date | None:
    """The oldest date one may enter or replace a reading for: None when any date goes (a manager)."""
    if may_correct_history:
        return None
    return today - datetime.timedelta(days=STAFF_ENTRY_DAYS - 1)


def check_entry_window(day: datetime.date, earliest: datetime.date | None) -> str | None:
    if earliest is not None and day < earliest:
        return OLD_READING_FOR_MANAGERS
    return None


# --- Metrics ------------------------------------------------------------------------------------------


@dataclass
class MetricInput:
    """A measure as the form or the API gives it (``quest.metrics.api.MetricIn``): text as typed, the
    target perhaps a JSON number."""

    division_id: str = ""
    name: str = ""
    unit: str = ""
    kind: str = ""
    direction: str = ""
    frequency: str = ""
    target: float | str | None = None


@dataclass(frozen=True, slots=True)
class MetricSummary:
    id: uuid.UUID
    force_id: uuid.UUID
    division_id: uuid.UUID
    division_name: str
    name: str
    unit: str
    kind: MetricKind
    direction: Direction
    frequency: Frequency
    target: decimal.Decimal | None


def _in_reach(viewer: CurrentUser) -> ColumnElement[bool]:
    return access.scope(viewer, Permission.VIEW_WORK, force_column=Metric.force_id, division_column=Metric.division_id)


async def create_metric(session: AsyncSession, viewer: CurrentUser, data: MetricInput) -> uuid.UUID:
    """A manager sets up a measure for their division. Commits."""
    access.require(viewer, Permission.MANAGE_METRICS)
    errors: dict[str, str] = {}
    name = fields.text(
        data.name,
        "name",
        "name",
        limit=NAME_LENGTH,
        missing="Enter a name, like ‘Pending open incidents’",
        errors=errors,
    )
    unit = fields.text(
        data.unit,
        "unit",
        "unit",
        limit=UNIT_LENGTH,
        missing="Enter the unit, like ‘incidents’ or ‘days’",
        errors=errors,
    )
    choices: dict[str, object] = {
        field_name: fields.choice(getattr(data, field_name), kind, field_name, invalid=message, errors=errors)
        for field_name, kind, message in (
            ("kind", MetricKind, "Choose what it measures"),
            ("direction", Direction, "Choose which way is better"),
            ("frequency", Frequency, "Choose how often it is read"),
        )
    }
    target = fields.decimal_number(
        data.target,
        "target",
        "target",
        required=False,
        invalid="Target must be a number, like 50",
        least=-MAX_VALUE,
        most=MAX_VALUE,
        most_word="less",
        errors=errors,
    )
    place = await _managing_division(session, viewer, data.division_id, errors)
    if errors or place is None:
        raise refused(errors, references={"division_id"})
    force_id, division_id = place
    if (await session.execute(select(Metric.id).where(Metric.division_id == division_id, Metric.name == name))).first():
        raise RefusedInThisState({"name": "Your division already has a measure with this name"})
    act_as(session, viewer.actor)
    metric = Metric(
        force_id=force_id,
        division_id=division_id,
        name=name,
        unit=unit,
        target=target,
        **choices,
    )
    session.add(metric)
    await session.commit()
    return metric.id


async def _managing_division(
    session: AsyncSession, viewer: CurrentUser, division_id: str, errors: dict[str, str]
) -> tuple[uuid.UUID, uuid.UUID] | None:
    place = await contributing_division(session, viewer, division_id, errors)
    if place is not None and not access.covers(
        viewer, Permission.MANAGE_METRICS, force_id=place[0], division_id=place[1]
    ):
        errors["division_id"] = "Choose your own division"
        return None
    return place


def summaries() -> Select[*tuple[Any, ...]]:
    """The active measures, as :class:`MetricSummary` rows: in no one's scope yet; the caller adds it (or,
    for an idea's impact, has checked that the viewer may see the idea: quest.ideas.impact)."""
    return (
        select(
            Metric.id,
            Metric.force_id,
            Metric.division_id,
            Division.name.label("division_name"),
            Metric.name,
            Metric.unit,
            Metric.kind,
            Metric.direction,
            Metric.frequency,
            Metric.target,
        )
        .join(Division, Division.id == Metric.division_id)
        .where(Metric.is_active.is_(True))
    )


async def list_metrics(
    session: AsyncSession,
    viewer: CurrentUser,
    *,
    kind: MetricKind | None = None,
    only: uuid.UUID | None = None,
    division_id: uuid.UUID | None = None,
) -> list[MetricSummary]:
    """The active measures in the viewer's reach (of a kind, of a division, or just ``only``)."""
    access.require(viewer, Permission.VIEW_WORK)
    statement = summaries().where(_in_reach(viewer)).order_by(Division.name, Metric.name)
    if kind is not None:
        statement = statement.where(Metric.kind == kind)
    if only is not None:
        statement = statement.where(Metric.id == only)
    if division_id is not None:
        statement = statement.where(Metric.division_id == division_id)
    return [MetricSummary(**row._asdict()) for row in await session.execute(statement)]


async def get_metric(session: AsyncSession, viewer: CurrentUser, metric_id: uuid.UUID) -> MetricSummary:
    found = await list_metrics(session, viewer, only=metric_id)
    if not found:
        raise await not_found(
            session, Metric.id, Permission.VIEW_WORK, Metric.id == metric_id, Metric.is_active.is_(True)
        )
    return found[0]


# --- Readings -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadingInput:
    """One value for one metric on one date, as typed (a form field, or a row of the API)."""

    metric_id: uuid.UUID
    field: str  # where an error about it should be shown
    day: str | datetime.date
    value: str
    # Where an error about its date alone should be shown (the API's ``[0].date``, the form's shared date
    # field); the entry's own field when empty.
    date_field: str = ""
    # Where an error about its measure alone should be shown (the backlog counts' ``counts[0].metric_id``:
    # then a measure out of reach is a field naming no record, the API's 409); the entry's own when empty.
    metric_field: str = ""


def manages(viewer: CurrentUser, metric: Metric | MetricSummary) -> bool:
    """Whether the viewer manages the measure: enters and corrects any of its readings, of any date."""
    return access.covers(viewer, Permission.MANAGE_METRICS, force_id=metric.force_id, division_id=metric.division_id)


def may_enter(viewer: CurrentUser, metric: Metric | MetricSummary) -> bool:
    """Managers enter any reading of their division; frontline staff its latest backlog counts (see
    :func:`earliest_entry_date`)."""
    if manages(viewer, metric):
        return True
    return metric.kind is MetricKind.BACKLOG and access.covers(
        viewer, Permission.CONTRIBUTE, force_id=metric.force_id, division_id=metric.division_id
    )


# What the entries of a save ask for, once checked: each measure's period and the value for it, with the
# measure (a later entry for the same period wins).
WantedReadings = dict[tuple[uuid.UUID, datetime.date], tuple[decimal.Decimal, Metric]]


async def checked_entries(
    session: AsyncSession,
    viewer: CurrentUser,
    entries: Sequence[ReadingInput],
    *,
    today: datetime.date,
    other_errors: Mapping[str, str] | None = None,
) -> WantedReadings:
    """The readings ``entries`` ask for, each checked by the rules of any entered reading: the viewer may
    enter it (:func:`may_enter`), its date and value are good, and it is within the viewer's entry window
    (:func:`earliest_entry_date`). Refused (:class:`ValidationFailed`, each error named by its field) if any
    is wrong; ``other_errors`` are problems found in the same form before (the quick entry's date), reported
    with every entry's own, so a person sees every problem at once. Writes nothing."""
    metric_ids = {entry.metric_id for entry in entries}
    metrics = {
        metric.id: metric
        for metric in (
            await session.execute(select(Metric).where(Metric.id.in_(metric_ids), _in_reach(viewer)))
        ).scalars()
    }
    errors: dict[str, str] = dict(other_errors or {})
    wanted: WantedReadings = {}
    for entry in entries:
        metric = metrics.get(entry.metric_id)
        if metric is None or not may_enter(viewer, metric):
            errors[entry.metric_field or entry.field] = "You cannot enter readings for this measure"
            continue
        day, date_problem = check_reading_date(entry.day, today)
        value, value_problem = check_reading_value(entry.value, metric.kind)
        too_old = None
        if day is not None and date_problem is None:
            too_old = check_entry_window(day, earliest_entry_date(manages(viewer, metric), today))
            if too_old:
                errors[entry.date_field or entry.field] = too_old
        if date_problem or value_problem or day is None or value is None:
            errors[entry.field] = value_problem or date_problem or "Enter a number"
            continue
        if too_old:
            continue
        wanted[(metric.id, period_start(metric.frequency, day))] = (value, metric)
    if errors and set(errors.values()) <= {NEGATIVE_COUNT, FRACTIONAL_COUNT}:
        raise RefusedInThisState(errors)
    if errors:
        raise refused(errors, references={entry.metric_field for entry in entries if entry.metric_field})
    return wanted


async def record_readings(
    session: AsyncSession,
    viewer: CurrentUser,
    entries: Sequence[ReadingInput],
    *,
    now: datetime.datetime,
    today: datetime.date,
    other_errors: Mapping[str, str] | None = None,
) -> int:
    """Save a few readings typed into a form (a measure's, or the day's backlog counts), all or none
    (:func:`checked_entries`). A reading for a date that already has one replaces it, and the audit log
    keeps each reading's change with its old value. Returns how many readings were written or changed.
    Commits. (A batch of one measure's readings is written in bulk: :func:`quest.metrics.imports.put_readings`.)"""
    wanted = await checked_entries(session, viewer, entries, today=today, other_errors=other_errors)
    if not wanted:
        return 0
    act_as(session, viewer.actor)
    existing = {
        (reading.metric_id, reading.period_date): reading
        for reading in (
            await session.execute(
                select(Reading).where(
                    Reading.metric_id.in_({metric_id for metric_id, _day in wanted}),
                    Reading.period_date.in_({day for _metric_id, day in wanted}),
                )
            )
        ).scalars()
    }
    written = 0
    for (metric_id, day), (value, metric) in wanted.items():
        reading = existing.get((metric_id, day))
        if reading is None:
            session.add(
                Reading(
                    metric_id=metric_id,
                    period_date=day,
                    value=value,
                    entered_by=viewer.id,
                    entered_at=now,
                    force_id=metric.force_id,
                )
            )
            written += 1
        elif reading.value != value:
            reading.value = value
            reading.entered_by = viewer.id
            reading.entered_at = now
            written += 1
    await upkeep.readings_changed(session, {metric_id for metric_id, _day in wanted}, now=now)
    await session.commit()
    return written


@dataclass(frozen=True, slots=True)
class BacklogLine:
    """One backlog on the quick entry screen: its value on the chosen date, and its recent history."""

    metric: MetricSummary
    value_on_date: decimal.Decimal | None
    recent: tuple[tuple[datetime.date, decimal.Decimal], ...]
    # The reading before the chosen date, shown as a reminder of the last count.
    previous: tuple[datetime.date, decimal.Decimal] | None


async def backlog_entry(session: AsyncSession, viewer: CurrentUser, day: datetime.date) -> list[BacklogLine]:
    """Every backlog of the viewer's division, for the quick entry screen."""
    access.require(viewer, Permission.CONTRIBUTE)
    backlogs = [
        metric
        for metric in await list_metrics(session, viewer, kind=MetricKind.BACKLOG)
        if metric.division_id == viewer.division_id
    ]
    lines = []
    for metric in backlogs:
        recent = (
            await session.execute(
                select(Reading.period_date, Reading.value)
                .where(Reading.metric_id == metric.id, Reading.period_date <= day)
                .order_by(Reading.period_date.desc())
                .limit(RECENT_READINGS)
            )
        ).all()
        history = tuple((period, value) for period, value in reversed(recent))
        filed_under = period_start(metric.frequency, day)
        on_date = next((value for period, value in history if period == filed_under), None)
        earlier = [(period, value) for period, value in history if period < filed_under]
        lines.append(BacklogLine(metric, on_date, history, earlier[-1] if earlier else None))
    return lines


async def readings(
    session: AsyncSession, viewer: CurrentUser, metric_id: uuid.UUID, limit: int | None = 2000
) -> list[tuple[datetime.date, decimal.Decimal]]:
    """The latest ``limit`` readings (all of them with None), oldest first."""
    return await readings_of(session, await get_metric(session, viewer, metric_id), limit)


async def readings_of(
    session: AsyncSession, metric: MetricSummary, limit: int | None = 2000
) -> list[tuple[datetime.date, decimal.Decimal]]:
    """The latest ``limit`` readings of a measure the caller was given (so in the viewer's reach, or
    judging an idea they may see), oldest first."""
    rows = await session.execute(
        select(Reading.period_date, Reading.value)
        .where(Reading.metric_id == metric.id)
        .order_by(Reading.period_date.desc())
        .limit(limit)
    )
    return [(period, value) for period, value in reversed(rows.all())]
