"""The email outbox: the rules and queries of the ``email_outbox`` table.

An email is written here in the same transaction as the change it reports, so a rolled-back change
leaves no email and a committed one always has its email. Senders (:mod:`quest.notifications.sender`)
claim due emails, send them and record the outcome here.

The retry rules, and why:

- a failed try is tried again after :func:`retry_delay`: 30 seconds, then twice as long each time, at
  most an hour apart;
- after :data:`MAX_ATTEMPTS` tries (about three hours, long enough to ride out a mail server's restart or
  a maintenance window) the email is marked failed: news of an idea that old is better found in QUEST
  itself, and a person should look at why mail is not going (``quest outbox``, ``quest outbox retry``);
- a claim holds an email for :data:`CLAIM_LEASE` (far longer than a send can take: each step of the SMTP
  conversation times out after 15 seconds) and counts as a try, so a sender that dies mid-send neither
  loses the email nor retries it forever;
- sent and failed emails hold names, addresses and what happened to an idea: they are deleted
  :data:`RETENTION` after they were sent or given up on.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from quest.notifications.models import OutboxEmail, OutboxStatus
from quest.records import filled

MAX_ATTEMPTS = 10
FIRST_RETRY_DELAY = datetime.timedelta(seconds=30)
LONGEST_RETRY_DELAY = datetime.timedelta(hours=1)
CLAIM_LEASE = datetime.timedelta(minutes=10)
RETENTION = datetime.timedelta(days=30)
CLAIM_BATCH = 10
LAST_ERROR_LENGTH = 500
# What a claim that ran out on its last try says: the sender stopped (or the process died) mid-send.
LEASE_RAN_OUT = "the sender stopped before it recorded the outcome of its last try"


@dataclass(frozen=True, slots=True)
class Email:
    to: str
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class ClaimedEmail:
    id: uuid.UUID
    to: str
    subject: str
    body: str
    attempts: int


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failed try before the next: 30 s, 1 min, 2, 4 ... capped
    at an hour."""
    if attempts < 1:
        raise ValueError("attempts counts tries made, from 1")
    doublings: int = min(attempts - 1, 32)  # far beyond the cap already; keeps the number small
    delay: datetime.timedelta = FIRST_RETRY_DELAY * (2**doublings)
    return min(delay, LONGEST_RETRY_DELAY)


def describe_error(error: BaseException, password: str | None) -> str:
    """The error as the outbox keeps it: its kind and message, short, and never the mail server's password."""
    text = f"{type(error).__name__}: {error}"
    if password:
        text = text.replace(password, "[redacted]")
    return text[:LAST_ERROR_LENGTH]


async def add(session: AsyncSession, emails: Sequence[Email], now: datetime.datetime) -> None:
    """Write ``emails`` to the outbox in the session's transaction, due at once."""
    if not emails:
        return
    await session.execute(
        insert(OutboxEmail),
        [
            {
                "recipient": email.to,
                "subject": email.subject,
                "body": email.body,
                "created_at": now,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
            }
            for email in emails
        ],
    )


def _due(now: datetime.datetime) -> ColumnElement[bool]:
    return and_(OutboxEmail.status == OutboxStatus.PENDING, OutboxEmail.next_attempt_at <= now)


@dataclass(frozen=True, slots=True)
class Claim:
    """The emails one sender took at once, and the token that says they are its to record."""

    token: uuid.UUID
    emails: list[ClaimedEmail]


async def claim_due(
    session: AsyncSession, now: datetime.datetime, *, limit: int = CLAIM_BATCH, lease: datetime.timedelta = CLAIM_LEASE
) -> Claim:
    """Claim up to ``limit`` due emails, oldest due first, and count the try; the caller commits.

    One UPDATE ... RETURNING claims them: on PostgreSQL its subquery locks the rows it picks and skips
    rows another sender is claiming (``FOR UPDATE SKIP LOCKED``), and the UPDATE checks again that each is
    still due; on SQLite the transaction holds the write lock (``BEGIN IMMEDIATE``), so claims queue. Either
    way no two senders hold the same email while its claim lasts.
    """
    # An email whose claim ran out on its last try is given up on here, not tried once more.
    await session.execute(
        update(OutboxEmail)
        .where(_due(now), OutboxEmail.attempts >= MAX_ATTEMPTS)
        .values(status=OutboxStatus.FAILED, failed_at=now, claim=None, last_error=LEASE_RAN_OUT)
        .execution_options(synchronize_session=False)
    )
    token = uuid.uuid4()
    picked = (
        select(OutboxEmail.id)
        .where(_due(now))
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = (
        await session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id.in_(picked.scalar_subquery()), _due(now))
            .values(claim=token, attempts=OutboxEmail.attempts + 1, next_attempt_at=now + lease)
            .returning(
                OutboxEmail.id, OutboxEmail.recipient, OutboxEmail.subject, OutboxEmail.body, OutboxEmail.attempts
            )
            .execution_options(synchronize_session=False)
        )
    ).all()
    emails = [
        ClaimedEmail(id=row.id, to=row.recipient, subject=row.subject, body=row.body, attempts=row.attempts)
        for row in rows
    ]
    return Claim(token=token, emails=sorted(emails, key=lambda email: email.id))


def _held(claim: Claim, email_id: uuid.UUID) -> ColumnElement[bool]:
    return and_(
        OutboxEmail.id == email_id, OutboxEmail.claim == claim.token, OutboxEmail.status == OutboxStatus.PENDING
    )


async def record_sent(session: AsyncSession, claim: Claim, email_id: uuid.UUID, now: datetime.datetime) -> None:
    await session.execute(
        update(OutboxEmail)
        .where(_held(claim, email_id))
        .values(status=OutboxStatus.SENT, sent_at=now, claim=None, last_error=None)
        .execution_options(synchronize_session=False)
    )


async def record_failure(
    session: AsyncSession, claim: Claim, email: ClaimedEmail, error: str, now: datetime.datetime
) -> bool:
    """Record a failed try: due again after :func:`retry_delay`, or failed after the last try. Whether it
    was the last."""
    final = email.attempts >= MAX_ATTEMPTS
    values: dict[str, object] = {"claim": None, "last_error": error[:LAST_ERROR_LENGTH]}
    if final:
        values.update(status=OutboxStatus.FAILED, failed_at=now)
    else:
        values.update(next_attempt_at=now + retry_delay(email.attempts))
    await session.execute(
        update(OutboxEmail).where(_held(claim, email.id)).values(values).execution_options(synchronize_session=False)
    )
    return final


async def prune(session: AsyncSession, now: datetime.datetime, retention: datetime.timedelta = RETENTION) -> int:
    """Delete emails sent or given up on more than ``retention`` ago; how many."""
    cutoff = now - retention
    result = await session.execute(
        delete(OutboxEmail)
        .where(
            or_(
                and_(OutboxEmail.status == OutboxStatus.SENT, OutboxEmail.sent_at < cutoff),
                and_(OutboxEmail.status == OutboxStatus.FAILED, OutboxEmail.failed_at < cutoff),
            )
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class FailedEmail:
    id: uuid.UUID
    to: str
    subject: str
    attempts: int
    failed_at: datetime.datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class OutboxSummary:
    pending: int
    sent: int
    failed: int
    oldest_pending_since: datetime.datetime | None
    pending_with_errors: int
    latest_failures: list[FailedEmail]


async def summarise(session: AsyncSession, *, failures_shown: int = 10) -> OutboxSummary:
    """What an operator watches: counts by status, how long the oldest pending email has waited, and
    the last errors of the latest failures."""
    counts = dict(
        (await session.execute(select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status))).tuples().all()
    )
    oldest, with_errors = (
        await session.execute(
            select(func.min(OutboxEmail.created_at), func.count(OutboxEmail.last_error)).where(
                OutboxEmail.status == OutboxStatus.PENDING
            )
        )
    ).one()
    failures = (
        await session.execute(
            select(
                OutboxEmail.id,
                OutboxEmail.recipient,
                OutboxEmail.subject,
                OutboxEmail.attempts,
                OutboxEmail.failed_at,
                OutboxEmail.last_error,
            )
            .where(OutboxEmail.status == OutboxStatus.FAILED)
            .order_by(OutboxEmail.failed_at.desc(), OutboxEmail.id)
            .limit(failures_shown)
        )
    ).all()
    return OutboxSummary(
        pending=counts.get(OutboxStatus.PENDING, 0),
        sent=counts.get(OutboxStatus.SENT, 0),
        failed=counts.get(OutboxStatus.FAILED, 0),
        oldest_pending_since=oldest,
        pending_with_errors=with_errors,
        latest_failures=[filled(FailedEmail, row, to=row.recipient) for row in failures],
    )


async def requeue_failed(session: AsyncSession, now: datetime.datetime) -> int:
    """Put every failed email back in the queue, due now, with its tries counted afresh; how many."""
    result = await session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.status == OutboxStatus.FAILED)
        .values(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, failed_at=None, claim=None, last_error=None
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
