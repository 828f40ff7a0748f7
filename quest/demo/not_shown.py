"""The opposite of the demo's headline story (quest.demo.lancashire): a saving nothing shows. Lancashire's
Northern division replaced call-backs on low-risk reports with text-message updates and claimed the overtime
it no longer pays. No measure shows the overtime fell (the claim rests on none: it has no baseline), and
complaints about updates rose after the change (its balancing measure worsened). The validator accepts the
money left the budget but grades the evidence "not shown", as QUEST proposes, so it stays out of the
headline.
"""

from __future__ import annotations

import datetime
import decimal
import random

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.models import User
from quest.demo import moves
from quest.demo.fortunes import HISTORY_DAYS
from quest.demo.measures import daily_measure
from quest.demo.stories import IdeaStory
from quest.ideas.models import Idea
from quest.ideas.record import add_event
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import MoveRequest
from quest.metrics import judgements
from quest.metrics.models import IdeaMetric
from quest.metrics.vocabulary import Direction, MetricKind, MetricRole
from quest.org.models import Division
from quest.savings.claim_evidence import evidence_of
from quest.savings.evidence import EvidenceGrade
from quest.savings.models import SavingsClaim
from quest.savings.rules import ClaimKind, ClaimStatus

CHANGE_DAYS_AGO = 200
TITLE = "Text updates instead of call-backs for low-risk reports"
STORY = IdeaStory(
    TITLE,
    "Officers ring back every caller on a low-risk report to tell them what happens next, often on overtime.",
    "Send a text message with the update and the reference instead, and ring back only when asked.",
    "Less overtime spent on call-backs.",
    "Victim updates",
    (),
)
BALANCING = "Complaints about updates"
OVERTIME = decimal.Decimal("18000.00")
GRADE_REASON = (
    "The overtime line did fall, but nothing measures how much of that is this change, and complaints about "
    "updates rose after it: the saving is not shown."
)


async def tell(
    session: AsyncSession,
    division: Division,
    *,
    submitter: User,
    manager: User,
    validator: User,
    now: datetime.datetime,
    today: datetime.date,
) -> bool:
    """Add the story to ``division``, once. Returns whether it was added."""
    existing = await session.execute(select(Idea.id).where(Idea.division_id == division.id, Idea.title == TITLE))
    if existing.first() is not None:
        return False
    changed = today - datetime.timedelta(days=CHANGE_DAYS_AGO)
    at_nine = datetime.datetime.combine(changed, datetime.time(9), tzinfo=datetime.UTC)

    def days_after(days: int) -> datetime.datetime:
        return min(at_nine + datetime.timedelta(days=days), now)

    idea, _submitted = await moves.raised(
        session, division, STORY, submitter=submitter, at=days_after(-40), owner=manager
    )
    for status, days in (("under_review", -35), ("approved", -28), ("in_progress", -20)):
        await moves.move(session, idea, MoveRequest(status, "Worth a try."), actor_id=manager.id, at=days_after(days))
    await moves.move(
        session,
        idea,
        MoveRequest(IdeaStatus.IMPLEMENTED.value, change_date=changed.isoformat(), learned="Callers want a voice."),
        actor_id=manager.id,
        at=days_after(0),
    )
    complaints = await daily_measure(
        session,
        division,
        BALANCING,
        unit="complaints",
        kind=MetricKind.VOLUME,
        direction=Direction.DOWN,
        level_on=lambda day: 3.0 if day < changed else 7.0,
        spread=1.0,
        days=HISTORY_DAYS,
        rng=random.Random(f"{division.id}:{BALANCING}"),  # noqa: S311 - demo data, not security
        today=today,
        now=now,
    )
    session.add(
        IdeaMetric(
            idea_id=idea.id,
            metric_id=complaints.id,
            change_date=changed,
            role=MetricRole.BALANCING,
            linked_by=manager.id,
            force_id=idea.force_id,
        )
    )
    claim = SavingsClaim(
        force_id=idea.force_id,
        division_id=idea.division_id,
        idea_id=idea.id,
        kind=ClaimKind.CASHABLE,
        status=ClaimStatus.VALIDATED,
        mechanism="Overtime on call-backs",
        cost_line="Overtime",
        amount_per_year=OVERTIME,
        period_start=changed,
        evidence="The overtime line is lower than last year.",
        claimed_by=manager.id,
        decided_by=validator.id,
        decided_at=days_after(40),
        decision_note="The overtime line fell by this much.",
        evidence_grade=EvidenceGrade.NOT_SHOWN,
        grade_reason=GRADE_REASON,
        graded_by=validator.id,
        graded_at=days_after(40),
        created_at=days_after(30),
        updated_at=days_after(40),
    )
    session.add(claim)
    await session.flush()
    await judgements.judge(session, {complaints.id}, now)
    claim.proposed_grade = (await evidence_of(session, [claim]))[claim.id].proposal.grade
    on_claim = {"claim": str(claim.id)}
    for kind, at, actor, body, details in (
        (
            "metric_linked",
            days_after(1),
            manager,
            f"Judged by “{BALANCING}” as a balancing measure from {changed:%d %B %Y}",
            {"metric_id": str(complaints.id), "change_date": changed.isoformat(), "role": "balancing"},
        ),
        ("saving_claimed", days_after(30), manager, f"{claim.mechanism}: £{OVERTIME:,.2f} a year (cash)", on_claim),
        (
            "saving_validated",
            days_after(40),
            validator,
            f"{claim.mechanism} (£{OVERTIME:,.2f} a year): {claim.decision_note} Graded “not shown”.",
            on_claim,
        ),
    ):
        await add_event(session, idea, kind=kind, actor_id=actor.id, now=at, body=body, details=details)
    return True
