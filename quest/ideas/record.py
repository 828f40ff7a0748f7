"""An idea as other domains meet it: who may see its record (whole, or the practice library's view of
it), who may add to it or decide it, its reference, and what is written on it (raising it, its timeline,
and a move along the workflow). Savings, metrics, the demo and the rest of ``quest.ideas`` import these from here,
never from ``quest.ideas.services`` or ``quest.ideas.decisions``: those are the ideas domain's own rooms,
and ``tests/unit/test_seams.py`` keeps other domains out of them.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, and_, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from uuid_utils.compat import uuid7

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.concurrency import changed_once, check_seen
from quest.errors import NotFound
from quest.ideas.models import (
    PROCESS_LENGTH,
    TEXT_LENGTH,
    TITLE_LENGTH,
    ForceCounter,
    Idea,
    IdeaEvent,
    IdeaSupport,
    IdeaWasteType,
)
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import CheckedMove, record_of
from quest.org.models import Force
from quest.rollups import changes
from quest.rollups.models import ResponseKind
from quest.waste.types import WasteType

IDEA_CHANGED = "This idea changed since you opened it. Here it is as it is now: check, then try again."
# An idea as a line of a list (the idea list, triage, My ideas, similar ideas) begins with these.
LISTED = (Idea.id, Idea.reference, Idea.title, Idea.status)
# What an idea says, as its submitter wrote it (and may change while it is submitted).
WORDING = ("title", "problem", "proposal", "expected_benefit", "process")


# --- An idea's wording, as a form, the API or an import gives it -----------------------------------------

BENEFIT_LENGTH = 2000


@dataclass
class IdeaInput:
    """An idea as a form or the API gives it (``quest.ideas.api.IdeaIn``): strings as typed."""

    division_id: str = ""
    title: str = ""
    problem: str = ""
    proposal: str = ""
    waste_types: list[str] = field(default_factory=list)
    process: str = ""
    expected_benefit: str = ""


@dataclass(frozen=True, slots=True)
class CheckedIdea:
    title: str
    problem: str
    proposal: str
    expected_benefit: str
    process: str
    waste_types: tuple[WasteType, ...]


def check_idea(data: IdeaInput) -> tuple[CheckedIdea | None, dict[str, str]]:
    """The idea's fields, cleaned; or what is wrong with them, field by field."""
    errors: dict[str, str] = {}
    title = fields.text(
        data.title, "title", "a short title", limit=TITLE_LENGTH, required=True, errors=errors, lines=True
    )
    problem = fields.text(
        data.problem, "problem", "what happens now", limit=TEXT_LENGTH, required=True, errors=errors, lines=True
    )
    proposal = fields.text(
        data.proposal, "proposal", "what you would change", limit=TEXT_LENGTH, required=True, errors=errors, lines=True
    )
    benefit = fields.text(
        data.expected_benefit,
        "expected_benefit",
        "the expected benefit",
        limit=BENEFIT_LENGTH,
        required=False,
        errors=errors,
        lines=True,
    )
    process = fields.text(
        data.process, "process", "the process", limit=PROCESS_LENGTH, required=False, errors=errors, lines=True
    )
    waste_types: list[WasteType] = []
    for raw in data.waste_types:
        try:
            waste = WasteType(raw)
        except ValueError:
            errors["waste_types"] = "Choose waste types from the list"
            break
        if waste not in waste_types:
            waste_types.append(waste)
    if errors:
        return None, errors
    return CheckedIdea(title, problem, proposal, benefit, process, tuple(waste_types)), {}


class Placed(Protocol):
    """An idea as a row or as the page's detail: its id and where it lies are all these rules need."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def force_id(self) -> uuid.UUID: ...

    @property
    def division_id(self) -> uuid.UUID: ...


# --- Who may see, add to and decide an idea --------------------------------------------------------------


def visible(viewer: CurrentUser) -> ColumnElement[bool]:
    """Ideas the viewer may see: those in reach, and every implemented idea."""
    return or_(
        access.scope(viewer, Permission.VIEW_WORK, force_column=Idea.force_id, division_column=Idea.division_id),
        and_(
            Idea.status == IdeaStatus.IMPLEMENTED,
            access.scope(viewer, Permission.VIEW_LIBRARY, force_column=Idea.force_id, division_column=Idea.division_id),
        ),
    )


def sees_full_record(viewer: CurrentUser, idea: Placed) -> bool:
    """Whether the viewer sees the idea's whole record (its people, comments and savings claims), not
    only the practice library's view of it: those whose VIEW_WORK reach covers its division."""
    return access.covers(viewer, Permission.VIEW_WORK, force_id=idea.force_id, division_id=idea.division_id)


def may_contribute(viewer: CurrentUser, idea: Placed) -> bool:
    return access.covers(viewer, Permission.CONTRIBUTE, force_id=idea.force_id, division_id=idea.division_id)


async def decidable_idea(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> Idea:
    """The idea, if the viewer decides ideas in its division; NotFound otherwise (Forbidden for a role
    that decides no idea anywhere)."""
    access.require(viewer, Permission.DECIDE_IDEAS)
    idea = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if idea is None or not access.covers(
        viewer, Permission.DECIDE_IDEAS, force_id=idea.force_id, division_id=idea.division_id
    ):
        raise NotFound("idea")
    return idea


class Place(NamedTuple):
    """The force and division an idea is raised in (named as the idea's own columns)."""

    force_id: uuid.UUID
    division_id: uuid.UUID


class Proposal(Protocol):
    """What a new idea says: a person's checked idea, the idea an adopting division copies, a demo story."""

    @property
    def title(self) -> str: ...

    @property
    def problem(self) -> str: ...

    @property
    def proposal(self) -> str: ...

    @property
    def expected_benefit(self) -> str: ...

    @property
    def process(self) -> str: ...


# --- Its reference and its timeline ----------------------------------------------------------------------


async def next_reference(connection: AsyncConnection, force_id: uuid.UUID) -> str:
    """The force's next idea reference, like LAN-000123 (:func:`next_references`, one of them)."""
    return (await next_references(connection, force_id, 1))[0]


async def next_references(connection: AsyncConnection, force_id: uuid.UUID, count: int) -> list[str]:
    """The force's next ``count`` idea references, like LAN-000123: one statement that bumps the force's
    counter by ``count`` (making it if the force has none yet) and reads the force's code, in the caller's
    transaction. The counter's
    row stays locked until that transaction ends: every other idea of the force waits for it. A rolled-back
    idea leaves a gap, never a duplicate."""
    # Each engine's INSERT that can say ON CONFLICT DO UPDATE.
    upsert = postgresql_insert(ForceCounter) if connection.dialect.name == "postgresql" else sqlite_insert(ForceCounter)
    code = select(Force.code).where(Force.id == force_id).scalar_subquery()
    bumped = (
        await connection.execute(
            upsert.values(force_id=force_id, name="ideas", value=count)
            .on_conflict_do_update(
                index_elements=[ForceCounter.force_id, ForceCounter.name], set_={"value": ForceCounter.value + count}
            )
            .returning(ForceCounter.value, code)
        )
    ).one()
    last, force_code = bumped
    return [f"{force_code}-{number:06d}" for number in range(last - count + 1, last + 1)]


async def reserve_reference(session: AsyncSession, force_id: uuid.UUID) -> str | None:
    """The force's next idea reference taken ahead of the idea's own transaction, where that shortens a lock;
    None where the idea's transaction should take it itself (:func:`raise_idea` does, given none).

    On PostgreSQL the counter's row would stay locked for the whole of the idea's transaction, every other
    idea of the force waiting for it: it is bumped instead by one statement committed on its own
    (autocommit: no BEGIN or COMMIT sent). An idea that then fails leaves a gap in its force's references,
    never a duplicate. On SQLite a writer locks the whole database until it commits, so a transaction of
    its own would only take that lock twice for each idea. Only for a caller whose own transaction has not
    written (the force and its counter must be committed already)."""
    engine = session.bind
    if not isinstance(engine, AsyncEngine):
        raise TypeError("reserve_reference needs a session bound to an engine, to take a connection of its own")
    if engine.dialect.name != "postgresql":
        return None
    async with engine.connect() as connection:
        autocommitting = await connection.execution_options(isolation_level="AUTOCOMMIT")
        return await next_reference(autocommitting, force_id)


def timeline_entry(
    idea_id: uuid.UUID,
    *,
    kind: str,
    actor_id: uuid.UUID | None,
    now: datetime.datetime,
    body: str = "",
    from_status: IdeaStatus | None = None,
    to_status: IdeaStatus | None = None,
    details: dict[str, Any] | None = None,
) -> IdeaEvent:
    """An entry of the idea's timeline, not yet added to the session."""
    return IdeaEvent(
        idea_id=idea_id,
        occurred_at=now,
        actor_id=actor_id,
        kind=kind,
        body=body,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value if to_status else None,
        details=details,
    )


async def add_event(session: AsyncSession, idea: Idea, **entry: Any) -> IdeaEvent:
    """Put an entry (see :func:`timeline_entry`) on the idea's timeline. Flushes."""
    event = timeline_entry(idea.id, **entry)
    session.add(event)
    await session.flush()
    return event


async def raise_idea(
    session: AsyncSession,
    proposal: Proposal,
    waste_types: Iterable[WasteType],
    *,
    place: Place,
    submitter_id: uuid.UUID,
    now: datetime.datetime,
    owner_id: uuid.UUID | None = None,
    adopted_from: Idea | None = None,
    supporters: Collection[uuid.UUID] = (),
    reference: str | None = None,
) -> tuple[Idea, IdeaEvent]:
    """A new idea of the division ``place``, submitted at ``now`` with the force's next reference, and the
    first entry on its timeline (an adopted idea's says where it came from). The one path by which an idea
    is raised: a person's (:func:`quest.ideas.services.submit_idea`), a division adopting one
    (:func:`quest.ideas.decisions.adopt`) and the demo's back-dated ones (which may start with an owner and
    supporters), with the ``reference`` reserved for it (:func:`reserve_reference`) or the next one taken in
    the session's transaction. Flushes once: the idea, its waste types, its supporters, its first entry and
    their audit rows."""
    reference = reference or await next_reference(await session.connection(), place.force_id)
    idea = Idea(
        id=uuid7(),  # made here, not at the flush, so that its rows can name it in the same flush
        reference=reference,
        **place._asdict(),
        submitter_id=submitter_id,
        owner_id=owner_id,
        **{name: getattr(proposal, name) for name in WORDING},
        status=IdeaStatus.SUBMITTED,
        status_changed_at=now,
        supporter_count=len(supporters),
        # The app's clock, not the database's: SLA ages and medians are measured on it.
        created_at=now,
        updated_at=now,
        adopted_from_id=adopted_from.id if adopted_from else None,
    )
    event = timeline_entry(
        idea.id,
        kind="submitted",
        actor_id=submitter_id,
        now=now,
        to_status=IdeaStatus.SUBMITTED,
        body=f"Adopted from {adopted_from.reference}" if adopted_from else "",
        details={"adopted_from": adopted_from.reference} if adopted_from else None,
    )
    session.add_all(
        [
            idea,
            *(IdeaWasteType(idea_id=idea.id, waste_type=waste) for waste in waste_types),
            *(IdeaSupport(idea_id=idea.id, user_id=user_id, created_at=now) for user_id in supporters),
            event,
        ]
    )
    await session.flush()
    await changes.idea_raised(session, idea)  # last: its row is the division's, shared by every submission
    return idea, event


async def change_idea(session: AsyncSession, idea: Idea, seen: int | None, values: dict[str, Any]) -> None:
    """Apply ``values`` only if nobody changed the idea since ``seen``; Conflict otherwise."""
    check_seen(idea, seen, IDEA_CHANGED)
    for name, value in values.items():
        setattr(idea, name, value)
    await changed_once(session, idea, IDEA_CHANGED)


async def record_move(
    session: AsyncSession,
    idea: Idea,
    move: CheckedMove,
    *,
    actor_id: uuid.UUID | None,
    now: datetime.datetime,
    original: Idea | None = None,
) -> IdeaEvent:
    """Apply a checked move to the idea at ``now`` and put it on the idea's timeline, as the workflow says
    (:func:`~quest.ideas.workflow.record_of`); a duplicate's backers move to its original. Conflict if
    another change to the idea lands first. The one path for every move: a person's
    (:func:`quest.ideas.decisions.move_idea`, which has checked the version they saw), and the demo's
    back-dated history. Flushes; the caller tells people and commits."""
    current, decided_before = idea.status, idea.decided_at
    record = record_of(
        current,
        move,
        now=now,
        first_response_at=idea.first_response_at,
        decided_at=decided_before,
        original=original,
    )
    await change_idea(session, idea, None, record.values)
    if original is not None:
        await _move_supporters(session, idea, original, now)
    await changes.idea_moved(session, idea, current, decided_before)
    for kind, name in ((ResponseKind.FIRST_RESPONSE, "first_response_at"), (ResponseKind.DECISION, "decided_at")):
        if name in record.values:
            await changes.idea_answered(session, idea, kind, record.values[name])
    return await add_event(
        session,
        idea,
        kind=record.kind,
        actor_id=actor_id,
        now=now,
        body=record.body,
        from_status=current,
        to_status=move.to,
        details=record.details,
    )


async def _move_supporters(session: AsyncSession, duplicate: Idea, original: Idea, now: datetime.datetime) -> None:
    """The duplicate's supporters (and its submitter) back the original instead, once each."""
    backers = set(
        (await session.execute(select(IdeaSupport.user_id).where(IdeaSupport.idea_id == duplicate.id))).scalars()
    )
    backers.add(duplicate.submitter_id)
    backers.discard(original.submitter_id)
    already = set(
        (await session.execute(select(IdeaSupport.user_id).where(IdeaSupport.idea_id == original.id))).scalars()
    )
    new = sorted(backers - already)
    if new:
        await session.execute(
            insert(IdeaSupport), [{"idea_id": original.id, "user_id": user_id, "created_at": now} for user_id in new]
        )
        await session.execute(
            update(Idea).where(Idea.id == original.id).values(supporter_count=Idea.supporter_count + len(new))
        )
