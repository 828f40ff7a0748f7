"""The national comparison's figures, kept a while by each process (quest.dashboards.forces_figures): kept
for the seconds set and no longer, never kept when set to 0, one year and day apart from another, and
worked out once when many requests ask at the same moment."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import pytest

from quest.dashboards import forces_figures
from quest.dashboards.forces_figures import ForcesFigures

NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


class Ticking:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def worked_out(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, datetime.date]]:
    """Each time the figures are worked out: for which year and day (the database is not needed)."""
    calls: list[tuple[int, datetime.date]] = []

    async def unit_figures(session: Any, level: Any, year: int, today: datetime.date) -> list[Any]:
        calls.append((year, today))
        await asyncio.sleep(0.01)  # long enough for the others to arrive while it works
        return [f"figures {len(calls)}"]

    monkeypatch.setattr(forces_figures, "unit_figures", unit_figures)
    return calls


def test_figures_are_kept_for_the_seconds_set_and_then_worked_out_again(worked_out: list[Any]) -> None:
    clock = Ticking()
    kept = ForcesFigures(60, monotonic=clock)

    async def go() -> None:
        first = await kept.of_year(None, 2026, TODAY, NOW)  # type: ignore[arg-type]
        clock.seconds += 59
        again = await kept.of_year(None, 2026, TODAY, NOW + datetime.timedelta(seconds=59))  # type: ignore[arg-type]
        assert again is first
        assert again.at == NOW
        clock.seconds += 1
        later = await kept.of_year(None, 2026, TODAY, NOW + datetime.timedelta(seconds=60))  # type: ignore[arg-type]
        assert later.units == ("figures 2",)
        assert later.at == NOW + datetime.timedelta(seconds=60)

    asyncio.run(go())
    assert worked_out == [(2026, TODAY), (2026, TODAY)]


def test_each_year_and_reading_day_is_kept_apart(worked_out: list[Any]) -> None:
    kept = ForcesFigures(60, monotonic=Ticking())

    async def go() -> None:
        await kept.of_year(None, 2026, TODAY, NOW)  # type: ignore[arg-type]
        await kept.of_year(None, 2025, TODAY, NOW)  # type: ignore[arg-type]
        await kept.of_year(None, 2026, TODAY + datetime.timedelta(days=1), NOW)  # type: ignore[arg-type]
        # A past year is read as of its last day, whatever today is: the same figures.
        await kept.of_year(None, 2025, TODAY + datetime.timedelta(days=1), NOW)  # type: ignore[arg-type]

    asyncio.run(go())
    assert worked_out == [(2026, TODAY), (2025, TODAY), (2026, TODAY + datetime.timedelta(days=1))]


def test_nothing_is_kept_when_set_to_zero(worked_out: list[Any]) -> None:
    kept = ForcesFigures(0, monotonic=Ticking())

    async def go() -> None:
        for _ in range(3):
            await kept.of_year(None, 2026, TODAY, NOW)  # type: ignore[arg-type]

    asyncio.run(go())
    assert len(worked_out) == 3


def test_many_requests_at_once_work_the_figures_out_once(worked_out: list[Any]) -> None:
    kept = ForcesFigures(60, monotonic=Ticking())

    async def go() -> set[Any]:
        found = await asyncio.gather(*(kept.of_year(None, 2026, TODAY, NOW) for _ in range(32)))  # type: ignore[arg-type]
        return {figures.units for figures in found}

    assert asyncio.run(go()) == {("figures 1",)}
    assert len(worked_out) == 1
