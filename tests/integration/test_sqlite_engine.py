"""SQLite is set up for concurrent web traffic: WAL, foreign keys, a busy timeout, and writing
transactions that take the write lock when they begin (so writers queue instead of failing)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from quest import migrations
from quest.config import Settings, default_database_url
from quest.db import create_engine, writing
from tests.conftest import make_settings, run


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A migrated SQLite database, whichever engine the rest of the suite runs on."""
    settings = make_settings(tmp_path, default_database_url(tmp_path))
    migrations.upgrade(settings)
    return settings


def test_pragmas_are_set_on_every_connection(settings: Settings) -> None:
    async def pragmas() -> dict[str, Any]:
        engine = create_engine(settings)
        try:
            async with engine.connect() as connection:
                return {
                    name: (await connection.execute(text(f"PRAGMA {name}"))).scalar()
                    for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
                }
        finally:
            await engine.dispose()

    assert run(pragmas()) == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 30000,
        "synchronous": 1,
    }


def test_foreign_keys_are_enforced(settings: Settings) -> None:
    async def orphan() -> None:
        engine = create_engine(settings)
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    text(
                        "INSERT INTO divisions"
                        " (id, force_id, code, name, officers_fte, staff_fte, created_at, updated_at) "
                        "VALUES (x'01', x'02', 'X', 'Nowhere', 1, 1, '2026-01-01', '2026-01-01')"
                    )
                )
        finally:
            await engine.dispose()

    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        run(orphan())


async def _read_then_write(settings: Settings, *, write_intent: bool) -> None:
    """Transaction A reads, B writes and commits, then A writes: the classic lost-lock race."""
    engine = create_engine(settings)
    try:
        a_has_read = asyncio.Event()
        b_done = asyncio.Event()

        async def transaction_a() -> None:
            async with engine.connect() as connection:
                if write_intent:
                    with writing():
                        await connection.begin()
                else:
                    await connection.begin()
                await connection.execute(text("SELECT count(*) FROM forces"))
                a_has_read.set()
                # Without the write lock, B gets in first; with it, B waits (busy timeout) for A.
                await asyncio.wait({asyncio.ensure_future(b_done.wait())}, timeout=0.5)
                await connection.execute(text(_insert_force("AAA")))
                await connection.commit()

        async def transaction_b() -> None:
            await a_has_read.wait()
            async with engine.connect() as connection:
                with writing():
                    await connection.begin()
                await connection.execute(text(_insert_force("BBB")))
                await connection.commit()
            b_done.set()

        # Let both finish before the engine is disposed, then report the first failure.
        outcomes = await asyncio.gather(transaction_a(), transaction_b(), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
    finally:
        await engine.dispose()


def _insert_force(code: str) -> str:
    return (
        "INSERT INTO forces (id, code, name, region, country, area_km2, created_at, updated_at) "
        f"VALUES (randomblob(16), '{code}', 'Test', 'Test', 'England', 1, '2026-01-01', '2026-01-01')"
    )


def test_a_deferred_transaction_that_reads_then_writes_loses_the_race(settings: Settings) -> None:
    # This is the failure BEGIN IMMEDIATE exists to prevent; if it stopped failing, the test below
    # would prove nothing.
    with pytest.raises(OperationalError, match="database is locked"):
        run(_read_then_write(settings, write_intent=False))


def test_a_writing_transaction_takes_the_lock_up_front_so_both_writers_succeed(settings: Settings) -> None:
    run(_read_then_write(settings, write_intent=True))

    async def codes() -> list[str]:
        engine = create_engine(settings)
        try:
            async with engine.connect() as connection:
                return list((await connection.execute(text("SELECT code FROM forces ORDER BY code"))).scalars())
        finally:
            await engine.dispose()

    assert run(codes()) == ["AAA", "BBB"]
