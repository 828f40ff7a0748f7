"""The outbox sender: one asyncio task per app process that delivers the email outbox.

Each round it claims the due emails (:func:`quest.notifications.outbox.claim_due`), sends them over SMTP
in a thread, off the event loop, and records each outcome: sent; or the error and the next try; or, after
the last try, failed. It runs a round when a commit has queued emails (a nudge), and otherwise every
:data:`POLL_SECONDS`, which is what retries and claims left by a dead sender wait for. Once an hour it
deletes what the retention period has run out on. Any number of senders, in any number of processes,
may share an outbox: the claim gives each email to one of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import uuid

from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest.clock import Clock
from quest.db import is_unreachable, writing
from quest.logs import get_logger
from quest.notifications import email, outbox
from quest.notifications.email import Mailer
from quest.web.state import CLOCK, SESSION_MAKER

logger = get_logger("quest.email")

POLL_SECONDS = 15.0
PRUNE_EVERY = datetime.timedelta(hours=1)
# How long shutdown waits for a round under way (a send times out after 15 s a step) before it stops it.
STOP_TIMEOUT_SECONDS = 30.0
_SENDER = "quest.outbox_sender"
_STOP_LISTENING = "quest.outbox_sender.stop_listening"


class OutboxSender:
    def __init__(
        self,
        session_maker: async_sessionmaker[AsyncSession],
        mailer: Mailer,
        clock: Clock,
        *,
        poll_seconds: float = POLL_SECONDS,
        batch: int = outbox.CLAIM_BATCH,
        lease: datetime.timedelta = outbox.CLAIM_LEASE,
    ) -> None:
        self.session_maker = session_maker
        self.mailer = mailer
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.lease = lease
        self._pruned_at: datetime.datetime | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._nudged: asyncio.Event | None = None
        self._stopping = False

    async def run_once(self) -> int:
        """One round: prune if it is time, then claim, send and record until nothing is due. How many
        emails it tried."""
        await self._prune_if_due()
        tried = 0
        while not self._stopping:
            claim = await self._claim()
            if not claim.emails:
                break
            outcomes = await asyncio.to_thread(self.mailer.send, claim.emails)
            await self._record(claim, outcomes)
            tried += len(claim.emails)
        return tried

    async def _claim(self) -> outbox.Claim:
        with writing():
            async with self.session_maker() as session:
                claim = await outbox.claim_due(session, self.clock.now(), limit=self.batch, lease=self.lease)
                await session.commit()
                return claim

    async def _record(self, claim: outbox.Claim, outcomes: dict[uuid.UUID, str | None]) -> None:
        now = self.clock.now()
        with writing():
            async with self.session_maker() as session:
                for email in claim.emails:
                    error = outcomes.get(email.id)
                    if error is None:
                        await outbox.record_sent(session, claim, email.id, now)
                        continue
                    final = await outbox.record_failure(session, claim, email, error, now)
                    if final:
                        logger.error(
                            "email failed for good", email_id=str(email.id), attempts=email.attempts, error=error
                        )
                    else:
                        logger.warning(
                            "email not sent; will try again",
                            email_id=str(email.id),
                            attempts=email.attempts,
                            retry_in_seconds=int(outbox.retry_delay(email.attempts).total_seconds()),
                            error=error,
                        )
                await session.commit()
        sent = sum(1 for email in claim.emails if outcomes.get(email.id) is None)
        if sent:
            logger.info("emails sent", count=sent)

    async def _prune_if_due(self) -> None:
        now = self.clock.now()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        with writing():
            async with self.session_maker() as session:
                deleted = await outbox.prune(session, now)
                await session.commit()
        self._pruned_at = now
        if deleted:
            logger.info("old emails deleted from the outbox", count=deleted)

    # The task's life: started with the app, nudged by commits, stopped at shutdown.

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._nudged = asyncio.Event()
        self._stopping = False
        self._task = self._loop.create_task(self._run(), name="quest-outbox-sender")

    def nudge(self) -> None:
        """Run a round now rather than at the next poll; safe from any thread."""
        loop, nudged = self._loop, self._nudged
        if loop is None or nudged is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            nudged.set()
        else:
            loop.call_soon_threadsafe(nudged.set)

    async def stop(self) -> None:
        """Let the round under way finish recording what it sent, then stop."""
        if self._task is None:
            return
        self._stopping = True
        self.nudge()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=STOP_TIMEOUT_SECONDS)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _run(self) -> None:
        assert self._nudged is not None
        while not self._stopping:
            self._nudged.clear()
            try:
                await self.run_once()
            except Exception as error:  # the next round tries again; the emails wait in the outbox
                if is_unreachable(error):
                    logger.warning("email outbox: database unreachable", error=type(error).__name__)
                else:
                    logger.exception("email outbox: round failed")
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._nudged.wait(), timeout=self.poll_seconds)


async def start_with_app(app: Litestar) -> None:
    """On app start-up: run a sender for this process when emails are configured (``QUEST_SMTP_URL``)."""
    mailer = email.current_mailer()
    if mailer is None:
        return
    sender = OutboxSender(app.state[SESSION_MAKER], mailer, app.state[CLOCK])
    sender.start()
    app.state[_SENDER] = sender
    app.state[_STOP_LISTENING] = email.on_commit_of_emails(sender.nudge)


async def stop_with_app(app: Litestar) -> None:
    """On shutdown: let the sender finish the round under way, then stop it."""
    sender: OutboxSender | None = app.state.get(_SENDER)
    if sender is None:
        return
    app.state[_STOP_LISTENING]()
    await sender.stop()
    del app.state[_SENDER]


def running_sender(app: Litestar) -> OutboxSender | None:
    """The app's sender, if it runs one (tests nudge it after moving their clock on)."""
    sender: OutboxSender | None = app.state.get(_SENDER)
    return sender
