"""Readings in bulk: a manager pastes rows from a spreadsheet, or uploads a CSV or XLSX file, sees what
will happen to each row, and saves every reading or none (DESIGN §2 and §6).

It goes in three steps, so that people see exactly what will be written before anything is:

- the readers turn pasted text, a CSV file or a workbook's first sheet into :class:`SheetRow` s, each
  numbered as in the person's spreadsheet (a header row counts), skipping blank rows and a header;
- :func:`judge_rows` judges every row by the rules of any reading (``check_reading_date``,
  ``check_reading_value``), files it under its period, and names each problem by row and column;
- the service compares the rows with the readings stored, for the preview, and on saving checks them
  all again and writes them all or none, in bulk, with one audit entry that keeps every old value.

The readers and the checks are pure; only the service, at the end, touches the database.
"""

from __future__ import annotations

import asyncio
import csv
import datetime
import decimal
import enum
import functools
import io
import itertools
import operator
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from openpyxl.utils import get_column_letter
from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.recorder import act_as, record_event
from quest.bulk import insert_columns, paused_collector
from quest.clock import EARLIEST_DATE
from quest.errors import ValidationFailed
from quest.imports import sheets
from quest.imports.sheets import NOT_TEXT, SheetRow, UnreadableRows, cell_text, cells_of, number_of, parse_day
from quest.metrics import upkeep
from quest.metrics.models import READINGS, Reading
from quest.metrics.services import (
    MetricSummary,
    ReadingInput,
    check_entry_window,
    check_reading_date,
    check_reading_value,
    checked_entries,
    earliest_entry_date,
    get_metric,
    manages,
    period_start,
    period_starts,
)
from quest.metrics.vocabulary import Frequency, MetricKind

# One import at most: a file of more is split, so a preview stays readable and a save stays short.
MAX_ROWS = 20_000
COLUMN_NAMES = ("date", "value")

NO_READINGS = "There are no readings: each row needs a date, then a value"
TOO_MANY = f"There are more than {MAX_ROWS:,} rows: import them in parts of {MAX_ROWS:,} rows or fewer"
CHANGED_IN_TRANSIT = "The checked readings did not come back as they were sent: paste or upload them again"
ENTER_A_DATE = "Enter a date"
NOT_A_DATE = "Enter a real date, like 01/03/2026 or 2026-03-01"
EXTRA_CELL = "Only the date and the value are read: clear this cell, or put a number with commas in quotes"

T = TypeVar("T")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# --- Reading rows (pure) ------------------------------------------------------------------------------


def rows_from_text(text: str) -> Iterator[SheetRow]:
    """Rows pasted from a spreadsheet (tab-separated) or typed as CSV (comma-separated), each line read
    with its own separator, so rows pasted from a sheet and rows typed by hand can share one paste."""
    lines = _LINE_BREAK.split(text)
    try:
        yield from _data_rows(SheetRow(number, split_line(line)) for number, line in enumerate(lines, start=1))
    except csv.Error as error:
        raise UnreadableRows(NOT_TEXT) from error


def split_line(line: str) -> tuple[str, ...]:
    """One line's cells: split at tabs if it has any (a spreadsheet's, where "1,204" is one number),
    else at commas (CSV, quotes allowed), else at semicolons (CSV as some spreadsheets save it), else at
    spaces ("01/03/2026 118")."""
    if "\t" in line:
        separator = "\t"
    elif "," in line:
        separator = ","
    elif ";" in line:
        separator = ";"
    else:
        return tuple(line.split())
    return tuple(next(csv.reader([line], delimiter=separator), []))


def rows_from_file(filename: str, data: bytes) -> Iterator[SheetRow]:
    """The readings of an uploaded file (:func:`quest.imports.sheets.rows_from_file`): a workbook's rows
    all count towards the limit, blank ones too (a header is allowed on top)."""
    try:
        yield from _data_rows(sheets.rows_from_file(filename, data, max_rows=MAX_ROWS + 1))
    except sheets.TooManyRows as error:
        raise UnreadableRows(TOO_MANY) from error


async def read_file(filename: str, data: bytes) -> list[SheetRow]:
    """:func:`rows_from_file`, all read in a worker thread, so a slow file never holds up the event loop
    (the XLSX reader also gives up at its own deadline)."""
    return await asyncio.to_thread(lambda: list(rows_from_file(filename, data)))


def rows_from_preview(text: str) -> Iterator[SheetRow]:
    """The rows a preview sends back to be saved (see :meth:`ImportPlan.checked_text`): each keeps its
    number in the person's file, so a problem found on saving is still named by their row."""
    for count, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if count > MAX_ROWS:
            raise UnreadableRows(TOO_MANY)
        if len(cells) != 3 or not cells[0].isdecimal():
            raise UnreadableRows(CHANGED_IN_TRANSIT)
        yield SheetRow(int(cells[0]), (cells[1], cells[2]))


def _data_rows(rows: Iterable[SheetRow]) -> Iterator[SheetRow]:
    """The rows with something in them, without a header row, and at most :data:`MAX_ROWS` of them."""
    filled = (row for row in rows if any(cell_text(cell) for cell in row.cells))
    first = next(filled, None)
    readings = [] if first is None or _is_header(first) else [first]
    yield from _at_most(itertools.chain(readings, filled))


def _at_most(rows: Iterable[T]) -> Iterator[T]:
    """Stops, with the reason, at the row after the last one allowed, before reading any further."""
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise UnreadableRows(TOO_MANY)
        yield row


def _is_header(row: SheetRow) -> bool:
    """A first row is a header ("Date, Incidents") when its first cell is words, not a date, and its
    second is not a number. A mistyped date ("2026-02-30") has no letters, so it is checked, not skipped."""
    date_cell, value_cell = _two_cells(row)
    words = cell_text(date_cell)
    return parse_day(date_cell) is None and any(letter.isalpha() for letter in words) and not _is_number(value_cell)


def _two_cells(row: SheetRow) -> tuple[object, object]:
    cells = row.cells
    if len(cells) >= 2:
        return cells[0], cells[1]
    return (cells[0] if cells else None), None


def _is_number(cell: object) -> bool:
    return fields.read_decimal(cell_text(cell)) is not None


# --- Checking rows (pure) -----------------------------------------------------------------------------


class Outcome(enum.StrEnum):
    """What saving will do with a row."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    PROBLEM = "problem"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one cell, named as the person finds it: row 5, column B."""

    row: int
    column: int  # 0 is column A, the date
    message: str

    @property
    def letter(self) -> str:
        return str(get_column_letter(self.column + 1))

    @property
    def field(self) -> str:
        """The id of the place on the preview where this problem is shown (the error summary links to it)."""
        return f"row-{self.row}-{self.letter.lower()}"

    @property
    def summary(self) -> str:
        name = f" ({COLUMN_NAMES[self.column]})" if self.column < len(COLUMN_NAMES) else ""
        return f"Row {self.row}, column {self.letter}{name}: {self.message}"


def outcome_of(value: decimal.Decimal, previous: decimal.Decimal | None) -> Outcome:
    """What saving does with a good row's value, given the value stored for its period (None: none)."""
    if previous is None:
        return Outcome.NEW
    return Outcome.UNCHANGED if previous == value else Outcome.CHANGED


@dataclass(slots=True)
class PlannedReading:
    """A good row's reading: its period, its value, and the value stored for that period, if any."""

    period: datetime.date
    frequency: Frequency
    value: decimal.Decimal
    previous: decimal.Decimal | None = None

    @property
    def outcome(self) -> Outcome:
        return outcome_of(self.value, self.previous)

    @property
    def label(self) -> str:
        """The period as a table shows it: 3 March 2026, Week beginning 2 March 2026, March 2026."""
        if self.frequency is Frequency.WEEKLY:
            return f"Week beginning {_day_words(self.period)}"
        return describe_period(self.frequency, self.period)


@dataclass(slots=True)
class ImportRow:
    """One row of the paste or file, as typed, with its problems or, if it has none, its reading."""

    number: int
    date_text: str
    value_text: str
    problems: tuple[Problem, ...]
    reading: PlannedReading | None

    @property
    def outcome(self) -> Outcome:
        return Outcome.PROBLEM if self.reading is None else self.reading.outcome


def describe_period(frequency: Frequency, period: datetime.date) -> str:
    """A period in a sentence: 3 March 2026, the week beginning 2 March 2026, March 2026."""
    if frequency is Frequency.WEEKLY:
        return f"the week beginning {_day_words(period)}"
    if frequency is Frequency.MONTHLY:
        return f"{period:%B %Y}"
    return _day_words(period)


def _day_words(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


# What :func:`judge_reading` finds in a reading's two cells: each as typed, the day and the value they hold,
# and what is wrong with each (None if nothing). A plain tuple, not a class: an import judges 20,000 rows,
# and making an instance of a class for each cost more than a third of the judging.
JudgedReading = tuple[str, str, datetime.date | None, decimal.Decimal | None, str | None, str | None]


def judge_reading(
    date_cell: object,
    value_cell: object,
    kind: MetricKind,
    today: datetime.date,
    earliest: datetime.date | None = None,
) -> JudgedReading:
    """One reading's date and value judged by the rules of any reading: the one check every import of
    readings makes (a measure's own, :func:`judge_rows`, and :mod:`quest.imports.readings`)."""
    # Text cells (a paste, a CSV file, a preview sent back) read here, as cell_text and parse_day would:
    # two calls fewer a row, of the 20,000 an import holds.
    if type(date_cell) is str:
        date_text = date_cell.strip()
        day = fields.read_written_date(date_text)
    else:
        date_text = cell_text(date_cell)
        day = parse_day(date_cell, date_text)
    value_text = value_cell.strip() if type(value_cell) is str else cell_text(value_cell)
    date_problem = None
    if day is None:
        date_problem = NOT_A_DATE if date_text else ENTER_A_DATE
    else:
        day, date_problem = check_reading_date(day, today)
        if day is not None and not date_problem and earliest is not None:
            date_problem = check_entry_window(day, earliest)
    value, value_problem = check_reading_value(value_text, kind)
    return date_text, value_text, day, value, date_problem, value_problem


# ISO dates end to end: a column of them, joined.
_ISO_DATES = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2})*")


def judge_readings_at_once(
    date_cells: list[object],
    value_cells: list[object],
    kind: MetricKind,
    today: datetime.date,
    earliest: datetime.date | None = None,
) -> tuple[list[datetime.date], list[decimal.Decimal]] | None:
    """Many readings' cells judged at once, a column at a time by calls that loop in C rather than in
    Python: each row's day and value, exactly as :func:`judge_reading` finds them, when every row is a
    good reading written the usual way (text cells, dates as 2026-03-01, values as fit the measure's
    kind); otherwise None, and the caller judges the rows one at a time, to name each problem. A column of
    well-formed readings, the usual case, is judged in about a third of the time (20,000 rows: 4.6 ms
    against 13.2 ms for :func:`judge_reading` on each).

    Why it agrees: a date cell of ten characters in a column that, joined, is ISO dates end to end is one
    ISO date (2026-03-01) with nothing around it, which :func:`judge_reading` reads with
    ``date.fromisoformat`` as this does; such a day between 2000 and ``today`` is what
    :func:`~quest.metrics.services.check_reading_date` takes as it is, and one from ``earliest`` on is in
    the window of entry (:func:`~quest.metrics.services.check_entry_window`); and a value cell is judged
    by :func:`~quest.metrics.services.check_reading_value` itself, which strips it as
    :func:`judge_reading` does."""
    if not date_cells or len(date_cells) != len(value_cells) or set(map(type, value_cells)) != {str}:
        return None
    try:
        iso = set(map(len, date_cells)) == {10} and _ISO_DATES.fullmatch("".join(date_cells)) is not None  # type: ignore[arg-type]
    except TypeError:  # a cell that is not text
        return None
    if not iso:
        return None
    try:
        days = list(map(datetime.date.fromisoformat, date_cells))  # type: ignore[arg-type]
    except ValueError:  # no such day (2026-02-30)
        return None
    if min(days) < max(EARLIEST_DATE, earliest or EARLIEST_DATE) or max(days) > today:
        return None
    judged = list(map(check_reading_value, value_cells, itertools.repeat(kind)))
    if set(map(operator.itemgetter(1), judged)) != {None}:  # a problem (not `None in values`: each Decimal
        return None  # compared with None asks whether None is a number, a tenth of the time)
    return days, list(map(operator.itemgetter(0), judged))


# What saving writes: a new reading (its period, its value); a changed one (its period, its value, the
# value it replaces).
NewReading = tuple[datetime.date, decimal.Decimal]
ChangedReading = tuple[datetime.date, decimal.Decimal, decimal.Decimal]


@dataclass(slots=True)
class JudgedRows:
    """Rows judged (:func:`judge_rows`), held a column at a time: an import judges 20,000 rows, and saving
    them needs only each good row's period and value, so the rows as the preview shows them
    (:meth:`import_rows`) are made only when they are shown."""

    frequency: Frequency
    numbers: list[int] = field(default_factory=list)
    date_texts: list[str] = field(default_factory=list)
    value_texts: list[str] = field(default_factory=list)
    # The period a row's date is filed under (None: no date read); its value only if the row is good.
    periods: list[datetime.date | None] = field(default_factory=list)
    values: list[decimal.Decimal | None] = field(default_factory=list)
    problems: list[tuple[Problem, ...]] = field(default_factory=list)

    def readings(self) -> Iterator[tuple[datetime.date, decimal.Decimal]]:
        """Each good row's period and value."""
        for period, value in zip(self.periods, self.values, strict=True):
            if period is not None and value is not None:
                yield period, value

    def import_rows(self, stored: Mapping[datetime.date, decimal.Decimal] | None = None) -> list[ImportRow]:
        """Each row as typed, with its problems or its reading, which knows the value ``stored`` for its
        period, so each row says what saving will do."""
        stored = stored or {}
        frequency = self.frequency
        return [
            ImportRow(
                number,
                date_text,
                value_text,
                problems,
                None
                if period is None or value is None
                else PlannedReading(period, frequency, value, stored.get(period)),
            )
            for number, date_text, value_text, period, value, problems in zip(
                self.numbers, self.date_texts, self.value_texts, self.periods, self.values, self.problems, strict=True
            )
        ]


def judge_rows(
    rows: Iterable[SheetRow],
    kind: MetricKind,
    frequency: Frequency,
    today: datetime.date,
    earliest: datetime.date | None = None,
) -> JudgedRows:
    """Every row judged: a date (not in the future, nor before 2000, nor before ``earliest``: see
    :func:`~quest.metrics.services.earliest_entry_date`) and a value fit for the measure's kind, and no
    two rows for one period (weekly readings are filed under their Monday, monthly ones under the 1st,
    so two days of one week clash on a weekly measure)."""
    rows = list(rows)  # at most MAX_ROWS: the readers stop past it
    judged = _judged_at_once(rows, kind, frequency, today, earliest)
    return judged if judged is not None else _judged_row_by_row(rows, kind, frequency, today, earliest)


def _judged_row_by_row(
    rows: list[SheetRow], kind: MetricKind, frequency: Frequency, today: datetime.date, earliest: datetime.date | None
) -> JudgedRows:
    """:func:`judge_rows` of any rows, each in turn, naming every problem."""
    judged = JudgedRows(frequency)
    numbers, date_texts, value_texts = judged.numbers, judged.date_texts, judged.value_texts
    periods, values, all_problems = judged.periods, judged.values, judged.problems
    first_row_for: dict[datetime.date, int] = {}
    for row in rows:
        number, cells = row.number, row.cells
        date_cell, value_cell = cells if len(cells) == 2 else _two_cells(row)
        date_text, value_text, day, value, date_problem, value_problem = judge_reading(
            date_cell, value_cell, kind, today, earliest
        )
        problems: list[Problem] = []
        if date_problem or value_problem or len(cells) > 2:
            if date_problem:
                problems.append(Problem(number, 0, date_problem))
            if value_problem:
                problems.append(Problem(number, 1, value_problem))
            problems.extend(
                Problem(number, column, EXTRA_CELL) for column, cell in enumerate(cells[2:], start=2) if cell_text(cell)
            )
        period = None
        if day is not None:
            period = period_start(frequency, day)
            earlier = first_row_for.setdefault(period, number)
            if earlier != number:
                words = describe_period(frequency, period)
                problems.append(Problem(number, 0, f"Rows {earlier} and {number} are both for {words}"))
        numbers.append(number)
        date_texts.append(date_text)
        value_texts.append(value_text)
        periods.append(period)
        values.append(None if problems else value)
        all_problems.append(tuple(problems) if problems else ())
    if not numbers:
        raise UnreadableRows(NO_READINGS)
    return judged


def _judged_at_once(
    rows: list[SheetRow], kind: MetricKind, frequency: Frequency, today: datetime.date, earliest: datetime.date | None
) -> JudgedRows | None:
    """:func:`judge_rows` of the usual rows, a column at a time (:func:`judge_readings_at_once`): when each
    is a good reading in two cells, for a period no other row has. None otherwise."""
    cells = list(map(cells_of, rows))
    if not cells or set(map(len, cells)) != {2}:
        return None
    date_cells, value_cells = map(list, zip(*cells, strict=True))
    at_once = judge_readings_at_once(date_cells, value_cells, kind, today, earliest)
    if at_once is None:
        return None
    days, values = at_once
    periods: list[datetime.date | None] = list(period_starts(frequency, days))
    if len(set(periods)) != len(periods):  # two rows for one period: judged a row at a time, to name them
        return None
    return JudgedRows(
        frequency,
        numbers=list(map(number_of, rows)),
        date_texts=date_cells,
        value_texts=list(map(str.strip, value_cells)),
        periods=periods,
        values=list(values),
        problems=[()] * len(rows),
    )


@dataclass(slots=True)
class ImportPlan:
    """What saving these rows into this measure will do, given the values ``stored`` for their periods."""

    metric: MetricSummary
    judged: JudgedRows
    stored: Mapping[datetime.date, decimal.Decimal] = field(default_factory=dict)
    _rows: list[ImportRow] | None = field(default=None, init=False, repr=False)
    _changes: tuple[list[NewReading], list[ChangedReading]] | None = field(default=None, init=False, repr=False)

    @property
    def rows(self) -> list[ImportRow]:
        """Each row as the preview shows it (made when first asked for)."""
        if self._rows is None:
            self._rows = self.judged.import_rows(self.stored)
        return self._rows

    @property
    def problems(self) -> list[Problem]:
        return [problem for problems in self.judged.problems for problem in problems]

    @property
    def readings(self) -> list[PlannedReading]:
        return [row.reading for row in self.rows if row.reading is not None]

    def count(self, outcome: Outcome) -> int:
        if outcome is Outcome.PROBLEM:
            return sum(1 for problems in self.judged.problems if problems)
        new, changed = self.changes()
        if outcome is Outcome.NEW:
            return len(new)
        if outcome is Outcome.CHANGED:
            return len(changed)
        good = sum(1 for value in self.judged.values if value is not None)
        return good - len(new) - len(changed)

    def changes(self) -> tuple[list[NewReading], list[ChangedReading]]:
        """What saving writes: each new reading (period, value), and each changed one (period, value, the
        value it replaces). Worked out once."""
        if self._changes is None:
            stored = self.stored
            new: list[NewReading] = []
            changed: list[ChangedReading] = []
            for period, value in zip(self.judged.periods, self.judged.values, strict=True):
                if period is None or value is None:
                    continue
                previous = stored.get(period)
                # outcome_of's rule, written out rather than called: this runs for each of an import's rows
                if previous is None:
                    new.append((period, value))
                elif previous != value:
                    changed.append((period, value, previous))
            self._changes = new, changed
        return self._changes

    @property
    def errors(self) -> dict[str, str]:
        """Each problem by where the preview shows it, for the error summary."""
        return {problem.field: problem.summary for problem in self.problems}

    def checked_text(self) -> str:
        """The good rows as CSV (row number, period, value), for the preview to send back when saving."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        judged = self.judged
        writer.writerows(
            (number, period.isoformat(), f"{value.normalize():f}")
            for number, period, value in zip(judged.numbers, judged.periods, judged.values, strict=True)
            if period is not None and value is not None
        )
        return buffer.getvalue()


# --- The service ---------------------------------------------------------------------------------------


class ImportRefused(ValidationFailed):
    """Some rows have problems, so nothing was written; the plan says which rows, and what."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(plan.errors)
        self.plan = plan


async def managed_metric(session: AsyncSession, viewer: CurrentUser, metric_id: uuid.UUID) -> MetricSummary:
    """The measure, if the viewer manages its division: Forbidden for those who manage no measures at
    all, NotFound for a measure out of their reach."""
    access.require(viewer, Permission.MANAGE_METRICS)
    metric = await get_metric(session, viewer, metric_id)
    access.require_record(
        viewer,
        Permission.MANAGE_METRICS,
        entity="metrics",
        entity_id=metric_id,
        force_id=metric.force_id,
        division_id=metric.division_id,
    )
    return metric


async def preview_import(
    session: AsyncSession, viewer: CurrentUser, metric_id: uuid.UUID, rows: Iterable[SheetRow], *, today: datetime.date
) -> ImportPlan:
    """What saving ``rows`` would do, row by row. Writes nothing."""
    with paused_collector():
        plan = await _plan(session, viewer, metric_id, rows, today)
    return plan


async def save_import(
    session: AsyncSession,
    viewer: CurrentUser,
    metric_id: uuid.UUID,
    rows: Iterable[SheetRow],
    *,
    now: datetime.datetime,
    today: datetime.date,
) -> ImportPlan:
    """Check ``rows`` again and save every reading, or none: :class:`ImportRefused` if any row has a
    problem. A period that has a reading gets the new value. Commits.

    The readings are written in bulk (:func:`write_readings`), not one ORM object at a time, so
    the audit trail gets one entry for the whole save: every period's value after it, and the value it
    replaced, if any, before it."""
    with paused_collector():
        plan = await _plan(session, viewer, metric_id, rows, today)
        if plan.problems:
            raise ImportRefused(plan)
        act_as(session, viewer.actor)
        written = {"entered_by": viewer.id, "entered_at": now}
        new, changed = plan.changes()
        if new or changed:
            await write_readings(session, metric_id, plan.metric.force_id, new, changed, written=written, action="save")
            await upkeep.readings_changed(session, {metric_id}, now=now)
        await session.commit()
    return plan


@functools.lru_cache(maxsize=4096)  # pure, and an import's 20,000 counts hold a few hundred values
def as_written(value: decimal.Decimal) -> str:
    """A value as a person writes it, and as the audit trail keeps it: 120, not 120.0000; 0.25; 0 for any
    zero (-0 and 0 are one key of the cache)."""
    return f"{value.normalize():f}" if value else "0"


async def write_readings(
    session: AsyncSession,
    metric_id: uuid.UUID,
    force_id: uuid.UUID,
    new: Sequence[NewReading],
    changed: Sequence[ChangedReading],
    *,
    written: Mapping[str, object],
    action: str,
) -> None:
    """One measure's readings written in bulk: ``new`` (period, value) inserted, ``changed`` (period, value,
    the value it replaces) updated, ``written`` (who entered them, when) on each, and one audit entry with
    every value after and every value replaced before. The one writer of a checked batch of readings: a
    measure's own import (:func:`save_import`) and a file's (:mod:`quest.imports.readings`). The caller
    brings kept figures up to date (:func:`quest.metrics.upkeep.readings_changed`) and commits."""
    periods, values = zip(*new, strict=True) if new else ((), ())
    await insert_columns(
        session,
        READINGS,
        {"period_date": periods, "value": values},
        same={"metric_id": metric_id, "force_id": force_id, **written},
    )
    if changed:
        await session.execute(
            update(READINGS)
            .where(READINGS.c.metric_id == metric_id, READINGS.c.period_date == bindparam("period"))
            .values(value=bindparam("new_value"), **written),
            [{"period": period, "new_value": value} for period, value, _before in changed],
        )
    after = dict(zip(map(datetime.date.isoformat, periods), map(as_written, values), strict=True))
    after.update((period.isoformat(), as_written(value)) for period, value, _before in changed)
    await record_event(
        session,
        action=action,
        entity=READINGS.name,
        entity_id=str(metric_id),
        force_id=force_id,
        before={period.isoformat(): as_written(before) for period, _value, before in changed} or None,
        after=after,
    )


async def put_readings(
    session: AsyncSession,
    viewer: CurrentUser,
    entries: Sequence[ReadingInput],
    *,
    now: datetime.datetime,
    today: datetime.date,
) -> int:
    """A batch of one measure's readings (the API's PUT, up to 10,000), all or none: each checked as any
    entered reading (:func:`quest.metrics.services.checked_entries`), then written in bulk
    (:func:`write_readings`) with one audit entry, as a save of the import page is. A period that has a
    reading gets the new value; one that has the same value is left alone, so sending the batch again
    changes nothing. Returns how many readings were written or changed. Commits."""
    wanted = await checked_entries(session, viewer, entries, today=today)
    if not wanted:
        return 0
    [metric] = {metric.id: metric for _value, metric in wanted.values()}.values()  # one measure a call
    values = {period: value for (_metric_id, period), (value, _metric) in wanted.items()}
    stored = await _stored_values(session, metric.id, list(values))
    new: list[NewReading] = []
    changed: list[ChangedReading] = []
    for period, value in values.items():
        outcome = outcome_of(value, stored.get(period))
        if outcome is Outcome.NEW:
            new.append((period, value))
        elif outcome is Outcome.CHANGED:
            changed.append((period, value, stored[period]))
    if new or changed:
        act_as(session, viewer.actor)
        written = {"entered_by": viewer.id, "entered_at": now}
        await write_readings(session, metric.id, metric.force_id, new, changed, written=written, action="save")
        await upkeep.readings_changed(session, {metric.id}, now=now)
    await session.commit()
    return len(new) + len(changed)


async def enter_reading(
    session: AsyncSession,
    viewer: CurrentUser,
    metric_id: uuid.UUID,
    day: str,
    value: str,
    *,
    now: datetime.datetime,
    today: datetime.date,
) -> tuple[MetricSummary, PlannedReading]:
    """One reading typed into a form: added, or replacing the one stored for its period. A one-row
    import, so it follows the same rules and says the same about what it did. Commits."""
    plan = await save_import(session, viewer, metric_id, [SheetRow(1, (day, value))], now=now, today=today)
    return plan.metric, plan.readings[0]


async def _plan(
    session: AsyncSession, viewer: CurrentUser, metric_id: uuid.UUID, rows: Iterable[SheetRow], today: datetime.date
) -> ImportPlan:
    metric = await managed_metric(session, viewer, metric_id)
    # Imports are for managers, so any date goes today; the window is asked all the same, so the rule
    # stays in one place if imports are ever opened to others.
    earliest = earliest_entry_date(manages(viewer, metric), today)
    judged = judge_rows(rows, metric.kind, metric.frequency, today, earliest)
    stored = await _stored_values(session, metric_id, [period for period, _value in judged.readings()])
    return ImportPlan(metric, judged, stored)


async def _stored_values(
    session: AsyncSession, metric_id: uuid.UUID, periods: Sequence[datetime.date]
) -> dict[datetime.date, decimal.Decimal]:
    """The measure's values from the first of ``periods`` to the last: one range query, however many
    rows (a list of 20,000 dates would pass the engines' limits on query parameters)."""
    if not periods:
        return {}
    found = await session.execute(
        select(Reading.period_date, Reading.value).where(
            Reading.metric_id == metric_id, Reading.period_date.between(min(periods), max(periods))
        )
    )
    return dict(found.all())
