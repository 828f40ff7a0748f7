"""The demo's ideas move as anyone's do: raised through the same code as a person's idea
(:func:`quest.ideas.record.raise_idea`), then moved along the workflow through the same code as a person's
move (:func:`quest.ideas.record.record_move`), only back-dated. A demo history the workflow would refuse is
a mistake in the demo, and stops the seed."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.models import User
from quest.demo.stories import IdeaStory
from quest.ideas.models import Idea, IdeaEvent
from quest.ideas.record import Place, raise_idea, record_move
from quest.ideas.workflow import MoveRequest, check_move
from quest.org.models import Division
from quest.waste.types import WasteType


async def raised(
    session: AsyncSession,
    division: Division,
    story: IdeaStory,
    *,
    submitter: User,
    at: datetime.datetime,
    owner: User | None = None,
    supporters: Sequence[User] = (),
) -> tuple[Idea, IdeaEvent]:
    """The story raised as an idea of ``division`` at ``at``, with its first entry on its timeline."""
    return await raise_idea(
        session,
        story,
        map(WasteType, story.wastes),
        place=Place(division.force_id, division.id),
        submitter_id=submitter.id,
        now=at,
        owner_id=owner.id if owner else None,
        supporters=[person.id for person in supporters],
    )


async def move(
    session: AsyncSession, idea: Idea, request: MoveRequest, *, actor_id: uuid.UUID, at: datetime.datetime
) -> IdeaEvent:
    """One move of the idea's history, made at ``at``: checked by the workflow and recorded as a person's
    move is (the status, first response and decision, the change and what was learned, the timeline)."""
    checked, errors = check_move(idea.status, request, at.date())
    if checked is None:
        raise ValueError(f"The demo takes {idea.reference} where the workflow does not: {errors}")
    return await record_move(session, idea, checked, actor_id=actor_id, now=at)
