"""What the savings reports (forecast against actual, where released time went) break a reach down by:
nothing for one division, its divisions for a force, the forces for the country; and their names."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission, Reach
from quest.accounts.identity import CurrentUser
from quest.org.models import Division, Force
from quest.savings.models import SavingsClaim

DIVISION, FORCE = "division", "force"


def grouping(viewer: CurrentUser) -> tuple[str | None, Any]:
    """What a viewer's reports are broken down by (None, "division" or "force"), and the claims' column
    of it: as /savings scopes them, a manager (or staff member) sees their division, validators and force
    headquarters their force's divisions, national and admin every force. 403 for those who see none."""
    match access.require(viewer, Permission.VIEW_WORK):
        case Reach.EVERYWHERE:
            return FORCE, SavingsClaim.force_id
        case Reach.OWN_FORCE:
            return DIVISION, SavingsClaim.division_id
        case _:
            return None, SavingsClaim.division_id


async def unit_names(session: AsyncSession, grouped_by: str | None, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The names of the divisions (or, grouped by force, the forces) ``ids``."""
    if not ids:
        return {}
    table: Any = Force if grouped_by == FORCE else Division
    rows = await session.execute(select(table.id, table.name).where(table.id.in_(list(ids))))
    return dict(rows.all())
