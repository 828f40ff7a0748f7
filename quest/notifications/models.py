"""A notification (one event of one idea, for one person, read or not yet), and the email outbox: each
notification email waiting to go out, sent, or given up on."""

from __future__ import annotations

import datetime
import enum
import uuid

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quest.columns import enum_column


class Notification(UUIDv7Base):
    __tablename__ = "notifications"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea_events.id", ondelete="CASCADE"))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    read_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    __table_args__ = (Index("ix_notifications_user_id_read_at_created_at", "user_id", "read_at", "created_at"),)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next try, or being sent now (claimed until next_attempt_at)
    SENT = "sent"  # the mail server accepted it
    FAILED = "failed"  # given up after the last try; `quest outbox retry` puts it back


class OutboxEmail(UUIDv7Base):
    """One email to send, written in the same transaction as the change it reports.

    ``next_attempt_at`` is when a sender may next pick it up: a sender that claims it moves that time on
    by a lease, so a sender that dies mid-send leaves it to be picked up again once the lease runs out.
    ``claim`` names the claim that took it last, so each sender records only the outcome of its own sends.
    """

    __tablename__ = "email_outbox"

    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status", length=16), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    claim: Mapped[uuid.UUID | None] = mapped_column()
    sent_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    failed_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))

    # The sender's question ("which pending ones are due?") and the counts by status.
    __table_args__ = (Index("ix_email_outbox_status_next_attempt_at", "status", "next_attempt_at"),)
