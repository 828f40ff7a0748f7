"""Who is told what: the submitter and the followers of an idea hear of every move and comment, except
the person who made it; a force's validators hear of every saving claimed in their force; a division's
managers hear when an idea's improvement starts slipping."""

from __future__ import annotations

import datetime
import enum
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ScalarSelect, Select, SQLColumnExpression, func, insert, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.accounts.roles import Role
from quest.ideas.models import Idea, IdeaEvent, IdeaFollower
from quest.notifications import email
from quest.notifications.models import Notification
from quest.paging import Paged

PER_PAGE = 50


class Audience(enum.Enum):
    """Who hears of an event on an idea; each one's value is why they are told, as their email says."""

    # The idea's submitter and followers: every move and comment.
    FOLLOWERS = "You are told because you raised or follow this idea."
    # The active validators of the idea's force: each saving claimed on it.
    VALIDATORS = "You are told because you validate savings in this force."
    # The active managers of the idea's division: an improvement that no longer holds.
    MANAGERS = "You are told because you manage this idea's division."


async def notify(
    session: AsyncSession,
    audience: Audience,
    idea: Idea,
    *,
    event: IdeaEvent,
    actor_id: uuid.UUID | None,
    now: datetime.datetime,
    already_told: Collection[uuid.UUID] = (),
) -> list[uuid.UUID]:
    """Tell ``audience`` of ``event`` on ``idea``, in the caller's transaction: a notification each, and an
    email when a mailer is set up; never the person who made it, nor anyone ``already_told``. Returns who
    was told."""
    recipients = sorted(await _members(session, audience, idea) - {actor_id} - set(already_told))
    if not recipients:
        return recipients
    mailer = email.current_mailer()
    if mailer is not None:
        await _queue_emails(session, mailer.base_url, idea.id, event, actor_id, recipients, audience.value, now)
    await session.execute(
        insert(Notification),
        [
            {"user_id": user_id, "idea_id": idea.id, "event_id": event.id, "created_at": now, "read_at": None}
            for user_id in recipients
        ],
    )
    return recipients


async def _members(session: AsyncSession, audience: Audience, idea: Idea) -> set[uuid.UUID]:
    if audience is Audience.FOLLOWERS:
        followers = select(IdeaFollower.user_id).where(IdeaFollower.idea_id == idea.id)
        return {idea.submitter_id, *(await session.execute(followers)).scalars()}
    if audience is Audience.MANAGERS:
        managers = select(User.id).where(
            User.division_id == idea.division_id, User.role == Role.MANAGER, User.is_active.is_(True)
        )
        return set((await session.execute(managers)).scalars())
    validators = select(User.id).where(
        User.force_id == idea.force_id, User.role == Role.VALIDATOR, User.is_active.is_(True)
    )
    return set((await session.execute(validators)).scalars())


def describe(kind: str, to_status: str | None, actor_name: str | None) -> str:
    """What happened, in words: "Inspector Shah moved it to approved"."""
    who = actor_name or "QUEST"
    if kind == "commented":
        return f"{who} commented"
    if kind == "withdrawn":
        return f"{who} withdrew it"
    if kind == "owner_assigned":
        return f"{who} assigned an owner"
    if kind == "adopted":
        return f"{who}'s division adopted it"
    if kind == "slipping":
        return "Its improvement is slipping"
    if kind.startswith("saving_"):
        return f"{who} {kind.removeprefix('saving_')} a saving"
    if to_status:
        return f"{who} moved it to {to_status.replace('_', ' ')}"
    return f"{who}: {kind.replace('_', ' ')}"


async def _queue_emails(
    session: AsyncSession,
    base_url: str,
    idea_id: uuid.UUID,
    event: IdeaEvent,
    actor_id: uuid.UUID | None,
    recipients: list[uuid.UUID],
    why: str,
    now: datetime.datetime,
) -> None:
    idea = (await session.execute(select(Idea.reference, Idea.title).where(Idea.id == idea_id))).one()
    actor_name = (
        (await session.execute(select(User.display_name).where(User.id == actor_id))).scalar_one_or_none()
        if actor_id
        else None
    )
    addresses = (
        await session.execute(select(User.email).where(User.id.in_(recipients), User.is_active.is_(True)))
    ).scalars()
    what = describe(event.kind, event.to_status, actor_name)
    body = "\n\n".join(
        part
        for part in (
            f"{idea.reference}: {idea.title}",
            f"{what}.",
            f"“{event.body}”" if event.body else "",
            f"See it in QUEST: {base_url}/ideas/{idea.reference}",
            why,
        )
        if part
    )
    await email.queue(
        session,
        [email.Email(to=address, subject=f"{idea.reference}: {what}", body=body) for address in addresses],
        now,
    )


def unread_count_of(user_id: SQLColumnExpression[uuid.UUID] | uuid.UUID) -> ScalarSelect[int]:
    """How many notifications the user ``user_id`` has not read, as a column of any statement: a page's
    header reads it in the statement that finds who is signed in (see :mod:`quest.app`)."""
    return (
        select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


async def unread_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    return int((await session.execute(select(unread_count_of(user_id)))).scalar_one())


@dataclass(frozen=True, slots=True)
class NotificationRow:
    id: uuid.UUID
    created_at: datetime.datetime
    read: bool
    idea_id: uuid.UUID
    reference: str
    title: str
    kind: str
    to_status: str | None
    body: str
    actor_name: str | None


def _notifications(viewer: CurrentUser, unread_only: bool) -> Select[*tuple[Any, ...]]:
    """The viewer's notifications (only those not yet read, with ``unread_only``), newest first."""
    unread = Notification.read_at.is_(None) if unread_only else true()
    return (
        select(
            Notification.id,
            Notification.created_at,
            Notification.read_at.is_not(None).label("read"),
            Idea.id.label("idea_id"),
            Idea.reference,
            Idea.title,
            IdeaEvent.kind,
            IdeaEvent.to_status,
            IdeaEvent.body,
            User.display_name.label("actor_name"),
        )
        .join(Idea, Idea.id == Notification.idea_id)
        .join(IdeaEvent, IdeaEvent.id == Notification.event_id)
        .outerjoin(User, User.id == IdeaEvent.actor_id)
        .where(Notification.user_id == viewer.id, unread)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


async def list_notifications(
    session: AsyncSession, viewer: CurrentUser, *, unread_only: bool = False, limit: int = PER_PAGE
) -> list[NotificationRow]:
    """The viewer's latest notifications (only those not yet read, with ``unread_only``), newest first."""
    rows = await session.execute(_notifications(viewer, unread_only).limit(limit))
    return [NotificationRow(**row._asdict()) for row in rows]


async def page_of_notifications(
    session: AsyncSession, viewer: CurrentUser, page: int, per_page: int, *, unread_only: bool = False
) -> tuple[list[NotificationRow], Paged]:
    """Page ``page`` of the viewer's notifications, ``per_page`` a page, newest first; and how many there are."""
    statement = _notifications(viewer, unread_only)
    total = (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()
    rows = await session.execute(statement.limit(per_page).offset((page - 1) * per_page))
    return [NotificationRow(**row._asdict()) for row in rows], Paged(total=total, page=page, per_page=per_page)


async def mark_all_read(session: AsyncSession, viewer: CurrentUser, now: datetime.datetime) -> int:
    """Mark every notification of the viewer's not yet read as read at ``now``; how many there were."""
    marked = await session.execute(
        update(Notification)
        .where(Notification.user_id == viewer.id, Notification.read_at.is_(None))
        .values(read_at=now)
        .returning(Notification.id)
    )
    count = len(marked.all())
    await session.commit()
    return count
