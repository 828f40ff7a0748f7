"""Before and after (DESIGN §2): what a change did to a measure. Pure: no I/O.

The before-period is every reading before the change date; the after-period the change date on. The
after-period is a special cause when, judged against the before-period's limits (the baseline fixed at
the before-period, no rebase), any of its points breaks a rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from quest.metrics.spc import Number, PointType, Spc, analyse, exact
from quest.metrics.vocabulary import Direction


@dataclass(frozen=True, slots=True)
class Impact:
    change_date: datetime.date
    points_before: int
    points_after: int
    mean_before: Fraction | None
    mean_after: Fraction | None
    # Whether the after-period breaks the before-period's limits, and which way.
    special_cause: PointType | None
    # The rebased chart: limits before the change, and from it.
    chart: Spc

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
    series: Sequence[tuple[datetime.date, Number]], change_date: datetime.date, direction: Direction
) -> Impact:
    ordered = sorted(series, key=lambda item: item[0])
    before = [exact(value) for day, value in ordered if day < change_date]
    after = [exact(value) for day, value in ordered if day >= change_date]
    special = None
    if before and after:
        judged = analyse(ordered, direction=direction, baseline=len(before)).points[len(before) :]
        causes = [point.point_type for point in judged if point.point_type.special]
        if causes:
            # The latest special cause says which way the after-period has moved.
            special = causes[-1]
    return Impact(
        change_date=change_date,
        points_before=len(before),
        points_after=len(after),
        mean_before=sum(before, Fraction(0)) / len(before) if before else None,
        mean_after=sum(after, Fraction(0)) / len(after) if after else None,
        special_cause=special,
        chart=analyse(ordered, direction=direction, rebase=[change_date]),
    )
