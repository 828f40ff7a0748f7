"""Reading a spreadsheet: a CSV file (UTF-8 with or without the byte-order mark, UTF-16, or the Windows
code page; comma, semicolon or tab, detected) or a workbook's first sheet (through the hardened reader of
:mod:`quest.spreadsheets`), as numbered rows of cells. Shared by every import: a measure's readings
(:mod:`quest.metrics.imports`) and the imports of readings, ideas and users (:mod:`quest.imports`).

Pure: bytes in, rows out.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TextIO

from quest import fields, spreadsheets

NO_FILE = "Choose a CSV file or an Excel workbook (.xlsx) to upload"
EMPTY_FILE = "The file is empty"
WRONG_TYPE = "The file must be a CSV file (.csv) or an Excel workbook (.xlsx)"
NOT_TEXT = "The file is not a CSV text file: save it from your spreadsheet as ‘CSV’ and upload that"
NOT_XLSX = "The file is not an Excel workbook that can be read: save it from Excel as ‘.xlsx’ or ‘CSV’"
_CHECKED_AT_ONCE = 1 << 20


class UnreadableRows(ValueError):
    """The paste or the file as a whole cannot be read, so there is no row-by-row report to give."""


class TooManyRows(UnreadableRows):
    """The file has more rows than the reader was asked to take."""


# Rows are made tens of thousands at a time: a plain slotted dataclass, as a frozen one sets each field
# through object.__setattr__, twice the cost of the checks themselves. Nothing changes one.
@dataclass(slots=True)
class SheetRow:
    """One row as the person sees it in their spreadsheet: its number there, and its cells (text from a
    paste or CSV; dates, numbers and text from a workbook)."""

    number: int
    cells: tuple[object, ...]


# Each row's number, and its cells, for many rows at once: map(number_of, rows).
number_of = operator.attrgetter("number")
cells_of = operator.attrgetter("cells")


def rows_from_file(filename: str, data: bytes, *, max_rows: int) -> Iterator[SheetRow]:
    """Every row of an uploaded file, blank ones too: a workbook if its name ends .xlsx, CSV text if .csv.
    :class:`TooManyRows` once a workbook has more than ``max_rows``."""
    if not filename:
        raise UnreadableRows(NO_FILE)
    if not data:
        raise UnreadableRows(EMPTY_FILE)
    extension = PurePath(filename).suffix.lower()
    if extension == ".xlsx":
        yield from rows_from_xlsx(data, max_rows=max_rows)
    elif extension == ".csv":
        yield from rows_from_lines(csv_lines(data))  # read a line at a time: its length costs no memory
    else:
        raise UnreadableRows(WRONG_TYPE)


def separator_of(first_line: str) -> str:
    """A CSV file's separator, from its first line: a tab if it has one, else whichever of semicolon
    (as spreadsheets save CSV where the comma is the decimal mark) and comma it has more of."""
    if "\t" in first_line:
        return "\t"
    return ";" if first_line.count(";") > first_line.count(",") else ","


def rows_from_lines(lines: Iterable[str]) -> Iterator[SheetRow]:
    """The rows of a CSV file read a line at a time (never all held at once), its separator detected from
    its first filled line (:func:`separator_of`). A quoted cell may run over two lines."""
    lines = iter(lines)
    before = []
    for line in lines:
        before.append(line)
        if line.strip():
            break
    separator = separator_of(before[-1]) if before else ","
    reader = csv.reader(itertools.chain(before, lines), delimiter=separator)
    try:
        yield from map(SheetRow, itertools.count(1), map(tuple, reader))  # a million rows: no loop of ours
    except (csv.Error, UnicodeDecodeError) as error:
        raise UnreadableRows(NOT_TEXT) from error


def csv_lines(data: bytes) -> TextIO:
    """CSV bytes as lines of text, decoded as they are read: UTF-8 (with or without the byte-order mark
    Excel writes), UTF-16 with one, or the Windows code page Excel uses when it saves plain ‘CSV’."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=_encoding_of(data), newline="")


def _encoding_of(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in data:
        raise UnreadableRows(NOT_TEXT)  # text never holds a NUL byte; a workbook or an image does
    # UTF-8 checked a megabyte at a time, so a big file is never decoded whole just to learn its encoding.
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _CHECKED_AT_ONCE):
            decoder.decode(view[start : start + _CHECKED_AT_ONCE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableRows(NOT_TEXT) from None
        return "cp1252"
    return "utf-8-sig"


def rows_from_xlsx(data: bytes, *, max_rows: int) -> Iterator[SheetRow]:
    """The rows of a workbook's first sheet, read by :mod:`quest.spreadsheets`, which caps what a hostile
    workbook can cost. Date cells come as dates and numbers as numbers; a formula as the result Excel last
    saved. :class:`TooManyRows` past ``max_rows`` rows, blank ones counted."""
    try:
        for number, cells in spreadsheets.first_sheet_rows(data, max_rows=max_rows):
            yield SheetRow(number, cells)
    except spreadsheets.TooManyRows as error:
        raise TooManyRows(str(error)) from error
    except spreadsheets.SpreadsheetRefused as error:
        raise UnreadableRows(NOT_XLSX if str(error) == spreadsheets.NOT_A_WORKBOOK else str(error)) from error
    except UnreadableRows:
        raise
    except Exception as error:  # a damaged or disguised file fails in many ways: bad XML, zip, numbers
        raise UnreadableRows(NOT_XLSX) from error


def cell_text(cell: object) -> str:
    """A cell as text: a date without a time as ISO, a float in its shortest form (0.1, never
    0.1000000000000000055), anything else as written."""
    if type(cell) is str:  # the usual case, first: a paste, a CSV file, a preview sent back
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time():
        return cell.date().isoformat()
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()


def parse_day(cell: object, text: str | None = None) -> datetime.date | None:
    """A date cell, or text in ISO (2026-03-01) or UK (01/03/2026, day first) form; None otherwise.
    ``text``: the cell's :func:`cell_text`, when the caller has it already."""
    if type(cell) is str:  # the usual case, first
        return fields.read_written_date(cell if text is None else text)
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    return fields.read_written_date(cell_text(cell) if text is None else text)
