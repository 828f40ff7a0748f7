"""Exports in the JSON API: ``GET /api/v1/exports/{kind}`` sends the file ``quest export KIND`` writes, as
CSV or a workbook, of the rows the caller may see (the same exports as the pages' downloads:
:mod:`quest.exports.tables`), perhaps of one division and a span of dates."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream

from quest.errors import ValidationFailed
from quest.exports import tables
from quest.exports.downloads import DownloadFormat, export_download
from quest.exports.files import CSV_TYPE, XLSX_TYPE, FileFormat
from quest.web import api_schema
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Viewer

KindName = Literal["ideas", "readings", "savings", "audit", "users"]
Division = Annotated[
    uuid.UUID | None,
    QueryParameter(name="division", required=False, description="Only this division's rows: its id"),
]
DateFrom = Annotated[
    datetime.date | None,
    QueryParameter(name="from", required=False, description="From this date (YYYY-MM-DD)"),
]
DateTo = Annotated[
    datetime.date | None,
    QueryParameter(name="to", required=False, description="To this date, inclusive (YYYY-MM-DD)"),
]
# The exports' fields as this operation's parameters are named.
_PARAMETERS = {"date_from": "from", "date_to": "to", "division_id": "division"}


class ExportApi(Controller):
    path = "/api/v1/exports"
    tags = ["Exports"]

    @get(
        "/{kind:str}",
        summary="Export ideas, readings, savings claims, the audit trail or users as CSV or a workbook",
        description="The rows you may see, in the columns the import of the same kind takes (docs/exports.md): "
        "ideas, readings and savings for everyone who sees the work; the audit trail for a force's headquarters "
        "and administrators; users for those who manage them. ``division`` keeps one division's rows (404 if it "
        "is not within your reach); ``from`` and ``to`` keep those of a span of days: the day a reading is for, "
        "an idea was submitted, a claim's period starts, an audit entry was written. The audit trail is kept by "
        "force and users have no dates: a division or dates they cannot take is a 422 naming the parameter, as "
        "is ``from`` after ``to``.",
        operation_id="exportRecords",
        responses=refusals(404, 422),
        opt=api_schema.files(CSV_TYPE, XLSX_TYPE),
    )
    async def export(
        self,
        request: Request[Any, Any, Any],
        db_session: DatabaseSession,
        viewer: Viewer,
        kind: FromPath[KindName],
        download: DownloadFormat = None,
        division: Division = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
    ) -> Stream:
        try:
            scope = await tables.division_scope(
                db_session, viewer, kind, division, date_from=date_from, date_to=date_to
            )
            found = await tables.export_of(db_session, viewer, kind, scope)
        except ValidationFailed as failure:
            raise ValidationFailed(
                {_PARAMETERS.get(field, field): problem for field, problem in failure.errors.items()}
            ) from None
        return await export_download(request, download or FileFormat.CSV, found)
