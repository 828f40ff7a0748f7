"""The demo's ideas move as anyone's do: raised, then moved along the workflow through the same code as a
person's move (:func:`quest.ideas.record.record_move`), only back-dated. A demo history the workflow
would refuse is a mistake in the demo, and stops the seed."""

from __future__ import annotations

import datetime
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from quest.ideas.models import Idea, IdeaEvent
from quest.ideas.record import add_event, record_move
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import MoveRequest, check_move


async def raised(session: AsyncSession, idea: Idea) -> IdeaEvent:
    """The idea's first entry on its timeline, as raising it writes it, when it was created."""
    return await add_event(
        session, idea, kind="submitted", actor_id=idea.submitter_id, now=idea.created_at, to_status=IdeaStatus.SUBMITTED
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
