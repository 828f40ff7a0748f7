"""HTML pages for the organisation: the list of forces (with live search), a force's page, and changing
its divisions (for the force's headquarters and administrators)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from quest.accounts import access
from quest.accounts.access import Permission
from quest.errors import NotFound
from quest.org import services
from quest.web.dependencies import DatabaseSession, Viewer
from quest.web.forms import answer_form, form_values, text_fields
from quest.web.pages import page

# A force's or a division's code in the path: LAN, LAN-ROADS.
Code = FromPath[str]
SearchTerm = Annotated[str | None, QueryParameter(name="q", max_length=100, required=False)]
AnyRequest = Request[Any, Any, Any]


def _division_input(values: dict[str, str]) -> services.DivisionInput:
    return services.DivisionInput(**text_fields(values, "name", "officers_fte", "staff_fte", "code"))


class ForcePages(Controller):
    path = "/forces"
    include_in_schema = False

    @get("/", name="forces")
    async def list_forces(self, request: AnyRequest, db_session: DatabaseSession, q: SearchTerm = None) -> Template:
        forces = await services.list_forces(db_session, q)
        return page(request, "org/forces.html", {"forces": forces, "q": q or ""}, fragment="org/_forces_table.html")

    @get("/{code:str}", name="force")
    async def show_force(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: Code
    ) -> Template:
        detail = await services.get_force(db_session, code)
        if detail is None:
            raise NotFound("force")
        may_manage = access.covers(viewer, Permission.MANAGE_ORGANISATION, force_id=detail.force.id)
        return page(request, "org/force.html", {"detail": detail, "may_manage": may_manage})

    @get("/{code:str}/divisions/new")
    async def new_division_form(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: Code
    ) -> Template:
        detail = await self._managed(db_session, viewer, code)
        return page(
            request, "org/division_form.html", {"force": detail.force, "division": None, "values": {}, "errors": {}}
        )

    @post("/{code:str}/divisions/new")
    async def create_division(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: Code
    ) -> Template | Redirect:
        values = await form_values(request)

        async def again(errors: dict[str, str]) -> Template:
            detail = await self._managed(db_session, viewer, code)
            context = {"force": detail.force, "division": None, "values": values, "errors": errors}
            return page(request, "org/division_form.html", context)

        return await answer_form(
            request,
            services.create_division(db_session, viewer, code, _division_input(values)),
            message=lambda division_code: f"Division {division_code} added",
            done=f"/forces/{code.upper()}",
            again=again,
        )

    @get("/{code:str}/divisions/{division_code:str}/edit")
    async def edit_division_form(
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: Code, division_code: Code
    ) -> Template:
        division = await services.get_division_for_change(db_session, viewer, code, division_code)
        detail = await self._managed(db_session, viewer, code)
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
        self, request: AnyRequest, db_session: DatabaseSession, viewer: Viewer, code: Code, division_code: Code
    ) -> Template | Redirect:
        values = await form_values(request)

        async def again(errors: dict[str, str]) -> Template:
            division = await services.get_division_for_change(db_session, viewer, code, division_code)
            detail = await self._managed(db_session, viewer, code)
            context = {"force": detail.force, "division": division, "values": values, "errors": errors}
            return page(request, "org/division_form.html", context)

        return await answer_form(
            request,
            services.update_division(db_session, viewer, code, division_code, _division_input(values)),
            message="The division's details have been changed",
            done=f"/forces/{code.upper()}",
            again=again,
        )

    async def _managed(self, db_session: DatabaseSession, viewer: Viewer, code: str) -> services.ForceDetail:
        detail = await services.get_force(db_session, code)
        if detail is None:
            raise NotFound("force")
        access.require_record(
            viewer,
            Permission.MANAGE_ORGANISATION,
            entity="forces",
            entity_id=detail.force.id,
            force_id=detail.force.id,
        )
        return detail
