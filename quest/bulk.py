"""Writing many rows of one table at once, at the speed of the database driver.

SQLAlchemy converts every value of every row through its column's type (a UUID to 16 bytes on SQLite, a
date to text, a Decimal to a number) and builds a parameter set for each row before the driver sees it.
For an import of 20,000 readings that costs more than the database's own work. Most columns of such an
import hold the same value in every row (the measure, who entered it, when), so :func:`insert_rows`
converts those once, converts the columns that vary a column at a time, and hands the driver the rows as
tuples: to PostgreSQL as a binary ``COPY`` (asyncpg's ``copy_records_to_table``), to SQLite through its
own ``executemany``.

It writes in the session's transaction: constraints and triggers apply as to any INSERT, and nothing is
written unless the session commits. It bypasses the ORM, so the audit hook does not see these
rows: the caller writes their audit entry itself (see :mod:`quest.metrics.imports`).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, column, insert, table
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


def converter(target: Table, name: str, dialect: Dialect) -> Callable[[Any], Any]:
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
    await insert_columns(session, target, {name: [row[name] for row in rows] for name in rows[0]}, same=same)


async def insert_columns(
    session: AsyncSession, target: Table, columns: Mapping[str, Sequence[Any]], *, same: Mapping[str, Any]
) -> None:
    """:func:`insert_rows` for rows given a column at a time (every column as long as the others): no
    mapping made for each row, which for a million rows is most of the memory an import holds."""
    count = len(next(iter(columns.values()), ()))
    if not count:
        return
    dialect = session.get_bind().dialect
    with paused_collector():
        values: dict[str, Iterable[Any]] = {
            name: itertools.repeat(converter(target, name, dialect)(value), count) for name, value in same.items()
        }
        for name, column_values in columns.items():
            convert = converter(target, name, dialect)
            values[name] = [convert(value) for value in column_values]
        records = zip(*values.values(), strict=True)
        await insert_converted(await session.connection(), target.name, list(values), records)


async def insert_converted(
    connection: AsyncConnection, name: str, columns: Sequence[str], records: Iterable[tuple[Any, ...]]
) -> None:
    """INSERT ``records``, tuples already in the driver's form (see :func:`converter`) in the order of
    ``columns``, into the table ``name``, in the connection's transaction."""
    if connection.dialect.driver == "asyncpg":
        await _copy(connection, name, columns, records)
    else:
        await _executemany(connection, name, columns, records)


async def _copy(
    connection: AsyncConnection, name: str, columns: Sequence[str], records: Iterable[tuple[Any, ...]]
) -> None:
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is None:
        raise RuntimeError("The session's connection has no asyncpg connection under it")
    if not driver.is_in_transaction():
        # SQLAlchemy's asyncpg adapter sends BEGIN with the first statement; COPY must not run before it,
        # or it would commit on its own.
        await connection.exec_driver_sql("SELECT 1")
    await driver.copy_records_to_table(name, records=records, columns=list(columns))


async def _executemany(
    connection: AsyncConnection, name: str, columns: Sequence[str], records: Iterable[tuple[Any, ...]]
) -> None:
    dialect = connection.dialect
    # Compiled once, for the same table without types, so that nothing is converted twice.
    statement = insert(table(name, *(column(key) for key in columns))).compile(dialect=dialect)
    if not dialect.positional or statement.positiontup != list(columns):
        raise RuntimeError(f"The {dialect.name} driver does not take one positional parameter a column, in order")
    await connection.exec_driver_sql(statement.string, records if isinstance(records, list) else list(records))


@contextlib.contextmanager
def paused_collector() -> Iterator[None]:
    """Python's cyclic garbage collector paused while many rows are read, checked and written: tens of
    thousands of short-lived objects, none in a cycle (reference counting frees them), would each few
    hundred allocations start a collection, and the older generations' walk the whole heap (a third of a
    20,000-row import's time). Nested or overlapping pauses are safe: the one that found the collector
    running turns it back on."""
    paused_here = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused_here:
            gc.enable()
