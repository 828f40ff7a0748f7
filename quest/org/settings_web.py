"""The settings page of a force, for its headquarters: the response SLA, the productive hours of an FTE,
and the rate card (with the response times the SLA is judged against)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from quest.dashboards.response_times import response_times
from quest.org import settings
from quest.savings.rules import Grade
from quest.web.dependencies import DatabaseSession, Viewer
from quest.web.forms import answer_form, form_values
from quest.web.pages import page

AnyRequest = Request[Any, Any, Any]


class ForceSettingsPages(Controller):
    path = "/forces/{code:str}/settings"
    include_in_schema = False

    @get("/", name="force_settings")
    async def show(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: FromPath[str]
    ) -> Template:
        return await self._page(request, db_session, viewer, code, {}, {})

    async def _page(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        code: str,
        values: dict[str, str],
        errors: dict[str, str],
    ) -> Template:
        view = await settings.settings_view(db_session, viewer, code)
        shown = {
            "first_response_days": str(view.first_response_days),
            "decision_days": str(view.decision_days),
            "productive_hours_per_fte": f"{view.productive_hours_per_fte.normalize():f}",
        } | values
        return page(
            request,
            "org/settings.html",
            {
                "view": view,
                "values": shown,
                "errors": errors,
                "grade_options": [("", "Choose a grade"), *((grade.value, grade.label) for grade in Grade)],
                "responses": await response_times(db_session, view.force_id),
            },
        )

    @post("/")
    async def update(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: FromPath[str]
    ) -> Template | Redirect:
        values = await form_values(request)
        fields = (values.get(name, "") for name in ("first_response_days", "decision_days", "productive_hours_per_fte"))
        saving = settings.update_settings(db_session, viewer, code, *fields)
        message = "The settings have been saved"
        return await self._answer(saving, message, request, db_session, viewer, code, values)

    @post("/rates")
    async def add_rate(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: FromPath[str]
    ) -> Template | Redirect:
        values = await form_values(request)
        fields = (values.get(name, "") for name in ("grade", "hourly_rate", "effective_from"))
        saving = settings.set_rate(db_session, viewer, code, *fields)
        message = "The rate has been added to the rate card"
        return await self._answer(saving, message, request, db_session, viewer, code, values, "#rate-card")

    async def _answer(
        self,
        saving: Awaitable[object],
        message: str,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        code: str,
        values: dict[str, str],
        anchor: str = "",
    ) -> Template | Redirect:
        """A form on the settings page: back to the page (at ``anchor``) once saved, or shown again with
        the errors and what was typed."""
        return await answer_form(
            request,
            saving,
            message=message,
            done=f"/forces/{code.upper()}/settings{anchor}",
            again=lambda errors: self._page(request, db_session, viewer, code, values, errors),
        )
