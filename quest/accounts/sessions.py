"""Server-side sessions and API tokens: made, looked up, and revoked.

Both are random secrets handed to the client once; the database keeps only their SHA-256, so a copy
of the database lets nobody in. A session ends when it is revoked (sign-out, password change,
deactivation), after ``session_idle_minutes`` without a request, or ``session_max_hours`` after sign-in,
whichever comes first. A token lasts until it is revoked or its user is deactivated.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

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


@dataclass(frozen=True, slots=True)
class Resolved:
    """Whose a session's or a token's secret is, and when that session or token was last used (a token
    never used has no time)."""

    user: CurrentUser
    last_used: datetime.datetime | None


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _current_user_query() -> Select[*tuple[Any, ...]]:
    return select(User, Force.code).outerjoin(Force, Force.id == User.force_id).where(User.is_active.is_(True))


async def _resolve(
    session: AsyncSession,
    credential: type[UserSession] | type[ApiToken],
    last_used: InstrumentedAttribute[datetime.datetime] | InstrumentedAttribute[datetime.datetime | None],
    secret: str,
    *conditions: ColumnElement[bool],
) -> Resolved | None:
    """Whose a secret is (a session's or a token's), and when it was last used: None if it is unknown,
    revoked, fails ``conditions``, or its user is deactivated."""
    query = (
        _current_user_query()
        .add_columns(credential.id, last_used)
        .join(credential, credential.user_id == User.id)
        .where(credential.token_hash == digest(secret), credential.revoked_at.is_(None), *conditions)
    )
    row = (await session.execute(query)).first()
    if row is None:
        return None
    user, force_code, credential_id, last_used_at = row
    by = {"session_id": credential_id} if credential is UserSession else {"token_id": credential_id}
    return Resolved(as_current_user(user, force_code, **by), last_used_at)


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
    session: AsyncSession, secret: str, *, now: datetime.datetime, policy: SessionPolicy
) -> Resolved | None:
    """The signed-in user for a session cookie, or None if the session is unknown, revoked or expired,
    or its user deactivated."""
    return await _resolve(
        session,
        UserSession,
        UserSession.last_seen_at,
        secret,
        UserSession.expires_at > now,
        UserSession.last_seen_at > now - policy.idle,
    )


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


async def resolve_token(session: AsyncSession, secret: str) -> Resolved | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    return await _resolve(session, ApiToken, ApiToken.last_used_at, secret)


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
