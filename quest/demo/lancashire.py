"""The demo's headline story: Lancashire's Northern division cut its pending open incidents by about 91% with
an Operation QUEST change, and the time released (11,500 officer hours a year, £419,865.00 at the
sergeant-and-below rate) is a validated saving resting on that measure's before and after, with the whole
chain of evidence an auditor asks for (issue 14):

- a baseline of nearly a year of daily counts, each entered on its own day;
- the −91% change as a special cause of improvement, sustained at 12 months (the change was 380 days ago);
- a balancing measure that held (repeat calls about a pending incident: the call-back must not send
  callers round again);
- the costs, netted off: a briefing for the response officers (one-off, in officer hours at the rate card)
  and the call-back line (recurring, cash);
- the claim validated and graded "fairly stated", as QUEST proposes from those facts;
- the released time redeployed to neighbourhood patrols.

The counts come from the ordinary backlog history (quest.demo.history), scaled down from the change date
on; this module adds the idea, its timeline, its measures and their links, its costs and the validated
claim. Its opposite, a claim nothing shows, is quest.demo.not_shown.
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
from quest.ideas.models import Idea, IdeaEvent
from quest.ideas.record import add_event
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import MoveRequest
from quest.metrics import judgements
from quest.metrics.models import IdeaMetric, Metric
from quest.metrics.vocabulary import Direction, MetricKind, MetricRole
from quest.notifications.models import Notification
from quest.org.models import Division, Force
from quest.savings.claim_evidence import evidence_of
from quest.savings.costs import CostRecurrence
from quest.savings.evidence import EvidenceGrade
from quest.savings.models import IdeaCost, SavingsClaim
from quest.savings.rules import DEFAULT_RATES, ClaimKind, ClaimStatus, Grade, value_of_hours
from quest.savings.year_sums import recost_with

PLACE = ("LAN", "NORTH")
MEASURE = "Pending open incidents"
CHANGE_DAYS_AGO = 380
# After the change, pending incidents run at 9% of their level before it: a fall of about 91%.
SHARE_AFTER = 0.09
TITLE = "Call back before visiting: clear pending incidents by phone"
STORY = IdeaStory(
    TITLE,
    "Every pending incident waits for an officer to visit, even when a phone call would settle it. The pending "
    "list runs at about eighty, and officers spend whole shifts working through it.",
    "Call the caller back first. Visit only when the call says a visit is needed, and close the rest with a "
    "record of the call.",
    "A short pending list, and officer hours back for neighbourhood patrols.",
    "Incident closure",
    (),
)
HOURS_A_YEAR = decimal.Decimal(11500)
BALANCING = "Repeat calls about a pending incident"
# The costs of putting the change in: what, one-off or recurring, cash (£) or officer hours.
BRIEFING_HOURS = decimal.Decimal(150)
LINE_A_YEAR = decimal.Decimal("2400.00")
# What the division's manager wrote for the force's public results page.
PUBLIC_SUMMARY = (
    "Officers now ring the caller back before visiting. Most pending incidents are settled on the phone, so the "
    "pending list fell from about eighty to under ten, and officer time went back to neighbourhood patrols."
)
LEARNED = (
    "Most pending incidents needed a conversation, not a visit. A call-back first, and a visit only when "
    "the call says so, emptied the pending list within a month and kept it short."
)


def change_date(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=CHANGE_DAYS_AGO)


def backlog_share(place: tuple[str, str], measure: str, day: datetime.date, today: datetime.date) -> float:
    """How much of its usual level a backlog runs at on ``day``: all of it, except in the story."""
    return SHARE_AFTER if place == PLACE and measure == MEASURE and day >= change_date(today) else 1.0


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
    """Add the story to Northern division, once. Returns whether it was added."""
    existing = await session.execute(select(Idea.id).where(Idea.division_id == division.id, Idea.title == TITLE))
    metric = (
        await session.execute(select(Metric).where(Metric.division_id == division.id, Metric.name == MEASURE))
    ).scalar_one_or_none()
    if existing.first() is not None or metric is None:
        return False
    changed = change_date(today)
    moments = _moments(changed, now)
    idea, submitted = await moves.raised(
        session, division, STORY, submitter=submitter, at=moments["submitted"], owner=manager
    )
    events = [submitted]
    for step, request in _moves(changed):
        events.append(await moves.move(session, idea, request, actor_id=manager.id, at=moments[step]))
    repeat_calls = await daily_measure(
        session,
        division,
        BALANCING,
        unit="calls",
        kind=MetricKind.VOLUME,
        direction=Direction.DOWN,
        level_on=lambda _day: 14.0,
        spread=1.5,
        days=HISTORY_DAYS,
        rng=random.Random(f"{PLACE}:{BALANCING}"),  # noqa: S311 - demo data, not security
        today=today,
        now=now,
    )
    for measure, role in ((metric, MetricRole.OUTCOME), (repeat_calls, MetricRole.BALANCING)):
        session.add(
            IdeaMetric(
                idea_id=idea.id,
                metric_id=measure.id,
                change_date=changed,
                role=role,
                linked_by=manager.id,
                force_id=idea.force_id,
            )
        )
    rate = DEFAULT_RATES[Grade.CONSTABLE_SERGEANT]
    costs = [
        IdeaCost(
            force_id=idea.force_id,
            division_id=idea.division_id,
            idea_id=idea.id,
            recurrence=CostRecurrence.ONE_OFF,
            kind=ClaimKind.NON_CASHABLE,
            description="Briefing the response officers on call-backs",
            hours=BRIEFING_HOURS,
            grade=Grade.CONSTABLE_SERGEANT,
            hourly_rate=rate,
            amount=value_of_hours(BRIEFING_HOURS, rate),
            starts=changed - datetime.timedelta(days=14),
            recorded_by=manager.id,
            created_at=moments["in_progress"],
            updated_at=moments["in_progress"],
        ),
        IdeaCost(
            force_id=idea.force_id,
            division_id=idea.division_id,
            idea_id=idea.id,
            recurrence=CostRecurrence.RECURRING,
            kind=ClaimKind.CASHABLE,
            description="The call-back line and its licences",
            hours=decimal.Decimal(0),
            amount=LINE_A_YEAR,
            starts=changed,
            recorded_by=manager.id,
            created_at=moments["implemented"],
            updated_at=moments["implemented"],
        ),
    ]
    session.add_all(costs)
    amount = value_of_hours(HOURS_A_YEAR, rate)
    claim = SavingsClaim(
        force_id=idea.force_id,
        division_id=idea.division_id,
        idea_id=idea.id,
        kind=ClaimKind.NON_CASHABLE,
        status=ClaimStatus.VALIDATED,
        mechanism=MEASURE,
        hours_per_year=HOURS_A_YEAR,
        grade=Grade.CONSTABLE_SERGEANT,
        hourly_rate=rate,
        redeployed_to="Neighbourhood patrols and early intervention in the town centres",
        amount_per_year=amount,
        period_start=changed,
        evidence=(
            "Pending open incidents fell by about 91% from the change (see the measure's XmR chart). Duty "
            "records show 11,500 officer hours a year no longer spent visiting incidents a call settles."
        ),
        metric_id=metric.id,
        claimed_by=manager.id,
        decided_by=validator.id,
        decided_at=moments["validated"],
        decision_note="Checked against the duty records and the incident log.",
        evidence_grade=EvidenceGrade.FAIRLY_STATED,
        graded_by=validator.id,
        graded_at=moments["validated"],
        created_at=moments["claimed"],
        updated_at=moments["validated"],
    )
    session.add(claim)
    await session.flush()
    await session.run_sync(lambda sync: recost_with(sync.connection(), {division.id}))
    # The links judged as any link is, and the grade QUEST proposes from them kept beside the validator's.
    await judgements.judge(session, {metric.id, repeat_calls.id}, now)
    claim.proposed_grade = (await evidence_of(session, [claim]))[claim.id].proposal.grade
    events += await _timeline(session, idea, changed, amount, manager, validator, moments, claim, costs)
    idea.public_summary = PUBLIC_SUMMARY
    session.add_all(
        Notification(
            user_id=submitter.id, idea_id=idea.id, event_id=event.id, created_at=event.occurred_at, read_at=None
        )
        for event in events
        if event.actor_id != submitter.id
    )
    return True


def _moments(changed: datetime.date, now: datetime.datetime) -> dict[str, datetime.datetime]:
    """When each step happened: raised seven weeks before the change, the saving validated a month after."""
    at_nine = datetime.datetime.combine(changed, datetime.time(9), tzinfo=datetime.UTC)
    offsets = {
        "submitted": -49,
        "under_review": -46,
        "approved": -38,
        "in_progress": -30,
        "implemented": 0,
        "claimed": 28,
        "validated": 33,
    }
    return {step: min(at_nine + datetime.timedelta(days=days), now) for step, days in offsets.items()}


def _moves(changed: datetime.date) -> list[tuple[str, MoveRequest]]:
    """The idea's moves, each with the moment (a key of :func:`_moments`) it was made."""
    return [
        ("under_review", MoveRequest(IdeaStatus.UNDER_REVIEW.value, "Thank you. We are trying it on one shift first.")),
        ("approved", MoveRequest(IdeaStatus.APPROVED.value, "The trial shift cleared 30 incidents in a day.")),
        ("in_progress", MoveRequest(IdeaStatus.IN_PROGRESS.value)),
        (
            "implemented",
            MoveRequest(IdeaStatus.IMPLEMENTED.value, change_date=changed.isoformat(), learned=LEARNED),
        ),
    ]


async def _timeline(
    session: AsyncSession,
    idea: Idea,
    changed: datetime.date,
    amount: decimal.Decimal,
    manager: User,
    validator: User,
    moments: dict[str, datetime.datetime],
    claim: SavingsClaim,
    costs: list[IdeaCost],
) -> list[IdeaEvent]:
    """What happened after the change: the costs recorded, the measures linked, the saving claimed,
    validated and graded."""
    saving = f"{MEASURE}: £{amount:,.2f} a year ({HOURS_A_YEAR:,} hours a year released), from {changed:%d %B %Y}"
    on_claim = {"claim": str(claim.id)}
    steps = [
        *(
            (
                "cost_recorded",
                "implemented",
                manager,
                f"{cost.recurrence.label} cost: {cost.description}, £{cost.amount:,.2f}",
                {"cost": str(cost.id)},
            )
            for cost in costs
        ),
        (
            "metric_linked",
            "implemented",
            manager,
            f"Judged by “{MEASURE}” from {changed:%d %B %Y}",
            {"metric_id": str(claim.metric_id), "change_date": changed.isoformat(), "role": "outcome"},
        ),
        (
            "metric_linked",
            "implemented",
            manager,
            f"Judged by “{BALANCING}” as a balancing measure from {changed:%d %B %Y}",
            {"change_date": changed.isoformat(), "role": "balancing"},
        ),
        ("saving_claimed", "claimed", manager, saving, on_claim),
        (
            "saving_validated",
            "validated",
            validator,
            f"{MEASURE} (£{amount:,.2f} a year): Checked against the duty records and the incident log. "
            "Graded “fairly stated”.",
            on_claim,
        ),
    ]
    return [
        await add_event(session, idea, kind=kind, actor_id=actor.id, now=moments[step], body=body, details=details)
        for kind, step, actor, body, details in steps
    ]


async def publish(session: AsyncSession, now: datetime.datetime) -> None:
    """Lancashire's results page is published (once: seeding again leaves its date)."""
    force = (await session.execute(select(Force).where(Force.code == PLACE[0]))).scalar_one()
    if force.public_since is None:
        force.public_since = now
