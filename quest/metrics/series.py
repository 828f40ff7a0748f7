"""The readings of many measures at once, as series (oldest first): for an idea's impact, the practice
library, a division's dashboard and a force's public page. The caller has decided that the viewer may see
the measures; this module only reads."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.metrics.models import Reading

Series = list[tuple[datetime.date, decimal.Decimal]]


async def readings_of_each(
    session: AsyncSession, metric_ids: Sequence[uuid.UUID], since: datetime.date | None = None
) -> dict[uuid.UUID, Series]:
    """Every reading of each measure (from ``since``, when given), oldest first, in one statement."""
    found: dict[uuid.UUID, Series] = defaultdict(list)
    if not metric_ids:
        return found
    # Each row says which measure by its place in ``metric_ids``, not by its id: turning 16 bytes into a
    # UUID, for each of five years of daily readings, cost more than the rest of the impact panel.
    which = case(*((Reading.metric_id == metric_id, place) for place, metric_id in enumerate(metric_ids)))
    statement = select(which, Reading.period_date, Reading.value).where(Reading.metric_id.in_(metric_ids))
    if since is not None:
        statement = statement.where(Reading.period_date >= since)
    for place, period, value in await session.execute(statement.order_by(Reading.metric_id, Reading.period_date)):
        found[metric_ids[place]].append((period, value))
    return found
