"""What waits for you, in the JSON API: the home page's lists (:mod:`quest.home.services`), for an
integrator's own worklist or a phone app's badge. The answer names your role's part and fills it; the other
roles' parts are null."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from litestar import Controller, get

from quest.home import services
from quest.ideas.worklists_api import TriageIdeaOut
from quest.metrics.api import MetricOut
from quest.notifications.api import NotificationOut
from quest.savings.api import DoubleCountGroupOut
from quest.savings.ledger import ListedClaim
from quest.web.api_answers import answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Viewer


@dataclass(frozen=True)
class IdeaUpdatesOut:
    """The notifications you have not read about one idea: how many, and the latest."""

    idea_id: str
    idea_ref: str
    count: int
    latest: NotificationOut


@dataclass(frozen=True)
class UpdatesOut:
    """Notifications not yet read: how many in all, and the ideas they are about, latest first (the ideas
    of the latest 200)."""

    unread: int
    ideas: list[IdeaUpdatesOut]

    @classmethod
    def of(cls, found: services.Updates) -> UpdatesOut:
        return cls(
            unread=found.count,
            ideas=[
                IdeaUpdatesOut(
                    idea_id=str(idea.latest.idea_id),
                    idea_ref=idea.latest.reference,
                    count=idea.count,
                    latest=NotificationOut.of(idea.latest),
                )
                for idea in found.ideas
            ],
        )


@dataclass(frozen=True)
class OverdueIdeaOut:
    """An idea you raised that waited longer than your force's response SLA allows."""

    id: str
    ref: str
    title: str
    status: str
    age_days: int
    # "a first response" or "a decision"
    waiting_for: str


@dataclass(frozen=True)
class StaffHomeOut:
    ideas_raised: int
    # Your ideas past the force's days for a first response or a decision, oldest first.
    overdue: list[OverdueIdeaOut]
    first_response_days: int
    decision_days: int
    # Your division's daily backlogs with no count for today (the UK date): PUT them to /api/v1/backlogs.
    counts_to_enter: list[MetricOut]


@dataclass(frozen=True)
class IdeaToClaimOut:
    id: str
    ref: str
    title: str
    status: str
    # Implemented on (to claim), or approved on (to forecast).
    since: datetime.date | None


@dataclass(frozen=True)
class ManagerHomeOut:
    # Ideas waiting for a first response or a decision: how many in all, how many overdue, and the first
    # ten, overdue first and then the oldest (the rest: GET /api/v1/triage).
    waiting_total: int
    waiting_overdue: int
    waiting: list[TriageIdeaOut]
    first_response_days: int
    decision_days: int
    # Implemented ideas with no claimed or validated saving, and approved or in-progress ideas with no
    # saving recorded at all, oldest first.
    to_claim: list[IdeaToClaimOut]
    to_forecast: list[IdeaToClaimOut]
    counts_to_enter: list[MetricOut]


@dataclass(frozen=True)
class ClaimWaitingOut:
    """A claimed saving waiting for your decision (decide it: POST /api/v1/claims/{id}/decision)."""

    id: str
    idea_id: str
    idea_ref: str
    idea_title: str
    division_name: str
    kind: str
    amount_gbp_per_year: str
    claimed_by_name: str
    created_at: datetime.datetime
    # The financial year it was recorded in (its year on GET /api/v1/savings).
    year: int

    @classmethod
    def of(cls, listed: ListedClaim) -> ClaimWaitingOut:
        claim = listed.claim
        return answer(
            cls,
            claim,
            idea_ref=claim.idea_reference,
            amount_gbp_per_year=f"{claim.amount_per_year:.2f}",
            year=listed.year,
        )


@dataclass(frozen=True)
class ValidatorHomeOut:
    # Claimed savings waiting for your decision (not your own): how many, and the first ten, oldest first.
    to_validate_total: int
    to_validate: list[ClaimWaitingOut]
    # Groups of claims that may count one saving twice: how many, and the first ten (the rest:
    # GET /api/v1/savings/double-counts).
    double_counts_total: int
    double_counts: list[DoubleCountGroupOut]


@dataclass(frozen=True)
class DestinationOut:
    label: str
    href: str
    description: str


@dataclass(frozen=True)
class HeadquartersHomeOut:
    # Your dashboards first, then what else you may see: pages of the web app.
    destinations: list[DestinationOut]


@dataclass(frozen=True)
class HomeOut:
    """What waits for you, as your home page lists it. ``part`` names which of the parts is filled:
    staff, manager, validator or headquarters (force and national headquarters, administrators)."""

    part: Literal["staff", "manager", "validator", "headquarters"]
    updates: UpdatesOut
    staff: StaffHomeOut | None = None
    manager: ManagerHomeOut | None = None
    validator: ValidatorHomeOut | None = None
    headquarters: HeadquartersHomeOut | None = None

    @classmethod
    def of(cls, home: services.Home) -> HomeOut:
        updates = UpdatesOut.of(home.updates)
        match home:
            case services.StaffHome():
                staff = answer(
                    StaffHomeOut,
                    home,
                    overdue=[answer(OverdueIdeaOut, idea, ref=idea.reference) for idea in home.overdue],
                    first_response_days=home.sla.first_response_days,
                    decision_days=home.sla.decision_days,
                    counts_to_enter=[MetricOut.of(metric) for metric in home.counts_to_enter],
                )
                return cls("staff", updates, staff=staff)
            case services.ManagerHome():
                manager = ManagerHomeOut(
                    waiting_total=home.waiting.total,
                    waiting_overdue=home.waiting.overdue,
                    waiting=[TriageIdeaOut.of(idea) for idea in home.waiting.ideas],
                    first_response_days=home.waiting.sla.first_response_days,
                    decision_days=home.waiting.sla.decision_days,
                    to_claim=[answer(IdeaToClaimOut, idea, ref=idea.reference) for idea in home.to_claim],
                    to_forecast=[answer(IdeaToClaimOut, idea, ref=idea.reference) for idea in home.to_forecast],
                    counts_to_enter=[MetricOut.of(metric) for metric in home.counts_to_enter],
                )
                return cls("manager", updates, manager=manager)
            case services.ValidatorHome():
                validator = ValidatorHomeOut(
                    to_validate_total=home.to_validate.count,
                    to_validate=[ClaimWaitingOut.of(listed) for listed in home.to_validate.first],
                    double_counts_total=home.double_counts.count,
                    double_counts=[DoubleCountGroupOut.of(group) for group in home.double_counts.groups],
                )
                return cls("validator", updates, validator=validator)
            case services.HeadquartersHome():
                places = [answer(DestinationOut, place) for place in home.destinations]
                return cls("headquarters", updates, headquarters=HeadquartersHomeOut(places))


class HomeApi(Controller):
    path = "/api/v1/me/home"
    tags = ["Me"]

    @get("/", summary="What waits for you, as your home page lists it", operation_id="getMyHome", responses=refusals())
    async def home(self, db_session: DatabaseSession, viewer: Viewer, now: Now) -> HomeOut:
        """Staff: updates on your ideas, your overdue ideas and today's backlog counts still to enter.
        Managers: ideas waiting for an answer, savings to claim or forecast, counts to enter. Validators:
        claims waiting for your decision and possible double counts. Headquarters and administrators:
        where to go. Everyone: the notifications you have not read, by idea."""
        return HomeOut.of(await services.home_for(db_session, viewer, now))
