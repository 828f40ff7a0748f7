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

Arithmetic is exact, so a point on a limit or on the mean is judged the same whatever the scale or
offset of the data. It is done in integers: a series' values over one common denominator (:func:`scaled`;
readings have at most 4 decimal places, so it is at most 10,000), each comparison with the mean or a limit
cross-multiplied, which gives the same answers as fractions at a fraction of the cost (a measure's five
years of daily readings are judged on every view of its page). The mean and the limits are handed out as
fractions, and as floats for charts and the API.
"""

from __future__ import annotations

import bisect
import datetime
import enum
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from operator import itemgetter

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

    @property
    def reason(self) -> str:
        """Why, in words, for a page or a spreadsheet."""
        return {
            NoLimits.ONE_POINT: "One reading: no moving range to set limits from",
            NoLimits.NO_VARIATION: "Every reading the same: no variation to set limits from",
        }[self]


class Rule(enum.IntEnum):
    """The special-cause rules, numbered as DESIGN §2 numbers them."""

    OUTSIDE_LIMITS = 1
    SHIFT = 2  # a run of 7 on one side of the mean
    TREND = 3  # 7 rising, or 7 falling
    TWO_IN_THREE = 4  # 2 of 3 beyond a near limit


NO_RULES: frozenset[Rule] = frozenset()


@dataclass(frozen=True, slots=True)
class Scaled:
    """Numbers exactly, as integers over one common denominator: compared and summed far faster than
    fractions, with the same answers."""

    numerators: Sequence[int]
    denominator: int

    def __getitem__(self, part: slice) -> Scaled:
        return Scaled(self.numerators[part], self.denominator)

    def mean(self) -> Fraction:
        return Fraction(sum(self.numerators), len(self.numerators) * self.denominator)


def scaled(numbers: Iterable[Number]) -> Scaled:
    """``numbers`` over their least common denominator (1 for whole numbers, at most 10,000 for readings)."""
    ratios = [number.as_integer_ratio() for number in numbers]
    denominator = math.lcm(*{below for _above, below in ratios})
    if denominator == 1:
        return Scaled([above for above, _below in ratios], 1)
    return Scaled([above * (denominator // below) for above, below in ratios], denominator)


@dataclass(frozen=True, slots=True)
class Limits:
    mean: Fraction
    # None when the limits cannot be computed, and then ``missing`` says why.
    moving_range: Fraction | None
    missing: NoLimits | None = None
    # Worked out once, as every point of the segment shows them.
    _process: tuple[Fraction, Fraction] | None = field(init=False, repr=False, compare=False)
    _near: tuple[Fraction, Fraction] | None = field(init=False, repr=False, compare=False)
    _floats: tuple[float, float | None, float | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        process = near = None
        lower = upper = None
        if self.moving_range is not None:
            process = self.mean - LIMIT * self.moving_range, self.mean + LIMIT * self.moving_range
            near = self.mean - NEAR_LIMIT * self.moving_range, self.mean + NEAR_LIMIT * self.moving_range
            lower, upper = float(process[0]), float(process[1])
        object.__setattr__(self, "_process", process)
        object.__setattr__(self, "_near", near)
        object.__setattr__(self, "_floats", (float(self.mean), lower, upper))

    def process(self) -> tuple[Fraction, Fraction] | None:
        return self._process

    def near(self) -> tuple[Fraction, Fraction] | None:
        return self._near


# Not frozen: a frozen dataclass sets each field through object.__setattr__, three times the cost, and a
# chart of five years' daily readings makes 1,827 points on every view.
@dataclass(slots=True)
class Point:
    date: datetime.date
    # The value exactly: ``numerator`` over ``denominator``, the series' common one (see :class:`Scaled`).
    numerator: int
    denominator: int
    segment: int
    limits: Limits
    point_type: PointType
    rules: frozenset[Rule]

    @property
    def value(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    @property
    def number(self) -> float:
        """The value as a float, as charts and the API show it (the same float as ``float(value)``)."""
        return self.numerator / self.denominator

    @property
    def mean(self) -> float:
        return self.limits._floats[0]

    @property
    def lower_limit(self) -> float | None:
        return self.limits._floats[1]

    @property
    def upper_limit(self) -> float | None:
        return self.limits._floats[2]


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


def limits_of(values: Sequence[Number] | Scaled) -> Limits:
    """The mean and screened mean moving range of ``values`` (at least one)."""
    exact_values = values if isinstance(values, Scaled) else scaled(values)
    numerators = exact_values.numerators
    mean = exact_values.mean()
    ranges = [abs(later - earlier) for earlier, later in pairwise(numerators)]
    if not ranges:
        return Limits(mean, None, NoLimits.ONE_POINT)
    # A range is screened out at or above 3.267 × the mean range: kept when 1000 × count × range is below
    # 3267 × their sum (the common denominator cancels).
    screen = MOVING_RANGE_SCREEN.numerator * sum(ranges)
    below = MOVING_RANGE_SCREEN.denominator * len(ranges)
    kept = [spread for spread in ranges if below * spread < screen]
    # Nothing left that varies once the freak ranges are screened out (every value the same, or one lone
    # jump in a flat run): there is no variation to set limits from, as in the reference's outputs.
    if not any(kept):
        return Limits(mean, None, NoLimits.NO_VARIATION)
    return Limits(mean, Fraction(sum(kept), len(kept) * exact_values.denominator))


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


def _beyond(deviations: Sequence[int], bound: Fraction, limits: Limits, denominator: int) -> list[bool]:
    """Whether each value lies further from the mean than ``bound`` × MR̄ (either way). A value's
    deviation is ``mean.denominator × numerator − denominator × mean.numerator``: the value less the mean,
    times ``denominator × mean.denominator``; so |value − mean| > (a/b) × (r/s) is
    b × s × |deviation| > a × r × denominator × mean.denominator."""
    assert limits.moving_range is not None
    reach = bound.numerator * limits.moving_range.numerator * denominator * limits.mean.denominator
    times = bound.denominator * limits.moving_range.denominator
    return [times * abs(deviation) > reach for deviation in deviations]


def special_causes(values: Scaled, limits: Limits) -> dict[int, tuple[set[Rule], int]]:
    """For one segment: the points that are special causes, by index, each with the rules it breaks and
    which way it leans (+1 high, -1 low), from the first rule that flags it in the order outside the
    limits, trend, two in three, run."""
    numerators = values.numerators
    centre = values.denominator * limits.mean.numerator
    deviations = [limits.mean.denominator * numerator - centre for numerator in numerators]
    sides = [(deviation > 0) - (deviation < 0) for deviation in deviations]
    rules: dict[int, set[Rule]] = defaultdict(set)
    beyond_near = [False] * len(numerators)
    if limits.moving_range is not None:
        outside = _beyond(deviations, LIMIT, limits, values.denominator)
        near = _beyond(deviations, NEAR_LIMIT, limits, values.denominator)
        for index, is_outside in enumerate(outside):
            if is_outside:
                rules[index].add(Rule.OUTSIDE_LIMITS)
            elif near[index]:
                beyond_near[index] = True
    for index in _runs(sides, RUN_LENGTH):
        rules[index].add(Rule.SHIFT)
    # A trend of 7 points is 6 steps the same way; step i joins point i and point i + 1.
    steps = [(later > earlier) - (later < earlier) for earlier, later in pairwise(numerators)]
    trend_of: dict[int, int] = {}
    # A point joining two trends (a peak or a trough) leans the way of the later one, the one it starts.
    for step in sorted(_runs(steps, RUN_LENGTH - 1)):
        for index in (step, step + 1):
            rules[index].add(Rule.TREND)
            trend_of[index] = steps[step]
    if any(beyond_near):
        for start in range(len(numerators) - 2):
            if sum(beyond_near[start : start + 3]) >= 2 and abs(sum(sides[start : start + 3])) == 3:
                for index in range(start, start + 3):
                    if beyond_near[index]:
                        rules[index].add(Rule.TWO_IN_THREE)
    return {
        index: (broken, trend_of[index] if index in trend_of and Rule.OUTSIDE_LIMITS not in broken else sides[index])
        for index, broken in sorted(rules.items())
    }


def point_type(broken: Collection[Rule], leaning: int, direction: Direction) -> PointType:
    if not broken:
        return PointType.COMMON_CAUSE
    if direction is Direction.NEUTRAL:
        return PointType.SPECIAL_CAUSE_NEUTRAL_HIGH if leaning > 0 else PointType.SPECIAL_CAUSE_NEUTRAL_LOW
    better = 1 if direction is Direction.UP else -1
    return PointType.SPECIAL_CAUSE_IMPROVEMENT if leaning == better else PointType.SPECIAL_CAUSE_CONCERN


def judged(values: Scaled, limits: Limits, direction: Direction) -> dict[int, tuple[PointType, frozenset[Rule]]]:
    """The special causes among ``values`` (a segment) judged against ``limits``: by index, each point's
    type and the rules it breaks. Every other point is common cause."""
    return {
        index: (point_type(broken, leaning, direction), frozenset(broken))
        for index, (broken, leaning) in special_causes(values, limits).items()
    }


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
    dates before the first point or after the last). ``dates`` are in order, one point a date."""
    starts = {0}
    for day in rebase:
        index = bisect.bisect_left(dates, day)
        if index < len(dates):
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
    ordered = sorted(series, key=itemgetter(0))
    dates = [date for date, _value in ordered]
    values = scaled(value for _date, value in ordered)
    starts = segment_starts(dates, rebase) if ordered else []
    points: list[Point] = []
    segments: list[Segment] = []
    warnings: list[str] = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(dates)
        chunk = values[start:end]
        size = len(chunk.numerators)
        limits = limits_of(chunk[:baseline] if baseline else chunk)
        causes = judged(chunk, limits, direction)
        segments.append(Segment(dates[start], dates[end - 1], size, limits))
        if limits.missing is not None:
            why = WHY_NO_LIMITS[limits.missing]
            if baseline and baseline < size:
                why = f"they are set by its first {baseline} readings, and {why.replace('its readings', 'those')}"
            warnings.append(f"There are no limits from {dates[start]:%d %B %Y}: {why}")
        elif size < SHORT_SEGMENT:
            warnings.append(
                f"The limits from {dates[start]:%d %B %Y} rest on {size} "
                f"{'point' if size == 1 else 'points'}; at least {SHORT_SEGMENT} are needed to trust them"
            )
        common = (PointType.COMMON_CAUSE, NO_RULES)
        points.extend(
            Point(dates[start + offset], numerator, values.denominator, number, limits, *causes.get(offset, common))
            for offset, numerator in enumerate(chunk.numerators)
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
