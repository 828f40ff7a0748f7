"""HTML pages for waste: log what you saw, the list, and the Pareto of hours lost a year."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.authentication import CLOCK, signed_in_user
from quest.charts.pareto import pareto_chart
from quest.clock import LONDON
from quest.errors import ValidationFailed
from quest.waste import services
from quest.waste.types import WasteType
from quest.web.dependencies import DatabaseSession
from quest.web.flash import flash
from quest.web.forms import form_values
from quest.web.pages import page, see_other

AnyRequest = Request[Any, Any, Any]


def _form_context(values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "waste_items": [{"value": waste.value, "text": waste.label, "hint": waste.hint} for waste in WasteType],
    }


class WastePages(Controller):
    path = "/waste"
    include_in_schema = False

    @get("/", name="waste")
    async def overview(self, request: AnyRequest, db_session: DatabaseSession) -> Template:
        viewer = signed_in_user(request)
        by_type = await services.hours_lost(db_session, viewer, "waste_type")
        by_process = await services.hours_lost(db_session, viewer, "process")
        return page(
            request,
            "waste/index.html",
            {
                "observations": await services.list_waste(db_session, viewer),
                "by_type": by_type,
                "by_process": by_process,
                "type_chart": pareto_chart(by_type),
                "process_chart": pareto_chart(by_process[:12]),
            },
        )

    @get("/new", name="new_waste")
    async def new_form(self, request: AnyRequest) -> Template:
        access.require(signed_in_user(request), Permission.CONTRIBUTE)
        today = request.app.state[CLOCK].now().astimezone(LONDON).date()
        return page(request, "waste/new.html", _form_context({"observed_on": today.isoformat()}, {}))

    @post("/new")
    async def log(self, request: AnyRequest, db_session: DatabaseSession) -> Template | Redirect:
        values = await form_values(request)
        now = request.app.state[CLOCK].now()
        data = services.WasteInput(
            waste_type=values.get("waste_type", ""),
            process=values.get("process", ""),
            description=values.get("description", ""),
            minutes_per_occurrence=values.get("minutes_per_occurrence", ""),
            occurrences_per_week=values.get("occurrences_per_week", ""),
            observed_on=values.get("observed_on", ""),
        )
        try:
            waste_id = await services.log_waste(
                db_session, signed_in_user(request), data, now, now.astimezone(LONDON).date()
            )
        except ValidationFailed as failure:
            return page(request, "waste/new.html", _form_context(values, failure.errors), status_code=422)
        flash(request, "Thank you: the waste has been logged")
        return see_other(f"/waste#waste-{waste_id}")

    @get("/{waste_id:uuid}/idea")
    async def to_idea(
        self, request: AnyRequest, db_session: DatabaseSession, waste_id: FromPath[uuid.UUID]
    ) -> Redirect:
        await services.get_waste(db_session, signed_in_user(request), waste_id)  # 404 unless in reach
        return see_other(f"/ideas/new?from_waste={waste_id}")
