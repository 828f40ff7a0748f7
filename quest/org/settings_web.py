"""The settings page of a force, for its headquarters: the response SLA, the productive hours of an FTE,
the rate card (with the response times the SLA is judged against), and publishing the force's results
page for the public or withdrawing it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.identity import CurrentUser
from quest.dashboards.response_times import response_times
from quest.org import settings
from quest.savings.rules import Grade
from quest.web.dependencies import DatabaseSession, Now, Viewer
from quest.web.forms import answer_form, form_values
from quest.web.pages import page

AnyRequest = Request[Any, Any, Any]


@dataclass(frozen=True, slots=True)
class SettingsForm:
    """A form of the settings page: the change it makes (given the force's code and the form's three fields,
    as typed, in order), what is said once it is saved, and where on the page it stands."""

    change: Callable[[AsyncSession, CurrentUser, str, str, str, str], Awaitable[None]]
    fields: tuple[str, str, str]
    saved: str
    anchor: str = ""


SETTINGS_FORM = SettingsForm(
    settings.update_settings,
    ("first_response_days", "decision_days", "productive_hours_per_fte"),
    "The settings have been saved",
)
RATE_FORM = SettingsForm(
    settings.set_rate,
    ("grade", "hourly_rate", "effective_from"),
    "The rate has been added to the rate card",
    "#rate-card",
)


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
        return await self._save(SETTINGS_FORM, request, db_session, viewer, code)

    @post("/rates")
    async def add_rate(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: FromPath[str]
    ) -> Template | Redirect:
        return await self._save(RATE_FORM, request, db_session, viewer, code)

    @post("/publication")
    async def publish(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, now: Now, code: FromPath[str]
    ) -> Template | Redirect:
        """Publish the force's results page for the public (``publish=yes``) or withdraw it (``no``)."""
        values = await form_values(request)
        publish = {"yes": True, "no": False}.get(values.get("publish", ""))

        def said(published: bool) -> str:
            return (
                f"The results page is published at /public/{code.upper()}"
                if published
                else "The results page is withdrawn: it is no longer shown to the public"
            )

        return await answer_form(
            request,
            settings.publish_results(db_session, viewer, code, publish=publish, now=now),
            message=said,
            done=f"/forces/{code.upper()}/settings#public-results",
            again=lambda errors: self._page(request, db_session, viewer, code, {}, errors),
        )

    async def _save(
        self, form: SettingsForm, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: str
    ) -> Template | Redirect:
        """A form on the settings page: its fields given to its change; back to the page (at the form) once
        saved, or shown again with the errors and what was typed."""
        values = await form_values(request)
        saving = form.change(db_session, viewer, code, *(values.get(name, "") for name in form.fields))
        return await answer_form(
            request,
            saving,
            message=form.saved,
            done=f"/forces/{code.upper()}/settings{form.anchor}",
            again=lambda errors: self._page(request, db_session, viewer, code, values, errors),
        )
