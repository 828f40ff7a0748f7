"""Statistical process control for measures: NHS England's "Making Data Count" XmR charts (DESIGN §2),
following the rules of the reference implementation in R, NHSRplotthedots. Pure: no I/O.

A series is cut into segments at rebase dates (an idea's change date is one). In each segment:

- the mean is the mean of its values, or of its first N values when the baseline is fixed;
- the moving ranges are |xᵢ − xᵢ₋₁| over the same values; any at or above 3.267 × their mean is screened
  out, and the rest averaged again to give MR̄;
- the process limits are mean ± 2.66 × MR̄, the near limits mean ± ⅔ × 2.66 × MR̄;
- a segment of one point, or one whose moving ranges are all zero (every value the same), has a mean
  but no limits. Zero is judged after screening, as the reference's outputs show: fourteen 24s then a 0
  have no limits either (the one range of 24 is screened out, and nothing that varies is left), so the 0
  is common cause.

A point is a special cause when any of the four rules holds: it lies outside the process limits; it is
in a run of 7 or more on one side of the mean (a point on the mean breaks the run); it is in a run of 7
or more each strictly higher, or each strictly lower, than the one before; or it lies beyond a near limit
(within the process limits) and is one of at least 2 such points in some 3 consecutive points all on the
same side of the mean. Runs and windows never cross a rebase; without limits, rules 1 and 4 cannot hold.

A special cause is an improvement or a concern (high or low, for a neutral measure) by the way the point
leans, taken from the first rule in this order that flags it: outside the limits, its side of the mean;
a trend, the way the trend runs (a rising trend leans high even where it starts below the mean; a point
where a rising trend turns into a falling one leans the way of the trend it starts); two of three near a
limit, or a run, its side of the mean.

Assurance compares the target with the latest segment's limits; without limits it is ``inconsistent``.
There is none without a target, or for a neutral measure.

Arithmetic is exact (fractions), so a point on a limit or on the mean is judged the same whatever the
scale or offset of the data; results are handed out as floats.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from quest.metrics.vocabulary import Direction

LIMIT = Fraction(266, 100)
NEAR_LIMIT = LIMIT * 2 / 3
MOVING_RANGE_SCREEN = Fraction(3267, 1000)
RUN_LENGTH = 7
SHORT_SEGMENT = 12

Number = int | float | Decimal | Fraction


class PointType(enum.StrEnum):
    COMMON_CAUSE = "common_cause"
    SPECIAL_CAUSE_IMPROVEMENT = "special_cause_improvement"
    SPECIAL_CAUSE_CONCERN = "special_cause_concern"
    SPECIAL_CAUSE_NEUTRAL_HIGH = "special_cause_neutral_high"
    SPECIAL_CAUSE_NEUTRAL_LOW = "special_cause_neutral_low"

    @property
    def special(self) -> bool:
        return self is not PointType.COMMON_CAUSE


class Assurance(enum.StrEnum):
    CONSISTENT_PASS = "consistent_pass"
    CONSISTENT_FAIL = "consistent_fail"
    INCONSISTENT = "inconsistent"


class NoLimits(enum.StrEnum):
    """Why a segment has a mean but no process limits."""

    ONE_POINT = "one_point"  # no moving range at all
    NO_VARIATION = "no_variation"  # every moving range is zero: every value the same


class Rule(enum.IntEnum):
    """The special-cause rules, numbered as DESIGN §2 numbers them."""

    OUTSIDE_LIMITS = 1
    SHIFT = 2  # a run of 7 on one side of the mean
    TREND = 3  # 7 rising, or 7 falling
    TWO_IN_THREE = 4  # 2 of 3 beyond a near limit


@dataclass(frozen=True, slots=True)
class Limits:
    mean: Fraction
    # None when the limits cannot be computed, and then ``missing`` says why.
    moving_range: Fraction | None
    missing: NoLimits | None = None

    def process(self) -> tuple[Fraction, Fraction] | None:
        if self.moving_range is None:
            return None
        return self.mean - LIMIT * self.moving_range, self.mean + LIMIT * self.moving_range

    def near(self) -> tuple[Fraction, Fraction] | None:
        if self.moving_range is None:
            return None
        return self.mean - NEAR_LIMIT * self.moving_range, self.mean + NEAR_LIMIT * self.moving_range


@dataclass(frozen=True, slots=True)
class Point:
    date: datetime.date
    value: Fraction
    segment: int
    limits: Limits
    point_type: PointType
    rules: frozenset[Rule]

    @property
    def mean(self) -> float:
        return float(self.limits.mean)

    @property
    def lower_limit(self) -> float | None:
        found = self.limits.process()
        return None if found is None else float(found[0])

    @property
    def upper_limit(self) -> float | None:
        found = self.limits.process()
        return None if found is None else float(found[1])


@dataclass(frozen=True, slots=True)
class Segment:
    start: datetime.date
    end: datetime.date
    size: int
    limits: Limits


@dataclass(frozen=True, slots=True)
class Spc:
    points: list[Point]
    segments: list[Segment]
    # The type of the latest point: what the variation icon shows.
    variation: PointType | None
    # Against the target, with the latest segment's limits; None without a target, or for neutral measures.
    assurance: Assurance | None
    warnings: list[str]


def limits_of(values: Sequence[Fraction]) -> Limits:
    """The mean and screened mean moving range of ``values`` (at least one)."""
    mean = sum(values, Fraction(0)) / len(values)
    ranges = [abs(later - earlier) for earlier, later in pairwise(values)]
    if not ranges:
        return Limits(mean, None, NoLimits.ONE_POINT)
    average = sum(ranges, Fraction(0)) / len(ranges)
    kept = [spread for spread in ranges if spread < MOVING_RANGE_SCREEN * average]
    # Nothing left that varies once the freak ranges are screened out (every value the same, or one lone
    # jump in a flat run): there is no variation to set limits from, as in the reference's outputs.
    if not any(kept):
        return Limits(mean, None, NoLimits.NO_VARIATION)
    return Limits(mean, sum(kept, Fraction(0)) / len(kept))


def _sign(number: Fraction) -> int:
    return (number > 0) - (number < 0)


def _runs(flags: Sequence[int], length: int) -> set[int]:
    """Indexes in runs of at least ``length`` equal, non-zero flags."""
    found: set[int] = set()
    start = 0
    for index in range(1, len(flags) + 1):
        if index == len(flags) or flags[index] != flags[start]:
            if flags[start] != 0 and index - start >= length:
                found.update(range(start, index))
            start = index
    return found


def special_causes(values: Sequence[Fraction], limits: Limits) -> tuple[list[set[Rule]], list[int]]:
    """For one segment: the rules each point breaks, and which way each special cause leans (+1 high, -1
    low), from the first rule that flags it in the order outside the limits, trend, two in three, run."""
    sides = [_sign(value - limits.mean) for value in values]
    rules: list[set[Rule]] = [set() for _ in values]
    process, near = limits.process(), limits.near()
    beyond_near = [False] * len(values)
    if process is not None and near is not None:
        lower, upper = process
        near_lower, near_upper = near
        for index, value in enumerate(values):
            if value > upper or value < lower:
                rules[index].add(Rule.OUTSIDE_LIMITS)
            elif value > near_upper or value < near_lower:
                beyond_near[index] = True
    for index in _runs(sides, RUN_LENGTH):
        rules[index].add(Rule.SHIFT)
    # A trend of 7 points is 6 steps the same way; step i joins point i and point i + 1.
    steps = [_sign(later - earlier) for earlier, later in pairwise(values)]
    trending = _runs(steps, RUN_LENGTH - 1)
    trend_of = [0] * len(values)
    # A point joining two trends (a peak or a trough) leans the way of the later one, the one it starts.
    for step in sorted(trending):
        for index in (step, step + 1):
            rules[index].add(Rule.TREND)
            trend_of[index] = steps[step]
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        if abs(sum(sides[index] for index in window)) == 3 and sum(beyond_near[index] for index in window) >= 2:
            for index in window:
                if beyond_near[index]:
                    rules[index].add(Rule.TWO_IN_THREE)
    leaning = [
        trend_of[index] if Rule.TREND in broken and Rule.OUTSIDE_LIMITS not in broken else sides[index]
        for index, broken in enumerate(rules)
    ]
    return rules, leaning


def point_type(broken: Collection[Rule], leaning: int, direction: Direction) -> PointType:
    if not broken:
        return PointType.COMMON_CAUSE
    if direction is Direction.NEUTRAL:
        return PointType.SPECIAL_CAUSE_NEUTRAL_HIGH if leaning > 0 else PointType.SPECIAL_CAUSE_NEUTRAL_LOW
    better = 1 if direction is Direction.UP else -1
    return PointType.SPECIAL_CAUSE_IMPROVEMENT if leaning == better else PointType.SPECIAL_CAUSE_CONCERN


def assurance(limits: Limits, target: Fraction | None, direction: Direction) -> Assurance | None:
    """Whether the process will meet the target: reliably, never, or sometimes (also when there are no
    limits to judge by)."""
    if target is None or direction is Direction.NEUTRAL:
        return None
    process = limits.process()
    if process is None:
        return Assurance.INCONSISTENT
    lower, upper = process
    if target > upper:
        return Assurance.CONSISTENT_FAIL if direction is Direction.UP else Assurance.CONSISTENT_PASS
    if target < lower:
        return Assurance.CONSISTENT_PASS if direction is Direction.UP else Assurance.CONSISTENT_FAIL
    return Assurance.INCONSISTENT


WHY_NO_LIMITS = {
    NoLimits.ONE_POINT: "a single reading has no moving range to set them from",
    NoLimits.NO_VARIATION: "its readings are all the same, so there is no variation to set them from",
}


def exact(number: Number) -> Fraction:
    return number if isinstance(number, Fraction) else Fraction(number)


def segment_starts(dates: Sequence[datetime.date], rebase: Iterable[datetime.date]) -> list[int]:
    """Where each segment starts: 0, and the first point on or after each rebase date (ignoring rebase
    dates before the first point or after the last)."""
    starts = {0}
    for day in rebase:
        index = next((position for position, date in enumerate(dates) if date >= day), None)
        if index is not None:
            starts.add(index)
    return sorted(starts)


def analyse(
    series: Sequence[tuple[datetime.date, Number]],
    *,
    direction: Direction,
    target: Number | None = None,
    rebase: Iterable[datetime.date] = (),
    baseline: int | None = None,
) -> Spc:
    """The XmR chart of ``series`` (date order; one value a date): limits per segment, each point's type,
    the variation icon, assurance against ``target``, and warnings."""
    ordered = sorted(series, key=lambda item: item[0])
    dates = [date for date, _value in ordered]
    values = [exact(value) for _date, value in ordered]
    starts = segment_starts(dates, rebase) if ordered else []
    points: list[Point] = []
    segments: list[Segment] = []
    warnings: list[str] = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(values)
        chunk = values[start:end]
        limits = limits_of(chunk[:baseline] if baseline else chunk)
        broken, leaning = special_causes(chunk, limits)
        segments.append(Segment(dates[start], dates[end - 1], len(chunk), limits))
        if limits.missing is not None:
            why = WHY_NO_LIMITS[limits.missing]
            if baseline and baseline < len(chunk):
                why = f"they are set by its first {baseline} readings, and {why.replace('its readings', 'those')}"
            warnings.append(f"There are no limits from {dates[start]:%d %B %Y}: {why}")
        elif len(chunk) < SHORT_SEGMENT:
            warnings.append(
                f"The limits from {dates[start]:%d %B %Y} rest on {len(chunk)} "
                f"{'point' if len(chunk) == 1 else 'points'}; at least {SHORT_SEGMENT} are needed to trust them"
            )
        for offset, value in enumerate(chunk):
            points.append(
                Point(
                    date=dates[start + offset],
                    value=value,
                    segment=number,
                    limits=limits,
                    point_type=point_type(broken[offset], leaning[offset], direction),
                    rules=frozenset(broken[offset]),
                )
            )
    return Spc(
        points=points,
        segments=segments,
        variation=points[-1].point_type if points else None,
        assurance=assurance(segments[-1].limits, None if target is None else exact(target), direction)
        if segments
        else None,
        warnings=warnings,
    )
