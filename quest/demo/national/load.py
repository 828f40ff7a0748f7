"""Writing the national dataset's rows at the driver's speed: a binary ``COPY`` on PostgreSQL, the
driver's ``executemany`` in one large transaction on SQLite (with pragmas suited to a bulk load, and the
usual ones restored after), and how long each table took, for the progress shown on stderr."""

from __future__ import annotations

import datetime
import decimal
import json
import operator
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from quest.bulk import converter, insert_converted
from quest.demo.national.rows import COLUMNS, Codec, Row
from quest.models import metadata

# While the load runs, SQLite keeps its rollback journal in memory and does not wait for the disk
# after each write: a failed load is rolled back; a crashed one was going into an empty database
# anyway. Foreign keys are checked by the test of the generator, not row by row here.
_BULK_PRAGMAS = {"journal_mode": "MEMORY", "synchronous": "OFF", "foreign_keys": "OFF", "temp_store": "MEMORY"}
_BULK_CACHE_KIB = 1024 * 1024
# The trigger that keeps the ideas' full-text index on SQLite (see the migrations).
_SEARCH_TRIGGER = "ideas_fts_insert"


def _same(value: Any) -> Any:
    return value


def _sqlite_moment(value: datetime.datetime) -> str:
    return value.isoformat(" ", "microseconds")[:26]  # UTC, without its offset


# What the column types' bind processors do to a value, done directly: a tenth of the time for tens of
# millions of values. codec_for checks each against the processor it stands for.
_SQLITE = Codec(
    id=operator.attrgetter("bytes"),
    moment=_sqlite_moment,
    day=datetime.date.isoformat,
    number=float,
    flag=int,
)
_POSTGRES = Codec(id=str, moment=_same, day=_same, number=_same, flag=_same)
CODECS = {"sqlite": _SQLITE, "postgresql": _POSTGRES}
_SAMPLES: dict[str, Any] = {
    "id": uuid.UUID("019ace2f-1b2c-7d3e-8f40-123456789abc"),
    "moment": datetime.datetime(2026, 11, 29, 12, 34, 56, 789, tzinfo=datetime.UTC),
    "day": datetime.date(2026, 11, 29),
    "number": decimal.Decimal("36.51"),
    "flag": True,
}


def codec_for(connection: AsyncConnection) -> Codec:
    """How this engine's driver takes each kind of value, as the columns' own types convert it."""
    dialect = connection.dialect
    ideas = metadata.tables["ideas"]
    processors: dict[str, Callable[[Any], Any]] = {
        "id": converter(ideas, "id", dialect),
        "moment": converter(ideas, "created_at", dialect),
        "day": converter(ideas, "implemented_on", dialect),
        "number": converter(metadata.tables["savings_claims"], "amount_per_year", dialect),
        "flag": converter(metadata.tables["users"], "is_active", dialect),
    }
    codec = CODECS[dialect.name]
    for kind, processor in processors.items():
        sample = _SAMPLES[kind]
        if getattr(codec, kind)(sample) != processor(sample):
            raise RuntimeError(f"The national dataset writes a {kind} unlike the {dialect.name} column type does")
    return codec


@dataclass
class Progress:
    """Rows written and seconds spent writing, a table at a time."""

    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def lines(self) -> list[str]:
        return [f"  {table:<20} {self.rows[table]:>10,} rows {self.seconds[table]:>7.1f} s" for table in self.rows]


@dataclass
class Writer:
    connection: AsyncConnection
    progress: Progress = field(default_factory=Progress)
    # What was set aside for the load, to make again at its end: index (and trigger) definitions.
    set_aside: list[str] = field(default_factory=list)

    async def set_aside_indexes(self) -> None:
        """Drop the loaded tables' secondary indexes (and, on SQLite, the trigger that fills the search
        index row by row), to build them again once, from sorted data, when every row is in: much
        quicker than keeping them up to date a row at a time. Inside the load's transaction, so a failed
        load leaves them as they were."""
        if self.connection.dialect.name == "sqlite":
            found = await self.connection.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                " AND (type = 'index' OR name = ?) AND tbl_name IN (SELECT value FROM json_each(?))",
                (_SEARCH_TRIGGER, json.dumps(list(COLUMNS))),
            )
        else:
            found = await self.connection.exec_driver_sql(
                "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename = ANY($1) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                (list(COLUMNS),),
            )
        listed: list[Any] = list(found)
        for kind, name, definition in listed:
            await self.connection.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
            self.set_aside.append(definition)

    async def restore_indexes(self, say: Callable[[str], None]) -> None:
        """Build again what :meth:`set_aside_indexes` dropped, and fill the search index."""
        started = time.perf_counter()
        if self.connection.dialect.name == "postgresql":
            await self.connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        for definition in self.set_aside:
            await self.connection.exec_driver_sql(definition)
        if self.connection.dialect.name == "sqlite":
            # The ideas' search index, as the trigger would have filled it, in one pass.
            await self.connection.exec_driver_sql("INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild')")
        say(f"indexes: {len(self.set_aside)} built again ({time.perf_counter() - started:.1f} s)")

    async def write(self, table: str, rows: list[Row]) -> None:
        started = time.perf_counter()
        await insert_converted(self.connection, table, COLUMNS[table], rows)
        self.progress.rows[table] += len(rows)
        self.progress.seconds[table] += time.perf_counter() - started


@asynccontextmanager
async def bulk_load(connection: AsyncConnection) -> AsyncIterator[Writer]:
    """A writer on ``connection``; on SQLite, with the bulk-load pragmas set for its lifetime. The caller
    begins and commits the transaction inside."""
    if connection.dialect.name != "sqlite":
        yield Writer(connection)
        return
    raw = (await connection.get_raw_connection()).driver_connection
    if raw is None:
        raise RuntimeError("The connection has no SQLite driver connection under it")
    before = {}
    for name, value in _BULK_PRAGMAS.items():
        before[name] = (await (await raw.execute(f"PRAGMA {name}")).fetchone())[0]
        await raw.execute(f"PRAGMA {name} = {value}")
    cache = (await (await raw.execute("PRAGMA cache_size")).fetchone())[0]
    await raw.execute(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
    try:
        yield Writer(connection)
    finally:
        if connection.in_transaction():
            await connection.rollback()
        for name, value in reversed(before.items()):
            await raw.execute(f"PRAGMA {name} = {value}")
        await raw.execute(f"PRAGMA cache_size = {cache}")
