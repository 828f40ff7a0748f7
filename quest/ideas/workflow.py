"""The moves an idea may make (DESIGN §2), and what each move needs. Pure: no I/O.

| from | allowed moves |
| --- | --- |
| submitted | under_review, declined, duplicate, parked; withdrawn (by its submitter alone) |
| under_review | approved, declined, duplicate, parked |
| parked | under_review |
| approved | in_progress, declined |
| in_progress | implemented, declined |

- withdrawn is the submitter's move and no one else's; every other move is the division's managers';
- declined, parked and withdrawn need a reason; duplicate names the original idea;
- implemented records the date of the change and what was learned;
- a withdrawal is not a decline: it is neither a first response nor a decision, so it counts in no
  decline rate, response median or SLA.
- what a move records (the idea's new values and its entry on the timeline) is :func:`record_of`'s to
  say, for every move: a person's, and the demo's back-dated history alike.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from quest import fields
from quest.ideas.status import IdeaStatus

S = IdeaStatus
MOVES: dict[IdeaStatus, frozenset[IdeaStatus]] = {
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.DECLINED, S.DUPLICATE, S.PARKED, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.APPROVED, S.DECLINED, S.DUPLICATE, S.PARKED}),
    S.PARKED: frozenset({S.UNDER_REVIEW}),
    S.APPROVED: frozenset({S.IN_PROGRESS, S.DECLINED}),
    S.IN_PROGRESS: frozenset({S.IMPLEMENTED, S.DECLINED}),
    S.IMPLEMENTED: frozenset(),
    S.DECLINED: frozenset(),
    S.DUPLICATE: frozenset(),
    S.WITHDRAWN: frozenset(),
}
# The moves that belong to the person who raised the idea; the rest belong to its division's managers.
SUBMITTER_MOVES = frozenset({S.WITHDRAWN})
# Reaching one of these is the idea's decision (DESIGN §2, the decision SLA).
DECISIONS = frozenset({S.APPROVED, S.DECLINED, S.DUPLICATE})
NEEDS_A_REASON = frozenset({S.DECLINED, S.PARKED, S.WITHDRAWN})
REASON_LENGTH = 2000

# What each move is called on a button.
VERBS = {
    S.UNDER_REVIEW: "Start reviewing",
    S.APPROVED: "Approve",
    S.IN_PROGRESS: "Start work",
    S.IMPLEMENTED: "Mark as implemented",
    S.DECLINED: "Decline",
    S.DUPLICATE: "Mark as a duplicate",
    S.PARKED: "Park",
    S.WITHDRAWN: "Withdraw",
}


@dataclass(frozen=True, slots=True)
class MoveRequest:
    """A move as asked for: strings as typed."""

    to: str
    reason: str = ""
    duplicate_of: str = ""
    change_date: str = ""
    learned: str = ""


@dataclass(frozen=True, slots=True)
class CheckedMove:
    to: IdeaStatus
    reason: str
    duplicate_of: str
    change_date: datetime.date | None
    learned: str


def allowed_moves(current: IdeaStatus, *, submitter: bool = False) -> list[IdeaStatus]:
    """The moves open from ``current`` to the idea's managers (or, with ``submitter``, to the person who
    raised it), in the order the statuses are listed."""
    theirs = SUBMITTER_MOVES if submitter else frozenset(IdeaStatus) - SUBMITTER_MOVES
    return [status for status in IdeaStatus if status in MOVES[current] & theirs]


def is_closed_move(current: IdeaStatus, to: str) -> bool:
    """Whether ``to`` names a status, but not one an idea that is ``current`` may move to: refused because
    of the idea's state, not because of what was asked (the API answers 409, not 422)."""
    try:
        return IdeaStatus(to) not in MOVES[current]
    except ValueError:
        return False


def mover_refusal(current: IdeaStatus, to: str, *, raised_it: bool, decides_it: bool) -> str | None:
    """Why this person may not make this move, or None. Only a move open from ``current`` is judged here
    (any other is refused by :func:`check_move`): the submitter's moves are theirs alone, the rest the
    managers'. Someone both raised and decides an idea (a manager's own idea) may make either kind."""
    try:
        target = IdeaStatus(to)
    except ValueError:
        return None
    if target not in MOVES[current]:
        return None
    if target in SUBMITTER_MOVES:
        return None if raised_it else "Only the person who raised an idea may withdraw it"
    return None if decides_it else "Only the idea’s division’s managers may move it"


def is_first_response(current: IdeaStatus, target: IdeaStatus) -> bool:
    """Whether this move is the managers' first response (DESIGN §2, the first-response SLA): leaving
    ``submitted``, except by the submitter's own withdrawal."""
    return current is S.SUBMITTED and target not in SUBMITTER_MOVES


def is_decision(target: IdeaStatus) -> bool:
    """Whether reaching ``target`` decides the idea (the decision SLA). Withdrawal never does."""
    return target in DECISIONS


def check_move(
    current: IdeaStatus, request: MoveRequest, today: datetime.date
) -> tuple[CheckedMove | None, dict[str, str]]:
    """Whether the move is allowed and has what it needs; errors name the field to put right."""
    try:
        target = IdeaStatus(request.to)
    except ValueError:
        return None, {"to": "Choose what happens to the idea"}
    if target not in MOVES[current]:
        return None, {"to": f"An idea that is {current.label.lower()} cannot be moved to {target.label.lower()}"}
    errors: dict[str, str] = {}
    reason = request.reason.strip()
    if target is S.WITHDRAWN and not reason:
        errors["reason"] = "Say why you are withdrawing your idea: its followers will see this"
    elif target in NEEDS_A_REASON and not reason:
        errors["reason"] = f"Say why the idea is {target.label.lower()}: the person who raised it will see this"
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = f"The reason must be {REASON_LENGTH:,} characters or fewer"
    duplicate_of = request.duplicate_of.strip().upper()
    if target is S.DUPLICATE and not duplicate_of:
        errors["duplicate_of"] = "Enter the reference of the original idea, like LAN-000123"
    change_date = None
    learned = request.learned.strip()
    if target is S.IMPLEMENTED:
        not_given = "Enter the date the change was made, like 2026-11-23"
        change_date = fields.date(
            request.change_date,
            "change_date",
            "the date of the change",
            missing=not_given,
            invalid=not_given,
            today=today,
            earliest=None,
            errors=errors,
        )
        if not learned:
            errors["learned"] = "Say what was learned, so other divisions can repeat it"
        elif len(learned) > REASON_LENGTH:
            errors["learned"] = f"What was learned must be {REASON_LENGTH:,} characters or fewer"
    if errors:
        return None, errors
    return CheckedMove(target, reason, duplicate_of, change_date, learned), {}


class Original(Protocol):
    """The idea a duplicate repeats."""

    id: uuid.UUID
    reference: str
    title: str


@dataclass(frozen=True, slots=True)
class MoveRecord:
    """What a move writes: the idea's new values, and its entry on the timeline."""

    values: dict[str, Any]
    kind: str
    body: str
    details: dict[str, Any] | None


def record_of(
    current: IdeaStatus,
    move: CheckedMove,
    *,
    now: datetime.datetime,
    first_response_at: datetime.datetime | None,
    decided_at: datetime.datetime | None,
    original: Original | None = None,
) -> MoveRecord:
    """What moving an idea from ``current`` records at ``now``: its status and when it changed; the first
    response and the decision, the first time each happens; the change and what was learned; the
    original of a duplicate. A withdrawal is worded on the timeline as the submitter's own act."""
    values: dict[str, Any] = {"status": move.to, "status_changed_at": now}
    if is_first_response(current, move.to) and first_response_at is None:
        values["first_response_at"] = now
    if is_decision(move.to) and decided_at is None:
        values["decided_at"] = now
    details: dict[str, Any] | None = None
    body = move.reason
    if move.to is S.IMPLEMENTED:
        values["implemented_on"] = move.change_date
        values["learned"] = move.learned
        details = {"change_date": move.change_date.isoformat() if move.change_date else None}
        body = (
            f"Changed on {move.change_date:%d %B %Y}. What was learned: {move.learned}"
            if move.change_date
            else move.learned
        )
    if original is not None:
        values["duplicate_of_id"] = original.id
        details = {"duplicate_of": original.reference}
        body = (move.reason + "\n" if move.reason else "") + f"Same as {original.reference}: {original.title}"
    kind = "withdrawn" if move.to is S.WITHDRAWN else "status_changed"
    return MoveRecord(values, kind, body, details)
