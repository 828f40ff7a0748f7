"""HTML pages for savings: the ledger and totals by financial year, the validators' queue, and a force's
settings (response SLA, productive hours, rate card) for its headquarters."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.authentication import CLOCK, signed_in_user
from quest.clock import LONDON
from quest.dashboards.response_times import response_times
from quest.errors import Conflict, ValidationFailed
from quest.savings import services
from quest.savings.rules import ClaimStatus, Grade, financial_year
from quest.web.dependencies import DatabaseSession
from quest.web.flash import flash
from quest.web.forms import form_values
from quest.web.pages import page, see_other

AnyRequest = Request[Any, Any, Any]
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the financial years the ledger can show
Year = Annotated[int | None, QueryParameter(name="fy", ge=FIRST_YEAR, le=LAST_YEAR, required=False)]


def _now(request: AnyRequest) -> datetime.datetime:
    now: datetime.datetime = request.app.state[CLOCK].now()
    return now


class SavingsPages(Controller):
    path = "/savings"
    include_in_schema = False

    @get("/", name="savings")
    async def ledger(
        self, request: AnyRequest, db_session: DatabaseSession, fy: Year = None, status: FromQuery[str | None] = None
    ) -> Template:
        return await self._page(request, db_session, fy, status)

    async def _page(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        fy: int | None,
        status: str | None,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        viewer = signed_in_user(request)
        current_year = financial_year(_now(request).astimezone(LONDON).date())
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
            status_code=status_code,
        )

    @post("/{claim_id:uuid}/decision")
    async def decide(
        self, request: AnyRequest, db_session: DatabaseSession, claim_id: FromPath[uuid.UUID]
    ) -> Template | Redirect:
        """A validator's decision; errors are shown on the claim's own fields, named by its id."""
        viewer = signed_in_user(request)
        values = await form_values(request)
        year = fields.read_whole(values.get("fy", ""), least=FIRST_YEAR, most=LAST_YEAR)
        shown = values.get("status", "claimed")
        try:
            outcome = await services.decide_claim(
                db_session,
                viewer,
                claim_id,
                values.get("decision", ""),
                values.get("note", ""),
                now=_now(request),
                seen_version=fields.read_whole(values.get("version", "")),
            )
        except ValidationFailed as failure:
            errors = {f"{field}-{claim_id}": message for field, message in failure.errors.items()}
            return await self._page(request, db_session, year, shown, errors=errors, values=values, status_code=422)
        except Conflict as conflict:
            flash(request, str(conflict), "info")
            return await self._page(request, db_session, year, shown, status_code=409)
        flash(request, f"The saving has been {outcome.value}. The division has been told.")
        return see_other("/savings?" + urlencode({"fy": year or "", "status": shown}))


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
            status_code=status_code,
        )

    @post("/")
    async def update(
        self, request: AnyRequest, db_session: DatabaseSession, code: FromPath[str]
    ) -> Template | Redirect:
        values = await form_values(request)
        try:
            await services.update_settings(
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
            await services.set_rate(
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
