"""HTML pages for waste: log what you saw, the list, and the Pareto of hours lost a year."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from quest.accounts import access
from quest.accounts.access import Permission
from quest.charts.pareto import pareto_chart
from quest.waste import services
from quest.waste.types import WasteType
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.forms import answer_form, form_values, see_other, text_fields
from quest.web.pages import page

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
    async def overview(self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer) -> Template:
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
    async def new_form(self, request: AnyRequest, viewer: Viewer, today: Today) -> Template:
        access.require(viewer, Permission.CONTRIBUTE)
        return page(request, "waste/new.html", _form_context({"observed_on": today.isoformat()}, {}))

    @post("/new")
    async def log(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, today: Today
    ) -> Template | Redirect:
        values = await form_values(request)
        data = services.WasteInput(
            **text_fields(
                values,
                "waste_type",
                "process",
                "description",
                "minutes_per_occurrence",
                "occurrences_per_week",
                "observed_on",
            )
        )
        return await answer_form(
            request,
            services.log_waste(db_session, viewer, data, now, today),
            message="Thank you: the waste has been logged",
            done=lambda waste_id: f"/waste#waste-{waste_id}",
            again=lambda errors: page(request, "waste/new.html", _form_context(values, errors)),
        )

    @get("/{waste_id:uuid}/idea")
    async def to_idea(self, db_session: DatabaseSession, viewer: Viewer, waste_id: FromPath[uuid.UUID]) -> Redirect:
        await services.get_waste(db_session, viewer, waste_id)  # 404 unless in reach
        return see_other(f"/ideas/new?from_waste={waste_id}")
