"""Server-side sessions and API tokens: made, looked up, and revoked.

Both are random secrets handed to the client once; the database keeps only their SHA-256, so a copy
of the database lets nobody in. A session ends when it is revoked (sign-out, password change,
deactivation), after ``session_idle_minutes`` without a request, or ``session_max_hours`` after sign-in,
whichever comes first. A token lasts until it is revoked or its user is deactivated.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, SQLColumnExpression, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.identity import CurrentUser
from quest.accounts.models import ApiToken, User, UserSession
from quest.org.models import Force
from quest.records import filled

SESSION_COOKIE = "quest_session"
TOKEN_PREFIX = "qst_"
# How stale last_seen_at may get before a request refreshes it: one write a minute, not one a request.
TOUCH_INTERVAL = datetime.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: datetime.timedelta
    lifetime: datetime.timedelta


# Columns read about the user in the statement that finds them, by name: each made from the user's id.
Also = Mapping[str, Callable[[SQLColumnExpression[uuid.UUID]], ColumnElement[Any] | ScalarSelect[Any]]]


@dataclass(frozen=True, slots=True)
class Resolved:
    """Whose a session's or a token's secret is, when that session or token was last used (a token
    never used has no time), and what else was asked of the user (``also``), by name."""

    user: CurrentUser
    last_used: datetime.datetime | None
    also: dict[str, Any] = field(default_factory=dict)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# The secret's digest, and for a session the time now and the start of the idle window: the parameters of
# the lookup statement, which is built once (building it costs more than running it on SQLite).
_SESSION_CONDITIONS = (
    UserSession.expires_at > bindparam("now"),
    UserSession.last_seen_at > bindparam("seen_since"),
)


@functools.cache
def _lookup(
    credential: type[UserSession] | type[ApiToken], also: tuple[tuple[str, Callable[..., Any]], ...]
) -> Select[*tuple[Any, ...]]:
    """The statement finding whose a secret is (a session's or a token's), with when it was last used and
    the columns ``also`` asks for; live credentials of active users only."""
    last_used = UserSession.last_seen_at if credential is UserSession else ApiToken.last_used_at
    conditions = _SESSION_CONDITIONS if credential is UserSession else ()
    return (
        select(User, Force.code, credential.id, last_used, *(column(User.id) for _name, column in also))
        .outerjoin(Force, Force.id == User.force_id)
        .join(credential, credential.user_id == User.id)
        .where(
            User.is_active.is_(True),
            credential.token_hash == bindparam("token_hash"),
            credential.revoked_at.is_(None),
            *conditions,
        )
    )


async def _resolve(
    session: AsyncSession,
    credential: type[UserSession] | type[ApiToken],
    secret: str,
    also: Also,
    **parameters: Any,
) -> Resolved | None:
    """Whose a secret is (a session's or a token's), when it was last used, and the columns ``also``
    asks for, in one statement: None if it is unknown, revoked, fails the session's conditions (given
    their ``parameters``), or its user is deactivated."""
    query = _lookup(credential, tuple(also.items()))
    row = (await session.execute(query, {"token_hash": digest(secret), **parameters})).first()
    if row is None:
        return None
    user, force_code, credential_id, last_used_at, *asked = row
    by = {"session_id": credential_id} if credential is UserSession else {"token_id": credential_id}
    return Resolved(as_current_user(user, force_code, **by), last_used_at, dict(zip(also, asked, strict=True)))


def as_current_user(
    user: User, force_code: str | None, *, session_id: uuid.UUID | None = None, token_id: uuid.UUID | None = None
) -> CurrentUser:
    return filled(CurrentUser, user, force_code=force_code, session_id=session_id, token_id=token_id)


async def start_session(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    now: datetime.datetime,
    policy: SessionPolicy,
    client_address: str | None,
    user_agent: str | None,
) -> tuple[str, UserSession]:
    """A new session for ``user_id``; returns the secret for the cookie (a new one every sign-in)."""
    secret = new_secret()
    record = UserSession(
        token_hash=digest(secret),
        user_id=user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.lifetime,
        client_address=(client_address or "")[:64] or None,
        user_agent=(user_agent or "")[:200] or None,
    )
    session.add(record)
    await session.flush()
    return secret, record


async def resolve_session(
    session: AsyncSession, secret: str, *, now: datetime.datetime, policy: SessionPolicy, also: Also | None = None
) -> Resolved | None:
    """The signed-in user for a session cookie, or None if the session is unknown, revoked or expired,
    or its user deactivated."""
    return await _resolve(session, UserSession, secret, also or {}, now=now, seen_since=now - policy.idle)


async def touch_session(session: AsyncSession, session_id: uuid.UUID, now: datetime.datetime) -> None:
    await session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))


async def revoke_session(session: AsyncSession, session_id: uuid.UUID, now: datetime.datetime) -> None:
    await session.execute(
        update(UserSession).where(UserSession.id == session_id, UserSession.revoked_at.is_(None)).values(revoked_at=now)
    )


async def revoke_user_sessions(
    session: AsyncSession, user_id: uuid.UUID, now: datetime.datetime, *, keep: uuid.UUID | None = None
) -> None:
    """End every session of a user at once, except ``keep`` (the one changing its password)."""
    statement = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    await session.execute(statement.values(revoked_at=now))


# --- API tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TokenSummary:
    id: uuid.UUID
    label: str
    prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None


async def create_token(session: AsyncSession, user: User, label: str) -> tuple[str, ApiToken]:
    """A new token for ``user``; returns the secret, which is shown once and never stored."""
    secret = TOKEN_PREFIX + new_secret()
    token = ApiToken(
        user_id=user.id,
        label=label,
        token_hash=digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        force_id=user.force_id,
    )
    session.add(token)
    await session.flush()
    return secret, token


async def resolve_token(session: AsyncSession, secret: str, *, also: Also | None = None) -> Resolved | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    return await _resolve(session, ApiToken, secret, also or {})


async def touch_token(session: AsyncSession, token_id: uuid.UUID, now: datetime.datetime) -> None:
    await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


async def list_tokens(session: AsyncSession, user_id: uuid.UUID) -> list[TokenSummary]:
    rows = await session.execute(
        select(ApiToken.id, ApiToken.label, ApiToken.prefix, ApiToken.created_at, ApiToken.last_used_at)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    )
    return [TokenSummary(**row._asdict()) for row in rows]


async def revoke_user_tokens(session: AsyncSession, user_id: uuid.UUID, now: datetime.datetime) -> None:
    """Revoke every live token of a user. Loaded and changed as objects, so each revocation is audited."""
    tokens = await session.execute(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)))
    for token in tokens.scalars():
        token.revoked_at = now
    await session.flush()
