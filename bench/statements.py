"""The SQL statements an engine sends, with their parameters and how long each took.

Shared by ``tests/integration/test_query_counts.py`` (a ceiling on each page's statements) and
``bench/pages.py`` (each page's statement count, and its slowest statement, replayed alone as the floor).
The transaction's own ``BEGIN``/``COMMIT`` are left out, since SQLite sends them as statements and
PostgreSQL's driver does not.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
_STARTED = "bench_statement_started"


@dataclass(slots=True)
class Statement:
    text: str
    parameters: Any
    many: bool
    seconds: float = 0.0


class Statements:
    """The statements an engine runs while ``counting`` is on."""

    def __init__(self) -> None:
        self.seen: list[Statement] = []
        self.on = False

    @contextlib.contextmanager
    def listening(self, engine: Engine) -> Iterator[Statements]:
        """Listen to ``engine`` (a sync engine: ``AsyncEngine.sync_engine``) for the block's life."""
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        try:
            yield self
        finally:
            event.remove(engine, "before_cursor_execute", self._before)
            event.remove(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if self.on and not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.seen.append(Statement(statement, parameters, many))
            conn.info[_STARTED] = (self.seen[-1], time.perf_counter())

    def _after(self, conn: Any, *_args: Any) -> None:
        started = conn.info.pop(_STARTED, None)
        if started is not None:
            record, at = started
            record.seconds = time.perf_counter() - at

    def of(self, request: Callable[[], Any], status: int = 200) -> int:
        """Run one request (answered ``status``) and count what it asked the database."""
        self.seen = []
        self.on = True
        try:
            response = request()
        finally:
            self.on = False
        assert response.status_code == status, response.text
        return len(self.seen)

    def slowest(self) -> Statement:
        """The statement of the last request that took longest: the page's main query."""
        return max((record for record in self.seen if not record.many), key=lambda record: record.seconds)

    def listing(self) -> str:
        return "\n".join(
            f"{index + 1}. {record.text.split(chr(10))[0][:160]}" for index, record in enumerate(self.seen)
        )
