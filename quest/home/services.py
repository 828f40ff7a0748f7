"""What waits for each person, for their home page. The rules stay in their domains (the response SLA
in ideas, claims and double counts in savings, readings in metrics, unread notifications): this module
only asks them, and adds the one query of its own, the ideas whose savings are still to be recorded.

- staff: updates on the ideas they raised or follow that they have not read, their own ideas overdue
  for a response, and today's backlog counts still to enter;
- manager: ideas waiting for a first response or a decision (overdue first), savings to claim or
  forecast, and today's backlog counts still to enter;
- validator: claimed savings waiting for them and possible double counts, oldest first;
- force and national headquarters, administrators: their dashboards, and where else to go.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from sqlalchemy import Exists, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.roles import Role
from quest.clock import LONDON
from quest.ideas.decisions import Waiting, waiting
from quest.ideas.models import Idea
from quest.ideas.response_sla import sla_flags
from quest.ideas.services import my_ideas
from quest.ideas.status import IdeaStatus
from quest.metrics.services import MetricSummary, backlog_entry
from quest.metrics.vocabulary import Frequency
from quest.notifications.services import NotificationRow, list_notifications, unread_count
from quest.org.settings import Sla, sla_of
from quest.savings.claim_workflow import CLAIMABLE
from quest.savings.ledger import ClaimsWaiting, DoubleCounts, validator_queue
from quest.savings.models import SavingsClaim
from quest.savings.rules import ClaimStatus

# Each list on the home page shows this many; its heading counts them all, and links to the rest.
SHOWN = 10
# The unread notifications grouped by idea on the home page: the latest this many.
UNREAD_READ = 200
# Ideas far enough along to forecast a saving, but not yet implemented (then it is claimed instead).
TO_FORECAST = tuple(
    status for status in CLAIMABLE[ClaimStatus.FORECAST] if status not in CLAIMABLE[ClaimStatus.CLAIMED]
)


@dataclass(frozen=True, slots=True)
class IdeaUpdates:
    """The unread notifications about one idea: how many, and the latest."""

    count: int
    latest: NotificationRow


@dataclass(frozen=True, slots=True)
class Updates:
    """Notifications not yet read: how many in all, and the ideas they are about, latest first."""

    count: int
    ideas: list[IdeaUpdates]


@dataclass(frozen=True, slots=True)
class OverdueIdea:
    id: uuid.UUID
    reference: str
    title: str
    status: IdeaStatus
    age_days: int
    waiting_for: str  # "a first response" or "a decision"


@dataclass(frozen=True, slots=True)
class IdeaToClaim:
    id: uuid.UUID
    reference: str
    title: str
    status: IdeaStatus
    since: datetime.date | None  # implemented on, or approved on


@dataclass(frozen=True, slots=True)
class StaffHome:
    ideas_raised: int
    updates: Updates
    overdue: list[OverdueIdea]
    sla: Sla
    counts_to_enter: list[MetricSummary]


@dataclass(frozen=True, slots=True)
class ManagerHome:
    waiting: Waiting
    to_claim: list[IdeaToClaim]
    to_forecast: list[IdeaToClaim]
    counts_to_enter: list[MetricSummary]
    updates: Updates


@dataclass(frozen=True, slots=True)
class ValidatorHome:
    to_validate: ClaimsWaiting
    double_counts: DoubleCounts
    updates: Updates


@dataclass(frozen=True, slots=True)
class Destination:
    label: str
    href: str
    description: str


@dataclass(frozen=True, slots=True)
class HeadquartersHome:
    destinations: list[Destination]
    updates: Updates


Home = StaffHome | ManagerHome | ValidatorHome | HeadquartersHome


async def home_for(session: AsyncSession, viewer: CurrentUser, now: datetime.datetime) -> Home:
    """What waits for ``viewer``, by their role."""
    today = now.astimezone(LONDON).date()
    match viewer.role:
        case Role.STAFF:
            return await staff_home(session, viewer, now, today)
        case Role.MANAGER:
            return await manager_home(session, viewer, now, today)
        case Role.VALIDATOR:
            return await validator_home(session, viewer)
        case _:
            return HeadquartersHome(destinations(viewer), await updates(session, viewer))


async def updates(session: AsyncSession, viewer: CurrentUser) -> Updates:
    """What changed since they last looked: the notifications they have not marked as read, by idea."""
    by_idea: dict[str, list[NotificationRow]] = {}
    for note in await list_notifications(session, viewer, unread_only=True, limit=UNREAD_READ):
        by_idea.setdefault(note.reference, []).append(note)
    return Updates(
        count=await unread_count(session, viewer.id),
        ideas=[IdeaUpdates(len(notes), notes[0]) for notes in by_idea.values()],
    )


async def counts_to_enter(session: AsyncSession, viewer: CurrentUser, today: datetime.date) -> list[MetricSummary]:
    """The division's daily backlogs with no reading for today (the UK date)."""
    return [
        line.metric
        for line in await backlog_entry(session, viewer, today)
        if line.metric.frequency is Frequency.DAILY and line.value_on_date is None
    ]


async def staff_home(
    session: AsyncSession, viewer: CurrentUser, now: datetime.datetime, today: datetime.date
) -> StaffHome:
    mine = await my_ideas(session, viewer)
    sla = await sla_of(session, viewer.force_id)
    overdue = []
    for idea in sorted(mine, key=lambda idea: idea.created_at):
        first, decision = sla_flags(idea.status, idea.created_at, now, sla)
        if first or decision:
            age_days = (now - idea.created_at).days
            waiting_for = "a first response" if first else "a decision"
            overdue.append(OverdueIdea(idea.id, idea.reference, idea.title, idea.status, age_days, waiting_for))
    return StaffHome(
        ideas_raised=len(mine),
        updates=await updates(session, viewer),
        overdue=overdue,
        sla=sla,
        counts_to_enter=await counts_to_enter(session, viewer, today),
    )


async def manager_home(
    session: AsyncSession, viewer: CurrentUser, now: datetime.datetime, today: datetime.date
) -> ManagerHome:
    found = await waiting(session, viewer, now, SHOWN)
    to_claim, to_forecast = await ideas_to_claim(session, viewer)
    return ManagerHome(
        waiting=found,
        to_claim=to_claim,
        to_forecast=to_forecast,
        counts_to_enter=await counts_to_enter(session, viewer, today),
        updates=await updates(session, viewer),
    )


async def ideas_to_claim(session: AsyncSession, viewer: CurrentUser) -> tuple[list[IdeaToClaim], list[IdeaToClaim]]:
    """Savings still to record in the manager's division, oldest first:

    - to claim: implemented ideas with no claimed or validated saving (a rejected claim can be
      corrected and claimed again; a forecast is turned into a claim);
    - to forecast: approved or in-progress ideas with no saving recorded at all (forecast, claimed or
      validated).
    """
    access.require(viewer, Permission.CLAIM_SAVINGS)
    in_reach = access.scope(
        viewer, Permission.CLAIM_SAVINGS, force_column=Idea.force_id, division_column=Idea.division_id
    )

    def with_claim(*statuses: ClaimStatus) -> Exists:
        return exists().where(SavingsClaim.idea_id == Idea.id, SavingsClaim.status.in_(statuses))

    claimed = with_claim(ClaimStatus.CLAIMED, ClaimStatus.VALIDATED)
    recorded = with_claim(*(status for status in ClaimStatus if status.live))
    rows = await session.execute(
        select(Idea.id, Idea.reference, Idea.title, Idea.status, Idea.implemented_on, Idea.decided_at)
        .where(
            in_reach,
            (Idea.status.in_(CLAIMABLE[ClaimStatus.CLAIMED]) & ~claimed) | (Idea.status.in_(TO_FORECAST) & ~recorded),
        )
        .order_by(Idea.status_changed_at, Idea.reference)
    )
    to_claim, to_forecast = [], []
    for idea_id, reference, title, status, implemented_on, decided_at in rows:
        if status in CLAIMABLE[ClaimStatus.CLAIMED]:
            to_claim.append(IdeaToClaim(idea_id, reference, title, status, implemented_on))
        else:
            since = decided_at.astimezone(LONDON).date() if decided_at else None
            to_forecast.append(IdeaToClaim(idea_id, reference, title, status, since))
    return to_claim, to_forecast


async def validator_home(session: AsyncSession, viewer: CurrentUser) -> ValidatorHome:
    """The claimed savings waiting for the validator and the possible double counts: how many, and the
    first :data:`SHOWN` of each, oldest first, each linked to its place on /savings."""
    queue = await validator_queue(session, viewer, SHOWN)
    return ValidatorHome(queue.to_validate, queue.double_counts, await updates(session, viewer))


def destinations(viewer: CurrentUser) -> list[Destination]:
    """Where headquarters and administrators go from home: their dashboards first, then what else they
    may see."""
    places: list[Destination] = []
    code = viewer.force_code
    if access.may(viewer, Permission.COMPARE_FORCES):
        places.append(
            Destination(
                "Forces compared",
                "/national",
                "Every force side by side, per officer or per resident, with funnel plots and similar forces.",
            )
        )
    if code is not None and access.may(viewer, Permission.COMPARE_DIVISIONS):
        places.append(
            Destination(
                "Divisions compared",
                f"/forces/{code}/dashboard",
                "Your force's divisions side by side: savings, ideas, implementation, backlogs and waste.",
            )
        )
    if code is not None:
        places.append(Destination("Your force", f"/forces/{code}", "Its divisions, their size and its profile."))
    if code is not None and access.may(viewer, Permission.MANAGE_FORCE_SETTINGS):
        places.append(
            Destination(
                "Response times and settings",
                f"/forces/{code}/settings",
                "Each division's median days to a first response and to a decision, the SLA and the rate card.",
            )
        )
    if access.may(viewer, Permission.VIEW_WORK):
        places += [
            Destination("Savings", "/savings", "Validated, claimed and forecast savings, by financial year."),
            Destination("Ideas", "/ideas", "Every idea in reach, by division, status and waste."),
            Destination("Practice library", "/practice", "Implemented ideas from every force, to adopt."),
            Destination("Measures", "/metrics", "Backlogs and other measures, with their SPC charts."),
        ]
    if code is None:
        places.append(Destination("Forces", "/forces", "Every force, its size and its similar forces."))
    if access.may(viewer, Permission.VIEW_USERS):
        places.append(Destination("Users", "/users", "People, their roles and access."))
    if access.may(viewer, Permission.VIEW_AUDIT):
        places.append(Destination("Audit trail", "/audit", "Every change to every record, and every sign-in."))
    return places
