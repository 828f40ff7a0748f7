"""The dashboards in the JSON API (DESIGN §6): the figures each page shows, under the names it uses.

``GET /api/v1/dashboards/divisions/{division_id}?fy=YYYY`` answers what the division's dashboard shows
(:mod:`quest.dashboards.division`), for whoever may see that division's work (404 otherwise)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Controller, get
from litestar.params import FromPath

from quest.dashboards import division as divisions
from quest.savings.api import TotalsOut
from quest.savings.rules import financial_year
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, KeptMeasuresReadings, Now, Today, Viewer
from quest.web.pages import FinancialYear


@dataclass(frozen=True)
class OverdueIdeaOut:
    ref: str
    title: str
    status: str
    raised_on: datetime.date
    age_days: int
    first_response_overdue: bool
    decision_overdue: bool


@dataclass(frozen=True)
class OverdueOut:
    first_response: int
    decision: int
    total: int
    # The oldest, at most 20: the page's list.
    ideas: list[OverdueIdeaOut]


@dataclass(frozen=True)
class MedianDaysOut:
    # Median whole days from raising to a first response, and to a decision, of the ideas that had it in
    # financial year fy (the force comparison's figures for the division); null when none had.
    first_response: float | None
    decision: float | None


@dataclass(frozen=True)
class ParticipationOut:
    window_start: datetime.date
    window_end: datetime.date
    staff: int
    submitters_12m: int
    # submitters_12m ÷ staff; null when the division has no staff accounts.
    share: float | None
    ideas_12m: int
    size_fte: float
    # ideas_12m per 100 of size_fte (officers and staff); null when the division's size is not recorded.
    ideas_per_100_staff: float | None
    responses_due: int
    responded_in_time: int
    # responded_in_time ÷ responses_due; null when no first response is due yet.
    first_response_within_sla: float | None


@dataclass(frozen=True)
class MeasureOut:
    metric_id: str
    name: str
    unit: str
    kind: str
    latest: float | None
    latest_on: datetime.date | None
    variation: str | None
    assurance: str | None
    target: float | None
    readings: int


@dataclass(frozen=True)
class MeasureImpactOut:
    metric_id: str
    name: str
    change_date: datetime.date
    change_pct: float | None
    improved: bool | None
    wording: str


@dataclass(frozen=True)
class ImplementedOut:
    ref: str
    title: str
    implemented_on: datetime.date | None
    validated_gbp_per_year: str
    impacts: list[MeasureImpactOut]


@dataclass(frozen=True)
class BacklogChangeOut:
    name: str
    before: float
    after: float


@dataclass(frozen=True)
class WeekOut:
    since: datetime.date
    raised: int
    decided: int
    validated: int
    backlog: BacklogChangeOut | None


@dataclass(frozen=True)
class SlaOut:
    first_response_days: int
    decision_days: int


@dataclass(frozen=True)
class DivisionOut:
    id: str
    code: str
    name: str
    force_code: str
    officers_fte: float
    staff_fte: float


@dataclass(frozen=True)
class DivisionDashboardOut:
    division: DivisionOut
    fy: int
    sla: SlaOut
    savings: TotalsOut
    # Ideas by status, every status (zero where there are none).
    pipeline: dict[str, int]
    overdue: OverdueOut
    median_days: MedianDaysOut
    participation: ParticipationOut
    # Backlogs only; ``measures`` has every measure of the division (the SPC summary).
    backlogs: list[MeasureOut]
    measures: list[MeasureOut]
    # Hours lost a year by waste type, over the waste observed in the year (types with none left out).
    waste: dict[str, float]
    implemented: list[ImplementedOut]
    week: WeekOut
    # Ideas judged by outcome measures, by whether their improvement holds: sustained, slipping, not_yet_known.
    sustained: dict[str, int]
    # The share of the year's released hours not yet redeployed (0.25 is a quarter; null: none released).
    not_redeployed_share: float | None

    @classmethod
    def of(cls, found: divisions.DivisionDashboard) -> DivisionDashboardOut:
        place, participation = found.place, found.participation
        counted = {count.status: count.ideas for count in found.pipeline}
        measures = [_measure(measure) for measure in found.measures]
        week = found.week
        return cls(
            division=DivisionOut(
                str(place.id),
                place.code,
                place.name,
                place.force_code,
                float(place.officers_fte),
                float(place.staff_fte),
            ),
            fy=found.year,
            sla=SlaOut(found.sla.first_response_days, found.sla.decision_days),
            savings=TotalsOut.of(found.savings),
            pipeline={status.value: counted.get(status, 0) for status in divisions.PIPELINE_ORDER},
            overdue=OverdueOut(
                found.overdue.first_response,
                found.overdue.decision,
                found.overdue.total,
                [
                    OverdueIdeaOut(
                        idea.reference,
                        idea.title,
                        idea.status.value,
                        idea.raised_on,
                        idea.age_days,
                        idea.first_response_overdue,
                        idea.decision_overdue,
                    )
                    for idea in found.overdue.ideas
                ],
            ),
            median_days=MedianDaysOut(
                found.medians.median_days_to_first_response, found.medians.median_days_to_decision
            ),
            participation=ParticipationOut(
                window_start=participation.window_start,
                window_end=participation.window_end,
                staff=participation.staff,
                submitters_12m=participation.submitters_12m,
                share=_number(participation.share),
                ideas_12m=participation.ideas_12m,
                size_fte=float(participation.size_fte),
                ideas_per_100_staff=_number(participation.ideas_per_100_staff),
                responses_due=participation.responses_due,
                responded_in_time=participation.responded_in_time,
                first_response_within_sla=_number(participation.first_response_within_sla),
            ),
            backlogs=[out for out, measure in zip(measures, found.measures, strict=True) if measure.is_backlog],
            measures=measures,
            waste={waste_type.value: float(hours) for waste_type, hours in found.waste_hours.items()},
            implemented=[
                ImplementedOut(
                    idea.reference,
                    idea.title,
                    idea.implemented_on,
                    f"{idea.validated_gbp_per_year:.2f}",
                    [
                        MeasureImpactOut(
                            str(impact.metric_id),
                            impact.name,
                            impact.change_date,
                            impact.change_pct,
                            impact.improved,
                            impact.wording,
                        )
                        for impact in idea.impacts
                    ],
                )
                for idea in found.implemented
            ],
            week=WeekOut(
                week.since,
                week.raised,
                week.decided,
                week.validated,
                BacklogChangeOut(week.backlog.name, float(week.backlog.before), float(week.backlog.after))
                if week.backlog
                else None,
            ),
            sustained={state.value: count for state, count in found.sustained.items()},
            not_redeployed_share=_number(found.not_redeployed),
        )


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _measure(measure: divisions.Measure) -> MeasureOut:
    return MeasureOut(
        metric_id=str(measure.metric_id),
        name=measure.name,
        unit=measure.unit,
        kind=measure.kind.value,
        latest=_number(measure.latest),
        latest_on=measure.latest_on,
        variation=measure.variation.value if measure.variation else None,
        assurance=measure.assurance.value if measure.assurance else None,
        target=_number(measure.target),
        readings=measure.readings,
    )


class DashboardApi(Controller):
    path = "/api/v1/dashboards"
    tags = ["Dashboards"]

    @get(
        "/divisions/{division_id:uuid}",
        summary="A division's dashboard",
        description=(
            "The figures of the division's dashboard for financial year fy (1 April fy to 31 March fy + 1; "
            "the current one when absent): savings in the totals shape, the pipeline, overdue ideas, median "
            "days of the ideas answered in the year (as the force's comparison has them), participation, "
            "every measure's SPC summary, waste hours a year by type, the latest implemented ideas and what "
            "changed in the last week."
        ),
        operation_id="getDivisionDashboard",
        responses=refusals(404),
    )
    async def division_dashboard(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        kept_readings: KeptMeasuresReadings,
        division_id: FromPath[uuid.UUID],
        fy: FinancialYear = None,
    ) -> DivisionDashboardOut:
        year = fy or financial_year(today)
        found = await divisions.division_dashboard(db_session, viewer, division_id, year, now, kept_readings)
        return DivisionDashboardOut.of(found)
