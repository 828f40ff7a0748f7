"""Forecast against actual (issue 14, item 5), as pure functions: no I/O.

A saving is forecast at approval and claimed after implementation; a forecast is claimed by recording a
new claim that supersedes it (:mod:`quest.savings.claim_workflow`), so a superseded claim no longer says
it was a forecast. Each claim keeps the status it was recorded in (``recorded_as``: forecast or claimed).

For an idea:
- its **forecast** is the sum of its claims recorded as forecasts that are live (still ``forecast``) or
  were superseded by a claim (one recorded as claimed). A forecast corrected by another forecast is
  superseded by a forecast, so it does not count: of a chain of corrections, only the last forecast does;
- its **actual** is the sum of its live claims recorded as claimed (``claimed`` and ``validated``);
- each in £ a year; the **variance** is actual − forecast, in £ and in per cent of the forecast (None
  without a forecast, or with a forecast of £0).

For a reach and financial year, over the ideas with both whose counted claims fall in the year, at least
in part: the forecast and actual totals, each the year's share by days as savings totals are
(:func:`quest.savings.rules.totals`: yearly figures times days in the year, summed in whole numbers,
divided by the year's days and rounded to the penny once); the **accuracy**, actual ÷ forecast; and how
many ideas came **within ±20%** of their forecast (by £ a year: |actual − forecast| ≤ 20% of forecast).

Double counts are not set aside here: an idea is compared with its own forecast, whatever other ideas
claim.
"""

from __future__ import annotations

import datetime
import decimal
import enum
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from quest.savings.rules import (
    ZERO,
    ClaimStatus,
    DayWeighted,
    days_in_year,
    days_of_year,
    hundredths,
    year_total,
)

D = decimal.Decimal
# How close an actual must come to its forecast to count as "within" it: ±20% of the forecast.
TOLERANCE = D("0.20")
PERCENT_PLACES = D("0.1")
ACCURACY_PLACES = D("0.0001")
Unit = TypeVar("Unit", bound=Hashable)


class RecordedAs(enum.StrEnum):
    """The status a claim was recorded in, kept when it is superseded."""

    FORECAST = "forecast"
    CLAIMED = "claimed"


def recorded_as_of(status: ClaimStatus | str) -> RecordedAs:
    """What a new claim in ``status`` is recorded as: a forecast, or a claim (claimed, or a demo's claim
    written already decided)."""
    return RecordedAs.FORECAST if status == ClaimStatus.FORECAST else RecordedAs.CLAIMED


@dataclass(frozen=True, slots=True)
class ForecastFacts:
    """What forecast against actual needs of a claim."""

    id: str
    idea_id: str
    recorded_as: RecordedAs
    status: ClaimStatus
    supersedes_id: str | None
    amount_per_year: decimal.Decimal
    period_start: datetime.date
    period_end: datetime.date | None


def counted_forecasts(claims: Sequence[ForecastFacts]) -> list[ForecastFacts]:
    """The forecasts that count, of one idea's ``claims``: recorded as forecasts, and live or superseded by a
    claim recorded as claimed (never those a later forecast corrected)."""
    superseded_by = {claim.supersedes_id: claim for claim in claims if claim.supersedes_id is not None}
    counted = []
    for claim in claims:
        if claim.recorded_as is not RecordedAs.FORECAST:
            continue
        if claim.status is ClaimStatus.FORECAST:
            counted.append(claim)
        elif claim.status is ClaimStatus.SUPERSEDED:
            successor = superseded_by.get(claim.id)
            if successor is not None and successor.recorded_as is RecordedAs.CLAIMED:
                counted.append(claim)
    return counted


def actual_claims(claims: Sequence[ForecastFacts]) -> list[ForecastFacts]:
    """The claims that are an idea's actual: live, recorded as claimed (claimed or validated)."""
    return [claim for claim in claims if claim.recorded_as is RecordedAs.CLAIMED and claim.status.live]


@dataclass(frozen=True, slots=True)
class Variance:
    """An idea's forecast and actual, £ a year (None: it has none), and how far apart they are."""

    forecast: decimal.Decimal | None
    actual: decimal.Decimal | None

    @property
    def both(self) -> bool:
        return self.forecast is not None and self.actual is not None

    @property
    def gbp(self) -> decimal.Decimal | None:
        """Actual − forecast, £ a year (None unless there are both)."""
        if self.forecast is None or self.actual is None:
            return None
        return self.actual - self.forecast

    @property
    def percent(self) -> decimal.Decimal | None:
        """The variance in per cent of the forecast, to one place (None without a forecast above £0)."""
        if self.gbp is None or not self.forecast:
            return None
        return (self.gbp * 100 / self.forecast).quantize(PERCENT_PLACES, rounding=decimal.ROUND_HALF_UP)

    @property
    def within(self) -> bool:
        """Whether the actual came within ±20% of the forecast (exactly: not from the rounded per cent)."""
        if self.forecast is None or self.actual is None:
            return False
        return abs(self.actual - self.forecast) <= TOLERANCE * self.forecast


def _sum(claims: Iterable[ForecastFacts]) -> decimal.Decimal | None:
    found = list(claims)
    return sum((claim.amount_per_year for claim in found), ZERO) if found else None


def idea_variance(claims: Sequence[ForecastFacts]) -> Variance:
    """One idea's forecast, actual and variance, from all of its claims."""
    return Variance(_sum(counted_forecasts(claims)), _sum(actual_claims(claims)))


# --- A financial year ------------------------------------------------------------------------------------


def _weighted(claims: Iterable[ForecastFacts], year: int) -> tuple[int, bool]:
    """The claims' £ a year in hundredths, each times its days in financial year ``year`` (whole numbers,
    exact in any order), and whether any falls in the year at all."""
    total, falls = 0, False
    for claim in claims:
        days = days_in_year(claim.period_start, claim.period_end, year)
        if days:
            falls = True
            total += hundredths(claim.amount_per_year) * days
    return total, falls


@dataclass(frozen=True, slots=True)
class IdeaInYear:
    """An idea with a forecast and an actual, in a financial year: its variance (£ a year), and its
    forecast and actual for the year as day-weighted hundredths (see :class:`quest.savings.rules.DayWeighted`),
    to be added up with others' and rounded once."""

    idea_id: str
    variance: Variance
    forecast_weighted: int
    actual_weighted: int


def idea_in_year(idea_id: str, claims: Sequence[ForecastFacts], year: int) -> IdeaInYear | None:
    """An idea's place in financial year ``year``'s forecast against actual: None unless it has both a
    forecast and an actual and one of the claims they count falls in the year, at least in part."""
    variance = idea_variance(claims)
    if not variance.both:
        return None
    forecast, forecast_falls = _weighted(counted_forecasts(claims), year)
    actual, actual_falls = _weighted(actual_claims(claims), year)
    if not (forecast_falls or actual_falls):
        return None
    return IdeaInYear(idea_id, variance, forecast, actual)


def year_share(weighted: int, year: int) -> decimal.Decimal:
    """Day-weighted hundredths of £ as the year's share, to the penny, rounded once as totals are."""
    return year_total(DayWeighted(cash=weighted), days_of_year(year), D(1)).cashable_gbp


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Forecast against actual over some ideas in a financial year: how many, the year's forecast and
    actual (£, each the year's share), actual ÷ forecast (None without a forecast above £0), and how many
    ideas came within ±20% of their forecast."""

    ideas: int
    forecast: decimal.Decimal
    actual: decimal.Decimal
    accuracy: decimal.Decimal | None
    within: int

    @property
    def variance(self) -> decimal.Decimal:
        return self.actual - self.forecast


def accuracy(ideas: Sequence[IdeaInYear], year: int) -> Accuracy:
    """The year's forecast against actual over ``ideas``: the sums of their day-weighted figures, each
    rounded once; accuracy from those sums, exactly, then to four places (0.9123 is 91.23%)."""
    forecast = sum(idea.forecast_weighted for idea in ideas)
    actual = sum(idea.actual_weighted for idea in ideas)
    ratio = (D(actual) / D(forecast)).quantize(ACCURACY_PLACES, rounding=decimal.ROUND_HALF_UP) if forecast else None
    return Accuracy(
        ideas=len(ideas),
        forecast=year_share(forecast, year),
        actual=year_share(actual, year),
        accuracy=ratio,
        within=sum(1 for idea in ideas if idea.variance.within),
    )


def accuracy_by(ideas: Sequence[IdeaInYear], unit_of: Callable[[IdeaInYear], Unit], year: int) -> dict[Unit, Accuracy]:
    """:func:`accuracy` for each unit (a division, a force) of the ideas, by ``unit_of``."""
    grouped: dict[Unit, list[IdeaInYear]] = defaultdict(list)
    for idea in ideas:
        grouped[unit_of(idea)].append(idea)
    return {unit: accuracy(found, year) for unit, found in grouped.items()}


def ideas_in_year(claims: Iterable[ForecastFacts], year: int) -> list[IdeaInYear]:
    """Every idea of ``claims`` (any ideas' claims, in any order) with a forecast and an actual in financial
    year ``year``, in the order each idea first appears."""
    by_idea: dict[str, list[ForecastFacts]] = defaultdict(list)
    for claim in claims:
        by_idea[claim.idea_id].append(claim)
    found = (idea_in_year(idea_id, found, year) for idea_id, found in by_idea.items())
    return [idea for idea in found if idea is not None]
