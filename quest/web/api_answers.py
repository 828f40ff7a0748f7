"""The JSON API's answers, made from what the services return.

An answer's dataclass (``IdeaOut``, ``ClaimOut``, ...) declares every field the API sends and its type,
which the OpenAPI schema shows. :func:`answer` fills it: each field the handler gives, and every other
from the record's attribute of the same name, written as JSON writes it (:func:`json_value`). So an
answer's converter names only what it renames or words differently.
"""

from __future__ import annotations

import decimal
import enum
import uuid
from fractions import Fraction
from typing import Any

from quest.records import Record, filled


def json_value(value: Any) -> Any:
    """A record's value as the API writes it: an id as its text, a choice (an enum) as its value, a
    Decimal or a fraction as a JSON number, a tuple or list item by item; anything else as it is."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal | Fraction):
        return float(value)
    if isinstance(value, tuple | list):
        return [json_value(item) for item in value]
    return value


def answer(kind: type[Record], record: object, **given: Any) -> Record:
    """An answer of type ``kind``: the fields ``given``, and the rest from ``record``'s attributes of the
    same names, through :func:`json_value`."""
    return filled(kind, record, _json_attribute, **given)


def _json_attribute(record: object, name: str) -> Any:
    return json_value(getattr(record, name))
