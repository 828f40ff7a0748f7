"""The rollup tables: each row the running total of one group of records, kept by
:mod:`quest.rollups.changes` and recomputed from the records by :mod:`quest.rollups.rebuild`.

Minutes a week are held in ten-thousandths of a minute, a whole number: a waste's minutes and
occurrences each have two decimal places, so their product is exact, and SQLite, which keeps decimals as
floating point, adds whole numbers exactly too.
"""

from __future__ import annotations

import datetime
import enum
import uuid

from advanced_alchemy.base import DefaultBase
from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from quest.columns import enum_column
from quest.ideas.status import IdeaStatus
from quest.waste.types import WasteType

# Minutes a week are held in these parts of a minute (see the module's docstring).
MINUTE_PARTS = 10_000
# As long as a waste observation's process.
PROCESS_LENGTH = 80


class WasteByProcess(DefaultBase):
    """A division's waste of one kind in one process (its case folded, as the waste page groups it): how
    many observations, and the minutes a week they lose between them."""

    __tablename__ = "waste_by_process"

    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    waste_type: Mapped[WasteType] = mapped_column(enum_column(WasteType, "waste_type"), primary_key=True)
    # lower(process), by the database's own lower(), as the raw query grouped.
    process_key: Mapped[str] = mapped_column(String(PROCESS_LENGTH), primary_key=True)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    # The process as shown: the least of the spellings folded into the key, as min() gives.
    process: Mapped[str] = mapped_column(String(PROCESS_LENGTH))
    observations: Mapped[int] = mapped_column(Integer)
    minutes_a_week: Mapped[int] = mapped_column(BigInteger)  # in MINUTE_PARTS of a minute

    __table_args__ = (Index("ix_waste_by_process_force_id", "force_id"),)


class WasteByMonth(DefaultBase):
    """A division's waste of one kind observed in one month (its first day): how many observations, and
    the minutes a week they lose between them. For the dashboards' waste over a financial year."""

    __tablename__ = "waste_by_month"

    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    waste_type: Mapped[WasteType] = mapped_column(enum_column(WasteType, "waste_type"), primary_key=True)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    observations: Mapped[int] = mapped_column(Integer)
    minutes_a_week: Mapped[int] = mapped_column(BigInteger)  # in MINUTE_PARTS of a minute

    # A force's (or every force's) months read from the index alone.
    __table_args__ = (Index("ix_waste_by_month_force_id_month", "force_id", "month", "minutes_a_week"),)


class IdeasByStatus(DefaultBase):
    """How many of a division's ideas are in each status."""

    __tablename__ = "ideas_by_status"

    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[IdeaStatus] = mapped_column(enum_column(IdeaStatus, "idea_status"), primary_key=True)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    ideas: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_ideas_by_status_force_id", "force_id"),)


class IdeasRaisedByMonth(DefaultBase):
    """How many ideas a division raised in one month (its first day, by the London date the idea was
    raised): for the dashboards' ideas per head over a financial year, and how long a force has used
    QUEST."""

    __tablename__ = "ideas_raised_by_month"

    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    ideas: Mapped[int] = mapped_column(Integer)

    # A force's (or every force's) months read from the index alone.
    __table_args__ = (Index("ix_ideas_raised_by_month_force_id_month", "force_id", "month", "ideas"),)


class ResponseKind(enum.StrEnum):
    """What an idea waited for (DESIGN §2, the response SLA)."""

    FIRST_RESPONSE = "first_response"
    DECISION = "decision"


class ResponseDays(DefaultBase):
    """How many of a division's ideas got a first response (or a decision) after so many whole days, in
    each financial year (by the London date of the response): the distribution the dashboards' medians
    are read from, for every division or force at once."""

    __tablename__ = "response_days"

    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[ResponseKind] = mapped_column(enum_column(ResponseKind, "response_kind"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    ideas: Mapped[int] = mapped_column(Integer)

    # A year's distributions by force read from the index alone.
    __table_args__ = (Index("ix_response_days_year_kind_force_id", "year", "kind", "force_id", "days", "ideas"),)


class DecisionsByYear(DefaultBase):
    """How many of the ideas a division decided in each financial year (by the London date of the
    decision, as :class:`ResponseDays` has it) are in each status now: the dashboards' implementation rate
    of a year, for every division or force at once. An idea's decision is never undone, so its count only
    moves between the decided statuses of its year."""

    __tablename__ = "decisions_by_year"

    division_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[IdeaStatus] = mapped_column(enum_column(IdeaStatus, "idea_status"), primary_key=True)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    ideas: Mapped[int] = mapped_column(Integer)

    # A year's counts by force read from the index alone.
    __table_args__ = (Index("ix_decisions_by_year_year_force_id", "year", "force_id", "status", "ideas"),)


# Readings' values (four places) are held in these parts, whole numbers, so their sums are exact.
VALUE_PARTS = 10_000


class ReadingsByWeek(DefaultBase):
    """A measure's readings in one week (its Monday): how many, and their values added up (in
    :data:`VALUE_PARTS`), for the dashboards' backlog means over 13 weeks, for every measure at once."""

    __tablename__ = "readings_by_week"

    metric_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("metrics.id", ondelete="CASCADE"), primary_key=True)
    week: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id", ondelete="CASCADE"))
    readings: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(BigInteger)  # in VALUE_PARTS

    # Every measure's weeks of a window read from the index alone (PostgreSQL; SQLite reads each
    # measure's by the primary key).
    __table_args__ = (Index("ix_readings_by_week_week", "week", "metric_id", "readings", "total"),)


class ReadingsVersion(DefaultBase):
    """A measure's readings as they stand, named: a new random version each time any of them is written,
    in the writing transaction (:func:`quest.rollups.changes.readings_written`), and for every measure when
    the rollups are rebuilt. What is worked out from a measure's readings (its series and SPC) can be kept
    under its version, and is current exactly while the version is (:mod:`quest.metrics.kept`). A measure
    without a row has no version yet: nothing worked out from it is kept."""

    __tablename__ = "readings_versions"

    metric_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("metrics.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[uuid.UUID]
