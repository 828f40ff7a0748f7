"""The audit trail viewer, for a force's headquarters (its own force) and administrators."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Stream, Template

from quest import fields
from quest.audit import services
from quest.exports import tables
from quest.exports.downloads import DownloadFormat, export_download
from quest.exports.tables import ExportScope
from quest.web.dependencies import DatabaseSession, Viewer
from quest.web.pages import PageNumber, page


class AuditPages(Controller):
    path = "/audit"
    include_in_schema = False

    @get("/", name="audit")
    async def list_entries(
        self,
        request: Request[Any, Any, Any],
        db_session: DatabaseSession,
        viewer: Viewer,
        actor: FromQuery[str | None] = None,
        entity: FromQuery[str | None] = None,
        date_from: FromQuery[str | None] = None,
        date_to: FromQuery[str | None] = None,
        page_number: PageNumber = 1,
        download: DownloadFormat = None,
    ) -> Template | Stream:
        """The entries in reach that the filters choose, newest first; or (``format=csv`` or ``xlsx``) all
        of them, oldest first."""
        errors: dict[str, str] = {}
        filters = services.AuditFilters(
            actor=(actor or "")[:320],
            entity=(entity or "")[:64],
            date_from=fields.date(
                date_from or "", "date_from", "the ‘from’ date", required=False, earliest=None, errors=errors
            ),
            date_to=fields.date(
                date_to or "", "date_to", "the ‘to’ date", required=False, earliest=None, errors=errors
            ),
        )
        if download is not None and not errors:
            return await export_download(request, download, tables.audit(db_session, viewer, ExportScope(), filters))
        found = await services.list_entries(db_session, viewer, filters, page_number)
        values = {"actor": actor or "", "entity": entity or "", "date_from": date_from or "", "date_to": date_to or ""}
        return page(
            request,
            "audit/index.html",
            {
                "found": found,
                "values": values,
                "errors": errors,
                "filter_query": urlencode({key: value for key, value in values.items() if value}),
                "entity_options": [("", "Any record"), *found.entities],
            },
            fragment="audit/_entries.html",
            status_code=422 if errors else 200,
        )
