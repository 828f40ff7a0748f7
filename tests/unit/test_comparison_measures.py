"""The comparison measures as pure functions (quest.dashboards.measures): a unit's figure, a group's
weighted figure, medians from distributions, and how figures are written."""

from __future__ import annotations

import decimal
import statistics
import uuid

from hypothesis import given
from hypothesis import strategies as st

from quest.dashboards.headquarters_web import sort_link
from quest.dashboards.measures import (
    Measure,
    Size,
    UnitFigures,
    measures,
    median_of,
    shown,
    value_of,
    weighted,
)
from quest.metrics.sustainment import Sustained
from quest.savings.rules import Total, Totals

D = decimal.Decimal
NOTHING = Total(D(0), D(0), D(0), D(0))


def _unit(
    code: str,
    *,
    officers: int,
    ideas: int,
    months: int = 24,
    decided: dict[int, int] | None = None,
    improvements: dict[Sustained, int] | None = None,
    released: tuple[str, str] = ("0", "0"),
) -> UnitFigures:
    return UnitFigures(
        id=uuid.uuid5(uuid.NAMESPACE_DNS, code),
        code=code,
        name=code,
        officers_fte=D(officers),
        staff_fte=D(officers // 2),
        population=officers * 400,
        first_month=None,
        months_of_use=months,
        ideas_raised=ideas,
        ideas_decided=0,
        ideas_implemented=0,
        savings=Totals(NOTHING, NOTHING, NOTHING, 0),
        waste_hours=D(0),
        days_to_decision=decided or {},
        backlog_now=None,
        backlog_year_before=None,
        backlog_recent=None,
        backlog_baseline=None,
        improvements=improvements or {},
        hours_released=D(released[0]),
        hours_not_redeployed=D(released[1]),
    )


def _measure(key: str, size: Size = Size.OFFICERS) -> Measure:
    return next(measure for measure in measures(size) if measure.key == key)


def test_a_group_figure_is_weighted_by_size_never_a_mean_of_rates() -> None:
    big, small = _unit("BIG", officers=3000, ideas=30), _unit("SMALL", officers=100, ideas=5)
    ideas = _measure("ideas_raised")
    assert value_of(big, ideas).value == D(1)  # 30 ideas per 3,000 officers: 1 per 100
    assert value_of(small, ideas).value == D(5)
    # (30 + 5) / (3,000 + 100) * 100 = 1.129..., where the mean of the rates would say 3.
    assert weighted([big, small], ideas) == D(35) / D(3100) * 100


def test_too_little_data_has_no_figure_and_no_weight() -> None:
    established, new = _unit("OLD", officers=1000, ideas=10), _unit("NEW", officers=1000, ideas=90, months=2)
    ideas = _measure("ideas_raised")
    assert value_of(new, ideas).value is None
    assert value_of(new, ideas).too_little_data is True
    assert weighted([established, new], ideas) == D(1)


def test_a_group_median_is_the_median_of_every_idea_not_of_the_medians() -> None:
    first = _unit("A", officers=100, ideas=1, decided={1: 3})  # 1, 1, 1 days: median 1
    second = _unit("B", officers=100, ideas=1, decided={10: 1, 20: 1})  # median 15
    days = _measure("days_to_decision")
    assert value_of(first, days).value == D(1)
    assert value_of(second, days).value == D(15)
    assert weighted([first, second], days) == D(1)  # 1, 1, 1, 10, 20: the middle one is 1


@given(st.dictionaries(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=20), max_size=30))
def test_the_median_of_counts_is_the_median_of_the_days_they_count(counts: dict[int, int]) -> None:
    every = [days for days, count in counts.items() for _ in range(count)]
    assert median_of(counts) == (statistics.median(every) if every else None)


def test_figures_are_written_as_people_read_them() -> None:
    assert shown(_measure("net_savings"), D("1234.5")) == "£1,235"
    assert shown(_measure("validated_share"), D("66.666")) == "66.7%"
    assert shown(_measure("backlog_change_year"), D("-6.66")) == "−6.7%"
    assert shown(_measure("backlog_change_year"), D("0.04")) == "0.0%"  # no sign on a change that rounds to none
    assert shown(_measure("backlog_change_year"), D("2.5")) == "+2.5%"
    assert shown(_measure("days_to_decision"), D("12.5")) == "12.5 days"
    assert shown(_measure("days_to_decision"), D("12")) == "12 days"
    assert shown(_measure("ideas_raised"), None) == "–"


def test_per_1000_residents_and_per_100_staff() -> None:
    unit = _unit("X", officers=1000, ideas=50)
    assert value_of(unit, _measure("ideas_raised", Size.POPULATION)).value == D(50) / D(400_000) * 1000
    staff_measure = next(m for m in measures(Size.OFFICERS, Size.WORKFORCE) if m.key == "ideas_raised")
    assert staff_measure.label == "Ideas per 100 staff"
    assert value_of(unit, staff_measure).value == D(50) / D(1500) * 100


def test_a_heading_sorts_names_from_a_and_figures_from_the_highest_then_the_other_way() -> None:
    query = {"fy": 2026}
    assert sort_link("/national", query, "name", "ideas_raised", "desc").endswith("sort=name&order=asc")
    assert sort_link("/national", query, "ideas_raised", "name", "asc").endswith("sort=ideas_raised&order=desc")
    assert sort_link("/national", query, "ideas_raised", "ideas_raised", "desc").endswith("order=asc")
    assert sort_link("/national", query, "name", "name", "asc").endswith("order=desc")
    assert sort_link("/national", query, "name", "name", "asc").startswith("/national?fy=2026&")


def test_released_time_not_redeployed_is_weighted_by_hours() -> None:
    # 300 of 400 hours and 100 of 100: the mean of the shares is 87.5%, the hours say 80%.
    north = _unit("NORTH", officers=200, ideas=1, released=("400", "300"))
    central = _unit("CENTRAL", officers=100, ideas=1, released=("100", "100"))
    never = _unit("NONE", officers=100, ideas=1)  # released none: no figure, no weight
    measure = _measure("not_redeployed")
    assert [value_of(unit, measure).value for unit in (north, central, never)] == [D(75), D(100), None]
    assert weighted([north, central, never], measure) == D(80)
    assert measure.better == "lower"


def test_improvements_sustained_are_a_share_of_those_known_from_ten() -> None:
    known = {Sustained.SUSTAINED: 7, Sustained.SLIPPING: 4, Sustained.NOT_YET_KNOWN: 30}
    measure = _measure("sustained_improvements")
    found = value_of(_unit("A", officers=100, ideas=1, improvements=known), measure)
    assert (found.numerator, found.denominator) == (7, 11)  # not yet known: left out, not failed
    assert found.value == D(7) / D(11) * 100
    few = value_of(_unit("B", officers=100, ideas=1, improvements={Sustained.SUSTAINED: 9}), measure)
    assert few.too_little_data is True
    assert few.value is None
