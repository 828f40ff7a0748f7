"""Deliberate possible double counts, so that validators have one to untangle: in Lancashire's Southern
division and in Cheshire's Warrington division, two implemented ideas each claim the same cash saving, less
response overtime at the end of the shift, over overlapping periods. The first claim was validated months
ago; the second, claimed since, waits for the validator, and the ledger flags the two as one possible
saving counted twice (quest.savings.rules.may_double_count) until it is resolved.

Lancashire's pair lives in Southern division, never in Northern, whose validated saving stays the demo's
one idea of its size (quest.demo.lancashire).
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.models import User
from quest.demo import moves
from quest.demo.grading import graded_without_a_measure
from quest.demo.stories import IdeaStory
from quest.ideas.models import Idea
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import MoveRequest
from quest.org.models import Division
from quest.savings.models import SavingsClaim
from quest.savings.rules import ClaimKind, ClaimStatus

PLACES = (("LAN", "SOUTH"), ("CHE", "WARR"))
MECHANISM = "Overtime at the end of response shifts"
GRADE_REASON = "No measure is linked, but the overtime claims paid show the money saved."
COST_LINE = "Response overtime"


@dataclass(frozen=True, slots=True)
class Claimed:
    """One of the two ideas, and the saving its manager claimed for it."""

    story: IdeaStory
    raised_days_ago: int
    pounds_a_year: decimal.Decimal
    validated: bool


PAIR = (
    Claimed(
        IdeaStory(
            "Keep the last hour of the shift for paperwork",
            "Response officers are sent to new jobs until the end of their shift, then stay on to write them "
            "up, and the hours after the shift are paid as overtime.",
            "In the last hour of the shift, the control room sends new jobs to the oncoming shift, and officers "
            "finish their paperwork in time.",
            "Less overtime, and officers going home on time.",
            "Shift handover",
            ("waiting", "extra_processing"),
        ),
        raised_days_ago=240,
        pounds_a_year=decimal.Decimal(21600),
        validated=True,
    ),
    Claimed(
        IdeaStory(
            "Hand late jobs to the oncoming shift at briefing",
            "Jobs that come in near the end of the early shift keep its officers on past their finish, while the "
            "late shift sits in briefing.",
            "Start the late shift's briefing half an hour earlier and hand it the jobs still open.",
            "Fewer officers kept on after their shift.",
            "Shift handover",
            ("waiting",),
        ),
        raised_days_ago=130,
        pounds_a_year=decimal.Decimal(14400),
        validated=False,
    ),
)


async def tell(
    session: AsyncSession, division: Division, manager: User, validator: User, *, today: datetime.date
) -> int:
    """Add the two ideas and their claims to ``division``, once. Returns how many ideas were added."""
    titles = [claimed.story.title for claimed in PAIR]
    existing = set(
        (await session.execute(select(Idea.title).where(Idea.division_id == division.id, Idea.title.in_(titles))))
        .scalars()
        .all()
    )
    added = 0
    for claimed in PAIR:
        if claimed.story.title in existing:
            continue
        await _implemented_and_claimed(session, division, manager, validator, claimed, today)
        added += 1
    return added


async def _implemented_and_claimed(
    session: AsyncSession, division: Division, manager: User, validator: User, claimed: Claimed, today: datetime.date
) -> None:
    raised = datetime.datetime.combine(
        today - datetime.timedelta(days=claimed.raised_days_ago), datetime.time(10), tzinfo=datetime.UTC
    )
    changed = raised + datetime.timedelta(days=40)
    idea, _submitted = await moves.raised(session, division, claimed.story, submitter=manager, at=raised, owner=manager)
    implement = MoveRequest(
        IdeaStatus.IMPLEMENTED.value,
        change_date=changed.date().isoformat(),
        learned="Officers go home on time when the last hour is protected.",
    )
    for days, request in (
        (4, MoveRequest(IdeaStatus.UNDER_REVIEW.value, "Worth a look: overtime is our biggest cost.")),
        (11, MoveRequest(IdeaStatus.APPROVED.value, "Approved for every response team.")),
        (18, MoveRequest(IdeaStatus.IN_PROGRESS.value)),
        (40, implement),
    ):
        await moves.move(session, idea, request, actor_id=manager.id, at=raised + datetime.timedelta(days=days))
    recorded = changed + datetime.timedelta(days=21)
    decided = recorded + datetime.timedelta(days=9) if claimed.validated else None
    session.add(
        SavingsClaim(
            force_id=idea.force_id,
            division_id=idea.division_id,
            idea_id=idea.id,
            kind=ClaimKind.CASHABLE,
            status=ClaimStatus.VALIDATED if claimed.validated else ClaimStatus.CLAIMED,
            # The same mechanism as the other idea's claim, over an overlapping period: a possible double count.
            mechanism=MECHANISM,
            cost_line=COST_LINE,
            amount_per_year=claimed.pounds_a_year,
            period_start=changed.date(),
            evidence=f"The response overtime budget: £{claimed.pounds_a_year:,} a year less paid since the change.",
            claimed_by=manager.id,
            decided_by=validator.id if decided else None,
            decided_at=decided,
            decision_note="Checked against the overtime claims paid." if decided else "",
            created_at=recorded,
            updated_at=decided or recorded,
            **(graded_without_a_measure(validator.id, decided, GRADE_REASON) if decided else {}),
        )
    )
