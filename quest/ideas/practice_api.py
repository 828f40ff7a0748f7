"""The practice library in the JSON API: the figures its page shows, from the same service. Money is a
decimal string in pounds and hours a number (DESIGN §6)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter

from quest import fields
from quest.errors import InvalidQuery
from quest.ideas import practice
from quest.ideas.models import PROCESS_LENGTH
from quest.ideas.practice import AdoptedIn, MeasureImpact, PracticeIdea, ValidatedSaving
from quest.waste.types import WasteType
from quest.web.api_answers import PerPage, page_answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Viewer
from quest.web.pages import PageNumber


@dataclass(frozen=True)
class ValidatedSavingOut:
    """A full year of the idea's validated claims."""

    cashable_gbp: str
    non_cashable_gbp: str
    total_gbp: str
    hours: float

    @classmethod
    def of(cls, saving: ValidatedSaving) -> ValidatedSavingOut:
        return cls(
            cashable_gbp=f"{saving.cashable_gbp:.2f}",
            non_cashable_gbp=f"{saving.non_cashable_gbp:.2f}",
            total_gbp=f"{saving.total_gbp:.2f}",
            hours=float(saving.hours),
        )


@dataclass(frozen=True)
class PracticeImpactOut:
    """The idea's first linked measure, before and after its change (as ``GET /ideas/{id}/impact``)."""

    metric_id: str
    name: str
    unit: str
    direction: str
    change_date: datetime.date
    before_mean: float | None
    after_mean: float | None
    change_pct: float | None
    improved: bool | None
    special_cause: bool
    summary: str

    @classmethod
    def of(cls, measure: MeasureImpact) -> PracticeImpactOut:
        result = measure.impact
        return cls(
            metric_id=str(measure.metric_id),
            name=measure.name,
            unit=measure.unit,
            direction=measure.direction.value,
            change_date=result.change_date,
            before_mean=fields.api_number(result.mean_before, 4),
            after_mean=fields.api_number(result.mean_after, 4),
            change_pct=fields.api_number(result.change_pct, 4),
            improved=measure.improved,
            special_cause=result.special_cause is not None,
            summary=measure.summary,
        )


@dataclass(frozen=True)
class AdoptionOut:
    force_code: str
    force_name: str
    division_name: str
    # The adopting division's own idea's status.
    status: str

    @classmethod
    def of(cls, adoption: AdoptedIn) -> AdoptionOut:
        return cls(adoption.force_code, adoption.force_name, adoption.division_name, adoption.status.value)


@dataclass(frozen=True)
class PracticeItemOut:
    id: str
    ref: str
    title: str
    force_code: str
    force_name: str
    division_name: str
    implemented_on: datetime.date | None
    process: str
    waste_types: list[str]
    validated_savings: ValidatedSavingOut
    impact: PracticeImpactOut | None
    adoptions: int
    adopted_in: list[AdoptionOut]

    @classmethod
    def of(cls, idea: PracticeIdea) -> PracticeItemOut:
        return cls(
            id=str(idea.id),
            ref=idea.reference,
            title=idea.title,
            force_code=idea.force_code,
            force_name=idea.force_name,
            division_name=idea.division_name,
            implemented_on=idea.implemented_on,
            process=idea.process,
            waste_types=[waste.value for waste in idea.waste_types],
            validated_savings=ValidatedSavingOut.of(idea.saving),
            impact=PracticeImpactOut.of(idea.impact) if idea.impact else None,
            adoptions=len(idea.adoptions),
            adopted_in=[AdoptionOut.of(place) for place in idea.adoptions],
        )


@dataclass(frozen=True)
class PracticeListOut:
    """A page of the practice library (20 ideas), newest implementation first. As the idea list, a library
    of more than 10,000 is not counted to its end: ``counted_all`` is then false and ``has_next`` says
    whether a page follows."""

    items: list[PracticeItemOut]
    total: int
    page: int
    per_page: int
    pages: int
    counted_all: bool
    has_next: bool


class PracticeApi(Controller):
    path = "/api/v1/practice"
    tags = ["Practice library"]

    @get(
        "/",
        summary="Implemented ideas from every force, with their savings, impact and spread",
        operation_id="listPractice",
        responses=refusals(404),
    )
    async def library(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        # What the schema says of each filter; the service judges them, with the page's own words.
        q: Annotated[str | None, QueryParameter(schema_extra={"max_length": practice.SEARCH_LENGTH})] = None,
        waste_type: Annotated[
            str | None, QueryParameter(schema_extra={"enum": [waste.value for waste in WasteType]})
        ] = None,
        process: Annotated[str | None, QueryParameter(schema_extra={"max_length": PROCESS_LENGTH})] = None,
        force: Annotated[
            str | None,
            QueryParameter(description="A force's code: an unknown one is 404", schema_extra={"max_length": 16}),
        ] = None,
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[PracticeListOut]:
        filters, errors = practice.check_filters(q, waste_type, process, force)
        if errors:
            raise InvalidQuery(errors)
        found = await practice.practice_library(db_session, viewer, filters, page_number, per_page)
        listed = PracticeListOut(
            items=[PracticeItemOut.of(idea) for idea in found.ideas],
            total=found.total,
            page=found.page,
            per_page=found.per_page,
            pages=found.pages,
            counted_all=found.counted_all,
            has_next=found.has_next,
        )
        return page_answer(listed, found, request)
