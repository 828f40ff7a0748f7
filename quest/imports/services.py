"""Running an import: read the file, check every row, and write everything in one transaction or nothing.
The one path the command line (``quest import``), the web page and the API take."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.recorder import act_as
from quest.errors import Forbidden, NotFound
from quest.imports import ideas, readings, users
from quest.imports.places import UnknownForce, places_in_reach
from quest.imports.report import ImportReport, Problem
from quest.imports.sheets import SheetRow, UnreadableRows, rows_from_file
from quest.imports.table import Column, read_table

# An import of more rows is refused before any is checked (a workbook's reader stops at it).
MAX_ROWS = 2_000_000

Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class ImportKind:
    """What one kind of import reads, who may run it, and how it checks and writes its rows."""

    name: str
    permission: Permission
    columns: tuple[Column, ...]
    check: Callable[..., Awaitable[Any]]
    write: Callable[..., Awaitable[None]]

    def template(self) -> str:
        """The header and one example row, as a CSV template to fill in."""
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([column.name for column in self.columns])
        writer.writerow([column.example for column in self.columns])
        return buffer.getvalue()


KINDS = {
    kind.name: kind
    for kind in (
        ImportKind(readings.KIND, readings.PERMISSION, readings.COLUMNS, readings.check, readings.write),
        ImportKind(ideas.KIND, ideas.PERMISSION, ideas.COLUMNS, ideas.check, ideas.write),
        ImportKind(users.KIND, users.PERMISSION, users.COLUMNS, users.check, users.write),
    )
}


def kinds_for(viewer: CurrentUser) -> list[ImportKind]:
    """The kinds of import the viewer may run: :class:`Forbidden` to a role that may run none."""
    kinds = [kind for kind in KINDS.values() if access.may(viewer, kind.permission)]
    if not kinds:
        raise Forbidden(permission=Permission.IMPORT_READINGS.value)
    return kinds


def import_kind(viewer: CurrentUser, name: str) -> ImportKind:
    """The kind of import called ``name``: not found if there is none, forbidden to a role that may not run it."""
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound("import")
    access.require(viewer, kind.permission)
    return kind


def _unreadable(kind: str, message: str, column: str = "") -> ImportReport:
    return ImportReport(kind, problems=[Problem(0, column, message)])


async def run_import(
    session: AsyncSession,
    viewer: CurrentUser,
    kind_name: str,
    rows: Iterable[SheetRow],
    *,
    force_code: str | None = None,
    now: datetime.datetime,
    today: datetime.date,
    dry_run: bool = False,
    progress: Progress = lambda _phase, _rows: None,
    submitter: str = "",
) -> tuple[ImportReport, Any]:
    """Check every row; unless there is a problem or it is a dry run, write them all and commit. Returns
    the report, and what the kind checked (new users' invitation links, for the command line). The
    caller opens a writing transaction (``quest.db.writing``): the check's reads and the writes are one
    transaction, so nothing changes in between. ``submitter``: who raised the ideas whose submitter cell
    is blank (ideas alone)."""
    kind = KINDS[kind_name]
    try:
        places = await places_in_reach(session, viewer, kind.permission, force_code)
    except UnknownForce as error:
        return _unreadable(kind.name, str(error), "force"), None
    try:
        table = read_table(rows, kind.columns, given=("force",) if places.fixed_force else ())
        if table.problems:  # a missing or unknown column: its rows would each repeat the same problem
            return ImportReport(kind.name, problems=table.problems), None
        options = {"submitter": submitter} if submitter else {}
        checked = await kind.check(
            session, places, table, today=today, progress=lambda count: progress("checked", count), **options
        )
    except UnreadableRows as error:
        return _unreadable(kind.name, str(error)), None
    report: ImportReport = checked.report
    if report.problems or dry_run:
        await session.rollback()
        return report, checked
    act_as(session, viewer.actor)
    progress("writing", report.rows)
    await kind.write(session, viewer, checked, now=now)
    await session.commit()
    report.written = True
    progress("written", report.rows)
    return report, checked


def read_rows(filename: str, data: bytes) -> Iterable[SheetRow]:
    """The rows of a file, up to :data:`MAX_ROWS`, read as they are checked."""
    return rows_from_file(filename, data, max_rows=MAX_ROWS)


async def import_upload(
    session: AsyncSession,
    viewer: CurrentUser,
    kind_name: str,
    filename: str,
    data: bytes,
    *,
    force_code: str | None = None,
    now: datetime.datetime,
    today: datetime.date,
    dry_run: bool = False,
) -> ImportReport:
    """:func:`run_import` of an uploaded file, read in a worker thread first, so that a slow workbook never
    holds up the event loop (its reader also gives up at its own deadline)."""
    try:
        rows = await asyncio.to_thread(lambda: list(read_rows(filename, data)))
    except UnreadableRows as error:
        return _unreadable(kind_name, str(error))
    report, _checked = await run_import(
        session, viewer, kind_name, rows, force_code=force_code, now=now, today=today, dry_run=dry_run
    )
    return report
