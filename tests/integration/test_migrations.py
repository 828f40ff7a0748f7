"""Migrations on the engine under test: upgrade an empty database to head, no drift between models and
migrations, downgrade to base, upgrade again. The audit log refuses changes at the database level."""

from __future__ import annotations

import datetime
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from quest import migrations
from quest.config import SQLITE_FILE, Settings, default_database_url
from quest.db import create_engine
from quest.models import metadata
from tests.conftest import POSTGRES_URL, make_settings, recreate_postgres_database, run, worker_postgres_url


@pytest.fixture
def empty_database(tmp_path: Path, worker_id: str) -> Iterator[Settings]:
    if POSTGRES_URL:
        url = worker_postgres_url(worker_id, "_migrations")
        run(recreate_postgres_database(url))
        yield make_settings(tmp_path, url)
    else:
        yield make_settings(tmp_path, default_database_url(tmp_path))


def table_names(settings: Settings) -> set[str]:
    async def names() -> set[str]:
        engine = create_engine(settings)
        try:
            async with engine.connect() as connection:
                return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        finally:
            await engine.dispose()

    return run(names())


def test_upgrade_check_downgrade_and_upgrade_again(empty_database: Settings) -> None:
    settings = empty_database
    model_tables = {table.name for table in metadata.sorted_tables}

    before = migrations.status(settings)
    assert before.current == ()
    assert not before.ok

    migrations.upgrade(settings)
    status = migrations.status(settings)
    assert status.at_head
    assert status.drift == ()
    assert model_tables <= table_names(settings)

    migrations.downgrade(settings, "base")
    assert migrations.status(settings).current == ()
    assert table_names(settings) - {"alembic_version"} == set()

    migrations.upgrade(settings)
    assert migrations.status(settings).ok


def test_drift_is_reported_when_the_schema_and_models_differ(empty_database: Settings) -> None:
    settings = empty_database
    migrations.upgrade(settings)

    async def drop_an_index() -> None:
        engine = create_engine(settings)
        try:
            async with engine.begin() as connection:
                await connection.execute(text("DROP INDEX ix_divisions_force_id"))
        finally:
            await engine.dispose()

    run(drop_an_index())
    drift = migrations.status(settings).drift
    assert any("ix_divisions_force_id" in difference for difference in drift)


def execute(settings: Settings, statement: str, parameters: dict[str, object] | None = None) -> None:
    async def go() -> None:
        engine = create_engine(settings)
        try:
            async with engine.begin() as connection:
                await connection.execute(text(statement), parameters or {})
        finally:
            await engine.dispose()

    run(go())


def test_the_audit_log_refuses_updates_and_deletes_in_the_database(empty_database: Settings) -> None:
    settings = empty_database
    migrations.upgrade(settings)
    entry_id = uuid.uuid4()
    execute(
        settings,
        "INSERT INTO audit_log (id, occurred_at, actor_label, entity, action) "
        "VALUES (:id, :at, 'system', 'forces', 'create')",
        # GUIDs are 16 raw bytes on SQLite and native UUIDs on PostgreSQL.
        {
            "id": entry_id.bytes if settings.is_sqlite else entry_id,
            "at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        },
    )
    with pytest.raises(DBAPIError, match="append-only"):
        execute(settings, "UPDATE audit_log SET action = 'nothing to see'")
    with pytest.raises(DBAPIError, match="append-only"):
        execute(settings, "DELETE FROM audit_log")


@pytest.mark.skipif(not POSTGRES_URL, reason="SQLite has no TRUNCATE; its DELETE trigger is tested above")
def test_the_audit_log_refuses_truncate_on_postgresql(empty_database: Settings) -> None:
    settings = empty_database
    migrations.upgrade(settings)
    with pytest.raises(DBAPIError, match="append-only"):
        execute(settings, "TRUNCATE audit_log")
    with pytest.raises(DBAPIError, match="append-only"):
        execute(settings, "TRUNCATE audit_log, forces CASCADE")


def _statuses_and_withdrawals(settings: Settings) -> tuple[dict[str, str], set[str | None]]:
    async def read() -> tuple[dict[str, str], set[str | None]]:
        engine = create_engine(settings)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(text("SELECT title, status FROM ideas"))
                statuses: dict[str, str] = dict(rows.all())  # type: ignore[arg-type]
                withdrawals = set(
                    (
                        await connection.execute(text("SELECT to_status FROM idea_events WHERE kind = 'withdrawn'"))
                    ).scalars()
                )
                return statuses, withdrawals
        finally:
            await engine.dispose()

    return run(read())


async def _counted_nowhere(*_args: object) -> None:
    """A change as the application made it before the rollups were there to count it."""


@pytest.fixture
def before_the_rollups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ideas raised as they were before the rollups (7d2f4b9e1c58, which counts them when it runs)."""
    from quest.rollups import changes

    monkeypatch.setattr(changes, "idea_raised", _counted_nowhere)


@pytest.mark.usefixtures("before_the_rollups")
def test_ideas_withdrawn_as_declines_become_withdrawn_and_back(empty_database: Settings) -> None:
    """Before withdrawal was its own status, a withdrawn idea was declined with a 'withdrawn' event."""
    from quest.db import open_database
    from quest.demo.seed import seed_small
    from tests.helpers import DEMO_EMAILS, raise_idea

    settings = empty_database

    async def ideas_as_they_were() -> None:
        async with open_database(settings) as session_maker:
            await seed_small(session_maker, seed=1, history=False)
            await raise_idea(session_maker, DEMO_EMAILS["staff"], "Taken back")
            await raise_idea(session_maker, DEMO_EMAILS["staff"], "Turned down")

    # Raised with today's models (which know columns the old schema lacks), then taken back to it.
    migrations.upgrade(settings)
    run(ideas_as_they_were())
    migrations.downgrade(settings, "0047d56e3dec")
    execute(settings, "UPDATE ideas SET status = 'declined' WHERE title IN ('Taken back', 'Turned down')")
    execute(
        settings,
        "INSERT INTO idea_events (id, idea_id, occurred_at, kind, from_status, to_status, body) "
        "SELECT :id, id, :at, 'withdrawn', 'submitted', 'declined', 'Someone already did this.' "
        "FROM ideas WHERE title = 'Taken back'",
        {
            "id": uuid.uuid4().bytes if settings.is_sqlite else uuid.uuid4(),
            "at": datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
        },
    )

    migrations.upgrade(settings)
    after = ({"Taken back": "withdrawn", "Turned down": "declined"}, {"withdrawn"})
    assert _statuses_and_withdrawals(settings) == after
    assert migrations.status(settings).ok
    if settings.is_sqlite:  # the table was rebuilt: full-text search still follows it
        execute(settings, "UPDATE ideas SET title = 'Taken back for good' WHERE title = 'Taken back'")
        found = run(_sqlite_search(settings, "good"))
        assert found == ["Taken back for good"]
        execute(settings, "UPDATE ideas SET title = 'Taken back' WHERE title = 'Taken back for good'")
    with pytest.raises(DBAPIError):
        execute(settings, "UPDATE ideas SET status = 'lost' WHERE title = 'Turned down'")

    migrations.downgrade(settings, "0047d56e3dec")
    assert _statuses_and_withdrawals(settings) == ({"Taken back": "declined", "Turned down": "declined"}, {"declined"})
    with pytest.raises(DBAPIError):  # the old constraint is back
        execute(settings, "UPDATE ideas SET status = 'withdrawn' WHERE title = 'Turned down'")


async def _sqlite_search(settings: Settings, word: str) -> list[str]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT title FROM ideas_fts WHERE ideas_fts MATCH :word"), {"word": word}
            )
            return list(rows.scalars())
    finally:
        await engine.dispose()


def test_sqlite_checks_foreign_keys_after_a_migration_and_not_on_every_start(tmp_path: Path) -> None:
    """SQLite migrates with foreign keys off, so a migration is followed by ``PRAGMA foreign_key_check``.
    That reads the whole database, and ``quest serve`` upgrades on every start: with nothing to migrate,
    it is not run (here, the broken row planted below is not looked for again)."""
    settings = make_settings(tmp_path, default_database_url(tmp_path))
    last = migrations.head_revisions()[0]
    migrations.upgrade(settings, f"{last}-1")
    with sqlite3.connect(tmp_path / SQLITE_FILE) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute(
            "INSERT INTO idea_supports (idea_id, user_id, created_at) VALUES (?, ?, '2026-11-29 12:00:00')",
            (uuid.uuid4().hex, uuid.uuid4().hex),
        )
    with pytest.raises(migrations.MigrationError, match="broken foreign key"):
        migrations.upgrade(settings)
    assert migrations.status(settings).at_head
    migrations.upgrade(settings)  # nothing to migrate: starts without reading every row


@pytest.mark.usefixtures("before_the_rollups")
def test_the_search_index_learns_the_force_of_every_idea_already_there_and_forgets_it_on_downgrade(
    empty_database: Settings,
) -> None:
    """Similar ideas are narrowed to the viewer's force by the index itself (c5a91e3f7b2d): ideas raised
    before the upgrade are filled in with their force, and ideas raised after it by the triggers."""
    from quest.db import open_database
    from quest.demo.seed import seed_small
    from tests.helpers import DEMO_EMAILS, add_colleague, raise_idea

    settings = empty_database
    before = "3e8b6d2a9c41"

    async def ideas(*raised: tuple[str, str]) -> None:
        async with open_database(settings) as session_maker:
            if not raised:
                await seed_small(session_maker, seed=1, history=False)
                await add_colleague(session_maker, "pc@cheshire.example", "CHE", "EAST")
            for email, title in raised:
                await raise_idea(session_maker, email, title)

    # Raised with today's models (which know columns the old schema lacks), then taken back to the
    # schema before the index knew forces: its downgrade fills the index again as it was.
    migrations.upgrade(settings)
    run(ideas())
    run(
        ideas(
            (DEMO_EMAILS["staff"], "Pending incidents in Lancashire"),
            ("pc@cheshire.example", "Pending incidents in Cheshire"),
        )
    )
    migrations.downgrade(settings, before)
    migrations.upgrade(settings)
    run(ideas((DEMO_EMAILS["staff"], "Pending incidents after the upgrade")))
    assert run(_similar_in(settings, "LAN")) == {
        "Pending incidents in Lancashire",
        "Pending incidents after the upgrade",
    }
    assert run(_similar_in(settings, "CHE")) == {"Pending incidents in Cheshire"}

    migrations.downgrade(settings, before)
    assert len(run(_words_searched(settings, "pending"))) == 3  # the index as it was, filled again


async def _similar_in(settings: Settings, force_code: str) -> set[str]:
    from sqlalchemy import select

    from quest.ideas import search
    from quest.ideas.models import Idea
    from quest.org.models import Force

    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            force_id = (await connection.execute(select(Force.id).where(Force.code == force_code))).scalar_one()
            searched = search.within_force(select(Idea.title), engine.dialect.name, "pending incidents", force_id)
            assert searched is not None
            return set((await connection.execute(searched[0])).scalars())
    finally:
        await engine.dispose()


async def _words_searched(settings: Settings, word: str) -> list[str]:
    """Titles found by the search index alone (SQLite's FTS5 table; PostgreSQL's index, forced)."""
    if settings.is_sqlite:
        return await _sqlite_search(settings, word)
    engine = create_engine(settings)
    old_document = "to_tsvector('english', title || ' ' || problem || ' ' || proposal || ' ' || process)"
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(
                (
                    await connection.execute(
                        text(f"EXPLAIN SELECT title FROM ideas WHERE {old_document} @@ to_tsquery('english', :word)"),
                        {"word": word},
                    )
                ).scalars()
            )
            assert "ix_ideas_search" in plan
            rows = await connection.execute(
                text(f"SELECT title FROM ideas WHERE {old_document} @@ to_tsquery('english', :word)"), {"word": word}
            )
            return list(rows.scalars())
    finally:
        await engine.dispose()


def test_the_savings_rollups_are_filled_again_when_claims_come_up_through_every_later_revision(
    empty_database: Settings,
) -> None:
    """Claims already there (the demo's history) taken back before the evidence revision (d01c58e8ea3f) and up
    to head again: each revision on the way writes only the columns its own schema has, and the kept savings
    by year come out as the rule makes them from the claims (ungraded: the way down lost the grades)."""
    from quest.db import open_database
    from quest.demo.seed import seed_small
    from tests.rollup_sums import savings_by_year_kept_and_computed

    settings = empty_database

    async def seeded() -> None:
        async with open_database(settings) as session_maker:
            await seed_small(session_maker, seed=1)

    async def sums() -> Any:
        async with open_database(settings) as session_maker:
            return await savings_by_year_kept_and_computed(session_maker)

    migrations.upgrade(settings)
    run(seeded())
    kept, computed = run(sums())
    assert kept
    assert kept == computed
    migrations.downgrade(settings, "c6e2a8f4d1b9")
    migrations.upgrade(settings)
    # The grades were lost on the way down (the schema before had none): kept as the rule makes them now.
    kept_again, computed_again = run(sums())
    assert kept_again
    assert kept_again == computed_again
