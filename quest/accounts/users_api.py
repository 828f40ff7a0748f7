"""Managing users in the JSON API: ``/api/v1/users``, as the users pages do it (a force's headquarters its
own force's people, an administrator everyone), through the same services."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from quest.accounts import services
from quest.accounts.api import PlaceOut
from quest.accounts.passwords import MAX_LENGTH as MAX_PASSWORD_LENGTH
from quest.accounts.passwords import MIN_LENGTH as MIN_PASSWORD_LENGTH
from quest.accounts.roles import Role
from quest.web import api_schema
from quest.web.api_answers import PerPage, answer, page_answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Viewer
from quest.web.pages import PageNumber

UserStatus = Literal["active", "deactivated"]
SearchTerm = Annotated[str | None, QueryParameter(name="q", max_length=100, required=False)]


@dataclass(frozen=True, slots=True)
class UserOut:
    id: str
    email: str
    display_name: str
    role: Role
    force: PlaceOut | None
    division: PlaceOut | None
    is_active: bool
    must_change_password: bool
    created_at: datetime.datetime

    @classmethod
    def of(cls, user: services.UserSummary) -> UserOut:
        force = division = None
        if user.force_id and user.force_code and user.force_name:
            force = PlaceOut(str(user.force_id), user.force_code, user.force_name)
        if user.division_id and user.division_code and user.division_name:
            division = PlaceOut(str(user.division_id), user.division_code, user.division_name)
        return answer(cls, user, role=user.role, force=force, division=division)


_PLACE_RULE = (
    "Staff and managers need division_id (their force is the division's); validators and force "
    "headquarters need force_id (a force's headquarters places people in its own force only); national "
    "and administrator roles have neither"
)


@dataclass
class UserChangeIn:
    """A user's name and place, as the user's edit page takes them, judged by the same service."""

    display_name: Annotated[str, api_schema.text(services.MAX_NAME_LENGTH, required=True, example="Alex Officer")] = ""
    role: Annotated[str, api_schema.choice(Role, required=True, description="What the person may do (DESIGN §3)")] = ""
    force_id: Annotated[str, api_schema.identifier(blank=True, description=f"Their force. {_PLACE_RULE}")] = ""
    division_id: Annotated[str, api_schema.identifier(blank=True, description=f"Their division. {_PLACE_RULE}")] = ""

    def user_input(self, *, email: str = "", password: str = "") -> services.UserInput:
        return services.UserInput(
            email=email,
            display_name=self.display_name,
            role=self.role,
            force_id=self.force_id,
            division_id=self.division_id,
            password=password,
        )


@dataclass
class NewUserIn(UserChangeIn):
    """A new user, as the new user page takes them: they sign in with the first password given here, and
    must choose their own at once."""

    email: Annotated[
        str,
        api_schema.text(320, required=True, description="Their work email: unique", example="a.officer@example.org"),
    ] = ""
    password: Annotated[
        str,
        api_schema.text(
            MAX_PASSWORD_LENGTH,
            required=True,
            description=f"A first password, {MIN_PASSWORD_LENGTH} characters or more and hard to guess; "
            "they must change it when they first sign in",
            example="correct horse battery staple",
        ),
    ] = ""


class UsersApi(Controller):
    path = "/api/v1/users"
    tags = ["Accounts"]

    @get(
        "/",
        summary="Users within your reach, by name",
        description="A force's headquarters sees its own force's people; an administrator everyone.",
        operation_id="listUsers",
        responses=refusals(),
    )
    async def list_users(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        q: SearchTerm = None,
        role: FromQuery[Role | None] = None,
        status: FromQuery[UserStatus | None] = None,
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[UserOut]]:
        found = await services.list_users(
            db_session,
            viewer,
            search=q,
            role=role,
            active=None if status is None else status == "active",
            page=page_number,
            per_page=per_page or services.USERS_PER_PAGE,
        )
        return page_answer([UserOut.of(user) for user in found.users], found, request)

    @get("/{user_id:uuid}", summary="A user", operation_id="getUser", responses=refusals(404))
    async def show(self, db_session: DatabaseSession, viewer: Viewer, user_id: FromPath[uuid.UUID]) -> UserOut:
        return UserOut.of(await services.get_user(db_session, viewer, user_id))

    @post(
        "/",
        summary="Make a user, who signs in with the first password given",
        operation_id="createUser",
        responses=refusals(422),
        status_code=201,
    )
    async def create(self, db_session: DatabaseSession, viewer: Viewer, data: JSONBody[NewUserIn]) -> UserOut:
        user_id = await services.create_user(
            db_session, viewer, data.user_input(email=data.email, password=data.password)
        )
        return UserOut.of(await services.get_user(db_session, viewer, user_id))

    @put(
        "/{user_id:uuid}",
        summary="Change a user's name, role and place",
        operation_id="updateUser",
        responses=refusals(404, 422),
    )
    async def update(
        self, db_session: DatabaseSession, viewer: Viewer, user_id: FromPath[uuid.UUID], data: JSONBody[UserChangeIn]
    ) -> UserOut:
        await services.update_user(db_session, viewer, user_id, data.user_input())
        return UserOut.of(await services.get_user(db_session, viewer, user_id))

    @post(
        "/{user_id:uuid}/deactivate",
        summary="Deactivate a user: their sessions and API tokens end at once",
        description="Deactivating a deactivated user changes nothing. You cannot deactivate yourself (409).",
        operation_id="deactivateUser",
        responses=refusals(404, 409),
        status_code=200,
    )
    async def deactivate(
        self, db_session: DatabaseSession, viewer: Viewer, now: Now, user_id: FromPath[uuid.UUID]
    ) -> UserOut:
        await services.set_active(db_session, viewer, user_id, active=False, now=now)
        return UserOut.of(await services.get_user(db_session, viewer, user_id))

    @post(
        "/{user_id:uuid}/reactivate",
        summary="Let a deactivated user sign in again",
        description="Reactivating an active user changes nothing.",
        operation_id="reactivateUser",
        responses=refusals(404, 409),
        status_code=200,
    )
    async def reactivate(
        self, db_session: DatabaseSession, viewer: Viewer, now: Now, user_id: FromPath[uuid.UUID]
    ) -> UserOut:
        await services.set_active(db_session, viewer, user_id, active=True, now=now)
        return UserOut.of(await services.get_user(db_session, viewer, user_id))
