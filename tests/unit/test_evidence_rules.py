"""The evidence behind a saving (quest.savings.evidence), the costs netted off it (quest.savings.costs) and
whether an improvement holds (quest.metrics.sustainment): worked examples, and the rules' properties."""

from __future__ import annotations

import datetime
import decimal
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quest.metrics.sustainment import Sustained, checks, idea_state, months_after, state_of
from quest.metrics.vocabulary import Direction
from quest.savings.costs import (
    CostFacts,
    CostRecurrence,
    costs_in_year,
    one_off_total,
    payback_months,
    yearly_recurring,
)
from quest.savings.evidence import Baseline, EvidenceFacts, EvidenceGrade, proposed_grade
from quest.savings.rules import ClaimFacts, ClaimKind, ClaimStatus, totals

D = decimal.Decimal
HOURS = D(1650)
DAY = datetime.timedelta(days=1)

# --- Evidence grades ----------------------------------------------------------------------------------------

EVERYTHING = EvidenceFacts(baseline=Baseline(points=60), improvement=True, costs_recorded=True)


def test_a_claim_with_every_fact_in_place_is_proposed_fairly_stated() -> None:
    proposal = proposed_grade(EVERYTHING)
    assert proposal.grade is EvidenceGrade.FAIRLY_STATED
    assert all(check.holds for check in proposal.checks)
    assert proposal.why.startswith("Every check holds")


@pytest.mark.parametrize(
    ("facts", "grade", "because"),
    [
        (EvidenceFacts(baseline=None, improvement=False), EvidenceGrade.NOT_SHOWN, "the claim rests on no measure"),
        (
            EvidenceFacts(baseline=Baseline(points=0), improvement=False, costs_recorded=True),
            EvidenceGrade.NOT_SHOWN,
            "0 readings before the change",
        ),
        (
            EvidenceFacts(baseline=Baseline(points=60), improvement=False, costs_recorded=True),
            EvidenceGrade.NOT_SHOWN,
            "no special cause of improvement after the change",
        ),
        (
            EvidenceFacts(
                baseline=Baseline(points=60),
                improvement=True,
                worsened_balancing=("Repeat calls",),
                costs_recorded=True,
            ),
            EvidenceGrade.NOT_SHOWN,
            "a balancing measure worsened: Repeat calls",
        ),
        (
            EvidenceFacts(baseline=Baseline(points=11), improvement=True, costs_recorded=True),
            EvidenceGrade.FAIRLY_STATED_MEASUREMENT_ISSUES,
            "11 readings before the change",
        ),
        (
            EvidenceFacts(baseline=Baseline(points=60, back_filled=3), improvement=True, costs_recorded=True),
            EvidenceGrade.FAIRLY_STATED_MEASUREMENT_ISSUES,
            "60 readings before the change, 3 of them back-filled",
        ),
        (
            EvidenceFacts(baseline=Baseline(points=60), improvement=True, costs_recorded=False),
            EvidenceGrade.FAIRLY_STATED_MEASUREMENT_ISSUES,
            "no costs are recorded for the idea",
        ),
    ],
)
def test_each_missing_fact_lowers_the_proposal_and_says_why(
    facts: EvidenceFacts, grade: EvidenceGrade, because: str
) -> None:
    proposal = proposed_grade(facts)
    assert proposal.grade is grade
    assert because in proposal.why


@given(
    st.builds(
        EvidenceFacts,
        baseline=st.none() | st.builds(Baseline, points=st.integers(0, 40), back_filled=st.integers(0, 5)),
        improvement=st.booleans(),
        worsened_balancing=st.lists(st.sampled_from(["Complaints", "Repeat calls"]), max_size=2).map(tuple),
        costs_recorded=st.booleans(),
    )
)
def test_the_proposal_is_fairly_stated_exactly_when_every_check_holds(facts: EvidenceFacts) -> None:
    proposal = proposed_grade(facts)
    assert (proposal.grade is EvidenceGrade.FAIRLY_STATED) == all(check.holds for check in proposal.checks)
    # Nothing shows a saving without a baseline, an improvement, and no balancing measure worse.
    shown = facts.baseline is not None and facts.baseline.points > 0 and facts.improvement
    assert (proposal.grade is EvidenceGrade.NOT_SHOWN) == (not shown or bool(facts.worsened_balancing))


def test_a_baseline_warns_when_short_or_back_filled() -> None:
    assert Baseline(points=12).warning is None
    assert Baseline(points=0).warning == "The measure has no readings before the change: there is no baseline."
    assert Baseline(points=5, back_filled=1).warning == (
        "The baseline has only 5 readings before the change; at least 12 are needed to trust its limits. "
        "1 of the baseline's readings was entered after the change (back-filled)."
    )


def _validated(number: int, grade: EvidenceGrade | None, amount: str) -> ClaimFacts:
    return ClaimFacts(
        id=f"c{number}",
        division_id="north",
        mechanism=f"mechanism {number}",
        kind=ClaimKind.CASHABLE,
        status=ClaimStatus.VALIDATED,
        period_start=datetime.date(2025, 4, 1),
        period_end=None,
        amount_per_year=D(amount),
        hours_per_year=D(0),
        created_at=datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC),
        evidence_grade=grade,
    )


def test_the_headline_counts_fairly_stated_claims_net_of_costs() -> None:
    claims = [
        _validated(1, EvidenceGrade.FAIRLY_STATED, "420000.00"),
        _validated(2, EvidenceGrade.FAIRLY_STATED_MEASUREMENT_ISSUES, "10000.00"),
        _validated(3, EvidenceGrade.NOT_SHOWN, "50000.00"),
        _validated(4, None, "7000.00"),
    ]
    costs = costs_in_year(
        [CostFacts(CostRecurrence.ONE_OFF, ClaimKind.CASHABLE, D("12500.00"), D(0), datetime.date(2025, 6, 1))],
        2025,
        HOURS,
    )
    found = totals(claims, 2025, HOURS, costs=costs)
    assert found.validated.total_gbp == D("487000.00")  # every validated claim, as before
    assert found.gross_gbp == D("430000.00")  # the headline grades alone
    assert found.net_gbp == D("417500.00")
    shape = found.as_json()
    assert (shape["gross_gbp"], shape["costs_gbp"], shape["net_gbp"]) == ("430000.00", "12500.00", "417500.00")
    by_grade = shape["by_grade"]
    assert isinstance(by_grade, dict)
    assert {key: value["total_gbp"] for key, value in by_grade.items()} == {
        "fairly_stated": "420000.00",
        "fairly_stated_measurement_issues": "10000.00",
        "not_shown": "50000.00",
        "ungraded": "7000.00",
    }


# --- Costs ----------------------------------------------------------------------------------------------------


def test_a_one_off_cost_counts_whole_in_its_financial_year_and_a_recurring_one_by_its_days() -> None:
    laptop = CostFacts(CostRecurrence.ONE_OFF, ClaimKind.CASHABLE, D("1200.00"), D(0), datetime.date(2026, 3, 31))
    # A recurring licence at £730 a year from 1 October 2025: FY2025 (1 April 2025 to 31 March 2026) has
    # 365 days, and 1 October to 31 March is 182 of them.
    licence = CostFacts(
        CostRecurrence.RECURRING, ClaimKind.CASHABLE, D("730.00"), D(0), datetime.date(2025, 10, 1), None
    )
    training = CostFacts(
        CostRecurrence.ONE_OFF, ClaimKind.NON_CASHABLE, D("1095.30"), D(30), datetime.date(2025, 5, 1)
    )  # 30 constable hours at £36.51
    year = costs_in_year([laptop, licence, training], 2025, HOURS)
    assert year.cashable_gbp == D("1200.00") + D("364.00")  # 730 × 182 / 365 = 364.00
    assert year.non_cashable_gbp == D("1095.30")
    assert year.hours == D(30)
    assert costs_in_year([laptop, licence, training], 2026, HOURS).cashable_gbp == D("730.00")
    assert costs_in_year([laptop], 2026, HOURS).total_gbp == 0


def test_payback_is_the_one_off_costs_over_the_net_monthly_saving_rounded_up() -> None:
    # £12,500 one-off against £420,000 a year less £2,400 a year of recurring costs: 0.36 months, shown 0.4.
    assert payback_months(D("12500"), D("420000"), D("2400")) == D("0.4")
    assert payback_months(D(0), D("1000"), D(0)) == 0
    # A saving that never exceeds its recurring costs never pays back.
    assert payback_months(D("100"), D("1000"), D("1000")) is None
    costs = [
        CostFacts(CostRecurrence.ONE_OFF, ClaimKind.CASHABLE, D("12500.00"), D(0), datetime.date(2025, 6, 1)),
        CostFacts(CostRecurrence.RECURRING, ClaimKind.CASHABLE, D("2400.00"), D(0), datetime.date(2025, 6, 1)),
    ]
    assert one_off_total(costs) == D("12500.00")
    assert yearly_recurring(costs, HOURS).total_gbp == D("2400.00")


@given(
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_payback_is_never_sooner_than_the_exact_figure(one_off: D, saving: D, recurring: D) -> None:
    months = payback_months(one_off, saving, recurring)
    if saving <= recurring:
        assert months is None
    else:
        assert months is not None
        exact = one_off * 12 / (saving - recurring)
        assert exact <= months < exact + D("0.1")


# --- Sustainment ------------------------------------------------------------------------------------------------

CHANGE = datetime.date(2025, 6, 2)


def _daily(
    before: float, after: float, *, days_after: int = 400, drift_from: int | None = None
) -> list[tuple[datetime.date, int]]:
    """A daily backlog around ``before`` for 120 days, then around ``after`` (drifting back up to
    ``before`` from day ``drift_from`` after the change, if given), with a little noise."""
    noise = random.Random(7)
    series = []
    for offset in range(-120, days_after):
        level = before if offset < 0 else after
        if drift_from is not None and offset >= drift_from:
            level = after + (before - after) * min(1.0, (offset - drift_from) / 60)
        series.append((CHANGE + offset * DAY, round(level + noise.uniform(-3, 3))))
    return series


def test_checks_fall_due_at_3_6_and_12_months() -> None:
    assert [months_after(CHANGE, months) for months in (3, 6, 12)] == [
        datetime.date(2025, 9, 2),
        datetime.date(2025, 12, 2),
        datetime.date(2026, 6, 2),
    ]
    assert months_after(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)


def test_an_improvement_that_holds_is_sustained_at_12_months() -> None:
    found = checks(_daily(100, 9), CHANGE, Direction.DOWN, today=datetime.date(2026, 7, 1))
    assert [check.state for check in found] == [Sustained.SUSTAINED] * 3
    assert state_of(found, datetime.date(2026, 7, 1)) is Sustained.SUSTAINED


def test_an_improvement_drifting_back_is_slipping_once_the_check_sees_it() -> None:
    found = checks(_daily(100, 9, drift_from=200), CHANGE, Direction.DOWN, today=datetime.date(2026, 7, 1))
    states = {check.months: check.state for check in found}
    assert states[3] is Sustained.SUSTAINED
    assert states[6] is Sustained.SUSTAINED
    assert states[12] is Sustained.SLIPPING
    assert state_of(found, datetime.date(2026, 7, 1)) is Sustained.SLIPPING


def test_a_check_is_not_yet_known_before_it_is_due_or_without_readings() -> None:
    found = checks(_daily(100, 9, days_after=100), CHANGE, Direction.DOWN, today=datetime.date(2025, 9, 10))
    assert [check.state for check in found] == [Sustained.SUSTAINED, Sustained.NOT_YET_KNOWN, Sustained.NOT_YET_KNOWN]
    assert found[1].why == "due on 2 December 2025"
    # No readings before the change: nothing to hold against.
    after_only = [(day, value) for day, value in _daily(100, 9) if day >= CHANGE]
    assert (
        checks(after_only, CHANGE, Direction.DOWN, today=datetime.date(2026, 7, 1))[0].state is Sustained.NOT_YET_KNOWN
    )
    # Another change to the measure before the check: the two cannot be told apart.
    later = checks(_daily(100, 9), CHANGE, Direction.DOWN, datetime.date(2026, 7, 1), [datetime.date(2025, 8, 1)])
    assert later[0].state is Sustained.NOT_YET_KNOWN
    assert "another change" in later[0].why
    assert state_of(found, datetime.date(2025, 6, 10)) is Sustained.NOT_YET_KNOWN


def test_an_ideas_state_is_slipping_if_any_outcome_slips_and_sustained_only_if_all_are() -> None:
    assert idea_state([Sustained.SUSTAINED, Sustained.SLIPPING]) is Sustained.SLIPPING
    assert idea_state([Sustained.SUSTAINED, Sustained.SUSTAINED]) is Sustained.SUSTAINED
    assert idea_state([Sustained.SUSTAINED, Sustained.NOT_YET_KNOWN]) is Sustained.NOT_YET_KNOWN
    assert idea_state([]) is Sustained.NOT_YET_KNOWN
