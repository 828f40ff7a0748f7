"""Writes the audit trail.

Any model that mixes in :class:`Audited` has every insert, update and delete appended to ``audit_log``
by a session ``after_flush`` hook, inside the same transaction as the change. Events that are not row
changes (a sign-in, a refused access) go through :func:`record_event`, which writes the same way.

Who did it comes from the session: :func:`act_as` puts an :class:`Actor` in ``session.info``. A session
without one is the system acting (a migration, a seed), and is logged as such.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from sqlalchemy import Table, event, insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction
from uuid_utils.compat import uuid7

from quest.audit.models import AuditEntry
from quest.logs import current_request_id

_ACTOR_KEY = "quest.actor"
# Columns that say when a row changed, not what changed; an update of these alone is not news.
_BOOKKEEPING_COLUMNS = frozenset({"created_at", "updated_at"})
_REDACTED = "[redacted]"
_AUDIT_LOG = cast(Table, AuditEntry.__table__)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who a change is attributed to."""

    id: uuid.UUID | None
    label: str
    force_id: uuid.UUID | None = None


SYSTEM = Actor(id=None, label="system")


class Audited:
    """Mixin for models whose every change is audited.

    ``__audit_redact__`` names columns whose values must never reach the log (a password hash).
    ``__audit_ignore__`` names bookkeeping columns whose changes alone are not worth a row (last used).
    ``audit_force_id`` says which force a row belongs to, so a force's HQ can read its own trail.
    """

    __audit_redact__: ClassVar[frozenset[str]] = frozenset()
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset()

    @property
    def audit_force_id(self) -> uuid.UUID | None:
        return None


def act_as(session: AsyncSession | Session, actor: Actor) -> None:
    """Attribute the changes made through ``session`` to ``actor``."""
    sync_session = session.sync_session if isinstance(session, AsyncSession) else session
    sync_session.info[_ACTOR_KEY] = actor


def actor_of(session: Session) -> Actor:
    actor = session.info.get(_ACTOR_KEY)
    return actor if isinstance(actor, Actor) else SYSTEM


async def record_event(
    session: AsyncSession,
    *,
    action: str,
    entity: str,
    entity_id: str | None = None,
    force_id: uuid.UUID | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append an event that is not a single row's change, such as a sign-in or an import of many rows,
    in the session's transaction."""
    actor = actor_of(session.sync_session)
    row = _entry(actor, action, entity, entity_id, force_id or actor.force_id, before, after)
    await session.execute(insert(_AUDIT_LOG), [row])


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return _jsonable(value.value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


def _column_values(instance: Audited) -> dict[str, Any]:
    state = inspect(instance)
    redact = type(instance).__audit_redact__
    values: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        if key.startswith("_") or key not in state.dict:
            continue
        values[key] = _REDACTED if key in redact else _jsonable(state.dict[key])
    return values


def _changes(instance: Audited) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(instance)
    redact = type(instance).__audit_redact__
    ignore = _BOOKKEEPING_COLUMNS | type(instance).__audit_ignore__
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        if key.startswith("_") or key in ignore:
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[key] = _REDACTED if key in redact else _jsonable(old)
        after[key] = _REDACTED if key in redact else _jsonable(new)
    return before, after


def _entry(
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str | None,
    force_id: uuid.UUID | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "occurred_at": datetime.datetime.now(datetime.UTC),
        "actor_id": actor.id,
        "actor_label": actor.label,
        "force_id": force_id,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "before": before,
        "after": after,
        "request_id": current_request_id(),
    }


def _row_entry(actor: Actor, instance: Audited, action: str, before: Any, after: Any) -> dict[str, Any]:
    state = inspect(instance)
    key = [state.dict.get(column.key) for column in state.mapper.primary_key]
    entity_id = str(key[0]) if len(key) == 1 else ",".join(str(part) for part in key)
    table = state.mapper.local_table
    force_id = instance.audit_force_id or actor.force_id
    return _entry(actor, action, str(getattr(table, "name", table)), entity_id, force_id, before, after)


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AuditEntry):
            raise PermissionError("The audit log is append-only: its rows are never changed or deleted")


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, _context: UOWTransaction) -> None:
    actor = actor_of(session)
    rows: list[dict[str, Any]] = []
    for instance in session.new:
        if isinstance(instance, Audited):
            rows.append(_row_entry(actor, instance, "create", None, _column_values(instance)))
    for instance in session.dirty:
        if isinstance(instance, Audited):
            before, after = _changes(instance)
            if after:
                rows.append(_row_entry(actor, instance, "update", before, after))
    for instance in session.deleted:
        if isinstance(instance, Audited):
            rows.append(_row_entry(actor, instance, "delete", _column_values(instance), None))
    if rows:
        session.connection().execute(insert(_AUDIT_LOG), rows)
