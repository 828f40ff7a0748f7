"""On SQLite, a long writer makes others wait, not fail (issue 10, item 16).

Another connection holds SQLite's write lock (``BEGIN IMMEDIATE``), as a big import would. Within the busy
timeout, people's changes (a form and the API) wait their turn and succeed, and pages still open (WAL).
Held longer than the busy timeout, a change is answered with the styled 503 and Retry-After, not a 500
and not "database is locked". These tests build a SQLite database of their own, whatever engine the rest
of the suite runs on.
"""

from __future__ import annotations

import sqlite3
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from quest import migrations
from quest.config import Settings, default_database_url
from quest.db import open_database
from quest.demo.catalogue import DEMO_PASSWORD
from quest.demo.seed import seed_small
from tests.conftest import make_settings, run
from tests.helpers import DEMO_EMAILS, csrf_from_page, new_token
from tests.servers import QUEST, running, server_environment

IDEA = {"title": "Text victims first", "problem": "Call-backs are missed.", "proposal": "Send a text first."}
PLACE = ("--force=LAN", "--division=NORTH", "--password-stdin")
OUTAGE_MESSAGE = "QUEST cannot reach its database just now"


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """A migrated SQLite database with the small demo's people, whichever engine the suite runs on."""
    settings = make_settings(tmp_path, default_database_url(tmp_path))
    migrations.upgrade(settings)

    async def seed() -> None:
        async with open_database(settings) as session_maker:
            await seed_small(session_maker, seed=1, history=False)

    run(seed())
    return settings


@contextmanager
def write_lock_held(settings: Settings) -> Iterator[sqlite3.Connection]:
    """Another connection writing: it holds the write lock until the block ends, then commits."""
    holder = sqlite3.connect(settings.data_dir / "quest.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE forces SET name = name || '' WHERE code = 'LAN'")
        yield holder
        holder.execute("COMMIT")
    finally:
        holder.close()


def staff_browser(base: str) -> httpx.Client:
    browser = httpx.Client(base_url=base, timeout=120)
    page = browser.get("/sign-in")
    signed_in = browser.post(
        "/sign-in",
        data={"email": DEMO_EMAILS["staff"], "password": DEMO_PASSWORD, "_csrf_token": csrf_from_page(page.text)},
    )
    assert signed_in.status_code == 303, signed_in.text
    return browser


def api_client(base: str, settings: Settings) -> httpx.Client:
    async def token() -> str:
        async with open_database(settings) as session_maker:
            return await new_token(session_maker, DEMO_EMAILS["staff"])

    return httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {run(token())}"})


def raise_by_form(browser: httpx.Client) -> httpx.Response:
    return browser.post("/ideas/new", data={**IDEA, "_csrf_token": str(browser.cookies["quest_csrf"])})


def raise_by_api(api: httpx.Client) -> httpx.Response:
    return api.post("/api/v1/ideas", json=IDEA)


def test_changes_wait_for_a_long_writer_and_pages_still_open(sqlite_settings: Settings) -> None:
    with running(sqlite_settings) as server:
        browser, api = staff_browser(server.base), api_client(server.base, sqlite_settings)
        with ThreadPoolExecutor(max_workers=2) as pool, write_lock_held(sqlite_settings):
            by_form: Future[httpx.Response] = pool.submit(raise_by_form, browser)
            by_api: Future[httpx.Response] = pool.submit(raise_by_api, api)
            assert browser.get("/ideas").status_code == 200  # a reader is not blocked by the writer (WAL)
            assert api.get("/api/v1/ideas").status_code == 200
            time.sleep(1)  # give both changes time to reach the lock
            assert not by_form.done()  # waiting its turn, not refused
            assert not by_api.done()
        assert by_form.result().status_code == 303, by_form.result().text
        assert by_api.result().status_code == 201, by_api.result().text
        assert api.get("/api/v1/ideas").json()["total"] == 2
    assert "database is locked" not in server.output()
    assert "Traceback" not in server.output()


def test_a_writer_that_holds_the_lock_past_the_busy_timeout_gets_people_a_503_not_a_500(
    sqlite_settings: Settings,
) -> None:
    env = server_environment(sqlite_settings, QUEST_SQLITE_BUSY_TIMEOUT_SECONDS="1")
    with running(sqlite_settings, env=env) as server:
        browser, api = staff_browser(server.base), api_client(server.base, sqlite_settings)
        with write_lock_held(sqlite_settings):
            page = raise_by_form(browser)
            json = raise_by_api(api)
        assert page.status_code == 503, page.text
        assert int(page.headers["retry-after"]) > 0
        assert OUTAGE_MESSAGE in page.text
        assert "govuk-template__header" in page.text  # the site's own styled page
        assert json.status_code == 503, json.text
        assert int(json.headers["retry-after"]) > 0
        assert json.json()["status_code"] == 503
        # Once the writer is done, the same change goes through.
        assert raise_by_form(browser).status_code == 303
    assert "Traceback" not in server.output()


def test_a_command_that_reads_then_writes_waits_for_a_long_writer(sqlite_settings: Settings) -> None:
    command = subprocess.Popen(
        [*QUEST, "users", "create", "--email=new@lancashire.example", "--name=New Colleague", "--role=staff", *PLACE],
        env=server_environment(sqlite_settings),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with write_lock_held(sqlite_settings):
        assert command.stdin is not None
        command.stdin.write("a-long-enough-password-1\n")
        command.stdin.close()
        # Long enough for the command to start, look its force and division up, and want to write.
        time.sleep(4)
    stdout, stderr = command.stdout.read(), command.stderr.read()  # type: ignore[union-attr]
    command.wait(timeout=120)
    assert command.returncode == 0, stderr
    assert "Created staff new@lancashire.example" in stdout
