"""The headquarters' comparison figures (quest.dashboards.comparison.unit_figures) on a database already
filled, opened read-only: every force (what /national works out once a minute) and the largest force's
divisions (what /forces/{code}/dashboard works out for every request), p50 and p95 over repeated runs;
beside them, the two statements issue 14 added, each timed alone (the improvements that hold,
quest.metrics.judgements.improvements_by, and the hours released and not yet redeployed,
quest.savings.redeployment.hours_released), and the floor of a bare count of the judgements those read.

    .venv/bin/python -m bench.comparison_figures [--database URL] [--year 2025] [--runs 20]

The default database is the national dataset at /work/nat/national.db, opened read-only (SQLite's
``mode=ro``): nothing is written to it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bench.not_redeployed_share import NATIONAL, _timed
from quest.dashboards.comparison import Level, as_of, unit_figures
from quest.metrics import judgements
from quest.metrics.models import LinkJudgement
from quest.org.models import Division, Force
from quest.savings import redeployment


async def measure(url: str, year: int, runs: int) -> None:
    engine = create_async_engine(url)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    today = as_of(year, datetime.date.today())
    try:
        async with maker() as session:
            forces = list((await session.execute(select(Force.id))).scalars())
            divisions: dict[uuid.UUID, list[uuid.UUID]] = {}
            for division_id, force_id in await session.execute(select(Division.id, Division.force_id)):
                divisions.setdefault(force_id, []).append(division_id)
            judged = (await session.execute(select(func.count()).select_from(LinkJudgement))).scalar_one()
            largest = max(divisions, key=lambda force_id: len(divisions[force_id]))
            print(f"{url}: {len(forces)} forces, {judged:,} judgements kept; financial year {year}; {runs} runs each")
            cases: list[tuple[str, Callable[[AsyncSession], Awaitable[Any]]]] = [
                ("every force: all figures", lambda s: unit_figures(s, Level.FORCE, year, today)),
                ("every force: improvements", lambda s: judgements.improvements_by(s, forces, judgements.BY_FORCE)),
                (
                    "every force: hours released",
                    lambda s: redeployment.hours_released(s, year, forces, redeployment.BY_FORCE),
                ),
                ("every force: floor (count of judgements)", lambda s: _count(s, LinkJudgement.force_id.in_(forces))),
                (
                    f"the largest force's {len(divisions[largest])} divisions: all figures",
                    lambda s: unit_figures(s, Level.DIVISION, year, today, divisions[largest]),
                ),
                (
                    "  its divisions: improvements",
                    lambda s: judgements.improvements_by(s, divisions[largest]),
                ),
                ("  its divisions: hours released", lambda s: redeployment.hours_released(s, year, divisions[largest])),
                (
                    "  its divisions: floor (count of judgements)",
                    lambda s: _count(s, LinkJudgement.division_id.in_(divisions[largest])),
                ),
            ]
            for name, work in cases:
                p50, p95, _found = await _timed(runs, lambda work=work: work(session))  # type: ignore[misc]
                print(f"  {name:<48} p50 {p50:7.1f} ms, p95 {p95:7.1f} ms")
    finally:
        await engine.dispose()


async def _count(session: AsyncSession, where: Any) -> int:
    return int((await session.execute(select(func.count()).select_from(LinkJudgement).where(where))).scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=NATIONAL)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    asyncio.run(measure(options.database, options.year, options.runs))


if __name__ == "__main__":
    main()
