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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from quest import fields, spreadsheets

NO_FILE = "Choose a CSV file or an Excel workbook (.xlsx) to upload"
EMPTY_FILE = "The file is empty"
WRONG_TYPE = "The file must be a CSV file (.csv) or an Excel workbook (.xlsx)"
NOT_TEXT = "The file is not a CSV text file: save it from your spreadsheet as ‘CSV’ and upload that"
NOT_XLSX = "The file is not an Excel workbook that can be read: save it from Excel as ‘.xlsx’ or ‘CSV’"
_SEPARATORS = ("\t", ";", ",")


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


def rows_from_file(filename: str, data: bytes, *, max_rows: int) -> Iterator[SheetRow]:
    """Every row of an uploaded file, blank ones too: a workbook if its name ends .xlsx, CSV text if .csv.
    :class:`TooManyRows` once there are more than ``max_rows``."""
    if not filename:
        raise UnreadableRows(NO_FILE)
    if not data:
        raise UnreadableRows(EMPTY_FILE)
    extension = PurePath(filename).suffix.lower()
    if extension == ".xlsx":
        yield from rows_from_xlsx(data, max_rows=max_rows)
    elif extension == ".csv":
        yield from rows_from_csv(csv_text(data))
    else:
        raise UnreadableRows(WRONG_TYPE)


def separator_of(first_line: str) -> str:
    """A CSV file's separator, from its first line: a tab if it has one, else whichever of semicolon
    (as spreadsheets save CSV where the comma is the decimal mark) and comma it has more of."""
    if "\t" in first_line:
        return "\t"
    return ";" if first_line.count(";") > first_line.count(",") else ","


def rows_from_csv(text: str) -> Iterator[SheetRow]:
    """The rows of a CSV file, its separator detected (:func:`separator_of`). Unlike a paste, a file is read
    as one CSV document, so a quoted cell may run over two lines."""
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator_of(first_line))
    try:
        for number, cells in enumerate(reader, start=1):
            yield SheetRow(number, tuple(cells))
    except csv.Error as error:
        raise UnreadableRows(NOT_TEXT) from error


def csv_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without the byte-order mark Excel writes), UTF-16 with one, or
    the Windows code page Excel uses when it saves plain ‘CSV’."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in data:
        raise UnreadableRows(NOT_TEXT)  # text never holds a NUL byte; a workbook or an image does
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableRows(NOT_TEXT)


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
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    return fields.read_written_date(cell_text(cell) if text is None else text)
