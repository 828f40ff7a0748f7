"""Backups and restores (docs/operations.md, "Backups and restores").

SQLite's ``quest backup`` and ``quest restore`` are SQLite's own, so their tests use a SQLite database of
their own whichever engine the suite runs on. The PostgreSQL round trip runs the ``pg_dump`` and
``pg_restore`` commands exactly as the docs give them.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import Result
from sqlalchemy import text
from sqlalchemy.engine import make_url

from quest import migrations
from quest.config import Settings, default_database_url
from quest.db import open_database
from quest.models import metadata
from tests.conftest import POSTGRES_URL, make_settings, run
from tests.helpers import quest_command, raise_idea

STAFF = "staff@lancashire.example"
OPERATIONS_DOC = Path(__file__).parents[2] / "docs" / "operations.md"


def quest(settings: Settings, *arguments: str) -> Result:
    return quest_command(settings, *arguments)  # type: ignore[no-any-return]


def refusal(result: Result) -> str:
    """The one line a refused command prints, after asserting that it exited 1 with that line alone."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def sqlite_rows(path: Path, query: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(connection.execute(query))
    finally:
        connection.close()


def titles(path: Path) -> set[str]:
    return {str(title) for (title,) in sqlite_rows(path, "SELECT title FROM ideas")}


def submit(settings: Settings, *names: str) -> None:
    async def go() -> None:
        async with open_database(settings) as session_maker:
            for name in names:
                await raise_idea(session_maker, STAFF, name)

    run(go())


def sqlite_database(folder: Path) -> Settings:
    folder.mkdir(parents=True, exist_ok=True)
    return make_settings(folder, default_database_url(folder))


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database at the latest revision with the demo's organisation and users, made once."""
    from quest.demo.seed import seed_small

    settings = sqlite_database(tmp_path_factory.mktemp("seeded"))
    migrations.upgrade(settings)

    async def seed() -> None:
        async with open_database(settings) as session_maker:
            await seed_small(session_maker, seed=1, history=False)

    run(seed())
    return settings.data_dir / "quest.db"


@pytest.fixture
def live(tmp_path: Path, seeded_sqlite: Path) -> Settings:
    """Settings for a live SQLite database of this test's own, seeded."""
    settings = sqlite_database(tmp_path / "live")
    shutil.copyfile(seeded_sqlite, settings.data_dir / "quest.db")
    return settings


def live_file(settings: Settings) -> Path:
    return settings.data_dir / "quest.db"


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


# SQLite: quest backup


def test_a_backup_taken_while_ideas_are_submitted_is_whole_and_consistent(live: Settings, tmp_path: Path) -> None:
    """Each submission writes the idea, its 'submitted' event and its audit entry in one transaction; a
    torn copy would hold one without the others, and a copy of the file without its write-ahead log would
    miss ideas already committed."""
    committed = 0
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_submitting() -> None:
        nonlocal committed

        async def go() -> None:
            nonlocal committed
            async with open_database(live) as session_maker:
                while not stop.is_set():
                    await raise_idea(session_maker, STAFF, f"Idea number {committed}")
                    committed += 1

        try:
            asyncio.run(go())
        except BaseException as error:
            failures.append(error)

    target = tmp_path / "backups" / "quest.db"
    target.parent.mkdir()
    writer = threading.Thread(target=keep_submitting)
    writer.start()
    try:
        wait_until(lambda: committed >= 5 or bool(failures), "the first ideas")
        committed_before_backup = committed
        result = quest(live, "backup", str(target))
        wait_until(lambda: committed >= committed_before_backup + 5 or bool(failures), "ideas after the backup")
    finally:
        stop.set()
        writer.join()
    assert not failures, failures
    assert result.exit_code == 0, result.output

    assert sqlite_rows(target, "PRAGMA integrity_check") == [("ok",)]
    assert sqlite_rows(target, "PRAGMA foreign_key_check") == []
    (ideas,) = sqlite_rows(target, "SELECT count(*) FROM ideas")[0]
    assert isinstance(ideas, int)
    assert ideas >= committed_before_backup
    assert ideas < committed  # the writer carried on after the snapshot, and those ideas are not in it
    without_event = sqlite_rows(
        target,
        "SELECT count(*) FROM ideas WHERE id NOT IN (SELECT idea_id FROM idea_events WHERE kind = 'submitted')",
    )
    without_audit = sqlite_rows(
        target,
        "SELECT count(*) FROM ideas WHERE lower(hex(id)) NOT IN "
        "(SELECT replace(entity_id, '-', '') FROM audit_log WHERE entity = 'ideas' AND action = 'create')",
    )
    assert without_event == [(0,)]
    assert without_audit == [(0,)]
    # One self-contained file, and what was written said so.
    assert sqlite_rows(target, "PRAGMA journal_mode") == [("delete",)]
    assert [path.name for path in target.parent.iterdir()] == ["quest.db"]
    assert f"Backed up to {target} ({target.stat().st_size:,} bytes)." in result.stdout
    head = migrations.head_revisions()[0]
    assert f"Schema revision {head}; 7 forces, " in result.stdout
    assert f" {ideas} ideas, " in result.stdout


def test_backup_refuses_to_overwrite_a_file_unless_forced(live: Settings, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("not to be lost")

    line = refusal(quest(live, "backup", str(target)))

    assert line == f"Error: {target}: already exists; give --force to overwrite it"
    assert target.read_text() == "not to be lost"
    forced = quest(live, "backup", "--force", str(target))
    assert forced.exit_code == 0, forced.output
    assert sqlite_rows(target, "SELECT version_num FROM alembic_version") == [(migrations.head_revisions()[0],)]


def test_a_backup_that_fails_its_check_leaves_nothing_behind(live: Settings, tmp_path: Path) -> None:
    """The live database is damaged (a page of an index overwritten): the copy fails its integrity check,
    and neither the backup nor its temporary file is left."""
    database = live_file(live)
    ((page_size,), (root_page,)) = (
        sqlite_rows(database, "PRAGMA page_size")[0],
        sqlite_rows(database, "SELECT rootpage FROM sqlite_master WHERE name = 'ix_users_force_id'")[0],
    )
    assert isinstance(page_size, int)
    assert isinstance(root_page, int)
    with database.open("r+b") as handle:
        handle.seek((root_page - 1) * page_size)
        handle.write(b"\x0d" + b"\xff" * (page_size - 1))
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "quest.db"

    line = refusal(quest(live, "backup", str(target)))

    assert line.startswith(f"Error: {target}: ")
    assert "integrity check" in line or "the backup failed" in line
    assert list(folder.iterdir()) == []


def test_backup_and_restore_point_postgresql_to_its_own_tools(tmp_path: Path) -> None:
    postgresql = make_settings(tmp_path, "postgresql+asyncpg://quest@127.0.0.1:9/quest")

    for command in ("backup", "restore"):
        line = refusal(quest(postgresql, command, str(tmp_path / "quest.dump")))
        assert line == (
            "Error: quest backup and quest restore work on SQLite only; back up PostgreSQL with pg_dump and"
            " restore it with pg_restore, as docs/operations.md shows under 'Backups and restores'"
        )
    assert not (tmp_path / "quest.dump").exists()


# SQLite: quest restore


def test_restore_brings_back_the_backup_and_keeps_the_database_it_replaced(live: Settings, tmp_path: Path) -> None:
    submit(live, "Keep the custody handover short", "Share one scanner per shift")
    backup = tmp_path / "nightly.db"
    assert quest(live, "backup", str(backup)).exit_code == 0
    submit(live, "Written after the backup")
    database = live_file(live)
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE ideas SET title = 'Changed after the backup' WHERE title LIKE 'Share%'")

    result = quest(live, "restore", str(backup))

    assert result.exit_code == 0, result.output
    assert titles(database) == {"Keep the custody handover short", "Share one scanner per shift"}
    (kept,) = database.parent.glob("quest.db.before-restore-*")
    assert titles(kept) == {"Keep the custody handover short", "Changed after the backup", "Written after the backup"}
    assert f"The database as it was before is kept in {kept}." in result.stdout
    head = migrations.head_revisions()[0]
    assert f"The database is at {head} (the latest); 7 forces, " in result.stdout
    assert " 2 ideas, " in result.stdout
    checked = quest(live, "db", "check")
    assert checked.exit_code == 0, checked.output
    # What the app reads: the search index follows the restored ideas.
    assert sqlite_rows(database, "SELECT count(*) FROM ideas_fts WHERE ideas_fts MATCH 'scanner'") == [(1,)]


def test_restore_brings_a_backup_from_an_older_quest_up_to_date(live: Settings, tmp_path: Path) -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config(live))
    head = migrations.head_revisions()[0]
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    older = sqlite_database(tmp_path / "older")
    migrations.upgrade(older, previous)
    backup = tmp_path / "older.db"
    assert quest(older, "backup", str(backup)).exit_code == 0

    result = quest(live, "restore", str(backup))

    assert result.exit_code == 0, result.output
    assert f"Restored {backup} (schema revision {previous})." in result.stdout
    assert sqlite_rows(live_file(live), "SELECT version_num FROM alembic_version") == [(head,)]
    assert quest(live, "db", "check").exit_code == 0


def _missing(folder: Path) -> Path:
    return folder / "nowhere.db"


def _not_sqlite(folder: Path) -> Path:
    path = folder / "notes.db"
    path.write_text("Pending incidents: 41\n")
    return path


def _empty(folder: Path) -> Path:
    path = folder / "empty.db"
    path.touch()
    return path


def _not_quest(folder: Path) -> Path:
    path = folder / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE rota (officer TEXT, shift TEXT)")
    connection.close()
    return path


def _newer(folder: Path) -> Path:
    path = folder / "newer.db"
    shutil.copyfile(folder.parent / "live" / "quest.db", path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00dfacecafe'")
    connection.close()
    return path


@pytest.mark.parametrize(
    ("make_backup", "reason"),
    [
        (_missing, "no such file"),
        (_not_sqlite, "not a SQLite database"),
        (_empty, "not a SQLite database"),
        (_not_quest, "a SQLite database, but not a QUEST one (it has no schema revision)"),
        (
            _newer,
            "its schema revision f00dfacecafe is not one this version of QUEST knows (its latest is {head});"
            " it comes from a newer QUEST: restore it with that version or later",
        ),
    ],
    ids=["missing", "not-sqlite", "empty", "not-quest", "newer-schema"],
)
def test_restore_refuses_what_it_cannot_restore_and_changes_nothing(
    live: Settings, tmp_path: Path, make_backup: Callable[[Path], Path], reason: str
) -> None:
    submit(live, "Already here")
    folder = tmp_path / "backups"
    folder.mkdir()
    backup = make_backup(folder)
    before = live_file(live).read_bytes()

    line = refusal(quest(live, "restore", str(backup)))

    assert line == f"Error: {backup}: {reason.format(head=migrations.head_revisions()[0])}"
    assert titles(live_file(live)) == {"Already here"}
    assert live_file(live).read_bytes() == before
    assert list(live.data_dir.glob("*before-restore*")) == []


# PostgreSQL: pg_dump and pg_restore as docs/operations.md gives them


def documented_command(marker: str) -> str:
    """The shell block that follows ``<!-- marker -->`` in docs/operations.md."""
    found = re.search(rf"<!-- {marker} -->\n```sh\n(.*?)```", OPERATIONS_DOC.read_text(), re.S)
    assert found, f"docs/operations.md has no {marker} block"
    return found.group(1).strip()


LOCAL_POSTGRES = "postgresql+asyncpg://postgres@localhost/quest_test"


def _server_url() -> str:
    """The PostgreSQL the suite uses; on a SQLite run, the local one that CI always has."""
    return POSTGRES_URL or LOCAL_POSTGRES


async def _postgres_reachable(url: str) -> str | None:
    import asyncpg

    parsed = make_url(url)
    try:
        connection = await asyncpg.connect(
            user=parsed.username, password=parsed.password, host=parsed.host, port=parsed.port, database="postgres"
        )
    except (OSError, asyncpg.PostgresError) as error:
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return None


@pytest.fixture
def postgres_server() -> str:
    """The server URL. When the suite itself runs on SQLite and no PostgreSQL answers at
    localhost, the round trip is skipped with the reason, except under CI=true, where PostgreSQL is
    always started and its absence means something broke (as with Chromium for the browser tests)."""
    url = _server_url()
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    problem = run(_postgres_reachable(url)) if not missing else f"{' and '.join(missing)} not installed"
    if problem and (POSTGRES_URL or os.environ.get("CI") == "true"):
        pytest.fail(f"the PostgreSQL round trip cannot run: {problem}")
    if problem:
        pytest.skip(f"no PostgreSQL at {url} to run the pg_dump and pg_restore round trip: {problem}")
    return url


async def _as_superuser(server: str, database: str, *statements: str) -> list[list[tuple[object, ...]]]:
    import asyncpg

    parsed = make_url(server)
    connection = await asyncpg.connect(
        user=parsed.username, password=parsed.password, host=parsed.host, port=parsed.port, database=database
    )
    try:
        return [[tuple(row) for row in await connection.fetch(statement)] for statement in statements]
    finally:
        await connection.close()


async def _row_counts(settings: Settings) -> dict[str, int]:
    names = ["alembic_version", *(table.name for table in metadata.sorted_tables)]
    async with open_database(settings) as session_maker, session_maker() as session:
        return {
            name: int((await session.execute(text(f'SELECT count(*) FROM "{name}"'))).scalar_one()) for name in names
        }


def test_pg_dump_and_pg_restore_as_documented_bring_back_every_row(
    postgres_server: str, tmp_path: Path, worker_id: str
) -> None:
    from quest.demo.seed import seed_small

    base = make_url(postgres_server).set(drivername="postgresql+asyncpg")
    source_name = f"{base.database}_{worker_id}_backup_source"
    restored_name = f"{base.database}_{worker_id}_backup_restored"
    owner, app = f"{source_name}_owner", f"{source_name}_app"

    def drop_everything() -> None:
        run(
            _as_superuser(
                postgres_server,
                "postgres",
                f'DROP DATABASE IF EXISTS "{source_name}" WITH (FORCE)',
                f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)',
                f'DROP ROLE IF EXISTS "{owner}"',
                f'DROP ROLE IF EXISTS "{app}"',
            )
        )

    drop_everything()
    try:
        run(
            _as_superuser(
                postgres_server,
                "postgres",
                f'CREATE ROLE "{owner}" LOGIN',
                f'CREATE ROLE "{app}" LOGIN',
                f'CREATE DATABASE "{source_name}"',
                f'CREATE DATABASE "{restored_name}" OWNER "{owner}"',
            )
        )
        source = make_settings(tmp_path, base.set(database=source_name).render_as_string(hide_password=False))
        migrations.upgrade(source)

        async def seed() -> None:
            async with open_database(source) as session_maker:
                await seed_small(session_maker, seed=1, history=False)
                for title in ("Keep the custody handover short", "Share one scanner per shift"):
                    await raise_idea(session_maker, STAFF, title)

        run(seed())
        run(
            _as_superuser(
                postgres_server,
                source_name,
                f'GRANT USAGE ON SCHEMA public TO "{app}"',
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{app}"',
                f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public'
                f' GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app}"',
            )
        )
        restored_as_superuser = base.set(database=restored_name)
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "QUEST_OWNER_URL": base.set(drivername="postgresql", database=source_name).render_as_string(
                hide_password=False
            ),
            "RESTORE_URL": restored_as_superuser.set(drivername="postgresql").render_as_string(hide_password=False),
            "OWNER_ROLE": owner,
            "BACKUP_FILE": str(tmp_path / "quest.dump"),
        }
        for marker in ("postgresql-backup", "postgresql-restore"):
            done = subprocess.run(
                ["bash", "-c", "set -eu\n" + documented_command(marker)],
                env=environment,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stderr

        restored = make_settings(tmp_path, restored_as_superuser.render_as_string(hide_password=False))
        source_counts = run(_row_counts(source))
        assert source_counts["ideas"] == 2
        assert source_counts["audit_log"] > 0
        assert run(_row_counts(restored)) == source_counts
        [owners, app_rights, default_rights] = run(
            _as_superuser(
                postgres_server,
                restored_name,
                "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'",
                f"SELECT bool_and(has_table_privilege('{app}', format('public.%I', tablename),"
                " 'SELECT, INSERT, UPDATE, DELETE')) FROM pg_tables WHERE schemaname = 'public'",
                "SELECT pg_get_userbyid(defaclrole), defaclacl::text FROM pg_default_acl",
            )
        )
        assert owners == [(owner,)]
        assert app_rights == [(True,)]
        assert default_rights == [(owner, f"{{{app}=arwd/{owner}}}")]
        as_owner = make_settings(
            tmp_path, restored_as_superuser.set(username=owner, password=None).render_as_string(hide_password=False)
        )
        checked = quest(as_owner, "db", "check")
        assert checked.exit_code == 0, checked.output
    finally:
        drop_everything()
