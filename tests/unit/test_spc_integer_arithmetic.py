"""SPC judged in integers (quest.metrics.spc: values over one common denominator, comparisons
cross-multiplied) gives exactly what judging in fractions gave. The oracle below is the fraction arithmetic
QUEST used before, kept here only to compare with: the same rules (DESIGN §2), written the plain way, and
hypothesis draws the series: whole counts, readings with up to 4 decimal places, negative values, flat
stretches, rebases and fixed baselines, so points land exactly on a mean or a limit."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from quest.metrics.impact import before_and_after
from quest.metrics.spc import LIMIT, MOVING_RANGE_SCREEN, NEAR_LIMIT, RUN_LENGTH, Rule, analyse, point_type
from quest.metrics.vocabulary import Direction

START = datetime.date(2024, 1, 1)


def oracle_limits(values: Sequence[Fraction]) -> tuple[Fraction, Fraction | None]:
    mean = sum(values, Fraction(0)) / len(values)
    ranges = [abs(later - earlier) for earlier, later in pairwise(values)]
    if not ranges:
        return mean, None
    average = sum(ranges, Fraction(0)) / len(ranges)
    kept = [spread for spread in ranges if spread < MOVING_RANGE_SCREEN * average]
    return mean, (sum(kept, Fraction(0)) / len(kept) if any(kept) else None)


def oracle_runs(flags: Sequence[int], length: int) -> set[int]:
    return {
        index
        for start in range(len(flags))
        for index in range(start, start + length)
        if start + length <= len(flags) and flags[start] != 0 and len(set(flags[start : start + length])) == 1
    }


def oracle_segment(values: Sequence[Fraction], mean: Fraction, spread: Fraction | None) -> list[tuple[set[Rule], int]]:
    """Each point's broken rules and the way it leans, judged in fractions."""
    sides = [(value > mean) - (value < mean) for value in values]
    rules: list[set[Rule]] = [set() for _ in values]
    near_flags = [False] * len(values)
    if spread is not None:
        for index, value in enumerate(values):
            if value > mean + LIMIT * spread or value < mean - LIMIT * spread:
                rules[index].add(Rule.OUTSIDE_LIMITS)
            elif value > mean + NEAR_LIMIT * spread or value < mean - NEAR_LIMIT * spread:
                near_flags[index] = True
    for index in oracle_runs(sides, RUN_LENGTH):
        rules[index].add(Rule.SHIFT)
    steps = [(later > earlier) - (later < earlier) for earlier, later in pairwise(values)]
    trend_of = [0] * len(values)
    for step in sorted(oracle_runs(steps, RUN_LENGTH - 1)):
        for index in (step, step + 1):
            rules[index].add(Rule.TREND)
            trend_of[index] = steps[step]
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        if abs(sum(sides[index] for index in window)) == 3 and sum(near_flags[index] for index in window) >= 2:
            for index in window:
                if near_flags[index]:
                    rules[index].add(Rule.TWO_IN_THREE)
    return [
        (broken, trend_of[index] if Rule.TREND in broken and Rule.OUTSIDE_LIMITS not in broken else sides[index])
        for index, broken in enumerate(rules)
    ]


def oracle_analyse(
    values: Sequence[Fraction], starts: Sequence[int], direction: Direction, baseline: int | None
) -> list[tuple[Fraction, Fraction | None, object, frozenset[Rule]]]:
    """Each point's mean, mean moving range, type and rules, segment by segment."""
    found = []
    for number, start in enumerate(starts):
        chunk = values[start : starts[number + 1] if number + 1 < len(starts) else len(values)]
        mean, spread = oracle_limits(chunk[:baseline] if baseline else chunk)
        for broken, leaning in oracle_segment(chunk, mean, spread):
            found.append((mean, spread, point_type(broken, leaning, direction), frozenset(broken)))
    return found


# Readings as stored: whole counts, or up to 4 decimal places, within the column's range; a few distinct
# values, so that runs, repeats and points exactly on a mean or a limit are common.
whole = st.integers(min_value=-50, max_value=60).map(Decimal)
decimal_places = st.builds(
    lambda units, places: Decimal(units).scaleb(-places),
    st.integers(min_value=-5_000, max_value=50_000),
    st.integers(min_value=0, max_value=4),
)
readings = st.lists(st.one_of(whole, decimal_places, st.sampled_from([Decimal(7), Decimal("7.5")])), max_size=80)


@settings(max_examples=400, deadline=None)
@given(
    readings,
    st.lists(st.integers(min_value=-3, max_value=85), max_size=4),
    st.sampled_from(list(Direction)),
    st.one_of(st.none(), st.integers(min_value=1, max_value=30)),
)
def test_integer_judging_matches_fractions(
    values: list[Decimal], rebase_days: list[int], direction: Direction, baseline: int | None
) -> None:
    series = [(START + datetime.timedelta(days=index), value) for index, value in enumerate(values)]
    rebase = [START + datetime.timedelta(days=day) for day in rebase_days]
    result = analyse(series, direction=direction, rebase=rebase, baseline=baseline)
    exact = [Fraction(value) for value in values]
    starts = sorted({0} | {min(max(day, 0), len(values)) for day in rebase_days} - {len(values)}) if values else []
    assert [segment.start for segment in result.segments] == [series[start][0] for start in starts]
    assert [
        (point.limits.mean, point.limits.moving_range, point.point_type, point.rules) for point in result.points
    ] == oracle_analyse(exact, starts, direction, baseline)
    assert [point.value for point in result.points] == exact
    assert [point.number for point in result.points] == [float(value) for value in exact]
    for point in result.points:
        process = point.limits.process()
        assert (point.lower_limit, point.upper_limit) == (
            (None, None) if process is None else tuple(map(float, process))
        )
        assert point.mean == float(point.limits.mean)


@settings(max_examples=300, deadline=None)
@given(
    readings,
    st.integers(min_value=0, max_value=80),
    st.lists(st.integers(min_value=0, max_value=80), max_size=3),
    st.sampled_from(list(Direction)),
)
def test_the_before_and_after_matches_fractions(
    values: list[Decimal], change_day: int, other_days: list[int], direction: Direction
) -> None:
    series = [(START + datetime.timedelta(days=index), value) for index, value in enumerate(values)]
    change = START + datetime.timedelta(days=change_day)
    others = {START + datetime.timedelta(days=day) for day in other_days} - {change}
    impact = before_and_after(series, change, direction, others)
    previous = max((day for day in others if day < change), default=START)
    following = min((day for day in others if day > change), default=datetime.date.max)
    before = [Fraction(value) for day, value in series if previous <= day < change]
    after = [Fraction(value) for day, value in series if change <= day < following]
    assert (impact.points_before, impact.points_after) == (len(before), len(after))
    assert impact.mean_before == (sum(before, Fraction(0)) / len(before) if before else None)
    assert impact.mean_after == (sum(after, Fraction(0)) / len(after) if after else None)
    expected = None
    if before and after:
        mean, spread = oracle_limits(before)
        types = [
            point_type(broken, leaning, direction) for broken, leaning in oracle_segment(before + after, mean, spread)
        ]
        special = [kind for kind in types[len(before) :] if kind.special]
        expected = special[-1] if special else None
    assert impact.special_cause == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(whole, min_size=2, max_size=20),
    st.lists(st.integers(min_value=-5, max_value=5), min_size=1, max_size=30),
    st.sampled_from(list(Direction)),
)
def test_points_exactly_on_a_limit_or_the_mean_are_judged_as_with_fractions(
    baseline_values: list[Decimal], positions: list[int], direction: Direction
) -> None:
    """The baseline fixes the limits, so the later points can be put exactly on the mean, a near limit or a
    process limit (or just beside one): where a wrong comparison would show."""
    mean, spread = oracle_limits([Fraction(value) for value in baseline_values])
    reach = {0: Fraction(0), 1: NEAR_LIMIT, 2: LIMIT}
    later = [
        mean
        + (1 if position > 0 else -1) * reach[min(abs(position), 2)] * (spread or 1)
        + (Fraction(1, 10**6) if abs(position) > 3 else 0)
        for position in positions
    ]
    values: list[Fraction] = [*map(Fraction, baseline_values), *later]
    series = [(START + datetime.timedelta(days=index), value) for index, value in enumerate(values)]
    result = analyse(series, direction=direction, baseline=len(baseline_values))
    assert [
        (point.limits.mean, point.limits.moving_range, point.point_type, point.rules) for point in result.points
    ] == oracle_analyse(values, [0], direction, len(baseline_values))
