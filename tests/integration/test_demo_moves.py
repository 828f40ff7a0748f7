"""The demo's ideas move through the workflow as anyone's do: every move one the workflow allows, and
recorded as a person's move is recorded (quest.ideas.workflow.record_of), only back-dated."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest.ideas.models import Idea, IdeaEvent
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import MOVES, is_decision, is_first_response

SessionMaker = async_sessionmaker[AsyncSession]


def test_every_demo_idea_moved_as_the_workflow_moves_and_records_it(demo_history: None, database: Any) -> None:
    async def work(session_maker: SessionMaker) -> list[tuple[Idea, list[IdeaEvent]]]:
        async with session_maker() as session:
            ideas = list((await session.execute(select(Idea).order_by(Idea.reference))).scalars())
            events = list(
                (
                    await session.execute(
                        select(IdeaEvent)
                        .where(IdeaEvent.to_status.is_not(None))
                        .order_by(IdeaEvent.occurred_at, IdeaEvent.id)
                    )
                ).scalars()
            )
        return [(idea, [event for event in events if event.idea_id == idea.id]) for idea in ideas]

    ideas = database(work)
    implemented = 0
    for idea, moves in ideas:
        first, *rest = moves
        assert (first.kind, first.from_status, first.to_status) == ("submitted", None, "submitted"), idea.reference
        first_response_at = decided_at = None
        current = IdeaStatus.SUBMITTED
        for event in rest:
            target = IdeaStatus(event.to_status)
            assert event.from_status == current.value, idea.reference
            assert target in MOVES[current], (idea.reference, current, target)
            assert event.kind == ("withdrawn" if target is IdeaStatus.WITHDRAWN else "status_changed")
            if is_first_response(current, target) and first_response_at is None:
                first_response_at = event.occurred_at
            if is_decision(target) and decided_at is None:
                decided_at = event.occurred_at
            if target is IdeaStatus.IMPLEMENTED:
                implemented += 1
                assert idea.implemented_on is not None
                assert event.details == {"change_date": idea.implemented_on.isoformat()}, idea.reference
                assert event.body == f"Changed on {idea.implemented_on:%d %B %Y}. What was learned: {idea.learned}"
            current = target
        assert (idea.status, idea.status_changed_at) == (current, moves[-1].occurred_at), idea.reference
        assert (idea.first_response_at, idea.decided_at) == (first_response_at, decided_at), idea.reference
    assert implemented > 1  # the Lancashire story and the ordinary history's implemented ideas
