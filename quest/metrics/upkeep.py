"""What is kept from a measure's readings, brought up to date when they change: the one call every path
that writes readings makes (a reading entered, an import, the demo's history), in its transaction."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from quest.metrics import judgements
from quest.rollups import changes


async def readings_changed(session: AsyncSession, metric_ids: Collection[uuid.UUID], *, now: datetime.datetime) -> None:
    """The readings of ``metric_ids`` were written or changed at ``now``: their weeks counted again
    (:func:`quest.rollups.changes.readings_written`), and the ideas judged by them judged again for
    sustainment, telling the managers of any that turned to slipping (:func:`quest.metrics.judgements.judge`)."""
    await changes.readings_written(session, metric_ids)
    await judgements.judge(session, metric_ids, now)
