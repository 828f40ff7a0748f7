"""The practice library's page (``/practice``): a filter form that works without JavaScript (a GET form),
and the results, which htmx updates as people type (the same handler answers with the fragment). Adopting
an idea posts to the idea's own adopt form (``/ideas/{reference}/adopt``): one rule, one route."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from quest.errors import ValidationFailed
from quest.ideas import practice
from quest.ideas.practice import PracticeFilters, PracticePage
from quest.waste.types import WasteType
from quest.web.dependencies import DatabaseSession, Viewer
from quest.web.pages import PageNumber, page

AnyRequest = Request[Any, Any, Any]


def library_query(filters: PracticeFilters) -> str:
    """The filters as a query string, the empty ones left out (for paging and the address bar)."""
    return urlencode({name: value for name, value in filters.shown().items() if value})


class PracticePages(Controller):
    path = "/practice"
    include_in_schema = False

    @get("/", name="practice")
    async def library(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        q: FromQuery[str | None] = None,
        waste_type: FromQuery[str | None] = None,
        process: FromQuery[str | None] = None,
        force: FromQuery[str | None] = None,
        page_number: PageNumber = 1,
    ) -> Template:
        filters, errors = practice.check_filters(q, waste_type, process, force)
        found: PracticePage | None = None
        if not errors:
            try:
                found = await practice.practice_library(db_session, viewer, filters, page_number)
            except ValidationFailed as failure:
                errors = failure.errors
        context = {
            "found": found,
            "filters": filters.shown(),
            "filter_query": library_query(filters),
            "errors": errors,
            "waste_options": [("", "Any waste"), *((waste.value, waste.label) for waste in WasteType)],
            "force_options": [
                ("", "Every force"),
                *((force.code, force.name) for force in await practice.forces(db_session)),
            ],
        }
        return page(
            request,
            "practice/library.html",
            context,
            fragment="practice/_results.html",
            status_code=422 if errors else 200,
        )
