"""Funnel plots (quest.dashboards.funnels, pure; Spiegelhalter 2005): worked examples for proportions and
counts per size, each limit checked against the formula written out longhand; the overall rate weighted by
size; units with too little data left out; the edge cases; then properties that hold for any funnel."""

from __future__ import annotations

import decimal
import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quest.dashboards.funnels import (
    LIMIT_STEPS,
    Funnel,
    FunnelPoint,
    Position,
    RateKind,
    Unit,
    funnel,
    limit_sizes,
    limits_at,
    named_outliers,
)

PROPORTION, COUNT = RateKind.PROPORTION, RateKind.COUNT_PER_SIZE


def by_code(result: Funnel) -> dict[str, FunnelPoint]:
    return {point.unit_code: point for point in result.points}


# --- Worked examples ------------------------------------------------------------------------------------


def test_a_proportion_for_a_small_and_a_large_unit() -> None:
    # A: 18 of 20 answered within the SLA (0.9); B: 382 of 980 (0.38980).
    # θ = (18 + 382) / (20 + 980) = 400 / 1000 = 0.4; θ(1 − θ) = 0.24.
    # At n = 20:  √(0.24 / 20) = 0.109545; 95%: 0.4 ± 0.214703 = [0.185297, 0.614703];
    #             99.8%: 0.4 ± 0.338518 = [0.061482, 0.738518]. A's 0.9 is above both.
    # At n = 980: √(0.24 / 980) = 0.015649; 95%: [0.369328, 0.430672]; 99.8%: [0.351640, 0.448360].
    #             B's 0.389796 is within both.
    result = funnel(
        "answered within the SLA",
        [Unit("A", "Avon", 18, 20), Unit("B", "Bedford", 382, 980)],
        PROPORTION,
    )
    assert result.overall_rate == pytest.approx(0.4, abs=1e-12)
    a, b = result.points
    small, large = limits_at(0.4, 20, PROPORTION), limits_at(0.4, 980, PROPORTION)
    assert small == pytest.approx(
        (
            0.4 - 1.959964 * math.sqrt(0.4 * 0.6 / 20),
            0.4 + 1.959964 * math.sqrt(0.4 * 0.6 / 20),
            0.4 - 3.090232 * math.sqrt(0.4 * 0.6 / 20),
            0.4 + 3.090232 * math.sqrt(0.4 * 0.6 / 20),
        ),
        abs=1e-9,
    )
    assert small == pytest.approx((0.185297, 0.614703, 0.061482, 0.738518), abs=1e-6)
    assert large == pytest.approx((0.369328, 0.430672, 0.351640, 0.448360), abs=1e-6)
    assert (a.rate, a.within_95, a.within_998, a.position) == (pytest.approx(0.9), False, False, Position.ABOVE)
    assert (b.rate, b.within_95, b.within_998, b.position) == (
        pytest.approx(382 / 980),
        True,
        True,
        Position.WITHIN,
    )
    # The limits for drawing include each unit's own size, and agree with limits_at there.
    drawn = {row.denominator: row for row in result.limits}
    assert tuple(drawn[20.0])[1:] == pytest.approx(small, abs=1e-9)
    assert tuple(drawn[980.0])[1:] == pytest.approx(large, abs=1e-9)


def test_a_count_per_hundred_officers_for_a_small_and_a_large_unit() -> None:
    # A: 30 ideas from 50 officers (FTE); B: 970 from 1,950. θ = 1000 / 2000 = 0.5 an officer = 50 per 100.
    # At n = 50:    √(0.5 / 50) = 0.1; 95%: 0.5 ± 0.1959964 = [0.3040036, 0.6959964];
    #               99.8%: 0.5 ± 0.3090232 = [0.1909768, 0.8090232]; per 100: [30.40036, 69.59964], ...
    # At n = 1,950: √(0.5 / 1950) = 0.0160128; 95%: [0.468615, 0.531385]; 99.8%: [0.450517, 0.549483].
    # A's 0.6 (60 per 100) and B's 0.497436 (49.74 per 100) are within both.
    result = funnel(
        "ideas",
        [Unit("A", "Avon", 30, decimal.Decimal("50.0")), Unit("B", "Bedford", 970, decimal.Decimal("1950"))],
        COUNT,
        per=100,
    )
    assert result.overall_rate == pytest.approx(50.0, abs=1e-9)
    drawn = {row.denominator: row for row in result.limits}
    assert tuple(drawn[50.0])[1:] == pytest.approx(
        (
            100 * (0.5 - 1.959964 * math.sqrt(0.5 / 50)),
            100 * (0.5 + 1.959964 * math.sqrt(0.5 / 50)),
            100 * (0.5 - 3.090232 * math.sqrt(0.5 / 50)),
            100 * (0.5 + 3.090232 * math.sqrt(0.5 / 50)),
        ),
        abs=1e-9,
    )
    assert tuple(drawn[50.0])[1:] == pytest.approx((30.40036, 69.59964, 19.09768, 80.90232), abs=1e-9)
    assert tuple(drawn[1950.0])[1:] == pytest.approx(
        (
            100 * (0.5 - 1.959964 * math.sqrt(0.5 / 1950)),
            100 * (0.5 + 1.959964 * math.sqrt(0.5 / 1950)),
            100 * (0.5 - 3.090232 * math.sqrt(0.5 / 1950)),
            100 * (0.5 + 3.090232 * math.sqrt(0.5 / 1950)),
        ),
        abs=1e-9,
    )
    a, b = result.points
    assert (a.rate, a.position, a.within_95) == (pytest.approx(60.0), Position.WITHIN, True)
    assert (b.rate, b.position, b.within_95) == (pytest.approx(100 * 970 / 1950), Position.WITHIN, True)


def test_the_overall_rate_is_weighted_by_size_not_a_mean_of_ratios() -> None:
    # 18/20 = 0.9 and 382/980 = 0.390: their plain mean is 0.645, but 400 of 1,000 is 0.4.
    result = funnel("x", [Unit("A", "A", 18, 20), Unit("B", "B", 382, 980)], PROPORTION, per=100)
    assert result.overall_rate == pytest.approx(40.0)
    assert result.overall_rate != pytest.approx((90 + 100 * 382 / 980) / 2)


def test_a_count_far_above_the_rest_is_named_and_the_others_are_within() -> None:
    # θ = (100 + 100 + 400) / (1000 + 1000 + 1000) = 0.2. At n = 1000, √(0.2/1000) = 0.0141421;
    # 99.8%: 0.2 ± 0.0437027 = [0.156297, 0.243703]. C's 0.4 is above; A's and B's 0.1 are below.
    units = [Unit("A", "Avon", 100, 1000), Unit("B", "Bedford", 100, 1000), Unit("C", "Cleveland", 400, 1000)]
    result = funnel("ideas", units, COUNT, per=1000)
    outliers = named_outliers(result)
    assert [point.unit_code for point in outliers.above] == ["C"]
    assert [point.unit_code for point in outliers.below] == ["A", "B"]
    assert outliers.within == 0


def test_units_with_too_little_data_are_returned_but_take_no_part() -> None:
    units = [
        Unit("A", "Avon", 18, 20),
        Unit("B", "Bedford", 382, 980),
        Unit("N", "New force", 40, 40, too_little_data=True),  # under 12 months of use, says the caller
        Unit("S", "Small", 9, 9),  # 9 in its denominator: below the default minimum of 10
    ]
    result = funnel("answered", units, PROPORTION)
    assert result.overall_rate == pytest.approx(0.4)  # as without N and S
    points = by_code(result)
    for code in ("N", "S"):
        point = points[code]
        assert (point.too_little_data, point.within_95, point.within_998, point.position) == (True, None, None, None)
        assert point.rate == pytest.approx(1.0)
    # The limits run over the included units' sizes only.
    assert (result.limits[0].denominator, result.limits[-1].denominator) == (20.0, 980.0)
    # A denominator of 10 is enough by default; the caller may ask for more.
    assert not funnel("answered", [Unit("T", "Ten", 5, 10)], PROPORTION).points[0].too_little_data
    assert funnel("answered", [Unit("T", "Ten", 5, 10)], PROPORTION, minimum_denominator=50).points[0].too_little_data


def test_a_count_with_no_size_has_too_little_data_and_no_rate() -> None:
    result = funnel("ideas", [Unit("A", "Avon", 0, 0), Unit("B", "Bedford", 5, 10)], COUNT, per=100)
    a, b = result.points
    assert (a.too_little_data, a.rate, a.position) == (True, None, None)
    assert (b.too_little_data, b.position, result.overall_rate) == (False, Position.WITHIN, pytest.approx(50.0))


def test_no_units_and_all_too_little_give_no_rate_and_no_limits() -> None:
    empty = funnel("ideas", [], COUNT)
    assert (empty.overall_rate, empty.points, empty.limits) == (None, (), ())
    assert named_outliers(empty).above == ()
    little = funnel("answered", [Unit("A", "Avon", 3, 5), Unit("B", "Bedford", 1, 1)], PROPORTION)
    assert (little.overall_rate, little.limits) == (None, ())
    assert [point.too_little_data for point in little.points] == [True, True]
    assert [point.position for point in little.points] == [None, None]


@pytest.mark.parametrize(
    ("kind", "numerators", "rate"),
    [(PROPORTION, (0, 0), 0.0), (PROPORTION, (20, 500), 1.0), (COUNT, (0, 0), 0.0)],
)
def test_an_overall_rate_of_nothing_or_everything_collapses_the_limits_and_all_are_within(
    kind: RateKind, numerators: tuple[int, int], rate: float
) -> None:
    units = [Unit("A", "Avon", numerators[0], 20), Unit("B", "Bedford", numerators[1], 500)]
    result = funnel("answered", units, kind)
    assert result.overall_rate == rate
    assert all(row[1:] == (rate, rate, rate, rate) for row in result.limits)
    assert [point.position for point in result.points] == [Position.WITHIN, Position.WITHIN]
    assert [point.within_95 for point in result.points] == [True, True]


def test_impossible_figures_are_refused() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        funnel("answered", [Unit("A", "Avon", 11, 10)], PROPORTION)
    with pytest.raises(ValueError, match="negative"):
        funnel("ideas", [Unit("A", "Avon", -1, 10)], COUNT)


def test_the_limits_are_drawn_at_about_forty_sizes_and_at_each_unit() -> None:
    sizes = limit_sizes([50.0, 1950.0, 333.0])
    assert sizes == sorted(sizes)
    assert (sizes[0], sizes[-1]) == (50.0, 1950.0)
    assert 333.0 in sizes
    assert len(sizes) == LIMIT_STEPS + 1
    ratios = [later / earlier for earlier, later in itertools.pairwise(sizes) if 333.0 not in (earlier, later)]
    assert max(ratios) == pytest.approx(min(ratios))  # evenly spread on a log scale
    assert limit_sizes([7.0, 7.0]) == [7.0]
    assert limit_sizes([]) == []


def test_the_api_shape() -> None:
    result = funnel("ideas", [Unit("A", "Avon", 30, decimal.Decimal("50.5"))], COUNT, per=100)
    answer = result.as_json()
    assert set(answer) >= {"measure", "overall_rate", "points", "limits"}
    assert answer["points"][0]["denominator"] == 50.5
    assert answer["points"][0]["position"] == "within"
    assert set(answer["limits"][0]) == {"denominator", "lower_95", "upper_95", "lower_998", "upper_998"}


# --- Properties -----------------------------------------------------------------------------------------

rates = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
sizes = st.floats(min_value=1.0, max_value=1e6, allow_nan=False)


@given(rates, sizes, sizes, st.sampled_from([PROPORTION, COUNT]))
def test_limits_widen_as_the_size_falls(overall: float, one: float, other: float, kind: RateKind) -> None:
    smaller, larger = sorted((one, other))
    wide, narrow = limits_at(overall, smaller, kind), limits_at(overall, larger, kind)
    for lower in (0, 2):
        assert wide[lower] <= narrow[lower] + 1e-12
    for upper in (1, 3):
        assert wide[upper] >= narrow[upper] - 1e-12


@given(rates, sizes, st.sampled_from([PROPORTION, COUNT]))
def test_the_998_band_holds_the_95_band_which_holds_the_overall_rate(
    overall: float, size: float, kind: RateKind
) -> None:
    lower_95, upper_95, lower_998, upper_998 = limits_at(overall, size, kind)
    assert lower_998 <= lower_95 <= overall <= upper_95 <= upper_998
    assert lower_998 >= 0
    if kind is PROPORTION:
        assert upper_998 <= 1


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500)),
        max_size=12,
    ),
    st.sampled_from([PROPORTION, COUNT]),
)
def test_any_set_of_units_gives_a_funnel_whose_overall_rate_lies_within_its_limits(
    figures: list[tuple[int, int]], kind: RateKind
) -> None:
    units = [
        Unit(f"U{index}", f"Unit {index}", min(first, second), max(first, second))
        for index, (first, second) in enumerate(figures)
    ]
    result = funnel("x", units, kind, per=100)
    assert len(result.points) == len(units)
    included = [unit for unit, point in zip(units, result.points, strict=True) if not point.too_little_data]
    if not included:
        assert (result.overall_rate, result.limits) == (None, ())
        return
    assert result.overall_rate == pytest.approx(
        100 * sum(unit.numerator for unit in included) / sum(unit.denominator for unit in included)  # type: ignore[misc]
    )
    for row in result.limits:
        assert row.lower_998 <= row.lower_95 <= result.overall_rate + 1e-9
        assert result.overall_rate - 1e-9 <= row.upper_95 <= row.upper_998
    outliers = named_outliers(result)
    assert len(outliers.above) + len(outliers.below) + outliers.within == len(included)
