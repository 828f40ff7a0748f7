"""What time it is. Code that enforces time limits (session timeouts, sign-in throttling) asks a
:class:`Clock` rather than the system, so tests can move time on instead of sleeping."""

from __future__ import annotations

import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

# Times are stored in UTC and shown in UK time.
LONDON = ZoneInfo("Europe/London")
# The earliest date QUEST accepts for anything that happened (a reading, waste seen, a saving's start):
# older dates are typing mistakes.
EARLIEST_DATE = datetime.date(2000, 1, 1)


class Clock(Protocol):
    def now(self) -> datetime.datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.UTC)


class FrozenClock:
    """A clock that only moves when told to (for tests and simulations)."""

    def __init__(self, start: datetime.datetime | None = None) -> None:
        self._now = start or datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)

    def now(self) -> datetime.datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += datetime.timedelta(**delta)
