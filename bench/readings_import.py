"""Benchmark: importing readings (DESIGN §7: at least 50,000 rows/s, and within 2× of a bare bulk insert).

Imports 20,000 daily readings (the most one import takes) into one measure as the readings page's "Save"
button does: the checked rows come back from the preview as CSV text, and
``quest.metrics.imports.save_import`` parses them, checks every row, compares it with what is stored,
writes in bulk with its audit entry, and commits. Beside it, the floor, measured in the same run: the same
rows written by the bare bulk insert (``quest.bulk.insert_rows``) without parsing, checks, comparison or
audit. The floor writes as the import does, by the fastest bulk insert of each engine: a binary COPY on
PostgreSQL, the driver's own executemany on SQLite. Both pay the same per-row checks of the readings'
keys. For reference, a third line: the same INSERT through SQLAlchemy's Core ``executemany``, which
converts every value of every row through its column type. Each run gets a fresh measure; every run is
printed, then the best of each.

A fourth line measures the path of ``quest import readings FILE`` (and of the import page and API): the same
rows as a CSV file naming force, division and measure, read, checked under its header, compared and
written by :func:`quest.imports.services.run_import`. ``bench/import_memory.py`` runs that path on a
million rows and measures its memory.

Readings may not be dated before 2000, and 20,000 days from then run to 2054, so the import is told that
"today" is the day after the last reading. Nothing else differs from a manager's import.

    .venv/bin/python bench/readings_import.py                 # SQLite, in a temporary folder
    QUEST_BENCH_DATABASE_URL=postgresql+asyncpg://postgres@localhost/quest_bench \\
        .venv/bin/python bench/readings_import.py             # SQLite, then that PostgreSQL database
    .venv/bin/python bench/readings_import.py --profile page  # where an import's time goes (SQLite)
    .venv/bin/python bench/readings_import.py --profile file  # the same for a file (quest import)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime
import decimal
import os
import pstats
import random
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest import migrations
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.accounts.sessions import as_current_user
from quest.bulk import insert_rows
from quest.config import Settings, default_database_url
from quest.db import open_database, writing
from quest.demo.seed import seed_small
from quest.imports.services import read_rows, run_import
from quest.imports.sheets import SheetRow
from quest.metrics import imports, services
from quest.metrics.models import READINGS, Metric, Reading
from quest.org.models import Force
from quest.rollups.models import ReadingsByWeek

ROWS = imports.MAX_ROWS
ROUNDS = 5
FIRST_DAY = datetime.date(2000, 1, 1)
MANAGER = "manager@lancashire.example"
NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


def sheet_rows() -> list[SheetRow]:
    """20,000 days of counts: row number, ISO date, value."""
    draw = random.Random(1)
    return [
        SheetRow(number, ((FIRST_DAY + datetime.timedelta(days=number - 1)).isoformat(), str(draw.randint(0, 400))))
        for number in range(1, ROWS + 1)
    ]


async def manager(session_maker: async_sessionmaker[AsyncSession]) -> CurrentUser:
    async with session_maker() as session:
        user, force_code = (
            await session.execute(
                select(User, Force.code).outerjoin(Force, Force.id == User.force_id).where(User.email == MANAGER)
            )
        ).one()
        return as_current_user(user, force_code)


async def new_measure(session_maker: async_sessionmaker[AsyncSession], viewer: CurrentUser) -> uuid.UUID:
    data = services.MetricInput(
        name=f"Bench {uuid.uuid4().hex[:12]}",
        unit="incidents",
        kind="backlog",
        direction="down",
        frequency="daily",
        division_id=str(viewer.division_id),
    )
    with writing():
        async with session_maker() as session:
            return await services.create_metric(session, viewer, data)


async def timed(work: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


async def import_once(
    session_maker: async_sessionmaker[AsyncSession], viewer: CurrentUser, rows: list[SheetRow]
) -> float:
    """Seconds for the page's path: save_import of every row into a fresh measure, commit included."""
    metric_id = await new_measure(session_maker, viewer)
    today = FIRST_DAY + datetime.timedelta(days=ROWS)
    sent_back = "".join(f"{row.number},{row.cells[0]},{row.cells[1]}\n" for row in rows)

    async def save() -> None:
        with writing():
            async with session_maker() as session:
                checked = imports.rows_from_preview(sent_back)
                plan = await imports.save_import(session, viewer, metric_id, checked, now=NOW, today=today)
                assert plan.count(imports.Outcome.NEW) == ROWS  # as the page's message counts them

    return await timed(save)


def parsed(rows: list[SheetRow]) -> list[dict[str, Any]]:
    return [
        {"period_date": datetime.date.fromisoformat(str(row.cells[0])), "value": decimal.Decimal(str(row.cells[1]))}
        for row in rows
    ]


def csv_file(rows: list[SheetRow], measure_name: str) -> bytes:
    """The rows as a file for ``quest import readings``: a header, then force, division, measure, date, value."""
    lines = [f"LAN,NORTH,{measure_name},{row.cells[0]},{row.cells[1]}\n" for row in rows]
    return ("force,division,measure,date,value\n" + "".join(lines)).encode()


async def file_import_once(
    session_maker: async_sessionmaker[AsyncSession], viewer: CurrentUser, rows: list[SheetRow]
) -> float:
    """Seconds for the command line's path: a CSV file read, checked and written by run_import, commit
    included, into a fresh measure."""
    metric_id = await new_measure(session_maker, viewer)
    async with session_maker() as session:
        name = (await session.execute(select(Metric.name).where(Metric.id == metric_id))).scalar_one()
    data = csv_file(rows, name)
    today = FIRST_DAY + datetime.timedelta(days=ROWS)

    async def load() -> None:
        with writing():
            async with session_maker() as session:
                report, _checked = await run_import(
                    session, viewer, "readings", read_rows("readings.csv", data), now=NOW, today=today
                )
        assert report.written, report.problems[:3]
        assert report.created == ROWS

    return await timed(load)


async def bare_insert_once(
    session_maker: async_sessionmaker[AsyncSession], viewer: CurrentUser, rows: list[SheetRow]
) -> float:
    """Seconds for the floor: the same readings, already parsed, by the bulk INSERT alone, commit included."""
    metric_id = await new_measure(session_maker, viewer)
    values = parsed(rows)
    same = {"metric_id": metric_id, "force_id": viewer.force_id, "entered_by": viewer.id, "entered_at": NOW}

    async def write() -> None:
        with writing():
            async with session_maker() as session:
                await insert_rows(session, READINGS, values, same=same)
                await session.commit()

    return await timed(write)


async def core_insert_once(
    session_maker: async_sessionmaker[AsyncSession], viewer: CurrentUser, rows: list[SheetRow]
) -> float:
    """Seconds for the reference line: the same readings by SQLAlchemy's Core executemany, commit included."""
    metric_id = await new_measure(session_maker, viewer)
    same = {"metric_id": metric_id, "force_id": viewer.force_id, "entered_by": viewer.id, "entered_at": NOW}
    values = [same | row for row in parsed(rows)]

    async def write() -> None:
        with writing():
            async with session_maker() as session:
                await session.execute(insert(READINGS), values)
                await session.commit()

    return await timed(write)


def prepare(settings: Settings) -> None:
    """A database at the latest revision with the demo's forces, divisions and people."""
    migrations.upgrade(settings)  # runs its own event loop

    async def seed() -> None:
        async with open_database(settings) as session_maker:
            await seed_small(session_maker, seed=1, history=False)

    asyncio.run(seed())


@dataclass(frozen=True, slots=True)
class ImportRuns:
    """Seconds of each run: the import, the floor (the bare bulk insert), the reference (Core executemany)."""

    imported: list[float]
    bare: list[float]
    core: list[float]
    files: list[float] = field(default_factory=list)

    @property
    def import_rate(self) -> float:
        """Rows a second of the best import."""
        return ROWS / min(self.imported)

    @property
    def file_rate(self) -> float:
        """Rows a second of the best import of a file (the command line's path)."""
        return ROWS / min(self.files)

    @property
    def floor_rate(self) -> float:
        """Rows a second of the best bare bulk insert."""
        return ROWS / min(self.bare)


def report(engine: str, runs: ImportRuns) -> None:
    lines = (
        ("import (parse, check, audit)", runs.imported),
        ("floor: bare bulk insert", runs.bare),
        ("reference: Core executemany", runs.core),
        ("file import (quest import)", runs.files),
    )
    for name, seconds in lines:
        each = ", ".join(f"{ROWS / run:,.0f}" for run in seconds)
        print(f"{engine:<10} {name:<29} best {ROWS / min(seconds):>9,.0f} rows/s   runs: {each}")
    print(
        f"{engine:<10} import: {runs.import_rate:,.0f} rows/s (target ≥ 50,000), "
        f"{runs.floor_rate / runs.import_rate:.2f}× the floor's time (target ≤ 2×)"
    )
    print(
        f"{engine:<10} file import: {runs.file_rate:,.0f} rows/s (target ≥ 50,000), "
        f"{runs.floor_rate / runs.file_rate:.2f}× the floor's time (target ≤ 2×)"
    )


async def measure(settings: Settings, rounds: int = ROUNDS) -> ImportRuns:
    """``rounds`` runs of each, into fresh measures of the demo manager's division."""
    rows = sheet_rows()
    async with open_database(settings) as session_maker:
        viewer = await manager(session_maker)
        before = await _bench_measures(session_maker, viewer)
        runs = ImportRuns([], [], [])
        try:
            # Every run starts on the database as it was prepared: each run's measure is removed before
            # the next, outside the time. Left in, each run wrote into tables 20,000 readings bigger than
            # the last, and on SQLite the floor fell from about 170,000 rows/s to 110,000 over 16 runs, so
            # whichever path ran earlier in a round had the smaller tables.
            for _round in range(rounds):
                for kind, once in (
                    (runs.imported, import_once),
                    (runs.bare, bare_insert_once),
                    (runs.core, core_insert_once),
                    (runs.files, file_import_once),
                ):
                    kind.append(await once(session_maker, viewer, rows))
                    await _remove_measures(session_maker, await _bench_measures(session_maker, viewer) - before)
        finally:
            await _remove_measures(session_maker, await _bench_measures(session_maker, viewer) - before)
    return runs


async def _bench_measures(session_maker: async_sessionmaker[AsyncSession], viewer: CurrentUser) -> set[uuid.UUID]:
    async with session_maker() as session:
        found = await session.execute(
            select(Metric.id).where(Metric.division_id == viewer.division_id, Metric.name.startswith("Bench "))
        )
        return set(found.scalars())


async def _remove_measures(session_maker: async_sessionmaker[AsyncSession], metric_ids: set[uuid.UUID]) -> None:
    """The measures this run made, with their readings (and what is kept of them by week): otherwise the
    manager's division would carry a dozen measures of 20,000 readings into the next run's dashboards."""
    if not metric_ids:
        return
    with writing():
        async with session_maker() as session:
            await session.execute(delete(Reading).where(Reading.metric_id.in_(metric_ids)))
            await session.execute(delete(ReadingsByWeek).where(ReadingsByWeek.metric_id.in_(metric_ids)))
            await session.execute(delete(Metric).where(Metric.id.in_(metric_ids)))
            await session.commit()


async def profile(settings: Settings, rows: list[SheetRow], path: str) -> None:
    async with open_database(settings) as session_maker:
        viewer = await manager(session_maker)
        profiler = cProfile.Profile()
        profiler.enable()
        await (file_import_once if path == "file" else import_once)(session_maker, viewer, rows)
        profiler.disable()
    pstats.Stats(profiler).sort_stats(os.environ.get("QUEST_PROFILE_SORT", "cumulative")).print_stats(40)


def settings_for(folder: Path, database_url: str | None = None) -> Settings:
    return Settings(
        data_dir=folder,
        database_url=database_url or default_database_url(folder),
        secret_key="bench-secret-key-that-is-long-enough-0123456789",
        log_level="WARNING",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--profile", choices=("page", "file"), help="profile one import on SQLite instead: the page's, or a file's"
    )
    options = parser.parse_args()
    rows = sheet_rows()
    postgres = os.environ.get("QUEST_BENCH_DATABASE_URL", "").strip()
    with tempfile.TemporaryDirectory() as folder:
        sqlite = settings_for(Path(folder))
        prepare(sqlite)
        if options.profile:
            asyncio.run(profile(sqlite, rows, options.profile))
            return
        print(f"{ROWS:,} daily readings into one measure, {ROUNDS} runs each, a fresh measure every run")
        report("SQLite", asyncio.run(measure(sqlite)))
        if postgres:
            on_postgres = settings_for(Path(folder), postgres)
            prepare(on_postgres)
            report("PostgreSQL", asyncio.run(measure(on_postgres)))


if __name__ == "__main__":
    main()
