"""The measure's side of its links to ideas: the lines on its chart where an idea changed it. The idea's
side (linking and unlinking a measure, the idea's impact) is :mod:`quest.ideas.impact`."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.identity import CurrentUser
from quest.ideas.models import Idea
from quest.ideas.record import visible
from quest.metrics.models import IdeaMetric


async def rebase_labels(session: AsyncSession, viewer: CurrentUser, metric_id: uuid.UUID) -> dict[datetime.date, str]:
    """The change dates of the ideas judged by a measure, each labelled with the ideas' references."""
    rows = await session.execute(
        select(IdeaMetric.change_date, Idea.reference)
        .join(Idea, Idea.id == IdeaMetric.idea_id)
        .where(IdeaMetric.metric_id == metric_id, visible(viewer))
        .order_by(IdeaMetric.change_date, Idea.reference)
    )
    labels: dict[datetime.date, list[str]] = defaultdict(list)
    for day, reference in rows:
        labels[day].append(reference)
    return {day: ", ".join(references) for day, references in labels.items()}
