"""The ``quest`` command as a user runs it: real processes, real output, no tracebacks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from quest import migrations
from quest.cli import check_port, main
from quest.config import Settings
from tests.helpers import csrf_from_page
from tests.servers import free_port

QUEST = [sys.executable, "-m", "quest"]


def quest(
    settings: Settings | None, *arguments: str, extra_env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUEST_")}
    if settings is not None:
        env |= {"QUEST_DATA_DIR": str(settings.data_dir), "QUEST_DATABASE_URL": settings.database_url}
    env |= extra_env or {}
    return subprocess.run([*QUEST, *arguments], env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+asyncpg://quest:secretpassword@127.0.0.1:9/quest",
            "cannot connect to the database at postgresql+asyncpg://quest:***@127.0.0.1:9/quest",
        ),
        ("mysql://root@localhost/quest", "QUEST_DATABASE_URL uses 'mysql', which QUEST does not support"),
        ("definitely not a url", "QUEST_DATABASE_URL is not a database URL"),
    ],
)
def test_serve_with_a_bad_database_url_stops_with_one_clear_line(tmp_path: Path, url: str, expected: str) -> None:
    result = quest(
        None,
        "serve",
        "--port",
        str(free_port()),
        extra_env={"QUEST_DATABASE_URL": url, "QUEST_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "secretpassword" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


def test_serve_on_a_taken_port_says_so_and_how_to_choose_another(tmp_path: Path) -> None:
    """Nothing is migrated and "is running" is never printed when the port is taken."""
    with socket.socket() as occupant:
        occupant.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn's would be
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        port = int(occupant.getsockname()[1])
        result = quest(None, "serve", "--port", str(port), extra_env={"QUEST_DATA_DIR": str(tmp_path)})
        current = quest(None, "db", "current", extra_env={"QUEST_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "is running" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0] == (
        f"Error: 127.0.0.1:{port} is taken: another program is listening there. "
        f"Choose another port with --port, e.g. quest serve --port {port + 1}"
    )
    assert current.stdout.strip() == "no revision (empty)"  # the port was checked before migrating


def test_a_port_whose_last_server_left_time_wait_connections_is_free() -> None:
    """uvicorn binds with SO_REUSEADDR, so the check must too, or it would refuse a port uvicorn can use."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = int(server.getsockname()[1])
        with socket.create_connection(("127.0.0.1", port)) as visitor:
            connection, _address = server.accept()
            connection.close()  # the server closes first, so its side waits in TIME_WAIT
            visitor.recv(1)
    with socket.socket() as plain, pytest.raises(OSError, match="in use"):
        plain.bind(("127.0.0.1", port))  # without SO_REUSEADDR the port looks taken
    check_port("127.0.0.1", port, workers=1)  # no exception: uvicorn can listen there


def test_serve_with_a_host_it_cannot_listen_on_says_so(tmp_path: Path) -> None:
    result = quest(
        None, "serve", "--host", "192.0.2.1", "--port", str(free_port()), extra_env={"QUEST_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 1
    assert "is running" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: cannot listen on 192.0.2.1:"), lines[0]
    assert "--host" in lines[0]


def test_serve_with_a_missing_postgres_database_names_it(tmp_path: Path) -> None:
    url = os.environ.get("QUEST_TEST_DATABASE_URL")
    if not url:
        url = "postgresql+asyncpg://postgres@localhost/quest_no_such_database"
    else:
        from sqlalchemy.engine import make_url

        url = make_url(url).set(database="quest_no_such_database").render_as_string(hide_password=False)
    result = quest(None, "serve", extra_env={"QUEST_DATABASE_URL": url, "QUEST_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot connect to the database" in result.stderr
    assert "quest_no_such_database" in result.stderr


def in_process(
    settings: Settings, *arguments: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """:func:`quest` run in the tests' own process, as ``CliRunner`` runs it, where a process would spend
    most of its two seconds importing QUEST: the same command, environment, output and exit code. The
    first call of each test below runs a real process."""
    env: dict[str, str | None] = {key: None for key in os.environ if key.startswith("QUEST_")}
    env |= {"QUEST_DATA_DIR": str(settings.data_dir), "QUEST_DATABASE_URL": settings.database_url}
    env |= extra_env or {}
    result = CliRunner().invoke(main, list(arguments), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(arguments, result.exit_code, result.stdout, result.stderr)


def test_db_commands(settings: Settings, tmp_path: Path) -> None:
    current = quest(settings, "db", "current")
    assert current.returncode == 0, current.stderr
    assert "(the latest)" in current.stdout

    check = in_process(settings, "db", "check")
    assert check.returncode == 0, check.stderr
    assert "matches the models" in check.stdout

    down = in_process(settings, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    assert "no revision (empty)" in down.stdout

    behind = in_process(settings, "db", "check")
    assert behind.returncode == 1
    assert "Run: quest db upgrade" in behind.stderr

    up = in_process(settings, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert "(the latest)" in up.stdout

    unknown = in_process(settings, "db", "downgrade", "nonsense")
    assert unknown.returncode == 1
    assert "Traceback" not in unknown.stderr
    assert "nonsense" in unknown.stderr


def test_db_commands_migrate_with_the_migration_url_when_it_is_set(settings: Settings, tmp_path: Path) -> None:
    """The app's role may not own the tables: migrations connect as QUEST_MIGRATION_DATABASE_URL. Here the
    app's URL names a database that does not exist, so only the migration URL can succeed."""
    migrations.downgrade(settings, "base")
    if settings.is_sqlite:
        (tmp_path / "a-file").write_text("not a folder")
        unreachable = f"sqlite+aiosqlite:///{tmp_path / 'a-file' / 'quest.db'}"
    else:
        from sqlalchemy.engine import make_url

        unreachable = make_url(settings.database_url).set(database="quest_no_such_database").render_as_string(False)
    env = {"QUEST_DATABASE_URL": unreachable, "QUEST_MIGRATION_DATABASE_URL": settings.database_url}

    up = quest(settings, "db", "upgrade", extra_env=env)
    assert up.returncode == 0, up.stderr
    assert "(the latest)" in up.stdout
    assert migrations.status(settings).ok
    for command in ("current", "check"):
        result = in_process(settings, "db", command, extra_env=env)
        assert result.returncode == 0, result.stderr
    down = in_process(settings, "db", "downgrade", "base", extra_env=env)
    assert down.returncode == 0, down.stderr
    assert migrations.status(settings).current == ()
    # Without it, the app's own URL is the one migrations use, and it fails.
    alone = in_process(settings, "db", "upgrade", extra_env={"QUEST_DATABASE_URL": unreachable})
    assert alone.returncode == 1
    assert "cannot connect to the database" in alone.stderr
    migrations.upgrade(settings)  # on PostgreSQL the next tests share this database


def test_serve_migrates_seeds_the_demo_and_serves(settings: Settings) -> None:
    migrations.downgrade(settings, "base")  # an empty database, as on first start
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUEST_")}
    env |= {"QUEST_DATA_DIR": str(settings.data_dir), "QUEST_DATABASE_URL": settings.database_url}
    server = subprocess.Popen(
        [*QUEST, "serve", "--port", str(port), "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"quest serve did not start: {server.communicate()}") from None
                time.sleep(0.2)
        assert health.json() == {"status": "ok", "database": "ok"}
        with httpx.Client(base_url=base, timeout=10) as browser:
            assert browser.get("/forces").status_code == 303  # not signed in
            sign_in_page = browser.get("/sign-in")
            signed_in = browser.post(
                "/sign-in",
                data={
                    "email": "hq@lancashire.example",
                    "password": "quest-demo-password",
                    "next": "/forces",
                    "_csrf_token": csrf_from_page(sign_in_page.text),
                },
            )
            assert signed_in.status_code == 303
            assert signed_in.headers["location"] == "/forces"
            assert "Lancashire Constabulary" in browser.get("/forces").text
            assert browser.get("/forces/LAN").status_code == 200
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)
    assert f"QUEST is running at http://127.0.0.1:{port}/" in stdout
    assert "Seeded the small demo" in stdout
    assert "Traceback" not in stderr
    assert "path=/forces" in stderr  # the request log line
