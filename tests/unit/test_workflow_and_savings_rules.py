"""The workflow's moves and the savings arithmetic (DESIGN §2), as pure functions."""

from __future__ import annotations

import dataclasses
import datetime
import decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quest.ideas.status import IdeaStatus as S
from quest.ideas.workflow import (
    MOVES,
    MoveRequest,
    allowed_moves,
    check_move,
    is_decision,
    is_first_response,
    mover_refusal,
)
from quest.savings.rules import (
    ClaimFacts,
    ClaimKind,
    ClaimStatus,
    Grade,
    PartYear,
    Rate,
    clashes,
    double_counts,
    financial_year,
    financial_year_bounds,
    fte,
    latest_period_start,
    part_of_year,
    rate_on,
    share_in_year,
    totals,
    value_of_hours,
)

D = decimal.Decimal
TODAY = datetime.date(2026, 11, 23)
LANCASHIRE_HOURS = D(11500)
LANCASHIRE_VALUE = D("419865.00")


def test_the_moves_are_exactly_the_designs() -> None:
    assert {status: set(targets) for status, targets in MOVES.items() if targets} == {
        S.SUBMITTED: {S.UNDER_REVIEW, S.DECLINED, S.DUPLICATE, S.PARKED, S.WITHDRAWN},
        S.UNDER_REVIEW: {S.APPROVED, S.DECLINED, S.DUPLICATE, S.PARKED},
        S.PARKED: {S.UNDER_REVIEW},
        S.APPROVED: {S.IN_PROGRESS, S.DECLINED},
        S.IN_PROGRESS: {S.IMPLEMENTED, S.DECLINED},
    }
    assert set(MOVES) == set(S)
    assert allowed_moves(S.IMPLEMENTED) == []
    assert allowed_moves(S.DECLINED) == []
    assert allowed_moves(S.WITHDRAWN) == allowed_moves(S.WITHDRAWN, submitter=True) == []


def test_withdrawal_is_the_submitters_move_and_every_other_the_managers() -> None:
    assert allowed_moves(S.SUBMITTED) == [S.UNDER_REVIEW, S.DECLINED, S.DUPLICATE, S.PARKED]
    assert allowed_moves(S.SUBMITTED, submitter=True) == [S.WITHDRAWN]
    assert allowed_moves(S.UNDER_REVIEW, submitter=True) == []  # once reviewed, too late to withdraw
    manager, submitter, both = {"decides_it": True}, {"raised_it": True}, {"raised_it": True, "decides_it": True}
    assert mover_refusal(S.SUBMITTED, "withdrawn", raised_it=False, **manager) == (
        "Only the person who raised an idea may withdraw it"
    )
    assert mover_refusal(S.SUBMITTED, "withdrawn", decides_it=False, **submitter) is None
    assert mover_refusal(S.SUBMITTED, "under_review", decides_it=False, **submitter) == (
        "Only the idea’s division’s managers may move it"
    )
    assert mover_refusal(S.SUBMITTED, "under_review", raised_it=False, **manager) is None
    assert mover_refusal(S.SUBMITTED, "withdrawn", **both) is None  # a manager's own idea
    assert mover_refusal(S.SUBMITTED, "under_review", **both) is None
    # Moves not open from here, or no move at all, are for check_move to refuse in words.
    assert mover_refusal(S.UNDER_REVIEW, "withdrawn", raised_it=False, **manager) is None
    assert mover_refusal(S.SUBMITTED, "finished", raised_it=False, **manager) is None


def test_withdrawing_needs_a_reason_and_only_from_submitted() -> None:
    _move, errors = check_move(S.SUBMITTED, MoveRequest(to="withdrawn", reason="  "), TODAY)
    assert errors == {"reason": "Say why you are withdrawing your idea: its followers will see this"}
    move, errors = check_move(S.SUBMITTED, MoveRequest(to="withdrawn", reason=" Raised twice "), TODAY)
    assert errors == {}
    assert move is not None
    assert (move.to, move.reason) == (S.WITHDRAWN, "Raised twice")
    _move, errors = check_move(S.UNDER_REVIEW, MoveRequest(to="withdrawn", reason="Too late"), TODAY)
    assert errors == {"to": "An idea that is under review cannot be moved to withdrawn"}


@given(st.sampled_from(S), st.sampled_from(S))
def test_a_withdrawal_is_neither_a_first_response_nor_a_decision(current: S, target: S) -> None:
    if target is S.WITHDRAWN:
        assert not is_first_response(current, target)
        assert not is_decision(target)
    elif current is S.SUBMITTED:
        assert is_first_response(current, target)
    else:
        assert not is_first_response(current, target)
    assert is_decision(target) == (target in {S.APPROVED, S.DECLINED, S.DUPLICATE})


def test_withdrawn_is_shown_as_withdrawn_not_as_a_decline() -> None:
    assert S("withdrawn").label == "Withdrawn"
    assert S.WITHDRAWN.tag_class != S.DECLINED.tag_class


def test_an_illegal_move_is_refused_in_words() -> None:
    move, errors = check_move(S.SUBMITTED, MoveRequest(to="implemented"), TODAY)
    assert move is None
    assert errors == {"to": "An idea that is submitted cannot be moved to implemented"}
    assert check_move(S.SUBMITTED, MoveRequest(to="finished"), TODAY)[1] == {"to": "Choose what happens to the idea"}


@pytest.mark.parametrize("target", ["declined", "parked"])
def test_declining_and_parking_need_a_reason(target: str) -> None:
    _move, errors = check_move(S.UNDER_REVIEW, MoveRequest(to=target, reason="   "), TODAY)
    assert "reason" in errors
    move, errors = check_move(S.UNDER_REVIEW, MoveRequest(to=target, reason="Not this year"), TODAY)
    assert errors == {}
    assert move is not None
    assert move.reason == "Not this year"


def test_a_duplicate_names_its_original() -> None:
    assert check_move(S.SUBMITTED, MoveRequest(to="duplicate"), TODAY)[1] == {
        "duplicate_of": "Enter the reference of the original idea, like LAN-000123"
    }
    move, _errors = check_move(S.SUBMITTED, MoveRequest(to="duplicate", duplicate_of=" lan-000012 "), TODAY)
    assert move is not None
    assert move.duplicate_of == "LAN-000012"


def test_implemented_records_a_past_date_and_what_was_learned() -> None:
    _move, errors = check_move(S.IN_PROGRESS, MoveRequest(to="implemented", change_date="2026-11-24"), TODAY)
    assert errors == {
        "change_date": "The date of the change must be today or in the past",
        "learned": "Say what was learned, so other divisions can repeat it",
    }
    move, errors = check_move(
        S.IN_PROGRESS, MoveRequest(to="implemented", change_date="2026-06-01", learned="Brief first"), TODAY
    )
    assert errors == {}
    assert move is not None
    assert move.change_date == datetime.date(2026, 6, 1)


def test_the_lancashire_arithmetic() -> None:
    # 11,500 hours a year at the sergeant-and-below rate of £36.51 is £419,865.00 a year, about 7.0 FTE.
    assert value_of_hours(D(11500), D("36.51")) == D("419865.00")
    assert fte(D(11500), D(1650)).quantize(D("0.1")) == D("7.0")


def test_financial_years_turn_on_1_april() -> None:
    assert financial_year(datetime.date(2027, 3, 31)) == 2026
    assert financial_year(datetime.date(2027, 4, 1)) == 2027
    assert financial_year_bounds(2026) == (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))


def test_a_claim_is_valued_at_the_rate_in_force_when_its_period_starts() -> None:
    rates = [
        Rate(Grade.CONSTABLE_SERGEANT, D("36.51"), datetime.date(2000, 1, 1)),
        Rate(Grade.CONSTABLE_SERGEANT, D("38.00"), datetime.date(2026, 4, 1)),
        Rate(Grade.PCSO, D("28.90"), datetime.date(2000, 1, 1)),
    ]
    before = rate_on(rates, Grade.CONSTABLE_SERGEANT, datetime.date(2026, 3, 31))
    after = rate_on(rates, Grade.CONSTABLE_SERGEANT, datetime.date(2026, 4, 1))
    assert before is not None
    assert before.hourly == D("36.51")
    assert after is not None
    assert after.hourly == D("38.00")
    assert rate_on(rates, Grade.POLICE_STAFF, TODAY) is None


def test_a_year_counts_its_share_of_a_claim() -> None:
    assert share_in_year(datetime.date(2026, 4, 1), None, 2026) == 1
    assert share_in_year(datetime.date(2026, 4, 1), None, 2025) == 0
    half = share_in_year(datetime.date(2026, 10, 1), datetime.date(2027, 9, 30), 2026)
    assert half == D(182) / D(365)  # 1 October to 31 March
    rest = share_in_year(datetime.date(2026, 10, 1), datetime.date(2027, 9, 30), 2027)
    assert rest == D(183) / D(366)  # 1 April to 30 September; the year to March 2028 has a 29 February


def claim(
    name: str,
    *,
    status: ClaimStatus = ClaimStatus.CLAIMED,
    mechanism: str = "Pending open incidents",
    division: str = "north",
    start: datetime.date = datetime.date(2026, 4, 1),
    end: datetime.date | None = None,
    kind: ClaimKind = ClaimKind.NON_CASHABLE,
    amount: D = LANCASHIRE_VALUE,
    hours: D = LANCASHIRE_HOURS,
) -> ClaimFacts:
    return ClaimFacts(
        id=name,
        division_id=division,
        mechanism=mechanism,
        kind=kind,
        status=status,
        period_start=start,
        period_end=end,
        amount_per_year=amount,
        hours_per_year=hours if kind is ClaimKind.NON_CASHABLE else D(0),
        created_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=len(name)),
    )


def test_overlapping_claims_on_one_mechanism_in_one_division_are_flagged_and_counted_once() -> None:
    first = claim("a", status=ClaimStatus.VALIDATED)
    second = claim("bb", mechanism="  PENDING open   incidents ")
    elsewhere = claim("ccc", division="west")
    later = claim("dddd", mechanism="Crime allocation")
    assert [[item.id for item in group] for group in double_counts([first, second, elsewhere, later])] == [["a", "bb"]]
    year = totals([first, second, elsewhere, later], 2026, D(1650))
    assert year.flagged_double_counts == 1
    assert year.validated.non_cashable_gbp == D("419865.00")
    assert year.claimed.non_cashable_gbp == D("839730.00")  # "west" and the crime claim; "bb" is left out
    assert year.validated.fte.quantize(D("0.1")) == D("7.0")


def test_a_years_totals_flag_only_the_double_counts_with_a_claim_in_that_year() -> None:
    """A group whose claims all ended before the year is no double count of that year's totals."""
    ended = datetime.date(2025, 9, 30)
    old_pair = [claim(name, start=datetime.date(2025, 4, 1), end=ended) for name in ("a", "bb")]
    spanning = [claim("ccc", mechanism="Desk", end=None), claim("dddd", mechanism="desk", start=ended)]
    every = [*old_pair, *spanning]
    assert totals(every, 2025, D(1650)).flagged_double_counts == 2
    assert totals(every, 2026, D(1650)).flagged_double_counts == 1
    assert totals(every, None, D(1650)).flagged_double_counts == 2


def test_claims_of_two_ideas_resting_on_one_shared_change_to_a_measure_are_a_double_count() -> None:
    shared = frozenset({("metric-1", datetime.date(2026, 6, 1))})
    first = dataclasses.replace(claim("a", mechanism="Fewer visits"), idea_id="idea-1", measure_changes=shared)
    second = dataclasses.replace(claim("bb", mechanism="Desk hours"), idea_id="idea-2", measure_changes=shared)
    # The same idea's own claims on its own change are not, unless their mechanisms match.
    own = dataclasses.replace(claim("ccc", mechanism="Vehicle hire"), idea_id="idea-1", measure_changes=shared)
    later = dataclasses.replace(
        claim("dddd", mechanism="Fewer duplicates"),
        idea_id="idea-3",
        measure_changes=frozenset({("metric-1", datetime.date(2026, 7, 1))}),
    )
    groups = double_counts([first, second, later])
    assert [[item.id for item in group] for group in groups] == [["a", "bb"]]
    assert clashes([first, second, later]) == {"a": ["bb"], "bb": ["a"]}
    assert clashes([first, own]) == {}


def test_a_claim_flagged_names_every_claim_it_clashes_with() -> None:
    found = clashes([claim("a"), claim("bb"), claim("ccc"), claim("dddd", mechanism="Crime allocation")])
    assert found == {"a": ["bb", "ccc"], "bb": ["a", "ccc"], "ccc": ["a", "bb"]}


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (datetime.date(2026, 11, 29), datetime.date(2028, 3, 31)),
        (datetime.date(2027, 3, 31), datetime.date(2028, 3, 31)),
        (datetime.date(2027, 4, 1), datetime.date(2029, 3, 31)),
    ],
)
def test_a_saving_starts_no_later_than_the_end_of_next_financial_year(
    today: datetime.date, latest: datetime.date
) -> None:
    assert latest_period_start(today) == latest


@pytest.mark.parametrize(
    ("start", "end", "part"),
    [
        (datetime.date(2026, 4, 1), None, None),
        (datetime.date(2025, 1, 1), datetime.date(2027, 3, 31), None),
        (datetime.date(2026, 8, 1), None, PartYear(datetime.date(2026, 8, 1), None)),
        (datetime.date(2025, 8, 1), datetime.date(2027, 1, 31), PartYear(None, datetime.date(2027, 1, 31))),
        (
            datetime.date(2026, 8, 1),
            datetime.date(2027, 1, 31),
            PartYear(datetime.date(2026, 8, 1), datetime.date(2027, 1, 31)),
        ),
        (datetime.date(2027, 8, 1), None, None),  # none of it in the year
    ],
)
def test_the_part_of_a_year_a_claim_covers(start: datetime.date, end: datetime.date | None, part: PartYear) -> None:
    assert part_of_year(start, end, 2026) == part


def test_periods_that_do_not_overlap_are_not_a_double_count() -> None:
    first = claim("a", start=datetime.date(2025, 4, 1), end=datetime.date(2026, 3, 31))
    second = claim("bb", start=datetime.date(2026, 4, 1))
    assert double_counts([first, second]) == []


def test_totals_keep_validated_claimed_and_forecast_apart_and_skip_the_dead() -> None:
    rows = [
        claim("v", status=ClaimStatus.VALIDATED, mechanism="one"),
        claim("cc", status=ClaimStatus.CLAIMED, mechanism="two", kind=ClaimKind.CASHABLE, amount=D("1000.00")),
        claim("fff", status=ClaimStatus.FORECAST, mechanism="three"),
        claim("rrrr", status=ClaimStatus.REJECTED, mechanism="four"),
        claim("sssss", status=ClaimStatus.SUPERSEDED, mechanism="five"),
    ]
    result = totals(rows, 2026, D(1650)).as_json()
    assert result["validated"]["non_cashable_gbp"] == "419865.00"
    assert result["claimed"]["cashable_gbp"] == "1000.00"
    assert result["claimed"]["total_gbp"] == "1000.00"
    assert result["forecast"]["hours"] == 11500.0
    assert result["flagged_double_counts"] == 0


@given(
    hours=st.decimals(min_value=D("0.01"), max_value=D(1_000_000), places=2),
    rate=st.decimals(min_value=D("0.01"), max_value=D(1000), places=2),
)
def test_money_is_exact_to_the_penny(hours: D, rate: D) -> None:
    value = value_of_hours(hours, rate)
    assert value == (hours * rate).quantize(D("0.01"), rounding=decimal.ROUND_HALF_UP)
    assert value.as_tuple().exponent == -2


@given(
    start=st.dates(min_value=datetime.date(2020, 4, 1), max_value=datetime.date(2030, 3, 31)),
    length=st.integers(min_value=0, max_value=1500),
)
def test_a_bounded_claim_is_shared_out_over_the_years_it_touches(start: datetime.date, length: int) -> None:
    end = start + datetime.timedelta(days=length)
    years = range(financial_year(start), financial_year(end) + 1)
    days = sum(
        share_in_year(start, end, year) * ((financial_year_bounds(year)[1] - financial_year_bounds(year)[0]).days + 1)
        for year in years
    )
    # Each year's share is a Decimal quotient, so the sum is exact to well within a second of a day.
    assert abs(days - (length + 1)) < D("1e-20")


@given(
    st.lists(
        st.sampled_from([ClaimStatus.FORECAST, ClaimStatus.CLAIMED, ClaimStatus.VALIDATED]), min_size=1, max_size=5
    )
)
def test_copies_of_one_saving_count_once_whatever_their_statuses(statuses: list[ClaimStatus]) -> None:
    copies = [claim("x" * (index + 1), status=status) for index, status in enumerate(statuses)]
    year = totals(copies, 2026, D(1650))
    counted = year.validated.total_gbp + year.claimed.total_gbp + year.forecast.total_gbp
    assert counted == D("419865.00")
    assert year.flagged_double_counts == (1 if len(copies) > 1 else 0)
