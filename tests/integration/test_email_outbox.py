"""The email outbox (issue 10): emails written with the change they report, delivered by senders that
retry with backoff, give up after a bounded number of tries, and never deliver one email twice; and the
``quest outbox`` command that watches it."""

from __future__ import annotations

import asyncio
import datetime
import uuid
from collections import Counter
from typing import Any

from sqlalchemy import func, select, update

from quest.clock import FrozenClock
from quest.config import Settings
from quest.db import open_database, writing
from quest.notifications import email, outbox
from quest.notifications.models import OutboxEmail, OutboxStatus
from quest.notifications.sender import OutboxSender, running_sender
from tests.helpers import DEMO_EMAILS, raise_idea, sign_in_as
from tests.integration.test_cli import quest
from tests.integration.test_email import start_review
from tests.mail import Inbox, free_port, mail_settings, outbox_rows, start_smtp_server, wait_until

STAFF = DEMO_EMAILS["staff"]
SMTP_DOWN_ERROR = "ConnectionRefusedError"


def some_emails(count: int) -> list[email.Email]:
    return [
        email.Email(to=f"person{number}@lancashire.example", subject=f"Email {number}", body="Hello.")
        for number in range(count)
    ]


def add_to_outbox(settings: Settings, emails: list[email.Email], now: datetime.datetime) -> None:
    async def add() -> None:
        async with open_database(settings) as session_maker, session_maker() as session:
            with writing():
                await outbox.add(session, emails, now)
                await session.commit()

    asyncio.run(add())


def run_sender(settings: Settings, smtp_url: str, clock: FrozenClock, **options: Any) -> int:
    """One round of a sender of its own (as another process would run), on an engine of its own."""

    async def go() -> int:
        async with open_database(settings) as session_maker:
            sender = OutboxSender(
                session_maker, email.Mailer(smtp_url, "QUEST <quest@lancashire.example>"), clock, **options
            )
            return await sender.run_once()

    return asyncio.run(go())


def test_an_email_is_in_the_outbox_only_if_its_change_commits_and_only_a_commit_wakes_the_sender(
    settings: Settings, database: Any
) -> None:
    email.configure(mail_settings(settings, f"smtp://127.0.0.1:{free_port()}"))
    nudges: list[str] = []
    stop_listening = email.on_commit_of_emails(lambda: nudges.append("nudged"))
    now = FrozenClock().now()
    try:

        async def queue_then(session_maker: Any, commit: bool) -> None:
            async with session_maker() as session:
                with writing():
                    await email.queue(session, some_emails(1), now)
                    await (session.commit() if commit else session.rollback())

        database(lambda maker: queue_then(maker, commit=False))
        assert outbox_rows(database) == []
        assert nudges == []
        database(lambda maker: queue_then(maker, commit=True))
        [row] = outbox_rows(database)
        assert (row.recipient, row.subject, row.status, row.attempts) == (
            "person0@lancashire.example",
            "Email 0",
            "pending",
            0,
        )
        assert nudges == ["nudged"]  # the sender goes at once, without waiting for its next look
    finally:
        stop_listening()
        email.configure(settings)


def test_without_a_mail_server_configured_nothing_is_queued(demo: Any, database: Any, client: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Kit lockers by the door"))
    sign_in_as(client, "manager")
    assert start_review(client, idea.reference).status_code == 303
    assert outbox_rows(database) == []


def test_emails_made_while_the_mail_server_is_down_arrive_exactly_once_when_it_is_back(
    demo: Any, database: Any, mail_app: Any
) -> None:
    clock = FrozenClock()
    port = free_port()  # nothing listens there yet
    ideas = [database(lambda maker, title=title: raise_idea(maker, STAFF, title)) for title in ("One", "Two", "Three")]
    handler = Inbox()
    with mail_app(f"smtp://127.0.0.1:{port}", clock=clock) as client:
        sign_in_as(client, "manager")
        for idea in ideas:
            assert start_review(client, idea.reference).status_code == 303
        wait_until(
            lambda: (rows := outbox_rows(database)) and len(rows) == 3 and all(row.last_error for row in rows),
            "a failed try of every email",
        )
        for row in outbox_rows(database):
            assert (row.status, row.attempts) == ("pending", 1)
            assert SMTP_DOWN_ERROR in row.last_error
            assert row.next_attempt_at == clock.now() + outbox.retry_delay(1)

        controller = start_smtp_server(handler, port)  # the mail server is back
        try:
            clock.advance(seconds=outbox.retry_delay(1).total_seconds())
            sender = running_sender(client.app)
            assert sender is not None
            sender.nudge()
            wait_until(lambda: all(row.status == "sent" for row in outbox_rows(database)), "every email to be sent")
            # Nothing is left to send, however much later another sender looks.
            clock.advance(days=1)
            assert run_sender(client.app.state.settings, f"smtp://127.0.0.1:{port}", clock) == 0
        finally:
            controller.stop()

    rows = outbox_rows(database)
    assert len(handler.messages) == len(rows) == 3
    message_ids = Counter(message["Message-ID"] for message in handler.messages)
    assert set(message_ids) == {f"<{row.id}@lancashire.example>" for row in rows}
    assert set(message_ids.values()) == {1}
    sent_to = Counter((message["To"], message["Subject"]) for message in handler.messages)
    assert set(sent_to.values()) == {1}
    assert sorted(sent_to) == sorted(
        (STAFF, f"{idea.reference}: Inspector Priya Shah moved it to under review") for idea in ideas
    )
    assert all(row.attempts == 2 and row.sent_at == clock.now() - datetime.timedelta(days=1) for row in rows)


def test_two_senders_at_once_deliver_each_email_exactly_once(settings: Settings, database: Any) -> None:
    """Two senders on engines of their own, as two worker processes have, one email a claim, racing."""
    clock = FrozenClock()
    add_to_outbox(settings, some_emails(12), clock.now())
    handler = Inbox(delay=0.01)
    port = free_port()
    controller = start_smtp_server(handler, port)
    mailer = email.Mailer(f"smtp://127.0.0.1:{port}", "QUEST <quest@lancashire.example>")

    async def race() -> list[int]:
        async with open_database(settings) as first, open_database(settings) as second:
            senders = [OutboxSender(maker, mailer, clock, batch=1) for maker in (first, second)]
            return list(await asyncio.gather(*(sender.run_once() for sender in senders)))

    try:
        tried = asyncio.run(race())
    finally:
        controller.stop()
    rows = outbox_rows(database)
    assert sum(tried) == 12
    assert [(row.status, row.attempts) for row in rows] == [("sent", 1)] * 12
    assert sorted(message["Message-ID"] for message in handler.messages) == sorted(
        f"<{row.id}@lancashire.example>" for row in rows
    )


def test_an_email_claimed_by_a_sender_that_died_is_sent_once_its_claim_runs_out(
    settings: Settings, database: Any, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    clock = FrozenClock()
    add_to_outbox(settings, some_emails(1), clock.now())

    async def claim() -> outbox.Claim:
        async with open_database(settings) as session_maker, session_maker() as session:
            with writing():
                taken = await outbox.claim_due(session, clock.now())
                await session.commit()
                return taken

    dead = asyncio.run(claim())  # a sender claims it, then its process dies before it sends
    assert len(dead.emails) == 1
    assert asyncio.run(claim()).emails == []  # nobody else may take it while the claim lasts
    assert run_sender(settings, f"smtp://127.0.0.1:{port}", clock) == 0
    clock.advance(seconds=outbox.CLAIM_LEASE.total_seconds())
    assert run_sender(settings, f"smtp://127.0.0.1:{port}", clock) == 1
    [row] = outbox_rows(database)
    assert (row.status, row.attempts) == ("sent", 2)
    assert [message["Message-ID"] for message in handler.messages] == [f"<{row.id}@lancashire.example>"]


def test_after_the_last_try_an_email_is_failed_and_tried_no_more_until_retried(
    settings: Settings, database: Any
) -> None:
    clock = FrozenClock(datetime.datetime.now(datetime.UTC))  # the command below requeues at the real time
    add_to_outbox(settings, some_emails(1), clock.now())
    port = free_port()  # the mail server is down throughout
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        assert run_sender(settings, f"smtp://127.0.0.1:{port}", clock) == 1
        [row] = outbox_rows(database)
        assert row.attempts == attempt
        if attempt < outbox.MAX_ATTEMPTS:
            assert row.status == "pending"
            clock.advance(seconds=outbox.retry_delay(attempt).total_seconds() - 1)
            assert run_sender(settings, f"smtp://127.0.0.1:{port}", clock) == 0  # not due yet
            clock.advance(seconds=1)
    [row] = outbox_rows(database)
    assert (row.status, row.failed_at, row.attempts) == ("failed", clock.now(), outbox.MAX_ATTEMPTS)
    assert SMTP_DOWN_ERROR in row.last_error
    clock.advance(days=1)
    assert run_sender(settings, f"smtp://127.0.0.1:{port}", clock) == 0

    watched = quest(settings, "outbox")
    assert watched.returncode == 0, watched.stderr
    assert "pending: 0\n" in watched.stdout
    assert "failed: 1\n" in watched.stdout
    assert f"to person0@lancashire.example after {outbox.MAX_ATTEMPTS} tries: {SMTP_DOWN_ERROR}" in watched.stdout

    retried = quest(settings, "outbox", "retry")
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout == "1 failed email put back in the queue.\n"
    [row] = outbox_rows(database)
    assert (row.status, row.attempts, row.failed_at, row.last_error) == ("pending", 0, None, None)

    handler = Inbox()
    controller = start_smtp_server(handler, port)
    try:
        clock.advance(days=1)
        assert run_sender(settings, f"smtp://127.0.0.1:{port}", clock) == 1
    finally:
        controller.stop()
    assert [message["Subject"] for message in handler.messages] == ["Email 0"]
    assert outbox_rows(database)[0].status == "sent"
    assert "sent: 1 " in quest(settings, "outbox").stdout


def test_a_claim_that_runs_out_on_the_last_try_fails_the_email(settings: Settings, database: Any) -> None:
    clock = FrozenClock()
    add_to_outbox(settings, some_emails(1), clock.now())

    async def worn_out(session_maker: Any) -> None:
        async with session_maker() as session:
            await session.execute(
                update(OutboxEmail).values(
                    attempts=outbox.MAX_ATTEMPTS, claim=uuid.uuid4(), next_attempt_at=clock.now()
                )
            )
            await session.commit()

    database(worn_out)
    assert run_sender(settings, f"smtp://127.0.0.1:{free_port()}", clock) == 0
    [row] = outbox_rows(database)
    assert (row.status, row.last_error, row.attempts) == ("failed", outbox.LEASE_RAN_OUT, outbox.MAX_ATTEMPTS)


def test_sent_and_failed_emails_are_deleted_after_the_retention_period(settings: Settings, database: Any) -> None:
    clock = FrozenClock()
    add_to_outbox(settings, some_emails(5), clock.now())
    old = clock.now() - outbox.RETENTION - datetime.timedelta(seconds=1)
    recent = clock.now() - outbox.RETENTION + datetime.timedelta(hours=1)

    async def settle(session_maker: Any) -> None:
        async with session_maker() as session:
            ids = list((await session.execute(select(OutboxEmail.id).order_by(OutboxEmail.subject))).scalars())
            for email_id, values in zip(
                ids,
                [
                    {"status": OutboxStatus.SENT, "sent_at": old},
                    {"status": OutboxStatus.FAILED, "failed_at": old},
                    {"status": OutboxStatus.SENT, "sent_at": recent},
                    {"status": OutboxStatus.FAILED, "failed_at": recent},
                    {"status": OutboxStatus.PENDING, "next_attempt_at": clock.now() + datetime.timedelta(hours=1)},
                ],
                strict=True,
            ):
                await session.execute(update(OutboxEmail).where(OutboxEmail.id == email_id).values(**values))
            await session.commit()

    database(settle)
    assert run_sender(settings, f"smtp://127.0.0.1:{free_port()}", clock) == 0
    kept = sorted(row.subject for row in outbox_rows(database))
    assert kept == ["Email 2", "Email 3", "Email 4"]

    async def count(session_maker: Any) -> int:
        async with session_maker() as session:
            return int((await session.execute(select(func.count()).select_from(OutboxEmail))).scalar_one())

    assert database(count) == 3
