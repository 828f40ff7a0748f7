"""Column types shared by several domains."""

import enum

from sqlalchemy import JSON, Enum, Numeric
from sqlalchemy.dialects import postgresql

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
