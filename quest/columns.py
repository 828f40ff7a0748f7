"""Column types shared by several domains."""

import enum
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Enum, Numeric, String
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine.interfaces import ExecutionContext
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from quest.text import matching_key

# A JSON document: JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JSONDocument = JSON().with_variant(postgresql.JSONB(), "postgresql")

# Full-time equivalents, held exactly to two decimal places.
FTE = Numeric(10, 2)


def enum_column(kind: type[enum.StrEnum], name: str, length: int | None = None) -> Enum:
    """A string column holding one of an enumeration's values, with a CHECK constraint listing them."""
    return Enum(
        kind,
        native_enum=False,
        create_constraint=True,
        length=length or max(len(member.value) for member in kind),
        name=name,
        values_callable=lambda members: [member.value for member in members],
    )


def matching_key_of(column: str) -> Callable[[ExecutionContext], str]:
    """The default of a column that holds :func:`quest.text.matching_key` of another column, set as a row
    is inserted (by the ORM or a Core insert alike), so it never has to be remembered. For a column
    whose source is never changed afterwards (a claim's mechanism, a measure's name)."""

    def key(context: ExecutionContext) -> str:
        return matching_key(str(context.get_current_parameters()[column]))  # type: ignore[attr-defined]

    return key


class UuidText(FunctionElement[str]):
    """A UUID column as text the way Python writes one (``str(uuid)``: lower-case hex in groups of 8-4-4-4-12),
    as the audit log keeps the ids of what it records (``audit_log.entity_id``): so a query can join the log
    to the records it mentions on its index. PostgreSQL casts its uuid; SQLite spells out the 16 bytes
    Advanced Alchemy keeps."""

    type = String()
    name = "uuid_text"
    inherit_cache = True


@compiles(UuidText)
def _uuid_text(element: UuidText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


@compiles(UuidText, "sqlite")
def _uuid_text_sqlite(element: UuidText, compiler: SQLCompiler, **kw: Any) -> str:
    hexadecimal = f"lower(hex({compiler.process(element.clauses, **kw)}))"
    groups = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    return " || '-' || ".join(f"substr({hexadecimal}, {start}, {length})" for start, length in groups)
