"""Alembic environment for QUEST.

Run through ``quest db ...`` (see quest/migrations.py), which passes the settings in
``config.attributes["settings"]``. SQLite uses batch mode, since it cannot alter most things in place.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from quest.config import load_settings
from quest.db import create_engine
from quest.migrations import compare_type, include_name
from quest.models import metadata

config = context.config


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=metadata,
        compare_type=compare_type,
        include_name=include_name,
        compare_server_default=False,
        # The SQLite connection is set up for real transactions (quest.db), so a migration is atomic there too.
        transactional_ddl=True,
        render_as_batch=True,
        **options,
    )


def _run_on(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    settings = config.attributes.get("settings") or load_settings().for_migrations()
    engine = create_engine(settings, for_migrations=True)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_on)
    finally:
        await engine.dispose()


connection = config.attributes.get("connection")
if context.is_offline_mode():
    settings = config.attributes.get("settings") or load_settings().for_migrations()
    _configure(url=settings.database_url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    _run_on(connection)
else:
    asyncio.run(_run_online())
