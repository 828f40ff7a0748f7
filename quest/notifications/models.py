"""A notification: one event of one idea, for one person, read or not yet."""

from __future__ import annotations

import datetime
import uuid

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column


class Notification(UUIDv7Base):
    __tablename__ = "notifications"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("idea_events.id", ondelete="CASCADE"))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    read_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    __table_args__ = (Index("ix_notifications_user_id_read_at_created_at", "user_id", "read_at", "created_at"),)
