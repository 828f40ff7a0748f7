"""Reading a part of the audit pack a batch of rows at a time, so that a worker holds one batch, never a
force's year: the rows come from the database as they are asked for (a server-side cursor on PostgreSQL,
SQLite's cursor stepped a batch at a time), and each batch is written out before the next is read."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

# Rows a batch: enough that a statement's round trips are few, few enough that a batch's rows, and the
# evidence worked out for them, stay a few megabytes.
BATCH_ROWS = 1000


async def in_batches(session: AsyncSession, statement: Select[*tuple[Any, ...]]) -> AsyncIterator[Sequence[Any]]:
    """The rows of ``statement``, :data:`BATCH_ROWS` at a time, in its order."""
    result = await session.stream(statement.execution_options(yield_per=BATCH_ROWS))
    try:
        async for batch in result.partitions(BATCH_ROWS):
            yield batch
    finally:
        await result.close()
