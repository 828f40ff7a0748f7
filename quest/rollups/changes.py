"""One writer for each kind of change a rollup counts, called in the changing transaction from the one
path that change goes through. Each adds to its rollup's row with an upsert
(``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n``), so two transactions adding to one row at
once both count, on either engine. Call them last in the change: on PostgreSQL the row stays locked
until the transaction ends.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import uuid
from collections.abc import Collection
from typing import Any, cast

from advanced_alchemy.base import DefaultBase
from sqlalchemy import ColumnElement, Insert, Table, bindparam, case, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from quest.clock import LONDON
from quest.ideas.models import Idea
from quest.ideas.status import IdeaStatus
from quest.metrics.models import Metric
from quest.rollups.models import (
    MINUTE_PARTS,
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
from quest.rollups.rebuild import WEEKLY_COLUMNS, measure_weekly_readings
from quest.savings.rules import financial_year
from quest.waste.models import WasteObservation


async def _add(
    session: AsyncSession,
    rollup: type[DefaultBase],
    row: dict[str, Any],
    added: tuple[str, ...],
    least: tuple[str, ...] = (),
    lowered: tuple[str, ...] = (),
) -> None:
    """Insert ``row`` into the ``rollup``, or, where its key is already there, add its ``added`` columns
    to that row's and keep the lesser of each of its ``least`` columns. The ``lowered`` columns are stored
    in the database's lower case of the value given."""
    statement = _upsert(session.get_bind().dialect.name, rollup, tuple(row), added, least, lowered)
    await session.execute(statement, row)


@functools.cache
def _upsert(
    dialect_name: str,
    rollup: type[DefaultBase],
    columns: tuple[str, ...],
    added: tuple[str, ...],
    least: tuple[str, ...],
    lowered: tuple[str, ...],
) -> Insert:
    """The upsert :func:`_add` sends, built once for each shape: building it (``excluded`` copies every
    column of the table) cost more of a submission's CPU than sending it."""
    table = cast(Table, rollup.__table__)
    values = {name: func.lower(bindparam(name)) if name in lowered else bindparam(name) for name in columns}
    statement = (postgresql.insert(table) if dialect_name == "postgresql" else sqlite.insert(table)).values(values)
    existing = statement.excluded
    kept: dict[str, ColumnElement[Any]] = {
        **{name: table.c[name] + existing[name] for name in added},
        **{name: case((existing[name] < table.c[name], existing[name]), else_=table.c[name]) for name in least},
    }
    return statement.on_conflict_do_update(index_elements=list(table.primary_key.columns), set_=kept)


def minutes_a_week(minutes_per_occurrence: decimal.Decimal, occurrences_per_week: decimal.Decimal) -> int:
    """A waste's minutes lost a week, in :data:`MINUTE_PARTS` of a minute (exact: each has two places)."""
    return int(minutes_per_occurrence * occurrences_per_week * MINUTE_PARTS)


async def waste_observed(session: AsyncSession, observation: WasteObservation) -> None:
    """A waste observation was logged."""
    lost = minutes_a_week(observation.minutes_per_occurrence, observation.occurrences_per_week)
    await _add(
        session,
        WasteByProcess,
        {
            "division_id": observation.division_id,
            "waste_type": observation.waste_type,
            "process_key": observation.process,
            "force_id": observation.force_id,
            "process": observation.process,
            "observations": 1,
            "minutes_a_week": lost,
        },
        added=("observations", "minutes_a_week"),
        least=("process",),
        lowered=("process_key",),
    )
    await _add(
        session,
        WasteByMonth,
        {
            "division_id": observation.division_id,
            "month": observation.observed_on.replace(day=1),
            "waste_type": observation.waste_type,
            "force_id": observation.force_id,
            "observations": 1,
            "minutes_a_week": lost,
        },
        added=("observations", "minutes_a_week"),
    )


async def _count_idea(session: AsyncSession, idea: Idea, status: IdeaStatus, step: int) -> None:
    await _add(
        session,
        IdeasByStatus,
        {"division_id": idea.division_id, "status": status, "force_id": idea.force_id, "ideas": step},
        added=("ideas",),
    )


async def idea_raised(session: AsyncSession, idea: Idea) -> None:
    """An idea was raised (it is submitted)."""
    await _count_idea(session, idea, IdeaStatus.SUBMITTED, 1)
    await _add(
        session,
        IdeasRaisedByMonth,
        {
            "division_id": idea.division_id,
            "month": idea.created_at.astimezone(LONDON).date().replace(day=1),
            "force_id": idea.force_id,
            "ideas": 1,
        },
        added=("ideas",),
    )


def year_answered(at: datetime.datetime) -> int:
    """The financial year an idea's answer (its first response or its decision) counts in: that of its
    London date (23:30 UTC on 31 March in summer time is 1 April's)."""
    return financial_year(at.astimezone(LONDON).date())


async def _count_decision(
    session: AsyncSession, idea: Idea, decided_at: datetime.datetime, status: IdeaStatus, step: int
) -> None:
    await _add(
        session,
        DecisionsByYear,
        {
            "division_id": idea.division_id,
            "year": year_answered(decided_at),
            "status": status,
            "force_id": idea.force_id,
            "ideas": step,
        },
        added=("ideas",),
    )


async def idea_moved(
    session: AsyncSession, idea: Idea, from_status: IdeaStatus, decided_before: datetime.datetime | None
) -> None:
    """An idea moved from ``from_status`` to the status it has now; ``decided_before`` is when it had been
    decided before the move (None: it had not been). Its decision, if it had one, leaves the old status
    of that decision's year, and, if it has one now, joins the new status of its year: the same year, as
    the workflow never changes or clears a decision once made, but counted from what the idea says
    either way."""
    await _count_idea(session, idea, from_status, -1)
    await _count_idea(session, idea, idea.status, 1)
    if decided_before is not None:
        await _count_decision(session, idea, decided_before, from_status, -1)
    if idea.decided_at is not None:
        await _count_decision(session, idea, idea.decided_at, idea.status, 1)


async def idea_answered(session: AsyncSession, idea: Idea, kind: ResponseKind, at: datetime.datetime) -> None:
    """An idea got its first response, or its decision, at ``at``."""
    await _add(
        session,
        ResponseDays,
        {
            "division_id": idea.division_id,
            "kind": kind,
            "year": year_answered(at),
            "days": (at - idea.created_at) // datetime.timedelta(days=1),
            "force_id": idea.force_id,
            "ideas": 1,
        },
        added=("ideas",),
    )


async def ideas_imported(session: AsyncSession, ideas: Collection[Idea]) -> None:
    """Ideas were imported as they stand (:mod:`quest.imports.ideas`): each counted under its status, the
    month it was raised, and its first response and decision as they happened, as if it had come the whole
    way through the workflow here. Summed first, so each rollup row gets one upsert however many ideas."""
    sums: dict[tuple[type[DefaultBase], tuple[Any, ...]], dict[str, Any]] = {}

    def count(rollup: type[DefaultBase], row: dict[str, Any]) -> None:
        key = (rollup, tuple(row.values()))
        found = sums.setdefault(key, {**row, "ideas": 0})
        found["ideas"] += 1

    for idea in ideas:
        place = {"division_id": idea.division_id}
        count(IdeasByStatus, {**place, "status": idea.status, "force_id": idea.force_id})
        month = idea.created_at.astimezone(LONDON).date().replace(day=1)
        count(IdeasRaisedByMonth, {**place, "month": month, "force_id": idea.force_id})
        if idea.decided_at is not None:
            year = year_answered(idea.decided_at)
            count(DecisionsByYear, {**place, "year": year, "status": idea.status, "force_id": idea.force_id})
        for kind, at in (
            (ResponseKind.FIRST_RESPONSE, idea.first_response_at),
            (ResponseKind.DECISION, idea.decided_at),
        ):
            if at is not None:
                days = (at - idea.created_at) // datetime.timedelta(days=1)
                row = {**place, "kind": kind, "year": year_answered(at), "days": days, "force_id": idea.force_id}
                count(ResponseDays, row)
    for (rollup, _key), row in sums.items():
        await _add(session, rollup, row, added=("ideas",))


async def readings_written(session: AsyncSession, metric_ids: Collection[uuid.UUID]) -> None:
    """Readings of the measures ``metric_ids`` were written or changed (after they are flushed): their weeks
    counted again from their readings, and each given a new version, so that nothing worked out from the
    readings they had is taken for theirs now. A measure holds a few thousand readings at most, so
    recounting it costs a few milliseconds, and no change can leave a week behind."""
    ids = sorted(set(metric_ids))
    if not ids:
        return
    await session.flush()
    await session.execute(delete(ReadingsByWeek).where(ReadingsByWeek.metric_id.in_(ids)))
    measures = (await session.execute(select(Metric.id, Metric.force_id).where(Metric.id.in_(ids)))).all()
    for metric_id, force_id in measures:  # a measure at a time: grouped by week alone, the quickest
        await session.execute(
            insert(ReadingsByWeek).from_select(WEEKLY_COLUMNS, measure_weekly_readings(metric_id, force_id))
        )
    statement = _new_versions(session.get_bind().dialect.name)
    await session.execute(statement, [{"metric_id": metric_id, "version": uuid.uuid4()} for metric_id in ids])


@functools.cache
def _new_versions(dialect_name: str) -> Insert:
    """Each measure's row of ``readings_versions`` given the version sent, or made with it."""
    table = cast(Table, ReadingsVersion.__table__)
    statement = (postgresql.insert(table) if dialect_name == "postgresql" else sqlite.insert(table)).values(
        metric_id=bindparam("metric_id"), version=bindparam("version")
    )
    return statement.on_conflict_do_update(
        index_elements=[table.c.metric_id], set_={"version": statement.excluded.version}
    )
