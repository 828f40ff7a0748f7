"""Writing many rows of one table at once, at the speed of the database driver.

SQLAlchemy converts every value of every row through its column's type (a UUID to 16 bytes on SQLite, a
date to text, a Decimal to a number) and builds a parameter set for each row before the driver sees it.
For an import of 20,000 readings that costs more than the database's own work. Most columns of such an
import hold the same value in every row (the measure, who entered it, when), so :func:`insert_rows`
converts those once, converts the columns that vary a column at a time, and hands the driver's own
executemany the rows as tuples.

It is a plain INSERT in the session's transaction: constraints and triggers apply as to any other, and
nothing is written unless the session commits. It bypasses the ORM, so the audit hook does not see these
rows: the caller writes their audit entry itself (see :mod:`quest.metrics.imports`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, column, insert, table
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession


def _converter(target: Table, name: str, dialect: Dialect) -> Callable[[Any], Any]:
    """What the column's type does to a Python value before the driver gets it."""
    processor = target.c[name].type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return lambda value: value
    return lambda value: None if value is None else processor(value)


async def insert_rows(
    session: AsyncSession, target: Table, rows: Sequence[Mapping[str, Any]], *, same: Mapping[str, Any]
) -> None:
    """INSERT ``rows`` into ``target``, each with the columns in ``same`` as well. Every row must name the
    same columns. Columns with defaults in Python (an id made by the model) must be given."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    values: dict[str, Iterable[Any]] = {
        name: itertools.repeat(_converter(target, name, dialect)(value), len(rows)) for name, value in same.items()
    }
    for name in rows[0]:
        convert = _converter(target, name, dialect)
        values[name] = [convert(row[name]) for row in rows]
    # Compiled once, for the same table without types, so that nothing is converted twice.
    statement = insert(table(target.name, *(column(name) for name in values))).compile(dialect=dialect)
    order = statement.positiontup
    if not dialect.positional or order is None or sorted(order) != sorted(values):
        raise RuntimeError(f"The {dialect.name} driver does not take one positional parameter a column")
    connection = await session.connection()
    await connection.exec_driver_sql(statement.string, list(zip(*(values[name] for name in order), strict=True)))
