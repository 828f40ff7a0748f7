"""HTML pages for the organisation: the list of forces (with live search), a force's page, and changing
its divisions (for the force's headquarters and administrators)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.authentication import signed_in_user
from quest.errors import NotFound, ValidationFailed
from quest.org import services
from quest.web.dependencies import DatabaseSession
from quest.web.flash import flash
from quest.web.forms import form_values
from quest.web.pages import page, see_other

SearchTerm = Annotated[str | None, QueryParameter(name="q", max_length=100, required=False)]
AnyRequest = Request[Any, Any, Any]


def _division_input(values: dict[str, str]) -> services.DivisionInput:
    return services.DivisionInput(
        name=values.get("name", ""),
        officers_fte=values.get("officers_fte", ""),
        staff_fte=values.get("staff_fte", ""),
        code=values.get("code", ""),
    )


class ForcePages(Controller):
    path = "/forces"
    include_in_schema = False

    @get("/", name="forces")
    async def list_forces(self, request: AnyRequest, db_session: DatabaseSession, q: SearchTerm = None) -> Template:
        forces = await services.list_forces(db_session, q)
        return page(request, "org/forces.html", {"forces": forces, "q": q or ""}, fragment="org/_forces_table.html")

    @get("/{code:str}", name="force")
    async def show_force(self, request: AnyRequest, db_session: DatabaseSession, code: FromPath[str]) -> Template:
        detail = await services.get_force(db_session, code)
        if detail is None:
            raise NotFound("force")
        may_manage = access.covers(signed_in_user(request), Permission.MANAGE_ORGANISATION, force_id=detail.force.id)
        return page(request, "org/force.html", {"detail": detail, "may_manage": may_manage})

    @get("/{code:str}/divisions/new")
    async def new_division_form(
        self, request: AnyRequest, db_session: DatabaseSession, code: FromPath[str]
    ) -> Template:
        detail = await self._managed(request, db_session, code)
        return page(
            request, "org/division_form.html", {"force": detail.force, "division": None, "values": {}, "errors": {}}
        )

    @post("/{code:str}/divisions/new")
    async def create_division(
        self, request: AnyRequest, db_session: DatabaseSession, code: FromPath[str]
    ) -> Template | Redirect:
        values = await form_values(request)
        try:
            division_code = await services.create_division(
                db_session, signed_in_user(request), code, _division_input(values)
            )
        except ValidationFailed as failure:
            detail = await self._managed(request, db_session, code)
            context = {"force": detail.force, "division": None, "values": values, "errors": failure.errors}
            return page(request, "org/division_form.html", context, status_code=422)
        flash(request, f"Division {division_code} added")
        return see_other(f"/forces/{code.upper()}")

    @get("/{code:str}/divisions/{division_code:str}/edit")
    async def edit_division_form(
        self, request: AnyRequest, db_session: DatabaseSession, code: FromPath[str], division_code: FromPath[str]
    ) -> Template:
        viewer = signed_in_user(request)
        division = await services.get_division_for_change(db_session, viewer, code, division_code)
        detail = await self._managed(request, db_session, code)
        values = {
            "name": division.name,
            "officers_fte": str(division.officers_fte),
            "staff_fte": str(division.staff_fte),
        }
        return page(
            request,
            "org/division_form.html",
            {"force": detail.force, "division": division, "values": values, "errors": {}},
        )

    @post("/{code:str}/divisions/{division_code:str}/edit")
    async def update_division(
        self, request: AnyRequest, db_session: DatabaseSession, code: FromPath[str], division_code: FromPath[str]
    ) -> Template | Redirect:
        viewer = signed_in_user(request)
        values = await form_values(request)
        try:
            await services.update_division(db_session, viewer, code, division_code, _division_input(values))
        except ValidationFailed as failure:
            division = await services.get_division_for_change(db_session, viewer, code, division_code)
            detail = await self._managed(request, db_session, code)
            context = {"force": detail.force, "division": division, "values": values, "errors": failure.errors}
            return page(request, "org/division_form.html", context, status_code=422)
        flash(request, "The division's details have been changed")
        return see_other(f"/forces/{code.upper()}")

    async def _managed(self, request: AnyRequest, db_session: DatabaseSession, code: str) -> services.ForceDetail:
        detail = await services.get_force(db_session, code)
        if detail is None:
            raise NotFound("force")
        access.require_record(
            signed_in_user(request),
            Permission.MANAGE_ORGANISATION,
            entity="forces",
            entity_id=detail.force.id,
            force_id=detail.force.id,
        )
        return detail
