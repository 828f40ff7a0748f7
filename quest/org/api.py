"""The organisation in the JSON API: ``/api/v1/forces`` (DESIGN §6), a force with its similar forces, and
its divisions, which its headquarters (or an administrator) adds and changes as the force's page does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody

from quest import fields
from quest.errors import NotFound
from quest.org import services
from quest.web import api_schema
from quest.web.api_answers import PerPage, answer, list_page
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Viewer
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


@dataclass(frozen=True, slots=True)
class SimilarForceOut:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class SimilarForcesOut:
    """A force's most similar forces, nearest first, to compare it with fairly."""

    force_code: str
    # "derived": QUEST's nearest neighbours on size, density and officers per 1,000 residents;
    # "override": chosen by the force's headquarters; null when the force has no similar forces.
    source: Literal["derived", "override"] | None
    forces: list[SimilarForceOut]


_FTE = {"minimum": 0, "maximum": float(services.MAX_FTE), "places": 2}


@dataclass
class DivisionChangeIn:
    """A division's name and size, as the division's page takes them, judged by the same service."""

    name: Annotated[str, api_schema.text(services.MAX_DIVISION_NAME, required=True, example="Northern Division")] = ""
    officers_fte: Annotated[
        float | str,
        api_schema.number(required=True, **_FTE, description="Officers in the division (FTE)", example=264.5),
    ] = ""
    staff_fte: Annotated[
        float | str,
        api_schema.number(required=True, **_FTE, description="Police staff in the division (FTE)", example=88),
    ] = ""

    def division_input(self, code: str = "") -> services.DivisionInput:
        return services.DivisionInput(
            name=self.name,
            officers_fte=fields.number_text(self.officers_fte),
            staff_fte=fields.number_text(self.staff_fte),
            code=code,
        )


@dataclass
class NewDivisionIn(DivisionChangeIn):
    code: Annotated[
        str,
        api_schema.BodyField(
            required=True,
            description="A short code, unique in the force: up to 16 capital letters, digits or hyphens, "
            "starting with a letter or digit (small letters are made capitals)",
            schema_extra={
                "pattern": services.DIVISION_CODE_PATTERN.pattern.replace("A-Z", "A-Za-z"),
                "examples": ["NORTH"],
            },
        ),
    ] = ""


async def _division(db_session: DatabaseSession, force_code: str, division_code: str) -> DivisionOut:
    return DivisionOut.of(await services.get_division(db_session, force_code, division_code))


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

    @get("/{force_code:str}", summary="A force", operation_id="getForce", responses=refusals(404))
    async def show(self, db_session: DatabaseSession, force_code: FromPath[str]) -> ForceOut:
        detail = await services.get_force(db_session, force_code)
        if detail is None:
            raise NotFound("force")
        return ForceOut.of(detail.force)

    @get(
        "/{force_code:str}/similar",
        summary="A force's most similar forces, nearest first",
        operation_id="getSimilarForces",
        responses=refusals(404),
    )
    async def similar(self, db_session: DatabaseSession, force_code: FromPath[str]) -> SimilarForcesOut:
        detail = await services.get_force(db_session, force_code)
        if detail is None:
            raise NotFound("force")
        forces = [SimilarForceOut(link.code, link.name) for link in detail.similar_forces]
        source = detail.similar_forces_source  # one of the two, as the table's check constraint holds it
        return SimilarForcesOut(detail.force.code, source, forces)  # type: ignore[arg-type]

    @post(
        "/{force_code:str}/divisions",
        summary="Add a division to a force",
        operation_id="createDivision",
        responses=refusals(404, 422),
        status_code=201,
    )
    async def create_division(
        self, db_session: DatabaseSession, viewer: Viewer, force_code: FromPath[str], data: JSONBody[NewDivisionIn]
    ) -> DivisionOut:
        code = await services.create_division(db_session, viewer, force_code, data.division_input(data.code))
        return await _division(db_session, force_code, code)

    @get(
        "/{force_code:str}/divisions/{division_code:str}",
        summary="A division of a force",
        operation_id="getDivision",
        responses=refusals(404),
    )
    async def show_division(
        self, db_session: DatabaseSession, force_code: FromPath[str], division_code: FromPath[str]
    ) -> DivisionOut:
        return await _division(db_session, force_code, division_code)

    @put(
        "/{force_code:str}/divisions/{division_code:str}",
        summary="Change a division's name and size",
        operation_id="updateDivision",
        responses=refusals(404, 422),
    )
    async def update_division(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        force_code: FromPath[str],
        division_code: FromPath[str],
        data: JSONBody[DivisionChangeIn],
    ) -> DivisionOut:
        await services.update_division(db_session, viewer, force_code, division_code, data.division_input())
        return await _division(db_session, force_code, division_code)

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
