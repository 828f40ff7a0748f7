"""Who is making this request, and may they make it at all.

- :class:`AuthenticationMiddleware` finds the user for every routed request: by ``Authorization: Bearer``
  (cookies are then ignored) or by the session cookie. It puts a :class:`CurrentUser` or None in
  ``scope["user"]``, and refreshes the session's idle clock at most once a minute. For a whole page it
  reads, in the same statement, what the page's header shows of the user (``page_facts``, given by the
  app: authentication does not know what they are), into the request's scope state.
- :class:`CsrfMiddleware` is Litestar's double-submit CSRF check, except for bearer requests (a
  browser never adds an ``Authorization`` header across sites by itself, so those need no token) and
  for API requests with no session cookie: nobody is signed in to act for, so they are answered 401
  by :func:`require_sign_in`, which tells a program what to send, not a CSRF 403.
- :func:`require_sign_in` guards every route not marked ``opt={"public": True}``: deny by default.
- A route that answers everyone alike (the health check, static files) is marked :data:`ANSWERS_ANYONE`:
  nobody is looked up for it, which would cost a database round trip for an answer that cannot differ.
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest.accounts.identity import CurrentUser
from quest.accounts.sessions import (
    SESSION_COOKIE,
    TOUCH_INTERVAL,
    Also,
    SessionPolicy,
    resolve_session,
    resolve_token,
    touch_session,
    touch_token,
)
from quest.clock import Clock
from quest.db import is_unreachable, reading, writing
from quest.logs import get_logger
from quest.web.state import CLOCK, SESSION_MAKER, SESSION_POLICY, renders_a_page

# Set in scope state when a session cookie was sent but its session has ended.
SESSION_ENDED = "quest.session_ended"
# The opt of a route whose answer is the same whoever asks: public, and no one is identified for it.
IDENTIFY_OPTION = "identify"
ANSWERS_ANYONE = {"public": True, IDENTIFY_OPTION: False}
API_PATH = "/api/"


class PasswordChangeRequired(PermissionDeniedException):
    """The user must choose a new password before doing anything else."""


def cookie_value(scope: Scope, name: str) -> str | None:
    raw = Headers.from_scope(scope).get("cookie")
    if not raw:
        return None
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:
        return None
    return cookie[name].value if name in cookie else None


def bearer_credentials(scope: Scope) -> str | None:
    """The token of an ``Authorization: Bearer`` header; "" for any other Authorization header."""
    authorization = Headers.from_scope(scope).get("authorization")
    if authorization is None:
        return None
    scheme, _, credentials = authorization.partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    """The signed-in user, or None (also where no route matched and authentication did not run)."""
    user = connection.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


def signed_in_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser:
    """The signed-in user, in a handler that ``require_sign_in`` guards (every route not marked public)."""
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException("Sign in to continue")
    return user


logger = get_logger("quest.accounts")


class AuthenticationMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, page_facts: Also | None = None) -> None:
        """``page_facts``: for a whole page (not the API, not an htmx fragment), each a key of the scope's
        state and the column that gives its value from the signed-in user's id, read with the user."""
        self.page_facts = dict(page_facts or {})

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["route_handler"].opt.get(IDENTIFY_OPTION) is False:
            scope["user"] = None
            await next_app(scope, receive, send)
            return
        state = scope["litestar_app"].state
        clock: Clock = state[CLOCK]
        maker: async_sessionmaker[AsyncSession] = state[SESSION_MAKER]
        now = clock.now()
        # Its own short read-only transaction, closed before the request's own work begins: on SQLite a
        # writing request's transaction takes the write lock, which the bookkeeping write below needs too.
        with reading():
            async with maker() as session:
                user, touch = await self._identify(session, scope, state, now)
        scope["user"] = user
        await next_app(scope, receive, send)
        if touch is not None:
            await self._record_use(maker, touch)

    async def _record_use(
        self, maker: async_sessionmaker[AsyncSession], touch: Callable[[AsyncSession], Awaitable[None]]
    ) -> None:
        """The bookkeeping write (last seen, last used), once the answer has gone: on SQLite it needs the
        write lock, and a reader must neither wait for a long writer to finish nor be refused because of
        it. If the lock does not come within the busy timeout, the next request records the use instead."""
        try:
            with writing():
                async with maker() as session:
                    await touch(session)
                    await session.commit()
        except Exception as error:
            if not is_unreachable(error):
                raise
            logger.warning("could not record a session's or token's use; the next request will", error=str(error))

    async def _identify(
        self, session: AsyncSession, scope: Scope, state: Any, now: datetime.datetime
    ) -> tuple[CurrentUser | None, Callable[[AsyncSession], Awaitable[None]] | None]:
        """The user, and the bookkeeping write their request calls for (last used, last seen), if any."""
        also = self.page_facts if self.page_facts and renders_a_page(scope) else None
        token = bearer_credentials(scope)
        if token is not None:
            resolved_token = await resolve_token(session, token, also=also) if token else None
            if resolved_token is None:
                return None, None
            scope["state"].update(resolved_token.also)
            token_id = resolved_token.user.token_id
            assert token_id is not None
            touch = (lambda s: touch_token(s, token_id, now)) if _stale(resolved_token.last_used, now) else None
            return resolved_token.user, touch
        secret = cookie_value(scope, SESSION_COOKIE)
        if not secret:
            return None, None
        policy: SessionPolicy = state[SESSION_POLICY]
        resolved = await resolve_session(session, secret, now=now, policy=policy, also=also)
        if resolved is None:
            scope["state"][SESSION_ENDED] = True
            return None, None
        scope["state"].update(resolved.also)
        session_id = resolved.user.session_id
        assert session_id is not None
        touch = (lambda s: touch_session(s, session_id, now)) if _stale(resolved.last_used, now) else None
        return resolved.user, touch


def _stale(moment: datetime.datetime | None, now: datetime.datetime) -> bool:
    return moment is None or now - moment >= TOUCH_INTERVAL


class CsrfMiddleware(CSRFMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and (
            bearer_credentials(scope) is not None
            or (scope["path"].startswith(API_PATH) and cookie_value(scope, SESSION_COOKIE) is None)
        ):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


async def require_sign_in(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    # A coroutine, though it awaits nothing: Litestar runs a plain function guard in a worker thread, a
    # thread hop on every request for a few attribute reads.
    if handler.opt.get("public"):
        return
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException("Sign in to continue")
    if user.must_change_password and not handler.opt.get("while_password_change_required"):
        raise PasswordChangeRequired("Choose a new password to continue")
