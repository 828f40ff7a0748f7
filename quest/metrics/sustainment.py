"""Whether an improvement holds (DESIGN §2, Evidence behind a saving), as pure functions: 3, 6 and 12
months after an idea's change date, each measure it is judged by is checked again.

A check is due on the change date plus its months (the same day of the month, or the month's last day).
It judges the readings of the after-period up to that day (from the change date, and never past the next
change to the measure, whoever made it):

- ``slipping`` when the latest of them is a special cause of concern against the after-period's own
  limits (an XmR chart of those readings alone, :func:`quest.metrics.spc.analyse`: the variation icon of
  Making Data Count's summary view, as it stood on the day), or when their mean is no better than the
  before-period's (the baseline, as the impact reads it: :mod:`quest.metrics.impact`);
- the latest reading, not any: over a year of daily readings, a run of 7 on the worse side of the mean
  comes by chance in most stable processes, so "any special cause" would call nearly every daily
  measure slipping. A drift back shows as the latest points beyond a limit, or in a run or trend;
- ``sustained`` otherwise;
- ``not_yet_known`` before the day it is due, for a measure with no better way (neutral), without readings
  before the change, with fewer than :data:`MIN_READINGS_AFTER` readings after it by then, or when another
  change to the measure came before the check was due (the two cannot be told apart).

A link's state is that of its latest check that is due; an idea's, over the outcomes it is judged by,
``slipping`` if any slips, ``sustained`` if all are sustained, and ``not_yet_known`` otherwise.
"""

from __future__ import annotations

import calendar
import datetime
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quest.metrics.impact import Impact, before_and_after, improved
from quest.metrics.spc import Number, PointType, analyse, scaled
from quest.metrics.vocabulary import Direction

CHECK_MONTHS = (3, 6, 12)
MIN_READINGS_AFTER = 2


class Sustained(enum.StrEnum):
    SUSTAINED = "sustained"
    SLIPPING = "slipping"
    NOT_YET_KNOWN = "not_yet_known"

    @property
    def label(self) -> str:
        return {"sustained": "Sustained", "slipping": "Slipping", "not_yet_known": "Not yet known"}[self.value]


@dataclass(frozen=True, slots=True)
class Check:
    months: int
    due: datetime.date
    state: Sustained
    why: str

    def is_due(self, today: datetime.date) -> bool:
        return today >= self.due


def months_after(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months: the same day of the month, or the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def checks(
    series: Sequence[tuple[datetime.date, Number]],
    change_date: datetime.date,
    direction: Direction,
    today: datetime.date,
    changes: Iterable[datetime.date] = (),
) -> list[Check]:
    """The checks at 3, 6 and 12 months of the change on ``change_date`` to a measure with readings
    ``series``, as of ``today`` (``changes``: every change date of the measure, any idea's)."""
    impact = before_and_after(series, change_date, direction, changes)
    found = []
    for months in CHECK_MONTHS:
        due = months_after(change_date, months)
        found.append(Check(months, due, *_judged(impact, direction, due, today)))
    return found


def _judged(impact: Impact, direction: Direction, due: datetime.date, today: datetime.date) -> tuple[Sustained, str]:
    if today < due:
        return Sustained.NOT_YET_KNOWN, f"due on {due:%-d %B %Y}"
    if direction is Direction.NEUTRAL:
        return Sustained.NOT_YET_KNOWN, "the measure has no better way to go (neutral)"
    if impact.next_change is not None and impact.next_change <= due:
        return Sustained.NOT_YET_KNOWN, f"another change to the measure followed on {impact.next_change:%-d %B %Y}"
    if impact.mean_before is None:
        return Sustained.NOT_YET_KNOWN, "the measure has no readings before the change"
    after = [(day, value) for day, value in impact.series if impact.change_date <= day < due]
    if len(after) < MIN_READINGS_AFTER:
        return Sustained.NOT_YET_KNOWN, f"{len(after)} {'reading' if len(after) == 1 else 'readings'} since the change"
    chart = analyse(after, direction=direction)
    if chart.variation is PointType.SPECIAL_CAUSE_CONCERN:
        latest = chart.points[-1].date
        return Sustained.SLIPPING, f"the latest reading by then ({latest:%-d %B %Y}) is a special cause of concern"
    mean_after = scaled(value for _day, value in after).mean()
    if not improved(mean_after - impact.mean_before, direction):
        return (
            Sustained.SLIPPING,
            f"the mean since the change ({float(mean_after):,.4g}) is no better than before "
            f"({float(impact.mean_before):,.4g})",
        )
    return Sustained.SUSTAINED, f"{len(after)} readings since the change, no special cause of concern"


def state_of(found: Sequence[Check], today: datetime.date) -> Sustained:
    """A link's state: that of its latest check that is due (not yet known before the first is due)."""
    due = [check for check in found if check.is_due(today)]
    return due[-1].state if due else Sustained.NOT_YET_KNOWN


def idea_state(states: Iterable[Sustained]) -> Sustained:
    """An idea's state over its outcomes' states: slipping if any slips, sustained if all are."""
    every = list(states)
    if Sustained.SLIPPING in every:
        return Sustained.SLIPPING
    if every and all(state is Sustained.SUSTAINED for state in every):
        return Sustained.SUSTAINED
    return Sustained.NOT_YET_KNOWN
