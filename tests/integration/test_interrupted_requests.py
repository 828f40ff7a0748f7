"""A request interrupted halfway leaves no partial records (issue 10, item 16).

A save of many readings writes the readings, then one audit entry, in one transaction. Each test holds
such a save, in a real server process, at a gate (:mod:`tests.gate`) just before its audit entry, so its
readings are written but not committed, then interrupts it: the client goes away, or the worker is
killed. Afterwards the readings and their audit entry are all there or all absent, never one without
the other, and the next change goes through.
"""

from __future__ import annotations

import datetime
import socket
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from sqlalchemy import func, select

from quest.audit.models import AuditEntry
from quest.config import Settings
from quest.demo.catalogue import DEMO_PASSWORD
from quest.metrics.models import Reading
from tests.gate import Gate
from tests.helpers import DEMO_EMAILS, csrf_from_page
from tests.servers import Server, running, server_environment

FIRST_DAY = datetime.date(2015, 1, 1)
LATER_DAY = datetime.date(2024, 1, 1)
READINGS = 3000
MEASURE = {"name": "Pending open incidents", "unit": "incidents", "kind": "backlog", "direction": "down"}
# Short, so that a transaction left open by the interrupted request fails the next save in seconds.
BUSY_TIMEOUT = {"QUEST_SQLITE_BUSY_TIMEOUT_SECONDS": "2", "QUEST_LOG_LEVEL": "INFO"}


def readings_to_save(count: int, first: datetime.date = FIRST_DAY) -> str:
    """The preview's hidden field: one ``row,date,value`` line a reading, a day apart."""
    return "".join(f"{row + 2},{first + datetime.timedelta(days=row)},{row % 90}\n" for row in range(count))


@contextmanager
def gated_server(settings: Settings, gate: Gate) -> Iterator[Server]:
    command = [sys.executable, "-m", "tests.gate", str(gate.folder), gate.table]
    with running(settings, command=command, env=server_environment(settings, **BUSY_TIMEOUT)) as server:
        yield server


def manager_with_a_measure(base: str) -> tuple[httpx.Client, str]:
    browser = httpx.Client(base_url=base, timeout=30)
    page = browser.get("/sign-in")
    signed_in = browser.post(
        "/sign-in",
        data={"email": DEMO_EMAILS["manager"], "password": DEMO_PASSWORD, "_csrf_token": csrf_from_page(page.text)},
    )
    assert signed_in.status_code == 303, signed_in.text
    made = browser.post("/metrics/new", data={**MEASURE, "frequency": "daily", "_csrf_token": csrf(browser)})
    assert made.status_code == 303, made.text
    return browser, str(made.headers["location"].rsplit("/", 1)[1])


def csrf(browser: httpx.Client) -> str:
    return str(browser.cookies["quest_csrf"])


def save(browser: httpx.Client, metric_id: str, readings: str) -> httpx.Response:
    return browser.post(
        f"/metrics/{metric_id}/readings/confirm", data={"readings": readings, "_csrf_token": csrf(browser)}
    )


def send_save_and_leave_it(browser: httpx.Client, metric_id: str, readings: str) -> socket.socket:
    """Send the save by hand on a socket of its own, so the test can drop the connection mid-request."""
    address = urlsplit(str(browser.base_url))
    body = urlencode({"readings": readings, "_csrf_token": csrf(browser)}).encode()
    cookies = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    head = (
        f"POST /metrics/{metric_id}/readings/confirm HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\nCookie: {cookies}\r\n\r\n"
    )
    connection = socket.create_connection((address.hostname, address.port), timeout=30)
    connection.sendall(head.encode() + body)
    return connection


def wait_for_log_line(server: Server, text: str) -> None:
    deadline = time.monotonic() + 60
    while text not in server.output():
        assert time.monotonic() < deadline, f"the server never logged {text!r}:\n{server.output()}"
        time.sleep(0.05)


async def saved(session_maker: Any, metric_id: str) -> tuple[int, int]:
    """How many readings the measure has, and how many saves of them the audit trail records."""
    async with session_maker() as session:
        readings = await session.scalar(
            select(func.count()).select_from(Reading).where(Reading.metric_id == uuid.UUID(metric_id))
        )
        saves = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.entity == "readings", AuditEntry.action == "save", AuditEntry.entity_id == metric_id)
        )
        return int(readings or 0), int(saves or 0)


def test_a_client_that_leaves_mid_save_gets_all_or_nothing_and_the_next_save_goes_through(
    settings: Settings, demo: Any, database: Any, tmp_path: Path
) -> None:
    gate = Gate(tmp_path / "gate", "audit_log")
    with gated_server(settings, gate) as server:
        browser, metric_id = manager_with_a_measure(server.base)
        gate.close()
        connection = send_save_and_leave_it(browser, metric_id, readings_to_save(READINGS))
        gate.wait_until_reached()  # the readings are written, uncommitted; the audit entry is next
        connection.close()
        gate.open()
        wait_for_log_line(server, f"path=/metrics/{metric_id}/readings/confirm")
        outcome = database(lambda maker: saved(maker, metric_id))
        assert outcome in ((0, 0), (READINGS, 1)), outcome  # never readings without their audit entry
        # Nothing the left request did holds the database: another save succeeds.
        assert save(browser, metric_id, readings_to_save(3, LATER_DAY)).status_code == 303
        readings, saves = database(lambda maker: saved(maker, metric_id))
        assert (readings, saves) == (outcome[0] + 3, outcome[1] + 1)
        browser.close()
    assert "Traceback" not in server.output()


def test_a_worker_killed_mid_save_leaves_nothing_and_the_database_opens_cleanly(
    settings: Settings, demo: Any, database: Any, tmp_path: Path
) -> None:
    gate = Gate(tmp_path / "gate", "audit_log")
    with gated_server(settings, gate) as server:
        browser, metric_id = manager_with_a_measure(server.base)
        gate.close()
        connection = send_save_and_leave_it(browser, metric_id, readings_to_save(READINGS))
        gate.wait_until_reached()
        server.kill()
        connection.close()
        gate.open()
    if settings.is_sqlite:
        with sqlite3.connect(settings.data_dir / "quest.db") as check:
            assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert database(lambda maker: saved(maker, metric_id)) == (0, 0)
    with running(settings, log_name="restarted.log") as restarted:  # `quest serve` again, as after a crash
        browser = httpx.Client(base_url=restarted.base, timeout=30, cookies=browser.cookies)
        assert save(browser, metric_id, readings_to_save(READINGS)).status_code == 303
        browser.close()
    assert database(lambda maker: saved(maker, metric_id)) == (READINGS, 1)
