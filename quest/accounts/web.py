"""HTML pages for signing in and out, one's own account, and managing users."""

from __future__ import annotations

import math
import uuid
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from quest.accounts import drafts, services
from quest.accounts.authentication import current_user
from quest.accounts.roles import Role
from quest.accounts.sessions import SESSION_COOKIE, list_tokens
from quest.accounts.signin import Failed, Refused, SignedIn, sign_in, sign_out
from quest.config import Settings
from quest.exports import tables
from quest.exports.downloads import DownloadFormat, export_download
from quest.exports.tables import ExportScope
from quest.web.dependencies import DatabaseSession, Now, Viewer
from quest.web.flash import flash
from quest.web.forms import (
    answer_button,
    answer_form,
    client_address,
    form_values,
    safe_next,
    see_other,
    show_outcome,
)
from quest.web.pages import PageNumber, page
from quest.web.state import SESSION_POLICY

AnyRequest = Request[Any, Any, Any]
NO_STORE = {"Cache-Control": "no-store"}


def _settings(request: AnyRequest) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def session_cookie(request: AnyRequest, value: str, *, expire: bool = False) -> Cookie:
    """The session cookie: HttpOnly, SameSite=Lax, Secure in production, gone when the browser closes."""
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_settings(request).is_production,
        max_age=0 if expire else None,
    )


# --- Signing in and out --------------------------------------------------------------------------------


class SignInPages(Controller):
    path = "/"
    include_in_schema = False
    opt = {"public": True}

    @get("/sign-in", name="sign_in")
    async def sign_in_form(self, request: AnyRequest, next: FromQuery[str | None] = None) -> Template | Redirect:
        if current_user(request) is not None:
            return see_other(safe_next(request.app, next))
        return page(request, "accounts/sign_in.html", {"values": {"next": safe_next(request.app, next)}, "errors": {}})

    @post("/sign-in")
    async def sign_in(self, request: AnyRequest, db_session: DatabaseSession, now: Now) -> Template | Redirect:
        values = await form_values(request)
        errors = {}
        if not values.get("email", "").strip():
            errors["email"] = "Enter your email address"
        if not values.get("password"):
            errors["password"] = "Enter your password"
        shown = {"email": values.get("email", ""), "next": safe_next(request.app, values.get("next"))}
        if errors:
            return page(request, "accounts/sign_in.html", {"values": shown, "errors": errors}, status_code=422)

        previous = current_user(request)
        settings_policy = request.app.state[SESSION_POLICY]
        outcome = await sign_in(
            db_session,
            email=values["email"],
            password=values["password"],
            client_address=client_address(request),
            user_agent=request.headers.get("user-agent"),
            now=now,
            policy=settings_policy,
            replacing_session=previous.session_id if previous else None,
        )
        match outcome:
            case SignedIn(user=user, session_secret=secret):
                if draft := request.cookies.get(drafts.DRAFT_COOKIE):
                    await drafts.bind(db_session, draft, user.id, now)
                target = "/account/password" if user.must_change_password else shown["next"]
                return see_other(target, [session_cookie(request, secret)])
            case Refused(retry_at=retry_at):
                wait = max(1, math.ceil((retry_at - now).total_seconds()))
                wait_text = f"{math.ceil(wait / 60)} minutes" if wait > 90 else f"{wait} seconds"
                message = f"Too many failed attempts to sign in. Wait {wait_text}, then try again."
                return page(
                    request,
                    "accounts/sign_in.html",
                    {"values": shown, "errors": {"email": message}},
                    status_code=429,
                    headers={"Retry-After": str(wait)},
                )
            case Failed():
                message = "Enter a correct email address and password"
                return page(
                    request,
                    "accounts/sign_in.html",
                    {"values": shown, "errors": {"email": message, "password": message}},
                    status_code=422,
                )

    @post("/sign-out")
    async def sign_out(self, request: AnyRequest, db_session: DatabaseSession, now: Now) -> Redirect:
        user = current_user(request)
        if user is not None:
            await sign_out(db_session, user, now)
            flash(request, "You have signed out", "info")
        return see_other("/sign-in", [session_cookie(request, "", expire=True)])


# --- One's own account -----------------------------------------------------------------------------------


class AccountPages(Controller):
    path = "/account"
    include_in_schema = False

    async def _account(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, **extra: Any
    ) -> Template:
        context = {
            "profile": await services.get_user(db_session, viewer, viewer.id),
            "tokens": await list_tokens(db_session, viewer.id),
            "values": {},
            "errors": {},
            **extra,
        }
        return page(request, "accounts/account.html", context)

    @get("/", name="account")
    async def show(self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer) -> Template:
        return await self._account(request, db_session, viewer)

    @get("/password", opt={"while_password_change_required": True})
    async def password_form(self, request: AnyRequest, viewer: Viewer) -> Template:
        return page(request, "accounts/password.html", {"errors": {}, "required": viewer.must_change_password})

    @post("/password", opt={"while_password_change_required": True, "keep_draft": False})
    async def change_password(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now
    ) -> Template | Redirect:
        values = await form_values(request)
        return await answer_form(
            request,
            services.change_password(
                db_session,
                viewer,
                current_password=values.get("current_password", ""),
                new_password=values.get("new_password", ""),
                confirmation=values.get("confirmation", ""),
                now=now,
            ),
            message="Your password has been changed. You have been signed out everywhere else.",
            done="/account",
            again=lambda errors: page(
                request, "accounts/password.html", {"errors": errors, "required": viewer.must_change_password}
            ),
        )

    @post("/tokens")
    async def create_token(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer
    ) -> Template | Redirect:
        values = await form_values(request)
        # Shown once, on this response only: not stored, not cached, not put in a redirect or a cookie.
        return await show_outcome(
            services.create_own_token(db_session, viewer, values.get("label", "")),
            shown=lambda made: Template(
                template_name="accounts/token_created.html",
                context={"secret": made.secret, "label": made.token.label},
                headers=NO_STORE,
            ),
            again=lambda errors: self._account(request, db_session, viewer, values=values, errors=errors),
        )

    @post("/tokens/{token_id:uuid}/revoke")
    async def revoke_token(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, token_id: FromPath[uuid.UUID]
    ) -> Redirect:
        await services.revoke_own_token(db_session, viewer, token_id, now)
        flash(request, "The token has been revoked. Anything using it can no longer reach QUEST.")
        return see_other("/account")


# --- Managing users -------------------------------------------------------------------------------------


def _role_options(roles: list[Role]) -> list[tuple[str, str]]:
    return [("", "Select a role"), *((role.value, role.label) for role in roles)]


async def _form_context(
    db_session: DatabaseSession, viewer: Viewer, values: dict[str, str], errors: dict[str, str], **extra: Any
) -> dict[str, Any]:
    choices = await services.form_choices(db_session, viewer)
    return {
        "values": values,
        "errors": errors,
        "role_options": _role_options(choices.roles),
        "force_options": [("", "Select a force"), *((str(force.id), force.name) for force in choices.forces)],
        "division_options": [
            ("", "Select a division"),
            *((str(division.id), f"{division.name} ({division.force_code})") for division in choices.divisions),
        ],
        "choose_force": len(choices.forces) > 1,
        **extra,
    }


def _user_input(values: dict[str, str]) -> services.UserInput:
    return services.UserInput(
        email=values.get("email", ""),
        display_name=values.get("display_name", ""),
        role=values.get("role", ""),
        force_id=values.get("force_id", ""),
        division_id=values.get("division_id", ""),
        password=values.get("password", ""),
    )


class UserPages(Controller):
    path = "/users"
    include_in_schema = False

    @get("/", name="users")
    async def list_users(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        q: FromQuery[str | None] = None,
        role: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        page_number: PageNumber = 1,
        download: DownloadFormat = None,
    ) -> Template | Stream:
        """The users in reach that the filters choose; or (``format=csv`` or ``xlsx``) the active ones
        among them, in the columns the users import takes."""
        chosen_role = Role(role) if role in {member.value for member in Role} else None
        if download is not None:
            found_users = tables.users(db_session, viewer, ExportScope(), role=chosen_role, search=q or "")
            return await export_download(request, download, found_users)
        active = {"active": True, "deactivated": False}.get(status or "")
        found = await services.list_users(
            db_session, viewer, search=q, role=chosen_role, active=active, page=page_number
        )
        filters = {"q": q or "", "role": chosen_role.value if chosen_role else "", "status": status or ""}
        return page(
            request,
            "accounts/users.html",
            {
                "found": found,
                "filters": filters,
                "filter_query": urlencode({key: value for key, value in filters.items() if value}),
                "role_options": [("", "Any role"), *((member.value, member.label) for member in Role)],
            },
            fragment="accounts/_users_table.html",
        )

    @get("/new", name="new_user")
    async def new_user_form(self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer) -> Template:
        return page(request, "accounts/user_form.html", await _form_context(db_session, viewer, {}, {}, editing=None))

    @post("/new")
    async def create_user(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer
    ) -> Template | Redirect:
        values = await form_values(request)

        async def again(errors: dict[str, str]) -> Template:
            values.pop("password", None)
            context = await _form_context(db_session, viewer, values, errors, editing=None)
            return page(request, "accounts/user_form.html", context)

        return await answer_form(
            request,
            services.create_user(db_session, viewer, _user_input(values)),
            message=f"{values.get('display_name', '').strip()} can now sign in. "
            "They must choose a new password when they do.",
            done=lambda user_id: f"/users/{user_id}",
            again=again,
        )

    @get("/{user_id:uuid}", name="user")
    async def show_user(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, user_id: FromPath[uuid.UUID]
    ) -> Template:
        profile = await services.get_user(db_session, viewer, user_id)
        return page(request, "accounts/user.html", {"profile": profile, "is_self": profile.id == viewer.id})

    @get("/{user_id:uuid}/edit")
    async def edit_user_form(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, user_id: FromPath[uuid.UUID]
    ) -> Template:
        profile = await services.get_user(db_session, viewer, user_id)
        values = {
            "display_name": profile.display_name,
            "role": profile.role.value,
            "force_id": str(profile.force_id or ""),
            "division_id": str(profile.division_id or ""),
        }
        return page(
            request, "accounts/user_form.html", await _form_context(db_session, viewer, values, {}, editing=profile)
        )

    @post("/{user_id:uuid}/edit")
    async def update_user(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, user_id: FromPath[uuid.UUID]
    ) -> Template | Redirect:
        values = await form_values(request)

        async def again(errors: dict[str, str]) -> Template:
            profile = await services.get_user(db_session, viewer, user_id)
            context = await _form_context(db_session, viewer, values, errors, editing=profile)
            return page(request, "accounts/user_form.html", context)

        return await answer_form(
            request,
            services.update_user(db_session, viewer, user_id, _user_input(values)),
            message="The user's details have been changed",
            done=f"/users/{user_id}",
            again=again,
        )

    @post("/{user_id:uuid}/deactivate")
    async def deactivate(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, user_id: FromPath[uuid.UUID]
    ) -> Template | Redirect:
        return await self._set_active(request, db_session, viewer, now, user_id, active=False)

    @post("/{user_id:uuid}/reactivate")
    async def reactivate(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, user_id: FromPath[uuid.UUID]
    ) -> Template | Redirect:
        return await self._set_active(request, db_session, viewer, now, user_id, active=True)

    async def _set_active(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        user_id: uuid.UUID,
        *,
        active: bool,
    ) -> Template | Redirect:
        def changed(name: str) -> str:
            if active:
                return f"{name} can sign in again"
            return f"{name} has been deactivated. Their sessions and API tokens have ended."

        return await answer_button(
            request,
            services.set_active(db_session, viewer, user_id, active=active, now=now),
            done=f"/users/{user_id}",
            message=changed,
        )
