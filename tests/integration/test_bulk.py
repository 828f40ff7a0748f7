"""quest.bulk.insert_rows on both engines: the values arrive as the ORM would have stored them, and the
rows belong to the session's transaction (a COPY on PostgreSQL too), so a rollback leaves nothing."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest.bulk import insert_rows
from quest.metrics.models import READINGS, Metric, Reading
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.org.models import Division, Force

WHEN = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC)


async def new_measure(session_maker: async_sessionmaker[AsyncSession]) -> tuple[uuid.UUID, uuid.UUID]:
    async with session_maker() as session:
        division = (
            await session.execute(select(Division).join(Force).where(Force.code == "LAN", Division.code == "NORTH"))
        ).scalar_one()
        metric = Metric(
            force_id=division.force_id,
            division_id=division.id,
            name=f"Bulk {uuid.uuid4().hex[:8]}",
            unit="incidents",
            kind=MetricKind.VOLUME,
            direction=Direction.DOWN,
            frequency=Frequency.DAILY,
        )
        session.add(metric)
        await session.commit()
        return metric.id, division.force_id


def rows(count: int) -> list[dict[str, Any]]:
    first = datetime.date(2026, 1, 1)
    return [
        {"period_date": first + datetime.timedelta(days=day), "value": decimal.Decimal(day) / 4} for day in range(count)
    ]


async def stored(session_maker: async_sessionmaker[AsyncSession], metric_id: uuid.UUID) -> list[Reading]:
    async with session_maker() as session:
        found = await session.execute(
            select(Reading).where(Reading.metric_id == metric_id).order_by(Reading.period_date)
        )
        return list(found.scalars())


def test_rows_are_stored_as_the_orm_reads_them(demo: Any, database: Any) -> None:
    async def work(session_maker: async_sessionmaker[AsyncSession]) -> list[Reading]:
        metric_id, force_id = await new_measure(session_maker)
        async with session_maker() as session:
            same = {"metric_id": metric_id, "force_id": force_id, "entered_by": None, "entered_at": WHEN}
            await insert_rows(session, READINGS, rows(3), same=same)
            await session.commit()
        return await stored(session_maker, metric_id)

    readings = database(work)
    assert [(reading.period_date, reading.value) for reading in readings] == [
        (datetime.date(2026, 1, 1), decimal.Decimal("0")),
        (datetime.date(2026, 1, 2), decimal.Decimal("0.25")),
        (datetime.date(2026, 1, 3), decimal.Decimal("0.5")),
    ]
    assert {reading.entered_at for reading in readings} == {WHEN}
    assert {reading.entered_by for reading in readings} == {None}


def test_a_rollback_takes_the_rows_back_even_when_they_were_the_first_statement(demo: Any, database: Any) -> None:
    async def work(session_maker: async_sessionmaker[AsyncSession]) -> tuple[list[Reading], list[Reading]]:
        metric_id, force_id = await new_measure(session_maker)
        same = {"metric_id": metric_id, "force_id": force_id, "entered_by": None, "entered_at": WHEN}
        async with session_maker() as session:  # nothing has run in this session before the insert
            await insert_rows(session, READINGS, rows(500), same=same)
            await session.rollback()
        after_first = await stored(session_maker, metric_id)
        async with session_maker() as session:  # and after a read, in a transaction already begun
            await session.execute(select(Metric.id))
            await insert_rows(session, READINGS, rows(500), same=same)
            await session.rollback()
        return after_first, await stored(session_maker, metric_id)

    assert database(work) == ([], [])


def test_no_rows_write_nothing(demo: Any, database: Any) -> None:
    async def work(session_maker: async_sessionmaker[AsyncSession]) -> list[Reading]:
        metric_id, force_id = await new_measure(session_maker)
        async with session_maker() as session:
            await insert_rows(session, READINGS, [], same={"metric_id": metric_id, "force_id": force_id})
            await session.commit()
        return await stored(session_maker, metric_id)

    assert database(work) == []


def test_a_reading_under_another_force_than_its_measures_is_refused_by_the_database(demo: Any, database: Any) -> None:
    """Readings have one key to their measure and its force: a reading cannot be filed under another force
    (the old keys, one to the measure and one to any force, let it in)."""

    async def work(session_maker: async_sessionmaker[AsyncSession]) -> list[Reading]:
        metric_id, force_id = await new_measure(session_maker)
        async with session_maker() as session:
            other_force = (await session.execute(select(Force.id).where(Force.id != force_id).limit(1))).scalar_one()
            day = datetime.date(2026, 1, 1)
            session.add(Reading(metric_id=metric_id, period_date=day, value=1, force_id=other_force, entered_at=WHEN))
            with pytest.raises(IntegrityError):
                await session.commit()
        return await stored(session_maker, metric_id)

    assert database(work) == []
