"""Optimistic locking: two people changing the same record at once cannot both win.

Records that people decide on (ideas, savings claims) carry a ``version``, mapped as SQLAlchemy's
``version_id_col``: every ORM update of the row says ``WHERE version = <the version read>``. A service
checks the version the person saw, raises it, and flushes through :func:`changed_once`; if somebody
else's change landed first, the person gets :class:`~quest.errors.Conflict` and nothing is written.
Going through the ORM (never a bare UPDATE) also keeps every change on the audit trail.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from quest.errors import Conflict


class Versioned(Protocol):
    version: int


def check_seen(record: Versioned, seen: int | None, message: str) -> None:
    """Conflict if the person acted on an older version of ``record`` than the one read now."""
    if seen is not None and seen != record.version:
        raise Conflict(message)


async def changed_once(session: AsyncSession, record: Versioned, message: str) -> None:
    """Raise ``record``'s version and flush its changes; Conflict (rolled back) if another change won."""
    record.version += 1
    try:
        await session.flush()
    except StaleDataError:
        await session.rollback()
        raise Conflict(message) from None
