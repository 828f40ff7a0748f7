"""The signed-in user in the JSON API: ``GET /api/v1/me``."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, delete, get
from litestar.params import FromPath
from sqlalchemy import select

from quest.accounts.services import revoke_own_token
from quest.accounts.sessions import list_tokens
from quest.org.models import Division, Force
from quest.web.api_answers import PerPage, answer, list_page
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Viewer
from quest.web.pages import PageNumber


@dataclass(frozen=True, slots=True)
class PlaceOut:
    id: str
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class MeOut:
    id: str
    email: str
    display_name: str
    role: str
    force: PlaceOut | None
    division: PlaceOut | None
    authenticated_by: str
    must_change_password: bool


@dataclass(frozen=True, slots=True)
class TokenOut:
    id: str
    label: str
    prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None


class MeApi(Controller):
    path = "/api/v1/me"
    tags = ["Accounts"]

    @get("/", summary="The signed-in user", operation_id="getMe", responses=refusals())
    async def me(self, db_session: DatabaseSession, viewer: Viewer) -> MeOut:
        force = division = None
        if viewer.force_id is not None:
            row = (await db_session.execute(select(Force.code, Force.name).where(Force.id == viewer.force_id))).one()
            force = PlaceOut(str(viewer.force_id), row.code, row.name)
        if viewer.division_id is not None:
            row = (
                await db_session.execute(select(Division.code, Division.name).where(Division.id == viewer.division_id))
            ).one()
            division = PlaceOut(str(viewer.division_id), row.code, row.name)
        return answer(MeOut, viewer, force=force, division=division)

    @get("/tokens", summary="Your API tokens", operation_id="listMyTokens", responses=refusals())
    async def tokens(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[TokenOut]]:
        tokens = [answer(TokenOut, token) for token in await list_tokens(db_session, viewer.id)]
        return list_page(tokens, request, page_number, per_page)

    @delete(
        "/tokens/{token_id:uuid}",
        summary="Revoke one of your API tokens",
        operation_id="revokeMyToken",
        responses=refusals(404),
    )
    async def revoke_token(
        self, db_session: DatabaseSession, viewer: Viewer, now: Now, token_id: FromPath[uuid.UUID]
    ) -> None:
        await revoke_own_token(db_session, viewer, token_id, now)
