"""Test fixtures: a clean, migrated database for every test, on SQLite or on PostgreSQL.

SQLite is the default. Set ``QUEST_TEST_DATABASE_URL`` (e.g. ``postgresql+asyncpg://postgres@localhost/quest_test``)
to run the same suite on PostgreSQL: each xdist worker then gets its own database, named after that URL's
database plus the worker id, created and migrated once; every test starts from empty tables.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import io
import os
import shutil
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import settings as hypothesis_settings
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest import migrations
from quest.app import create_app, prepare
from quest.clock import LONDON, Clock, SystemClock
from quest.config import SQLITE_FILE, Settings, default_database_url
from quest.db import open_database
from quest.models import metadata
from quest.web.state import CLOCK, SESSION_MAKER

T = TypeVar("T")

# Hypothesis tests check rules, not speed: its default 200 ms deadline per example turns a loaded CI machine
# into failures, so it is off (speed is measured by bench/, not by tests).
hypothesis_settings.register_profile("quest", deadline=None)
hypothesis_settings.load_profile("quest")
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
POSTGRES_URL = os.environ.get("QUEST_TEST_DATABASE_URL", "").strip()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files in the order the workers should take them up (``--dist loadfile`` with
    ``--no-loadscope-reorder`` keeps it): the costliest first and the quick ones last, to fill the gaps. A
    worker takes a file at a time, so a minute-long test taken up last keeps the run going a minute after
    the other worker has finished. So: a file with a test marked ``long``, then the browser tests (a
    server and a browser each), then the other integration tests, then the unit tests, and within each,
    the files with the most tests first."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)

    def order(tests: list[pytest.Item]) -> tuple[bool, bool, bool, int]:
        return (
            not any(test.get_closest_marker("long") for test in tests),
            "/e2e/" not in tests[0].nodeid,
            "/unit/" in tests[0].nodeid,
            -len(tests),
        )

    items[:] = [item for tests in sorted(files.values(), key=order) for item in tests]


def run(coroutine: Awaitable[T]) -> T:
    """Run async code (seeding, queries) from a synchronous test."""
    return asyncio.run(coroutine)  # type: ignore[arg-type]


def make_settings(data_dir: Path, database_url: str) -> Settings:
    return Settings(data_dir=data_dir, database_url=database_url, secret_key=TEST_SECRET_KEY, log_level="WARNING")


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes() -> Iterator[None]:
    """Argon2id at QUEST's cost takes about 0.2 s a check, on purpose, and the suite signs in over a thousand
    times: the tests hash with the same algorithm at a low cost (one pass, 1 MiB). A hash records its own
    cost, so hashes made here verify anywhere, and QUEST replaces them at the next sign-in as it would any
    outdated hash. tests/unit/test_passwords.py checks the real cost."""
    from argon2 import PasswordHasher

    from quest.accounts import passwords

    quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", quick)
        patch.setattr(passwords, "_DUMMY_HASH", quick.hash("not anyone's password, only here to take time"))
        yield


@pytest.fixture(scope="session")
def engine_name() -> str:
    return "postgresql" if POSTGRES_URL else "sqlite"


async def recreate_postgres_database(url: str, *, template: str | None = None) -> None:
    """``url``'s database dropped and made afresh: empty, or a copy of ``template``'s database (a URL), which
    nobody may be connected to."""
    import asyncpg

    parsed = make_url(url)
    connection = await asyncpg.connect(
        user=parsed.username,
        password=parsed.password,
        host=parsed.host or "localhost",
        port=parsed.port or 5432,
        database="postgres",
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
        await connection.execute(f'CREATE DATABASE "{parsed.database}"{copy}')
    finally:
        await connection.close()


def worker_postgres_url(worker_id: str, suffix: str = "") -> str:
    base = make_url(POSTGRES_URL).set(drivername="postgresql+asyncpg")
    return base.set(database=f"{base.database}_{worker_id}{suffix}").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    """A database migrated to head, once per worker: a template file (SQLite) or a database (PostgreSQL)."""
    if POSTGRES_URL:
        url = worker_postgres_url(worker_id)
        run(recreate_postgres_database(url))
        migrations.upgrade(make_settings(tmp_path_factory.mktemp("pg"), url))
        return url
    template_dir = tmp_path_factory.mktemp("template")
    migrations.upgrade(make_settings(template_dir, default_database_url(template_dir)))
    return str(template_dir / "quest.db")


async def _filled_tables(session: AsyncSession) -> list[str]:
    """The tables that hold any row, children first (one statement, however many tables)."""
    tables = list(reversed(metadata.sorted_tables))
    probes = ", ".join(f'EXISTS (SELECT FROM public."{table.name}")' for table in tables)
    filled = (await session.execute(text(f"SELECT {probes}"))).one()
    return [table.name for table, has_rows in zip(tables, filled, strict=True) if has_rows]


async def _empty_tables(settings: Settings) -> None:
    """Every row deleted, children first, from the tables that hold any: most tests write to a few of the
    40 tables, and one ``TRUNCATE`` of them all cost about 0.1 s a test (each truncated table gets new
    files), where finding the filled ones and deleting their rows costs a few milliseconds."""
    async with open_database(settings) as session_maker, session_maker() as session:
        for name in await _filled_tables(session):
            if name == "audit_log":  # append-only by its triggers; the tests' owner role lifts them here
                await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
                await session.execute(text("DELETE FROM audit_log"))
                await session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
            else:
                await session.execute(text(f'DELETE FROM "{name}"'))
        await session.commit()


@pytest.fixture(scope="session")
def worker_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a worker's tests keep their SQLite database, one test after another (see ``settings``)."""
    return tmp_path_factory.mktemp("worker")


def _restore_sqlite(template: str, folder: Path) -> None:
    """The worker's database made a copy of the migrated template: a new file, so that nothing left open
    on the last test's (a killed server's connection, its write-ahead log) can reach it."""
    database = folder / SQLITE_FILE
    for old in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        old.unlink(missing_ok=True)
    shutil.copyfile(template, database)


@pytest.fixture
def settings(tmp_path: Path, migrated_database: str, worker_folder: Path) -> Settings:
    """Settings for one test, pointing at an empty, migrated database that no other test is using: the
    worker's own, emptied (PostgreSQL) or made again from the template (SQLite) for each test. Its data
    folder is the test's own. Every test of a worker has the same database URL, so that they can share
    one app (``shared_app``)."""
    if POSTGRES_URL:
        settings = make_settings(tmp_path, migrated_database)
        run(_empty_tables(settings))
        return settings
    _restore_sqlite(migrated_database, worker_folder)
    return make_settings(tmp_path, default_database_url(worker_folder))


# Each worker's apps, by their settings apart from the data folder (which the app does not use once built).
_SHARED_APPS: dict[Settings, tuple[Litestar, int, object]] = {}


def shared_app(settings: Settings, *, clock: Clock | None = None) -> Litestar:
    """The worker's app for settings like these, made ready for one test by :func:`quest.app.prepare`
    (the test's settings and clock, empty caches): building QUEST's app registers over 300 handlers, about
    half a second, so each worker builds it once. A test that adds routes to its app or wraps it asks for
    one of its own with ``@pytest.mark.own_app``; one that forgets is named by the next test's failure."""
    key = replace(settings, data_dir=Path())
    if key not in _SHARED_APPS:
        app = create_app(settings, clock=clock)
        _SHARED_APPS[key] = (app, len(app.routes), app.asgi_handler)
        return app
    app, routes, handler = _SHARED_APPS[key]
    if (len(app.routes), app.asgi_handler) != (routes, handler):
        raise RuntimeError("an earlier test changed the shared app's routes or handler: mark it @pytest.mark.own_app")
    if app.state.settings is settings:  # asked for again by the same test: it is the same app
        running = app.state[CLOCK]
        if (running is not clock) if clock is not None else not isinstance(running, SystemClock):
            raise RuntimeError("this test asks for two apps on different clocks: make the second with create_app")
        return app
    # Connections a test left in the pool (its client never stopped the app) would reach the last test's
    # database: they are let go, unclosed, so that this test's are opened afresh.
    app.state[SESSION_MAKER].kw["bind"].sync_engine.dispose(close=False)
    prepare(app, settings, clock=clock)
    return app


@pytest.fixture
def database(settings: Settings) -> Callable[[Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]], T]:
    """Run ``work(session_maker)`` against the test's database, from synchronous test code."""

    def use(work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
        async def go() -> T:
            async with open_database(settings) as session_maker:
                return await work(session_maker)

        return run(go())

    return use


@pytest.fixture
def app(request: pytest.FixtureRequest, settings: Settings) -> Litestar:
    """The app for one test: the worker's shared one, or with ``@pytest.mark.own_app`` one of its own."""
    return create_app(settings) if request.node.get_closest_marker("own_app") else shared_app(settings)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app, base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
def signed_in(client: TestClient[Litestar], demo: Any) -> Callable[[str], TestClient[Litestar]]:
    """Sign the test's browser in as the demo user of a role: ``signed_in("staff")``."""
    from tests.helpers import sign_in_as

    def as_role(role: str) -> TestClient[Litestar]:
        sign_in_as(client, role)
        return client

    return as_role


def seed_demo(settings: Settings, *, history: bool) -> Any:
    from quest.demo.seed import seed_small

    async def seed() -> Any:
        async with open_database(settings) as session_maker:
            return await seed_small(session_maker, seed=1, history=history)

    return run(seed())


def _rows_in(sqlite_file: str) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(sqlite_file)) as connection:
        return {
            table.name: connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
            for table in metadata.sorted_tables
        }


async def _postgres_has_rows(settings: Settings) -> bool:
    async with open_database(settings) as session_maker, session_maker() as session:
        return bool(await _filled_tables(session))


async def _keep_postgres_copy(settings: Settings, schema: str) -> None:
    """Every table's rows copied into tables of the same names in ``schema``, made afresh, in the same
    database: a copy that :func:`_restore_postgres_copy` can put back in a few statements."""
    async with open_database(settings) as session_maker, session_maker() as session:
        await session.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await session.execute(text(f'CREATE SCHEMA "{schema}"'))
        for table in metadata.sorted_tables:
            await session.execute(text(f'CREATE TABLE "{schema}"."{table.name}" AS TABLE public."{table.name}"'))
        await session.commit()


_WRITTEN_COLUMNS = text(
    "SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) FROM information_schema.columns "
    "WHERE table_schema = 'public' AND is_generated = 'NEVER' GROUP BY table_name"
)


async def _restore_postgres_copy(settings: Settings, schema: str) -> None:
    """The rows kept in ``schema`` put back into the (empty) tables, parents first. A generated column
    (an idea's search document) is left for the database to make again."""
    async with open_database(settings) as session_maker, session_maker() as session:
        columns: dict[str, list[str]] = dict((await session.execute(_WRITTEN_COLUMNS)).all())
        for table in metadata.sorted_tables:
            names = ", ".join(f'"{name}"' for name in columns[table.name])
            await session.execute(
                text(f'INSERT INTO public."{table.name}" ({names}) SELECT {names} FROM "{schema}"."{table.name}"')
            )
        await session.commit()


async def _copy_postgres_rows(source: Settings, schema: str, target: Settings) -> None:
    """The rows kept in ``schema`` of the database of ``source`` written into the (empty) tables of another
    database, migrated alike, by binary ``COPY``, parents first and in one transaction."""
    import asyncpg

    def dsn(settings: Settings) -> str:
        return make_url(settings.database_url).set(drivername="postgresql").render_as_string(hide_password=False)

    reader, writer = await asyncpg.connect(dsn(source)), await asyncpg.connect(dsn(target))
    try:
        columns = {row[0]: row[1] for row in await writer.fetch(str(_WRITTEN_COLUMNS))}
        async with writer.transaction():
            for table in metadata.sorted_tables:
                rows = io.BytesIO()
                names = columns[table.name]
                await reader.copy_from_table(
                    table.name, schema_name=schema, columns=names, output=rows, format="binary"
                )
                rows.seek(0)
                await writer.copy_to_table(table.name, source=rows, columns=names, format="binary")
    finally:
        await reader.close()
        await writer.close()


class DemoCopies:
    """The small demo, seeded by each worker once a day for each kind (with its history or without; the
    history ends at the moment it is seeded) and kept, so that a test gets a copy rather than seeding it:
    - on SQLite the copy is a template file, given to the test by SQLite's backup, which writes into the
      database as any writer does, so connections a test opened first see it too;
    - on PostgreSQL it is a schema of the worker's database, whose rows are inserted into the test's
      emptied tables, or copied into another database (the browser tests' server's).
    A copy refuses a database the test wrote to first, where seeding would have added to it."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, migrated_database: str) -> None:
        self._folders = tmp_path_factory
        self._migrated = migrated_database
        self._empty = None if POSTGRES_URL else _rows_in(migrated_database)
        self._kept: dict[tuple[bool, datetime.date], Path | str] = {}

    def __call__(self, settings: Settings, history: bool) -> None:
        """The demo put into the test's empty database."""
        database = make_url(settings.database_url).database or ""
        written_first = run(_postgres_has_rows(settings)) if POSTGRES_URL else _rows_in(database) != self._empty
        if written_first:
            raise RuntimeError("the demo fixtures must come before anything that writes to the test's database")
        if POSTGRES_URL:
            key = self._key(history)
            if key in self._kept:
                run(_restore_postgres_copy(settings, str(self._kept[key])))
            else:  # seeded into this test's database, and kept from there
                self._seed_and_keep(settings, history)
            return
        with (
            contextlib.closing(sqlite3.connect(self.template(history))) as template,
            contextlib.closing(sqlite3.connect(database)) as copy,
        ):
            template.backup(copy)

    def template(self, history: bool) -> Path:
        """SQLite: the kept file (seeded now if this worker has none of today's)."""
        key = self._key(history)
        if key not in self._kept:
            folder = self._folders.mktemp("demo")
            shutil.copyfile(self._migrated, folder / SQLITE_FILE)
            seed_demo(make_settings(folder, default_database_url(folder)), history=history)
            self._kept[key] = folder / SQLITE_FILE
        return Path(self._kept[key])

    def copy_into(self, target: Settings, history: bool) -> None:
        """PostgreSQL: the kept rows copied into ``target``, another database migrated alike (its tables
        emptied first). A worker with none of today's seeds it in its own database first."""
        key = self._key(history)
        worker = make_settings(Path(self._folders.mktemp("pg")), self._migrated)
        if key not in self._kept:
            run(_empty_tables(worker))  # the last test's rows; the next test empties it again
            self._seed_and_keep(worker, history)
        run(_empty_tables(target))
        run(_copy_postgres_rows(worker, str(self._kept[key]), target))

    def _seed_and_keep(self, settings: Settings, history: bool) -> None:
        schema = "test_demo_history" if history else "test_demo"
        seed_demo(settings, history=history)
        run(_keep_postgres_copy(settings, schema))
        self._kept[self._key(history)] = schema

    @staticmethod
    def _key(history: bool) -> tuple[bool, datetime.date]:
        return history, datetime.datetime.now(LONDON).date()


@pytest.fixture(scope="session")
def demo_copies(tmp_path_factory: pytest.TempPathFactory, migrated_database: str) -> DemoCopies:
    """Seeds the small demo into a test's database (:class:`DemoCopies`)."""
    return DemoCopies(tmp_path_factory, migrated_database)


@pytest.fixture
def demo(settings: Settings, demo_copies: DemoCopies) -> None:
    """The small demo's forces, divisions and one user per role (no history: quick)."""
    demo_copies(settings, False)


@pytest.fixture
def demo_history(settings: Settings, demo_copies: DemoCopies) -> None:
    """The whole small demo: with colleagues, ideas, waste and two years of backlog counts."""
    demo_copies(settings, True)
