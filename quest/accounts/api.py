"""The signed-in user in the JSON API: ``GET /api/v1/me``."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody
from sqlalchemy import select

from quest.accounts.services import MAX_TOKEN_LABEL_LENGTH, create_own_token, revoke_own_token
from quest.accounts.sessions import list_tokens
from quest.accounts.web import NO_STORE
from quest.org.models import Division, Force
from quest.web import api_schema
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


@dataclass
class TokenIn:
    label: Annotated[
        str,
        api_schema.text(
            MAX_TOKEN_LABEL_LENGTH,
            required=True,
            description="A name to tell the token by, such as the script that will use it",
            example="Nightly readings upload",
        ),
    ] = ""


@dataclass(frozen=True, slots=True)
class NewTokenOut:
    """A token just made. Its secret is shown in this answer only: QUEST keeps only its hash."""

    secret: str
    token: TokenOut


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

    @post(
        "/tokens",
        summary="Make yourself an API token (its secret is shown once)",
        operation_id="createMyToken",
        responses=refusals(422),
        status_code=201,
    )
    async def create_token(
        self, db_session: DatabaseSession, viewer: Viewer, data: JSONBody[TokenIn]
    ) -> Response[NewTokenOut]:
        made = await create_own_token(db_session, viewer, data.label)
        # The secret is in the answer: no cache may keep it, as on the account page.
        return Response(NewTokenOut(made.secret, answer(TokenOut, made.token)), status_code=201, headers=NO_STORE)

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
