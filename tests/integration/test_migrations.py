"""Migrations on the engine under test: upgrade an empty database to head, no drift between models and
migrations, downgrade to base, upgrade again. The audit log refuses changes at the database level."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from quest import migrations
from quest.config import Settings, default_database_url
from quest.db import create_engine
from quest.models import metadata
from tests.conftest import POSTGRES_URL, _recreate_postgres_database, make_settings, run, worker_postgres_url


@pytest.fixture
def empty_database(tmp_path: Path, worker_id: str) -> Iterator[Settings]:
    if POSTGRES_URL:
        url = worker_postgres_url(worker_id, "_migrations")
        run(_recreate_postgres_database(url))
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
