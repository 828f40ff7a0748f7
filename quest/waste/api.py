"""Waste in the JSON API: ``POST /api/v1/waste`` (DESIGN §6)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from litestar import Controller, post
from litestar.params import JSONBody

from quest.waste import services
from quest.web.api_answers import answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer


@dataclass
class WasteIn(services.WasteInput):
    """An observation as the API's JSON body: the form's fields, judged by the same service."""


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
        responses=refusals(404, 422),
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
