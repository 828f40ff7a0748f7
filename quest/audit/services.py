"""Reading the audit trail: who changed what, when, with each record named in words and each change in
full. Scoped by the access matrix; never written here."""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.models import AuditEntry
from quest.audit.names import RecordName, from_values, kind_in_words, record_names
from quest.clock import LONDON
from quest.records import filled

ENTRIES_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class AuditFilters:
    actor: str = ""
    entity: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


# Words in field names people read differently from how the columns spell them.
_FIELD_WORDS = {"fte": "FTE", "sla": "SLA", "km2": "km²", "gbp": "£", "id": "id", "api": "API", "pcso": "PCSO"}


@functools.cache
def field_label(field: str) -> str:
    """``officers_fte`` as "Officers FTE". Kept once worked out: a table has a few dozen columns, and an
    audit pack names them hundreds of thousands of times."""
    words = [_FIELD_WORDS.get(word, word) for word in field.split("_") if word]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else field


def readable(value: Any) -> str:
    """A value from the log as text, whole: lists one item a line, mappings one ``key: value`` a line."""
    if value is None:
        return "(none)"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value == "":
        return "(empty)"
    if isinstance(value, list):
        return "\n".join(readable(item) for item in value) if value else "(none)"
    if isinstance(value, dict):
        return "\n".join(f"{key}: {readable(item)}" for key, item in value.items()) if value else "(none)"
    return str(value)


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    label: str
    before: str | None  # None: the field was not there before (a new record, an event)
    after: str | None  # None: the field is gone (a deleted record)


def changes_of(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """Every field of an entry, with its whole value before and after, in a stable order."""
    fields = sorted({*(before or {}), *(after or {})})
    return [
        Change(
            field=field,
            label=field_label(field),
            before=readable(before[field]) if before is not None and field in before else None,
            after=readable(after[field]) if after is not None and field in after else None,
        )
        for field in fields
    ]


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: uuid.UUID
    occurred_at: datetime.datetime
    actor_label: str
    action: str
    entity: str
    entity_id: str | None
    record: RecordName
    changes: list[Change]
    request_id: str | None

    @property
    def changed_fields(self) -> list[str]:
        return [change.label for change in self.changes]


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditRow]
    total: int
    page: int
    entities: list[tuple[str, str]]  # (entity, in words), for the filter
    per_page: int = ENTRIES_PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight in the UK (where people read the dates), as UTC."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON).astimezone(datetime.UTC)


def entry_conditions(viewer: CurrentUser, filters: AuditFilters) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the entries in the viewer's reach that the filters choose (the audit page's,
    and its export's: quest.exports.tables)."""
    access.require(viewer, Permission.VIEW_AUDIT)
    conditions = [access.scope(viewer, Permission.VIEW_AUDIT, force_column=AuditEntry.force_id)]
    if filters.actor.strip():
        conditions.append(AuditEntry.actor_label.icontains(filters.actor.strip(), autoescape=True))
    if filters.entity:
        conditions.append(AuditEntry.entity == filters.entity)
    if filters.date_from:
        conditions.append(AuditEntry.occurred_at >= start_of_day(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEntry.occurred_at < start_of_day(filters.date_to + datetime.timedelta(days=1)))
    return conditions


async def list_entries(
    session: AsyncSession, viewer: CurrentUser, filters: AuditFilters, page: int = 1, per_page: int = ENTRIES_PER_PAGE
) -> AuditPage:
    """Page ``page`` of the entries in the viewer's reach that ``filters`` choose, newest first, ``per_page``
    a page, each with its record named and every change in full."""
    in_scope = access.scope(viewer, Permission.VIEW_AUDIT, force_column=AuditEntry.force_id)
    statement = select(AuditEntry).where(*entry_conditions(viewer, filters))
    total = (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()
    page = max(1, page)
    entries = await session.execute(
        statement.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    entities = (
        await session.execute(select(AuditEntry.entity).where(in_scope).distinct().order_by(AuditEntry.entity))
    ).scalars()
    rows = list(entries.scalars())
    names = await record_names(
        session, viewer, ((entry.entity, entry.entity_id) for entry in rows if entry.entity_id is not None)
    )
    return AuditPage(
        entries=[
            filled(
                AuditRow,
                entry,
                record=names.get((entry.entity, entry.entity_id or ""))
                or from_values(entry.entity, entry.before or entry.after),
                changes=changes_of(entry.before, entry.after),
            )
            for entry in rows
        ],
        total=total,
        page=page,
        entities=[(entity, kind_in_words(entity, plural=True)) for entity in entities],
        per_page=per_page,
    )
