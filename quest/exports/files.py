"""Rows written as CSV or XLSX, one row at a time, whatever their number, as bytes to send or to write.

Rows come from a list or from an async generator reading the database in batches
(:mod:`quest.exports.tables`): each is formatted and written as it arrives, so an export of a million rows
holds one batch in memory, never the whole table. :func:`file_chunks` gives the file a piece at a time as
it is written, for a download to send at once; :func:`write_rows` writes it into a file.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read by a
spreadsheet as a formula. In CSV such text gets a leading apostrophe; in XLSX every text is typed as text
(:mod:`quest.exports.workbook`). Either way it is shown, never run.

Text is made :func:`~quest.text.printable` on the way out: a control character stored before QUEST refused
them (Excel cannot hold one at all) becomes U+FFFD, and the file opens for everyone.
"""

from __future__ import annotations

import csv
import datetime
import enum
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from typing import IO

from quest.exports import workbook
from quest.exports.workbook import SECONDS_FORMAT, Sheet, each_row
from quest.text import printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Written CSV text is handed on in pieces of about this many characters.
CSV_PIECE_CHARACTERS = 64 * 1024
# Excel's own limit is 1,048,576 rows a sheet; the header takes one. A longer export goes on to a second
# sheet of the same name, numbered, with the header again.
SHEET_ROWS = 1_048_575

Cell = workbook.Cell
Rows = Iterable[Sequence[Cell]] | AsyncIterable[Sequence[Cell]]


class FileFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        return CSV_TYPE if self is FileFormat.CSV else XLSX_TYPE


def safe_cell(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula is escaped; numbers and dates pass unchanged."""
    if isinstance(value, str):
        value = printable(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


async def csv_chunks(header: Sequence[str], rows: Rows) -> AsyncIterator[bytes]:
    """The header and rows as UTF-8 CSV, a piece at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A byte-order mark so that Excel reads the file as UTF-8 (names with accents, the £ sign).
    buffer.write("\ufeff")
    writer.writerow([printable(name) for name in header])
    async for row in each_row(rows):
        writer.writerow(["" if cell is None else safe_cell(_plain(cell)) for cell in row])
        if buffer.tell() >= CSV_PIECE_CHARACTERS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


class _Split:
    """The rows of a table, a sheet's worth at a time (Excel's :data:`SHEET_ROWS`)."""

    def __init__(self, rows: Rows) -> None:
        self._rows = aiter(each_row(rows))
        self._next: Sequence[Cell] | None = None

    async def more(self) -> bool:
        """Whether any rows are left, reading the next if need be."""
        if self._next is None:
            self._next = await anext(self._rows, None)
        return self._next is not None

    async def sheet(self) -> AsyncIterator[Sequence[Cell]]:
        for _ in range(SHEET_ROWS):
            if not await self.more():
                return
            row, self._next = self._next, None
            yield row  # type: ignore[misc]


async def xlsx_chunks(sheet: str, header: Sequence[str], rows: Rows) -> AsyncIterator[bytes]:
    """The header and rows as a workbook, a piece at a time, on a sheet called ``sheet`` (and ``sheet (2)``
    and on, past Excel's rows a sheet)."""
    book = workbook.Workbook()
    split = _Split(rows)

    async def sheets() -> AsyncIterator[tuple[int, AsyncIterable[bytes]]]:
        number = 1
        while number == 1 or await split.more():
            suffix = "" if number == 1 else f" ({number})"
            table = Sheet(
                name=sheet[: workbook.MAX_SHEET_NAME - len(suffix)] + suffix,
                header=header,
                titled=False,
                time_format=SECONDS_FORMAT,
            )
            yield book.place(table.name), book.sheet_xml(table, split.sheet())
            number += 1

    async for chunk in book.chunks(sheets()):
        yield chunk


def file_chunks(file_format: FileFormat, sheet: str, header: Sequence[str], rows: Rows) -> AsyncIterator[bytes]:
    """The file as ``file_format`` says, a piece at a time as it is written."""
    if file_format is FileFormat.CSV:
        return csv_chunks(header, rows)
    return xlsx_chunks(sheet, header, rows)


async def write_csv(out: IO[bytes], header: Sequence[str], rows: Rows) -> int:
    """The header and rows as UTF-8 CSV into ``out``; the number of rows written."""
    return await write_rows(out, FileFormat.CSV, "", header, rows)


async def write_xlsx(out: IO[bytes], sheet: str, header: Sequence[str], rows: Rows) -> int:
    """The header and rows as a workbook into ``out`` (:func:`xlsx_chunks`); the number of rows written."""
    return await write_rows(out, FileFormat.XLSX, sheet, header, rows)


async def write_rows(out: IO[bytes], file_format: FileFormat, sheet: str, header: Sequence[str], rows: Rows) -> int:
    """The file as ``file_format`` says into ``out``, a piece at a time; the number of rows written."""
    count = 0

    async def counted() -> AsyncIterator[Sequence[Cell]]:
        nonlocal count
        async for row in each_row(rows):
            count += 1
            yield row

    async for chunk in file_chunks(file_format, sheet, header, counted()):
        out.write(chunk)
    return count


def _plain(cell: Cell) -> Cell:
    if isinstance(cell, datetime.datetime):
        return cell.isoformat(timespec="seconds")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return cell
