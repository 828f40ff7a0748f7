"""Benchmark: what one maker of ``quest demo --scale national`` spends making its rows, without writing them.

The national dataset is made by processes of their own (see :mod:`quest.demo.national.seed`) while the
parent writes; when they are the slower side, the load waits on them. This runs one maker's share in this
process, under cProfile if asked, against a database the national demo was generated into (its forces,
divisions and demo users), and prints its rows and seconds a table, then the profile's top functions.

    QUEST_DATABASE_URL=sqlite+aiosqlite:////tmp/national.db .venv/bin/quest demo --scale national --fraction 0.05
    QUEST_DATABASE_URL=sqlite+aiosqlite:////tmp/national.db .venv/bin/python bench/national_maker.py \\
        --fraction 0.05 [--part 0] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import time
from collections import Counter

from sqlalchemy.ext.asyncio import AsyncSession

from quest.config import load_settings
from quest.db import create_engine
from quest.demo.national.history import Task, batches
from quest.demo.national.plan import Plan
from quest.demo.national.seed import MAKERS, maker_task


async def _task(seed: int, plan: Plan, part: int) -> Task:
    engine = create_engine(load_settings())
    try:
        async with AsyncSession(engine) as session:
            return await maker_task(session, seed, plan, engine.dialect.name, part, MAKERS)
    finally:
        await engine.dispose()


def _make(task: Task) -> Counter[str]:
    rows: Counter[str] = Counter()
    for _note, batch in batches(task):
        for table, made in batch.tables.items():
            rows[table] += len(made)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--part", type=int, default=0)
    parser.add_argument("--profile", action="store_true")
    arguments = parser.parse_args()
    plan = Plan(fraction=arguments.fraction)
    task = asyncio.run(_task(arguments.seed, plan, arguments.part))
    profiler = cProfile.Profile() if arguments.profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    rows = _make(task)
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    total = sum(rows.values())
    print(f"maker {arguments.part + 1} of {MAKERS}: {total:,} rows, {wall:.1f} s wall, {cpu:.1f} s CPU,")
    print(f"  {cpu / total * 1e6:.1f} µs CPU a row")
    for table, count in rows.most_common():
        print(f"  {table:<20} {count:>10,}")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
