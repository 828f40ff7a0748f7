"""The API's answers (quest/web/api_answers.py): each field given, or taken from the record as JSON
writes it."""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass
from fractions import Fraction

import pytest

from quest.ideas.status import IdeaStatus
from quest.web.api_answers import answer, json_value

ID = uuid.UUID("0190f3c2-7a4b-7c3d-8e9f-0a1b2c3d4e5f")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (ID, "0190f3c2-7a4b-7c3d-8e9f-0a1b2c3d4e5f"),
        (IdeaStatus.UNDER_REVIEW, "under_review"),
        (decimal.Decimal("36.51"), 36.51),
        (Fraction(1, 4), 0.25),
        ((IdeaStatus.SUBMITTED, ID), ["submitted", "0190f3c2-7a4b-7c3d-8e9f-0a1b2c3d4e5f"]),
        ([decimal.Decimal(2)], [2.0]),
        (datetime.date(2026, 11, 23), datetime.date(2026, 11, 23)),
        (None, None),
        (True, True),
        (7, 7),
        ("text", "text"),
    ],
)
def test_json_value_writes_a_record_value_as_the_api_sends_it(value: object, written: object) -> None:
    assert json_value(value) == written
    assert type(json_value(value)) is type(written)


@dataclass(frozen=True, slots=True)
class _Record:
    id: uuid.UUID
    reference: str
    status: IdeaStatus
    hours: decimal.Decimal
    owner_id: uuid.UUID | None


@dataclass(frozen=True)
class _Out:
    id: str
    ref: str
    status: str
    hours: float
    owner_id: str | None


def test_an_answer_takes_each_field_given_and_the_rest_from_the_record_by_name() -> None:
    record = _Record(ID, "LAN-000012", IdeaStatus.APPROVED, decimal.Decimal("1.5"), None)
    made = answer(_Out, record, ref=record.reference)
    assert made == _Out(id=str(ID), ref="LAN-000012", status="approved", hours=1.5, owner_id=None)


def test_a_given_field_wins_over_the_record_attribute_of_the_same_name() -> None:
    record = _Record(ID, "LAN-000012", IdeaStatus.APPROVED, decimal.Decimal("1.5"), ID)
    assert answer(_Out, record, ref="x", hours=2.0).hours == 2.0


def test_an_answer_field_the_record_lacks_and_no_one_gives_is_an_error() -> None:
    @dataclass(frozen=True)
    class Wider(_Out):
        extra: str = ""

    with pytest.raises(AttributeError, match="extra"):
        answer(Wider, _Record(ID, "LAN-000012", IdeaStatus.APPROVED, decimal.Decimal(1), None), ref="x")
