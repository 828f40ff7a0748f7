"""The audit pack's addresses (:mod:`quest.savings.audit_pack`): a force's financial year at
``/savings/audit-pack`` and one idea's at ``/ideas/{reference}/audit-pack``, each as a printable page
(``format=html``, the default) or a workbook (``format=xlsx``); and a force's year as JSON in the API."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream, Template

from quest.savings.audit_pack import (
    AUDIT_COLUMNS,
    EVIDENCE_COLUMNS,
    AuditPack,
    Column,
    PackFormat,
    force_pack,
    how_in_words,
    idea_pack,
)
from quest.savings.audit_pack_workbook import pack_workbook
from quest.savings.rules import financial_year
from quest.web.api_errors import refusals
from quest.web.dependencies import DatabaseSession, Now, Today, Viewer
from quest.web.pages import FinancialYear, page

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


def _answer(request: AnyRequest, pack: AuditPack, as_: PackFormat) -> Template | Stream:
    if as_ is PackFormat.XLSX:
        return pack_workbook(pack)
    return page(
        request,
        "savings/audit_pack.html",
        {
            "pack": pack,
            "how": {line.key: how_in_words(line, pack) for line in pack.totals},
            "xlsx_href": pack_address(pack, PackFormat.XLSX),
        },
        headers={"Cache-Control": "no-store"},
    )


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
    ) -> Template | Stream:
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
    ) -> Template | Stream:
        """One idea's claims, evidence, costs and audit trail."""
        return _answer(request, await idea_pack(db_session, viewer, reference, now), as_)


# --- The API ----------------------------------------------------------------------------------------------


def json_cell(value: Any, holds: str) -> str | int | float | None:
    """A cell of a part in JSON: money as a decimal string in pounds, hours and figures as numbers, dates
    and times ISO (times in UTC), text as text."""
    if value is None:
        return None
    if holds == "money":
        return f"{value:.2f}"
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.date):  # and datetime.datetime
        return value.isoformat()
    if isinstance(value, int):
        return value
    return str(value)


@dataclass(frozen=True)
class ColumnOut:
    key: str
    heading: str
    # text, money (a decimal string in pounds), hours or number (numbers), date or time (ISO; times in UTC)
    holds: str


@dataclass(frozen=True)
class PartOut:
    """One part of the pack as a table: its columns, and its rows keyed by the columns' keys."""

    columns: list[ColumnOut]
    rows: list[dict[str, str | int | float | None]]

    @classmethod
    def of(cls, columns: tuple[Column, ...], rows: Any) -> PartOut:
        return cls(
            [ColumnOut(column.key, column.heading, column.holds) for column in columns],
            [{column.key: json_cell(column.value(row), column.holds) for column in columns} for row in rows],
        )


@dataclass(frozen=True)
class TotalLineOut:
    key: str
    label: str
    unit: str
    # As the force's dashboard shows it, and worked out again from the pack's rows by the rule.
    shown: str
    from_rows: str
    matches: bool
    how: str


@dataclass(frozen=True)
class AuditPackOut:
    title: str
    force_code: str
    force_name: str
    fy: int | None
    idea_ref: str | None
    year_days: int
    productive_hours: float
    generated_at: datetime.datetime
    rule: str
    all_match: bool
    summary: list[TotalLineOut]
    claims: PartOut
    evidence: PartOut
    costs: PartOut
    # The audit trail an entry a row: a new record's values, or a change's fields before and after.
    audit_trail: PartOut

    @classmethod
    def of(cls, pack: AuditPack) -> AuditPackOut:
        return cls(
            title=pack.title,
            force_code=pack.force_code,
            force_name=pack.force_name,
            fy=pack.year,
            idea_ref=pack.idea_reference,
            year_days=pack.year_days,
            productive_hours=float(pack.productive_hours),
            generated_at=pack.generated_at,
            rule=pack.rule,
            all_match=pack.all_match,
            summary=[
                TotalLineOut(
                    line.key,
                    line.label,
                    line.unit,
                    f"{line.shown:.0f}" if line.unit == "groups" else f"{line.shown:.2f}",
                    f"{line.from_rows:.0f}" if line.unit == "groups" else f"{line.from_rows:.2f}",
                    line.matches,
                    how_in_words(line, pack),
                )
                for line in pack.totals
            ],
            claims=PartOut.of(pack.columns_of("claims"), pack.claims),
            evidence=PartOut.of(EVIDENCE_COLUMNS, pack.evidence),
            costs=PartOut.of(pack.columns_of("costs"), pack.costs),
            audit_trail=PartOut.of(AUDIT_COLUMNS, pack.audit_trail),
        )


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
        "A bad fy or force is a 400 naming it.",
        operation_id="getAuditPack",
        responses=refusals(404),
    )
    async def force_year(
        self,
        db_session: DatabaseSession,
        viewer: Viewer,
        now: Now,
        today: Today,
        fy: FinancialYear = None,
        force: ForceCode = None,
    ) -> AuditPackOut:
        return AuditPackOut.of(await force_pack(db_session, viewer, fy or financial_year(today), force, now))
