"""The audit trail in the JSON API: who changed what and when, newest first, with the audit page's filters
and its reach (a force's headquarters their own force; administrators all)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter

from quest.audit import services
from quest.audit.services import AuditRow
from quest.paging import Paged
from quest.web.api_answers import PerPage, answer, page_answer
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Viewer
from quest.web.pages import PageNumber

Actor = Annotated[
    str | None, QueryParameter(required=False, max_length=320, description="Part of who did it: a name or email")
]
Entity = Annotated[
    str | None,
    QueryParameter(required=False, max_length=64, description="The kind of record (its table): ideas, users, ..."),
]
DateFrom = Annotated[
    datetime.date | None, QueryParameter(required=False, description="Written on or after this UK day")
]
DateTo = Annotated[datetime.date | None, QueryParameter(required=False, description="Written on or before this UK day")]


@dataclass(frozen=True)
class ChangeOut:
    field: str
    label: str
    # The whole value, as text (null: the field was not there before, or is gone after).
    before: str | None
    after: str | None


@dataclass(frozen=True)
class AuditEntryOut:
    id: str
    occurred_at: datetime.datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    # The record in words ("Idea LAN-000012: Scan exhibits at the front desk").
    record_name: str
    changes: list[ChangeOut]
    request_id: str | None

    @classmethod
    def of(cls, row: AuditRow) -> AuditEntryOut:
        return answer(
            cls,
            row,
            actor=row.actor_label,
            record_name=row.record.text,
            changes=[answer(ChangeOut, change) for change in row.changes],
        )


class AuditApi(Controller):
    path = "/api/v1/audit"
    tags = ["Audit"]

    @get(
        "/",
        summary="The audit trail, newest first",
        description="Every change within your reach that the filters choose: a force's headquarters see their "
        "own force's, administrators everyone's; other roles are refused (403). "
        "Dates are UK days.",
        operation_id="listAuditEntries",
        responses=refusals(),
    )
    async def list_entries(
        self,
        request: Request[Any, Any, Any],
        db_session: DatabaseSession,
        viewer: Viewer,
        actor: Actor = None,
        entity: Entity = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        page_number: PageNumber = 1,
        per_page: PerPage = None,
    ) -> Response[list[AuditEntryOut]]:
        filters = services.AuditFilters(actor=actor or "", entity=entity or "", date_from=date_from, date_to=date_to)
        found = await services.list_entries(
            db_session, viewer, filters, page_number, per_page or services.ENTRIES_PER_PAGE
        )
        paged = Paged(total=found.total, page=found.page, per_page=found.per_page)
        return page_answer([AuditEntryOut.of(row) for row in found.entries], paged, request)
