"""Statistical process control (DESIGN §2, "Making Data Count"): worked series for each special-cause rule,
screening, rebasing, fixed baselines, neutral measures, assurance and short segments; then properties
that must hold for any series; then the Lancashire-style before and after."""

from __future__ import annotations

import datetime
import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quest.metrics.impact import before_and_after, improved, wording
from quest.metrics.spc import Assurance, PointType, Rule, analyse, limits_of
from quest.metrics.vocabulary import Direction

START = datetime.date(2026, 1, 1)
F = Fraction


def dated(values: list[float | int | Fraction], start: datetime.date = START) -> list[tuple[datetime.date, Fraction]]:
    return [(start + datetime.timedelta(days=index), Fraction(str(value))) for index, value in enumerate(values)]


def alternating(low: float, high: float, count: int) -> list[float | int | Fraction]:
    return [low if index % 2 == 0 else high for index in range(count)]


def broken_rules(values: list[float | int | Fraction]) -> dict[int, set[Rule]]:
    return {
        index: set(point.rules)
        for index, point in enumerate(analyse(dated(values), direction=Direction.UP).points)
        if point.rules
    }


# --- Worked series ------------------------------------------------------------------------------------


def test_a_steady_series_breaks_no_rule_and_has_the_limits_worked_by_hand() -> None:
    result = analyse(dated(alternating(10, 12, 20)), direction=Direction.UP)
    limits = result.segments[0].limits
    assert limits.mean == 11
    assert limits.moving_range == 2  # every moving range is 2
    assert limits.process() == (F("5.68"), F("16.32"))  # 11 ± 2.66 × 2
    assert limits.near() == (11 - F("2.66") * 2 * F(2, 3), 11 + F("2.66") * 2 * F(2, 3))
    assert all(point.point_type is PointType.COMMON_CAUSE for point in result.points)
    assert result.variation is PointType.COMMON_CAUSE
    assert result.warnings == []


def test_rule_1_a_point_outside_the_limits_alone() -> None:
    values = alternating(10, 12, 40)
    values[20] = 30
    assert broken_rules(values) == {20: {Rule.OUTSIDE_LIMITS}}


def test_rule_2_a_run_of_seven_on_one_side_of_the_mean_alone() -> None:
    values = [*alternating(10, 12, 14), *[12, F("11.8"), 12, F("11.8"), 12, F("11.8"), 12], *alternating(10, 12, 14)]
    # The mean is 11.18...: the 12 before the run joins it, so 8 points are above the mean in a row.
    assert broken_rules(values) == {index: {Rule.SHIFT} for index in range(13, 21)}


def test_a_point_on_the_mean_breaks_a_run() -> None:
    before = alternating(12, 10, 14)
    for index in (1, 5, 9):
        before[index] = 8  # so that the whole series' mean is exactly 11
    values = [*before, 12, 12, 12, 11, 12, 12, 12, *alternating(10, 12, 14)]
    assert analyse(dated(values), direction=Direction.UP).segments[0].limits.mean == 11
    assert all(Rule.SHIFT not in rules for rules in broken_rules(values).values())
    values[17] = 12  # off the mean, it completes a run of seven
    assert {index for index, rules in broken_rules(values).items() if Rule.SHIFT in rules} == set(range(14, 21))


def test_rule_3_seven_points_each_higher_than_the_last_alone() -> None:
    values = [*alternating(8, 14, 20), 8, 9, 10, 11, 12, 13, 14, *alternating(8, 14, 20)]
    assert broken_rules(values) == {index: {Rule.TREND} for index in range(20, 27)}


def test_rule_3_counts_falling_trends_too_and_a_repeat_breaks_a_trend() -> None:
    falling = [*alternating(8, 14, 20), 14, 13, 12, 11, 10, 9, 8, *alternating(14, 8, 20)]
    assert broken_rules(falling) == {index: {Rule.TREND} for index in range(20, 27)}
    level = [*alternating(8, 14, 20), 8, 9, 10, 10, 12, 13, 14, *alternating(8, 14, 20)]
    assert broken_rules(level) == {}


def test_rule_4_two_of_three_beyond_a_near_limit_alone() -> None:
    values = [*alternating(10, 12, 20), F("15.5"), 12, F("15.5"), *alternating(10, 12, 20)]
    # Near upper limit 15.12, upper limit 17.06: the two 15.5s, with the 12 between them above the mean.
    assert broken_rules(values) == {20: {Rule.TWO_IN_THREE}, 22: {Rule.TWO_IN_THREE}}


def test_rule_4_needs_all_three_on_one_side() -> None:
    values = [*alternating(10, 12, 20), F("15.5"), 9, F("15.5"), *alternating(10, 12, 20)]
    assert Rule.TWO_IN_THREE not in set().union(*broken_rules(values).values())


def test_screening_a_huge_moving_range_narrows_the_limits() -> None:
    values = [Fraction(value) for value in alternating(10, 12, 40)]
    values[20] = Fraction(30)
    # Unscreened, the two moving ranges of 18 lift the mean moving range to 110/39; screened, it is 2.
    assert limits_of(values).moving_range == 2
    unscreened_upper = F(23, 2) + F("2.66") * F(110, 39)
    assert limits_of(values).process() == (F(23, 2) - F("5.32"), F(23, 2) + F("5.32"))
    assert unscreened_upper > F(23, 2) + F("5.32")


def test_rebasing_starts_new_limits_at_the_change() -> None:
    values = [*alternating(100, 104, 30), *alternating(10, 14, 30)]
    change = START + datetime.timedelta(days=30)
    plain = analyse(dated(values), direction=Direction.DOWN)
    assert len(plain.segments) == 1
    assert any(point.point_type is PointType.SPECIAL_CAUSE_IMPROVEMENT for point in plain.points[30:])
    rebased = analyse(dated(values), direction=Direction.DOWN, rebase=[change])
    assert [(segment.start, segment.size) for segment in rebased.segments] == [(START, 30), (change, 30)]
    assert [segment.limits.mean for segment in rebased.segments] == [102, 12]
    assert all(point.point_type is PointType.COMMON_CAUSE for point in rebased.points)
    # A rebase date before the first reading, or after the last, changes nothing.
    outside = [START - datetime.timedelta(days=5), START + datetime.timedelta(days=500)]
    assert len(analyse(dated(values), direction=Direction.DOWN, rebase=outside).segments) == 1


def test_a_fixed_baseline_sets_the_limits_from_the_first_points_only() -> None:
    values = [*alternating(10, 12, 12), *alternating(20, 22, 12)]
    fixed = analyse(dated(values), direction=Direction.UP, baseline=12)
    limits = fixed.segments[0].limits
    assert (limits.mean, limits.moving_range) == (11, 2)
    assert all(point.point_type is PointType.SPECIAL_CAUSE_IMPROVEMENT for point in fixed.points[12:])
    free = analyse(dated(values), direction=Direction.UP)
    assert free.segments[0].limits.mean == 16


def test_a_neutral_measure_has_high_and_low_special_causes() -> None:
    values = alternating(10, 12, 40)
    values[10], values[30] = 30, -8
    types = [point.point_type for point in analyse(dated(values), direction=Direction.NEUTRAL).points]
    assert types[10] is PointType.SPECIAL_CAUSE_NEUTRAL_HIGH
    assert types[30] is PointType.SPECIAL_CAUSE_NEUTRAL_LOW
    assert {types[index] for index in range(40) if index not in (10, 30)} == {PointType.COMMON_CAUSE}
    assert analyse(dated(values), direction=Direction.NEUTRAL, target=11).assurance is None


def test_direction_decides_improvement_or_concern() -> None:
    values = alternating(10, 12, 40)
    values[39] = 30
    assert analyse(dated(values), direction=Direction.UP).variation is PointType.SPECIAL_CAUSE_IMPROVEMENT
    assert analyse(dated(values), direction=Direction.DOWN).variation is PointType.SPECIAL_CAUSE_CONCERN


@pytest.mark.parametrize(
    ("direction", "target", "expected"),
    [
        (Direction.UP, 20, Assurance.CONSISTENT_FAIL),  # above the upper limit 16.32: never reached
        (Direction.UP, 3, Assurance.CONSISTENT_PASS),  # below the lower limit 5.68: always beaten
        (Direction.UP, 11, Assurance.INCONSISTENT),
        (Direction.DOWN, 20, Assurance.CONSISTENT_PASS),
        (Direction.DOWN, 3, Assurance.CONSISTENT_FAIL),
        (Direction.DOWN, 16, Assurance.INCONSISTENT),
    ],
)
def test_assurance_against_a_target(direction: Direction, target: int, expected: Assurance) -> None:
    assert analyse(dated(alternating(10, 12, 20)), direction=direction, target=target).assurance is expected


def test_assurance_uses_the_latest_segment() -> None:
    values = [*alternating(100, 104, 20), *alternating(10, 14, 20)]
    rebased = analyse(dated(values), direction=Direction.DOWN, target=50, rebase=[START + datetime.timedelta(days=20)])
    assert rebased.assurance is Assurance.CONSISTENT_PASS


def test_fewer_than_12_points_in_a_segment_is_warned_of() -> None:
    result = analyse(dated(alternating(10, 12, 11)), direction=Direction.UP)
    assert result.warnings == [
        "The limits from 01 January 2026 rest on 11 points; at least 12 are needed to trust them"
    ]
    assert analyse(dated(alternating(10, 12, 12)), direction=Direction.UP).warnings == []


def test_a_single_point_has_no_limits_and_no_series_has_no_icon() -> None:
    single = analyse(dated([5]), direction=Direction.UP)
    assert single.points[0].upper_limit is None
    assert single.points[0].point_type is PointType.COMMON_CAUSE
    empty = analyse([], direction=Direction.UP, target=3)
    assert (empty.points, empty.variation, empty.assurance) == ([], None, None)


def test_a_single_point_last_segment_with_a_target_is_inconsistent() -> None:
    values = [*alternating(10, 12, 20), 11]
    change = [START + datetime.timedelta(days=20)]
    rebased = analyse(dated(values), direction=Direction.UP, target=30, rebase=change)
    assert rebased.segments[-1].limits.process() is None
    assert rebased.assurance is Assurance.INCONSISTENT  # the limits cannot be computed, not "no assurance"
    assert analyse(dated(values), direction=Direction.UP, rebase=change).assurance is None
    assert analyse(dated([5]), direction=Direction.NEUTRAL, target=3).assurance is None


# --- Trend points lean the way their trend runs (DESIGN §2; NHSRplotthedots 0.2.2) --------------------


def types_of(values: list[float | int | Fraction], direction: Direction) -> list[PointType]:
    return [point.point_type for point in analyse(dated(values), direction=direction).points]


IMPROVEMENT, CONCERN, COMMON = (
    PointType.SPECIAL_CAUSE_IMPROVEMENT,
    PointType.SPECIAL_CAUSE_CONCERN,
    PointType.COMMON_CAUSE,
)


def test_a_rising_trend_is_a_concern_where_lower_is_better_even_below_the_mean() -> None:
    # Mean 72.7, limits 8.4 to 137.0: the 0 is below the lower limit (rule 1 labels it: an improvement), the
    # 145 above the upper; the 24 and 49 lie below the mean but belong to a rising trend, so they are a concern.
    assert types_of([0, 24, 49, 73, 97, 121, 145], Direction.DOWN) == [IMPROVEMENT, *[CONCERN] * 6]


def test_a_falling_trend_above_the_mean_is_a_concern_where_higher_is_better() -> None:
    result = analyse(dated([0, 163, 159, 154, 150, 145, 140, 136]), direction=Direction.UP)
    # Mean 130.9, limits 118.9 to 142.9 (the 163 jump is screened out of the moving ranges).
    assert [point.point_type for point in result.points] == [CONCERN, *[IMPROVEMENT] * 5, CONCERN, CONCERN]
    assert result.points[-1].value > result.points[-1].limits.mean
    assert Rule.TREND in result.points[-1].rules
    assert result.variation is CONCERN


def test_a_neutral_trend_is_high_or_low_by_its_direction() -> None:
    rising = [*alternating(8, 14, 20), 8, 9, 10, 11, 12, 13, 14, *alternating(8, 14, 20)]
    types = types_of(rising, Direction.NEUTRAL)
    assert set(types[20:27]) == {PointType.SPECIAL_CAUSE_NEUTRAL_HIGH}  # 8, 9 and 10 lie below the mean of 11


def test_a_peak_between_two_trends_leans_the_way_of_the_one_it_starts() -> None:
    values = [*alternating(0, 20, 20), 8, 9, 10, 11, 12, 13, 14, 13, 12, 11, 10, 9, 8, *alternating(20, 0, 20)]
    result = analyse(dated(values), direction=Direction.UP)
    assert all(Rule.TREND in result.points[index].rules for index in range(20, 33))
    assert [point.point_type for point in result.points[20:33]] == [*[IMPROVEMENT] * 6, *[CONCERN] * 7]


def test_outside_the_limits_labels_before_the_trend() -> None:
    # The 0 starts a rising trend but lies below the lower limit: it is labelled by its side, low.
    [first, *_rest] = analyse(dated([0, 24, 49, 73, 97, 121, 145]), direction=Direction.UP).points
    assert first.rules == {Rule.OUTSIDE_LIMITS, Rule.TREND}
    assert first.point_type is CONCERN


# --- Limits that cannot be computed ---------------------------------------------------------------------


def test_a_segment_of_one_value_repeated_has_a_mean_but_no_limits() -> None:
    result = analyse(dated([5] * 20), direction=Direction.UP, target=3)
    [segment] = result.segments
    assert segment.limits.mean == 5
    assert segment.limits.process() is None
    assert segment.limits.near() is None
    assert {point.point_type for point in result.points} == {COMMON}
    assert (result.points[0].upper_limit, result.points[0].lower_limit) == (None, None)
    assert result.assurance is Assurance.INCONSISTENT  # not "consistent pass" against limits of 5 and 5
    assert result.warnings == [
        "There are no limits from 01 January 2026: its readings are all the same, so there is no variation to "
        "set them from"
    ]


def test_a_fixed_baseline_of_one_value_repeated_has_no_limits_but_runs_still_count() -> None:
    values = [*[10] * 12, *[11] * 8]
    result = analyse(dated(values), direction=Direction.UP, baseline=12)
    assert result.segments[0].limits.process() is None
    # The 8 readings above the baseline's mean of 10 are a run: rules 2 and 3 need no limits.
    assert [point.point_type for point in result.points] == [*[COMMON] * 12, *[IMPROVEMENT] * 8]
    assert result.warnings == [
        "There are no limits from 01 January 2026: they are set by its first 12 readings, and those are all "
        "the same, so there is no variation to set them from"
    ]


def test_a_lone_jump_after_a_flat_stretch_leaves_no_variation_and_so_no_limits() -> None:
    """Fourteen 24s then a 0, lower is better (issue 9, from the reference's own outputs). The moving ranges
    are thirteen 0s and a 24; the 24 is screened out (at least 3.267 × their mean), and what is left does not
    vary: no limits, so the 0 is not outside any, and it is common cause. The 24s are a run of 14 above the
    mean, a concern. Assurance against a target is inconsistent."""
    result = analyse(dated([*[24] * 14, 0]), direction=Direction.DOWN, target=10)
    limits = result.segments[0].limits
    assert limits.process() is None
    assert limits.mean == F("22.4")
    assert [point.point_type for point in result.points] == [*[CONCERN] * 14, COMMON]
    assert result.variation is COMMON
    assert result.assurance is Assurance.INCONSISTENT


# --- Properties ---------------------------------------------------------------------------------------

series = st.lists(st.integers(min_value=-500, max_value=5000), min_size=2, max_size=60)


@given(series, st.integers(min_value=0, max_value=20))
def test_the_limits_are_symmetric_about_the_mean(values: list[int], baseline: int) -> None:
    for point in analyse(dated(values), direction=Direction.UP, baseline=baseline or None).points:
        lower, upper = point.limits.process() or (point.limits.mean, point.limits.mean)
        assert upper - point.limits.mean == point.limits.mean - lower


@given(series, st.integers(min_value=-10_000, max_value=10_000), st.sampled_from(list(Direction)))
def test_adding_a_constant_moves_the_mean_and_limits_and_keeps_the_types(
    values: list[int], shift: int, direction: Direction
) -> None:
    before = analyse(dated(values), direction=direction)
    after = analyse(dated([value + shift for value in values]), direction=direction)
    for old, new in zip(before.points, after.points, strict=True):
        assert new.limits.mean == old.limits.mean + shift
        assert new.limits.moving_range == old.limits.moving_range
        assert new.point_type is old.point_type


@given(
    series,
    st.fractions(min_value=F(1, 1000), max_value=1000),
    st.sampled_from(list(Direction)),
)
def test_multiplying_by_a_positive_constant_scales_the_mean_and_limits(
    values: list[int], factor: Fraction, direction: Direction
) -> None:
    before = analyse(dated(values), direction=direction)
    after = analyse(dated([value * factor for value in values]), direction=direction)
    for old, new in zip(before.points, after.points, strict=True):
        assert new.limits.mean == old.limits.mean * factor
        old_limits, new_limits = old.limits.process(), new.limits.process()
        if old_limits is None:
            assert new_limits is None
        else:
            assert new_limits == (old_limits[0] * factor, old_limits[1] * factor)
        assert new.point_type is old.point_type


SWAPPED = {
    PointType.COMMON_CAUSE: PointType.COMMON_CAUSE,
    PointType.SPECIAL_CAUSE_IMPROVEMENT: PointType.SPECIAL_CAUSE_CONCERN,
    PointType.SPECIAL_CAUSE_CONCERN: PointType.SPECIAL_CAUSE_IMPROVEMENT,
}


@given(series)
def test_reversing_the_direction_swaps_improvement_and_concern(values: list[int]) -> None:
    up = analyse(dated(values), direction=Direction.UP)
    down = analyse(dated(values), direction=Direction.DOWN)
    assert [SWAPPED[point.point_type] for point in up.points] == [point.point_type for point in down.points]


# --- Before and after -----------------------------------------------------------------------------------


def lancashire_series() -> tuple[list[tuple[datetime.date, Fraction]], datetime.date]:
    """A year of daily pending incidents around 1,150, then a fall of about 91% after the change."""
    rng = random.Random(91)
    before = [round(1150 + rng.gauss(0, 40)) for _ in range(365)]
    after = [round(103 + rng.gauss(0, 9)) for _ in range(90)]
    return dated([*before, *after], start=datetime.date(2025, 6, 1)), datetime.date(2026, 6, 1)


def test_the_lancashire_fall_is_a_91_percent_improvement_and_a_special_cause() -> None:
    series, change = lancashire_series()
    impact = before_and_after(series, change, Direction.DOWN)
    assert (impact.points_before, impact.points_after) == (365, 90)
    assert impact.change_pct is not None
    assert float(impact.change_pct) == pytest.approx(-91, abs=0.5)
    assert improved(impact.change, Direction.DOWN) is True
    assert impact.special_cause is PointType.SPECIAL_CAUSE_IMPROVEMENT
    assert wording(impact, Direction.DOWN) == "fell by 91% (an improvement)"
    assert [segment.start for segment in impact.chart.segments] == [datetime.date(2025, 6, 1), change]


def test_a_change_within_the_noise_is_not_a_special_cause() -> None:
    values = alternating(10, 12, 60)
    impact = before_and_after(dated(values), START + datetime.timedelta(days=30), Direction.DOWN)
    assert impact.change == 0
    assert impact.special_cause is None
    assert wording(impact, Direction.DOWN) == "did not change"


def test_the_wording_follows_the_direction() -> None:
    values = [*alternating(10, 12, 30), *alternating(20, 22, 30)]
    impact = before_and_after(dated(values), START + datetime.timedelta(days=30), Direction.UP)
    assert wording(impact, Direction.UP) == "rose by 91% (an improvement)"
    assert wording(impact, Direction.DOWN) == "rose by 91% (a deterioration)"
    assert wording(impact, Direction.NEUTRAL) == "rose by 91%"
    nothing_after = before_and_after(dated(values), START + datetime.timedelta(days=200), Direction.UP)
    assert wording(nothing_after, Direction.UP).startswith("cannot be judged yet")
