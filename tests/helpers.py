"""Doing what a user does, from tests: signing in, sending forms with their CSRF token, making tokens."""

from __future__ import annotations

import datetime
import decimal
import re
import uuid
from typing import Any

import httpx
from litestar.testing import TestClient
from sqlalchemy import select

from quest.accounts.models import User
from quest.accounts.sessions import create_token
from quest.audit.models import AuditEntry
from quest.demo.catalogue import DEMO_PASSWORD
from quest.savings.models import SavingsClaim
from quest.savings.rules import ClaimKind, ClaimStatus

Client = TestClient[Any]

DEMO_EMAILS = {
    "staff": "staff@lancashire.example",
    "manager": "manager@lancashire.example",
    "validator": "validator@lancashire.example",
    "force_hq": "hq@lancashire.example",
    "national": "national@quest.example",
    "admin": "admin@quest.example",
}


def csrf_token(client: Client) -> str:
    """The CSRF token this browser holds (a GET of any page sets it)."""
    if "quest_csrf" not in client.cookies:
        client.get("/sign-in")
    return str(client.cookies["quest_csrf"])


def post_form(client: Client, url: str, data: dict[str, str] | None = None, **options: Any) -> httpx.Response:
    """POST a form the way the browser does, with the CSRF token in the form."""
    return client.post(url, data={**(data or {}), "_csrf_token": csrf_token(client)}, **options)


def sign_in(client: Client, email: str, password: str = DEMO_PASSWORD, next_page: str = "/") -> httpx.Response:
    client.cookies.clear()
    return post_form(
        client, "/sign-in", {"email": email, "password": password, "next": next_page}, follow_redirects=False
    )


def sign_in_as(client: Client, role: str) -> None:
    response = sign_in(client, DEMO_EMAILS[role])
    assert response.status_code == 303, response.text


def csrf_from_page(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', html)
    assert match is not None, "no CSRF field on the page"
    return match.group(1)


async def user_id(session_maker: Any, email: str) -> uuid.UUID:
    async with session_maker() as session:
        return (await session.execute(select(User.id).where(User.email == email))).scalar_one()  # type: ignore[no-any-return]


async def new_token(session_maker: Any, email: str, label: str = "test") -> str:
    async with session_maker() as session:
        user = (await session.execute(select(User).where(User.email == email))).scalar_one()
        secret, _token = await create_token(session, user, label)
        await session.commit()
        return secret


class People:
    """Several people's browsers through one test client, each with its own cookies.

    One client, not several: on PostgreSQL every TestClient runs the app on an event loop of its own,
    and the app's connection pool must stay on one loop.
    """

    def __init__(self, client: Client) -> None:
        self.client = client
        self.jars: dict[str, httpx.Cookies] = {}
        self.current: str | None = None

    def __call__(self, name: str) -> Client:
        if self.current is not None:
            self.jars[self.current] = httpx.Cookies(self.client.cookies)
        self.client.cookies = self.jars.get(name, httpx.Cookies())
        self.current = name
        return self.client


async def current_user_for(session_maker: Any, email: str) -> Any:
    """The CurrentUser a service sees for this person (as if they had signed in)."""
    from quest.accounts.sessions import as_current_user
    from quest.org.models import Force

    async with session_maker() as session:
        user, force_code = (
            await session.execute(
                select(User, Force.code).outerjoin(Force, Force.id == User.force_id).where(User.email == email)
            )
        ).one()
        return as_current_user(user, force_code)


async def raise_idea(session_maker: Any, email: str, title: str, **fields: Any) -> Any:
    """Submit an idea through the service, as ``email``; returns (id, reference)."""
    import datetime

    from quest.ideas.record import IdeaInput
    from quest.ideas.services import submit_idea

    viewer = await current_user_for(session_maker, email)
    data = IdeaInput(
        title=title,
        problem=fields.get("problem", "Officers wait for this every shift."),
        proposal=fields.get("proposal", "Change the way it is done."),
        process=fields.get("process", ""),
        waste_types=fields.get("waste_types", []),
        expected_benefit=fields.get("expected_benefit", ""),
    )
    async with session_maker() as session:
        return await submit_idea(session, viewer, data, fields.get("now") or datetime.datetime.now(datetime.UTC))


async def add_colleague(
    session_maker: Any, email: str, force_code: str, division_code: str, role: str = "staff", *, signs_in: bool = False
) -> None:
    """A colleague in another place; with ``signs_in``, one who signs in with the demo password (a
    password is slow to hash, so only those who sign in get one)."""
    from quest.accounts.passwords import hash_password
    from quest.accounts.roles import Role
    from quest.org.models import Division, Force

    async with session_maker() as session:
        division = (
            await session.execute(
                select(Division).join(Force).where(Force.code == force_code, Division.code == division_code)
            )
        ).scalar_one()
        session.add(
            User(
                email=email,
                display_name=email.split("@")[0].title(),
                role=Role(role),
                force_id=division.force_id,
                division_id=division.id,
                password_hash=hash_password(DEMO_PASSWORD) if signs_in else None,
            )
        )
        await session.commit()


TODAY_FIELDS = {"implemented": {"change_date": "2026-06-01", "learned": "Brief the teams first."}}


async def move_along(session_maker: Any, email: str, idea_id: uuid.UUID, *statuses: str, now: Any = None) -> None:
    """Move an idea through ``statuses`` as ``email`` (a manager of its division), through the service."""
    import datetime

    from quest.ideas.decisions import move_idea
    from quest.ideas.workflow import MoveRequest

    viewer = await current_user_for(session_maker, email)
    moment = now or datetime.datetime.now(datetime.UTC)
    for status in statuses:
        async with session_maker() as session:
            await move_idea(
                session,
                viewer,
                idea_id,
                MoveRequest(to=status, reason="Recorded by a test", **TODAY_FIELDS.get(status, {})),
                seen_version=None,
                now=moment,
                today=moment.date(),
            )


IMPLEMENTED_PATH = ("under_review", "approved", "in_progress", "implemented")


def api_headers(client: Client) -> dict[str, str]:
    """What the browser's htmx (or a script reusing the session) sends with a JSON call: the CSRF token."""
    return {"X-CSRFToken": csrf_token(client), "Accept": "application/json"}


class Argon2Calls:
    """Every Argon2 hash and verify the app makes, and whether each ran on an event loop's thread.

    ``Argon2Calls.install(monkeypatch)`` swaps the hasher in ``quest.accounts.passwords`` for one that
    records, then does the real work."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: list[tuple[str, bool]] = []
        self.verified_hashes: list[str] = []

    @classmethod
    def install(cls, monkeypatch: Any) -> Argon2Calls:
        from quest.accounts import passwords

        recorder = cls(passwords._hasher)
        monkeypatch.setattr(passwords, "_hasher", recorder)
        return recorder

    def _record(self, what: str) -> None:
        import asyncio

        try:
            asyncio.get_running_loop()
            on_event_loop = True
        except RuntimeError:
            on_event_loop = False
        self.calls.append((what, on_event_loop))

    def hash(self, password: str) -> str:
        self._record("hash")
        return str(self.real.hash(password))

    def verify(self, password_hash: str, password: str) -> bool:
        self._record("verify")
        self.verified_hashes.append(password_hash)
        return bool(self.real.verify(password_hash, password))

    def check_needs_rehash(self, password_hash: str) -> bool:
        return bool(self.real.check_needs_rehash(password_hash))

    @property
    def on_the_event_loop(self) -> list[str]:
        return [what for what, on_event_loop in self.calls if on_event_loop]


def a_cash_claim(
    idea: Any,
    claimant: uuid.UUID,
    mechanism: str,
    *,
    recorded: datetime.datetime,
    begins: datetime.date = datetime.date(2025, 4, 1),
    days: int | None = None,
) -> SavingsClaim:
    """A claimed cash saving of £1,000 a year against ``idea``, from ``begins`` (for ``days``, or with no
    end), recorded at ``recorded``. For writing straight to the table, as in bulk: the caller regroups
    the double counts (``quest.savings.double_counts.regroup_all``) before it commits."""
    return SavingsClaim(
        id=uuid.uuid4(),
        force_id=idea.force_id,
        division_id=idea.division_id,
        idea_id=idea.id,
        kind=ClaimKind.CASHABLE,
        status=ClaimStatus.CLAIMED,
        mechanism=mechanism,
        cost_line="Overtime",
        amount_per_year=decimal.Decimal(1000),
        period_start=begins,
        period_end=None if days is None else begins + datetime.timedelta(days=days),
        evidence="The budget line",
        claimed_by=claimant,
        created_at=recorded,
        updated_at=recorded,
    )


def quest_command(settings: Any, *arguments: str) -> Any:
    """Run ``quest ARGUMENTS`` in-process against the test's database, as an operator would on the server."""
    from click.testing import CliRunner

    from quest.cli import main
    from tests.conftest import TEST_SECRET_KEY

    environment: dict[str, str | None] = {
        "QUEST_DATA_DIR": str(settings.data_dir),
        "QUEST_DATABASE_URL": settings.database_url,
        "QUEST_MIGRATION_DATABASE_URL": None,
        "QUEST_SECRET_KEY": TEST_SECRET_KEY,
        "QUEST_LOG_LEVEL": "WARNING",
    }
    return CliRunner().invoke(main, list(arguments), env=environment)


async def add_backlog(
    session: Any, force_code: str, division_code: str, name: str, readings: dict[str, str], *, unit: str = "incidents"
) -> Any:
    """A daily backlog measure in a division, with ``readings`` (ISO date: value); flushed, not committed."""
    from quest.metrics.models import Metric, Reading
    from quest.metrics.vocabulary import Direction, Frequency, MetricKind
    from quest.org.models import Division, Force

    division = (
        await session.execute(
            select(Division).join(Force).where(Force.code == force_code, Division.code == division_code)
        )
    ).scalar_one()
    metric = Metric(
        force_id=division.force_id,
        division_id=division.id,
        name=name,
        unit=unit,
        kind=MetricKind.BACKLOG,
        direction=Direction.DOWN,
        frequency=Frequency.DAILY,
    )
    session.add(metric)
    await session.flush()
    session.add_all(
        Reading(
            metric_id=metric.id,
            period_date=datetime.date.fromisoformat(day),
            value=decimal.Decimal(value),
            entered_at=datetime.datetime.now(datetime.UTC),
            force_id=division.force_id,
        )
        for day, value in readings.items()
    )
    await session.flush()
    return metric


def audit_entries(database: Any, entity: str, action: str) -> list[AuditEntry]:
    """The audit trail's entries of ``action`` on ``entity`` records, oldest first."""

    async def read(session_maker: Any) -> list[AuditEntry]:
        async with session_maker() as session:
            found = await session.execute(
                select(AuditEntry)
                .where(AuditEntry.entity == entity, AuditEntry.action == action)
                .order_by(AuditEntry.occurred_at)
            )
            return list(found.scalars())

    return database(read)
