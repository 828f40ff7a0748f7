"""Which ideas a list chooses, and in what order: the idea list's filters and sorts (its page, its API and
its download), the practice library's (implemented ideas beyond the viewer's work) and the ideas export's.
The one place for those WHERE clauses and orders, so a list and its download never disagree."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, exists, func
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.ideas import search
from quest.ideas.models import Idea, IdeaWasteType
from quest.ideas.status import IdeaStatus
from quest.waste.types import WasteType

Sort = Literal["newest", "oldest", "most_supported", "recently_changed"]
SORTS: dict[str, str] = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "most_supported": "Most supported",
    "recently_changed": "Recently changed",
}


@dataclass(frozen=True, slots=True)
class IdeaFilters:
    division_id: uuid.UUID | None = None
    status: IdeaStatus | None = None
    waste_type: WasteType | None = None
    process: str = ""
    search: str = ""
    sort: Sort = "newest"
    submitter_id: uuid.UUID | None = None
    # The practice library: implemented ideas from every division and force, instead of those in reach.
    library: bool = False
    force_id: uuid.UUID | None = None


async def conditions_of(session: AsyncSession, viewer: CurrentUser, filters: IdeaFilters) -> list[ColumnElement[bool]]:
    """The WHERE clauses, over ideas alone, of the ideas the filters choose among those the viewer sees
    (the idea list's, and the practice library's: quest.ideas.practice)."""
    conditions: list[ColumnElement[bool]] = (
        [
            Idea.status == IdeaStatus.IMPLEMENTED,
            access.scope(viewer, Permission.VIEW_LIBRARY, force_column=Idea.force_id, division_column=Idea.division_id),
        ]
        if filters.library
        else [access.scope(viewer, Permission.VIEW_WORK, force_column=Idea.force_id, division_column=Idea.division_id)]
    )
    if filters.force_id is not None:
        conditions.append(Idea.force_id == filters.force_id)
    if filters.division_id is not None:
        conditions.append(Idea.division_id == filters.division_id)
    if filters.status is not None:
        conditions.append(Idea.status == filters.status)
    if filters.waste_type is not None:
        conditions.append(
            exists().where(IdeaWasteType.idea_id == Idea.id, IdeaWasteType.waste_type == filters.waste_type)
        )
    if filters.process.strip():
        conditions.append(func.lower(Idea.process) == filters.process.strip().lower())
    if filters.submitter_id is not None:
        conditions.append(Idea.submitter_id == filters.submitter_id)
    if filters.search.strip():
        matching = await search.matching(session, filters.search)
        conditions.append(
            Idea.title.icontains(filters.search.strip(), autoescape=True) if matching is None else matching
        )
    return conditions


# Each order ends in a column no two ideas share, so that a page always holds the same ideas.
_ORDERS: dict[str, tuple[Any, ...]] = {
    "newest": (Idea.created_at.desc(), Idea.id.desc()),
    "oldest": (Idea.created_at.asc(), Idea.id.asc()),
    "most_supported": (Idea.supporter_count.desc(), Idea.created_at.desc(), Idea.id.desc()),
    "recently_changed": (Idea.status_changed_at.desc(), Idea.id.desc()),
}


def order_of(sort: Sort) -> tuple[Any, ...]:
    """The ideas' order for a choice of the list's sort (the list's and its export's)."""
    return _ORDERS[sort]
