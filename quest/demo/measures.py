"""Measures the demo's stories add beside the ordinary backlogs (quest.demo.history): made with their daily
readings, each entered on the evening of its own day, and kept as any write of readings keeps them
(:func:`quest.metrics.upkeep.readings_changed`)."""

from __future__ import annotations

import datetime
import decimal
import random
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.bulk import insert_rows
from quest.clock import LONDON
from quest.metrics import upkeep
from quest.metrics.models import READINGS, Metric
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.org.models import Division


def entered_on(day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    """When a day's count was entered: that evening in London, as a division that counts daily enters it
    (never later than ``now``), so no demo baseline is back-filled."""
    return min(datetime.datetime.combine(day, datetime.time(18), LONDON).astimezone(datetime.UTC), now)


async def daily_measure(
    session: AsyncSession,
    division: Division,
    name: str,
    *,
    unit: str,
    kind: MetricKind,
    direction: Direction,
    level_on: Callable[[datetime.date], float],
    spread: float,
    days: int,
    rng: random.Random,
    today: datetime.date,
    now: datetime.datetime,
) -> Metric:
    """The division's measure ``name`` (made if it is not there) with a reading a day for ``days`` days up to
    today, each about ``level_on(day)`` give or take ``spread``."""
    metric = (
        await session.execute(select(Metric).where(Metric.division_id == division.id, Metric.name == name))
    ).scalar_one_or_none()
    if metric is None:
        metric = Metric(
            force_id=division.force_id,
            division_id=division.id,
            name=name,
            unit=unit,
            kind=kind,
            direction=direction,
            frequency=Frequency.DAILY,
        )
        session.add(metric)
        await session.flush()
    rows = []
    for back in range(days, -1, -1):
        day = today - datetime.timedelta(days=back)
        value = max(0, round(rng.gauss(level_on(day), spread)))
        rows.append({"period_date": day, "value": decimal.Decimal(value), "entered_at": entered_on(day, now)})
    same = {"metric_id": metric.id, "entered_by": None, "force_id": division.force_id}
    await insert_rows(session, READINGS, rows, same=same)
    await upkeep.readings_changed(session, {metric.id}, now=now)
    return metric
