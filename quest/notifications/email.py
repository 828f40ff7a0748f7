"""Notification emails, when ``QUEST_SMTP_URL`` is set.

Messages are queued on the database session while the change is made and sent only after it commits,
in the background: a slow or failing mail server never holds up or rolls back the change, and a
rolled-back change sends nothing. Failures are logged (without the server's password).
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from quest.config import Settings
from quest.logs import get_logger

logger = get_logger("quest.email")
_OUTBOX = "quest.outbox"
SEND_TIMEOUT_SECONDS = 15


@dataclass(frozen=True, slots=True)
class Email:
    to: str
    subject: str
    body: str


class Mailer:
    def __init__(self, smtp_url: str, sender: str, base_url: str = "http://localhost:8000") -> None:
        self.base_url = base_url
        parts = urlsplit(smtp_url)
        self.scheme = parts.scheme
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self._tasks: set[asyncio.Task[None]] = set()

    def send_later(self, emails: list[Email]) -> None:
        """Send in the background; never raises."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a command run outside the app): send now, in this thread
            self._send(emails)
            return
        task = loop.create_task(self._send_in_thread(emails))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_in_thread(self, emails: list[Email]) -> None:
        await asyncio.to_thread(self._send, emails)

    def _send(self, emails: list[Email]) -> None:
        try:
            with self._connect() as server:
                for email in emails:
                    message = EmailMessage()
                    message["From"] = self.sender
                    message["To"] = email.to
                    message["Subject"] = email.subject
                    message.set_content(email.body)
                    server.send_message(message)
            logger.info("emails sent", count=len(emails))
        except (OSError, smtplib.SMTPException) as error:
            logger.warning("emails not sent", count=len(emails), error=f"{type(error).__name__}: {error}")

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=SEND_TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=SEND_TIMEOUT_SECONDS)
            if self.scheme == "smtp+starttls":
                server.starttls(context=ssl.create_default_context())
        if self.username:
            server.login(self.username, self.password or "")
        return server

    def pending(self) -> int:
        """How many batches of emails are still being sent."""
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait for the emails under way (at shutdown): each send gives up after its own timeout."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


_mailer: Mailer | None = None


def configure(settings: Settings) -> Mailer | None:
    """Set up (or switch off) emails for this process, from the settings."""
    global _mailer
    _mailer = Mailer(settings.smtp_url, settings.mail_from, settings.base_url) if settings.smtp_url else None
    return _mailer


def current_mailer() -> Mailer | None:
    return _mailer


async def drain_on_shutdown() -> None:
    """Let emails already under way finish before the process stops."""
    if _mailer is not None:
        await _mailer.drain()


def queue(session: AsyncSession | Session, emails: list[Email]) -> None:
    """Send ``emails`` once (and only if) the session's transaction commits."""
    if _mailer is None or not emails:
        return
    sync_session = session.sync_session if isinstance(session, AsyncSession) else session
    sync_session.info.setdefault(_OUTBOX, []).extend(emails)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    emails: list[Email] = session.info.pop(_OUTBOX, [])
    if emails and _mailer is not None:
        _mailer.send_later(emails)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session, *_: Any) -> None:
    session.info.pop(_OUTBOX, None)
