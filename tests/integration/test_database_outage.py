"""While the database cannot be reached, QUEST answers 503 with Retry-After; a genuine bug stays a 500."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar import get
from litestar.testing import TestClient
from sqlalchemy import make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from quest import db
from quest.app import create_app
from quest.config import Settings
from quest.db import is_unreachable
from quest.web.dependencies import DatabaseSession
from tests.helpers import DEMO_EMAILS, post_form

Client = TestClient[Any]
OUTAGE_MESSAGE = "QUEST cannot reach its database just now"


def _unreachable(settings: Settings, tmp_path: Path, kind: str) -> Settings:
    if kind == "postgresql":  # nothing listens on port 1
        return dataclasses.replace(settings, database_url="postgresql+asyncpg://quest@127.0.0.1:1/quest")
    folder = tmp_path / "not-a-database-file"  # a folder where the file should be: SQLite cannot open it
    folder.mkdir()
    return dataclasses.replace(settings, database_url=f"sqlite+aiosqlite:///{folder}")


@pytest.fixture(params=["postgresql", "sqlite"])
def outage(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Any:
    """A client of an app whose database cannot be reached."""
    with TestClient(create_app(_unreachable(settings, tmp_path, request.param)), raise_server_exceptions=False) as c:
        yield c


def _assert_retry_later(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) > 0


def test_pages_answer_a_styled_503_while_the_database_is_unreachable(outage: Client) -> None:
    # A session cookie makes the authentication middleware look the session up before any routing.
    outage.cookies.set("quest_session", "a-session-secret")
    for path in ("/", "/ideas", "/account"):
        response = outage.get(path)
        _assert_retry_later(response)
        assert response.headers["content-type"].startswith("text/html")
        assert OUTAGE_MESSAGE in response.text
        assert "Try again in a minute" in response.text
        assert "css/quest.css" in response.text  # the site's own styled page, in its layout
        assert "govuk-template__header" in response.text
    outage.cookies.clear()
    # A handler's own query (signing in looks the person up) fails the same way.
    response = post_form(outage, "/sign-in", {"email": DEMO_EMAILS["staff"], "password": "not-checked"})
    _assert_retry_later(response)
    assert OUTAGE_MESSAGE in response.text


def test_the_api_answers_a_503_json_error_while_the_database_is_unreachable(outage: Client) -> None:
    response = outage.get("/api/v1/forces", headers={"Authorization": "Bearer qst_any-token"})
    _assert_retry_later(response)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status_code"] == 503
    assert OUTAGE_MESSAGE in body["detail"]
    assert body["extra"] == {}


def test_health_answers_503_with_retry_after_while_the_database_is_unreachable(outage: Client) -> None:
    response = outage.get("/healthz")
    _assert_retry_later(response)
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_service_comes_back_by_itself_when_the_database_does(settings: Settings, tmp_path: Path) -> None:
    down = _unreachable(settings, tmp_path, "sqlite")  # a folder where its file should be
    with TestClient(create_app(down), raise_server_exceptions=False) as client:
        _assert_retry_later(client.get("/healthz"))
        (tmp_path / "not-a-database-file").rmdir()  # now SQLite can open (create) its file: no restart needed
        assert client.get("/healthz").status_code == 200


@pytest.mark.own_app
def test_a_bug_is_still_a_500_not_an_outage(app: Any) -> None:
    @get("/bad-query", include_in_schema=False, opt={"public": True})
    async def bad_query(db_session: DatabaseSession) -> None:
        await db_session.execute(text("SELECT * FROM no_such_table"))

    @get("/missing-file", include_in_schema=False, opt={"public": True})
    async def missing_file() -> None:
        raise FileNotFoundError(2, "No such file or directory", "/no/such/file")  # an OSError, but not the database

    @get("/api/v1/bad-query", include_in_schema=False, opt={"public": True})
    async def api_bad_query(db_session: DatabaseSession) -> None:
        await db_session.execute(text("SELECT * FROM no_such_table"))

    for handler in (bad_query, missing_file, api_bad_query):
        app.register(handler)
    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/bad-query", "/missing-file"):
            response = client.get(path)
            assert response.status_code == 500
            assert "retry-after" not in response.headers
            assert "Sorry, there is a problem with the service" in response.text
        response = client.get("/api/v1/bad-query")
        assert response.status_code == 500
        assert "retry-after" not in response.headers
        assert response.json()["status_code"] == 500
        assert client.get("/healthz").status_code == 200


def _wrapped(driver_error: BaseException) -> BaseException:
    """The driver's error as SQLAlchemy hands it on: a DBAPIError whose ``orig`` is the driver's."""
    return OperationalError("SELECT 1", {}, driver_error)


@pytest.mark.parametrize(
    ("error", "unreachable"),
    [
        (_wrapped(asyncpg.exceptions.AdminShutdownError("terminating connection")), True),  # 57P01
        (_wrapped(asyncpg.exceptions.CannotConnectNowError("the database system is starting up")), True),
        (_wrapped(asyncpg.exceptions.TooManyConnectionsError("too many clients already")), True),
        (_wrapped(asyncpg.exceptions.ConnectionFailureError("connection failure")), True),  # class 08
        (SQLAlchemyTimeoutError("QueuePool limit reached"), True),
        (_wrapped(asyncpg.exceptions.UndefinedTableError('relation "x" does not exist')), False),
        (_wrapped(asyncpg.exceptions.UniqueViolationError("duplicate key")), False),
        (_wrapped(sqlite3.OperationalError("no such table: x")), False),
        (ConnectionRefusedError(111, "refused, but not by the database code"), False),
        (RuntimeError("a bug"), False),
    ],
)
def test_only_a_database_that_cannot_be_reached_counts_as_an_outage(error: BaseException, unreachable: bool) -> None:
    assert is_unreachable(error) is unreachable


async def _drop_the_apps_connections(database_url: str) -> None:
    """What a restart of the PostgreSQL server does to the app's pooled connections: ends each of them."""
    url = make_url(database_url)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host or "localhost",
        port=url.port or 5432,
        database=url.database,
    )
    mine = "datname = current_database() AND application_name = 'quest' AND pid <> pg_backend_pid()"
    try:
        dropped = await connection.fetchval(
            f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {mine}"
        )
        assert dropped > 0
        for _ in range(200):  # each ends a moment after it is told to
            if not await connection.fetchval(f"SELECT count(*) FROM pg_stat_activity WHERE {mine}"):
                break
            await asyncio.sleep(0.05)
    finally:
        await connection.close()


def test_connections_the_database_dropped_are_replaced(
    settings: Settings, engine_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine_name != "postgresql":
        pytest.skip("SQLite keeps no connection to a server that could restart")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/healthz").status_code == 200
        # A connection in steady use is not checked: the first request on it may be told to try again, and
        # after it the pool holds no connection from before the restart.
        asyncio.run(_drop_the_apps_connections(settings.database_url))
        assert client.get("/healthz").status_code in (200, 503)
        assert client.get("/healthz").status_code == 200
        assert client.get("/ideas/").status_code == 200  # the sign-in page
        # A connection that sat idle is checked before it is lent, and replaced: nobody sees the restart.
        monkeypatch.setattr(db, "IDLE_BEFORE_CHECK_SECONDS", 0.0)
        asyncio.run(_drop_the_apps_connections(settings.database_url))
        assert client.get("/healthz").status_code == 200
        client.cookies.set("quest_session", "a-session-secret")  # looked up: a statement on the pool
        assert client.get("/ideas/").status_code == 200
