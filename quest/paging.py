"""A page of a long list (ideas, users): which page it is, and of how many.

A list may be too long to count to its end on every page (every idea in the country): such a list is
counted up to a limit (:func:`count_up_to`), says "more than" that many, and knows whether another page
follows from the page itself (one row more than a page is read).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True, kw_only=True)
class Paged:
    """What every page of a list knows besides its items: how many items there are in all, this page's
    number (from 1), and how many items a page holds (each list sets its own).

    When the list was counted only up to a limit and holds more (``counted_all`` false), ``total`` is that
    limit, ``pages`` the pages it fills (there are more), and ``more_after`` says whether a page follows
    this one."""

    total: int
    page: int
    per_page: int
    counted_all: bool = True
    more_after: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages if self.counted_all else self.more_after


async def count_up_to(session: AsyncSession, statement: Select[Any], limit: int) -> tuple[int, bool]:
    """How many rows ``statement`` selects, counting no further than ``limit``; and whether that is all of
    them (False: there are more than ``limit``). The cost is bounded by the limit, not by the table."""
    counted = (
        await session.execute(select(func.count()).select_from(statement.limit(limit + 1).subquery()))
    ).scalar_one()
    return min(counted, limit), counted <= limit
