"""Ideas: submitting, reading, searching, editing, commenting, supporting, following. (Withdrawing is a
move along the workflow, the submitter's own: quest.ideas.decisions.move_idea.)

Who may see an idea: anyone whose reach for VIEW_WORK covers its division, and everyone signed in once it
is implemented (the practice library, DESIGN §3: VIEW_LIBRARY). Those who see it only through the library
get the library view of it: no names of people, no comments, no savings claims' details
(:func:`sees_full_record`). Who may act on it: CONTRIBUTE in its division.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.audit.recorder import act_as, record_event
from quest.audit.refusals import not_found
from quest.concurrency import changed_once
from quest.db import reading
from quest.errors import NotFound, RefusedInThisState, ValidationFailed, refused
from quest.ideas import search
from quest.ideas.filters import IdeaFilters, conditions_of, order_of
from quest.ideas.models import (
    Idea,
    IdeaEvent,
    IdeaFollower,
    IdeaSupport,
    IdeaWasteType,
)
from quest.ideas.record import (
    IDEA_CHANGED,
    LISTED,
    WORDING,
    IdeaInput,
    Place,
    add_event,
    check_idea,
    may_contribute,
    raise_idea,
    reserve_reference,
    sees_full_record,
    visible,
)
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import allowed_moves
from quest.notifications.services import Audience, notify
from quest.org.models import Division, Force, ForceSettings
from quest.org.services import contributing_division
from quest.org.settings import remember_settings
from quest.paging import Paged, count_up_to
from quest.records import filled
from quest.waste.types import WasteType

IDEAS_PER_PAGE = 50
# A list of more ideas than this says "more than 10,000 ideas" instead of counting every one on every page
# (a national list holds a million): see quest.paging.
COUNT_LIMIT = 10_000
COMMENT_LENGTH = 2000
SIMILAR_LIMIT = 5
# Ideas that are no longer live are not offered as "similar": nobody can support a closed idea.
_CLOSED = (IdeaStatus.DECLINED, IdeaStatus.DUPLICATE, IdeaStatus.WITHDRAWN)


# --- Input ------------------------------------------------------------------------------------------------


# --- Reading ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    occurred_at: datetime.datetime
    kind: str
    actor_name: str | None
    from_status: IdeaStatus | None
    to_status: IdeaStatus | None
    body: str


@dataclass(frozen=True, slots=True)
class IdeaDetail:
    id: uuid.UUID
    reference: str
    force_id: uuid.UUID
    division_id: uuid.UUID
    division_name: str
    force_code: str
    submitter_id: uuid.UUID
    submitter_name: str | None  # None in the library view
    owner_name: str | None
    title: str
    problem: str
    proposal: str
    expected_benefit: str
    process: str
    status: IdeaStatus
    waste_types: tuple[WasteType, ...]
    supporter_count: int
    created_at: datetime.datetime
    timeline: tuple[TimelineEntry, ...]
    viewer_supports: bool
    viewer_follows: bool
    viewer_may_contribute: bool
    viewer_is_submitter: bool
    version: int
    owner_id: uuid.UUID | None = None
    implemented_on: datetime.date | None = None
    learned: str = ""
    # What its manager wrote of it for the force's public results page (an implemented idea's).
    public_summary: str = ""
    adopted_from_id: uuid.UUID | None = None
    # The reference of the idea it was adopted from.
    adopted_from: str | None = None
    # Seen only through the practice library: no people's names, no comments, status moves alone.
    library_view: bool = False

    @property
    def editable_by_viewer(self) -> bool:
        return self.viewer_is_submitter and self.status is IdeaStatus.SUBMITTED

    @property
    def withdrawable_by_viewer(self) -> bool:
        return self.viewer_is_submitter and IdeaStatus.WITHDRAWN in allowed_moves(self.status, submitter=True)


async def _waste_types_of(session: AsyncSession, idea_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[WasteType]]:
    found: dict[uuid.UUID, list[WasteType]] = {}
    if not idea_ids:
        return found
    rows = await session.execute(
        select(IdeaWasteType.idea_id, IdeaWasteType.waste_type).where(IdeaWasteType.idea_id.in_(idea_ids))
    )
    for idea_id, waste in rows:
        found.setdefault(idea_id, []).append(waste)
    order = list(WasteType)
    return {idea_id: sorted(wastes, key=order.index) for idea_id, wastes in found.items()}


async def get_idea(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> IdeaDetail:
    """An idea with its timeline; :class:`NotFound` unless the viewer may see it."""
    return await _detail(session, viewer, Idea.id == idea_id)


async def idea_by_reference(session: AsyncSession, viewer: CurrentUser, reference: str) -> IdeaDetail:
    """:func:`get_idea` by the idea's reference (refused as :func:`find_by_reference` refuses)."""
    return await _detail(session, viewer, Idea.reference == reference.upper())


async def _detail(session: AsyncSession, viewer: CurrentUser, which: ColumnElement[bool]) -> IdeaDetail:
    """The idea ``which`` names, its people, its waste types, the reference of the idea it was adopted
    from, whether the viewer supports and follows it, and its force's settings (kept for the request:
    its ledger needs them), in one statement; its timeline in another."""
    submitter = aliased(User)
    owner = aliased(User)
    original = aliased(Idea)
    row = (
        await session.execute(
            select(
                Idea,
                Division.name,
                Force.code,
                submitter.display_name,
                owner.display_name,
                exists().where(IdeaSupport.idea_id == Idea.id, IdeaSupport.user_id == viewer.id),
                exists().where(IdeaFollower.idea_id == Idea.id, IdeaFollower.user_id == viewer.id),
                select(func.aggregate_strings(IdeaWasteType.waste_type, " "))
                .where(IdeaWasteType.idea_id == Idea.id)
                .scalar_subquery(),
                original.reference,
                ForceSettings,
            )
            .join(Division, Division.id == Idea.division_id)
            .join(Force, Force.id == Idea.force_id)
            .join(submitter, submitter.id == Idea.submitter_id)
            .outerjoin(owner, owner.id == Idea.owner_id)
            .outerjoin(original, original.id == Idea.adopted_from_id)
            .outerjoin(ForceSettings, ForceSettings.force_id == Idea.force_id)
            .where(which, visible(viewer))
        )
    ).first()
    if row is None:
        raise await not_found(session, Idea.id, Permission.VIEW_WORK, which)
    idea, division_name, force_code, submitter_name, owner_name, supports, follows, wastes, adopted_from, found = row
    remember_settings(session, idea.force_id, found)
    full_record = sees_full_record(viewer, idea)
    events = await session.execute(
        select(IdeaEvent, User.display_name)
        .outerjoin(User, User.id == IdeaEvent.actor_id)
        .where(IdeaEvent.idea_id == idea.id)
        .order_by(IdeaEvent.occurred_at, IdeaEvent.id)
    )
    timeline = tuple(
        TimelineEntry(
            occurred_at=event.occurred_at,
            kind=event.kind,
            # The library view: when it moved, and where to; not who moved it, nor what they wrote.
            actor_name=actor_name if full_record else None,
            from_status=IdeaStatus(event.from_status) if event.from_status else None,
            to_status=IdeaStatus(event.to_status) if event.to_status else None,
            body=event.body if full_record else "",
        )
        for event, actor_name in events
        if full_record or event.to_status
    )
    return filled(
        IdeaDetail,
        idea,
        division_name=division_name,
        force_code=force_code,
        submitter_name=submitter_name if full_record else None,
        owner_name=owner_name if full_record else None,
        waste_types=tuple(sorted((WasteType(waste) for waste in (wastes or "").split()), key=list(WasteType).index)),
        timeline=timeline,
        viewer_supports=bool(supports),
        viewer_follows=bool(follows),
        viewer_may_contribute=may_contribute(viewer, idea),
        viewer_is_submitter=idea.submitter_id == viewer.id,
        adopted_from=adopted_from,
        library_view=not full_record,
    )


async def find_by_reference(session: AsyncSession, viewer: CurrentUser, reference: str) -> uuid.UUID:
    found = (
        await session.execute(select(Idea.id).where(Idea.reference == reference.upper(), visible(viewer)))
    ).scalar_one_or_none()
    if found is None:
        raise await not_found(session, Idea.id, Permission.VIEW_WORK, Idea.reference == reference.upper())
    return found


@dataclass(frozen=True, slots=True)
class IdeaRow:
    id: uuid.UUID
    reference: str
    title: str
    status: IdeaStatus
    division_name: str
    force_code: str
    process: str
    supporter_count: int
    created_at: datetime.datetime
    status_changed_at: datetime.datetime
    waste_types: tuple[WasteType, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class IdeaPage(Paged):
    ideas: list[IdeaRow]
    per_page: int = IDEAS_PER_PAGE


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _rows(conditions: list[ColumnElement[bool]], filters: IdeaFilters) -> Select[*tuple[Any, ...]]:
    """The list's rows, in the filters' order."""
    return (
        select(
            *LISTED,
            Division.name.label("division_name"),
            Force.code.label("force_code"),
            Idea.process,
            Idea.supporter_count,
            Idea.created_at,
            Idea.status_changed_at,
        )
        .join(Division, Division.id == Idea.division_id)
        .join(Force, Force.id == Idea.force_id)
        .where(*conditions)
        .order_by(*order_of(filters.sort))
    )


async def _listed(session: AsyncSession, statement: Select[*tuple[Any, ...]]) -> list[IdeaRow]:
    rows = (await session.execute(statement)).all()
    wastes = await _waste_types_of(session, [row.id for row in rows])
    return [IdeaRow(**row._asdict(), waste_types=tuple(wastes.get(row.id, []))) for row in rows]


async def list_ideas(
    session: AsyncSession, viewer: CurrentUser, filters: IdeaFilters, page: int = 1, per_page: int | None = None
) -> IdeaPage:
    """One page of the ideas the filters choose, counted up to :data:`COUNT_LIMIT` (a national list is
    "more than 10,000 ideas", and whether a page follows is read with the page)."""
    access.require(viewer, Permission.VIEW_WORK)
    conditions = await conditions_of(session, viewer, filters)
    total, counted_all = await count_up_to(session, select(Idea.id).where(*conditions), COUNT_LIMIT)
    page, per_page = max(1, page), per_page or IDEAS_PER_PAGE
    ideas = await _listed(session, _rows(conditions, filters).limit(per_page + 1).offset((page - 1) * per_page))
    return IdeaPage(
        ideas=ideas[:per_page],
        total=total,
        page=page,
        per_page=per_page,
        counted_all=counted_all,
        more_after=len(ideas) > per_page,
    )


@dataclass(frozen=True, slots=True)
class SimilarIdea:
    id: uuid.UUID
    reference: str
    title: str
    status: IdeaStatus
    division_name: str
    supporter_count: int
    viewer_supports: bool


async def similar_ideas(
    session: AsyncSession, viewer: CurrentUser, text: str, *, exclude: uuid.UUID | None = None
) -> list[SimilarIdea]:
    """Live ideas in the viewer's force that share words with ``text``, best match first."""
    if viewer.force_id is None:
        return []
    statement = (
        select(
            *LISTED,
            Division.name.label("division_name"),
            Idea.supporter_count,
            exists().where(IdeaSupport.idea_id == Idea.id, IdeaSupport.user_id == viewer.id).label("viewer_supports"),
        )
        .join(Division, Division.id == Idea.division_id)
        .where(Idea.force_id == viewer.force_id, Idea.status.not_in(_CLOSED), visible(viewer))
    )
    if exclude is not None:
        statement = statement.where(Idea.id != exclude)
    searched = search.within_force(statement, _dialect(session), text, viewer.force_id)
    if searched is None:
        return []
    statement, relevance = searched
    rows = await session.execute(statement.order_by(relevance).limit(SIMILAR_LIMIT))
    return [SimilarIdea(**row._asdict()) for row in rows]


# --- Writing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submitted:
    id: uuid.UUID
    reference: str


async def submit_idea(
    session: AsyncSession,
    viewer: CurrentUser,
    data: IdeaInput,
    now: datetime.datetime,
    *,
    from_waste: uuid.UUID | None = None,
) -> Submitted:
    """Record a new idea in the viewer's division. Commits."""
    access.require(viewer, Permission.CONTRIBUTE)
    checked, errors = check_idea(data)
    with reading():
        place = await contributing_division(session, viewer, data.division_id, errors)
        if from_waste is not None and not await _waste_in_reach(session, viewer, from_waste):
            errors["from_waste"] = "There is no waste observation of this id within your reach"
    if checked is None or place is None or errors:
        raise refused(errors, references={"division_id", "from_waste"})
    # The lookup's transaction ends here, and the writing one begins at its first write (BEGIN IMMEDIATE on
    # SQLite, which other writers then wait for), with the reference reserved already (PostgreSQL) or taken
    # first thing (SQLite): one flush, then commit.
    await session.commit()
    reference = await reserve_reference(session, place[0])
    act_as(session, viewer.actor)
    idea, _submitted = await raise_idea(
        session, checked, checked.waste_types, place=Place(*place), submitter_id=viewer.id, now=now, reference=reference
    )
    if from_waste is not None:
        from quest.waste.services import link_to_idea

        await link_to_idea(session, viewer, from_waste, idea.id)
    await session.commit()
    return Submitted(idea.id, idea.reference)


async def _waste_in_reach(session: AsyncSession, viewer: CurrentUser, waste_id: uuid.UUID) -> bool:
    """Whether the observation an idea is raised from is one the viewer may see (checked before anything
    is written, so that a wrong one stops the idea, not only its link)."""
    from quest.waste.services import get_waste

    try:
        await get_waste(session, viewer, waste_id)
    except NotFound:
        return False
    return True


async def _own_submitted_idea(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> Idea:
    access.require(viewer, Permission.CONTRIBUTE)
    idea = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if idea is None or idea.submitter_id != viewer.id:
        raise NotFound("idea")
    if idea.status is not IdeaStatus.SUBMITTED:
        raise RefusedInThisState({"status": "You can only change or withdraw an idea before it is reviewed"})
    return idea


async def edit_idea(
    session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, data: IdeaInput, now: datetime.datetime
) -> None:
    """The submitter changes their idea while it is still submitted. Commits."""
    idea = await _own_submitted_idea(session, viewer, idea_id)
    checked, errors = check_idea(data)
    if checked is None:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    changed = [name for name in WORDING if getattr(idea, name) != getattr(checked, name)]
    for name in changed:
        setattr(idea, name, getattr(checked, name))
    current = set((await _waste_types_of(session, [idea.id])).get(idea.id, []))
    if current != set(checked.waste_types):
        changed.append("waste_types")
        await session.execute(delete(IdeaWasteType).where(IdeaWasteType.idea_id == idea.id))
        session.add_all(IdeaWasteType(idea_id=idea.id, waste_type=waste) for waste in checked.waste_types)
    if changed:
        await changed_once(session, idea, IDEA_CHANGED)
        await add_event(session, idea, kind="edited", actor_id=viewer.id, now=now, details={"changed": changed})
    await session.commit()


async def _contributable_idea(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> Idea:
    idea = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if idea is None:
        raise await not_found(session, Idea.id, Permission.CONTRIBUTE, Idea.id == idea_id)
    access.require_record(
        viewer,
        Permission.CONTRIBUTE,
        entity="ideas",
        entity_id=idea.id,
        force_id=idea.force_id,
        division_id=idea.division_id,
    )
    return idea


async def add_comment(
    session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, body: str, now: datetime.datetime
) -> None:
    """Comment on an idea; its submitter and followers are told. Commits."""
    idea = await _contributable_idea(session, viewer, idea_id)
    body = body.strip().replace("\r\n", "\n")
    if not body:
        raise ValidationFailed({"body": "Enter a comment"})
    if len(body) > COMMENT_LENGTH:
        raise ValidationFailed({"body": f"Comment must be {COMMENT_LENGTH:,} characters or fewer"})
    act_as(session, viewer.actor)
    event = await add_event(session, idea, kind="commented", actor_id=viewer.id, now=now, body=body)
    await record_event(
        session,
        action="commented",
        entity="ideas",
        entity_id=str(idea.id),
        force_id=idea.force_id,
        after={"comment": body, "idea_event_id": str(event.id)},
    )
    await notify(session, Audience.FOLLOWERS, idea, event=event, actor_id=viewer.id, now=now)
    await session.commit()


async def set_support(
    session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, *, support: bool, now: datetime.datetime
) -> int:
    """Support an idea (once per person, and not one's own), or take support back. Returns the new count.
    Commits."""
    idea = await _contributable_idea(session, viewer, idea_id)
    if support and idea.submitter_id == viewer.id:
        raise RefusedInThisState({"support": "You raised this idea: ask colleagues to support it"})
    already = (
        await session.execute(select(exists().where(IdeaSupport.idea_id == idea.id, IdeaSupport.user_id == viewer.id)))
    ).scalar_one()
    act_as(session, viewer.actor)
    if support and not already:
        session.add(IdeaSupport(idea_id=idea.id, user_id=viewer.id, created_at=now))
        await session.execute(update(Idea).where(Idea.id == idea.id).values(supporter_count=Idea.supporter_count + 1))
        await _record_on_idea(session, idea, "supported")
    elif not support and already:
        await session.execute(
            delete(IdeaSupport).where(IdeaSupport.idea_id == idea.id, IdeaSupport.user_id == viewer.id)
        )
        await session.execute(update(Idea).where(Idea.id == idea.id).values(supporter_count=Idea.supporter_count - 1))
        await _record_on_idea(session, idea, "support_withdrawn")
    await session.commit()
    return int((await session.execute(select(Idea.supporter_count).where(Idea.id == idea.id))).scalar_one())


async def set_follow(
    session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, *, follow: bool, now: datetime.datetime
) -> None:
    """Follow an idea (be told when it moves or someone comments), or stop. Commits."""
    idea = await _contributable_idea(session, viewer, idea_id)
    following = (
        await session.execute(
            select(exists().where(IdeaFollower.idea_id == idea.id, IdeaFollower.user_id == viewer.id))
        )
    ).scalar_one()
    act_as(session, viewer.actor)
    if follow and not following:
        session.add(IdeaFollower(idea_id=idea.id, user_id=viewer.id, created_at=now))
        await _record_on_idea(session, idea, "followed")
    elif not follow and following:
        await session.execute(
            delete(IdeaFollower).where(IdeaFollower.idea_id == idea.id, IdeaFollower.user_id == viewer.id)
        )
        await _record_on_idea(session, idea, "unfollowed")
    await session.commit()


async def _record_on_idea(session: AsyncSession, idea: Idea, action: str) -> None:
    """Support and follows are rows of their own, not audited models (taking support back deletes one in
    bulk): the trail gets one entry on the idea, in the same transaction."""
    await record_event(session, action=action, entity="ideas", entity_id=str(idea.id), force_id=idea.force_id)


# --- My ideas ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MyIdea:
    id: uuid.UUID
    reference: str
    title: str
    status: IdeaStatus
    created_at: datetime.datetime
    latest_kind: str
    latest_at: datetime.datetime
    latest_body: str
    latest_actor: str | None


async def my_ideas(session: AsyncSession, viewer: CurrentUser) -> list[MyIdea]:
    """Every idea the viewer raised, with its latest event and the reason given, newest change first."""
    latest = (
        select(IdeaEvent.idea_id, func.max(IdeaEvent.occurred_at).label("latest_at"))
        .join(Idea, Idea.id == IdeaEvent.idea_id)
        .where(Idea.submitter_id == viewer.id)
        .group_by(IdeaEvent.idea_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            *LISTED,
            Idea.created_at,
            IdeaEvent.kind,
            IdeaEvent.occurred_at,
            IdeaEvent.body,
            User.display_name,
        )
        .join(latest, latest.c.idea_id == Idea.id)
        .join(IdeaEvent, (IdeaEvent.idea_id == Idea.id) & (IdeaEvent.occurred_at == latest.c.latest_at))
        .outerjoin(User, User.id == IdeaEvent.actor_id)
        .where(Idea.submitter_id == viewer.id)
        .order_by(IdeaEvent.occurred_at.desc(), Idea.reference.desc())
    )
    seen: set[uuid.UUID] = set()
    found = []
    for row in rows:
        if row[0] in seen:  # two events at the same instant: keep one
            continue
        seen.add(row[0])
        found.append(MyIdea(*row))
    return found
