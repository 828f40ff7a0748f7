"""The database engine for both supported engines, SQLite (embedded default) and PostgreSQL.

SQLite needs care to be a good citizen under concurrent web traffic:

- WAL, so readers never block the writer; ``synchronous=NORMAL``, which is safe with WAL;
- ``foreign_keys=ON``, which SQLite leaves off by default;
- a busy timeout, so a second writer waits for the first instead of failing at once;
- pysqlite's own transaction handling switched off and replaced by an explicit ``BEGIN``, so that
  SQLAlchemy's transactions are real ones, and so that a *writing* transaction can begin
  ``IMMEDIATE``. A deferred transaction that reads first and writes later cannot wait for the write
  lock; it fails with "database is locked". Taking the lock up front makes writers queue instead.

Whether a transaction writes is known before it starts: an HTTP request writes when its method is
unsafe, a command when it says so. That intent is carried by :func:`writing`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from quest.config import Settings, parse_database_url

SQLITE_BUSY_TIMEOUT_MS = 30_000

_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("quest_write_intent", default=False)


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Mark the transactions begun inside this block as writing ones (``BEGIN IMMEDIATE`` on SQLite)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """Mark the transactions begun inside this block as read-only ones (plain ``BEGIN``), even within a
    writing request: a lookup must not hold the write lock that the request's own work will want."""
    token = _write_intent.set(False)
    try:
        yield
    finally:
        _write_intent.reset(token)


def create_engine(settings: Settings, *, for_migrations: bool = False) -> AsyncEngine:
    """Create the engine for ``settings.database_url``.

    ``for_migrations`` leaves SQLite's foreign keys off: Alembic's batch mode rebuilds a table by copying
    it, which a live foreign key would cascade through or refuse. :mod:`quest.migrations` checks the
    keys afterwards instead.
    """
    url = parse_database_url(settings.database_url)
    if url.drivername.startswith("sqlite"):
        return _create_sqlite_engine(url, enforce_foreign_keys=not for_migrations)
    return create_async_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": "quest", "timezone": "UTC"}},
    )


def _create_sqlite_engine(url: URL, *, enforce_foreign_keys: bool) -> AsyncEngine:
    if url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (see the module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if enforce_foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")

    return engine


def create_session_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@contextlib.asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """An engine and its session maker for work outside a web request (commands, seeding, tests)."""
    engine = create_engine(settings)
    try:
        yield create_session_maker(engine)
    finally:
        await engine.dispose()


async def ping(engine: AsyncEngine) -> None:
    """Run a trivial query; raises if the database cannot be reached."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
