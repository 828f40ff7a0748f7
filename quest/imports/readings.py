"""Readings of many measures from one file: a row names its force, division and measure, a date and a
value. Every row is judged by the rules of any reading (:func:`quest.metrics.imports.judge_reading`); the
file then upserts, so importing it again changes nothing, and a changed cell changes that one reading,
audited with its old value. Kept figures follow through :func:`quest.metrics.upkeep.readings_changed`."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.recorder import record_event
from quest.bulk import insert_columns, paused_collector
from quest.imports.places import Places
from quest.imports.report import ImportReport, Problem
from quest.imports.table import Column, Table
from quest.metrics import upkeep
from quest.metrics.imports import describe_period, judge_reading
from quest.metrics.models import READINGS, Metric, Reading
from quest.metrics.services import period_start
from quest.metrics.vocabulary import Frequency, MetricKind
from quest.text import matching_key

KIND = "readings"
PERMISSION = Permission.IMPORT_READINGS
COLUMNS = (
    Column("force", False, "The force's code; leave it out when importing for one force", "LAN"),
    Column("division", True, "The division's code", "NORTH"),
    Column("measure", True, "The measure's name, as on its page", "Pending open incidents"),
    Column("date", True, "The reading's date, 2026-03-01 or 01/03/2026", "2026-03-01"),
    Column("value", True, "The value: a whole number, not negative, for counts", "118"),
)
# Stored values are fetched for this many measures at a time: well under either engine's parameter limit.
_MEASURES_A_QUERY = 500


@dataclass(frozen=True, slots=True)
class Measure:
    id: uuid.UUID
    force_id: uuid.UUID
    kind: MetricKind
    frequency: Frequency


@dataclass(slots=True)
class MeasureReadings:
    """A measure's good rows: each period's value and the row it came from."""

    measure: Measure
    values: dict[datetime.date, decimal.Decimal] = field(default_factory=dict)
    rows: dict[datetime.date, int] = field(default_factory=dict)


@dataclass(slots=True)
class CheckedReadings:
    report: ImportReport
    measures: dict[uuid.UUID, MeasureReadings]
    stored: dict[uuid.UUID, dict[datetime.date, decimal.Decimal]] = field(default_factory=dict)


async def _measures(session: AsyncSession, places: Places) -> dict[tuple[uuid.UUID, str], Measure]:
    """Every measure of the divisions in reach, by division and name (whatever its case and spacing)."""
    division_ids = list(set(places.divisions.values()))
    found: dict[tuple[uuid.UUID, str], Measure] = {}
    for start in range(0, len(division_ids), _MEASURES_A_QUERY):
        rows = await session.execute(
            select(Metric.id, Metric.force_id, Metric.division_id, Metric.name, Metric.kind, Metric.frequency).where(
                Metric.division_id.in_(division_ids[start : start + _MEASURES_A_QUERY])
            )
        )
        for metric_id, force_id, division_id, name, kind, frequency in rows:
            found[(division_id, matching_key(name))] = Measure(metric_id, force_id, kind, frequency)
    return found


async def check(
    session: AsyncSession,
    places: Places,
    table: Table,
    *,
    today: datetime.date,
    progress: Callable[[int], None] = lambda _rows: None,
) -> CheckedReadings:
    """Every row judged, and the good ones compared with the readings stored. Writes nothing."""
    report = ImportReport(KIND, problems=list(table.problems))
    header = table.header
    measures = await _measures(session, places)
    by_measure: dict[uuid.UUID, MeasureReadings] = {}
    # A file names few measures in many rows: each spelling is resolved once.
    resolved: dict[tuple[str, str, str], Measure | Problem | None] = {}
    problems = report.problems
    count = 0
    with paused_collector():
        for row in table.rows:
            count += 1
            if count % 10_000 == 0:
                progress(count)
            number = row.number
            key = (header.text(row, "force"), header.text(row, "division"), header.text(row, "measure"))
            measure = resolved.get(key)
            if key not in resolved:
                found: list[Problem] = []
                place = places.place_of(header, row, found)
                name = key[2]
                if place is not None and place.division_id is not None:
                    measure = measures.get((place.division_id, matching_key(name)))
                    if measure is None:
                        found.append(
                            Problem(number, "measure", f"{place.division_code} has no measure called ‘{name}’")
                            if name
                            else Problem(number, "measure", "Enter the measure's name")
                        )
                resolved[key] = measure if measure is not None else (found[0] if found else None)
                problems.extend(found)
            elif not isinstance(measure, Measure):
                # The same bad place again: named on this row too, so every bad row is listed.
                if isinstance(measure, Problem):
                    problems.append(Problem(number, measure.column, measure.message))
                measure = None
            judged = judge_reading(header.cell(row, "date"), header.cell(row, "value"), _kind(measure), today)
            if judged.date_problem:
                problems.append(Problem(number, "date", judged.date_problem))
            if judged.value_problem:
                problems.append(Problem(number, "value", judged.value_problem))
            if not isinstance(measure, Measure) or judged.day is None:
                continue
            readings = by_measure.get(measure.id)
            if readings is None:
                readings = by_measure[measure.id] = MeasureReadings(measure)
            period = period_start(measure.frequency, judged.day)
            earlier = readings.rows.setdefault(period, number)
            if earlier != number:
                words = describe_period(measure.frequency, period)
                problems.append(Problem(number, "date", f"Rows {earlier} and {number} are both for {words}"))
            elif judged.value is not None and not judged.date_problem and not judged.value_problem:
                readings.values[period] = judged.value
    progress(count)
    report.rows = count
    if count == 0 and not problems:
        problems.append(Problem(header.number + 1, "", "The file has a header but no readings under it"))
    checked = CheckedReadings(report, by_measure)
    if problems:
        return checked
    checked.stored = await _stored(session, list(by_measure))
    for readings in by_measure.values():
        stored = checked.stored.get(readings.measure.id, {})
        for period, value in readings.values.items():
            previous = stored.get(period)
            if previous is None:
                report.created += 1
            elif previous == value:
                report.unchanged += 1
            else:
                report.changed += 1
    return checked


def _kind(measure: object) -> MetricKind:
    """The kind a row's value is judged as: its measure's, or, for a row whose measure is not known, a
    count's (so a negative count is still named on a row with a mistyped division)."""
    return measure.kind if isinstance(measure, Measure) else MetricKind.BACKLOG


async def _stored(
    session: AsyncSession, metric_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[datetime.date, decimal.Decimal]]:
    stored: dict[uuid.UUID, dict[datetime.date, decimal.Decimal]] = {}
    for start in range(0, len(metric_ids), _MEASURES_A_QUERY):
        rows = await session.execute(
            select(Reading.metric_id, Reading.period_date, Reading.value).where(
                Reading.metric_id.in_(metric_ids[start : start + _MEASURES_A_QUERY])
            )
        )
        for metric_id, period, value in rows:
            stored.setdefault(metric_id, {})[period] = value
    return stored


def _written(value: decimal.Decimal) -> str:
    """A value as the audit trail keeps it: as a person writes it (102, not 102.0000)."""
    return f"{value.normalize():f}"


async def write(
    session: AsyncSession, viewer: CurrentUser, checked: CheckedReadings, *, now: datetime.datetime
) -> None:
    """Insert the new readings in bulk, change the changed ones, and audit each measure's: one entry each,
    with every value written and the values they replaced. Leaves unchanged readings alone. In the
    session's transaction; the caller commits."""
    written = {"entered_by": viewer.actor.id, "entered_at": now}
    touched: set[uuid.UUID] = set()
    new: dict[str, list[object]] = {"metric_id": [], "force_id": [], "period_date": [], "value": []}
    with paused_collector():
        for metric_id, readings in checked.measures.items():
            stored = checked.stored.get(metric_id, {})
            after: dict[str, str] = {}
            before: dict[str, str] = {}
            changed = []
            for period, value in readings.values.items():
                previous = stored.get(period)
                if previous == value:
                    continue
                after[period.isoformat()] = _written(value)
                if previous is None:
                    new["metric_id"].append(metric_id)
                    new["force_id"].append(readings.measure.force_id)
                    new["period_date"].append(period)
                    new["value"].append(value)
                else:
                    before[period.isoformat()] = _written(previous)
                    changed.append({"period": period, "new_value": value})
            if changed:
                await session.execute(
                    update(READINGS)
                    .where(READINGS.c.metric_id == metric_id, READINGS.c.period_date == bindparam("period"))
                    .values(value=bindparam("new_value"), **written),
                    changed,
                )
            if after:
                touched.add(metric_id)
                await record_event(
                    session,
                    action="import",
                    entity=READINGS.name,
                    entity_id=str(metric_id),
                    force_id=readings.measure.force_id,
                    before=before or None,
                    after=after,
                )
        await insert_columns(session, READINGS, new, same=written)
    if touched:
        await upkeep.readings_changed(session, touched, now=now)
