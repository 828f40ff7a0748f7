"""The audit trail viewer, for a force's headquarters (its own force) and administrators."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from quest.audit import services
from quest.web.dependencies import DatabaseSession, Viewer
from quest.web.pages import PageNumber, page


def _date(raw: str | None, label: str, errors: dict[str, str], name: str) -> datetime.date | None:
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"{label} must be a real date, like 2026-11-23"
        return None


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
    ) -> Template:
        errors: dict[str, str] = {}
        filters = services.AuditFilters(
            actor=(actor or "")[:320],
            entity=(entity or "")[:64],
            date_from=_date(date_from, "The ‘from’ date", errors, "date_from"),
            date_to=_date(date_to, "The ‘to’ date", errors, "date_to"),
        )
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
