"""What the database adds up for each unit compared on the force and national dashboards: a force's
divisions, or every force. Each figure is one grouped statement over a rollup or an index, never a record
brought into Python to be counted; :mod:`quest.dashboards.measures` turns the figures into the measures.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest.clock import EARLIEST_DATE
from quest.dashboards.measures import UnitFigures
from quest.dashboards.response_times import days_waited_in_year
from quest.dashboards.savings import BY_DIVISION, BY_FORCE, savings_by
from quest.ideas.status import IdeaStatus
from quest.metrics import judgements
from quest.metrics.models import IdeaMetric, Metric, Reading
from quest.metrics.vocabulary import MetricKind
from quest.org.models import DEFAULT_PRODUCTIVE_HOURS, Division, Force, ForceProfile, ForceSettings
from quest.rollups.models import (
    MINUTE_PARTS,
    VALUE_PARTS,
    DecisionsByYear,
    IdeasRaisedByMonth,
    ReadingsByWeek,
    ResponseDays,
    ResponseKind,
    WasteByMonth,
)
from quest.savings import redeployment
from quest.savings.redeployment import year_hours
from quest.savings.rules import financial_year_bounds
from quest.waste.rules import hours_a_year_of

D = decimal.Decimal

DECIDED = (
    IdeaStatus.APPROVED,
    IdeaStatus.IN_PROGRESS,
    IdeaStatus.IMPLEMENTED,
    IdeaStatus.DECLINED,
    IdeaStatus.DUPLICATE,
)
# The backlog's recent level: the mean of the readings of the latest 13 whole weeks.
RECENT_WEEKS = 13


class Level(enum.StrEnum):
    DIVISION = "division"
    FORCE = "force"


@dataclass(frozen=True, slots=True)
class _Unit:
    id: uuid.UUID
    code: str
    name: str
    force_id: uuid.UUID
    officers_fte: D
    staff_fte: D
    population: int | None


def as_of(year: int, today: datetime.date) -> datetime.date:
    """The day a financial year's figures are read at: its last day, or today while it runs."""
    return min(financial_year_bounds(year)[1], today)


def months_between(first: datetime.date, last: datetime.date) -> int:
    """Months from ``first``'s to ``last``'s, both counted (March to February: 12)."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


async def _units(session: AsyncSession, level: Level, ids: Sequence[uuid.UUID] | None, year: int) -> list[_Unit]:
    if level is Level.DIVISION:
        rows = await session.execute(
            select(
                Division.id, Division.code, Division.name, Division.force_id, Division.officers_fte, Division.staff_fte
            )
            .where(Division.id.in_(ids or []))
            .order_by(Division.name, Division.id)
        )
        return [_Unit(*row, population=None) for row in rows]
    # A force's profile for the year, or the latest before it (or, for a year before any, the first):
    # chosen here from every profile (a few a force), not by a subquery for each force.
    forces = select(Force.id, Force.code, Force.name).order_by(Force.name, Force.id)
    if ids is not None:
        forces = forces.where(Force.id.in_(ids))
    found = (await session.execute(forces)).all()
    profiles: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for profile in await session.execute(
        select(
            ForceProfile.force_id,
            ForceProfile.year,
            ForceProfile.officers_fte,
            ForceProfile.staff_fte,
            ForceProfile.population,
        ).where(ForceProfile.force_id.in_([force.id for force in found]))
    ):
        profiles[profile.force_id].append(profile)
    units = []
    for force in found:
        known = sorted(profiles[force.id], key=lambda profile: profile.year)
        before = [profile for profile in known if profile.year <= year]
        chosen = before[-1] if before else (known[0] if known else None)
        units.append(
            _Unit(
                force.id,
                force.code,
                force.name,
                force.id,
                chosen.officers_fte if chosen else D(0),
                chosen.staff_fte if chosen else D(0),
                chosen.population if chosen else None,
            )
        )
    return units


def _column(level: Level, division_column: Any, force_column: Any) -> Any:
    return division_column if level is Level.DIVISION else force_column


async def unit_figures(
    session: AsyncSession, level: Level, year: int, today: datetime.date, ids: Sequence[uuid.UUID] | None = None
) -> list[UnitFigures]:
    """The figures of each unit for financial year ``year``: the divisions ``ids``, or the forces ``ids``
    (every force when None), by name."""
    units = await _units(session, level, ids, year)
    unit_ids = [unit.id for unit in units]
    if not unit_ids:
        return []
    first_day, _last_day = financial_year_bounds(year)
    reading_day = as_of(year, today)

    # Ideas raised, by month: the year's, and the first month each unit raised any.
    raised_unit = _column(level, IdeasRaisedByMonth.division_id, IdeasRaisedByMonth.force_id)
    raised = {
        row.unit: row
        for row in await session.execute(
            select(
                raised_unit.label("unit"),
                func.min(IdeasRaisedByMonth.month).label("first_month"),
                func.coalesce(
                    func.sum(
                        case(
                            (
                                and_(IdeasRaisedByMonth.month >= first_day, IdeasRaisedByMonth.month <= reading_day),
                                IdeasRaisedByMonth.ideas,
                            ),
                            else_=0,
                        )
                    ),
                    0,
                ).label("ideas"),
            )
            .where(raised_unit.in_(unit_ids), IdeasRaisedByMonth.ideas > 0)
            .group_by(raised_unit)
        )
    }

    # Of the ideas decided in the year, how many there are and how many are implemented now.
    decision_unit = _column(level, DecisionsByYear.division_id, DecisionsByYear.force_id)
    decided = {
        row.unit: row
        for row in await session.execute(
            select(
                decision_unit.label("unit"),
                func.coalesce(func.sum(DecisionsByYear.ideas), 0).label("decided"),
                func.coalesce(
                    func.sum(case((DecisionsByYear.status == IdeaStatus.IMPLEMENTED, DecisionsByYear.ideas), else_=0)),
                    0,
                ).label("implemented"),
            )
            .where(decision_unit.in_(unit_ids), DecisionsByYear.year == year, DecisionsByYear.status.in_(DECIDED))
            .group_by(decision_unit)
        )
    }

    # Waste observed in the year, in hours a year.
    waste_unit = _column(level, WasteByMonth.division_id, WasteByMonth.force_id)
    waste = {
        row.unit: hours_a_year_of(D(row.minutes) / MINUTE_PARTS)
        for row in await session.execute(
            select(waste_unit.label("unit"), func.sum(WasteByMonth.minutes_a_week).label("minutes"))
            .where(waste_unit.in_(unit_ids), WasteByMonth.month >= first_day, WasteByMonth.month <= reading_day)
            .group_by(waste_unit)
        )
    }

    # Savings of the year, valued in each force's productive hours.
    force_ids = sorted({unit.force_id for unit in units})
    hours = dict.fromkeys(force_ids, DEFAULT_PRODUCTIVE_HOURS)
    for force_id, productive in await session.execute(
        select(ForceSettings.force_id, ForceSettings.productive_hours_per_fte).where(
            ForceSettings.force_id.in_(force_ids)
        )
    ):
        hours[force_id] = productive
    grouping = BY_DIVISION if level is Level.DIVISION else BY_FORCE
    savings = await savings_by(session, year, grouping, unit_ids, {unit.id: hours[unit.force_id] for unit in units})

    # Median days to a decision, of the ideas decided in the year.
    response_unit = _column(level, ResponseDays.division_id, ResponseDays.force_id)
    waited = await days_waited_in_year(
        session, year, and_(response_unit.in_(unit_ids), ResponseDays.kind == ResponseKind.DECISION), response_unit
    )

    backlogs = await _backlogs(session, level, unit_ids, reading_day)

    # Ideas whose improvement holds, as last judged; hours released in the year, and not yet redeployed.
    improvements = await judgements.improvements_by(
        session, unit_ids, _column(level, judgements.BY_DIVISION, judgements.BY_FORCE)
    )
    released = await redeployment.hours_released(
        session, year, unit_ids, _column(level, redeployment.BY_DIVISION, redeployment.BY_FORCE)
    )

    figures = []
    for unit in units:
        first_month = raised[unit.id].first_month if unit.id in raised else None
        ideas_decided = decided.get(unit.id)
        totals = savings[unit.id]
        backlog = backlogs.get(unit.id, _Backlog())
        figures.append(
            UnitFigures(
                id=unit.id,
                code=unit.code,
                name=unit.name,
                officers_fte=D(unit.officers_fte),
                staff_fte=D(unit.staff_fte),
                population=unit.population,
                first_month=first_month,
                months_of_use=0 if first_month is None else max(months_between(first_month, reading_day), 0),
                ideas_raised=int(raised[unit.id].ideas) if unit.id in raised else 0,
                ideas_decided=int(ideas_decided.decided) if ideas_decided else 0,
                ideas_implemented=int(ideas_decided.implemented) if ideas_decided else 0,
                savings=totals,
                waste_hours=waste.get(unit.id, D(0)),
                days_to_decision=waited.get(unit.id, {}).get(ResponseKind.DECISION, {}),
                backlog_now=backlog.now,
                backlog_year_before=backlog.year_before,
                backlog_recent=backlog.recent,
                backlog_baseline=backlog.baseline,
                improvements=improvements[unit.id],
                hours_released=year_hours(released[unit.id].released, year),
                hours_not_redeployed=year_hours(released[unit.id].not_redeployed, year),
            )
        )
    return figures


@dataclass(frozen=True, slots=True)
class _Backlog:
    now: D | None = None
    year_before: D | None = None
    recent: D | None = None
    baseline: D | None = None


def recent_weeks(reading_day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The Mondays of the latest 13 whole weeks (Monday to Sunday) to ``reading_day``: the first and the last."""
    last_sunday = reading_day - datetime.timedelta(days=(reading_day.weekday() + 1) % 7)
    last_monday = last_sunday - datetime.timedelta(days=6)
    return last_monday - datetime.timedelta(weeks=RECENT_WEEKS - 1), last_monday


async def _backlogs(
    session: AsyncSession, level: Level, unit_ids: list[uuid.UUID], reading_day: datetime.date
) -> dict[uuid.UUID, _Backlog]:
    """For each unit, its backlogs' means summed: the latest 13 whole weeks (:func:`recent_weeks`) and the
    same weeks a year (52 weeks) earlier, over the backlogs with readings in both, from the readings kept
    by week; and the latest 13 weeks and the baseline (the readings before the backlog's latest change by
    an idea, from the change before it, as its chart is segmented), over the backlogs with both. One
    statement."""
    unit = _column(level, Metric.division_id, Metric.force_id)
    first_week, last_week = recent_weeks(reading_day)
    a_year = datetime.timedelta(weeks=52)
    backlogs = (
        select(Metric.id.label("metric_id"), unit.label("unit"))
        .where(unit.in_(unit_ids), Metric.kind == MetricKind.BACKLOG, Metric.is_active.is_(True))
        .cte("backlogs")
    )
    # Each backlog's latest change on or before the day, and the change before that.
    latest = (
        select(IdeaMetric.metric_id, func.max(IdeaMetric.change_date).label("changed_on"))
        .where(IdeaMetric.metric_id.in_(select(backlogs.c.metric_id)), IdeaMetric.change_date <= reading_day)
        .group_by(IdeaMetric.metric_id)
        .subquery("latest")
    )
    earlier_change = aliased(IdeaMetric)
    baselines = (
        select(
            latest.c.metric_id,
            latest.c.changed_on,
            func.coalesce(func.max(earlier_change.change_date), EARLIEST_DATE).label("previous_on"),
        )
        .outerjoin(
            earlier_change,
            and_(earlier_change.metric_id == latest.c.metric_id, earlier_change.change_date < latest.c.changed_on),
        )
        .group_by(latest.c.metric_id, latest.c.changed_on)
        .subquery("baselines")
    )

    def weeks(name: str, first: datetime.date, last: datetime.date) -> Select[Any]:
        return (
            select(
                backlogs.c.metric_id,
                literal(name).label("window"),
                func.sum(ReadingsByWeek.total).label("total"),
                func.sum(ReadingsByWeek.readings).label("readings"),
                literal(VALUE_PARTS).label("parts"),
            )
            .select_from(backlogs)
            .join(
                ReadingsByWeek,
                and_(ReadingsByWeek.metric_id == backlogs.c.metric_id, ReadingsByWeek.week.between(first, last)),
            )
            .group_by(backlogs.c.metric_id)
        )

    baseline = (
        select(
            baselines.c.metric_id,
            literal("baseline").label("window"),
            func.sum(Reading.value).label("total"),
            func.count().label("readings"),
            literal(1).label("parts"),
        )
        .select_from(baselines)
        .join(
            Reading,
            and_(
                Reading.metric_id == baselines.c.metric_id,
                Reading.period_date >= baselines.c.previous_on,
                Reading.period_date < baselines.c.changed_on,
            ),
        )
        .group_by(baselines.c.metric_id)
    )
    windows = union_all(
        weeks("recent", first_week, last_week),
        weeks("year_before", first_week - a_year, last_week - a_year),
        baseline,
    ).subquery("windows")

    # Each backlog's mean in each window (its total over its readings), side by side...
    def in_window(name: str, column: Any) -> Any:
        return func.sum(case((windows.c.window == name, column), else_=0))

    per_backlog = (
        select(
            windows.c.metric_id,
            *(
                column
                for name in ("recent", "year_before", "baseline")
                for column in (
                    in_window(name, windows.c.total).label(f"{name}_total"),
                    in_window(name, windows.c.readings * windows.c.parts).label(f"{name}_readings"),
                )
            ),
        )
        .group_by(windows.c.metric_id)
        .subquery("per_backlog")
    )

    def mean(name: str) -> Any:
        return per_backlog.c[f"{name}_total"] * 1.0 / per_backlog.c[f"{name}_readings"]

    def has(name: str) -> Any:
        return per_backlog.c[f"{name}_readings"] > 0

    # ... and summed by unit over the backlogs that have both windows of each comparison.
    rows = await session.execute(
        select(
            backlogs.c.unit,
            func.sum(case((and_(has("recent"), has("year_before")), mean("recent")))).label("now"),
            func.sum(case((and_(has("recent"), has("year_before")), mean("year_before")))).label("year_before"),
            func.sum(case((and_(has("recent"), has("baseline")), mean("recent")))).label("recent"),
            func.sum(case((and_(has("recent"), has("baseline")), mean("baseline")))).label("baseline"),
        )
        .join(backlogs, backlogs.c.metric_id == per_backlog.c.metric_id)
        .group_by(backlogs.c.unit)
    )
    return {row.unit: _Backlog(*(None if value is None else D(str(value)) for value in row[1:])) for row in rows}
