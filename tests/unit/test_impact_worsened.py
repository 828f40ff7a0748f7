"""Whether a measure worsened after a change (``Impact.worsened``), as a balancing measure is judged: the
after-period's latest reading a special cause of concern against the before-period's limits, with worked
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


def test_a_latest_point_beyond_the_upper_limit_worsens_a_measure_that_should_fall() -> None:
    after = [*alternating(10, 12, 10), 17]  # 17 > 16.32
    impact = before_and_after(dated(BEFORE + after), CHANGE, Direction.DOWN)
    assert impact.worsened is True
    # For a measure that should rise, the same point is an improvement.
    assert before_and_after(dated(BEFORE + after), CHANGE, Direction.UP).worsened is False


def test_a_fall_below_the_lower_limit_worsens_a_measure_that_should_rise() -> None:
    satisfaction = [*alternating(80, 82, 30), *alternating(80, 82, 6), 75]  # 75 < 81 - 5.32
    impact = before_and_after(dated(satisfaction), CHANGE, Direction.UP)
    assert impact.worsened is True
    assert impact.special_cause is PointType.SPECIAL_CAUSE_CONCERN


def test_a_concern_that_passed_is_not_a_worsening_now() -> None:
    # A spike of concern early on, then readings back within the variation before: it held.
    after = [*alternating(10, 12, 4), 20, *alternating(10, 12, 10)]
    impact = before_and_after(dated(BEFORE + after), CHANGE, Direction.DOWN)
    assert impact.special_cause is PointType.SPECIAL_CAUSE_CONCERN  # the chart still shows the spike
    assert impact.worsened is False


def test_a_run_of_seven_on_the_worse_side_that_ended_is_not_a_worsening() -> None:
    # Over a year of daily readings a run of 7 above the mean comes by chance; once the readings are back
    # on both sides of the mean, the measure holds. A run that goes on to the latest reading worsens it.
    passed = [*alternating(10, 12, 100), *[12] * 7, *alternating(10, 12, 100)]
    assert before_and_after(dated(BEFORE + passed), CHANGE, Direction.DOWN).worsened is False
    lasting = [*alternating(10, 12, 100), *[12] * 7]
    assert before_and_after(dated(BEFORE + lasting), CHANGE, Direction.DOWN).worsened is True


@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=40),
    st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=40),
)
def test_worsening_is_the_mirror_of_the_other_direction(before: list[int], after: list[int]) -> None:
    """A measure that should fall worsens exactly when its mirror image, which should rise, does; and it
    worsens exactly when its latest reading is a special cause of concern."""
    change = START + datetime.timedelta(days=len(before))
    falling = before_and_after(dated(before + after), change, Direction.DOWN)
    rising = before_and_after(dated([-value for value in before + after]), change, Direction.UP)
    assert falling.worsened is not None
    assert falling.worsened == rising.worsened
    if falling.worsened:
        assert falling.special_cause is PointType.SPECIAL_CAUSE_CONCERN
