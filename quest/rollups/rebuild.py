"""Every rollup recomputed from the records it counts: for the migration that made the rollups, and for
data written in bulk beside :mod:`quest.rollups.changes` (the national dataset). It replaces what the
rollups hold, so run it only where nobody else writes (a migration, a load in one transaction).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Collection
from typing import Any

from advanced_alchemy.base import DefaultBase
from advanced_alchemy.types import GUID
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Executable,
    Integer,
    Select,
    String,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from quest.dashboards.spans import microseconds_between
from quest.ideas.models import Idea
from quest.metrics.models import Metric, Reading
from quest.org.models import Division
from quest.rollups.models import (
    VALUE_PARTS,
    DecisionsByYear,
    IdeasByStatus,
    IdeasRaisedByMonth,
    ReadingsByWeek,
    ReadingsVersion,
    ResponseDays,
    ResponseKind,
    WasteByMonth,
    WasteByProcess,
)
from quest.waste.models import WasteObservation

MICROSECONDS_A_DAY = 86_400 * 10**6


def _hundredths(column: InstrumentedAttribute[decimal.Decimal]) -> ColumnElement[int]:
    """A number of two decimal places as a whole number of hundredths (exact on SQLite too)."""
    return cast(func.round(column * 100), BigInteger)


class first_of_month(FunctionElement[datetime.date]):
    """The first day of a date's month."""

    type = Date()
    name = "first_of_month"
    inherit_cache = True


@compiles(first_of_month, "postgresql")
def _postgresql(element: first_of_month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


class london_month(FunctionElement[datetime.date]):
    """The first day of the month a UTC timestamp falls in, in London."""

    type = Date()
    name = "london_month"
    inherit_cache = True


@compiles(london_month, "postgresql")
def _london_postgresql(element: london_month, compiler: SQLCompiler, **kw: Any) -> str:
    moment = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('month', {moment} AT TIME ZONE 'Europe/London') AS DATE)"


@compiles(london_month, "sqlite")
def _london_sqlite(element: london_month, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite knows no time zones. London's month differs from UTC's only at 23:00-23:59 UTC on the last day
    # of a month in summer time, which covers the last moments of every month from March (summer time
    # starts before 31 March, 01:00 UTC) to September (it ends in late October): there an hour on gives
    # London's month. (SQLAlchemy keeps a timestamp as 'YYYY-MM-DD HH:MM:SS.ffffff' text, in UTC.)
    moment = compiler.process(element.clauses, **kw)
    return (
        f"CASE WHEN CAST(substr({moment}, 6, 2) AS INTEGER) BETWEEN 3 AND 9"
        f" THEN date({moment}, '+1 hour', 'start of month') ELSE date({moment}, 'start of month') END"
    )


class new_version(FunctionElement[uuid.UUID]):
    """A random version for a row of ``readings_versions``: sixteen random bytes, as a UUID."""

    type = GUID(length=16)
    name = "new_version"
    inherit_cache = True


@compiles(new_version, "postgresql")
def _new_version_postgresql(element: new_version, compiler: SQLCompiler, **kw: Any) -> str:
    return "gen_random_uuid()"


@compiles(new_version, "sqlite")
def _new_version_sqlite(element: new_version, compiler: SQLCompiler, **kw: Any) -> str:
    # A UUID is kept on SQLite as its sixteen bytes (Advanced Alchemy's GUID).
    return "randomblob(16)"


class week_of(FunctionElement[datetime.date]):
    """The Monday of a date's week."""

    type = Date()
    name = "week_of"
    inherit_cache = True


@compiles(week_of, "postgresql")
def _week_postgresql(element: week_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(week_of, "sqlite")
def _week_sqlite(element: week_of, compiler: SQLCompiler, **kw: Any) -> str:
    # On to the Sunday (the day itself if it is one), then back six days.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


def weekly_readings() -> Select[*tuple[Any, ...]]:
    """Every measure's readings by measure and week: the rows of ``readings_by_week``, as a rebuild counts
    them (a change recounts its measures with :func:`measure_weekly_readings`)."""
    week = week_of(Reading.period_date)
    return select(Reading.metric_id, week, Reading.force_id, *_week_sums()).group_by(
        Reading.metric_id, week, Reading.force_id
    )


def measure_weekly_readings(metric_id: uuid.UUID, force_id: uuid.UUID) -> Select[*tuple[Any, ...]]:
    """One measure's readings by week, its rows of ``readings_by_week``: grouped by week alone, the
    measure and its force given, which SQLite sorts in two-thirds of the time it takes to group by all three."""
    week = week_of(Reading.period_date)
    return (
        select(
            literal(metric_id, Reading.metric_id.type), week, literal(force_id, Reading.force_id.type), *_week_sums()
        )
        .where(Reading.metric_id == metric_id)
        .group_by(week)
    )


def _week_sums() -> tuple[ColumnElement[Any], ...]:
    """A week's readings and their total, in :data:`VALUE_PARTS`."""
    return func.count(), func.sum(cast(func.round(Reading.value * VALUE_PARTS), BigInteger))


WEEKLY_COLUMNS = ["metric_id", "week", "force_id", "readings", "total"]


def london_financial_year(moment: Any) -> ColumnElement[int]:
    """The financial year of a UTC timestamp's London date (1 April to 31 March, named by its start)."""
    month = london_month(moment)
    year = cast(func.substr(cast(month, String), 1, 4), Integer)
    return case((cast(func.substr(cast(month, String), 6, 2), Integer) >= 4, year), else_=year - 1)


@compiles(first_of_month, "sqlite")
def _sqlite(element: first_of_month, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy keeps a date on SQLite as 'YYYY-MM-DD' text, as date() gives it.
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


def rebuild_statements(rollups: Collection[type[DefaultBase]] | None = None) -> list[Executable]:
    """The statements that empty each rollup (of ``rollups``, or all) and fill it again from the
    records. (A migration names the rollups that existed at its revision.)"""
    waste = WasteObservation
    process_key = func.lower(waste.process)
    month = first_of_month(waste.observed_on)
    # Each in hundredths, a whole number, so the product is ten-thousandths (MINUTE_PARTS).
    lost = func.sum(_hundredths(waste.minutes_per_occurrence) * _hundredths(waste.occurrences_per_week))
    # Counted from the ideas' index on division and status alone (a million ideas: reading their rows
    # for the force as well takes ten times as long), the force then found from the division.
    ideas = (
        select(Idea.division_id, Idea.status, func.count().label("ideas"))
        .group_by(Idea.division_id, Idea.status)
        .subquery("ideas")
    )
    raised = (
        select(Idea.division_id, london_month(Idea.created_at).label("month"), func.count().label("ideas"))
        .group_by(Idea.division_id, london_month(Idea.created_at))
        .subquery("raised")
    )
    answered = union_all(
        *(
            select(
                Idea.division_id.label("division_id"),
                literal(kind.value).label("kind"),
                london_financial_year(moment).label("year"),
                (microseconds_between(moment, Idea.created_at) // MICROSECONDS_A_DAY).label("days"),
            ).where(moment.is_not(None))
            for kind, moment in (
                (ResponseKind.FIRST_RESPONSE, Idea.first_response_at),
                (ResponseKind.DECISION, Idea.decided_at),
            )
        )
    ).subquery("answered")
    response_days = (
        select(answered.c.division_id, answered.c.kind, answered.c.year, answered.c.days, func.count().label("ideas"))
        .group_by(answered.c.division_id, answered.c.kind, answered.c.year, answered.c.days)
        .subquery("response_days")
    )
    decision_year = london_financial_year(Idea.decided_at)
    decisions = (
        select(Idea.division_id, decision_year.label("year"), Idea.status, func.count().label("ideas"))
        .where(Idea.decided_at.is_not(None))
        .group_by(Idea.division_id, decision_year, Idea.status)
        .subquery("decisions")
    )
    # A division is in one force: grouping the waste by the force too only carries it along.
    statements: dict[type[DefaultBase], list[Executable]] = {
        WasteByProcess: [
            delete(WasteByProcess),
            insert(WasteByProcess).from_select(
                ["division_id", "waste_type", "process_key", "force_id", "process", "observations", "minutes_a_week"],
                select(
                    waste.division_id,
                    waste.waste_type,
                    process_key,
                    waste.force_id,
                    func.min(waste.process),
                    func.count(),
                    lost,
                ).group_by(waste.division_id, waste.waste_type, process_key, waste.force_id),
            ),
        ],
        WasteByMonth: [
            delete(WasteByMonth),
            insert(WasteByMonth).from_select(
                ["division_id", "month", "waste_type", "force_id", "observations", "minutes_a_week"],
                select(waste.division_id, month, waste.waste_type, waste.force_id, func.count(), lost).group_by(
                    waste.division_id, month, waste.waste_type, waste.force_id
                ),
            ),
        ],
        IdeasByStatus: [
            delete(IdeasByStatus),
            insert(IdeasByStatus).from_select(
                ["division_id", "status", "force_id", "ideas"],
                select(ideas.c.division_id, ideas.c.status, Division.force_id, ideas.c.ideas).join(
                    Division, Division.id == ideas.c.division_id
                ),
            ),
        ],
        IdeasRaisedByMonth: [
            delete(IdeasRaisedByMonth),
            insert(IdeasRaisedByMonth).from_select(
                ["division_id", "month", "force_id", "ideas"],
                select(raised.c.division_id, raised.c.month, Division.force_id, raised.c.ideas).join(
                    Division, Division.id == raised.c.division_id
                ),
            ),
        ],
        ReadingsByWeek: [
            delete(ReadingsByWeek),
            insert(ReadingsByWeek).from_select(WEEKLY_COLUMNS, weekly_readings()),
        ],
        # A new version for every measure: readings written in bulk beside readings_written are theirs.
        ReadingsVersion: [
            delete(ReadingsVersion),
            insert(ReadingsVersion).from_select(["metric_id", "version"], select(Metric.id, new_version())),
        ],
        ResponseDays: [
            delete(ResponseDays),
            insert(ResponseDays).from_select(
                ["division_id", "kind", "year", "days", "force_id", "ideas"],
                select(
                    response_days.c.division_id,
                    response_days.c.kind,
                    response_days.c.year,
                    response_days.c.days,
                    Division.force_id,
                    response_days.c.ideas,
                ).join(Division, Division.id == response_days.c.division_id),
            ),
        ],
        DecisionsByYear: [
            delete(DecisionsByYear),
            insert(DecisionsByYear).from_select(
                ["division_id", "year", "status", "force_id", "ideas"],
                select(
                    decisions.c.division_id,
                    decisions.c.year,
                    decisions.c.status,
                    Division.force_id,
                    decisions.c.ideas,
                ).join(Division, Division.id == decisions.c.division_id),
            ),
        ],
    }
    return [statement for rollup in rollups or statements for statement in statements[rollup]]


async def rebuild(session: AsyncSession) -> None:
    """Recompute every rollup from the records, in the session's transaction."""
    for statement in rebuild_statements():
        await session.execute(statement)
