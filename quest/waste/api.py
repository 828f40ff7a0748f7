"""Waste in the JSON API: ``POST|GET /api/v1/waste`` (DESIGN §6) and ``GET /api/v1/waste/{id}``."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from quest.paging import Paged
from quest.waste import services
from quest.waste.types import WasteType
from quest.web import api_schema
from quest.web.api_answers import LIST_PER_PAGE, PerPage, answer, page_answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.pages import PageNumber


@dataclass
class WasteIn(services.WasteInput):
    """An observation as the API's JSON body: the form's fields, judged by the same service."""

    division_id: Annotated[
        str,
        api_schema.identifier(blank=True, description="The division it was seen in: yours (left out, yours is taken)"),
    ] = ""
    waste_type: Annotated[str, api_schema.choice(WasteType, required=True, description="The DOWNTIME waste")] = ""
    process: Annotated[str, api_schema.text(services.PROCESS_LENGTH, required=True, example="Custody handover")] = ""
    description: Annotated[
        str,
        api_schema.text(
            services.DESCRIPTION_LENGTH, required=True, example="Officers wait for the custody sergeant to be free."
        ),
    ] = ""
    minutes_per_occurrence: Annotated[
        float | str,
        api_schema.number(
            required=True,
            exclusive_minimum=0,
            maximum=float(services.MAX_MINUTES),
            places=2,
            description="Minutes lost each time, more than 0, at most 2 decimal places",
            example=15,
        ),
    ] = ""
    occurrences_per_week: Annotated[
        float | str,
        api_schema.number(
            required=True,
            exclusive_minimum=0,
            maximum=float(services.MAX_OCCURRENCES),
            places=2,
            description="How often a week, more than 0, at most 2 decimal places",
            example=20,
        ),
    ] = ""
    observed_on: Annotated[
        str, api_schema.date(blank=True, description="The day it was seen, from 2000 to today (left out, today)")
    ] = ""


@dataclass(frozen=True)
class WasteOut:
    id: str
    waste_type: str
    process: str
    description: str
    minutes_per_occurrence: float
    occurrences_per_week: float
    hours_per_year: float
    observed_on: datetime.date
    division_name: str


class WasteApi(Controller):
    path = "/api/v1/waste"
    tags = ["Waste"]

    @post(
        "/",
        summary="Log a waste observation",
        operation_id="createWaste",
        responses=refusals(404, 409, 422),
        status_code=201,
    )
    async def create(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        data: JSONBody[WasteIn],
    ) -> WasteOut:
        waste_id = await services.log_waste(db_session, viewer, data, now, today)
        return answer(WasteOut, await services.get_waste(db_session, viewer, waste_id))

    @get("/", summary="Waste observations within your reach, newest first", operation_id="listWaste")
    async def list_observations(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        request: Request[Any, Any, Any],
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[WasteOut]]:
        per_page = per_page or LIST_PER_PAGE
        rows = await services.list_waste(db_session, viewer, limit=per_page + 1, offset=(page_number - 1) * per_page)
        total, counted_all = await services.count_waste(db_session, viewer)
        paged = Paged(
            total=total, page=page_number, per_page=per_page, counted_all=counted_all, more_after=len(rows) > per_page
        )
        return page_answer([answer(WasteOut, row) for row in rows[:per_page]], paged, request)

    @get("/{waste_id:uuid}", summary="A waste observation", operation_id="getWaste", responses=refusals(404))
    async def show(self, db_session: DatabaseSession, viewer: Viewer, waste_id: FromPath[uuid.UUID]) -> WasteOut:
        return answer(WasteOut, await services.get_waste(db_session, viewer, waste_id))
