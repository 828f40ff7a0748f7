"""The signed-in user in the JSON API: ``GET /api/v1/me``."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, delete, get
from litestar.params import FromPath
from sqlalchemy import select

from quest.accounts.authentication import CLOCK, signed_in_user
from quest.accounts.services import revoke_own_token
from quest.accounts.sessions import list_tokens
from quest.org.models import Division, Force
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession


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
    async def me(self, request: Request[Any, Any, Any], db_session: DatabaseSession) -> MeOut:
        user = signed_in_user(request)
        force = division = None
        if user.force_id is not None:
            row = (await db_session.execute(select(Force.code, Force.name).where(Force.id == user.force_id))).one()
            force = PlaceOut(str(user.force_id), row.code, row.name)
        if user.division_id is not None:
            row = (
                await db_session.execute(select(Division.code, Division.name).where(Division.id == user.division_id))
            ).one()
            division = PlaceOut(str(user.division_id), row.code, row.name)
        return MeOut(
            id=str(user.id),
            email=user.email,
            display_name=user.display_name,
            role=user.role.value,
            force=force,
            division=division,
            authenticated_by=user.authenticated_by,
            must_change_password=user.must_change_password,
        )

    @get("/tokens", summary="Your API tokens", operation_id="listMyTokens", responses=refusals())
    async def tokens(self, request: Request[Any, Any, Any], db_session: DatabaseSession) -> list[TokenOut]:
        user = signed_in_user(request)
        return [
            TokenOut(str(token.id), token.label, token.prefix, token.created_at, token.last_used_at)
            for token in await list_tokens(db_session, user.id)
        ]

    @delete(
        "/tokens/{token_id:uuid}",
        summary="Revoke one of your API tokens",
        operation_id="revokeMyToken",
        responses=refusals(404),
    )
    async def revoke_token(
        self, request: Request[Any, Any, Any], db_session: DatabaseSession, token_id: FromPath[uuid.UUID]
    ) -> None:
        user = signed_in_user(request)
        await revoke_own_token(db_session, user, token_id, request.app.state[CLOCK].now())
