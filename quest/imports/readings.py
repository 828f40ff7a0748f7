"""Readings of many measures from one file: a row names its force, division and measure, a date and a
value. Every row is judged by the rules of any reading (:func:`quest.metrics.imports.judge_reading`); the
file then upserts, so importing it again changes nothing, and a changed cell changes that one reading,
audited with its old value. Kept figures follow through :func:`quest.metrics.upkeep.readings_changed`.

A national file may hold a million rows, so a checked reading is kept in three machine-sized numbers (its
period's day number, its row and its value in ten-thousandths) rather than as Python objects, and each
measure is compared with what is stored, and written, one at a time."""

from __future__ import annotations

import datetime
import decimal
import functools
import itertools
import uuid
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.bulk import paused_collector
from quest.imports.places import Places
from quest.imports.report import ImportReport, Problem
from quest.imports.sheets import SheetRow, cell_text, number_of
from quest.imports.table import Column, Header, Table, batches
from quest.metrics import upkeep
from quest.metrics.imports import describe_period, judge_reading, judge_readings_at_once, write_readings
from quest.metrics.models import Metric, Reading
from quest.metrics.services import period_start, period_starts
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
# A reading's value has at most 4 decimal places (quest.metrics.services.check_reading_value).
_SCALE = 10_000
_NEW, _CHANGED, _UNCHANGED = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Measure:
    id: uuid.UUID
    force_id: uuid.UUID
    kind: MetricKind
    frequency: Frequency


@dataclass(slots=True)
class MeasureReadings:
    """A measure's good rows, as numbers: each period's day (its ordinal), the row it came from, its value
    in ten-thousandths; once compared, what saving does with each, and the values it replaces."""

    measure: Measure
    days: array[int] = field(default_factory=lambda: array("l"))
    rows: array[int] = field(default_factory=lambda: array("l"))
    values: array[int] = field(default_factory=lambda: array("q"))
    outcomes: array[int] = field(default_factory=lambda: array("b"))
    replaced: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class CheckedReadings:
    report: ImportReport
    measures: dict[uuid.UUID, MeasureReadings]


# Rows read and judged this many at a time: enough that each column of a chunk is judged by calls that loop
# in C (:func:`~quest.metrics.imports.judge_readings_at_once`), few enough that a national file's cells are
# never all held at once.
_CHUNK = 4096
_PROGRESS_EVERY = 50_000


@dataclass(slots=True)
class _Rows:
    """Rows of a chunk that name a measure one way (force, division and measure as written): the first of
    them, and every one's number, date cell and value cell."""

    first: SheetRow
    numbers: list[int]
    dates: list[object]
    values: list[object]


@dataclass(frozen=True, slots=True)
class _Spelling:
    """What one way of naming a measure resolves to: the measure, and where its readings go; or the
    problem with it."""

    measure: Measure | Problem | None
    readings: MeasureReadings | None

    def judge(self, rows: _Rows, today: datetime.date, problems: list[Problem]) -> None:
        """The rows judged, by the rules of any reading: their problems added, and the good ones kept as
        numbers in the measure's readings. The rows of a measure QUEST does not know are judged as counts,
        so a negative count is still named on a row with a mistyped division."""
        kind = self.measure.kind if isinstance(self.measure, Measure) else MetricKind.BACKLOG
        readings = self.readings
        at_once = judge_readings_at_once(rows.dates, rows.values, kind, today)
        if at_once is not None:
            if readings is not None:
                days, good = at_once
                readings.days.extend(map(datetime.date.toordinal, period_starts(readings.measure.frequency, days)))
                readings.rows.extend(rows.numbers)
                readings.values.extend(map(_scaled, good))
            return
        for number, date_cell, value_cell in zip(rows.numbers, rows.dates, rows.values, strict=True):
            _date_text, _value_text, day, value, date_problem, value_problem = judge_reading(
                date_cell, value_cell, kind, today
            )
            if date_problem:
                problems.append(Problem(number, "date", date_problem))
            if value_problem:
                problems.append(Problem(number, "value", value_problem))
            if readings is not None and day is not None and value is not None and not (date_problem or value_problem):
                readings.days.append(period_start(readings.measure.frequency, day).toordinal())
                readings.rows.append(number)
                readings.values.append(_scaled(value))


def _chunks(rows: Iterator[SheetRow]) -> Iterator[list[SheetRow]]:
    while chunk := list(itertools.islice(rows, _CHUNK)):
        yield chunk


def _by_spelling(chunk: list[SheetRow], header: Header) -> dict[tuple[object, object, object], _Rows]:
    """A chunk's rows by how they name their measure, in columns. A file usually names one measure in many
    rows running: each run is found, and taken whole, by calls that loop in C."""
    forces, divisions, names, dates, values = header.columns(chunk, "force", "division", "measure", "date", "value")
    numbers = list(map(number_of, chunk))
    groups: dict[tuple[object, object, object], _Rows] = {}
    start = 0
    for key, run in itertools.groupby(zip(forces, divisions, names, strict=True)):
        end = start + len(list(run))
        group = groups.get(key)
        if group is None:
            groups[key] = _Rows(chunk[start], numbers[start:end], list(dates[start:end]), list(values[start:end]))
        else:
            group.numbers += numbers[start:end]
            group.dates += dates[start:end]
            group.values += values[start:end]
        start = end
    return groups


# Both pure, and a file's counts hold a few hundred distinct values: each is worked out once.
@functools.lru_cache(maxsize=4096)
def _scaled(value: decimal.Decimal) -> int:
    return int(value * _SCALE)


@functools.lru_cache(maxsize=4096)
def _value(scaled: int) -> decimal.Decimal:
    """The value back from ten-thousandths, with no more places than it needs (57, 0.1025)."""
    return decimal.Decimal(scaled) / _SCALE


async def _measures(session: AsyncSession, places: Places) -> dict[tuple[uuid.UUID, str], Measure]:
    """Every measure of the divisions in reach, by division and name (whatever its case and spacing)."""
    found: dict[tuple[uuid.UUID, str], Measure] = {}
    for batch in batches(set(places.divisions.values())):
        rows = await session.execute(
            select(Metric.id, Metric.force_id, Metric.division_id, Metric.name, Metric.kind, Metric.frequency).where(
                Metric.division_id.in_(batch)
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
    report = ImportReport(KIND)
    header = table.header
    measures = await _measures(session, places)
    by_measure: dict[uuid.UUID, MeasureReadings] = {}
    # A file names few measures in many rows: each spelling is resolved once, to its measure (or the
    # problem with it) and where its readings go. Rows are read a chunk at a time, and each run of rows
    # naming a measure one way is judged at once.
    resolved: dict[tuple[object, object, object], _Spelling] = {}
    problems = report.problems
    count = 0
    with paused_collector():
        for chunk in _chunks(table.rows):
            before, count = count, count + len(chunk)
            if count // _PROGRESS_EVERY > before // _PROGRESS_EVERY:
                progress(count)
            for key, rows in _by_spelling(chunk, header).items():
                spelling = resolved.get(key)
                numbers = rows.numbers
                if spelling is None:
                    first = rows.first
                    measure = _resolve(places, measures, header, first, cell_text(key[2]), problems)
                    readings = None
                    if isinstance(measure, Measure):
                        readings = by_measure.get(measure.id) or by_measure.setdefault(
                            measure.id, MeasureReadings(measure)
                        )
                    spelling = resolved[key] = _Spelling(measure, readings)
                    numbers = numbers[1:]  # the first row's problem, if any, is named already
                if isinstance(spelling.measure, Problem):  # the same bad place again: named on each row
                    column, message = spelling.measure.column, spelling.measure.message
                    problems.extend(Problem(number, column, message) for number in numbers)
                spelling.judge(rows, today, problems)
    progress(count)
    report.rows = count
    for readings in by_measure.values():
        problems.extend(_same_period(readings))
    if count == 0 and not problems:
        problems.append(Problem(header.number + 1, "", "The file has a header but no readings under it"))
    problems.sort(key=lambda problem: problem.row)
    checked = CheckedReadings(report, by_measure)
    if not problems:
        for readings in by_measure.values():
            await _compare(session, readings, report)
    return checked


def _resolve(
    places: Places,
    measures: dict[tuple[uuid.UUID, str], Measure],
    header: Header,
    row: SheetRow,
    name: str,
    problems: list[Problem],
) -> Measure | Problem | None:
    """The measure a row names, or the first problem with its force, division or measure (added)."""
    found: list[Problem] = []
    place = places.place_of(header, row, found)
    measure = None
    if place is not None and place.division_id is not None:
        measure = measures.get((place.division_id, matching_key(name)))
        if measure is None:
            message = f"{place.division_code} has no measure called ‘{name}’" if name else "Enter the measure's name"
            found.append(Problem(row.number, "measure", message))
    problems.extend(found)
    return measure if measure is not None else (found[0] if found else None)


def _same_period(readings: MeasureReadings) -> list[Problem]:
    """Two rows for one period of a measure (two days of one week, on a weekly measure): each later row
    named, with the first row for that period."""
    days, rows = readings.days, readings.rows
    if len(set(days)) == len(days):  # the usual case, found at once
        return []
    # By period, then by row: a measure written two ways in the file gathers its rows a spelling at a
    # time, so they are not kept in file order.
    order = sorted(range(len(days)), key=lambda index: (days[index], rows[index]))
    problems = []
    first = -1
    for position, index in enumerate(order):
        if position == 0 or days[index] != days[order[position - 1]]:
            first = index
            continue
        words = describe_period(readings.measure.frequency, datetime.date.fromordinal(days[index]))
        problems.append(Problem(rows[index], "date", f"Rows {rows[first]} and {rows[index]} are both for {words}"))
    return problems


async def _compare(session: AsyncSession, readings: MeasureReadings, report: ImportReport) -> None:
    """What saving does with each of the measure's rows: one query for its stored values over the file's
    dates."""
    days = readings.days
    stored = {
        period.toordinal(): _scaled(value)
        for period, value in await session.execute(
            select(Reading.period_date, Reading.value).where(
                Reading.metric_id == readings.measure.id,
                Reading.period_date.between(datetime.date.fromordinal(min(days)), datetime.date.fromordinal(max(days))),
            )
        )
    }
    outcomes = readings.outcomes
    if not stored:  # nothing stored over the file's dates (a new measure, a new stretch): every row is new
        outcomes.frombytes(bytes([_NEW]) * len(days))
        report.created += len(days)
        return
    for day, value in zip(days, readings.values, strict=True):
        previous = stored.get(day)
        if previous is None:
            outcomes.append(_NEW)
            report.created += 1
        elif previous == value:
            outcomes.append(_UNCHANGED)
            report.unchanged += 1
        else:
            outcomes.append(_CHANGED)
            readings.replaced[day] = previous
            report.changed += 1


async def write(
    session: AsyncSession, viewer: CurrentUser, checked: CheckedReadings, *, now: datetime.datetime
) -> None:
    """Each measure's new readings inserted in bulk, its changed ones updated, and one audit entry each
    (:func:`quest.metrics.imports.write_readings`); unchanged readings left alone. In the session's
    transaction; the caller commits."""
    written = {"entered_by": viewer.actor.id, "entered_at": now}
    touched: set[uuid.UUID] = set()
    with paused_collector():
        for metric_id, readings in checked.measures.items():
            is_new = list(map(_NEW.__eq__, readings.outcomes))  # a row at a time without a Python loop
            new = list(
                zip(
                    map(datetime.date.fromordinal, itertools.compress(readings.days, is_new)),
                    map(_value, itertools.compress(readings.values, is_new)),
                    strict=True,
                )
            )
            changed = (
                [
                    (datetime.date.fromordinal(day), _value(scaled), _value(readings.replaced[day]))
                    for day, scaled in zip(readings.days, readings.values, strict=True)
                    if day in readings.replaced
                ]
                if readings.replaced
                else []
            )
            if new or changed:
                touched.add(metric_id)
                force_id = readings.measure.force_id
                await write_readings(session, metric_id, force_id, new, changed, written=written, action="import")
    if touched:
        await upkeep.readings_changed(session, touched, now=now)
