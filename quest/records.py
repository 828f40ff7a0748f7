"""A record filled from another: each field of a dataclass from the same-named attribute of a row, an ORM
object or another record, but for the fields given.

So where a service turns what it read into what it returns, it names only what it renames or computes;
a field the source lacks and no one gives is an error (``AttributeError``), as is a given name the
dataclass does not have (``TypeError``).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Record = TypeVar("Record", bound="DataclassInstance")


def filled(kind: type[Record], source: object, read: Callable[[object, str], Any] = getattr, /, **given: Any) -> Record:
    """A ``kind``: the fields ``given``, and every other from ``read(source, name)`` (the attribute of the
    same name, unless another ``read`` is passed)."""
    copied = {name: read(source, name) for name in _field_names(kind) if name not in given}
    return kind(**copied, **given)


@functools.cache
def _field_names(kind: type[DataclassInstance]) -> tuple[str, ...]:
    """A dataclass's field names, asked for once (``dataclasses.fields`` builds its answer on each call:
    a ledger fills tens of thousands of records)."""
    return tuple(field.name for field in dataclasses.fields(kind))
