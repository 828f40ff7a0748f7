"""Whether a measure worsened after a change (``Impact.worsened``), as a balancing measure is judged: any
point of the after-period a special cause of concern against the before-period's limits, with worked
series. The before-period 10, 12, 10, 12, ... has a mean of 11 and a mean moving range of 2, so process
limits 11 ± 5.32 (5.68 to 16.32)."""

from __future__ import annotations

import datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from quest.metrics.impact import before_and_after
from quest.metrics.spc import PointType
from quest.metrics.vocabulary import Direction

START = datetime.date(2026, 1, 1)
CHANGE = START + datetime.timedelta(days=30)


def dated(values: list[int]) -> list[tuple[datetime.date, Fraction]]:
    return [(START + datetime.timedelta(days=index), Fraction(value)) for index, value in enumerate(values)]


def alternating(low: int, high: int, count: int) -> list[int]:
    return [low if index % 2 == 0 else high for index in range(count)]


BEFORE = alternating(10, 12, 30)  # 30 readings, the last on the day before CHANGE


def test_a_point_beyond_the_upper_limit_worsens_a_measure_that_should_fall() -> None:
    after = [*alternating(10, 12, 10), 17, *alternating(10, 12, 10)]  # 17 > 16.32, then back to normal
    impact = before_and_after(dated(BEFORE + after), CHANGE, Direction.DOWN)
    assert impact.worsened is True
    # For a measure that should rise, the same point is an improvement.
    assert before_and_after(dated(BEFORE + after), CHANGE, Direction.UP).worsened is False


def test_a_fall_below_the_lower_limit_worsens_a_measure_that_should_rise() -> None:
    satisfaction = [*alternating(80, 82, 30), *alternating(80, 82, 6), 75, 81]  # 75 < 81 - 5.32
    impact = before_and_after(dated(satisfaction), CHANGE, Direction.UP)
    assert impact.worsened is True
    assert impact.special_cause is PointType.SPECIAL_CAUSE_CONCERN


def test_any_concern_counts_not_only_the_latest_special_cause() -> None:
    # A spike of concern early on, then a run of 7 below the mean (an improvement for a falling measure):
    # the latest special cause is an improvement, yet the measure worsened on the way.
    after = [*alternating(10, 12, 4), 20, *alternating(10, 12, 4), *[8] * 7]
    impact = before_and_after(dated(BEFORE + after), CHANGE, Direction.DOWN)
    assert impact.special_cause is PointType.SPECIAL_CAUSE_IMPROVEMENT
    assert impact.worsened is True


def test_readings_within_the_variation_before_hold() -> None:
    impact = before_and_after(dated(BEFORE + alternating(10, 12, 40)), CHANGE, Direction.DOWN)
    assert impact.special_cause is None
    assert impact.worsened is False


def test_an_improvement_alone_is_not_a_worsening() -> None:
    impact = before_and_after(dated(BEFORE + [1] * 20), CHANGE, Direction.DOWN)
    assert impact.special_cause is PointType.SPECIAL_CAUSE_IMPROVEMENT
    assert impact.worsened is False


def test_a_run_worsens_a_measure_whose_before_period_has_no_limits() -> None:
    # Twelve readings that never vary: a mean (10) but no process limits, so only the run and trend rules
    # can judge; seven readings of 11 since are a run above the mean.
    flat = [10] * 12
    impact = before_and_after(dated([*flat, *[11] * 7]), START + datetime.timedelta(days=12), Direction.DOWN)
    assert impact.worsened is True
    six = before_and_after(dated([*flat, *[11] * 6]), START + datetime.timedelta(days=12), Direction.DOWN)
    assert six.worsened is False  # six in a row is not yet a run


def test_it_cannot_be_judged_without_readings_on_both_sides_or_for_a_neutral_measure() -> None:
    values = BEFORE + [30] * 10
    assert before_and_after(dated(values), CHANGE, Direction.NEUTRAL).worsened is None
    assert before_and_after(dated(values), START, Direction.DOWN).worsened is None  # nothing before
    assert before_and_after(dated(BEFORE), CHANGE, Direction.DOWN).worsened is None  # nothing since
    assert before_and_after([], CHANGE, Direction.DOWN).worsened is None


@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=40),
    st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=40),
)
def test_worsening_is_the_mirror_of_the_other_direction(before: list[int], after: list[int]) -> None:
    """A measure that should fall worsens exactly when its mirror image, which should rise, does; and a
    latest special cause of concern always means it worsened."""
    change = START + datetime.timedelta(days=len(before))
    falling = before_and_after(dated(before + after), change, Direction.DOWN)
    rising = before_and_after(dated([-value for value in before + after]), change, Direction.UP)
    assert falling.worsened is not None
    assert falling.worsened == rising.worsened
    if falling.special_cause is PointType.SPECIAL_CAUSE_CONCERN:
        assert falling.worsened is True
