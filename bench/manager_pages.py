"""Benchmark: a manager's idea page and triage list, served in this process, one request at a time.

A quick look at two pages on any database (the national dataset, or a copy of it) without starting a
server: the app is created on the database, the demo manager signs in, and each page is asked for
``--requests`` times after one request that warms what the app reads once. Beside each page, in the same
run: ``/healthz`` (the floor) and the page's slowest statement, with how long it took.

    .venv/bin/python -m bench.manager_pages sqlite+aiosqlite:////work/nat/copy.db
    .venv/bin/python -m bench.manager_pages postgresql+asyncpg://postgres@localhost/quest_national --requests 20

The idea page opened is the most recent idea of the manager's division (the one whose similar ideas
have the most to look through); ``--reference`` names another.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from typing import Any

import httpx
from advanced_alchemy.extensions.litestar.plugins.init.plugin import SQLAlchemyInitPlugin
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.load import PEOPLE, percentile
from bench.server import SECRET_KEY
from bench.statements import Statements
from quest.accounts.models import User
from quest.app import serving_app
from quest.config import load_settings
from quest.demo.catalogue import DEMO_PASSWORD
from quest.ideas.models import Idea


def _newest_reference(client: TestClient[Any], engine: AsyncEngine) -> str:
    async def find() -> str:
        async with engine.connect() as connection:
            division = select(User.division_id).where(User.email == PEOPLE["manager"]).scalar_subquery()
            found = await connection.execute(
                select(Idea.reference).where(Idea.division_id == division).order_by(Idea.created_at.desc()).limit(1)
            )
            return str(found.scalar_one())

    portal = client.blocking_portal
    assert portal is not None, "the test client runs the app on a portal"
    return portal.call(find)


def _timed(client: TestClient[Any], path: str, requests: int) -> list[float]:
    seconds = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
    return seconds


def _line(name: str, seconds: list[float]) -> str:
    p50, p95 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.95) * 1000
    return f"{name:<28} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   ({len(seconds)} requests)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the database URL")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reference", help="the idea to open (default: the division's newest)")
    chosen = parser.parse_args()
    settings = load_settings({**os.environ, "QUEST_DATABASE_URL": chosen.url})
    app = serving_app(dataclasses.replace(settings, secret_key=SECRET_KEY))
    engine = app.plugins.get(SQLAlchemyInitPlugin).config[0].get_engine()
    assert isinstance(engine, AsyncEngine), "the app's engine is asynchronous"
    with (
        TestClient(app, base_url="http://testserver.local") as client,
        Statements().listening(engine.sync_engine) as counter,
    ):
        client.cookies = httpx.Cookies()
        client.get("/sign-in")
        form = {"email": PEOPLE["manager"], "password": DEMO_PASSWORD, "next": "/"}
        signed = client.post(
            "/sign-in", data=form | {"_csrf_token": client.cookies["quest_csrf"]}, follow_redirects=False
        )
        assert signed.status_code == 303, f"signing in answered {signed.status_code}"
        reference = chosen.reference or _newest_reference(client, engine)
        print(f"database {chosen.url}; idea {reference}")
        print(_line("/healthz (floor)", _timed(client, "/healthz", chosen.requests)))
        for name, path in (("idea page, manager", f"/ideas/{reference}"), ("triage, manager", "/triage")):
            client.get(path)
            count = counter.of(lambda path=path: client.get(path))  # type: ignore[misc]
            slowest = counter.slowest()
            print(_line(name, _timed(client, path, chosen.requests)))
            print(f"{'':<28} {count} statements; slowest {slowest.seconds * 1000:.1f} ms: {slowest.text[:160]!r}")


if __name__ == "__main__":
    main()
