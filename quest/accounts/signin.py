"""Signing in and out: credentials checked, the throttle applied, every outcome audited.

The answer never says whether an account exists: an unknown email, a wrong password and a deactivated
account all get the same message, take the same time (a dummy Argon2 check, off the event loop like a
real one), and count the same towards the throttle, which goes by the email typed rather than by account,
and by the client address (see :mod:`quest.accounts.throttle`).

No transaction is open while a password is checked: a first short transaction looks at the throttle, the
check runs in a thread, and a second short transaction looks at the throttle again (attempts sent
together all pass the first look) and records the outcome.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import throttle
from quest.accounts.identity import CurrentUser
from quest.accounts.models import SignInAttempt, User, normalise_email
from quest.accounts.passwords import hash_password_in_thread, needs_rehash, verify_password_in_thread
from quest.accounts.sessions import SessionPolicy, as_current_user, revoke_session, start_session
from quest.audit.recorder import Actor, act_as, record_event
from quest.org.models import Force

MAX_EMAIL_LENGTH = 320


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: CurrentUser
    session_secret: str


@dataclass(frozen=True, slots=True)
class Failed:
    """Wrong email or password (which one is not said)."""


@dataclass(frozen=True, slots=True)
class Refused:
    """Too many recent failures: try again at ``retry_at``."""

    retry_at: datetime.datetime
    locked: bool


SignInOutcome = SignedIn | Failed | Refused


async def _verdict(session: AsyncSession, email: str, address: str, now: datetime.datetime) -> throttle.Verdict:
    """The throttle's verdict, from the recent attempts at this email or from this address."""
    rows = await session.execute(
        select(
            SignInAttempt.attempted_at, SignInAttempt.email, SignInAttempt.client_address, SignInAttempt.succeeded
        ).where(
            or_(SignInAttempt.email == email, SignInAttempt.client_address == address),
            SignInAttempt.attempted_at > now - throttle.WINDOW,
        )
    )
    attempts = [
        throttle.Attempt(at=at, email=attempt_email, address=attempt_address, succeeded=succeeded)
        for at, attempt_email, attempt_address, succeeded in rows
    ]
    return throttle.assess(attempts, email=email, address=address, now=now)


async def sign_in(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    client_address: str,
    user_agent: str | None,
    now: datetime.datetime,
    policy: SessionPolicy,
    replacing_session: uuid.UUID | None = None,
) -> SignInOutcome:
    """Check the credentials and, if they are right and the throttle allows, start a session. Commits."""
    email = normalise_email(email)[:MAX_EMAIL_LENGTH]
    address = client_address[:64]
    row = (
        await session.execute(
            select(User, Force.code).outerjoin(Force, Force.id == User.force_id).where(User.email == email)
        )
    ).first()
    user, force_code = (row[0], row[1]) if row else (None, None)
    act_as(session, Actor(id=user.id, label=email, force_id=user.force_id) if user else Actor(id=None, label=email))

    async def audit(action: str, **details: object) -> None:
        await record_event(
            session, action=action, entity="users", entity_id=str(user.id) if user else None, after=details
        )

    async def refusal() -> Refused | None:
        verdict = await _verdict(session, email, address, now)
        if verdict.allowed:
            return None
        assert verdict.retry_at is not None
        await audit(
            "sign_in_refused", client_address=address, retry_at=verdict.retry_at.isoformat(), locked=verdict.locked
        )
        await session.commit()
        return Refused(retry_at=verdict.retry_at, locked=verdict.locked)

    if refused := await refusal():
        return refused

    # End the transaction before the check: the check then holds no connection (nor, on SQLite, the write
    # lock), so other requests, and other people signing in, do not queue behind it.
    await session.commit()
    password_hash = user.password_hash if user is not None else None
    correct = await verify_password_in_thread(password_hash, password)
    succeeded = correct and user is not None and user.is_active
    rehashed = (
        await hash_password_in_thread(password)
        if succeeded and password_hash is not None and needs_rehash(password_hash)
        else None
    )

    # Attempts are counted once they are judged. Judge the throttle again now: guesses sent together all
    # pass the first look, and one that comes right after the others have failed past a limit is refused
    # whatever its password, so a burst learns no more than attempts made one at a time.
    if refused := await refusal():
        return refused
    session.add(SignInAttempt(attempted_at=now, email=email, client_address=address, succeeded=succeeded))
    await session.flush()

    if not succeeded:
        reason = "unknown_email" if user is None else ("inactive" if correct else "wrong_password")
        await audit("sign_in_failed", client_address=address, reason=reason)
        after = await _verdict(session, email, address, now + datetime.timedelta(microseconds=1))
        if after.locked:
            await audit(
                "locked_out", client_address=address, until=after.retry_at.isoformat() if after.retry_at else None
            )
        await session.commit()
        return Failed()

    assert user is not None
    if rehashed is not None:
        user.password_hash = rehashed
    if replacing_session is not None:
        await revoke_session(session, replacing_session, now)
    secret, record = await start_session(
        session, user.id, now=now, policy=policy, client_address=address, user_agent=user_agent
    )
    await audit("signed_in", client_address=address)
    await session.commit()
    return SignedIn(user=as_current_user(user, force_code, session_id=record.id), session_secret=secret)


async def sign_out(session: AsyncSession, user: CurrentUser, now: datetime.datetime) -> None:
    """Revoke the user's current session on the server. Commits."""
    if user.session_id is None:
        return
    act_as(session, user.actor)
    await revoke_session(session, user.session_id, now)
    await record_event(session, action="signed_out", entity="users", entity_id=str(user.id))
    await session.commit()
