"""The organisation in the JSON API: ``/api/v1/forces`` and a force's divisions (DESIGN §6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from quest import fields
from quest.org import services
from quest.web.api_answers import PerPage, answer, list_page
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession
from quest.web.pages import PageNumber


@dataclass(frozen=True, slots=True)
class ForceOut:
    """A force with its latest yearly profile."""

    id: str
    code: str
    name: str
    region: str
    country: str
    area_km2: float
    profile_year: int | None
    officers_fte: float | None
    staff_fte: float | None
    pcso_fte: float | None
    staff_figures_estimated: bool | None
    population: int | None
    officers_per_1000: float | None
    division_count: int

    @classmethod
    def of(cls, force: services.ForceSummary) -> ForceOut:
        return answer(cls, force, officers_per_1000=fields.api_number(force.officers_per_1000, 3))


@dataclass(frozen=True, slots=True)
class DivisionOut:
    id: str
    code: str
    name: str
    officers_fte: float
    staff_fte: float

    @classmethod
    def of(cls, division: services.DivisionSummary) -> DivisionOut:
        return answer(cls, division)


class ForceApi(Controller):
    path = "/api/v1/forces"
    tags = ["Organisation"]

    @get("/", summary="List forces", operation_id="listForces", responses=refusals())
    async def list_forces(
        self,
        db_session: DatabaseSession,
        request: Request[Any, Any, Any],
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[ForceOut]]:
        forces = [ForceOut.of(force) for force in await services.list_forces(db_session)]
        return list_page(forces, request, page_number, per_page)

    @get(
        "/{force_code:str}/divisions",
        summary="List a force's divisions",
        operation_id="listDivisions",
        responses=refusals(404),
    )
    async def list_divisions(
        self,
        db_session: DatabaseSession,
        request: Request[Any, Any, Any],
        force_code: FromPath[str],
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[DivisionOut]]:
        force_id = await services.find_force_id(db_session, force_code)
        if force_id is None:
            raise NotFoundException(f"No force with code {force_code!r}")
        divisions = [DivisionOut.of(division) for division in await services.list_divisions(db_session, force_id)]
        return list_page(divisions, request, page_number, per_page)
