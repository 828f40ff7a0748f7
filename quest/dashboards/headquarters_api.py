"""The headquarters' dashboards in the JSON API (DESIGN §6): a force's divisions, every force, and a
measure's funnel plot, with exactly the figures their pages show."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from quest.dashboards.funnels import Funnel
from quest.dashboards.headquarters import (
    Dashboard,
    FunnelMeasure,
    Per,
    Place,
    force_dashboard,
    national_dashboard,
)
from quest.dashboards.measures import Measure, MeasureComparison, UnitFigures
from quest.errors import NotFound
from quest.savings.api import TotalsOut
from quest.savings.rules import financial_year
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, KeptForcesFigures, Now, Today, Viewer
from quest.web.pages import FinancialYear


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True, slots=True)
class MeasureOut:
    key: str
    label: str
    description: str
    better: str | None
    format: str
    per: int
    funnel: bool

    @classmethod
    def of(cls, measure: Measure) -> MeasureOut:
        return cls(
            measure.key,
            measure.label,
            measure.description,
            measure.better,
            measure.format.value,
            measure.per,
            measure.funnel is not None,
        )


@dataclass(frozen=True, slots=True)
class FigureOut:
    """A unit's figure for a measure: its value (None when there is nothing to show), and what it is made
    of."""

    value: float | None
    numerator: float | None
    denominator: float | None
    too_little_data: bool


@dataclass(frozen=True, slots=True)
class UnitOut:
    id: str
    code: str
    name: str
    officers_fte: float
    staff_fte: float
    population: int | None
    months_of_use: int
    too_little_data: bool
    savings: TotalsOut
    measures: dict[str, FigureOut]


@dataclass(frozen=True, slots=True)
class PlaceOut:
    id: str
    code: str
    name: str

    @classmethod
    def of(cls, place: Place) -> PlaceOut:
        return cls(str(place.id), place.code, place.name)


@dataclass(frozen=True, slots=True)
class ComparedOut:
    """Units side by side: one row per division or force with every measure, and the weighted figures."""

    fy: int
    as_of: datetime.date
    per: str
    measures: list[MeasureOut]
    units: list[UnitOut]
    averages: dict[str, float | None]
    force: PlaceOut | None
    chosen: PlaceOut | None
    similar: list[PlaceOut]
    similar_averages: dict[str, float | None] | None
    # Nationally: when the forces' figures were worked out (each server keeps them up to a minute);
    # for a force's divisions, null: they are worked out for every request.
    worked_out_at: datetime.datetime | None


def _unit(figures: UnitFigures, comparisons: list[MeasureComparison], rows: dict[Any, Any]) -> UnitOut:
    measures: dict[str, FigureOut] = {}
    for comparison in comparisons:
        found = rows[comparison.measure.key, figures.id].found
        measures[comparison.measure.key] = FigureOut(
            _number(found.value), _number(found.numerator), _number(found.denominator), found.too_little_data
        )
    return UnitOut(
        str(figures.id),
        figures.code,
        figures.name,
        float(figures.officers_fte),
        float(figures.staff_fte),
        figures.population,
        figures.months_of_use,
        figures.too_little_use,
        TotalsOut.of(figures.savings),
        measures,
    )


def compared_out(dashboard: Dashboard) -> ComparedOut:
    comparisons = dashboard.comparisons
    rows = {(comparison.measure.key, row.unit.id): row for comparison in comparisons for row in comparison.rows}
    return ComparedOut(
        fy=dashboard.year,
        as_of=dashboard.as_of,
        per=dashboard.size.value,
        measures=[MeasureOut.of(comparison.measure) for comparison in comparisons],
        units=[_unit(figures, comparisons, rows) for figures in dashboard.units],
        averages={comparison.measure.key: _number(comparison.overall) for comparison in comparisons},
        force=PlaceOut.of(dashboard.force) if dashboard.force else None,
        chosen=PlaceOut.of(dashboard.chosen) if dashboard.chosen else None,
        similar=[PlaceOut.of(place) for place in dashboard.similar],
        similar_averages=(
            {comparison.measure.key: _number(comparison.similar) for comparison in comparisons}
            if dashboard.chosen
            else None
        ),
        worked_out_at=dashboard.worked_out_at,
    )


@dataclass(frozen=True, slots=True)
class FunnelPointOut:
    force_code: str
    force_name: str
    numerator: float
    denominator: float
    rate: float | None
    within_95: bool | None
    within_998: bool | None
    too_little_data: bool
    position: str | None


@dataclass(frozen=True, slots=True)
class FunnelLimitOut:
    denominator: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


@dataclass(frozen=True, slots=True)
class FunnelOut:
    measure: str
    label: str
    kind: str
    per: int
    fy: int
    overall_rate: float | None
    points: list[FunnelPointOut]
    limits: list[FunnelLimitOut]
    worked_out_at: datetime.datetime | None  # when the forces' figures were worked out


def funnel_out(key: str, fy: int, funnel: Funnel, worked_out_at: datetime.datetime | None) -> FunnelOut:
    return FunnelOut(
        worked_out_at=worked_out_at,
        measure=key,
        label=funnel.measure,
        kind=funnel.kind.value,
        per=funnel.per,
        fy=fy,
        overall_rate=funnel.overall_rate,
        points=[
            FunnelPointOut(
                point.unit_code,
                point.unit_name,
                float(point.numerator),
                float(point.denominator),
                point.rate,
                point.within_95,
                point.within_998,
                point.too_little_data,
                None if point.position is None else point.position.value,
            )
            for point in funnel.points
        ],
        limits=[FunnelLimitOut(*limit) for limit in funnel.limits],
    )


PerParameter = Annotated[Per, QueryParameter(name="per", required=False)]


class HeadquartersDashboardApi(Controller):
    path = "/api/v1/dashboards"
    tags = ["Dashboards"]

    @get(
        "/forces/{force_code:str}",
        summary="A force's divisions side by side",
        operation_id="getForceDashboard",
        responses=refusals(404),
    )
    async def force(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        force_code: FromPath[str],
        fy: FinancialYear = None,
    ) -> ComparedOut:
        year = fy or financial_year(today)
        return compared_out(await force_dashboard(db_session, viewer, force_code, year, today))

    @get("/national", summary="Every force side by side", operation_id="getNationalDashboard", responses=refusals(404))
    async def national(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        forces_figures: KeptForcesFigures,
        fy: FinancialYear = None,
        per: PerParameter = Per.OFFICERS,
        force: Annotated[str | None, QueryParameter(name="force", max_length=8, required=False)] = None,
    ) -> ComparedOut:
        year = fy or financial_year(today)
        return compared_out(
            await national_dashboard(db_session, viewer, year, per.size, forces_figures, now, force or None)
        )

    @get(
        "/national/funnels",
        summary="A measure's funnel plot across the forces",
        operation_id="getNationalFunnel",
        responses=refusals(404),
    )
    async def funnels(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        forces_figures: KeptForcesFigures,
        measure: Annotated[FunnelMeasure, QueryParameter(name="measure")],
        fy: FinancialYear = None,
        per: PerParameter = Per.OFFICERS,
    ) -> FunnelOut:
        year = fy or financial_year(today)
        dashboard = await national_dashboard(db_session, viewer, year, per.size, forces_figures, now)
        found = dashboard.comparison(measure.value).funnel
        if found is None:  # every FunnelMeasure has one: a measure without is a mistake here
            raise NotFound("funnel")
        return funnel_out(measure.value, year, found, dashboard.worked_out_at)
