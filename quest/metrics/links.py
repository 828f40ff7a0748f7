"""The measure's side of its links to ideas: the lines on its chart where an idea changed it. The idea's
side (linking and unlinking a measure, the idea's impact) is :mod:`quest.ideas.impact`."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.identity import CurrentUser
from quest.ideas.models import Idea
from quest.ideas.record import visible
from quest.metrics.models import IdeaMetric


async def rebase_labels(session: AsyncSession, viewer: CurrentUser, metric_id: uuid.UUID) -> dict[datetime.date, str]:
    """The change dates of the ideas judged by a measure, each labelled with the ideas' references."""
    return (await rebase_labels_of_each(session, viewer, [metric_id])).get(metric_id, {})


async def rebase_labels_of_each(
    session: AsyncSession, viewer: CurrentUser, metric_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[datetime.date, str]]:
    """:func:`rebase_labels` of many measures, in one statement: the ideas ``viewer`` may see."""
    # The measures' links first, then their ideas: asked in one go, SQLite (which keeps no statistics
    # here) started from the ideas the viewer may see, every implemented idea in the country, once there
    # were a dozen measures (0.8 s of a division's dashboard nationally, against 0.1 ms).
    links = (
        select(IdeaMetric.metric_id, IdeaMetric.change_date, IdeaMetric.idea_id)
        .where(IdeaMetric.metric_id.in_(metric_ids))
        .cte("links")
        .prefix_with("MATERIALIZED")
    )
    rows = await session.execute(
        select(links.c.metric_id, links.c.change_date, Idea.reference)
        .join(Idea, Idea.id == links.c.idea_id)
        .where(visible(viewer))
        .order_by(links.c.change_date, Idea.reference)
    )
    labels: dict[uuid.UUID, dict[datetime.date, list[str]]] = defaultdict(lambda: defaultdict(list))
    for metric_id, day, reference in rows:
        labels[metric_id][day].append(reference)
    return {
        metric_id: {day: ", ".join(references) for day, references in days.items()}
        for metric_id, days in labels.items()
    }
