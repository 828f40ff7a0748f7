"""`quest demo --scale national`: the benchmark dataset, generated into an empty database.

The organisation goes through the small demo's own seeding (forces, profiles, divisions, similar forces
and the named demo users, through the ORM, so audited as the small demo is); everything else (people,
backlogs and their daily counts, ideas with their timelines, supporters and claims, waste, and their
audit rows) is made by :mod:`quest.demo.national.rows` and written in bulk by
:mod:`quest.demo.national.load`, all in one transaction: a failed load leaves the database empty.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from quest.accounts.models import User
from quest.audit.recorder import act_as
from quest.db import writing
from quest.demo.catalogue import DEMO_USERS
from quest.demo.national import rows as made
from quest.demo.national.history import Member, Task, batches
from quest.demo.national.load import Progress, Writer, bulk_load, codec_for
from quest.demo.national.plan import Plan
from quest.demo.seed import DEMO_ACTOR, SeedReport, _upsert_divisions, _upsert_force, _upsert_users
from quest.org.models import Division, Force
from quest.org.services import refresh_similar_forces
from quest.rollups.rebuild import rebuild
from quest.savings.double_counts import regroup_all

# Processes making rows while this one writes them: with two cores, two makers keep both busy, since
# writing waits on the database for much of its time.
MAKERS = 2


class NotEmpty(Exception):
    """The database already holds data: the national dataset goes only into an empty one."""


@dataclass(frozen=True, slots=True)
class Generated:
    progress: Progress
    seconds: float


async def seed_national(
    engine: AsyncEngine, *, seed: int, plan: Plan, say: Callable[[str], None] = lambda _line: None
) -> Generated:
    """Generate the national dataset of ``plan`` with ``seed`` into the empty database of ``engine``.
    ``say`` is told the progress, a line at a time. NotEmpty (nothing written) if it holds any user or
    force."""
    started = time.perf_counter()
    with writing():
        async with engine.connect() as connection:
            _refuse(await _data_held(connection))
            await connection.rollback()
            codec_for(connection)  # refuses an engine whose column types convert values otherwise
            async with bulk_load(connection) as writer:
                async with AsyncSession(bind=connection, expire_on_commit=False) as session:
                    # The check above read outside this transaction: ask again inside it, holding the lock.
                    _refuse(await _data_held(connection))
                    act_as(session, DEMO_ACTOR)
                    await _organisation(session, seed, plan)
                    say(f"organisation: {len(plan.forces)} forces ({time.perf_counter() - started:.1f} s)")
                    await writer.set_aside_indexes()
                    await _history(session, writer, seed, plan, say, started)
                    await writer.restore_indexes(say)
                    # Written in bulk, beside the rollups' writers: count it all once, at the end.
                    await rebuild(session)
                    await regroup_all(session)
                    say(f"rollups and double-count groups rebuilt ({time.perf_counter() - started:.1f} s)")
                # The session joined the connection's transaction (begun by the check above): commit that.
                await connection.commit()
            if connection.dialect.name == "postgresql":
                # The planner's statistics, which autovacuum would gather only later: without them it guesses
                # a force holds 23 claims where it holds 6,000, and joins them by nested loops.
                await connection.execute(text("ANALYZE"))
                await connection.commit()
                say(f"statistics gathered ({time.perf_counter() - started:.1f} s)")
    seconds = time.perf_counter() - started
    say(f"done in {seconds:.1f} s")
    return Generated(writer.progress, seconds)


async def _data_held(connection: AsyncConnection) -> tuple[int, int]:
    forces = (await connection.execute(select(func.count()).select_from(Force))).scalar_one()
    users = (await connection.execute(select(func.count()).select_from(User))).scalar_one()
    return forces, users


def _refuse(held: tuple[int, int]) -> None:
    forces, users = held
    if forces or users:
        raise NotEmpty(
            f"The database already holds data ({forces} forces, {users} users): the national dataset is generated"
            " only into an empty database. Point QUEST_DATABASE_URL at a new one."
        )


async def _organisation(session: AsyncSession, seed: int, plan: Plan) -> None:
    """All 43 forces with their profiles and divisions, their similar forces, and the demo's named users,
    as the small demo seeds them."""
    report = SeedReport()
    for force_plan in plan.forces:
        force = await _upsert_force(session, force_plan.reference, report)
        rng = made.division_random(seed, "divisions", force_plan.reference.code)
        await _upsert_divisions(session, force, force_plan.reference, force_plan.divisions, rng, report)
    await session.flush()
    await refresh_similar_forces(session)
    await _upsert_users(session, DEMO_USERS, report)
    await session.flush()


async def _history(
    session: AsyncSession, writer: Writer, seed: int, plan: Plan, say: Callable[[str], None], started: float
) -> None:
    """The history, made in a process of its own while this one writes what it made."""
    dialect = writer.connection.dialect.name
    context = multiprocessing.get_context("spawn")
    batches: multiprocessing.Queue[Any] = context.Queue(maxsize=2 * MAKERS)
    makers = [
        context.Process(
            target=_make,
            args=(await maker_task(session, seed, plan, dialect, part, MAKERS), batches),
            name=f"quest national dataset {part + 1}",
            daemon=True,
        )
        for part in range(MAKERS)
    ]
    for maker in makers:
        maker.start()
    loop = asyncio.get_running_loop()
    try:
        working = MAKERS
        while working:
            batch = await loop.run_in_executor(None, batches.get)
            if batch is None:
                working -= 1
                continue
            if isinstance(batch, str):
                raise RuntimeError(f"Making the national dataset failed:\n{batch}")
            note, tables = batch
            for table, rows in made.Rows(tables).drain():
                await writer.write(table, rows)
            written = sum(writer.progress.rows.values())
            say(f"{note}, {written:,} rows ({time.perf_counter() - started:.1f} s)")
    finally:
        for maker in makers:
            maker.join(timeout=5)
            if maker.is_alive():
                maker.terminate()


async def maker_task(session: AsyncSession, seed: int, plan: Plan, engine: str, part: int = 0, parts: int = 1) -> Task:
    """What maker ``part`` of ``parts`` needs, read from the organisation seeded in the session."""
    places = tuple(
        made.Place(force_code, division.code, division.force_id, division.id, division.officers_fte)
        for division, force_code in await session.execute(
            select(Division, Force.code).join(Force, Force.id == Division.force_id).order_by(Force.code, Division.code)
        )
    )
    users = (await session.execute(select(User))).scalars().all()
    members = {user.email: Member(user.id, user.force_id, user.division_id) for user in users}
    password_hash = next(user.password_hash for user in users if user.password_hash)
    return Task(seed, plan, engine, places, members, password_hash, part, parts)


def _make(task: Task, out: multiprocessing.Queue[Any]) -> None:
    """The maker process: every batch, then None (or, if making failed, the traceback)."""
    try:
        for note, rows in batches(task):
            out.put((note, rows.tables))
    except Exception:
        out.put(traceback.format_exc())
    else:
        out.put(None)
