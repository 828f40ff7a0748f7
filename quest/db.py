"""The database engine for both supported engines, SQLite (embedded default) and PostgreSQL.

SQLite needs care to be a good citizen under concurrent web traffic:

- WAL, so readers never block the writer; ``synchronous=NORMAL``, which is safe with WAL;
- ``foreign_keys=ON``, which SQLite leaves off by default;
- a busy timeout (``QUEST_SQLITE_BUSY_TIMEOUT_SECONDS``, 30 s), so a second writer waits for the first
  instead of failing at once; one that waits longer is answered 503 "try again" (:func:`is_unreachable`);
- pysqlite's own transaction handling switched off and replaced by an explicit ``BEGIN``, so that
  SQLAlchemy's transactions are real ones, and so that a *writing* transaction can begin
  ``IMMEDIATE``. A deferred transaction that reads first and writes later cannot wait for the write
  lock; it fails with "database is locked". Taking the lock up front makes writers queue instead.

Whether a transaction writes is known before it starts: an HTTP request writes when its method is
unsafe, a command when it says so. That intent is carried by :func:`writing`.

:func:`is_unreachable` tells a database that cannot be reached just now (down, restarting, refusing
connections, its file locked or unreadable) from a mistake in the code, so that the first is answered 503
"try again" and the second stays a 500.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from quest.config import Settings, parse_database_url

# PostgreSQL SQLSTATEs that mean "not now" rather than "wrong": class 08 (connection exceptions), 57P0x (the
# server is shutting down, starting up or in recovery) and 53300 (too many connections).
_UNREACHABLE_SQLSTATES = ("08", "57P", "53300")
# SQLite's result codes for a file that cannot be opened or read, or is held by another writer too long.
_UNREACHABLE_SQLITE_ERRORS = ("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR")
# A socket error (refused, reset, timed out, no such host) counts only when the database code raised it.
_DATABASE_MODULES = ("sqlalchemy.", "asyncpg.", "aiosqlite.")

# A pooled PostgreSQL connection that has sat unused this long is checked (a round trip) before it is lent.
IDLE_BEFORE_CHECK_SECONDS = 10.0
_RETURNED_AT = "quest_returned_at"

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


@contextlib.asynccontextmanager
async def snapshot(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session whose statements all see the database as it was at the first: one read transaction
    (SQLite's, in WAL mode, is a snapshot already; PostgreSQL's is made repeatable read)."""
    with reading():
        async with maker() as session:
            if maker.kw["bind"].dialect.name == "postgresql":
                await session.connection(
                    execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
                )
            yield session


def create_engine(settings: Settings, *, for_migrations: bool = False) -> AsyncEngine:
    """Create the engine for ``settings.database_url``.

    ``for_migrations`` leaves SQLite's foreign keys off: Alembic's batch mode rebuilds a table by copying
    it, which a live foreign key would cascade through or refuse. :mod:`quest.migrations` checks the
    keys afterwards instead.
    """
    url = parse_database_url(settings.database_url)
    if url.drivername.startswith("sqlite"):
        return _create_sqlite_engine(
            url, enforce_foreign_keys=not for_migrations, busy_timeout_seconds=settings.sqlite_busy_timeout_seconds
        )
    engine = create_async_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": "quest", "timezone": "UTC"}},
    )
    _check_idle_connections(engine)
    return engine


def _check_idle_connections(engine: AsyncEngine) -> None:
    """Survive a database restart without a round trip on every checkout (``pool_pre_ping``, two a page).

    A connection that sat unused for :data:`IDLE_BEFORE_CHECK_SECONDS` is pinged before it is lent, and
    replaced if the ping fails. One in steady use is not: if the server went away under it, its first
    statement fails as a disconnect, answered 503 "try again" (:func:`is_unreachable`), and SQLAlchemy
    then replaces every connection the pool held before that moment; a request already under way when
    the server went away fails either way."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at < IDLE_BEFORE_CHECK_SECONDS:
            return  # new, or in steady use
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError("a pooled connection no longer answers") from error  # the pool retries


def _create_sqlite_engine(url: URL, *, enforce_foreign_keys: bool, busy_timeout_seconds: int) -> AsyncEngine:
    if url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": busy_timeout_seconds})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (see the module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_seconds * 1000}")
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


def is_unreachable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be reached just now, not that a query or the code is wrong.

    Follows the chain SQLAlchemy and the drivers build (``orig``, ``__cause__``); a bad query (a missing
    table, a constraint) or an error of QUEST's own is never an outage."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, (exc.TimeoutError, exc.DisconnectionError)):  # no pool connection came free
            return True
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_UNREACHABLE_SQLSTATES):
            return True
        if str(getattr(current, "sqlite_errorname", "")).startswith(_UNREACHABLE_SQLITE_ERRORS):
            return True
        if isinstance(current, OSError) and _raised_in_database_code(current):
            return True
        current = getattr(current, "orig", None) or current.__cause__
    return False


def _raised_in_database_code(error: BaseException) -> bool:
    frame = error.__traceback__
    while frame is not None:
        if str(frame.tb_frame.f_globals.get("__name__", "")).startswith(_DATABASE_MODULES):
            return True
        frame = frame.tb_next
    return False
