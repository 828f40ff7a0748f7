"""Backups and restores of the SQLite database (``quest backup``, ``quest restore``).

Both go through SQLite's online backup API (``sqlite3.Connection.backup``), which copies the database as
one consistent snapshot, whatever is in the write-ahead log, while the application keeps writing.

The copy is made in one step (``pages=-1``). Copying a few pages a step would hold no lock between steps,
but SQLite restarts such a backup from the first page whenever another connection writes, so a busy
application starves it: against a 46 MB database written every couple of milliseconds, a backup of 1024
pages a step had not got past page 3072 of 11,000 after ten seconds, while one step took 0.13 s. In WAL
mode one step holds only a read snapshot, so writers carry on meanwhile; only a checkpoint waits.

PostgreSQL is backed up with its own tools (``pg_dump``, ``pg_restore``), as ``docs/operations.md`` shows;
these functions refuse it with that advice.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url

from quest.config import Settings

# What a backup's report counts: the records people would miss first.
MAIN_RECORDS = (
    "forces",
    "divisions",
    "users",
    "ideas",
    "idea_events",
    "waste_observations",
    "metrics",
    "readings",
    "savings_claims",
    "audit_log",
)
SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
_SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRESQL_ADVICE = (
    "quest backup and quest restore work on SQLite only; back up PostgreSQL with pg_dump and restore it with"
    " pg_restore, as docs/operations.md shows under 'Backups and restores'"
)


class BackupRefused(Exception):
    """A backup or restore that was not done, or not finished; the message names the file and the reason."""


@dataclass(frozen=True, slots=True)
class DatabaseSummary:
    """What a database file holds: its schema revision (empty if none) and how many of each main record."""

    revision: str
    counts: dict[str, int]

    def describe_counts(self) -> str:
        return ", ".join(f"{count:,} {table}" for table, count in self.counts.items()) or "no QUEST tables"


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    size_bytes: int
    summary: DatabaseSummary


@dataclass(frozen=True, slots=True)
class RestoreReport:
    source: Path
    restored_revision: str
    # The database as it was before the restore, kept beside it (none: there was no database yet).
    kept_copy: Path | None
    summary: DatabaseSummary


def database_file(settings: Settings) -> Path:
    """The SQLite file ``settings`` point at; refuses PostgreSQL with the advice to use its own tools."""
    if not settings.is_sqlite:
        raise BackupRefused(POSTGRESQL_ADVICE)
    database = make_url(settings.database_url).database
    assert database  # config.parse_database_url refuses a SQLite URL without a file
    return Path(database).resolve()


def back_up(settings: Settings, target: Path, *, overwrite: bool = False) -> BackupReport:
    """Copy the live database to ``target``, consistent even while the application writes.

    The copy is written to a temporary file beside ``target`` and renamed into place only once it is
    complete and passes ``PRAGMA integrity_check``; on any failure nothing is left at ``target``."""
    live = database_file(settings)
    target = target.resolve()
    if not live.is_file():
        raise BackupRefused(f"{live}: there is no database to back up")
    if target == live:
        raise BackupRefused(f"{target}: that is the live database; choose another file for the backup")
    if target.is_dir():
        raise BackupRefused(f"{target}: is a folder; name the backup file")
    if target.exists() and not overwrite:
        raise BackupRefused(f"{target}: already exists; give --force to overwrite it")
    if not target.parent.is_dir():
        raise BackupRefused(f"{target}: the folder {target.parent} does not exist")

    descriptor, partial_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(descriptor)
    partial = Path(partial_name)
    try:
        with _connect(live, read_only=True) as source, _connect(partial) as copy:
            source.backup(copy)  # one step: see the module docstring
            # The backup is one self-contained file, whatever the live database's journal mode.
            copy.execute("PRAGMA journal_mode=DELETE")
            _require_intact(copy, target)
            summary = summarise(copy)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.replace(target)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, sqlite3.Error):
            raise BackupRefused(f"{target}: the backup failed: {error}") from None
        raise
    return BackupReport(path=target, size_bytes=target.stat().st_size, summary=summary)


def restore(settings: Settings, source: Path) -> RestoreReport:
    """Replace the live database's contents with the backup ``source``, then migrate it to the latest
    revision. The database as it was is first kept beside it (``RestoreReport.kept_copy``).

    Run it with QUEST stopped (``docs/operations.md``): nothing here can tell an idle server from none."""
    from quest import migrations

    live = database_file(settings)
    source = source.resolve()
    restored_revision = check_backup(source)
    if source == live:
        raise BackupRefused(f"{source}: that is the live database itself")

    kept_copy = None
    if live.is_file():
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept_copy = back_up(settings, live.with_name(f"{live.name}.before-restore-{stamp}")).path
    live.parent.mkdir(parents=True, exist_ok=True)
    # Through the backup API, not by copying files over the live one: SQLite writes the pages under its
    # write lock, in the live file's own (WAL) journal, so no stale -wal or -shm file can outlive it.
    with _connect(source, read_only=True) as backup, _connect(live) as database:
        backup.backup(database)
    try:
        migrations.upgrade(settings)
    except migrations.MigrationError as error:
        raise BackupRefused(f"{source}: restored, but migrating it to the latest revision failed: {error}") from None
    with _connect(live, read_only=True) as database:
        summary = summarise(database)
    return RestoreReport(source=source, restored_revision=restored_revision, kept_copy=kept_copy, summary=summary)


def check_backup(source: Path) -> str:
    """The schema revision of the backup ``source``, or :class:`BackupRefused` saying why it cannot be
    restored: missing, not SQLite, damaged, not QUEST's, or from a newer QUEST than this one."""
    from quest import migrations

    if not source.exists():
        raise BackupRefused(f"{source}: no such file")
    if not source.is_file():
        raise BackupRefused(f"{source}: not a file")
    with source.open("rb") as handle:
        if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise BackupRefused(f"{source}: not a SQLite database")
    try:
        with _connect(source, read_only=True) as backup:
            _require_intact(backup, source)
            summary = summarise(backup)
    except sqlite3.Error as error:
        raise BackupRefused(f"{source}: cannot be read as a SQLite database: {error}") from None
    if not summary.revision:
        raise BackupRefused(f"{source}: a SQLite database, but not a QUEST one (it has no schema revision)")
    if summary.revision not in migrations.known_revisions():
        latest = ", ".join(migrations.head_revisions())
        raise BackupRefused(
            f"{source}: its schema revision {summary.revision} is not one this version of QUEST knows (its latest"
            f" is {latest}); it comes from a newer QUEST: restore it with that version or later"
        )
    return summary.revision


def summarise(connection: sqlite3.Connection) -> DatabaseSummary:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    revision = ""
    if "alembic_version" in tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else ""
    # The table names are our own constants, never input.
    counts = {
        table: int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608
        for table in MAIN_RECORDS
        if table in tables
    }
    return DatabaseSummary(revision=revision, counts=counts)


def _require_intact(connection: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupRefused(f"{path}: fails SQLite's integrity check: {problems[0]}")


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection that waits for locks as the application's do, and is always closed.
    Read-only opens never create a file that is not there."""
    uri = f"file:{quote(str(path))}?mode={'ro' if read_only else 'rwc'}"
    connection = sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()
