"""Savings by financial year: how a period covers the years, and the rollup's rows, which must give
exactly the totals the rule gives (quest.savings.rules.totals) for every year."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
from typing import TypeVar

from hypothesis import given
from hypothesis import strategies as st

from quest.savings.costs import CostFacts, CostRecurrence, costs_in_year
from quest.savings.evidence import EvidenceGrade
from quest.savings.rules import (
    COUNTED_STATUSES,
    GRADE_KEYS,
    ClaimFacts,
    ClaimKind,
    ClaimStatus,
    Coverage,
    DayWeighted,
    counted,
    coverage,
    days_in_year,
    days_of_year,
    financial_year_bounds,
    totals,
    totals_from,
    year_total,
)
from quest.savings.year_sums import cost_rows, flagged_changes, year_rows

K = TypeVar("K")

D = decimal.Decimal
HOURS = D(1650)


def test_how_a_period_covers_the_financial_years() -> None:
    # From the first day of a year, open-ended: every year whole from then on.
    assert coverage(datetime.date(2025, 4, 1), None) == Coverage((), 2025, None)
    # Part of its first year (1 October to 31 March: 182 days), then whole.
    assert coverage(datetime.date(2025, 10, 1), None) == Coverage(((2025, 182),), 2026, None)
    # Within one year, part of it.
    assert coverage(datetime.date(2025, 5, 1), datetime.date(2025, 5, 31)) == Coverage(((2025, 31),), None, None)
    # Exactly one year.
    assert coverage(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)) == Coverage((), 2025, 2025)
    # Part, two whole years, part; the year to March 2028 has a 29 February.
    assert coverage(datetime.date(2025, 10, 1), datetime.date(2028, 9, 30)) == Coverage(
        ((2025, 182), (2028, 183)), 2026, 2027
    )
    assert days_of_year(2027) == 366
    # Parts of two neighbouring years, none whole.
    assert coverage(datetime.date(2025, 10, 1), datetime.date(2026, 9, 30)) == Coverage(
        ((2025, 182), (2026, 183)), None, None
    )


def _claim(
    number: int,
    start: datetime.date,
    length: int | None,
    status: ClaimStatus,
    cash: bool,
    grade: EvidenceGrade | None = None,
) -> ClaimFacts:
    return ClaimFacts(
        id=f"c{number:03}",
        division_id="north",
        mechanism=f"mechanism {number % 3}",  # some share a mechanism: double counts, counted once
        kind=ClaimKind.CASHABLE if cash else ClaimKind.NON_CASHABLE,
        status=status,
        period_start=start,
        period_end=None if length is None else start + datetime.timedelta(days=length),
        amount_per_year=D(1000 + 37 * number) + D("0.33"),
        hours_per_year=D(0) if cash else D(20 + number) + D("0.5"),
        created_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(hours=number),
        evidence_grade=grade if status is ClaimStatus.VALIDATED else None,
    )


claims = st.lists(
    st.tuples(
        st.dates(min_value=datetime.date(2023, 1, 1), max_value=datetime.date(2029, 12, 31)),
        st.none() | st.integers(min_value=0, max_value=1500),
        st.sampled_from(COUNTED_STATUSES),
        st.booleans(),
        st.none() | st.sampled_from(EvidenceGrade),
    ),
    max_size=12,
)
costs = st.lists(
    st.builds(
        CostFacts,
        recurrence=st.sampled_from(CostRecurrence),
        kind=st.sampled_from(ClaimKind),
        amount=st.decimals(min_value=0, max_value=100_000, places=2),
        hours=st.decimals(min_value=0, max_value=5_000, places=2),
        starts=st.dates(min_value=datetime.date(2023, 1, 1), max_value=datetime.date(2029, 12, 31)),
        ends=st.none(),
    ).flatmap(
        lambda cost: (
            st.just(cost)
            if cost.recurrence is CostRecurrence.ONE_OFF
            else st.builds(
                dataclasses.replace,
                st.just(cost),
                ends=st.none()
                | st.integers(min_value=0, max_value=1500).map(lambda days: cost.starts + datetime.timedelta(days)),
            )
        )
    ),
    max_size=8,
)


def _year_sums(rows: dict[tuple[int, K], tuple[DayWeighted, DayWeighted]], year: int) -> dict[K, DayWeighted]:
    """What the database adds up (quest.savings.year_sums.sums_by): the whole-year changes up to the year,
    and the year's parts, by key."""
    sums: dict[K, DayWeighted] = {}
    for (row_year, key), (whole, part) in rows.items():
        if row_year <= year:
            sums[key] = sums.get(key, DayWeighted()) + whole.times(days_of_year(year))
        if row_year == year:
            sums[key] = sums.get(key, DayWeighted()) + part
    return sums


@given(claims)
def test_the_rollup_gives_the_rules_totals_for_every_year(
    drawn: list[tuple[datetime.date, int | None, ClaimStatus, bool, EvidenceGrade | None]],
) -> None:
    facts = [_claim(number, *each) for number, each in enumerate(drawn)]
    rows = year_rows(counted(facts))
    for year in range(2022, 2032):
        sums = dict.fromkeys(COUNTED_STATUSES, DayWeighted())
        graded = dict.fromkeys(GRADE_KEYS, DayWeighted())
        for (status, grade, _not_redeployed), figures in _year_sums(rows, year).items():
            sums[status] += figures
            if grade:
                graded[grade] += figures
        expected = totals(facts, year, HOURS)
        assert totals_from(sums, graded, year, HOURS, expected.flagged_double_counts) == expected


@given(costs)
def test_the_costs_rollup_gives_each_years_costs(drawn: list[CostFacts]) -> None:
    rows = cost_rows(drawn)
    for year in range(2022, 2032):
        figures = _year_sums(rows, year).get(None, DayWeighted())
        assert year_total(figures, days_of_year(year), HOURS) == costs_in_year(drawn, year, HOURS)


@given(
    st.dates(min_value=datetime.date(2020, 4, 1), max_value=datetime.date(2030, 3, 31)),
    st.none() | st.integers(min_value=0, max_value=2000),
)
def test_a_periods_parts_and_whole_years_are_its_days_in_each_year(start: datetime.date, length: int | None) -> None:
    end = None if length is None else start + datetime.timedelta(days=length)
    covered = coverage(start, end)
    for year in range(2019, 2037):
        days = days_in_year(start, end, year)
        whole = (
            covered.first_whole is not None
            and covered.first_whole <= year
            and (covered.last_whole is None or year <= covered.last_whole)
        )
        parts = dict(covered.parts)
        if whole:
            assert days == days_of_year(year)
            assert year not in parts
        else:
            assert days == parts.get(year, 0)
            assert days < days_of_year(year)


def test_a_year_is_rounded_to_the_penny_once_from_exact_sums() -> None:
    # £1,000.01 a year from 1 October to 31 March is 182/365 of it: £498.64 (498.6351...). Two such claims
    # on different mechanisms make £997.27 (997.2702...), not twice the rounded share (£997.28).
    half_years = [
        dataclasses.replace(
            _claim(number, datetime.date(2025, 10, 1), 181, ClaimStatus.VALIDATED, cash=True),
            amount_per_year=D("1000.01"),
        )
        for number in (1, 2)
    ]
    assert totals(half_years[:1], 2025, HOURS).validated.cashable_gbp == D("498.64")
    assert totals(half_years, 2025, HOURS).validated.cashable_gbp == D("997.27")


@given(st.lists(claims, min_size=1, max_size=5))
def test_a_years_flagged_groups_are_those_with_a_claim_in_it(
    drawn: list[list[tuple[datetime.date, int | None, ClaimStatus, bool]]],
) -> None:
    number = 0
    groups = []
    for group in drawn:
        if group:
            groups.append([_claim(number + index, *each) for index, each in enumerate(group)])
            number += len(group)
    changes = flagged_changes(groups)
    for year in range(2020, 2035):
        first_day, last_day = financial_year_bounds(year)
        touching = sum(
            1
            for group in groups
            if any(
                claim.period_start <= last_day and (claim.period_end is None or claim.period_end >= first_day)
                for claim in group
            )
        )
        assert sum(change for changed, change in changes.items() if changed <= year) == touching
