"""Downloads of the tables people see, as CSV and XLSX (DESIGN §4): a page offers them at its own address
with ``format=csv`` or ``format=xlsx`` (:data:`DownloadFormat`), its filters kept.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read by a
spreadsheet as a formula. In CSV such text gets a leading apostrophe; in XLSX the cell is typed as text.
Either way it is shown, never run.

Text is made :func:`~quest.text.printable` on the way out: a control character stored before QUEST refused
them (Excel cannot hold one at all) becomes U+FFFD, and the download works for everyone.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import enum
import io
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from litestar import Response
from litestar.params import QueryParameter
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from quest.text import printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | decimal.Decimal | datetime.date | datetime.datetime | None


class Download(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


# ``?format=csv``: a handler's parameter may not be called ``format``. Anything else is a 400 naming it.
DownloadFormat = Annotated[Download | None, QueryParameter(name="format", required=False)]


def safe_cell(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula is escaped; numbers and dates pass unchanged."""
    if isinstance(value, str):
        value = printable(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def _download(content: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def csv_download(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Response[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(_plain(cell)) for cell in row])
    # A byte-order mark so that Excel reads the file as UTF-8 (names with accents, the £ sign).
    return _download(("\ufeff" + buffer.getvalue()).encode("utf-8"), CSV_TYPE, filename)


def xlsx_download(filename: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Response[bytes]:
    workbook = Workbook(write_only=True)
    worksheet: Any = workbook.create_sheet(sheet[:31])
    worksheet.append([printable(name) for name in header])
    for row in rows:
        worksheet.append([_excel(worksheet, cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(buffer.getvalue(), XLSX_TYPE, filename)


def table_download(
    as_: Download, name: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> Response[bytes]:
    """The table as ``name.csv``, or as ``name.xlsx`` with its rows on a sheet called ``sheet``."""
    if as_ is Download.CSV:
        return csv_download(f"{name}.csv", header, rows)
    return xlsx_download(f"{name}.xlsx", sheet, header, rows)


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
