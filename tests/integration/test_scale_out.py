"""Scale-out: two ``quest serve`` processes on one PostgreSQL database serve anyone (issue 12, item 4).

More app processes behind a load balancer is the first step past one machine (docs/scaling.md). It holds
only if nothing a person relies on lives in one process: a session made through one server works through
the other (sessions are rows, not memory), and two people moving the same idea at the same moment through
different servers cannot both win (the idea's version is checked by the database, not by a process),
with the loser answered 409 and nothing of theirs written. SQLite is one file on one machine: it has no
second machine to scale out to, so this is PostgreSQL's test.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from quest.audit.models import AuditEntry
from quest.config import Settings
from quest.demo.catalogue import DEMO_PASSWORD
from quest.ideas.models import Idea, IdeaEvent
from tests.conftest import POSTGRES_URL, TEST_SECRET_KEY, make_settings
from tests.helpers import DEMO_EMAILS, add_colleague, csrf_from_page, raise_idea, user_id
from tests.servers import Server, running, server_environment

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="scale-out is several app processes on one PostgreSQL; SQLite is one file on one machine"
)

INSPECTOR = DEMO_EMAILS["manager"]  # Inspector Priya Shah, a manager of Lancashire's North division
DEPUTY = "deputy@lancashire.example"  # a second manager of the same division
ROUNDS = 10
# Park it, review it again, and so on: a move that can be made any number of times.
MOVES = ("parked", "under_review")
REASON = {"reason-parked": "Waiting for the new rota to settle."}


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory, migrated_database: str) -> Iterator[tuple[Server, Server]]:
    """Two ``quest serve`` processes on the tests' database, each on a port of its own, sharing the secret
    key as every process behind one load balancer must. Started once for the module (each test's
    ``settings`` empties the same database first): starting a server is most of these tests' time."""
    settings = make_settings(tmp_path_factory.mktemp("servers"), migrated_database)
    env = server_environment(settings, QUEST_SECRET_KEY=TEST_SECRET_KEY)
    with (
        running(settings, env=env, log_name="first.log") as first,
        running(settings, env=env, log_name="second.log") as second,
    ):
        yield first, second
    for server in (first, second):
        assert "Traceback" not in server.output()


def signed_in(server: Server, email: str) -> httpx.Client:
    browser = httpx.Client(base_url=server.base, timeout=30)
    page = browser.get("/sign-in")
    form = {"email": email, "password": DEMO_PASSWORD, "next": "/", "_csrf_token": csrf_from_page(page.text)}
    assert browser.post("/sign-in", data=form).status_code == 303
    return browser


def moved(browser: httpx.Client, reference: str, to: str, seen_version: int) -> int:
    form = {"to": to, "version": str(seen_version), "_csrf_token": browser.cookies["quest_csrf"], **REASON}
    return browser.post(f"/ideas/{reference}/decision", data=form).status_code


def at_once(*calls: Callable[[], int]) -> list[int]:
    """The answers of ``calls``, each made in a thread of its own, all released at the same moment."""
    start = threading.Barrier(len(calls))

    def when_all_ready(call: Callable[[], int]) -> int:
        start.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(when_all_ready, calls))


async def audit_rows(session_maker: Any) -> int:
    async with session_maker() as session:
        return int((await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one())


async def idea_history(session_maker: Any, idea_id: uuid.UUID) -> tuple[int, str, list[tuple[str | None, Any]]]:
    """The idea's version and status, and its timeline's moves (where to, by whom) in order."""
    async with session_maker() as session:
        idea = (await session.execute(select(Idea).where(Idea.id == idea_id))).scalar_one()
        timeline = await session.execute(
            select(IdeaEvent.to_status, IdeaEvent.actor_id)
            .where(IdeaEvent.idea_id == idea_id, IdeaEvent.to_status.is_not(None), IdeaEvent.kind != "submitted")
            .order_by(IdeaEvent.occurred_at)
        )
        return idea.version, idea.status.value, [tuple(row) for row in timeline]


async def audited_statuses(session_maker: Any, idea_id: uuid.UUID) -> list[Any]:
    """The status each audited update of the idea wrote, in order."""
    async with session_maker() as session:
        rows = await session.execute(
            select(AuditEntry.after)
            .where(AuditEntry.entity == "ideas", AuditEntry.entity_id == str(idea_id), AuditEntry.action == "update")
            .order_by(AuditEntry.occurred_at)
        )
        return [after.get("status") for (after,) in rows]


def test_a_session_made_on_one_server_works_on_the_other(
    two_servers: tuple[Server, Server], settings: Settings, demo: Any, database: Any
) -> None:
    first, second = two_servers
    idea = database(lambda maker: raise_idea(maker, DEMO_EMAILS["staff"], "One crime number across systems"))
    on_first = signed_in(first, INSPECTOR)
    on_second = httpx.Client(base_url=second.base, timeout=30, cookies=on_first.cookies)
    stranger = httpx.Client(base_url=second.base, timeout=30)
    try:
        home = on_second.get("/")
        assert home.status_code == 200
        assert "Signed in as <strong>Inspector Priya Shah</strong>" in home.text
        page = on_second.get(f"/ideas/{idea.reference}")
        assert page.status_code == 200
        assert "One crime number across systems" in page.text
        # Without the cookie the second server knows nobody: it is the session that carried over.
        assert stranger.get(f"/ideas/{idea.reference}").status_code in (302, 303)
        # A change made through the second server with the first's session is that person's.
        assert moved(on_second, idea.reference, "under_review", seen_version=1) == 303
    finally:
        for browser in (on_first, on_second, stranger):
            browser.close()
    assert database(lambda maker: idea_history(maker, idea.id))[2] == [
        ("under_review", database(lambda maker: user_id(maker, INSPECTOR)))
    ]


def test_simultaneous_moves_through_two_servers_have_one_winner_and_lose_nothing(
    two_servers: tuple[Server, Server], settings: Settings, demo: Any, database: Any
) -> None:
    first, second = two_servers
    database(lambda maker: add_colleague(maker, DEPUTY, "LAN", "NORTH", role="manager", signs_in=True))
    idea = database(lambda maker: raise_idea(maker, DEMO_EMAILS["staff"], "Shared kit lockers"))
    movers = {email: database(lambda maker, email=email: user_id(maker, email)) for email in (INSPECTOR, DEPUTY)}
    inspector, deputy = signed_in(first, INSPECTOR), signed_in(second, DEPUTY)
    try:
        # One move alone first: what a single move adds to the audit trail.
        before = database(audit_rows)
        assert moved(inspector, idea.reference, "under_review", seen_version=1) == 303
        per_move = database(audit_rows) - before
        assert per_move > 0
        winners: list[tuple[str, uuid.UUID]] = []
        for round_number in range(ROUNDS):
            version = database(lambda maker: idea_history(maker, idea.id))[0]
            to = MOVES[round_number % 2]
            # Both managers saw the same version, and both move it the same way at the same moment.
            answers = at_once(
                partial(moved, inspector, idea.reference, to, version),
                partial(moved, deputy, idea.reference, to, version),
            )
            assert sorted(answers) == [303, 409], f"round {round_number}: {answers}"
            winners.append((to, movers[INSPECTOR if answers[0] == 303 else DEPUTY]))
    finally:
        inspector.close()
        deputy.close()
    version, status, timeline = database(lambda maker: idea_history(maker, idea.id))
    first_move = ("under_review", movers[INSPECTOR])
    assert timeline == [first_move, *winners]  # every winning move, once each, and nothing else
    assert (version, status) == (1 + 1 + ROUNDS, winners[-1][0])
    assert database(lambda maker: audited_statuses(maker, idea.id)) == [to for to, _ in [first_move, *winners]]
    assert database(audit_rows) - before == per_move * (1 + ROUNDS)  # the losers wrote nothing
