"""Before and after (DESIGN §2): what a change did to a measure. Pure: no I/O.

A measure's chart is cut into segments at every change date of every idea judged by it, and the impact
of one change is read from those same segments: the before-period is the segment that ends at the change
date (from the previous change, or the first reading), the after-period the segment that starts at it
(up to the next change, or the latest reading). So a later idea never takes credit for an earlier idea's
improvement, nor an earlier idea for a later one's. The after-period is a special cause when, judged
against the before-period's limits (the baseline fixed at the before-period), any of its points breaks a
rule. It has worsened when its latest reading is a special cause of concern against those limits (what a
balancing measure must not show: DESIGN §2, Evidence behind a saving): Making Data Count's variation icon
for the measure since the change. The latest, not any: over a year of daily readings, a run of 7 on the
worse side of the mean comes by chance in nearly every stable process, so "any" would flag every claim
resting beside one. A lasting worsening shows at the latest reading (beyond a limit, or in a run or trend);
one that passed does not.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Literal

from quest.metrics.spc import Limits, Number, Point, PointType, Spc, analyse, judged, limits_of, scaled
from quest.metrics.vocabulary import Direction


@dataclass(frozen=True)
class Impact:
    change_date: datetime.date
    points_before: int
    points_after: int
    mean_before: Fraction | None
    mean_after: Fraction | None
    # Whether the after-period breaks the before-period's limits, and which way (its latest special cause).
    special_cause: PointType | None
    # Whether the after-period's latest reading is a special cause of concern against the before-period's
    # limits (see the module's docstring); None when it cannot be judged: no readings before or after, or a
    # neutral measure.
    worsened: bool | None = None
    # Where the before-period starts (the previous change, or None: the first reading) and where the
    # after-period stops (the next change, or None: the latest reading).
    previous_change: datetime.date | None = None
    next_change: datetime.date | None = None
    # What the chart is drawn from: the measure's readings in date order, its direction and every change
    # date (this one and any other idea's).
    series: Sequence[tuple[datetime.date, Number]] = field(default=(), repr=False, compare=False)
    direction: Direction = Direction.NEUTRAL
    changes: tuple[datetime.date, ...] = ()

    @cached_property
    def chart(self) -> Spc:
        """The chart, segmented as the measure's own chart is: at every change date. Worked out when asked
        for (the idea's page draws it; the API does not)."""
        return analyse(self.series, direction=self.direction, rebase=self.changes)

    @property
    def change(self) -> Fraction | None:
        if self.mean_before is None or self.mean_after is None:
            return None
        return self.mean_after - self.mean_before

    @property
    def change_pct(self) -> Fraction | None:
        change = self.change
        if change is None or not self.mean_before:
            return None
        return change / abs(self.mean_before) * 100

    def before_period(self) -> list[tuple[datetime.date, Number]]:
        """The readings of the before-period: the baseline a claim resting on this change is judged by."""
        return [
            item
            for item in self.series
            if _period(item[0], self.change_date, self.previous_change, self.next_change) == "before"
        ]

    @cached_property
    def baseline(self) -> Limits | None:
        """The before-period's mean and limits (None without readings before the change)."""
        before = [value for _day, value in self.before_period()]
        return limits_of(before) if before else None

    @property
    def improvement(self) -> bool:
        """Whether the after-period is a special cause of improvement against the baseline."""
        return self.special_cause is PointType.SPECIAL_CAUSE_IMPROVEMENT

    def back_filled(self, entered_on: Mapping[datetime.date, datetime.date]) -> int:
        """How many of the baseline's readings were entered on a later day than the change date (each
        reading's date, to the day it was entered): written once the result could be known."""
        return sum(1 for day, _value in self.before_period() if entered_on.get(day, day) > self.change_date)

    def readings_around(self, count: int = 12) -> tuple[list[Point], list[Point]]:
        """The chart's last ``count`` readings of the before-period and first ``count`` of the
        after-period: the figures beside the chart on the idea's page, where the measure's own page may
        be out of reach (the practice library). Twelve: the baseline DESIGN §2 asks for."""
        periods = [
            _period(point.date, self.change_date, self.previous_change, self.next_change) for point in self.chart.points
        ]
        before = [point for point, period in zip(self.chart.points, periods, strict=True) if period == "before"]
        after = [point for point, period in zip(self.chart.points, periods, strict=True) if period == "after"]
        return before[-count:] if count else [], after[:count]


def _period(
    day: datetime.date,
    change_date: datetime.date,
    previous_change: datetime.date | None,
    next_change: datetime.date | None,
) -> Literal["before", "after"] | None:
    """Whether a reading is in the change's before-period (since the previous change), its after-period
    (until the next change), or neither."""
    if day < change_date:
        return "before" if previous_change is None or day >= previous_change else None
    return "after" if next_change is None or day < next_change else None


def improved(change: Fraction | None, direction: Direction) -> bool | None:
    """Whether a change is for the better: None when there is none, or the measure is neutral."""
    if change is None or change == 0 or direction is Direction.NEUTRAL:
        return None
    return (change > 0) == (direction is Direction.UP)


def wording(impact: Impact, direction: Direction) -> str:
    """ "rose by 12% (an improvement)", "fell by 91% (an improvement)", "did not change"."""
    change, pct = impact.change, impact.change_pct
    if change is None:
        return "cannot be judged yet: it needs readings before and after the change"
    if change == 0:
        return "did not change"
    verb = "rose" if change > 0 else "fell"
    amount = f"by {abs(float(pct)):.0f}%" if pct is not None else f"by {abs(float(change)):,.4g}"
    verdict = improved(change, direction)
    judged = "" if verdict is None else (" (an improvement)" if verdict else " (a deterioration)")
    return f"{verb} {amount}{judged}"


def before_and_after(
    series: Sequence[tuple[datetime.date, Number]],
    change_date: datetime.date,
    direction: Direction,
    changes: Iterable[datetime.date] = (),
) -> Impact:
    """The impact of the change on ``change_date``, where ``changes`` are every change date of the
    measure (this one and any other idea's)."""
    ordered = sorted(series, key=lambda item: item[0])
    others = set(changes) - {change_date}
    previous_change = max((day for day in others if day < change_date), default=None)
    next_change = min((day for day in others if day > change_date), default=None)
    periods = [_period(day, change_date, previous_change, next_change) for day, _value in ordered]
    before_period = [item for item, period in zip(ordered, periods, strict=True) if period == "before"]
    after_period = [item for item, period in zip(ordered, periods, strict=True) if period == "after"]
    before = scaled(value for _day, value in before_period)
    after = scaled(value for _day, value in after_period)
    points_before, points_after = len(before.numerators), len(after.numerators)
    special = worsened = None
    if before_period and after_period:
        # One segment of both periods, with the limits fixed at the before-period's.
        both = scaled(value for _day, value in before_period + after_period)
        causes = judged(both, limits_of(both[:points_before]), direction)
        after_causes = [cause for index, (cause, _rules) in sorted(causes.items()) if index >= points_before]
        if after_causes:
            # The latest special cause says which way the after-period has moved.
            special = after_causes[-1]
        if direction is not Direction.NEUTRAL:
            latest, _rules = causes.get(len(both.numerators) - 1, (PointType.COMMON_CAUSE, frozenset()))
            worsened = latest is PointType.SPECIAL_CAUSE_CONCERN
    return Impact(
        change_date=change_date,
        points_before=points_before,
        points_after=points_after,
        mean_before=before.mean() if before_period else None,
        mean_after=after.mean() if after_period else None,
        special_cause=special,
        worsened=worsened,
        previous_change=previous_change,
        next_change=next_change,
        series=ordered,
        direction=direction,
        changes=tuple(sorted(others | {change_date})),
    )
