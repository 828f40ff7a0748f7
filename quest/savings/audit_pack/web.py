"""The audit pack's addresses: a force's financial year at ``/savings/audit-pack`` and one idea's at
``/ideas/{reference}/audit-pack``, each as a printable page (``format=html``, the default) or a workbook
(``format=xlsx``); and a force's year as JSON in the API.

Each handler decides what the pack is of and whether the viewer may have it (:mod:`.pack`), then answers
with a stream: the pack is written as its rows are read, through a session of its own (the request's
closes as the answer starts), so that a worker holds a batch of rows, never a force's year."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest.db import snapshot
from quest.exports.files import XLSX_TYPE
from quest.savings.audit_pack.document import AuditPackOut, document_chunks
from quest.savings.audit_pack.pack import AuditPack, PackFormat, force_pack, idea_pack
from quest.savings.audit_pack.page import pack_page
from quest.savings.audit_pack.parts import PackRows
from quest.savings.audit_pack.workbook import workbook_chunks
from quest.savings.rules import financial_year
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.pages import FinancialYear
from quest.web.state import answer_sessions

AnyRequest = Request[Any, Any, Any]
# ``?format=html|xlsx`` (a handler's parameter may not be called ``format``); anything else is a 400 naming it.
PackFormatParameter = Annotated[PackFormat, QueryParameter(name="format", required=False)]
# ``?force=LAN``: national headquarters and administrators name the force; others may name their own.
ForceCode = Annotated[str | None, QueryParameter(name="force", max_length=8, required=False)]


def pack_address(pack: AuditPack, as_: PackFormat) -> str:
    """Where the pack is, in a format."""
    if pack.idea_reference:
        return f"/ideas/{pack.idea_reference}/audit-pack?" + urlencode({"format": as_.value})
    return "/savings/audit-pack?" + urlencode({"fy": pack.year, "force": pack.force_code, "format": as_.value})


async def _written(maker: async_sessionmaker[AsyncSession], pack: AuditPack, as_: str) -> AsyncIterator[bytes]:
    """The pack as a workbook (``xlsx``) or JSON, read from one snapshot as it is written."""
    async with snapshot(maker) as session:
        rows = await PackRows.of(session, pack)
        async for chunk in workbook_chunks(rows) if as_ == "xlsx" else document_chunks(rows):
            yield chunk


def _answer(request: AnyRequest, pack: AuditPack, as_: PackFormat) -> Stream:
    if as_ is PackFormat.XLSX:
        return Stream(
            _written(answer_sessions(request), pack, "xlsx"),
            media_type=XLSX_TYPE,
            headers={
                "Content-Disposition": f'attachment; filename="{pack.filename}.xlsx"',
                "Cache-Control": "no-store",
            },
        )
    return pack_page(request, answer_sessions(request), pack, pack_address(pack, PackFormat.XLSX))


class AuditPackPages(Controller):
    include_in_schema = False

    @get("/savings/audit-pack", name="savings-audit-pack")
    async def force_year(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        fy: FinancialYear = None,
        as_: PackFormatParameter = PackFormat.HTML,
        force: ForceCode = None,
    ) -> Stream:
        """A force's financial year, for its validators and headquarters (and, naming it, national
        headquarters and administrators)."""
        pack = await force_pack(db_session, viewer, fy or financial_year(today), force, now)
        return _answer(request, pack, as_)

    @get("/ideas/{reference:str}/audit-pack", name="idea-audit-pack")
    async def idea(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        reference: FromPath[str],
        as_: PackFormatParameter = PackFormat.HTML,
    ) -> Stream:
        """One idea's claims, evidence, costs and audit trail."""
        return _answer(request, await idea_pack(db_session, viewer, reference, now), as_)


class AuditPackApi(Controller):
    tags = ["Savings"]

    @get(
        "/api/v1/savings/audit-pack",
        summary="A force's audit pack for a financial year",
        description="Every claim whose period falls in the financial year (every status), with its grade, its "
        "people and dates, whether it counts in the totals and its days in the year; the evidence each rests on; "
        "the year's costs; and the audit trail of every change to them. The summary gives each total as the "
        "force's dashboard shows it beside the same total worked out again from the rows. For the force's "
        "validators and headquarters; national headquarters and administrators name the force (force=CODE). "
        "A bad fy or force is a 400 naming it.\n\n"
        "A force's year can hold tens of thousands of claims and a hundred thousand changes, so the answer is "
        "one JSON document streamed as it is written (chunked, with no Content-Length), not paged: the parts "
        "in the order claims, evidence, costs, audit_trail, each part's rows in the database's order, and "
        "summary and all_match last, worked out from the rows just sent, all read from one snapshot of the "
        "database. Parse it whole, or with a streaming JSON parser to hold a row at a time.",
        operation_id="getAuditPack",
        responses={
            200: ResponseSpec(
                data_container=AuditPackOut,
                description="The pack, streamed as one JSON document (the summary last).",
                generate_examples=False,
            ),
            **refusals(404),
        },
    )
    async def force_year(
        self,
        request: AnyRequest,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        fy: FinancialYear = None,
        force: ForceCode = None,
    ) -> Stream:
        pack = await force_pack(db_session, viewer, fy or financial_year(today), force, now)
        return Stream(
            _written(answer_sessions(request), pack, "json"),
            media_type="application/json",
            headers={"Cache-Control": "no-store"},
        )
