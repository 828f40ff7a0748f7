"""Every force's figures for a financial year, kept for a short while by each server process.

The national comparison adds up every force's rollups: at national scale about 50 ms of SQL and as much
again turning the sums into figures, for every look at ``/national``, at each measure, per officer or per
resident, with each force chosen. National headquarters look at the same figures over and over, and a
national comparison of a financial year that is a minute behind the records is still the same comparison.
So each process keeps the figures it worked out for a year and reading day for
``QUEST_NATIONAL_FIGURES_SECONDS`` (60 by default; 0 keeps nothing), and the page and the API say when
they were worked out. They are derived, never the record: another process works out its own, and a
restart loses nothing. A force's own pages (its divisions compared, a division's dashboard) are always
worked out afresh.

When several requests find the figures out of date at once, one works them out and the others wait for it,
rather than every one of them adding up the country again.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from quest.dashboards.comparison import Level, as_of, unit_figures
from quest.dashboards.measures import UnitFigures


@dataclass(frozen=True, slots=True)
class WorkedOut:
    """Every force's figures, and when they were worked out."""

    units: tuple[UnitFigures, ...]
    at: datetime.datetime


@dataclass(frozen=True, slots=True)
class _Kept:
    figures: WorkedOut
    until: float  # on the monotonic clock


class ForcesFigures:
    """The forces' figures of a year as of a day, worked out at most once every ``seconds`` in this
    process."""

    def __init__(self, seconds: int, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._monotonic = monotonic
        self._kept: dict[tuple[int, datetime.date], _Kept] = {}
        self._working: dict[tuple[int, datetime.date], asyncio.Lock] = {}

    async def of_year(
        self, session: AsyncSession, year: int, today: datetime.date, now: datetime.datetime
    ) -> WorkedOut:
        """Every force's figures for financial year ``year``, read as of ``today``: those kept, if they
        are recent enough, or worked out now."""
        if self.seconds <= 0:
            return WorkedOut(tuple(await unit_figures(session, Level.FORCE, year, today)), now)
        key = (year, as_of(year, today))
        kept = self._fresh(key)
        if kept is not None:
            return kept
        working = self._working.setdefault(key, asyncio.Lock())
        async with working:
            kept = self._fresh(key)  # worked out by the request this one waited for
            if kept is not None:
                return kept
            figures = WorkedOut(tuple(await unit_figures(session, Level.FORCE, year, today)), now)
            self._forget_stale()
            self._kept[key] = _Kept(figures, self._monotonic() + self.seconds)
            return figures

    def _fresh(self, key: tuple[int, datetime.date]) -> WorkedOut | None:
        kept = self._kept.get(key)
        return kept.figures if kept is not None and kept.until > self._monotonic() else None

    def _forget_stale(self) -> None:
        now = self._monotonic()
        for key in [key for key, kept in self._kept.items() if kept.until <= now]:
            del self._kept[key]
            self._working.pop(key, None)
