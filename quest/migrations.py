"""Schema migrations: the functions behind ``quest db ...``, also used by ``quest serve`` and the tests.

These are synchronous on purpose: Alembic's environment (``migrations/env.py``) runs its own event
loop, so they must be called from plain code, never from inside a running loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from advanced_alchemy.types import GUID
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import LargeBinary, Numeric, String, Uuid, text
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine

from quest.config import Settings
from quest.db import create_engine
from quest.models import metadata
from quest.paths import MIGRATIONS_DIR

T = TypeVar("T")


class MigrationError(Exception):
    """A migration left the database inconsistent, or the schema does not match the code."""


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    current: tuple[str, ...]
    head: tuple[str, ...]
    drift: tuple[str, ...]

    @property
    def at_head(self) -> bool:
        return set(self.current) == set(self.head)

    @property
    def ok(self) -> bool:
        return self.at_head and not self.drift


def alembic_config(settings: Settings) -> Config:
    """Alembic's configuration; it connects with the migration URL (an owner role) when one is set."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["settings"] = settings.for_migrations()
    return config


def head_revisions() -> tuple[str, ...]:
    script = ScriptDirectory.from_config(alembic_config(Settings()))
    return tuple(script.get_heads())


def known_revisions() -> frozenset[str]:
    """Every revision this version of QUEST has a migration for; a database at any other comes from a newer one."""
    script = ScriptDirectory.from_config(alembic_config(Settings()))
    return frozenset(revision.revision for revision in script.walk_revisions())


def upgrade(settings: Settings, revision: str = "head") -> None:
    before = current_revisions(settings) if settings.is_sqlite else ()
    command.upgrade(alembic_config(settings), revision)
    # What a migration may leave behind is checked when one ran, not on every start: the check reads the
    # whole database (23 s on the national dataset), and `quest serve` upgrades on every start.
    if settings.is_sqlite and current_revisions(settings) != before:
        _check_foreign_keys(settings)
        _rebuild_sqlite_search(settings)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)
    _check_foreign_keys(settings)


def revision(settings: Settings, message: str) -> None:
    """Autogenerate a new revision from the difference between the models and an up-to-date database."""
    command.revision(alembic_config(settings), message=message, autogenerate=True)


def current_revisions(settings: Settings) -> tuple[str, ...]:
    return _run(settings, lambda connection: tuple(MigrationContext.configure(connection).get_current_heads()))


def status(settings: Settings) -> SchemaStatus:
    def inspect_schema(connection: Connection) -> SchemaStatus:
        context = MigrationContext.configure(
            connection, opts={"compare_type": compare_type, "include_name": include_name}
        )
        current = tuple(context.get_current_heads())
        drift = tuple(_describe(diff) for diff in compare_metadata(context, metadata)) if current else ()
        return SchemaStatus(current=current, head=head_revisions(), drift=drift)

    return _run(settings, inspect_schema)


# Full-text search is built by hand in the migrations, differently on each engine, so the comparison of
# models and database leaves it out: SQLite's FTS5 table (and its shadow tables), PostgreSQL's stored
# document and its index.
_SEARCH_TABLE_PREFIX = "ideas_fts"
_SEARCH_INDEX = "ix_ideas_search"
_SEARCH_DOCUMENT = ("ideas", "search_document")


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    if type_ == "table" and name is not None and name.startswith(_SEARCH_TABLE_PREFIX):
        return False
    if type_ == "column" and (parent_names.get("table_name"), name) == _SEARCH_DOCUMENT:
        return False
    return not (type_ == "index" and name == _SEARCH_INDEX)


def compare_type(
    _context: MigrationContext,
    _inspected_column: Any,
    _metadata_column: Any,
    inspected_type: TypeEngine[Any],
    metadata_type: TypeEngine[Any],
) -> bool | None:
    """Advanced Alchemy's GUID is stored as BINARY(16) on SQLite (reflected, by SQLite's type affinity,
    as NUMERIC) and as UUID on PostgreSQL. Reflection sees those, not GUID, which is no difference at
    all. Anything else: Alembic's own comparison."""
    if isinstance(metadata_type, GUID):
        return not isinstance(inspected_type, LargeBinary | Uuid | String | Numeric)
    return None


def _describe(diff: Any) -> str:
    if isinstance(diff, list):  # column modifications come grouped
        return "; ".join(_describe(item) for item in diff)
    action = diff[0]
    if action.startswith("modify_"):
        _, _schema, table, column, _existing, old, new = diff
        return f"{action} {table}.{column}: database has {old!r}, models say {new!r}"
    subject = diff[1]
    return f"{action} {getattr(subject, 'name', subject)}"


def _rebuild_sqlite_search(settings: Settings) -> None:
    """The FTS5 index points at the ideas table's rowids, which a batch migration can renumber."""

    def rebuild(connection: Connection) -> None:
        exists = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ideas_fts'")
        ).first()
        if exists:
            connection.execute(text("INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild')"))
            connection.commit()

    _run(settings, rebuild)


def _check_foreign_keys(settings: Settings) -> None:
    """SQLite migrates with foreign keys off (batch mode copies tables), so check them afterwards."""
    if not settings.is_sqlite:
        return

    def violations(connection: Connection) -> list[Any]:
        return list(connection.execute(text("PRAGMA foreign_key_check")))

    found = _run(settings, violations)
    if found:
        raise MigrationError(f"the migration left {len(found)} broken foreign key(s), first: {found[0]!r}")


def _run(settings: Settings, work: Callable[[Connection], T]) -> T:
    async def go() -> T:
        engine = create_engine(settings.for_migrations(), for_migrations=True)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(go())
