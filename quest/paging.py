"""A page of a long list (ideas, users): which page it is, and of how many."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Paged:
    """What every page of a list knows besides its items: how many items there are in all, this page's
    number (from 1), and how many items a page holds (each list sets its own)."""

    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
