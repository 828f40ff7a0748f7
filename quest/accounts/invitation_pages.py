"""The page where an invited person (made by an import of users, without a password) chooses their password.

The emailed link carries the invitation's secret in its path, ``/invitations/<secret>``. Following it
moves the secret into a short-lived cookie and sends the browser on to ``/invitations/accept``, so the
secret does not stay in the address bar, the browser's history or a ``Referer``, and QUEST's request log
names the link's route, never its secret (the handler's ``log_path``: see
:mod:`quest.web.request_context`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath
from litestar.response import Redirect, Template

from quest.accounts.invitations import NOT_VALID, accept, invited_user
from quest.config import Settings
from quest.errors import NotFound
from quest.web.dependencies import DatabaseSession, Now
from quest.web.forms import answer_form, form_values
from quest.web.pages import page
from quest.web.request_context import LOG_PATH

AnyRequest = Request[Any, Any, Any]
COOKIE = "quest_invitation"
ACCEPT_PATH = "/invitations/accept"
# Long enough to choose a password; the invitation itself lasts days (quest.accounts.invitations.LIFETIME).
COOKIE_SECONDS = 60 * 60
TEMPLATE = "accounts/invitation.html"


def _cookie(request: AnyRequest, secret: str) -> Cookie:
    """HttpOnly, for the invitation's pages alone; Lax, so it comes with the redirect from an email's link."""
    settings: Settings = request.app.state.settings
    return Cookie(
        key=COOKIE,
        value=secret,
        path="/invitations",
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        max_age=COOKIE_SECONDS if secret else 0,
    )


def _invalid(request: AnyRequest) -> Template:
    return page(request, TEMPLATE, {"invalid": NOT_VALID, "errors": {}}, status_code=404)


class InvitationPages(Controller):
    """A sign-in invitation's link: choose a password, then sign in."""

    path = "/invitations"
    include_in_schema = False
    opt = {"public": True}

    @get(ACCEPT_PATH.removeprefix("/invitations"))
    async def form(self, request: AnyRequest, db_session: DatabaseSession, now: Now) -> Template:
        try:
            email = await invited_user(db_session, request.cookies.get(COOKIE, ""), now)
        except NotFound:
            return _invalid(request)
        return page(request, TEMPLATE, {"email": email, "errors": {}})

    @post(ACCEPT_PATH.removeprefix("/invitations"), opt={"keep_draft": False})
    async def choose_password(self, request: AnyRequest, db_session: DatabaseSession, now: Now) -> Template | Redirect:
        values = await form_values(request)
        secret = request.cookies.get(COOKIE, "")
        try:
            email = await invited_user(db_session, secret, now)
        except NotFound:
            return _invalid(request)
        done = await answer_form(
            request,
            accept(
                db_session,
                secret,
                password=values.get("new_password", ""),
                confirmation=values.get("confirmation", ""),
                now=now,
            ),
            message="Your password is set. Sign in with it now.",
            done="/sign-in",
            again=lambda errors: page(request, TEMPLATE, {"email": email, "errors": errors}),
        )
        if isinstance(done, Redirect):
            done.set_cookie(_cookie(request, ""))  # spent: the cookie goes with it
        return done

    @get("/{secret:str}", opt={LOG_PATH: "/invitations/{secret}"})
    async def follow_link(
        self, request: AnyRequest, db_session: DatabaseSession, now: Now, secret: FromPath[str]
    ) -> Template | Redirect:
        try:
            await invited_user(db_session, secret, now)
        except NotFound:
            return _invalid(request)
        return Redirect(ACCEPT_PATH, status_code=303, cookies=[_cookie(request, secret)])
