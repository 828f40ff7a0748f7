"""The lists people work from, in the JSON API: a manager's triage list (the open ideas they decide, with
their response SLA) and the ideas one raised. The same services as the triage page and My ideas."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get

from quest.ideas import decisions, services
from quest.web.api_answers import PerPage, answer, list_page, page_answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Viewer
from quest.web.pages import PageNumber


@dataclass(frozen=True)
class TriageIdeaOut:
    id: str
    ref: str
    title: str
    status: str
    created_at: datetime.datetime
    age_days: int
    owner: str | None
    supporter_count: int
    # Past the force's days for a first response, or for a decision (its response SLA).
    first_response_overdue: bool
    decision_overdue: bool
    # Send it as ``version`` with a quick move (POST /api/v1/ideas/{id}/transitions).
    version: int

    @classmethod
    def of(cls, idea: decisions.TriageIdea) -> TriageIdeaOut:
        return answer(cls, idea, ref=idea.reference, owner=idea.owner_name)


@dataclass(frozen=True)
class TriageGroupOut:
    """One open status: how many ideas hold it in all, and those of them on this page."""

    status: str
    total: int
    ideas: list[TriageIdeaOut]


@dataclass(frozen=True)
class TriageOut:
    """The open ideas you decide, by status (submitted, under review, parked, approved, in progress) and
    oldest first, a page at a time; the counts and medians are over them all. A page past the last is
    answered as the last."""

    groups: list[TriageGroupOut]
    first_response_days: int
    decision_days: int
    overdue_first_response: int
    overdue_decision: int
    median_days_to_first_response: float | None
    median_days_to_decision: float | None
    total: int
    page: int
    per_page: int
    pages: int
    has_next: bool


@dataclass(frozen=True)
class MyIdeaOut:
    """An idea you raised, with its latest news: what happened last, when, by whom, and what they wrote."""

    id: str
    ref: str
    title: str
    status: str
    created_at: datetime.datetime
    latest_kind: str
    latest_at: datetime.datetime
    latest_body: str
    latest_actor: str | None


class TriageApi(Controller):
    path = "/api/v1/triage"
    tags = ["Workflow"]

    @get(
        "/",
        summary="The open ideas you decide, with their response SLA",
        operation_id="getTriage",
        responses=refusals(),
    )
    async def triage(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        request: Request[Any, Any, Any],
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[TriageOut]:
        """Managers, of their division."""
        found = await decisions.triage(db_session, viewer, now, page_number, per_page)
        groups = [
            TriageGroupOut(
                status=group.status.value,
                total=group.total,
                ideas=[TriageIdeaOut.of(idea) for idea in group.ideas],
            )
            for group in found.groups
        ]
        body = answer(
            TriageOut,
            found,
            groups=groups,
            first_response_days=found.sla.first_response_days,
            decision_days=found.sla.decision_days,
        )
        return page_answer(body, found, request)


class MyIdeasApi(Controller):
    path = "/api/v1/me/ideas"
    tags = ["Ideas"]

    @get("/", summary="The ideas you raised, latest news first", operation_id="listMyIdeas", responses=refusals())
    async def mine(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[MyIdeaOut]]:
        ideas = [answer(MyIdeaOut, idea, ref=idea.reference) for idea in await services.my_ideas(db_session, viewer)]
        return list_page(ideas, request, page_number, per_page)
