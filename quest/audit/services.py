"""Reading the audit trail: who changed what, when. Scoped by the access matrix; never written here."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.models import AuditEntry
from quest.clock import LONDON

ENTRIES_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class AuditFilters:
    actor: str = ""
    entity: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: uuid.UUID
    occurred_at: datetime.datetime
    actor_label: str
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None

    @property
    def changed_fields(self) -> list[str]:
        return sorted({*(self.before or {}), *(self.after or {})})


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditRow]
    total: int
    page: int
    entities: list[str]
    per_page: int = ENTRIES_PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight in the UK (where people read the dates), as UTC."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON).astimezone(datetime.UTC)


async def list_entries(session: AsyncSession, viewer: CurrentUser, filters: AuditFilters, page: int = 1) -> AuditPage:
    access.require(viewer, Permission.VIEW_AUDIT)
    in_scope = access.scope(viewer, Permission.VIEW_AUDIT, force_column=AuditEntry.force_id)
    statement = select(AuditEntry).where(in_scope)
    if filters.actor.strip():
        statement = statement.where(AuditEntry.actor_label.icontains(filters.actor.strip(), autoescape=True))
    if filters.entity:
        statement = statement.where(AuditEntry.entity == filters.entity)
    if filters.date_from:
        statement = statement.where(AuditEntry.occurred_at >= _start_of_day(filters.date_from))
    if filters.date_to:
        statement = statement.where(
            AuditEntry.occurred_at < _start_of_day(filters.date_to + datetime.timedelta(days=1))
        )
    total = (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()
    page = max(1, page)
    entries = await session.execute(
        statement.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        .limit(ENTRIES_PER_PAGE)
        .offset((page - 1) * ENTRIES_PER_PAGE)
    )
    entities = (
        await session.execute(select(AuditEntry.entity).where(in_scope).distinct().order_by(AuditEntry.entity))
    ).scalars()
    return AuditPage(
        entries=[
            AuditRow(
                id=entry.id,
                occurred_at=entry.occurred_at,
                actor_label=entry.actor_label,
                action=entry.action,
                entity=entry.entity,
                entity_id=entry.entity_id,
                before=entry.before,
                after=entry.after,
                request_id=entry.request_id,
            )
            for entry in entries.scalars()
        ],
        total=total,
        page=page,
        entities=list(entities),
    )
