"""No work lost when a session ends: what someone typed into a form is kept, and given back after they
sign in again, on the page the form was on.

A form sent after its session ended never reaches its handler (``require_sign_in`` refuses it). Before
that, :class:`DraftMiddleware` keeps its text fields (not the CSRF token, nor any password) as a
:class:`~quest.accounts.models.FormDraft`, for a day, for the person whose session it was, and names it
in an HttpOnly cookie. The error handler sends them to sign in, with the page to come back to. Signing
in as that person (:func:`bind`) releases the draft to them; the page then shows it once, filled into
its form by :func:`quest.web.pages.page` with a message that it was not saved yet, and it is deleted.

Only a form sent with a valid CSRF token (the middleware runs after the CSRF check), from a browser
whose session cookie names a real session, is kept; small text only; at most a few a person.
"""

from __future__ import annotations

import datetime
import json
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie, Headers
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils import normalize_path
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest.accounts.authentication import cookie_value
from quest.accounts.models import FormDraft, User, UserSession
from quest.accounts.sessions import SESSION_COOKIE, digest
from quest.clock import Clock
from quest.db import reading, writing
from quest.web.forms import page_of_form
from quest.web.state import CLOCK, SESSION_MAKER, renders_a_page

DRAFT_COOKIE = "quest_draft"
LIFETIME = datetime.timedelta(hours=24)
# A form bigger than this is not kept (an upload, a pasted file): it is not read for a draft at all.
MAX_BODY_BYTES = 256 * 1024
MAX_TEXT_CHARACTERS = 100_000
MAX_FIELDS = 200
MAX_DRAFTS_PER_PERSON = 5
NEVER_KEPT = frozenset({"_csrf_token"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Handlers name what their form sends, for the message: opt={"draft": "Your idea"}.
WHAT_OPTION = "draft"
# A handler whose form must never be kept: opt={"keep_draft": False}.
KEEP_OPTION = "keep_draft"

# Keys in the request's scope state.
KEPT = "quest.draft.kept"  # a KeptDraft, for the sign-in redirect to name in a cookie
OFFERED = "quest.draft.offered"  # a Draft for this page, for page() to fill in
SHOWN = "quest.draft.shown"  # set by page() once it has shown the offered draft


@dataclass(frozen=True, slots=True)
class KeptDraft:
    secret: str
    what: str | None


@dataclass(frozen=True, slots=True)
class Draft:
    id: uuid.UUID
    fields: tuple[tuple[str, str], ...]
    what: str | None

    @property
    def message(self) -> str:
        return f"{self.what or 'What you typed'} was not saved yet: check it and send it again."


# --- Rules (pure) ---------------------------------------------------------------------------------------


def fields_to_keep(fields: Iterable[tuple[str, object]]) -> list[tuple[str, str]] | None:
    """The text fields worth keeping, in the order sent: not the CSRF token, no password, no file. None
    when there is nothing to keep, or too much."""
    kept = [
        (name, value)
        for name, value in fields
        if isinstance(value, str) and name not in NEVER_KEPT and "password" not in name.lower()
    ]
    size = sum(len(name) + len(value) for name, value in kept)
    if not kept or len(kept) > MAX_FIELDS or size > MAX_TEXT_CHARACTERS:
        return None
    return kept


def restore(fields: Sequence[tuple[str, str]], values: Mapping[str, Any]) -> dict[str, Any]:
    """A form's values with what was typed put back: a field the page holds as a list (checkboxes) gets
    every value sent, any other its first."""
    restored = dict(values)
    typed: dict[str, list[str]] = {}
    for name, value in fields:
        typed.setdefault(name, []).append(value)
    for name, sent in typed.items():
        restored[name] = sent if isinstance(values.get(name), list) else sent[0]
    return restored


# --- Storing ----------------------------------------------------------------------------------------------


async def session_owner(session: AsyncSession, session_secret: str) -> uuid.UUID | None:
    """Whose session a cookie named, whether or not it has ended (None if it names none, or they have
    been deactivated)."""
    found = await session.execute(
        select(UserSession.user_id)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == digest(session_secret), User.is_active.is_(True))
    )
    return found.scalar_one_or_none()


async def keep(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    fields: Sequence[tuple[str, str]],
    page: str,
    action: str,
    what: str | None,
    now: datetime.datetime,
    replacing: str | None = None,
) -> str:
    """Keep a form for ``user_id``; returns the secret for the cookie. Prunes expired drafts, the one
    this browser held before, and the person's oldest beyond :data:`MAX_DRAFTS_PER_PERSON`. Commits."""
    await session.execute(delete(FormDraft).where(FormDraft.expires_at <= now))
    if replacing:
        await session.execute(delete(FormDraft).where(FormDraft.token_hash == digest(replacing)))
    older = select(FormDraft.id).where(FormDraft.user_id == user_id).order_by(FormDraft.created_at.desc())
    await session.execute(
        delete(FormDraft).where(FormDraft.id.in_(older.offset(MAX_DRAFTS_PER_PERSON - 1).scalar_subquery()))
    )
    secret = secrets.token_urlsafe(32)
    session.add(
        FormDraft(
            token_hash=digest(secret),
            user_id=user_id,
            page=page[:2000],
            action=action[:2000],
            what=what,
            fields=json.dumps(list(fields), ensure_ascii=False),
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    await session.commit()
    return secret


async def bind(session: AsyncSession, secret: str, user_id: uuid.UUID, now: datetime.datetime) -> None:
    """``user_id`` has signed in on the browser holding the draft: if it is theirs, release it to them.
    Anyone else signing in there gets nothing. Commits."""
    await session.execute(
        update(FormDraft)
        .where(
            FormDraft.token_hash == digest(secret),
            FormDraft.user_id == user_id,
            FormDraft.bound_at.is_(None),
            FormDraft.expires_at > now,
        )
        .values(bound_at=now)
    )
    await session.commit()


async def draft_for_page(
    session: AsyncSession, secret: str, user_id: uuid.UUID, path: str, now: datetime.datetime
) -> Draft | bool:
    """The draft to show ``user_id`` on ``path``; else whether the browser should keep its cookie (the
    draft is theirs, for another page or not yet released) or drop it (gone, expired or someone else's)."""
    row = (await session.execute(select(FormDraft).where(FormDraft.token_hash == digest(secret)))).scalar_one_or_none()
    if row is None or row.expires_at <= now or row.user_id != user_id:
        return False
    if row.bound_at is None or row.page != path:
        return True
    return Draft(row.id, tuple((str(name), str(value)) for name, value in json.loads(row.fields)), row.what)


async def discard(session: AsyncSession, draft_id: uuid.UUID) -> None:
    await session.execute(delete(FormDraft).where(FormDraft.id == draft_id))
    await session.commit()


# --- The web side -----------------------------------------------------------------------------------------


def draft_cookie(request_or_scope: Any, secret: str, *, expire: bool = False) -> Cookie:
    app = request_or_scope.app if hasattr(request_or_scope, "app") else request_or_scope["litestar_app"]
    return Cookie(
        key=DRAFT_COOKIE,
        value=secret,
        path="/",
        httponly=True,
        samesite="lax",
        secure=app.state.settings.is_production,
        max_age=0 if expire else int(LIFETIME.total_seconds()),
    )


def kept_draft(request: Request[Any, Any, Any]) -> KeptDraft | None:
    """The draft kept from this request's form, if any (for the redirect to sign in)."""
    kept = request.scope.get("state", {}).get(KEPT)
    return kept if isinstance(kept, KeptDraft) else None


def take_offered(request: Request[Any, Any, Any]) -> Draft | None:
    """The draft to show on this page, once: taking it means it is deleted after this response."""
    state = request.scope.get("state", {})
    draft = state.get(OFFERED)
    if not isinstance(draft, Draft) or state.get(SHOWN):
        return None
    state[SHOWN] = True
    return draft


class DraftMiddleware(ASGIMiddleware):
    """Keeps the form of a request whose session has ended, and offers a released draft to its page.
    Runs after the CSRF check, and after authentication, which says who (if anyone) is signed in."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        method = scope.get("method")
        if method == "POST" and scope.get("user") is None:
            await self._keep(scope, receive)
            await next_app(scope, receive, send)
        elif method == "GET" and scope.get("user") is not None and cookie_value(scope, DRAFT_COOKIE):
            await self._offer(scope, receive, send, next_app)
        else:
            await next_app(scope, receive, send)

    async def _keep(self, scope: Scope, receive: Receive) -> None:
        handler = scope["route_handler"]
        headers = Headers.from_scope(scope)
        if (
            handler.opt.get("public")
            or handler.opt.get(KEEP_OPTION) is False
            or scope["path"].startswith("/api/")
            or not headers.get("content-type", "").startswith(FORM_TYPES)
            or not headers.get("content-length", "").isdecimal()
            or int(headers["content-length"]) > MAX_BODY_BYTES
        ):
            return
        session_secret = cookie_value(scope, SESSION_COOKIE)
        if not session_secret:
            return
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope=scope, receive=receive)
        fields = fields_to_keep((await request.form()).multi_items())
        if fields is None:
            return
        state = scope["litestar_app"].state
        maker: async_sessionmaker[AsyncSession] = state[SESSION_MAKER]
        clock: Clock = state[CLOCK]
        page = page_of_form(request)
        with writing():
            async with maker() as session:
                owner = await session_owner(session, session_secret)
                if owner is None:
                    return
                secret = await keep(
                    session,
                    user_id=owner,
                    fields=fields,
                    page=normalize_path(page.split("?", 1)[0]),  # as routing gives the path of a GET
                    action=scope["path"],
                    what=handler.opt.get(WHAT_OPTION),
                    now=clock.now(),
                    replacing=cookie_value(scope, DRAFT_COOKIE),
                )
        scope["state"][KEPT] = KeptDraft(secret, handler.opt.get(WHAT_OPTION))

    async def _offer(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if not renders_a_page(scope):
            await next_app(scope, receive, send)
            return
        state = scope["litestar_app"].state
        maker: async_sessionmaker[AsyncSession] = state[SESSION_MAKER]
        user = scope["user"]
        secret = cookie_value(scope, DRAFT_COOKIE) or ""
        with reading():
            async with maker() as session:
                found = await draft_for_page(session, secret, user.id, scope["path"], state[CLOCK].now())
        if isinstance(found, Draft):
            scope["state"][OFFERED] = found

        async def send_forgetting_the_cookie(message: Message) -> None:
            shown = scope["state"].get(SHOWN)
            if message["type"] == "http.response.start" and (shown or found is False):
                forget = draft_cookie(scope, "", expire=True).to_encoded_header()
                message["headers"] = [*message.get("headers", []), forget]
            await send(message)

        await next_app(scope, receive, send_forgetting_the_cookie)
        if isinstance(found, Draft) and scope["state"].get(SHOWN):
            with writing():
                async with maker() as session:
                    await discard(session, found.id)
