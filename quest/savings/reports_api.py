"""The savings reports in the JSON API: the figures /savings/forecasts and /savings/released-time show,
under the names they use (money as decimal strings in pounds, hours and shares as numbers)."""

from __future__ import annotations

import decimal
from dataclasses import dataclass

from litestar import Controller, get

from quest.savings.forecast_report import forecast_report
from quest.savings.forecasts import Accuracy
from quest.savings.redeployment import ReleasedTime, released_time_report
from quest.savings.rules import financial_year
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Today, Viewer
from quest.web.pages import FinancialYear


def _number(value: decimal.Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class AccuracyOut:
    # Ideas with a forecast and a claim whose counted claims fall in the year.
    ideas: int
    # The year's share (by days) of their forecasts and of their actual claims, £.
    forecast_gbp: str
    actual_gbp: str
    variance_gbp: str
    # actual_gbp ÷ forecast_gbp, to four places (0.9123); null without a forecast.
    accuracy: float | None
    # How many of the ideas' actual £ a year came within ±20% of their forecast.
    within_20_percent: int

    @classmethod
    def of(cls, figures: Accuracy) -> AccuracyOut:
        return cls(
            ideas=figures.ideas,
            forecast_gbp=f"{figures.forecast:.2f}",
            actual_gbp=f"{figures.actual:.2f}",
            variance_gbp=f"{figures.variance:.2f}",
            accuracy=_number(figures.accuracy),
            within_20_percent=figures.within,
        )


@dataclass(frozen=True)
class UnitAccuracyOut:
    # A division (a force's reach) or a force (the country's).
    id: str
    name: str
    accuracy: AccuracyOut


@dataclass(frozen=True)
class IdeaForecastOut:
    idea_id: str
    ref: str
    title: str
    division: str
    # The division or force it is counted under (grouped_by), or its division.
    unit_id: str
    # £ a year: the forecast (the last of a chain of corrected forecasts), the actual (live claimed and
    # validated claims), actual − forecast, and that in per cent of the forecast (one place).
    forecast_gbp_per_year: str
    actual_gbp_per_year: str
    variance_gbp_per_year: str
    variance_pct: float | None
    within_20_percent: bool
    # The year's share of each, £.
    forecast_gbp: str
    actual_gbp: str


@dataclass(frozen=True)
class ForecastsOut:
    fy: int
    # What units breaks the reach down by: "division" (a force), "force" (the country), or null (one
    # division, no units).
    grouped_by: str | None
    all: AccuracyOut
    units: list[UnitAccuracyOut]
    ideas: list[IdeaForecastOut]


@dataclass(frozen=True)
class DestinationOut:
    # As most claims spell it; "Not yet redeployed" for blank, "none" and "not redeployed".
    destination: str
    not_yet_redeployed: bool
    validated_hours: float
    claimed_hours: float
    hours: float
    # hours ÷ all the hours released (of the unit), to four places.
    share: float | None


@dataclass(frozen=True)
class ReleasedOut:
    validated_hours: float
    claimed_hours: float
    hours: float
    not_yet_redeployed_hours: float
    # not_yet_redeployed_hours ÷ hours, to four places; null when no time was released.
    not_yet_redeployed_share: float | None
    claims: int
    destinations: list[DestinationOut]

    @classmethod
    def of(cls, released: ReleasedTime) -> ReleasedOut:
        return cls(
            validated_hours=float(released.validated),
            claimed_hours=float(released.claimed),
            hours=float(released.hours),
            not_yet_redeployed_hours=float(released.not_redeployed),
            not_yet_redeployed_share=_number(released.not_redeployed_share),
            claims=released.claims,
            destinations=[
                DestinationOut(
                    destination=found.name,
                    not_yet_redeployed=found.not_redeployed,
                    validated_hours=float(found.validated),
                    claimed_hours=float(found.claimed),
                    hours=float(found.hours),
                    share=_number(found.share),
                )
                for found in released.destinations
            ],
        )


@dataclass(frozen=True)
class UnitReleasedOut:
    id: str
    name: str
    released: ReleasedOut


@dataclass(frozen=True)
class ReleasedTimeOut:
    fy: int
    grouped_by: str | None
    all: ReleasedOut
    units: list[UnitReleasedOut]


_SCOPE = (
    "Scoped as /savings is: a manager (or staff member) sees their division, validators and force "
    "headquarters their force (by division), national and admin every force (by force). fy names the "
    "financial year by the year it starts (1 April fy to 31 March fy + 1; the current one when absent)."
)


class SavingsReportsApi(Controller):
    path = "/api/v1/savings"
    tags = ["Savings"]

    @get(
        "/forecasts",
        summary="Forecast against actual",
        description="Each idea with both a forecast and a claim in financial year fy: its forecast and actual "
        "in £ a year, the variance, and the year's share of each; the accuracy (actual ÷ forecast, the year's "
        "shares) of all of them and of each division or force, with how many came within 20% of forecast. " + _SCOPE,
        operation_id="getForecastAccuracy",
        responses=refusals(),
    )
    async def forecasts(
        self, db_session: DatabaseSession, viewer: Viewer, today: Today, fy: FinancialYear = None
    ) -> ForecastsOut:
        year = fy or financial_year(today)
        report = await forecast_report(db_session, viewer, year)
        return ForecastsOut(
            fy=year,
            grouped_by=report.grouped_by,
            all=AccuracyOut.of(report.overall),
            units=[UnitAccuracyOut(str(unit.id), unit.name, AccuracyOut.of(unit.accuracy)) for unit in report.units],
            ideas=[
                IdeaForecastOut(
                    idea_id=str(idea.idea_id),
                    ref=idea.reference,
                    title=idea.title,
                    division=idea.division_name,
                    unit_id=str(idea.unit_id),
                    forecast_gbp_per_year=f"{idea.variance.forecast:.2f}",
                    actual_gbp_per_year=f"{idea.variance.actual:.2f}",
                    variance_gbp_per_year=f"{idea.variance.gbp:.2f}",
                    variance_pct=_number(idea.variance.percent),
                    within_20_percent=idea.variance.within,
                    forecast_gbp=f"{idea.forecast_in_year:.2f}",
                    actual_gbp=f"{idea.actual_in_year:.2f}",
                )
                for idea in report.ideas
            ],
        )

    @get(
        "/released-time",
        summary="Where released time went",
        description="The hours released in financial year fy by claimed and validated savings of time (each "
        "the year's share by days; a possible double count once), by where they are redeployed, with the "
        "share not yet redeployed: all together and for each division or force. " + _SCOPE,
        operation_id="getReleasedTime",
        responses=refusals(),
    )
    async def released_time(
        self, db_session: DatabaseSession, viewer: Viewer, today: Today, fy: FinancialYear = None
    ) -> ReleasedTimeOut:
        year = fy or financial_year(today)
        report = await released_time_report(db_session, viewer, year)
        return ReleasedTimeOut(
            fy=year,
            grouped_by=report.grouped_by,
            all=ReleasedOut.of(report.overall),
            units=[UnitReleasedOut(str(unit.id), unit.name, ReleasedOut.of(unit.released)) for unit in report.units],
        )
