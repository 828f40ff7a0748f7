"""HTML pages for savings: the ledger and totals by financial year, the validators' queue, and a force's
settings (response SLA, productive hours, rate card) for its headquarters."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.ideas.decisions import response_times
from quest.savings import services
from quest.savings.rules import ClaimStatus, Grade, financial_year
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.flash import flash
from quest.web.forms import answer_form, form_values
from quest.web.pages import page

AnyRequest = Request[Any, Any, Any]
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the financial years the ledger can show
Year = Annotated[int | None, QueryParameter(name="fy", ge=FIRST_YEAR, le=LAST_YEAR, required=False)]


class SavingsPages(Controller):
    path = "/savings"
    include_in_schema = False

    @get("/", name="savings")
    async def ledger(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        fy: Year = None,
        status: FromQuery[str | None] = None,
    ) -> Template:
        return await self._page(request, db_session, viewer, today, fy, status)

    async def _page(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        today: Today,
        fy: int | None,
        status: str | None,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        current_year = financial_year(today)
        year = fy or current_year
        validating = access.may(viewer, Permission.VALIDATE_SAVINGS)
        chosen = (
            ClaimStatus(status)
            if status in {member.value for member in ClaimStatus}
            else (ClaimStatus.CLAIMED if validating and status is None else None)
        )
        ledger = await services.ledger_for_force(db_session, viewer, year, status=chosen)
        return page(
            request,
            "savings/index.html",
            {
                "ledger": ledger,
                "year": year,
                "years": list(range(current_year - 3, current_year + 2)),
                "status": chosen.value if chosen else "",
                "validating": validating,
                "viewer_id": viewer.id,
                "errors": errors or {},
                "values": values or {},
            },
        )

    @post("/{claim_id:uuid}/decision")
    async def decide(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        claim_id: FromPath[uuid.UUID],
    ) -> Template | Redirect:
        """A validator's decision; errors are shown on the claim's own fields, named by its id."""
        values = await form_values(request)
        year = fields.read_whole(values.get("fy", ""), least=FIRST_YEAR, most=LAST_YEAR)
        shown = values.get("status", "claimed")

        def again(errors: dict[str, str]) -> Awaitable[Template]:
            errors = {f"{field}-{claim_id}": message for field, message in errors.items()}
            return self._page(request, db_session, viewer, today, year, shown, errors=errors, values=values)

        def conflict(problem: str) -> Awaitable[Template]:
            flash(request, problem, "info")
            return self._page(request, db_session, viewer, today, year, shown)

        return await answer_form(
            request,
            services.decide_claim(
                db_session,
                viewer,
                claim_id,
                values.get("decision", ""),
                values.get("note", ""),
                now=now,
                seen_version=fields.read_whole(values.get("version", "")),
            ),
            message=lambda outcome: f"The saving has been {outcome.value}. The division has been told.",
            done="/savings?" + urlencode({"fy": year or "", "status": shown}),
            again=again,
            conflict=conflict,
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
        view = await services.settings_view(db_session, viewer, code)
        shown = {
            "first_response_days": str(view.first_response_days),
            "decision_days": str(view.decision_days),
            "productive_hours_per_fte": f"{view.productive_hours_per_fte.normalize():f}",
        } | values
        return page(
            request,
            "savings/settings.html",
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
        saving = services.update_settings(db_session, viewer, code, *fields)
        message = "The settings have been saved"
        return await self._answer(saving, message, request, db_session, viewer, code, values)

    @post("/rates")
    async def add_rate(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: FromPath[str]
    ) -> Template | Redirect:
        values = await form_values(request)
        fields = (values.get(name, "") for name in ("grade", "hourly_rate", "effective_from"))
        saving = services.set_rate(db_session, viewer, code, *fields)
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
