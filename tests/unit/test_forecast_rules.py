"""Forecast against actual (quest.savings.forecasts): worked examples, then properties with hypothesis."""

from __future__ import annotations

import datetime
import decimal
import random

from hypothesis import given
from hypothesis import strategies as st

from quest.savings.forecasts import (
    ForecastFacts,
    IdeaInYear,
    RecordedAs,
    Variance,
    accuracy,
    accuracy_by,
    actual_claims,
    counted_forecasts,
    idea_in_year,
    idea_variance,
    ideas_in_year,
    recorded_as_of,
    year_share,
)
from quest.savings.rules import ClaimStatus

D = decimal.Decimal
F, C = RecordedAs.FORECAST, RecordedAs.CLAIMED
S = ClaimStatus
APRIL = datetime.date(2026, 4, 1)
OCTOBER = datetime.date(2026, 10, 1)


def claim(
    claim_id: str,
    recorded: RecordedAs,
    status: ClaimStatus,
    amount: str,
    supersedes: str | None = None,
    *,
    idea: str = "idea",
    start: datetime.date = APRIL,
    end: datetime.date | None = None,
) -> ForecastFacts:
    return ForecastFacts(claim_id, idea, recorded, status, supersedes, D(amount), start, end)


def test_what_a_new_claim_is_recorded_as() -> None:
    assert recorded_as_of(S.FORECAST) is F
    assert recorded_as_of("forecast") is F
    for status in (S.CLAIMED, S.VALIDATED, S.REJECTED, S.SUPERSEDED):
        assert recorded_as_of(status) is C


def test_a_forecast_claimed_by_a_superseding_claim() -> None:
    claims = [claim("f", F, S.SUPERSEDED, "10000"), claim("c", C, S.VALIDATED, "9000", "f")]
    variance = idea_variance(claims)
    assert (variance.forecast, variance.actual, variance.gbp, variance.percent) == (
        D(10000),
        D(9000),
        D(-1000),
        D("-10.0"),
    )
    assert variance.within


def test_a_forecast_corrected_by_a_forecast_counts_only_as_corrected() -> None:
    claims = [
        claim("f1", F, S.SUPERSEDED, "4000"),
        claim("f2", F, S.SUPERSEDED, "5000", "f1"),
        claim("c", C, S.CLAIMED, "8000", "f2"),
    ]
    assert [found.id for found in counted_forecasts(claims)] == ["f2"]
    variance = idea_variance(claims)
    assert (variance.forecast, variance.actual, variance.percent, variance.within) == (
        D(5000),
        D(8000),
        D("60.0"),
        False,
    )


def test_the_actual_is_the_live_claims_recorded_as_claimed() -> None:
    claims = [
        claim("f", F, S.SUPERSEDED, "1000"),
        claim("c1", C, S.SUPERSEDED, "900", "f"),  # corrected: no longer counts
        claim("c2", C, S.VALIDATED, "950", "c1"),
        claim("c3", C, S.REJECTED, "400"),  # rejected: counts nowhere
        claim("c4", C, S.CLAIMED, "100"),  # a second saving of the idea, not yet validated
        claim("f9", F, S.FORECAST, "200"),  # a forecast still live: part of the forecast
    ]
    assert [found.id for found in actual_claims(claims)] == ["c2", "c4"]
    assert [found.id for found in counted_forecasts(claims)] == ["f", "f9"]
    assert idea_variance(claims) == Variance(D(1200), D(1050))


def test_variance_needs_both_and_a_forecast_above_nothing() -> None:
    assert idea_variance([claim("f", F, S.FORECAST, "10")]) == Variance(D(10), None)
    assert Variance(D(10), None).gbp is None
    assert Variance(D(10), None).percent is None
    assert not Variance(None, D(10)).within
    assert Variance(D(0), D(5)).percent is None
    assert Variance(D(0), D(0)).within
    # Exactly 20% either way is within; a penny more is not.
    assert Variance(D(100), D(120)).within
    assert Variance(D(100), D(80)).within
    assert not Variance(D(100), D("120.01")).within
    assert Variance(D(3), D(1)).percent == D("-66.7")


def test_a_year_counts_each_saving_for_its_days_in_it() -> None:
    claims = [claim("f", F, S.SUPERSEDED, "5000"), claim("c", C, S.CLAIMED, "8000", "f", start=OCTOBER)]
    found = idea_in_year("idea", claims, 2026)
    assert found is not None
    assert year_share(found.forecast_weighted, 2026) == D("5000.00")
    assert year_share(found.actual_weighted, 2026) == D("3989.04")  # 182 of 365 days
    # Neither falls in 2024 (both start in April 2026); both run on into 2027, open-ended.
    assert idea_in_year("idea", claims, 2024) is None
    assert idea_in_year("idea", claims, 2027) is not None
    # An idea with a forecast alone has no place in any year.
    assert idea_in_year("idea", claims[:1], 2026) is None


def test_a_years_accuracy() -> None:
    claims = [
        claim("f", F, S.SUPERSEDED, "10000", idea="a"),
        claim("c", C, S.VALIDATED, "9000", "f", idea="a"),
        claim("g", F, S.SUPERSEDED, "5000", idea="b"),
        claim("d", C, S.CLAIMED, "8000", "g", idea="b", start=OCTOBER),
    ]
    found = ideas_in_year(claims, 2026)
    figures = accuracy(found, 2026)
    assert (figures.ideas, figures.forecast, figures.actual, figures.within) == (2, D("15000.00"), D("12989.04"), 1)
    assert figures.accuracy == D("0.8659")
    assert figures.variance == D("-2010.96")
    assert accuracy([], 2026).accuracy is None


days = st.integers(min_value=0, max_value=900)
amounts = st.decimals(min_value=D("0.01"), max_value=D(500000), places=2)


@st.composite
def idea_claims(draw: st.DrawFn, idea: str = "idea") -> list[ForecastFacts]:
    """An idea's claims as the workflow makes them: chains of replacements, each starting with a forecast
    or a claim, each claim replaced by a forecast or a claim, the last one live, some claims rejected or
    validated."""
    made: list[ForecastFacts] = []
    for chain in range(draw(st.integers(min_value=1, max_value=3))):
        previous: str | None = None
        steps = draw(st.lists(st.sampled_from([F, C]), min_size=1, max_size=4))
        for step, recorded in enumerate(steps):
            last = step == len(steps) - 1
            if not last:
                status = S.SUPERSEDED
            elif recorded is F:
                status = S.FORECAST
            else:
                status = draw(st.sampled_from([S.CLAIMED, S.VALIDATED, S.REJECTED]))
            claim_id = f"{idea}-{chain}-{step}"
            start = APRIL + datetime.timedelta(days=draw(days) - 400)
            length = draw(st.none() | days)
            end = None if length is None else start + datetime.timedelta(days=length)
            made.append(ForecastFacts(claim_id, idea, recorded, status, previous, draw(amounts), start, end))
            previous = claim_id
    return made


@given(idea_claims(), st.randoms())
def test_an_idea_is_judged_the_same_whatever_order_its_claims_come_in(
    claims: list[ForecastFacts], shuffler: random.Random
) -> None:
    shuffled = list(claims)
    shuffler.shuffle(shuffled)
    assert idea_variance(shuffled) == idea_variance(claims)
    assert idea_in_year("idea", shuffled, 2026) == idea_in_year("idea", claims, 2026)


@given(idea_claims())
def test_of_each_chain_only_the_forecasts_a_claim_replaced_or_the_live_one_count(claims: list[ForecastFacts]) -> None:
    replaced_by = {found.supersedes_id: found for found in claims if found.supersedes_id}
    for found in counted_forecasts(claims):
        assert found.recorded_as is F
        successor = replaced_by.get(found.id)
        assert (successor is None and found.status is S.FORECAST) or (
            successor is not None and successor.recorded_as is C
        )
    # A forecast that a forecast replaced never counts.
    for found in claims:
        successor = replaced_by.get(found.id)
        if successor is not None and successor.recorded_as is F:
            assert found not in counted_forecasts(claims)
    variance = idea_variance(claims)
    if variance.both:
        assert variance.forecast is not None
        assert variance.actual is not None
        assert variance.gbp == variance.actual - variance.forecast
        assert variance.within == (abs(variance.actual - variance.forecast) * 5 <= variance.forecast)


@given(idea_claims())
def test_a_forecast_corrected_once_more_before_it_is_claimed_changes_only_the_forecast(
    claims: list[ForecastFacts],
) -> None:
    """Insert a correction (a forecast replacing a forecast) before any forecast: the idea's forecast takes
    the correction's amount in place of the one it corrects, and nothing else changes."""
    target = next((found for found in claims if found.recorded_as is F), None)
    if target is None:
        return
    correction = ForecastFacts(
        "correction", "idea", F, target.status, target.id, target.amount_per_year + 7, target.period_start, None
    )
    corrected = [
        ForecastFacts(
            found.id,
            found.idea_id,
            found.recorded_as,
            S.SUPERSEDED if found is target else found.status,
            "correction" if found.supersedes_id == target.id else found.supersedes_id,
            found.amount_per_year,
            found.period_start,
            found.period_end,
        )
        for found in claims
    ] + [correction]
    before, after = idea_variance(claims), idea_variance(corrected)
    assert after.actual == before.actual
    if target in counted_forecasts(claims):
        assert before.forecast is not None
        assert after.forecast == before.forecast + 7
    else:
        assert after.forecast == before.forecast


@given(st.lists(idea_claims(), min_size=0, max_size=6), st.integers(min_value=2024, max_value=2028))
def test_a_years_totals_are_the_ideas_added_up_and_rounded_once(ideas: list[list[ForecastFacts]], year: int) -> None:
    claims = [
        ForecastFacts(found.id + f"#{number}", f"idea{number}", *_rest(found))
        for number, idea in enumerate(ideas)
        for found in idea
    ]
    found = ideas_in_year(claims, year)
    figures = accuracy(found, year)
    assert figures.ideas == len(found)
    assert 0 <= figures.within <= figures.ideas
    # Each idea's year share rounded apart differs from the rounded total by at most half a penny each.
    apart = sum((year_share(idea.forecast_weighted, year) for idea in found), D(0))
    assert abs(apart - figures.forecast) <= D("0.005") * len(found) + D("0.005")
    if figures.accuracy is not None:
        assert abs(
            figures.accuracy - D(sum(i.actual_weighted for i in found)) / D(sum(i.forecast_weighted for i in found))
        ) <= D("0.00005")
    # By unit: the units' day-weighted sums are the whole's, so their figures add up to within rounding.
    units = accuracy_by(found, lambda idea: int(idea.idea_id.removeprefix("idea")) % 3, year)
    assert sum(unit.ideas for unit in units.values()) == figures.ideas
    assert sum(unit.within for unit in units.values()) == figures.within
    assert abs(sum((unit.actual for unit in units.values()), D(0)) - figures.actual) <= D("0.01") * len(units)


def _rest(found: ForecastFacts) -> tuple[RecordedAs, ClaimStatus, str | None, D, datetime.date, datetime.date | None]:
    return (
        found.recorded_as,
        found.status,
        found.supersedes_id,
        found.amount_per_year,
        found.period_start,
        found.period_end,
    )


@given(idea_claims())
def test_savings_that_cover_the_whole_year_count_in_full(claims: list[ForecastFacts]) -> None:
    whole = [
        ForecastFacts(
            found.id,
            found.idea_id,
            found.recorded_as,
            found.status,
            found.supersedes_id,
            found.amount_per_year,
            APRIL,
            None,
        )
        for found in claims
    ]
    placed = idea_in_year("idea", whole, 2026)
    variance = idea_variance(whole)
    if not variance.both:
        assert placed is None
        return
    assert isinstance(placed, IdeaInYear)
    assert year_share(placed.forecast_weighted, 2026) == variance.forecast
    assert year_share(placed.actual_weighted, 2026) == variance.actual
