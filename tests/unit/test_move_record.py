"""What a move of an idea records (quest.ideas.workflow.record_of): one answer for people and the demo."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from quest.ideas.status import IdeaStatus as S
from quest.ideas.workflow import MoveRecord, MoveRequest, check_move, record_of

TODAY = datetime.date(2026, 11, 23)
NOW = datetime.datetime(2026, 11, 23, 9, 30, tzinfo=datetime.UTC)
EARLIER = NOW - datetime.timedelta(days=3)


@dataclass(frozen=True)
class Original:
    id: uuid.UUID
    reference: str
    title: str


def _record(
    current: S,
    request: MoveRequest,
    *,
    responded: datetime.datetime | None = None,
    decided: datetime.datetime | None = None,
    original: Original | None = None,
) -> MoveRecord:
    """What the move records at NOW, on an idea first responded to and decided when given."""
    move, errors = check_move(current, request, TODAY)
    assert move is not None, errors
    return record_of(current, move, now=NOW, first_response_at=responded, decided_at=decided, original=original)


def test_the_first_response_and_the_decision_are_recorded_once_each() -> None:
    review = _record(S.SUBMITTED, MoveRequest("under_review"))
    assert review.values == {"status": S.UNDER_REVIEW, "status_changed_at": NOW, "first_response_at": NOW}
    assert (review.kind, review.body, review.details) == ("status_changed", "", None)
    approve = _record(S.UNDER_REVIEW, MoveRequest("approved", "Try it"), responded=EARLIER)
    assert approve.values == {"status": S.APPROVED, "status_changed_at": NOW, "decided_at": NOW}
    assert approve.body == "Try it"
    # Parked, back under review, then declined: the decision was already recorded, and stays.
    decline = _record(S.UNDER_REVIEW, MoveRequest("declined", "No budget"), responded=EARLIER, decided=EARLIER)
    assert decline.values == {"status": S.DECLINED, "status_changed_at": NOW}


def test_a_duplicate_is_a_decision_and_names_its_original() -> None:
    original = Original(uuid.uuid4(), "LAN-000012", "Call back first")
    request = MoveRequest("duplicate", "Raised twice", duplicate_of="LAN-000012")
    record = _record(S.SUBMITTED, request, original=original)
    assert record.values == {
        "status": S.DUPLICATE,
        "status_changed_at": NOW,
        "first_response_at": NOW,
        "decided_at": NOW,
        "duplicate_of_id": original.id,
    }
    assert record.details == {"duplicate_of": "LAN-000012"}
    assert record.body == "Raised twice\nSame as LAN-000012: Call back first"


def test_implemented_records_the_change_and_what_was_learned() -> None:
    request = MoveRequest("implemented", change_date="2026-06-01", learned="Brief first")
    record = _record(S.IN_PROGRESS, request, responded=EARLIER, decided=EARLIER)
    assert record.values == {
        "status": S.IMPLEMENTED,
        "status_changed_at": NOW,
        "implemented_on": datetime.date(2026, 6, 1),
        "learned": "Brief first",
    }
    assert record.details == {"change_date": "2026-06-01"}
    assert record.body == "Changed on 01 June 2026. What was learned: Brief first"


def test_a_withdrawal_is_the_submitters_own_act_and_neither_a_response_nor_a_decision() -> None:
    record = _record(S.SUBMITTED, MoveRequest("withdrawn", "Raised it twice"))
    assert record.values == {"status": S.WITHDRAWN, "status_changed_at": NOW}
    assert (record.kind, record.body) == ("withdrawn", "Raised it twice")
