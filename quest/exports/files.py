"""Rows written as CSV or XLSX, one row at a time, whatever their number.

Rows come from a list or from an async generator reading the database in batches
(:mod:`quest.exports.tables`): each is formatted and written as it arrives, so an export of a million rows
holds one batch in memory, never the whole table. A workbook is written by openpyxl in write-only mode,
which keeps its rows in a temporary file until it zips them.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read by a
spreadsheet as a formula. In CSV such text gets a leading apostrophe; in XLSX the cell is typed as text.
Either way it is shown, never run.

Text is made :func:`~quest.text.printable` on the way out: a control character stored before QUEST refused
them (Excel cannot hold one at all) becomes U+FFFD, and the file opens for everyone.

A workbook of several sheets (:func:`start_sheet`, :func:`sheet_row`: the audit pack) may hold formulas QUEST writes
itself, so that the spreadsheet recomputes a total: those are :class:`Formula` cells, the only cells ever
written as formulas. Text, whoever typed it, stays text.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import enum
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SpreadsheetCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from quest.text import printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Written CSV text is handed to the file in pieces of about this many characters.
CSV_PIECE_CHARACTERS = 64 * 1024
# Excel's own limit is 1,048,576 rows a sheet; the header takes one. A longer export goes on to a second
# sheet of the same name, numbered, with the header again.
SHEET_ROWS = 1_048_575

Cell = str | int | float | decimal.Decimal | datetime.date | datetime.datetime | None
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


async def each_row(rows: Rows) -> AsyncIterator[Sequence[Cell]]:
    """The rows one at a time, whether they are a list or an async generator."""
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            yield row
    else:
        for row in rows:
            yield row


async def write_csv(out: IO[bytes], header: Sequence[str], rows: Rows) -> int:
    """The header and rows as UTF-8 CSV into ``out``, a piece at a time; the number of rows written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A byte-order mark so that Excel reads the file as UTF-8 (names with accents, the £ sign).
    buffer.write("\ufeff")
    writer.writerow([printable(name) for name in header])
    count = 0
    async for row in each_row(rows):
        writer.writerow(["" if cell is None else safe_cell(_plain(cell)) for cell in row])
        count += 1
        if buffer.tell() >= CSV_PIECE_CHARACTERS:
            out.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue().encode("utf-8"))
    return count


async def write_xlsx(out: IO[bytes], sheet: str, header: Sequence[str], rows: Rows) -> int:
    """The header and rows as a workbook into ``out``, on a sheet called ``sheet`` (and ``sheet (2)`` and
    on, past Excel's rows a sheet); the number of rows written."""
    workbook = Workbook(write_only=True)
    worksheet: Any = None
    count = 0
    sheets = 0
    for_sheet = SHEET_ROWS
    async for row in each_row(rows):
        if for_sheet == SHEET_ROWS:
            sheets += 1
            worksheet = _new_sheet(workbook, sheet, sheets, header)
            for_sheet = 0
        worksheet.append([_excel(worksheet, cell) for cell in row])
        for_sheet += 1
        count += 1
    if worksheet is None:
        _new_sheet(workbook, sheet, 1, header)
    workbook.save(out)
    return count


async def write_rows(out: IO[bytes], file_format: FileFormat, sheet: str, header: Sequence[str], rows: Rows) -> int:
    """:func:`write_csv` or :func:`write_xlsx`, as ``file_format`` says."""
    if file_format is FileFormat.CSV:
        return await write_csv(out, header, rows)
    return await write_xlsx(out, sheet, header, rows)


def _new_sheet(workbook: Any, name: str, number: int, header: Sequence[str]) -> Any:
    suffix = "" if number == 1 else f" ({number})"
    worksheet = workbook.create_sheet(name[: 31 - len(suffix)] + suffix)
    worksheet.append([printable(column) for column in header])
    return worksheet


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula QUEST writes (``=ROUND(SUM(B2:B9)/365,2)``), for the spreadsheet to work out: never text
    from a person, which is always written as text."""

    text: str

    def __post_init__(self) -> None:
        if not self.text.startswith("="):
            raise ValueError("a formula starts with '='")


@dataclass(frozen=True, slots=True)
class Formatted:
    """A cell with a number format of its own, where its column's does not fit it."""

    value: Cell | Formula
    number_format: str


SheetCell = Cell | Formula | Formatted
MONEY_FORMAT = "#,##0.00"
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for one cell
CUT = " […cut here: the rest is in QUEST]"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: ``preamble`` rows (a title, what the sheet says), then ``header`` in bold
    (the row frozen at the top) and ``rows``. ``formats`` gives columns (from 0) an Excel number format;
    dates and times get theirs anyway."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[SheetCell]]
    preamble: Sequence[Sequence[SheetCell]] = ()
    formats: Mapping[int, str] = field(default_factory=dict)
    widths: Mapping[int, float] = field(default_factory=dict)

    @property
    def header_row(self) -> int:
        """The header's row number in the sheet (from 1): the rows start on the next."""
        return len(self.preamble) + 1


def start_sheet(workbook: Workbook, sheet: Sheet, worksheet: Any = None) -> Any:
    """A write-only sheet of ``workbook`` (or ``worksheet``, made earlier to keep its place in the order)
    with ``sheet``'s widths, its preamble and its bold header, its rows to be appended by the caller
    (:func:`sheet_row`), as many as they are, without holding them."""
    if worksheet is None:
        worksheet = workbook.create_sheet(sheet.name[:31])
    for column, width in sheet.widths.items():
        worksheet.column_dimensions[get_column_letter(column + 1)].width = width
    worksheet.freeze_panes = f"A{sheet.header_row + 1}"
    for row in sheet.preamble:
        worksheet.append([_sheet_cell(worksheet, cell, None) for cell in row])
    bold = Font(bold=True)
    header = []
    for name in sheet.header:
        cell = WriteOnlyCell(worksheet, value=printable(name))
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    worksheet.append(header)
    return worksheet


def sheet_row(worksheet: Any, row: Sequence[SheetCell], formats: Mapping[int, str]) -> list[Any]:
    """A row of a sheet's cells, ready to append: each cell as :func:`_sheet_cell` writes it, with its
    column's number format (``formats``, by column from 0)."""
    return [_sheet_cell(worksheet, cell, formats.get(index)) for index, cell in enumerate(row)]


def _sheet_cell(worksheet: Any, cell: SheetCell, number_format: str | None) -> Any:
    """A cell of :func:`sheet_row`: a formula as a formula, anything else as :func:`_excel` writes
    it, with its number format. A cell object only where one is needed (a formula, a format, escaped
    text): a sheet of a million plain values is written several times faster."""
    if isinstance(cell, Formatted):
        return _sheet_cell(worksheet, cell.value, cell.number_format)
    if isinstance(cell, Formula):
        written = WriteOnlyCell(worksheet, value=cell.text)
        written.data_type = "f"
    else:
        value = _excel(worksheet, _within_excel(cell))
        # Text escaped against running as a formula comes back as a cell already (:func:`_excel`).
        if value is None or isinstance(value, str | SpreadsheetCell):
            return value
        if isinstance(cell, datetime.datetime):
            number_format = TIME_FORMAT
        elif isinstance(cell, datetime.date):
            number_format = DATE_FORMAT
        if not number_format:
            return value
        written = WriteOnlyCell(worksheet, value=value)
    if number_format:
        written.number_format = number_format
    return written


def _within_excel(cell: Cell) -> Cell:
    """Text cut to the most a cell holds (Excel refuses a workbook with more), saying so."""
    if isinstance(cell, str) and len(cell) > MAX_CELL_CHARACTERS:
        return cell[: MAX_CELL_CHARACTERS - len(CUT)] + CUT
    return cell


def _plain(cell: Cell) -> Cell:
    if isinstance(cell, datetime.datetime):
        return cell.isoformat(timespec="seconds")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return cell


def _excel(worksheet: Any, cell: Cell) -> Any:
    if isinstance(cell, datetime.datetime):
        return cell.replace(tzinfo=None)  # Excel has no time zones; the column heading says UTC
    if isinstance(cell, decimal.Decimal):
        return float(cell)
    if isinstance(cell, str):
        cell = printable(cell)
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        text = WriteOnlyCell(worksheet, value=cell)
        text.data_type = "s"  # text, not a formula
        return text
    return cell
