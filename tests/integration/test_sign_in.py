"""Signing in and out: server-side sessions, timeouts on a controllable clock, the throttle, no user
enumeration, and every outcome audited."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from quest.accounts import passwords
from quest.accounts.models import User, UserSession
from quest.app import create_app
from quest.audit.models import AuditEntry
from quest.clock import FrozenClock
from quest.config import Settings
from quest.demo.catalogue import DEMO_PASSWORD
from tests.conftest import shared_app
from tests.helpers import DEMO_EMAILS, Argon2Calls, post_form, sign_in

Client = TestClient[Litestar]
STAFF = DEMO_EMAILS["staff"]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def browser(settings: Settings, demo: Any, clock: FrozenClock) -> Iterator[Client]:
    """A browser on an app whose clock the test moves."""
    with TestClient(shared_app(settings, clock=clock), base_url="http://testserver.local") as client:
        yield client


def session_cookie_header(response: Any) -> str:
    return next(value for value in response.headers.get_list("set-cookie") if value.startswith("quest_session="))


async def audit_actions(session_maker: Any) -> list[tuple[str, str]]:
    async with session_maker() as session:
        rows = await session.execute(select(AuditEntry.action, AuditEntry.actor_label).order_by(AuditEntry.occurred_at))
        return [(action, actor) for action, actor in rows if action not in ("create", "update", "delete")]


def test_sign_in_sets_a_secure_session_cookie_and_goes_where_asked(browser: Client) -> None:
    response = sign_in(browser, STAFF, next_page="/forces/LAN")
    assert response.status_code == 303
    assert response.headers["location"] == "/forces/LAN"
    cookie = session_cookie_header(response)
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # development; see the production test below
    assert browser.get("/forces/LAN").status_code == 200


def test_in_production_the_cookies_are_secure_and_hsts_is_sent(settings: Settings, demo: Any) -> None:
    import dataclasses

    production = dataclasses.replace(settings, env="production", allowed_hosts=("testserver.local",))
    with TestClient(create_app(production), base_url="https://testserver.local") as client:
        page = client.get("/sign-in")
        assert "Secure" in next(c for c in page.headers.get_list("set-cookie") if c.startswith("quest_csrf="))
        assert page.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        response = sign_in(client, STAFF)
        assert "Secure" in session_cookie_header(response)


def test_allowed_hosts_are_enforced_in_production(settings: Settings, demo: Any) -> None:
    import dataclasses

    production = dataclasses.replace(settings, env="production", allowed_hosts=("quest.example.org",))
    with TestClient(create_app(production), base_url="https://evil.example.com") as client:
        assert client.get("/sign-in").status_code == 400
    with TestClient(create_app(production), base_url="https://quest.example.org") as client:
        assert client.get("/sign-in").status_code == 200


@pytest.mark.parametrize(
    ("allowed", "refused"),
    [("quest.example:8103", "evil.example:8103"), ("QUEST.EXAMPLE", "EVIL.EXAMPLE"), ("[::1]:8000", "[::2]:8000")],
)
def test_allowed_hosts_are_compared_without_port_or_case(
    settings: Settings, demo: Any, allowed: str, refused: str
) -> None:
    import dataclasses

    production = dataclasses.replace(settings, env="production", allowed_hosts=("quest.example", "[::1]"))
    with TestClient(create_app(production), base_url="https://quest.example") as client:
        assert client.get("/sign-in", headers={"host": allowed}).status_code == 200
        other = client.get("/sign-in", headers={"host": refused})
        assert other.status_code == 400
        assert other.headers["x-content-type-options"] == "nosniff"


def test_only_a_hash_of_the_session_secret_is_stored(browser: Client, database: Any) -> None:
    response = sign_in(browser, STAFF)
    secret = re.search(r"quest_session=([^;]+)", session_cookie_header(response))
    assert secret is not None

    async def stored(session_maker: Any) -> list[str]:
        async with session_maker() as session:
            return list((await session.execute(select(UserSession.token_hash))).scalars())

    hashes = database(stored)
    assert len(hashes) == 1
    assert secret.group(1) not in hashes[0]
    assert len(hashes[0]) == 64


def test_sign_out_revokes_the_session_on_the_server(browser: Client) -> None:
    response = sign_in(browser, STAFF)
    stolen = re.search(r"quest_session=([^;]+)", session_cookie_header(response))
    assert stolen is not None
    signed_out = post_form(browser, "/sign-out", follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/sign-in"
    assert "Max-Age=0" in session_cookie_header(signed_out)
    assert "You have signed out" in browser.get("/sign-in").text

    # Someone who kept a copy of the cookie cannot use it.
    browser.cookies.set("quest_session", stolen.group(1))
    reused = browser.get("/forces", follow_redirects=False)
    assert reused.status_code == 303
    assert reused.headers["location"].startswith("/sign-in")
    assert "Your session has ended" in browser.get(reused.headers["location"]).text


def test_signing_in_again_makes_a_new_session_and_ends_the_old_one(browser: Client) -> None:
    first = re.search(r"quest_session=([^;]+)", session_cookie_header(sign_in(browser, STAFF)))
    assert first is not None
    second_response = post_form(
        browser,
        "/sign-in",
        {"email": STAFF, "password": "quest-demo-password", "next": "/"},
        follow_redirects=False,
    )
    second = re.search(r"quest_session=([^;]+)", session_cookie_header(second_response))
    assert second is not None
    assert second.group(1) != first.group(1)
    browser.cookies.set("quest_session", first.group(1))
    assert browser.get("/forces", follow_redirects=False).status_code == 303


def test_the_session_ends_after_half_an_hour_idle(browser: Client, clock: FrozenClock) -> None:
    """OWASP ASVS 3.3.2 at level 2: 30 minutes idle at most, by default."""
    sign_in(browser, STAFF)
    clock.advance(minutes=29)
    assert browser.get("/forces").status_code == 200  # activity moves the idle clock on
    clock.advance(minutes=29)
    assert browser.get("/forces").status_code == 200
    clock.advance(minutes=31)
    response = browser.get("/forces", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=%2Fforces"


def test_the_session_ends_after_twelve_hours_however_busy(browser: Client, clock: FrozenClock) -> None:
    sign_in(browser, STAFF)
    for _ in range(35):  # a request every 20 minutes, well within the idle timeout
        clock.advance(minutes=20)
        assert browser.get("/forces").status_code == 200
    clock.advance(minutes=20)  # twelve hours since sign-in
    assert browser.get("/forces", follow_redirects=False).status_code == 303


def test_timeouts_follow_the_settings(settings: Settings, demo: Any, clock: FrozenClock) -> None:
    import dataclasses

    short = dataclasses.replace(settings, session_idle_minutes=5)
    with TestClient(create_app(short, clock=clock), base_url="http://testserver.local") as client:
        sign_in(client, STAFF)
        clock.advance(minutes=6)
        assert client.get("/forces", follow_redirects=False).status_code == 303


def test_a_wrong_password_and_an_unknown_email_look_the_same(browser: Client) -> None:
    wrong_password = sign_in(browser, STAFF, password="not-the-password-at-all")
    unknown_email = sign_in(browser, "nobody@lancashire.example", password="not-the-password-at-all")
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "Enter a correct email address and password"
    assert message in wrong_password.text
    assert message in unknown_email.text
    strip = re.compile(r'value="[^"]*"|[0-9a-f]{32,}')
    assert strip.sub("", wrong_password.text).replace(STAFF, "") == strip.sub("", unknown_email.text).replace(
        "nobody@lancashire.example", ""
    )


def test_a_deactivated_account_gets_the_same_answer(browser: Client, database: Any) -> None:
    from sqlalchemy import update

    from quest.accounts.models import User

    async def deactivate(session_maker: Any) -> None:
        async with session_maker() as session:
            await session.execute(update(User).where(User.email == STAFF).values(is_active=False))
            await session.commit()

    database(deactivate)
    response = sign_in(browser, STAFF)
    assert response.status_code == 422
    assert "Enter a correct email address and password" in response.text


def test_repeated_failures_are_slowed_then_refused_and_audited(
    browser: Client, clock: FrozenClock, database: Any
) -> None:
    for _ in range(3):
        assert sign_in(browser, STAFF, password="wrong password guess").status_code == 422
        clock.advance(seconds=1)
    slowed = sign_in(browser, STAFF)  # even the right password waits
    assert slowed.status_code == 429
    assert "Wait 4 seconds, then try again" in slowed.text
    clock.advance(seconds=5)
    assert sign_in(browser, STAFF, password="wrong password guess").status_code == 422
    clock.advance(seconds=11)
    assert sign_in(browser, STAFF, password="wrong password guess").status_code == 422  # the fifth: locked
    clock.advance(minutes=5)
    locked = sign_in(browser, STAFF)
    assert locked.status_code == 429
    assert "Wait 10 minutes, then try again" in locked.text
    clock.advance(minutes=11)
    assert sign_in(browser, STAFF).status_code == 303

    actions = [action for action, _actor in database(audit_actions)]
    assert actions.count("sign_in_failed") == 5
    assert actions.count("locked_out") == 1
    assert actions.count("sign_in_refused") == 2
    assert actions[-1] == "signed_in"


def test_an_unknown_email_is_throttled_exactly_like_a_real_one(browser: Client, clock: FrozenClock) -> None:
    for email in (STAFF, "nobody@lancashire.example"):
        browser.cookies.clear()
        for _ in range(5):
            sign_in(browser, email, password="wrong password guess")
            clock.advance(seconds=30)
        refused = sign_in(browser, email, password="wrong password guess")
        assert refused.status_code == 429
        assert "Too many failed attempts" in refused.text
        clock.advance(minutes=20)


def test_one_address_trying_many_accounts_is_throttled(browser: Client, clock: FrozenClock) -> None:
    for number in range(10):
        assert sign_in(browser, f"guess{number}@lancashire.example", password="wrong password guess").status_code == 422
        clock.advance(seconds=1)
    assert sign_in(browser, "another@lancashire.example", password="wrong password guess").status_code == 429


def test_sign_in_and_out_are_audited_with_the_address(browser: Client, database: Any) -> None:
    sign_in(browser, STAFF)
    post_form(browser, "/sign-out")
    sign_in(browser, STAFF, password="wrong password guess")
    assert database(audit_actions) == [
        ("signed_in", STAFF),
        ("signed_out", STAFF),
        ("sign_in_failed", STAFF),
    ]


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com", "javascript:alert(1)"]
)
def test_sign_in_never_sends_people_to_another_site(browser: Client, target: str) -> None:
    response = sign_in(browser, STAFF, next_page=target)
    assert response.headers["location"] == "/"


def test_empty_fields_get_errors_beside_them(browser: Client) -> None:
    response = post_form(browser, "/sign-in", {"email": "", "password": ""})
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert 'href="#email">Enter your email address' in response.text
    assert 'href="#password">Enter your password' in response.text
    assert "<title>Error: Sign in – QUEST</title>" in response.text


def test_a_form_sent_after_a_pause_refreshes_the_session_without_deadlock(browser: Client, clock: FrozenClock) -> None:
    # The session's idle clock is refreshed in a write of its own; on SQLite that write must not wait for
    # the write lock of the very request that caused it.
    sign_in(browser, STAFF)
    clock.advance(minutes=5)
    response = post_form(browser, "/account/tokens", {"label": "After a pause"})
    assert response.status_code == 200
    assert "Token made" in response.text
    clock.advance(minutes=59)
    assert browser.get("/account").status_code == 200  # still signed in: the pause counted as activity


def test_passwords_are_checked_off_the_event_loop_unknown_emails_too(browser: Client, monkeypatch: Any) -> None:
    argon2 = Argon2Calls.install(monkeypatch)
    assert sign_in(browser, STAFF).status_code == 303
    assert sign_in(browser, STAFF, password="not-the-password-at-all").status_code == 422
    assert sign_in(browser, "nobody@lancashire.example", password="not-the-password-at-all").status_code == 422
    assert [what for what, _on_event_loop in argon2.calls] == ["verify", "verify", "verify"]
    assert argon2.verified_hashes[2] == passwords._DUMMY_HASH  # an unknown email still costs a real check
    assert argon2.on_the_event_loop == []


def test_an_outdated_hash_is_replaced_at_sign_in_off_the_event_loop(
    browser: Client, database: Any, monkeypatch: Any
) -> None:
    from argon2 import PasswordHasher

    outdated = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(DEMO_PASSWORD)

    async def stored_hash(session_maker: Any, replace_with: str | None = None) -> str:
        async with session_maker() as session:
            user = (await session.execute(select(User).where(User.email == STAFF))).scalar_one()
            if replace_with is not None:
                user.password_hash = replace_with
                await session.commit()
            return str(user.password_hash)

    database(lambda maker: stored_hash(maker, outdated))
    argon2 = Argon2Calls.install(monkeypatch)
    assert sign_in(browser, STAFF).status_code == 303
    assert [what for what, _on_event_loop in argon2.calls] == ["verify", "hash"]
    assert argon2.on_the_event_loop == []
    renewed = database(stored_hash)
    assert renewed != outdated
    assert not passwords.needs_rehash(renewed)


def test_other_requests_are_answered_while_a_sign_in_is_in_its_password_check(
    browser: Client, monkeypatch: Any
) -> None:
    """The check is held until another request has been answered. On the event loop it would hold up
    that request too, until it gave up waiting."""
    real = passwords._hasher
    checking, others_answered = threading.Event(), threading.Event()
    gave_up_waiting: list[bool] = []

    class HeldCheck:
        def verify(self, password_hash: str, password: str) -> bool:
            checking.set()
            gave_up_waiting.append(not others_answered.wait(timeout=20))
            return bool(real.verify(password_hash, password))

        def check_needs_rehash(self, password_hash: str) -> bool:
            return bool(real.check_needs_rehash(password_hash))

    monkeypatch.setattr(passwords, "_hasher", HeldCheck())
    browser.get("/sign-in")  # the CSRF cookie, before the two requests share the browser
    with ThreadPoolExecutor(max_workers=1) as someone_else:
        signing_in = someone_else.submit(sign_in, browser, STAFF)
        assert checking.wait(timeout=60)
        health = browser.get("/healthz")
        others_answered.set()
        assert signing_in.result(timeout=60).status_code == 303
    assert health.json() == {"status": "ok", "database": "ok"}
    assert gave_up_waiting == [False]


def test_no_transaction_is_held_open_while_a_password_is_checked(
    browser: Client, settings: Settings, database: Any, monkeypatch: Any
) -> None:
    """A check takes half a second. Held inside the sign-in's transaction it would keep SQLite's write lock
    (every other writer waits) or a PostgreSQL connection idle in its transaction (a burst empties the
    pool). While one check is held here, another writer gets the lock at once, and no connection of the
    app is idle in a transaction."""
    real = passwords._hasher
    checking, looked = threading.Event(), threading.Event()

    class HeldCheck:
        def verify(self, password_hash: str, password: str) -> bool:
            checking.set()
            looked.wait(timeout=20)
            return bool(real.verify(password_hash, password))

        def check_needs_rehash(self, password_hash: str) -> bool:
            return bool(real.check_needs_rehash(password_hash))

    async def idle_in_transaction(session_maker: Any) -> int:
        from sqlalchemy import text

        async with session_maker() as session:
            found = await session.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
                )
            )
            return int(found.scalar_one())

    def another_writer_waits() -> bool:
        import sqlite3

        path = settings.database_url.split("///", 1)[1]
        other = sqlite3.connect(path, timeout=0.5, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            other.close()

    monkeypatch.setattr(passwords, "_hasher", HeldCheck())
    browser.get("/sign-in")
    with ThreadPoolExecutor(max_workers=1) as someone_else:
        signing_in = someone_else.submit(sign_in, browser, STAFF)
        assert checking.wait(timeout=60)
        try:
            if settings.database_url.startswith("sqlite"):
                assert not another_writer_waits()
            else:
                assert database(idle_in_transaction) == 0
        finally:
            looked.set()
        assert signing_in.result(timeout=60).status_code == 303


def test_a_right_password_sent_in_a_burst_of_wrong_ones_is_refused_once_they_trip_the_throttle(
    demo: Any, database: Any, monkeypatch: Any
) -> None:
    """Attempts sent together all pass the throttle's first look, before any is judged. The right one is
    held in its password check while wrong ones fail and slow the account down: it is refused, so a burst
    of guesses learns no more than guesses made one at a time."""
    import asyncio
    import datetime

    from quest.accounts.sessions import SessionPolicy
    from quest.accounts.signin import Refused
    from quest.accounts.signin import sign_in as sign_in_service

    real = passwords._hasher
    checking, release = threading.Event(), threading.Event()

    class HeldRightPassword:
        def verify(self, password_hash: str, password: str) -> bool:
            if password == DEMO_PASSWORD:
                checking.set()
                release.wait(timeout=20)
            return bool(real.verify(password_hash, password))

        def check_needs_rehash(self, password_hash: str) -> bool:
            return False

    monkeypatch.setattr(passwords, "_hasher", HeldRightPassword())
    monkeypatch.setattr(passwords, "_hashing_threads", ThreadPoolExecutor(max_workers=2))
    policy = SessionPolicy(idle=datetime.timedelta(hours=1), lifetime=datetime.timedelta(hours=12))
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)

    async def burst(session_maker: Any) -> Any:
        async def attempt(password: str, at: datetime.datetime) -> Any:
            async with session_maker() as session:
                return await sign_in_service(
                    session,
                    email=STAFF,
                    password=password,
                    client_address="10.1.2.3",
                    user_agent=None,
                    now=at,
                    policy=policy,
                )

        right = asyncio.create_task(attempt(DEMO_PASSWORD, start))
        assert await asyncio.to_thread(checking.wait, 20)
        try:
            wrong = [
                await attempt(f"wrong guess {n}", start + datetime.timedelta(milliseconds=n + 1)) for n in range(5)
            ]
        finally:
            release.set()
        return wrong, await right

    wrong, right = database(burst)
    # Three wrong guesses fail; from then on the account is slowed down, and the rest are refused.
    assert [type(outcome).__name__ for outcome in wrong] == ["Failed"] * 3 + ["Refused"] * 2
    assert isinstance(right, Refused)


def at_address(app: Litestar, address: str) -> Litestar:
    """The app, seeing every request come from ``address``."""
    inner = app.asgi_handler

    async def handler(scope: Any, receive: Any, send: Any) -> None:
        await inner({**scope, "client": (address, 50000)} if scope["type"] == "http" else scope, receive, send)

    app.asgi_handler = handler
    return app


def test_signing_in_to_ones_own_account_does_not_reset_the_addresss_failures(
    browser: Client, clock: FrozenClock
) -> None:
    """The attack in issue 10: guesses at 40 accounts from one address, signing in to one's own account
    after every 8. The address is slowed from its 11th failure all the same, and locked by its 25th."""
    own = DEMO_EMAILS["manager"]
    answers: list[int] = []
    for number in range(40):
        if number % 8 == 0:
            sign_in(browser, own)
            clock.advance(seconds=1)
        answers.append(sign_in(browser, f"guess{number}@lancashire.example", password="wrong guess").status_code)
        clock.advance(seconds=1)
    assert answers[:10] == [422] * 10
    assert answers[10] == 429
    assert answers.count(422) <= 25
    refused = sign_in(browser, "guess41@lancashire.example", password="wrong guess")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60


def test_a_refusal_says_when_to_come_back_in_retry_after(browser: Client, clock: FrozenClock) -> None:
    for _ in range(3):
        sign_in(browser, STAFF, password="wrong password guess")
        clock.advance(seconds=1)
    slowed = sign_in(browser, STAFF)
    assert slowed.status_code == 429
    assert slowed.headers["retry-after"] == "4"
    sign_in(browser, STAFF, password="wrong password guess")  # too soon: refused, not counted
    clock.advance(seconds=4)
    for _ in range(2):
        assert sign_in(browser, STAFF, password="wrong password guess").status_code == 422
        clock.advance(seconds=30)
    locked = sign_in(browser, STAFF)
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == str(15 * 60 - 30)


def test_five_guesses_from_another_address_do_not_lock_the_owner_out(
    settings: Settings, demo: Any, clock: FrozenClock
) -> None:
    stranger = at_address(create_app(settings, clock=clock), "192.0.2.66")
    owner = at_address(create_app(settings, clock=clock), "10.20.30.40")
    with TestClient(stranger, base_url="http://testserver.local") as guesser:
        for _ in range(5):
            assert sign_in(guesser, STAFF, password="wrong password guess").status_code == 422
            clock.advance(seconds=20)
        assert sign_in(guesser, STAFF).status_code == 429  # the stranger is locked out, even with the password
    with TestClient(owner, base_url="http://testserver.local") as own_browser:
        assert sign_in(own_browser, STAFF).status_code == 303
