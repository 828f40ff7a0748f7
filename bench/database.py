"""The database a benchmark runs on: a given one, or a fresh one seeded by ``quest demo`` (small, or the
national dataset), and what it holds."""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.server import quest_command, quest_environment
from quest.config import Settings
from quest.db import create_engine

# The tables whose sizes say what the figures were measured on.
COUNTED = (
    "forces",
    "divisions",
    "users",
    "ideas",
    "idea_events",
    "idea_supports",
    "savings_claims",
    "waste_observations",
    "metrics",
    "readings",
    "audit_log",
)
ENGINES = ("sqlite", "postgresql")


@dataclass(frozen=True, slots=True)
class Database:
    engine: str  # "sqlite" or "postgresql"
    url: str
    data_dir: Path
    dataset: str  # how it was made, for the report

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=self.data_dir, database_url=self.url, log_level="WARNING")


def engine_of(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ENGINES:
        raise SystemExit(f"--database: {url!r} is neither SQLite nor PostgreSQL")
    return backend


def given(url: str, data_dir: Path) -> Database:
    """A database prepared elsewhere, used as it is (``quest serve`` migrates it to head)."""
    return Database(engine_of(url), url, data_dir, "given database")


def fresh(engine: str, data_dir: Path, postgresql_url: str, *, national: bool, seed: int) -> Database:
    """A new database seeded by ``quest demo``: the national dataset, or the small demo."""
    url = f"sqlite+aiosqlite:///{data_dir / 'quest.db'}" if engine == "sqlite" else postgresql_url
    if engine == "sqlite":
        (data_dir / "quest.db").unlink(missing_ok=True)
    else:
        _recreate_postgresql(url)
    scale = ["--scale", "national"] if national else []
    command = quest_command("demo", *scale, "--seed", str(seed))
    print(f"{engine}: seeding with {' '.join(command[2:])} …", flush=True)
    seeded = subprocess.run(command, env=quest_environment(data_dir, url), check=False)
    if seeded.returncode != 0:
        raise SystemExit(f"{engine}: {' '.join(command[2:])} failed (exit {seeded.returncode}): see above")
    dataset = f"national (quest demo --scale national --seed {seed})" if national else "small demo (quest demo)"
    return Database(engine, url, data_dir, dataset)


def _recreate_postgresql(url: str) -> None:
    """Drop and create the database the URL names, from the server's ``postgres`` database."""
    name = make_url(url).database

    async def recreate() -> None:
        server = create_async_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            async with server.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            await server.dispose()

    asyncio.run(recreate())


async def row_counts(database: Database) -> dict[str, int]:
    engine = create_engine(database.settings)
    try:
        async with engine.connect() as connection:
            return {
                table: int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
                for table in COUNTED
            }
    finally:
        await engine.dispose()


async def server_version(database: Database) -> str:
    """The database's own version: SQLite's library as the app loads it, or PostgreSQL's server."""
    engine = create_engine(database.settings)
    question = "SELECT sqlite_version()" if database.engine == "sqlite" else "SHOW server_version"
    try:
        async with engine.connect() as connection:
            return str((await connection.execute(text(question))).scalar_one())
    finally:
        await engine.dispose()
