"""The readings of many measures at once, as series (oldest first): for an idea's impact, the practice
library, a division's dashboard and a force's public page. The caller has decided that the viewer may see
the measures; this module only reads."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import Date, Integer, column, select, values
from sqlalchemy.ext.asyncio import AsyncSession

from quest.metrics.models import Reading

Series = list[tuple[datetime.date, decimal.Decimal]]
# The days of a measure's readings that are wanted: from the first (None: from its first reading) to the day
# before the second (None: to its latest).
Window = tuple[datetime.date | None, datetime.date | None]
# Bounds that hold every reading, so that each measure's window is a plain range on the readings' key.
_FIRST_DAY, _LAST_DAY = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)


async def readings_of_each(
    session: AsyncSession,
    metric_ids: Sequence[uuid.UUID],
    since: datetime.date | None = None,
    *,
    within: Mapping[uuid.UUID, Window] | None = None,
) -> dict[uuid.UUID, Series]:
    """Every reading of each measure, oldest first, in one statement: from ``since``, when given; or only
    those in the measure's window ``within``, when given (a measure without one: all of them)."""
    found: dict[uuid.UUID, Series] = defaultdict(list)
    if not metric_ids:
        return found
    windows = within or {}
    # The measures wanted, each with its window and its place in ``metric_ids``, as a table of values that
    # the readings are joined to. Each row says which measure by its place, not by its id: turning 16 bytes
    # into a UUID, for each of five years of daily readings, cost more than the rest of the impact panel.
    # (A CASE of one branch a measure said it too, but was tried on every reading for every measure: a
    # minute for the thousand measures of the national dataset, against 15 s.)
    wanted = (
        values(
            column("metric_id", Reading.metric_id.type),
            column("first_day", Date),
            column("after_last", Date),
            column("place", Integer),
            name="wanted",
        )
        .data(
            [
                (metric_id, *_bounds(windows.get(metric_id, (None, None)), since), place)
                for place, metric_id in enumerate(metric_ids)
            ]
        )
        .cte("wanted")
    )
    statement = (
        select(wanted.c.place, Reading.period_date, Reading.value)
        .join(
            wanted,
            (Reading.metric_id == wanted.c.metric_id)
            & (Reading.period_date >= wanted.c.first_day)
            & (Reading.period_date < wanted.c.after_last),
        )
        .order_by(Reading.metric_id, Reading.period_date)
    )
    for place, period, value in await session.execute(statement):
        found[metric_ids[place]].append((period, value))
    return found


def _bounds(window: Window, since: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """The first day wanted and the day after the last, as dates (so the join is a range on the key)."""
    first, after_last = window
    starts = [day for day in (first, since) if day is not None]
    return max(starts, default=_FIRST_DAY), after_last or _LAST_DAY
