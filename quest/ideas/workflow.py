"""The moves an idea may make (DESIGN §2), and what each move needs. Pure: no I/O.

| from | allowed moves |
| --- | --- |
| submitted | under_review, declined, duplicate, parked |
| under_review | approved, declined, duplicate, parked |
| parked | under_review |
| approved | in_progress, declined |
| in_progress | implemented, declined |

- declined and parked need a reason; duplicate names the original idea;
- implemented records the date of the change and what was learned.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from quest.ideas.status import IdeaStatus

S = IdeaStatus
MOVES: dict[IdeaStatus, frozenset[IdeaStatus]] = {
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.DECLINED, S.DUPLICATE, S.PARKED}),
    S.UNDER_REVIEW: frozenset({S.APPROVED, S.DECLINED, S.DUPLICATE, S.PARKED}),
    S.PARKED: frozenset({S.UNDER_REVIEW}),
    S.APPROVED: frozenset({S.IN_PROGRESS, S.DECLINED}),
    S.IN_PROGRESS: frozenset({S.IMPLEMENTED, S.DECLINED}),
    S.IMPLEMENTED: frozenset(),
    S.DECLINED: frozenset(),
    S.DUPLICATE: frozenset(),
}
# Reaching one of these is the idea's decision (DESIGN §2, the decision SLA).
DECISIONS = frozenset({S.APPROVED, S.DECLINED, S.DUPLICATE})
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


def allowed_moves(current: IdeaStatus) -> list[IdeaStatus]:
    """The moves open from ``current``, in the order the statuses are listed."""
    return [status for status in IdeaStatus if status in MOVES[current]]


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
    if target in (S.DECLINED, S.PARKED) and not reason:
        errors["reason"] = f"Say why the idea is {target.label.lower()}: the person who raised it will see this"
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = f"The reason must be {REASON_LENGTH:,} characters or fewer"
    duplicate_of = request.duplicate_of.strip().upper()
    if target is S.DUPLICATE and not duplicate_of:
        errors["duplicate_of"] = "Enter the reference of the original idea, like LAN-000123"
    change_date = None
    learned = request.learned.strip()
    if target is S.IMPLEMENTED:
        try:
            change_date = datetime.date.fromisoformat(request.change_date.strip())
        except ValueError:
            errors["change_date"] = "Enter the date the change was made, like 2026-11-23"
        else:
            if change_date > today:
                errors["change_date"] = "The date of the change must be today or in the past"
        if not learned:
            errors["learned"] = "Say what was learned, so other divisions can repeat it"
        elif len(learned) > REASON_LENGTH:
            errors["learned"] = f"What was learned must be {REASON_LENGTH:,} characters or fewer"
    if errors:
        return None, errors
    return CheckedMove(target, reason, duplicate_of, change_date, learned), {}
