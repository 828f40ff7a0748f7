"""The settings page of a force, for its headquarters: the response SLA, the productive hours of an FTE,
and the rate card (with the response times the SLA is judged against)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from quest.accounts.authentication import signed_in_user
from quest.errors import ValidationFailed
from quest.ideas.decisions import response_times
from quest.org import settings
from quest.savings.rules import Grade
from quest.web.dependencies import DatabaseSession
from quest.web.flash import flash
from quest.web.forms import form_values
from quest.web.pages import page, see_other

AnyRequest = Request[Any, Any, Any]


class ForceSettingsPages(Controller):
    path = "/forces/{code:str}/settings"
    include_in_schema = False

    @get("/", name="force_settings")
    async def show(self, request: AnyRequest, db_session: DatabaseSession, code: FromPath[str]) -> Template:
        return await self._page(request, db_session, code, {}, {})

    async def _page(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        code: str,
        values: dict[str, str],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Template:
        viewer = signed_in_user(request)
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
            status_code=status_code,
        )

    @post("/")
    async def update(
        self, request: AnyRequest, db_session: DatabaseSession, code: FromPath[str]
    ) -> Template | Redirect:
        values = await form_values(request)
        try:
            await settings.update_settings(
                db_session,
                signed_in_user(request),
                code,
                values.get("first_response_days", ""),
                values.get("decision_days", ""),
                values.get("productive_hours_per_fte", ""),
            )
        except ValidationFailed as failure:
            return await self._page(request, db_session, code, values, failure.errors, 422)
        flash(request, "The settings have been saved")
        return see_other(f"/forces/{code.upper()}/settings")

    @post("/rates")
    async def add_rate(
        self, request: AnyRequest, db_session: DatabaseSession, code: FromPath[str]
    ) -> Template | Redirect:
        values = await form_values(request)
        try:
            await settings.set_rate(
                db_session,
                signed_in_user(request),
                code,
                values.get("grade", ""),
                values.get("hourly_rate", ""),
                values.get("effective_from", ""),
            )
        except ValidationFailed as failure:
            return await self._page(request, db_session, code, values, failure.errors, 422)
        flash(request, "The rate has been added to the rate card")
        return see_other(f"/forces/{code.upper()}/settings#rate-card")
