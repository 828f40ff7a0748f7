"""The national dataset's rows, made the quick way, are what the slow, obvious way makes: an audit
document is the JSON of its values as the audit trail keeps them, and every backlog count is dated and
stamped as its day converts."""

from __future__ import annotations

import datetime
import decimal
import json
import random
import uuid

import pytest

from quest.demo.national import rows as made
from quest.demo.national.load import CODECS
from quest.ideas.status import IdeaStatus


def test_an_audit_document_is_the_json_of_its_values_as_the_audit_trail_keeps_them() -> None:
    values = {
        "id": uuid.UUID("019ace2f-1b2c-7d3e-8f40-123456789abc"),
        "amount": decimal.Decimal("-1234.50"),
        "at": datetime.datetime(2026, 11, 29, 8, 0, 0, 1, tzinfo=datetime.UTC),
        "on the hour": datetime.datetime(2026, 11, 29, 8, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 2, 1),
        "version": 3,
        "active": True,
        "closed": False,
        "owner": None,
        "status": IdeaStatus.UNDER_REVIEW,
        "note": 'He said "no" \\ café\nagain',
        "empty": "",
    }

    document = made._document(values)

    assert document == json.dumps({key: made._text(value) for key, value in values.items()})
    assert json.loads(document)["note"] == values["note"]


@pytest.mark.parametrize("engine", sorted(CODECS))
def test_every_backlog_count_is_dated_and_stamped_as_its_day_converts(engine: str) -> None:
    codec = CODECS[engine]
    place = made.Place("XX", "BCU01", uuid.uuid4(), uuid.uuid4(), decimal.Decimal(400))
    first_day = datetime.date(2024, 2, 26)  # a Monday, and a leap year's February
    rows = made.Rows()

    made.backlogs(
        rows, codec, random.Random(1), place, first_day, 10, datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )

    readings = rows.tables["readings"]
    assert len(readings) == 3 * 10
    for index, (_metric, day, _value, _by, entered, _force) in enumerate(readings):
        expected = first_day + datetime.timedelta(days=index % 10)
        assert day == codec.day(expected)
        assert entered == codec.moment(datetime.datetime.combine(expected, datetime.time(8), tzinfo=datetime.UTC))
