"""Sign-in invitations: how a user made without a password (an import of users) gets one. The invitation
is a one-time link (its sender emails it); it expires after :data:`LIFETIME`, and is spent once the
person has chosen their password with it. Only a hash of the link's secret is kept."""

from __future__ import annotations

import datetime
import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.models import Invitation, User
from quest.accounts.passwords import hash_password_in_thread, password_problem
from quest.accounts.sessions import digest, new_secret
from quest.audit.recorder import SYSTEM, Actor, act_as, record_event
from quest.errors import NotFound, ValidationFailed
from quest.org.models import Force

LIFETIME = datetime.timedelta(days=7)
NOT_VALID = "This invitation link is not valid: it has been used, has expired or was mistyped"


def invitation_path(secret: str) -> str:
    return f"/invitations/{secret}"


async def new_invitation(session: AsyncSession, user_id: uuid.UUID, *, now: datetime.datetime) -> str:
    """A new invitation for the user, in the session's transaction, spending any earlier one of theirs.
    Returns the link's secret (see :func:`invitation_path`), for the caller to send: by email for an
    import (:mod:`quest.imports.users`), as the outbox is not authentication's to use."""
    await session.execute(
        update(Invitation).where(Invitation.user_id == user_id, Invitation.used_at.is_(None)).values(used_at=now)
    )
    secret = new_secret()
    session.add(Invitation(user_id=user_id, token_hash=digest(secret), created_at=now, expires_at=now + LIFETIME))
    return secret


async def _open_invitation(session: AsyncSession, secret: str, now: datetime.datetime) -> tuple[Invitation, User]:
    found = (
        await session.execute(
            select(Invitation, User)
            .join(User, User.id == Invitation.user_id)
            .where(
                Invitation.token_hash == digest(secret),
                Invitation.used_at.is_(None),
                Invitation.expires_at > now,
                User.is_active.is_(True),
            )
        )
    ).first()
    if found is None:
        raise NotFound("invitation")
    return found[0], found[1]


async def invited_user(session: AsyncSession, secret: str, now: datetime.datetime) -> str:
    """The email of the person a live invitation is for; NotFound if it is not one."""
    _invitation, user = await _open_invitation(session, secret, now)
    return user.email


async def accept(
    session: AsyncSession, secret: str, *, password: str, confirmation: str, now: datetime.datetime
) -> str:
    """Set the invited person's password and spend the invitation. Commits. Returns their email."""
    invitation, user = await _open_invitation(session, secret, now)
    force = (
        (await session.execute(select(Force.code, Force.name).where(Force.id == user.force_id))).first()
        if user.force_id
        else None
    )
    errors: dict[str, str] = {}
    if problem := password_problem(
        password, email=user.email, name=user.display_name, force=(force.code, force.name) if force else ()
    ):
        errors["new_password"] = problem
    elif confirmation != password:
        errors["confirmation"] = "The passwords do not match"
    if errors:
        raise ValidationFailed(errors)
    act_as(session, Actor(id=user.id, label=user.email, force_id=user.force_id) if user else SYSTEM)
    user.password_hash = await hash_password_in_thread(password)
    user.must_change_password = False
    invitation.used_at = now
    await record_event(
        session, action="accept_invitation", entity="users", entity_id=str(user.id), force_id=user.force_id
    )
    await session.commit()
    return user.email
