"""Deciding and running ideas: moves along the workflow, owners, duplicates, adoption, and the response
SLA (DESIGN §2). Managers act in their own division, and the person who raised an idea may withdraw it;
everything is on the idea's timeline and told to its submitter and followers.

Two people acting on the same idea at once cannot both win: every change raises the idea's ``version``
(:mod:`quest.concurrency`), and the loser gets :class:`~quest.errors.Conflict`.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.accounts.roles import Role
from quest.audit.recorder import act_as
from quest.concurrency import check_seen
from quest.dashboards.response_times import medians
from quest.errors import Forbidden, NotFound, RefusedInThisState, UnknownReference, ValidationFailed
from quest.ideas.models import PUBLIC_SUMMARY_LENGTH, Idea, IdeaWasteType
from quest.ideas.record import (
    IDEA_CHANGED,
    LISTED,
    Place,
    add_event,
    change_idea,
    decidable_idea,
    raise_idea,
    record_move,
    visible,
)
from quest.ideas.response_sla import AWAITING_DECISION, Deadlines, deadlines, overdue_clauses, sla_flags
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import CheckedMove, MoveRequest, check_move, is_closed_move, mover_refusal
from quest.notifications.services import Audience, notify
from quest.org.models import Division, Force
from quest.org.settings import Sla, sla_of
from quest.paging import Paged

# --- Moving an idea ------------------------------------------------------------------------------------


async def _movable_idea(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> tuple[Idea, bool, bool]:
    """The idea, with whether the viewer raised it and whether they decide it; NotFound if neither."""
    idea = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if idea is None:
        raise NotFound("idea")
    raised_it = idea.submitter_id == viewer.id
    decides_it = access.covers(viewer, Permission.DECIDE_IDEAS, force_id=idea.force_id, division_id=idea.division_id)
    if not (raised_it or decides_it):
        raise NotFound("idea")
    return idea, raised_it, decides_it


async def move_idea(
    session: AsyncSession,
    viewer: CurrentUser,
    idea_id: uuid.UUID,
    request: MoveRequest,
    *,
    seen_version: int | None,
    now: datetime.datetime,
    today: datetime.date,
) -> IdeaStatus:
    """Move an idea along the workflow: a manager of its division, or its submitter withdrawing it.
    Commits. Returns the new status."""
    idea, raised_it, decides_it = await _movable_idea(session, viewer, idea_id)
    check_seen(idea, seen_version, IDEA_CHANGED)  # judged against what they saw, the move may not make sense
    current = idea.status
    refusal = mover_refusal(current, request.to, raised_it=raised_it, decides_it=decides_it)
    if refusal is not None:
        raise Forbidden(reason=refusal)
    move, errors = check_move(current, request, today)
    original = None
    if move is not None and move.to is IdeaStatus.DUPLICATE:
        original = await _original(session, viewer, idea, move)
    if move is None:
        raise (RefusedInThisState if is_closed_move(current, request.to) else ValidationFailed)(errors)
    act_as(session, viewer.actor)
    event = await record_move(session, idea, move, actor_id=viewer.id, now=now, original=original)
    await notify(session, Audience.FOLLOWERS, idea, event=event, actor_id=viewer.id, now=now)
    await session.commit()
    return move.to


async def _original(session: AsyncSession, viewer: CurrentUser, idea: Idea, move: CheckedMove) -> Idea:
    original = (
        await session.execute(
            select(Idea).where(Idea.reference == move.duplicate_of, Idea.force_id == idea.force_id, visible(viewer))
        )
    ).scalar_one_or_none()
    if original is None:
        raise UnknownReference({"duplicate_of": f"There is no idea {move.duplicate_of} in this force"})
    if original.id == idea.id:
        raise RefusedInThisState({"duplicate_of": "An idea cannot duplicate itself"})
    if original.status is IdeaStatus.DUPLICATE:
        raise RefusedInThisState({"duplicate_of": f"{original.reference} is itself a duplicate: name its original"})
    return original


# --- Owners --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Colleague:
    id: uuid.UUID
    display_name: str


async def possible_owners(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> list[Colleague]:
    idea = await decidable_idea(session, viewer, idea_id)
    return await owners_in(session, idea.division_id)


async def owners_in(session: AsyncSession, division_id: uuid.UUID) -> list[Colleague]:
    """Who may own an idea of the division (for one the caller knows the viewer decides)."""
    rows = await session.execute(
        select(User.id, User.display_name)
        .where(User.division_id == division_id, User.is_active.is_(True), User.role.in_((Role.STAFF, Role.MANAGER)))
        .order_by(User.display_name)
    )
    return [Colleague(*row) for row in rows]


async def assign_owner(
    session: AsyncSession,
    viewer: CurrentUser,
    idea_id: uuid.UUID,
    owner_id: uuid.UUID | None,
    *,
    seen_version: int | None,
    now: datetime.datetime,
) -> str | None:
    """Make a colleague of the idea's division its owner. Commits. Returns the owner's name."""
    idea = await decidable_idea(session, viewer, idea_id)
    owners = {colleague.id: colleague for colleague in await possible_owners(session, viewer, idea_id)}
    if owner_id is None or owner_id not in owners:
        # An id that names nobody who may own it is a reference to no such record (the API's 409).
        problem = {"owner_id": "Choose someone in the idea’s division"}
        raise ValidationFailed(problem) if owner_id is None else UnknownReference(problem)
    act_as(session, viewer.actor)
    await change_idea(session, idea, seen_version, {"owner_id": owner_id})
    name = owners[owner_id].display_name
    event = await add_event(session, idea, kind="owner_assigned", actor_id=viewer.id, now=now, body=f"Owner: {name}")
    await notify(session, Audience.FOLLOWERS, idea, event=event, actor_id=viewer.id, now=now)
    await session.commit()
    return name


# --- The summary for the public -------------------------------------------------------------------------


async def write_public_summary(
    session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, summary: str, *, seen_version: int | None
) -> str:
    """What the force's public results page says of an implemented idea besides its title, written by a
    manager of its division for the public (empty: nothing is said). Only an implemented idea is on that
    page. Commits; the change is audited. Returns the summary as kept."""
    idea = await decidable_idea(session, viewer, idea_id)
    if idea.status is not IdeaStatus.IMPLEMENTED:
        raise RefusedInThisState({"public_summary": "Only an implemented idea has a summary for the public"})
    errors: dict[str, str] = {}
    text = fields.text(
        summary,
        "public_summary",
        "the summary for the public",
        limit=PUBLIC_SUMMARY_LENGTH,
        errors=errors,
        required=False,
        lines=True,
    )
    if errors:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    await change_idea(session, idea, seen_version, {"public_summary": text})
    await session.commit()
    return text


# --- Adoption ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Adoption:
    reference: str
    division_name: str
    force_code: str
    status: IdeaStatus


async def adopt(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, now: datetime.datetime) -> str:
    """Adopt an implemented idea from elsewhere in one's own division: a new idea, linked to the original,
    so headquarters can see what spread. Commits. Returns the new idea's reference."""
    access.require(viewer, Permission.CONTRIBUTE)
    original = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if original is None:
        raise NotFound("idea")
    if original.status is not IdeaStatus.IMPLEMENTED:
        raise RefusedInThisState({"adopt": "Only an implemented idea can be adopted"})
    if original.division_id == viewer.division_id:
        raise RefusedInThisState({"adopt": "This idea is already your division's"})
    if viewer.division_id is None or viewer.force_id is None:
        raise Forbidden(reason="Only someone in a division can adopt an idea")
    if (
        await session.execute(
            select(exists().where(Idea.adopted_from_id == original.id, Idea.division_id == viewer.division_id))
        )
    ).scalar_one():
        raise RefusedInThisState({"adopt": "Your division has already adopted this idea"})
    wastes = (
        await session.execute(select(IdeaWasteType.waste_type).where(IdeaWasteType.idea_id == original.id))
    ).scalars()
    act_as(session, viewer.actor)
    adopted, _submitted = await raise_idea(
        session,
        original,
        wastes,
        place=Place(viewer.force_id, viewer.division_id),
        submitter_id=viewer.id,
        now=now,
        adopted_from=original,
    )
    division = (await session.execute(select(Division.name).where(Division.id == viewer.division_id))).scalar_one()
    event = await add_event(
        session,
        original,
        kind="adopted",
        actor_id=viewer.id,
        now=now,
        body=f"Adopted by {division} as {adopted.reference}",
        details={"adopted_as": adopted.reference},
    )
    await notify(session, Audience.FOLLOWERS, original, event=event, actor_id=viewer.id, now=now)
    await session.commit()
    return adopted.reference


async def spread(session: AsyncSession, idea_id: uuid.UUID) -> list[Adoption]:
    """Where an idea was adopted (references are not personal data: shown to whoever sees the idea)."""
    rows = await session.execute(
        select(Idea.reference, Division.name, Force.code, Idea.status)
        .join(Division, Division.id == Idea.division_id)
        .join(Force, Force.id == Idea.force_id)
        .where(Idea.adopted_from_id == idea_id)
        .order_by(Idea.created_at)
    )
    return [Adoption(*row) for row in rows]


# --- Triage --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TriageIdea:
    id: uuid.UUID
    reference: str
    title: str
    status: IdeaStatus
    created_at: datetime.datetime
    owner_name: str | None
    supporter_count: int
    first_response_overdue: bool
    decision_overdue: bool
    age_days: int
    version: int


@dataclass(frozen=True, slots=True)
class TriageGroup:
    """One status of the open ideas: how many there are in all, and those on the page shown."""

    status: IdeaStatus
    total: int
    ideas: list[TriageIdea]


@dataclass(frozen=True, slots=True, kw_only=True)
class Triage(Paged):
    groups: list[TriageGroup]
    sla: Sla
    overdue_first_response: int
    overdue_decision: int
    median_days_to_first_response: float | None
    median_days_to_decision: float | None


@dataclass(frozen=True, slots=True)
class Waiting:
    """The ideas waiting for a first response or a decision (a manager's home): the first few, overdue
    first and then the oldest; how many wait in all, and how many of them are overdue."""

    ideas: list[TriageIdea]
    total: int
    overdue: int
    sla: Sla


OPEN_STATUSES = (
    IdeaStatus.SUBMITTED,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.PARKED,
    IdeaStatus.APPROVED,
    IdeaStatus.IN_PROGRESS,
)
TRIAGE_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class _StatusCount:
    total: int
    first_response_overdue: int
    decision_overdue: int
    overdue: int  # either


def _decided_here(viewer: CurrentUser) -> ColumnElement[bool]:
    access.require(viewer, Permission.DECIDE_IDEAS)
    return access.scope(viewer, Permission.DECIDE_IDEAS, force_column=Idea.force_id, division_column=Idea.division_id)


async def _status_counts(
    session: AsyncSession, in_reach: ColumnElement[bool], statuses: tuple[IdeaStatus, ...], due: Deadlines
) -> dict[IdeaStatus, _StatusCount]:
    """How many ideas of each status there are, and how many are overdue: counted in the database (the
    division's index on status and creation time answers it), whatever their number."""
    first, decision = overdue_clauses(due)
    rows = await session.execute(
        select(
            Idea.status,
            func.count(),
            func.count().filter(first),
            func.count().filter(decision),
            func.count().filter(or_(first, decision)),
        )
        .where(in_reach, Idea.status.in_(statuses))
        .group_by(Idea.status)
    )
    counted = {row[0]: _StatusCount(*row[1:]) for row in rows}
    return {status: counted.get(status, _StatusCount(0, 0, 0, 0)) for status in statuses}


def _triage_ideas(in_reach: ColumnElement[bool], statuses: tuple[IdeaStatus, ...]) -> Select[*tuple[Any, ...]]:
    return (
        select(*LISTED, Idea.created_at, User.display_name.label("owner_name"), Idea.supporter_count, Idea.version)
        .outerjoin(User, User.id == Idea.owner_id)
        .where(in_reach, Idea.status.in_(statuses))
    )


def _triage_idea(row: Row[Any], now: datetime.datetime, sla: Sla) -> TriageIdea:
    first, decision = sla_flags(row.status, row.created_at, now, sla)
    return TriageIdea(
        **row._asdict(), first_response_overdue=first, decision_overdue=decision, age_days=(now - row.created_at).days
    )


async def triage(
    session: AsyncSession, viewer: CurrentUser, now: datetime.datetime, page: int = 1, per_page: int | None = None
) -> Triage:
    """The open ideas a manager decides, by status and oldest first, a page at a time (``per_page`` of
    them, :data:`TRIAGE_PER_PAGE` unless asked), with their SLA flags; how many there are of each status,
    how many are overdue, and the medians, over them all."""
    per_page = per_page or TRIAGE_PER_PAGE
    in_reach = _decided_here(viewer)
    sla = await sla_of(session, viewer.force_id)
    counts = await _status_counts(session, in_reach, OPEN_STATUSES, deadlines(now, sla))
    total = sum(count.total for count in counts.values())
    page = min(page, max(1, -(-total // per_page)))
    in_order = case({status: place for place, status in enumerate(OPEN_STATUSES)}, value=Idea.status)
    rows = await session.execute(
        _triage_ideas(in_reach, OPEN_STATUSES)
        .order_by(in_order, Idea.created_at, Idea.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    shown: dict[IdeaStatus, list[TriageIdea]] = {status: [] for status in OPEN_STATUSES}
    for row in rows:
        shown[row.status].append(_triage_idea(row, now, sla))
    times = await medians(session, in_reach)
    return Triage(
        total=total,
        page=page,
        per_page=per_page,
        groups=[TriageGroup(status, counts[status].total, shown[status]) for status in OPEN_STATUSES],
        sla=sla,
        overdue_first_response=sum(count.first_response_overdue for count in counts.values()),
        overdue_decision=sum(count.decision_overdue for count in counts.values()),
        median_days_to_first_response=times.median_days_to_first_response,
        median_days_to_decision=times.median_days_to_decision,
    )


async def waiting(session: AsyncSession, viewer: CurrentUser, now: datetime.datetime, shown: int) -> Waiting:
    """The ideas of the manager's division that wait for a first response or a decision: the first
    ``shown`` of them, overdue first (the SLA is already broken), then the oldest."""
    in_reach = _decided_here(viewer)
    sla = await sla_of(session, viewer.force_id)
    due = deadlines(now, sla)
    counts = await _status_counts(session, in_reach, AWAITING_DECISION, due)
    overdue = or_(*overdue_clauses(due))
    rows = await session.execute(
        _triage_ideas(in_reach, AWAITING_DECISION)
        .order_by(case((overdue, 0), else_=1), Idea.created_at, Idea.id)
        .limit(shown)
    )
    return Waiting(
        ideas=[_triage_idea(row, now, sla) for row in rows],
        total=sum(count.total for count in counts.values()),
        overdue=sum(count.overdue for count in counts.values()),
        sla=sla,
    )
