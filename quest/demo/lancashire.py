"""The demo's headline story: Lancashire's Northern division cut its pending open incidents by about 91% with
an Operation QUEST change, and the time released (11,500 officer hours a year, £419,865.00 at the
sergeant-and-below rate) is a validated saving resting on that measure's before and after.

The counts come from the ordinary backlog history (quest.demo.history), scaled down from the change date
on; this module adds the idea, its timeline, the link to the measure and the validated claim.
"""

from __future__ import annotations

import datetime
import decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.models import User
from quest.demo import moves
from quest.demo.stories import IdeaStory
from quest.ideas.models import Idea, IdeaEvent
from quest.ideas.record import add_event
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import MoveRequest
from quest.metrics.models import IdeaMetric, Metric
from quest.notifications.models import Notification
from quest.org.models import Division, Force
from quest.savings.models import SavingsClaim
from quest.savings.rules import DEFAULT_RATES, ClaimKind, ClaimStatus, Grade, value_of_hours

PLACE = ("LAN", "NORTH")
MEASURE = "Pending open incidents"
CHANGE_DAYS_AGO = 120
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
    session.add(
        IdeaMetric(
            idea_id=idea.id, metric_id=metric.id, change_date=changed, linked_by=manager.id, force_id=idea.force_id
        )
    )
    rate = DEFAULT_RATES[Grade.CONSTABLE_SERGEANT]
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
        created_at=moments["claimed"],
        updated_at=moments["validated"],
    )
    session.add(claim)
    await session.flush()
    events += await _timeline(session, idea, changed, amount, manager, validator, moments, claim)
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
) -> list[IdeaEvent]:
    """What happened after the change: the measure linked, the saving claimed and validated."""
    saving = f"{MEASURE}: £{amount:,.2f} a year ({HOURS_A_YEAR:,} hours a year released), from {changed:%d %B %Y}"
    on_claim = {"claim": str(claim.id)}
    steps = [
        (
            "metric_linked",
            "implemented",
            manager,
            f"Judged by “{MEASURE}” from {changed:%d %B %Y}",
            {"metric_id": str(claim.metric_id), "change_date": changed.isoformat()},
        ),
        ("saving_claimed", "claimed", manager, saving, on_claim),
        (
            "saving_validated",
            "validated",
            validator,
            f"{MEASURE} (£{amount:,.2f} a year): Checked against the duty records and the incident log.",
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
