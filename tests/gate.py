"""Holding a request just before one of its statements, so a test can interrupt it mid-transaction.

A gate is a folder. While the file ``closed`` is in it, every statement that inserts into the gate's
table waits (without blocking the event loop: the request is as it would be waiting for a lock in the
database), after touching ``reached`` to say a request is held there. Removing ``closed`` lets it go on.

``python -m tests.gate FOLDER TABLE --port N`` serves QUEST, as ``quest serve`` does (without its
migrations), with the gate installed: a real server process a test can disconnect from or kill while
a request is held at the gate.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.util import await_only

WAIT_SECONDS = 60


class Gate:
    def __init__(self, folder: Path, table: str) -> None:
        self.folder = folder
        self.table = table
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def _closed(self) -> Path:
        return self.folder / "closed"

    @property
    def _reached(self) -> Path:
        return self.folder / "reached"

    def close(self) -> None:
        self._reached.unlink(missing_ok=True)
        self._closed.touch()

    def open(self) -> None:
        self._closed.unlink(missing_ok=True)

    def wait_until_reached(self) -> None:
        """Wait until a request is held at the gate: everything it did before the statement is done."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not self._reached.exists():
            self._check(deadline)
            time.sleep(0.02)

    async def reached(self) -> None:
        """:meth:`wait_until_reached`, for a test running the app on its own event loop."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not self._reached.exists():
            self._check(deadline)
            await asyncio.sleep(0.02)

    def _check(self, deadline: float) -> None:
        if time.monotonic() > deadline:
            raise AssertionError(f"no request reached the gate before INSERT INTO {self.table}")

    def _hold(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if not statement.startswith(f"INSERT INTO {self.table} ") or not self._closed.exists():
            return
        self._reached.touch()
        while self._closed.exists():
            await_only(asyncio.sleep(0.02))  # this is SQLAlchemy's sync layer, run in the request's greenlet

    def install(self) -> None:
        event.listen(Engine, "before_cursor_execute", self._hold)

    def remove(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._hold)


@contextmanager
def installed(folder: Path, table: str) -> Iterator[Gate]:
    """A gate on ``table`` for this process's engines, open until the test closes it."""
    gate = Gate(folder, table)
    gate.install()
    try:
        yield gate
    finally:
        gate.open()
        gate.remove()


def main(arguments: list[str]) -> None:
    import uvicorn

    folder, table, _port_flag, port = arguments
    Gate(Path(folder), table).install()
    uvicorn.run("quest.app:create_app", factory=True, port=int(port), log_config=None, access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
