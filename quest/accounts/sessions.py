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

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.identity import CurrentUser
from quest.accounts.models import ApiToken, User, UserSession
from quest.org.models import Force

SESSION_COOKIE = "quest_session"
TOKEN_PREFIX = "qst_"
# How stale last_seen_at may get before a request refreshes it: one write a minute, not one a request.
TOUCH_INTERVAL = datetime.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: datetime.timedelta
    lifetime: datetime.timedelta


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _current_user_query() -> Select[*tuple[Any, ...]]:
    return select(User, Force.code).outerjoin(Force, Force.id == User.force_id).where(User.is_active.is_(True))


def as_current_user(
    user: User, force_code: str | None, *, session_id: uuid.UUID | None = None, token_id: uuid.UUID | None = None
) -> CurrentUser:
    return CurrentUser(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        force_id=user.force_id,
        force_code=force_code,
        division_id=user.division_id,
        must_change_password=user.must_change_password,
        session_id=session_id,
        token_id=token_id,
    )


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


@dataclass(frozen=True, slots=True)
class ResolvedSession:
    user: CurrentUser
    last_seen_at: datetime.datetime


async def resolve_session(
    session: AsyncSession, secret: str, *, now: datetime.datetime, policy: SessionPolicy
) -> ResolvedSession | None:
    """The signed-in user for a session cookie, or None if the session is unknown, revoked or expired,
    or its user deactivated."""
    row = (
        await session.execute(
            _current_user_query()
            .add_columns(UserSession.id, UserSession.last_seen_at)
            .join(UserSession, UserSession.user_id == User.id)
            .where(
                UserSession.token_hash == digest(secret),
                UserSession.revoked_at.is_(None),
                UserSession.expires_at > now,
                UserSession.last_seen_at > now - policy.idle,
            )
        )
    ).first()
    if row is None:
        return None
    user, force_code, session_id, last_seen_at = row
    return ResolvedSession(as_current_user(user, force_code, session_id=session_id), last_seen_at)


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


@dataclass(frozen=True, slots=True)
class ResolvedToken:
    user: CurrentUser
    last_used_at: datetime.datetime | None


async def resolve_token(session: AsyncSession, secret: str) -> ResolvedToken | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    row = (
        await session.execute(
            _current_user_query()
            .add_columns(ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
        )
    ).first()
    if row is None:
        return None
    user, force_code, token_id, last_used_at = row
    return ResolvedToken(as_current_user(user, force_code, token_id=token_id), last_used_at)


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
