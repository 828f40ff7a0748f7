"""What an audit pack is of, who may have it, and the totals it must show: a force's financial year
(:func:`force_pack`) or one idea's (:func:`idea_pack`). Asked before a byte of the pack is sent, so that
a pack out of reach is a 403 or 404 and a bad address a 400, never a pack that stops half-way."""

from __future__ import annotations

import datetime
import decimal
import enum
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission, Reach
from quest.accounts.identity import CurrentUser
from quest.audit.refusals import not_found
from quest.dashboards.savings import BY_FORCE, savings_by
from quest.errors import InvalidQuery, OutOfReach
from quest.ideas.models import Idea
from quest.ideas.record import sees_full_record, visible
from quest.org.models import Force
from quest.org.settings import productive_hours_of
from quest.savings.audit_pack.columns import Column, columns_of
from quest.savings.audit_pack.totals import IDEA_RULE, RULE, ShownTotal, idea_totals, year_totals
from quest.savings.costs import CostRecurrence
from quest.savings.ledger import idea_ledger
from quest.savings.models import IdeaCost, SavingsClaim
from quest.savings.rules import days_of_year, financial_year_bounds
from quest.savings.year_sums import falls_in_year

FORCE_CODE = re.compile(r"[A-Z][A-Z0-9-]{0,7}")


class PackFormat(enum.StrEnum):
    """How a pack is downloaded: a workbook, or a page to read and print."""

    HTML = "html"
    XLSX = "xlsx"


@dataclass(frozen=True)
class AuditPack:
    """A force's financial year (``force_code``, ``year``), or one idea's (``idea_id``): what it holds
    (``claims_where``, ``costs_where``) and each total as QUEST shows it (``totals``). Its rows are read
    when the pack is written (:mod:`quest.savings.audit_pack.parts`)."""

    title: str
    force_code: str
    force_name: str
    year: int | None
    idea_id: uuid.UUID | None
    idea_reference: str | None
    generated_at: datetime.datetime
    generated_by: str
    productive_hours: decimal.Decimal
    rule: str
    totals: tuple[ShownTotal, ...]
    claims_where: ColumnElement[bool]
    costs_where: ColumnElement[bool]

    @property
    def year_days(self) -> int:
        return 1 if self.year is None else days_of_year(self.year)

    @property
    def year_name(self) -> str:
        return "" if self.year is None else f"{self.year} to {self.year + 1}"

    @property
    def filename(self) -> str:
        if self.idea_reference:
            return f"audit-pack-{self.idea_reference}"
        return f"audit-pack-{self.force_code}-{self.year}"

    @property
    def columns(self) -> dict[str, tuple[Column, ...]]:
        return columns_of(self.year)


async def forces_to_pack(session: AsyncSession, viewer: CurrentUser) -> list[tuple[str, str]] | None:
    """The forces whose pack the viewer chooses from on /savings (code, name): None for those who may have
    none, no choice for those of one force (their own), every force for national headquarters and
    administrators."""
    match access.reach(viewer, Permission.COMPARE_DIVISIONS):
        case Reach.NONE:
            return None
        case Reach.EVERYWHERE:
            return [
                (code, name)
                for code, name in await session.execute(select(Force.code, Force.name).order_by(Force.name))
            ]
        case _:
            return []


async def _force_of(session: AsyncSession, viewer: CurrentUser, code: str | None) -> Any:
    """The force whose pack is asked for (its id, code and name): ``code``, or the viewer's own force.
    Validators and headquarters see their own force alone (another is 404); national headquarters and
    administrators name one."""
    access.require(viewer, Permission.COMPARE_DIVISIONS)
    wanted = (code or "").strip().upper()
    columns = (Force.id, Force.code, Force.name)
    if not wanted:
        if viewer.force_id is None:
            raise InvalidQuery({"force": "Choose a force: give its code, as force=LAN"})
        return (await session.execute(select(*columns).where(Force.id == viewer.force_id))).one()
    if not FORCE_CODE.fullmatch(wanted):
        raise InvalidQuery({"force": "Give a force's code: up to 8 letters and digits, as LAN"})
    found = (await session.execute(select(*columns).where(Force.code == wanted))).first()
    if found is None:
        if access.reach(viewer, Permission.COMPARE_DIVISIONS) is Reach.EVERYWHERE:
            raise InvalidQuery({"force": f"No force has the code {wanted}"})
        raise OutOfReach("forces", wanted, Permission.COMPARE_DIVISIONS.value)
    if not access.covers(viewer, Permission.COMPARE_DIVISIONS, force_id=found.id):
        raise OutOfReach("forces", found.id, Permission.COMPARE_DIVISIONS.value)
    return found


def _costs_in_year(year: int) -> ColumnElement[bool]:
    """The costs that count in financial year ``year``: one-off costs incurred in it, and recurring costs
    whose period falls in it, at least in part."""
    first_day, last_day = financial_year_bounds(year)
    return or_(
        and_(IdeaCost.recurrence == CostRecurrence.ONE_OFF, IdeaCost.starts >= first_day, IdeaCost.starts <= last_day),
        and_(
            IdeaCost.recurrence == CostRecurrence.RECURRING,
            IdeaCost.starts <= last_day,
            or_(IdeaCost.ends.is_(None), IdeaCost.ends >= first_day),
        ),
    )


async def force_pack(
    session: AsyncSession, viewer: CurrentUser, year: int, force_code: str | None, now: datetime.datetime
) -> AuditPack:
    """Financial year ``year``'s pack of a force (``force_code``, or the viewer's own): for its validators
    and headquarters, and national headquarters and administrators. Its totals are those of the force
    on the dashboards (:func:`quest.dashboards.savings.savings_by`, the same rollups read the same way)."""
    force = await _force_of(session, viewer, force_code)
    hours = await productive_hours_of(session, force.id)
    shown = (await savings_by(session, year, BY_FORCE, [force.id], {force.id: hours}))[force.id]
    return AuditPack(
        title=f"Audit pack: {force.name}, {year} to {year + 1}",
        force_code=force.code,
        force_name=force.name,
        year=year,
        idea_id=None,
        idea_reference=None,
        generated_at=now,
        generated_by=viewer.display_name,
        productive_hours=hours,
        rule=RULE,
        totals=year_totals(shown, days_of_year(year)),
        claims_where=and_(SavingsClaim.force_id == force.id, falls_in_year(year)),
        costs_where=and_(IdeaCost.force_id == force.id, _costs_in_year(year)),
    )


async def idea_pack(session: AsyncSession, viewer: CurrentUser, reference: str, now: datetime.datetime) -> AuditPack:
    """One idea's pack: for anyone who sees the idea's whole record but frontline staff, who may not read
    the rate card its time is valued at (404 for an idea out of reach, 403 for staff). A full year's worth
    of its claims, as its page shows them."""
    wanted = reference.strip().upper()
    found = (
        await session.execute(
            select(
                Idea.id,
                Idea.reference,
                Idea.title,
                Idea.status,
                Idea.force_id,
                Idea.division_id,
                Force.code,
                Force.name,
            )
            .join(Force, Force.id == Idea.force_id)
            .where(Idea.reference == wanted, visible(viewer))
        )
    ).first()
    if found is None:
        raise await not_found(session, Idea.id, Permission.VIEW_WORK, Idea.reference == wanted)
    if not sees_full_record(viewer, found):
        raise OutOfReach("ideas", found.id, Permission.VIEW_WORK.value)
    access.require(viewer, Permission.VIEW_RATE_CARD)
    ledger = await idea_ledger(session, viewer, found)
    return AuditPack(
        title=f"Audit pack: {found.reference}, {found.title}",
        force_code=found.code,
        force_name=found.name,
        year=None,
        idea_id=found.id,
        idea_reference=found.reference,
        generated_at=now,
        generated_by=viewer.display_name,
        productive_hours=await productive_hours_of(session, found.force_id),
        rule=IDEA_RULE,
        totals=idea_totals(ledger.totals, ledger.costs.one_off),
        claims_where=SavingsClaim.idea_id == found.id,
        costs_where=IdeaCost.idea_id == found.id,
    )
