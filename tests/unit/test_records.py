"""A record filled from another (quest/records.py): each field from the same-named attribute, but for
those given."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from quest.records import filled


@dataclass(frozen=True, slots=True)
class _Failed:
    id: int
    to: str
    subject: str


def _row(*, recipient: str = "a@example.org", subject: str = "moved") -> SimpleNamespace:
    """A row as a query gives it: attributes by column name, one of them named otherwise than the record's."""
    return SimpleNamespace(id=7, recipient=recipient, subject=subject)


def test_each_field_not_given_is_the_source_attribute_of_the_same_name() -> None:
    row = _row(recipient="pc@example.org", subject="Your idea moved")
    assert filled(_Failed, row, to=row.recipient) == _Failed(id=7, to="pc@example.org", subject="Your idea moved")


def test_a_given_field_wins_over_the_attribute_of_the_same_name() -> None:
    assert filled(_Failed, _row(subject="Old"), to="b@example.org", subject="New").subject == "New"


def test_another_reader_reads_the_attributes_not_given() -> None:
    def twice(row: object, name: str) -> object:
        return getattr(row, name) * 2

    assert filled(_Failed, _row(), twice, to="x") == _Failed(14, "x", "movedmoved")


def test_a_field_the_source_lacks_and_no_one_gives_is_an_error() -> None:
    with pytest.raises(AttributeError, match="to"):
        filled(_Failed, _row())


def test_a_given_name_the_record_does_not_have_is_an_error() -> None:
    with pytest.raises(TypeError, match="recipient"):
        filled(_Failed, _row(), to="x", recipient="y")
