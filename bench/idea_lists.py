"""Benchmark: the idea list and the idea search at each scope, as the service sends them (DESIGN §7: p95 ≤ 100 ms).

For each case (who is asking, with which filters, which page) this calls ``quest.ideas.services.list_ideas``
in this process, a fresh database session each time, and prints its p50 and p95 beside the floor measured
in the same run: ``SELECT 1`` through the same engine. Each statement the list sends is timed too, so the
count and the page show apart. ``--explain`` prints each statement's plan (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN ANALYZE on PostgreSQL). It only reads: it is safe on a shared national dataset.

    .venv/bin/python bench/idea_lists.py sqlite+aiosqlite:////work/nat/national.db
    .venv/bin/python bench/idea_lists.py postgresql+asyncpg://postgres@localhost/quest_national --explain
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench.load import PEOPLE, percentile
from bench.statements import Statements
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.accounts.sessions import as_current_user
from quest.config import Settings
from quest.db import create_engine
from quest.ideas import services
from quest.ideas.filters import IdeaFilters
from quest.ideas.status import IdeaStatus
from quest.org.models import Force


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    role: str
    filters: IdeaFilters
    page: int = 1
    own_division: bool = False  # the manager's list: filtered to their division, as the bench's page is


CASES = (
    Case("manager, division", "manager", IdeaFilters(), own_division=True),
    Case("manager, division, submitted", "manager", IdeaFilters(status=IdeaStatus.SUBMITTED), own_division=True),
    Case("force HQ", "force_hq", IdeaFilters()),
    Case("force HQ, under review", "force_hq", IdeaFilters(status=IdeaStatus.UNDER_REVIEW)),
    Case("force HQ, page 40", "force_hq", IdeaFilters(), page=40),
    Case("national", "national", IdeaFilters()),
    Case("national, implemented", "national", IdeaFilters(status=IdeaStatus.IMPLEMENTED)),
    Case("national, oldest", "national", IdeaFilters(sort="oldest")),
    Case("national, page 400", "national", IdeaFilters(), page=400),
    Case("national, search 'pending incidents'", "national", IdeaFilters(search="pending incidents")),
    Case("national, search 'custody'", "national", IdeaFilters(search="custody")),
    Case("force HQ, search 'briefing'", "force_hq", IdeaFilters(search="briefing")),
    Case("staff, practice library", "staff", IdeaFilters(library=True)),
)


async def viewer_of(maker: async_sessionmaker[AsyncSession], role: str) -> CurrentUser:
    async with maker() as session:
        user = (await session.execute(select(User).where(User.email == PEOPLE[role]))).scalar_one()
        code = (await session.execute(select(Force.code).where(Force.id == user.force_id))).scalar_one_or_none()
        return as_current_user(user, code)


async def explain(engine: AsyncEngine, statement: str, parameters: Any) -> str:
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    async with engine.connect() as connection:
        rows = await connection.exec_driver_sql(prefix + statement, parameters)
        return "\n".join("    " + " | ".join(str(value) for value in row) for row in rows)


def _ms(seconds: Sequence[float]) -> str:
    return f"p50 {percentile(list(seconds), 0.5) * 1000:7.1f} ms  p95 {percentile(list(seconds), 0.95) * 1000:7.1f} ms"


async def main(url: str, runs: int, show_plans: bool, only: str) -> None:
    engine = create_engine(Settings(database_url=url))
    maker = async_sessionmaker(engine, expire_on_commit=False)
    counter = Statements()
    try:
        floor: list[float] = []
        for _ in range(runs):
            async with maker() as session:
                started = time.perf_counter()
                await session.execute(text("SELECT 1"))
                floor.append(time.perf_counter() - started)
        print(f"{'floor: SELECT 1':42} {_ms(floor)}", flush=True)
        viewers = {role: await viewer_of(maker, role) for role in {case.role for case in CASES}}
        with counter.listening(engine.sync_engine):
            for case in CASES:
                if only and only not in case.name:
                    continue
                viewer = viewers[case.role]
                filters = case.filters
                if case.own_division:
                    filters = IdeaFilters(**{**_fields(filters), "division_id": viewer.division_id})
                took: list[float] = []
                by_statement: dict[int, list[float]] = {}
                found = None
                for run in range(runs + 1):
                    async with maker() as session:
                        counter.seen, counter.on = [], True
                        started = time.perf_counter()
                        found = await services.list_ideas(session, viewer, filters, case.page)
                        elapsed = time.perf_counter() - started
                        counter.on = False
                    if run == 0:
                        continue  # the first run warms the cache
                    took.append(elapsed)
                    for index, record in enumerate(counter.seen):
                        by_statement.setdefault(index, []).append(record.seconds)
                assert found is not None
                print(f"{case.name:42} {_ms(took)}  ({len(found.ideas)} rows, {_shown_total(found)})", flush=True)
                for index, seconds in by_statement.items():
                    first_line = " ".join(counter.seen[index].text.split())[:70]
                    print(f"    statement {index + 1}: {_ms(seconds)}  {first_line}")
                if show_plans:
                    for record in counter.seen:
                        print("  " + " ".join(record.text.split())[:300])
                        print(await explain(engine, record.text, record.parameters))
    finally:
        await engine.dispose()


def _fields(filters: IdeaFilters) -> dict[str, Any]:
    return {name: getattr(filters, name) for name in IdeaFilters.__dataclass_fields__}


def _shown_total(found: services.IdeaPage) -> str:
    return f"{found.total:,} in all"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the database, e.g. sqlite+aiosqlite:////work/nat/national.db")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print each statement's plan")
    parser.add_argument("--only", default="", help="the cases whose name holds this text")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.url, arguments.runs, arguments.explain, arguments.only))
