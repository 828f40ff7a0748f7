"""Refused access, on the audit trail (DESIGN §2: "refused access is logged").

Two kinds of refusal are logged: a role without a permission at all (:class:`~quest.errors.Forbidden`, a
403), and a record that exists but lies in another force or division
(:class:`~quest.errors.OutOfReach`, answered as a 404 like a record that does not exist). A 404 for a
record that does not exist at all is no refusal, and is not logged.

The request that was refused rolls its own transaction back, so the entry is written afterwards in a
short transaction of its own, once the answer has gone (a background task of the error response).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.recorder import Actor, act_as, record_event
from quest.db import writing
from quest.errors import Forbidden, NotFound, OutOfReach
from quest.logs import get_logger

REFUSED = "access_refused"
logger = get_logger("quest.audit")


async def not_found(
    session: AsyncSession,
    key: InstrumentedAttribute[uuid.UUID],
    permission: Permission,
    *where: ColumnElement[bool],
) -> NotFound:
    """The error for a record a scoped query did not find: :class:`OutOfReach` if a record matching
    ``where`` exists out of the user's reach, plain :class:`NotFound` if none exists. Costs one indexed
    lookup, and only on the way to a 404."""
    entity = str(key.class_.__tablename__)
    found = (await session.execute(select(key).where(*where).limit(1))).scalar_one_or_none()
    return OutOfReach(entity, found, permission.value) if found is not None else NotFound(entity)


def refusal_of(error: Exception, *, method: str, path: str) -> dict[str, Any] | None:
    """What to log of a refused request, or None if ``error`` is no refusal (pure)."""
    where = {"method": method, "path": path}
    if isinstance(error, OutOfReach):
        return {"entity": error.entity, "entity_id": error.entity_id, "permission": error.permission, **where}
    if isinstance(error, Forbidden):
        return {
            "entity": "permissions",
            "entity_id": error.permission or None,
            "permission": error.permission,
            "reason": error.reason,
            **where,
        }
    return None


async def record_refusal(
    session_maker: async_sessionmaker[AsyncSession],
    user: CurrentUser | None,
    refusal: dict[str, Any],
) -> None:
    """Write one refused access in a transaction of its own. A failure to write is logged, not raised:
    the person has had their answer already."""
    details = {key: value for key, value in refusal.items() if key not in ("entity", "entity_id") and value}
    try:
        with writing():
            async with session_maker() as session:
                act_as(session, user.actor if user is not None else Actor(id=None, label="anonymous"))
                await record_event(
                    session,
                    action=REFUSED,
                    entity=refusal["entity"],
                    entity_id=refusal["entity_id"],
                    after=details,
                )
                await session.commit()
    except Exception as error:  # the answer is sent; a lost entry must at least reach the log
        logger.error("could not audit a refused access", refusal=refusal, exc_info=error)
