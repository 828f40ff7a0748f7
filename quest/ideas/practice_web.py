"""The practice library's page (``/practice``): a filter form that works without JavaScript (a GET form),
and the results, which htmx updates as people type (the same handler answers with the fragment). Adopting
an idea posts to the idea's own adopt form (``/ideas/{reference}/adopt``): one rule, one route.

The same address with ``format=csv`` or ``format=xlsx`` downloads every idea the filters choose (up to
:data:`~quest.ideas.practice.DOWNLOAD_LIMIT`), one row each, with what the page shows of it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Stream, Template

from quest import fields
from quest.errors import InvalidQuery, ValidationFailed
from quest.exports.downloads import DownloadFormat, table_download
from quest.exports.files import Cell, FileFormat
from quest.ideas import practice
from quest.ideas.practice import PracticeFilters, PracticeIdea, PracticePage
from quest.waste.types import WasteType
from quest.web.dependencies import DatabaseSession, Viewer
from quest.web.pages import PageNumber, page

AnyRequest = Request[Any, Any, Any]

DOWNLOAD_HEADER = (
    "Reference",
    "Title",
    "Force",
    "Division",
    "Waste types",
    "Process",
    "Implemented on",
    "Validated saving (£ a year)",
    "Of which cash (£ a year)",
    "Of which time released (£ a year)",
    "Hours released a year",
    "Impact measure",
    "Unit",
    "Mean before",
    "Mean after",
    "Change (%)",
    "Impact",
    "Adoptions",
    "Adopted in",
)


def library_query(filters: PracticeFilters) -> str:
    """The filters as a query string, the empty ones left out (for paging, the downloads and the address
    bar)."""
    return urlencode({name: value for name, value in filters.shown().items() if value})


def download_row(idea: PracticeIdea) -> list[Cell]:
    """One idea as a download's row: what its block on the page says, a figure to a cell (the means and the
    change rounded as the API gives them)."""
    saving, measure = idea.saving, idea.impact
    found = measure.impact if measure else None
    return [
        idea.reference,
        idea.title,
        idea.force_name,
        idea.division_name,
        ", ".join(waste.label for waste in idea.waste_types),
        idea.process,
        idea.implemented_on,
        saving.total_gbp,
        saving.cashable_gbp,
        saving.non_cashable_gbp,
        saving.hours,
        measure.name if measure else "",
        measure.unit if measure else "",
        fields.api_number(found.mean_before, 4) if found else None,
        fields.api_number(found.mean_after, 4) if found else None,
        fields.api_number(found.change_pct, 4) if found else None,
        measure.summary if measure else "No measure linked",
        len(idea.adoptions),
        "; ".join(
            f"{place.division_name}, {place.force_name} ({place.status.label.lower()})" for place in idea.adoptions
        ),
    ]


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
        download: DownloadFormat = None,
    ) -> Template | Stream:
        filters, errors = practice.check_filters(q, waste_type, process, force)
        if download is not None:
            return await self._download(db_session, viewer, filters, errors, download)
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

    @staticmethod
    async def _download(
        db_session: DatabaseSession,
        viewer: Viewer,
        filters: PracticeFilters,
        errors: dict[str, str],
        as_: FileFormat,
    ) -> Stream:
        """Every idea the filters choose, as a file; the page's own messages, as a 400, for filters that
        are wrong (a download is an address followed, not a form to put right)."""
        if errors:
            raise InvalidQuery(errors)
        rows = [download_row(idea) for idea in await practice.practice_download(db_session, viewer, filters)]
        return await table_download(as_, "practice-library", "Practice library", DOWNLOAD_HEADER, rows)
