"""Statistical process control for measures: NHS England's "Making Data Count" XmR charts (DESIGN §2),
following the rules of the reference implementation in R, NHSRplotthedots. Pure: no I/O.

A series is cut into segments at rebase dates (an idea's change date is one). In each segment:

- the mean is the mean of its values, or of its first N values when the baseline is fixed;
- the moving ranges are |xᵢ − xᵢ₋₁| over the same values; any at or above 3.267 × their mean is screened
  out, and the rest averaged again to give MR̄;
- the process limits are mean ± 2.66 × MR̄, the near limits mean ± ⅔ × 2.66 × MR̄.

A point is a special cause when any of the four rules holds: it lies outside the process limits; it is
in a run of 7 or more on one side of the mean (a point on the mean breaks the run); it is in a run of 7
or more each strictly higher, or each strictly lower, than the one before; or it lies beyond a near limit
(within the process limits) and is one of at least 2 such points in some 3 consecutive points all on the
same side of the mean. Runs and windows never cross a rebase.

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


class Rule(enum.IntEnum):
    """The special-cause rules, numbered as DESIGN §2 numbers them."""

    OUTSIDE_LIMITS = 1
    SHIFT = 2  # a run of 7 on one side of the mean
    TREND = 3  # 7 rising, or 7 falling
    TWO_IN_THREE = 4  # 2 of 3 beyond a near limit


@dataclass(frozen=True, slots=True)
class Limits:
    mean: Fraction
    # None when the segment has a single point: there is no moving range to set limits from.
    moving_range: Fraction | None

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
        return Limits(mean, None)
    average = sum(ranges, Fraction(0)) / len(ranges)
    kept = [spread for spread in ranges if spread < MOVING_RANGE_SCREEN * average]
    # Every range screened out happens only when all are zero: the process has not varied at all.
    return Limits(mean, sum(kept, Fraction(0)) / len(kept) if kept else Fraction(0))


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
    """For one segment: the rules each point breaks, and which way each point leans (its side of the mean,
    or on the mean, the way the trend it is part of runs)."""
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
    trend_of = [0] * len(values)
    for step in _runs(steps, RUN_LENGTH - 1):
        for index in (step, step + 1):
            rules[index].add(Rule.TREND)
            trend_of[index] = steps[step]
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        if abs(sum(sides[index] for index in window)) == 3 and sum(beyond_near[index] for index in window) >= 2:
            for index in window:
                if beyond_near[index]:
                    rules[index].add(Rule.TWO_IN_THREE)
    leaning = [side or trend for side, trend in zip(sides, trend_of, strict=True)]
    return rules, leaning


def point_type(broken: Collection[Rule], leaning: int, direction: Direction) -> PointType:
    if not broken:
        return PointType.COMMON_CAUSE
    if direction is Direction.NEUTRAL:
        return PointType.SPECIAL_CAUSE_NEUTRAL_HIGH if leaning > 0 else PointType.SPECIAL_CAUSE_NEUTRAL_LOW
    better = 1 if direction is Direction.UP else -1
    return PointType.SPECIAL_CAUSE_IMPROVEMENT if leaning == better else PointType.SPECIAL_CAUSE_CONCERN


def assurance(limits: Limits, target: Fraction | None, direction: Direction) -> Assurance | None:
    """Whether the process will meet the target: reliably, never, or sometimes."""
    process = limits.process()
    if target is None or direction is Direction.NEUTRAL or process is None:
        return None
    lower, upper = process
    if target > upper:
        return Assurance.CONSISTENT_FAIL if direction is Direction.UP else Assurance.CONSISTENT_PASS
    if target < lower:
        return Assurance.CONSISTENT_PASS if direction is Direction.UP else Assurance.CONSISTENT_FAIL
    return Assurance.INCONSISTENT


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
        if len(chunk) < SHORT_SEGMENT:
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
