"""A page of a long list (ideas, users, the API's lists): which page it is, of how many, and the links to
the others (RFC 8288 ``Link``, as every list of the API answers).

A list may be too long to count to its end on every page (every idea in the country): such a list is
counted up to a limit (:func:`count_up_to`), says "more than" that many, and knows whether another page
follows from the page itself (one row more than a page is read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

Item = TypeVar("Item")


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


def page_of_list(items: Sequence[Item], page: int, per_page: int) -> tuple[Sequence[Item], Paged]:
    """Page ``page`` of a list read whole (a short one: the measures within reach, a user's tokens), and
    what it knows of itself."""
    paged = Paged(total=len(items), page=page, per_page=per_page)
    return items[(page - 1) * per_page : page * per_page], paged


def links(url: str, paged: Paged) -> str:
    """The RFC 8288 ``Link`` header of a page of a list at ``url``: its first, previous, next and last
    pages (last only when the list was counted to its end), each the same address with another ``page``
    and this one's ``per_page``."""
    scheme, netloc, path, query, _ = urlsplit(url)
    kept = [
        (name, value) for name, value in parse_qsl(query, keep_blank_values=True) if name not in ("page", "per_page")
    ]

    def at(page: int) -> str:
        return urlunsplit((scheme, netloc, path, urlencode([*kept, ("page", page), ("per_page", paged.per_page)]), ""))

    relations = [("first", 1)]
    if paged.page > 1:
        relations.append(("prev", paged.page - 1))
    if paged.has_next:
        relations.append(("next", paged.page + 1))
    if paged.counted_all:
        relations.append(("last", paged.pages))
    return ", ".join(f'<{at(page)}>; rel="{relation}"' for relation, page in relations)


async def count_up_to(session: AsyncSession, statement: Select[Any], limit: int) -> tuple[int, bool]:
    """How many rows ``statement`` selects, counting no further than ``limit``; and whether that is all of
    them (False: there are more than ``limit``). The cost is bounded by the limit, not by the table."""
    counted = (
        await session.execute(select(func.count()).select_from(statement.limit(limit + 1).subquery()))
    ).scalar_one()
    return min(counted, limit), counted <= limit
