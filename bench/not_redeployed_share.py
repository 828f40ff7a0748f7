"""The dashboards' share of released time not yet redeployed (quest.savings.redeployment.not_redeployed_share)
on a database already filled, opened read-only: for one division, a force's divisions and every division,
its p50 and p95 over repeated runs, against the floor of the bare count of the claims it reads (claimed
or validated savings of time in those divisions and the year).

    .venv/bin/python -m bench.not_redeployed_share [--database URL] [--year 2025] [--runs 20]

The default database is the national dataset at /work/nat/national.db, opened read-only (SQLite's
``mode=ro``): nothing is written to it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from quest.org.models import Division, Force
from quest.savings.models import SavingsClaim
from quest.savings.redeployment import _released, not_redeployed_share

NATIONAL = "sqlite+aiosqlite:///file:/work/nat/national.db?mode=ro&uri=true"


async def _timed(runs: int, work: Callable[[], Awaitable[Any]]) -> tuple[float, float, Any]:
    """p50 and p95 of ``work`` in milliseconds, after one run to warm the cache, and its last answer."""
    answer = await work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = await work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)], answer


async def measure(url: str, year: int, runs: int) -> None:
    engine = create_async_engine(url)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with maker() as session:
            claims = (await session.execute(select(func.count()).select_from(SavingsClaim))).scalar_one()
            forces = dict((await session.execute(select(Force.code, Force.id))).all())
            divisions: list[tuple[uuid.UUID, uuid.UUID]] = [
                (row.id, row.force_id) for row in await session.execute(select(Division.id, Division.force_id))
            ]
        largest = max(forces, key=lambda code: sum(1 for _id, force in divisions if force == forces[code]))
        reaches = {
            "one division": [divisions[0][0]],
            f"a force's divisions ({largest})": [division for division, force in divisions if force == forces[largest]],
            "every division": [division for division, _force in divisions],
        }
        print(f"{url}: {claims:,} claims, {len(divisions)} divisions; financial year {year}; {runs} runs each")

        async def share(session: AsyncSession, ids: list[uuid.UUID]) -> Any:
            return await not_redeployed_share(session, year, ids)

        async def floor(session: AsyncSession, ids: list[uuid.UUID]) -> Any:
            # The bare count of the claims the statement must read: claimed or validated savings of time in
            # the divisions, in the year (by the same index; each row read for its kind and period).
            return (
                await session.execute(select(func.count()).where(_released(SavingsClaim.division_id.in_(ids), year)))
            ).scalar_one()

        async with maker() as session:
            for name, ids in reaches.items():
                p50, p95, found = await _timed(runs, lambda ids=ids: share(session, ids))  # type: ignore[misc]
                floor50, floor95, counted = await _timed(runs, lambda ids=ids: floor(session, ids))  # type: ignore[misc]
                shares = [value for value in found.values() if value is not None]
                mean = statistics.fmean(shares) if shares else 0
                print(
                    f"  {name:<32} {len(ids):>4} divisions, {counted:>7,} released in the year: "
                    f"p50 {p50:7.1f} ms, p95 {p95:7.1f} ms; floor (bare count) p50 {floor50:6.1f} ms, "
                    f"p95 {floor95:6.1f} ms; {len(shares)} with a share, mean {mean:.4f}"
                )
            if engine.dialect.name == "sqlite":
                print(
                    "  plan for one division:", "; ".join(await _plan(session, engine, reaches["one division"], year))
                )
    finally:
        await engine.dispose()


async def _plan(session: AsyncSession, engine: AsyncEngine, ids: list[uuid.UUID], year: int) -> list[str]:
    """SQLite's plan for the statement :func:`not_redeployed_share` sends, caught as it is sent."""
    sent: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", catch)
    try:
        await not_redeployed_share(session, year, ids)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", catch)
    statement, parameters = sent[-1]
    connection = await session.connection()
    rows = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return [str(row[-1]) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=NATIONAL)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    asyncio.run(measure(options.database, options.year, options.runs))


if __name__ == "__main__":
    main()
