"""Ideas, their waste types, timeline, supporters and followers, and the per-force reference counter.

Full-text search lives outside the models, because each engine does it its own way: an FTS5 table kept
by triggers on SQLite, a stored generated ``tsvector`` column with a GIN index on PostgreSQL (see the
migrations that made them and :mod:`quest.ideas.search`).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from advanced_alchemy.base import DefaultBase, UUIDv7AuditBase, UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quest.audit.recorder import Audited
from quest.columns import JSONDocument, enum_column
from quest.ideas.status import IdeaStatus
from quest.waste.types import WasteType

TITLE_LENGTH = 120
TEXT_LENGTH = 4000
PUBLIC_SUMMARY_LENGTH = 1000
PROCESS_LENGTH = 80


class ForceCounter(DefaultBase):
    """Next numbers for readable references, per force: LAN-000123."""

    __tablename__ = "force_counters"

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Idea(UUIDv7AuditBase, Audited):
    __tablename__ = "ideas"

    reference: Mapped[str] = mapped_column(String(16), unique=True)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="RESTRICT"))
    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="RESTRICT"))
    submitter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    problem: Mapped[str] = mapped_column(Text)
    proposal: Mapped[str] = mapped_column(Text)
    expected_benefit: Mapped[str] = mapped_column(Text, default="")
    process: Mapped[str] = mapped_column(String(PROCESS_LENGTH), default="")
    status: Mapped[IdeaStatus] = mapped_column(enum_column(IdeaStatus, "idea_status"), default=IdeaStatus.SUBMITTED)
    status_changed_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    supporter_count: Mapped[int] = mapped_column(Integer, default=0)
    # When it first left "submitted", and when it was decided (approved, declined or duplicate): the SLA.
    first_response_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    decided_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    implemented_on: Mapped[datetime.date | None] = mapped_column(Date)
    learned: Mapped[str] = mapped_column(Text, default="", server_default="")
    # What the division's manager wrote about the implemented idea for the force's public results page:
    # the one text of an idea, besides its title, that page shows, and only when it is not empty.
    public_summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    duplicate_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ideas.id", ondelete="RESTRICT"))
    adopted_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ideas.id", ondelete="RESTRICT"), index=True)
    # Raised by every change, so that two people acting on the same idea at once cannot both win: the ORM
    # updates the row only WHERE its version is still the one read (see quest.concurrency).
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    # The idea list at each reach (a division, a force, everywhere), with and without a status, newest or
    # oldest first: each walks one of these in the list's own order and stops at a page, never sorting
    # every idea in reach (quest.ideas.services.list_ideas). The id settles ideas raised at one instant.
    __table_args__ = (
        Index("ix_ideas_division_id_status_created_at", "division_id", "status", "created_at"),
        Index("ix_ideas_division_id_created_at_id", "division_id", "created_at", "id"),
        Index("ix_ideas_force_id_status_created_at_id", "force_id", "status", "created_at", "id"),
        Index("ix_ideas_force_id_created_at_id", "force_id", "created_at", "id"),
        Index("ix_ideas_status_created_at_id", "status", "created_at", "id"),
        Index("ix_ideas_created_at_id", "created_at", "id"),
        Index("ix_ideas_submitter_id_created_at", "submitter_id", "created_at"),
        Index("ix_ideas_status_changed_at", "status", "status_changed_at"),
        # The practice library: implemented ideas, the latest implemented first.
        Index("ix_ideas_status_implemented_on_id", "status", "implemented_on", "id"),
        CheckConstraint("supporter_count >= 0", name="supporter_count_not_negative"),
    )

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return self.force_id


class IdeaWasteType(DefaultBase):
    __tablename__ = "idea_waste_types"

    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    waste_type: Mapped[WasteType] = mapped_column(enum_column(WasteType, "waste_type"), primary_key=True)

    __table_args__ = (Index("ix_idea_waste_types_waste_type_idea_id", "waste_type", "idea_id"),)


class IdeaEvent(UUIDv7Base):
    """One entry of an idea's timeline: submitted, edited, a comment, a move and its reason, and so on.

    The timeline is what makes sure no idea vanishes silently: the submitter sees every entry."""

    __tablename__ = "idea_events"

    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    # A comment, or the reason given for a move.
    body: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)

    __table_args__ = (Index("ix_idea_events_idea_id_occurred_at", "idea_id", "occurred_at"),)


class IdeaSupport(DefaultBase):
    """A colleague backing an idea: once each."""

    __tablename__ = "idea_supports"

    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))


class IdeaFollower(DefaultBase):
    __tablename__ = "idea_followers"

    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))

    __table_args__ = (Index("ix_idea_followers_user_id", "user_id"),)
