"""A manager's decisions on an idea besides its moves, in the JSON API: its owner and its summary for the
public; and adopting an implemented idea in one's own division. The same services as the idea's page
(:mod:`quest.ideas.decisions`), so the same rules and scoping. Its moves, a decision and a withdrawal
alike, are ``POST /api/v1/ideas/{id}/transitions`` (:mod:`quest.ideas.api`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, JSONBody

from quest import fields
from quest.errors import ValidationFailed
from quest.ideas import decisions, services
from quest.ideas.api import IdeaOut
from quest.ideas.models import PUBLIC_SUMMARY_LENGTH
from quest.web import api_schema
from quest.web.api_answers import PerPage, answer, list_page
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Viewer
from quest.web.pages import PageNumber


@dataclass
class OwnerIn:
    owner_id: Annotated[
        str,
        api_schema.identifier(
            required=True,
            description="Someone who may own it: one of GET /api/v1/ideas/{idea_id}/possible-owners (else 409)",
        ),
    ] = ""
    version: Annotated[int | None, api_schema.version()] = None


@dataclass(frozen=True)
class ColleagueOut:
    id: str
    display_name: str


@dataclass
class PublicSummaryIn:
    public_summary: Annotated[
        str,
        api_schema.text(
            PUBLIC_SUMMARY_LENGTH,
            description="What the force's public results page says of the implemented idea besides its title, "
            "written for the public (no names); empty: its title alone",
            example="Exhibits are booked in at the front desk, so none waits overnight.",
        ),
    ] = ""
    version: Annotated[int | None, api_schema.version()] = None


class IdeaDecisionsApi(Controller):
    path = "/api/v1/ideas/{idea_id:uuid}"
    tags = ["Workflow"]

    @get(
        "/possible-owners",
        summary="Who may own an idea (managers of its division)",
        operation_id="listPossibleOwners",
        responses=refusals(404),
    )
    async def possible_owners(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        idea_id: FromPath[uuid.UUID],
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[ColleagueOut]]:
        """The active staff and managers of the idea's division, by name."""
        colleagues = await decisions.possible_owners(db_session, viewer, idea_id)
        return list_page([answer(ColleagueOut, colleague) for colleague in colleagues], request, page_number, per_page)

    @put(
        "/owner",
        summary="Make a colleague an idea's owner (managers of its division)",
        operation_id="assignOwner",
        responses=refusals(404, 409, 422),
    )
    async def assign_owner(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        idea_id: FromPath[uuid.UUID],
        data: JSONBody[OwnerIn],
    ) -> IdeaOut:
        """The owner is told on the idea's timeline, as are its submitter and followers."""
        errors: fields.Errors = {}
        owner_id = fields.identifier(data.owner_id, "owner_id", invalid="Must be an id from this API", errors=errors)
        if errors:
            raise ValidationFailed(errors)
        await decisions.assign_owner(db_session, viewer, idea_id, owner_id, seen_version=data.version, now=now)
        return IdeaOut.of(await services.get_idea(db_session, viewer, idea_id))

    @put(
        "/public-summary",
        summary="Write what the public results page says of an implemented idea (managers of its division)",
        operation_id="writePublicSummary",
        responses=refusals(404, 409, 422),
    )
    async def write_public_summary(
        self, db_session: DatabaseSession, viewer: Viewer, idea_id: FromPath[uuid.UUID], data: JSONBody[PublicSummaryIn]
    ) -> IdeaOut:
        """Only an implemented idea has one (else 409); the page shows it once the force publishes it."""
        await decisions.write_public_summary(
            db_session, viewer, idea_id, data.public_summary, seen_version=data.version
        )
        return IdeaOut.of(await services.get_idea(db_session, viewer, idea_id))

    @post(
        "/adoptions",
        summary="Adopt an implemented idea in your own division",
        description="A new idea of your division, submitted, linked to the original (which shows where it "
        "spread). The original must be implemented, of another division, and not adopted by yours already "
        "(else 409).",
        operation_id="adoptIdea",
        responses=refusals(404, 409),
        status_code=201,
    )
    async def adopt(
        self, db_session: DatabaseSession, viewer: Viewer, now: Now, idea_id: FromPath[uuid.UUID]
    ) -> IdeaOut:
        reference = await decisions.adopt(db_session, viewer, idea_id, now)
        return IdeaOut.of(await services.idea_by_reference(db_session, viewer, reference))
