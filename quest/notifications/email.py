"""Notification emails, when ``QUEST_SMTP_URL`` is set: queued in the outbox, sent over SMTP.

:func:`queue` writes emails to the outbox (:mod:`quest.notifications.outbox`) in the transaction of the
change they report, and a commit nudges this process's senders (:mod:`quest.notifications.sender`) so
that they go out at once; a slow or failing mail server never holds up or rolls back the change, and a
rolled-back change sends nothing. :class:`Mailer` is the SMTP side: it sends each email with a
``Message-ID`` made from its outbox row, so the same email sent twice can be told apart from two emails.
"""

from __future__ import annotations

import datetime
import smtplib
import ssl
import uuid
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from quest.config import Settings
from quest.notifications import outbox
from quest.notifications.outbox import ClaimedEmail, Email

__all__ = ["Email", "Mailer", "configure", "current_mailer", "queue"]

_COMMIT_NUDGES = "quest.outbox.nudge"
SEND_TIMEOUT_SECONDS = 15


class Mailer:
    """Where emails go (the SMTP server of ``QUEST_SMTP_URL``) and who they are from."""

    def __init__(self, smtp_url: str, sender: str, base_url: str = "http://localhost:8000") -> None:
        self.base_url = base_url
        parts = urlsplit(smtp_url)
        self.scheme = parts.scheme
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self.message_id_domain = parseaddr(sender)[1].rpartition("@")[2] or "quest.invalid"

    def message_id(self, email_id: uuid.UUID) -> str:
        """The ``Message-ID`` of an outbox email: the same at every try."""
        return f"<{email_id}@{self.message_id_domain}>"

    def send(self, emails: Sequence[ClaimedEmail]) -> dict[uuid.UUID, str | None]:
        """Send ``emails`` over one connection (blocking: run it in a thread). For each, ``None`` if the
        server accepted it, or the error, without the server's password."""
        outcomes: dict[uuid.UUID, str | None] = {}
        try:
            with self._connect() as server:
                for email in emails:
                    try:
                        server.send_message(self._message(email))
                        outcomes[email.id] = None
                    except smtplib.SMTPRecipientsRefused as error:  # this one refused; the next may pass
                        outcomes[email.id] = outbox.describe_error(error, self.password)
        except (OSError, smtplib.SMTPException) as error:
            described = outbox.describe_error(error, self.password)
            outcomes.update({email.id: described for email in emails if email.id not in outcomes})
        return outcomes

    def _message(self, email: ClaimedEmail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Message-ID"] = self.message_id(email.id)
        message["Date"] = formatdate(usegmt=True)
        message.set_content(email.body)
        return message

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=SEND_TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=SEND_TIMEOUT_SECONDS)
        try:
            if self.scheme == "smtp+starttls":
                server.starttls(context=ssl.create_default_context())
            if self.username:
                server.login(self.username, self.password or "")
        except BaseException:
            server.close()
            raise
        return server


_mailer: Mailer | None = None
# Called after a commit that queued emails: the senders running in this process (see sender.py).
_commit_listeners: list[Callable[[], None]] = []


def configure(settings: Settings) -> Mailer | None:
    """Set up (or switch off) emails for this process, from the settings."""
    global _mailer
    _mailer = Mailer(settings.smtp_url, settings.mail_from, settings.base_url) if settings.smtp_url else None
    return _mailer


def current_mailer() -> Mailer | None:
    return _mailer


def on_commit_of_emails(listener: Callable[[], None]) -> Callable[[], None]:
    """Call ``listener`` after each commit that queued emails; returns what stops that."""
    _commit_listeners.append(listener)
    return lambda: _commit_listeners.remove(listener)


async def queue(session: AsyncSession, emails: list[Email], now: datetime.datetime) -> None:
    """Put ``emails`` in the outbox, in the session's transaction: sent once (and only if) it commits."""
    if _mailer is None or not emails:
        return
    await outbox.add(session, emails, now)
    session.sync_session.info[_COMMIT_NUDGES] = True


@event.listens_for(Session, "after_commit")
def _nudge_after_commit(session: Session) -> None:
    if session.info.pop(_COMMIT_NUDGES, False):
        for listener in list(_commit_listeners):
            listener()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session, *_: Any) -> None:
    session.info.pop(_COMMIT_NUDGES, None)
