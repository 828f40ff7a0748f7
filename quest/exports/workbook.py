"""Workbooks (.xlsx) written as a stream: each sheet's XML made a row at a time as the rows are read, and
zipped as it is made (:mod:`quest.exports.zipped`), so a download starts at once and a worker holds a
piece of the file, never the file.

A workbook is a zip of XML parts. Sheets are written first, in the order they are ready; the parts that
describe them (the workbook's list of sheets in the order they are shown, the styles the cells used, the
content types) come after, so a sheet may be shown first and written last (the audit pack's Summary).

Text is written as inline strings: always text, never a formula, whatever it starts with (``=1+1`` stays
``=1+1``). The only formulas are :class:`Formula` cells, which QUEST writes itself. Text is made
:func:`~quest.text.printable` and cut to the most a cell holds; dates and times become Excel's serial
numbers with a date format, decimals numbers.
"""

from __future__ import annotations

import datetime
import decimal
import math
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar
from xml.sax.saxutils import quoteattr

from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from quest.exports.zipped import zipped
from quest.text import printable

Cell = str | int | float | decimal.Decimal | datetime.date | datetime.datetime | None
Row = TypeVar("Row")

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
# The format a plain table's times have always had (openpyxl's default): to the second.
SECONDS_FORMAT = "yyyy-mm-dd h:mm:ss"
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for one cell
CUT = " […cut here: the rest is in QUEST]"
MAX_SHEET_NAME = 31  # Excel's own limit
# A sheet's XML is handed to the zip in pieces of about this many characters.
PIECE_CHARACTERS = 64 * 1024

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_FIRST_CUSTOM_FORMAT = 164  # ids below are Excel's built-in formats
# ``&``, ``<`` and ``>`` as XML; a carriage return kept as one (a parser reads a bare one as a line feed);
# the two code points XML cannot hold at all become U+FFFD, as a refused character does.
_ESCAPED = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;", "\ufffe": "\ufffd", "\uffff": "\ufffd"}
)


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


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: ``preamble`` rows (a title, what the sheet says), then ``header`` and
    ``rows``. A titled sheet's header is bold and wrapped, the row frozen at the top; a plain table's
    (``titled=False``: an export, read back by the imports) is its first row and nothing more.
    ``formats`` gives columns (from 0) an Excel number format; dates get ``DATE_FORMAT`` and times
    ``time_format`` anyway. ``widths`` gives columns a width."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[SheetCell]] = ()
    preamble: Sequence[Sequence[SheetCell]] = ()
    formats: Mapping[int, str] = field(default_factory=dict)
    widths: Mapping[int, float] = field(default_factory=dict)
    titled: bool = True
    time_format: str = TIME_FORMAT

    @property
    def header_row(self) -> int:
        """The header's row number in the sheet (from 1): the rows start on the next."""
        return len(self.preamble) + 1


def within_excel(text: str) -> str:
    """Text cut to the most a cell holds (Excel refuses a workbook with more), saying so."""
    if len(text) > MAX_CELL_CHARACTERS:
        return text[: MAX_CELL_CHARACTERS - len(CUT)] + CUT
    return text


def _text(value: str) -> str:
    value = printable(within_excel(value)).translate(_ESCAPED)
    # Spaces at either end are the cell's own: kept, as XML would drop them.
    preserve = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f"<is><t{preserve}>{value}</t></is>"


def _number(value: int | float | decimal.Decimal) -> str | None:
    """A number as a cell's value; None if it is no number Excel has (infinite, not a number)."""
    if isinstance(value, int):
        return str(value)
    number = float(value)
    return repr(number) if math.isfinite(number) else None


class _Styles:
    """The cell formats a workbook's cells use, numbered as its styles part lists them (0: none)."""

    def __init__(self) -> None:
        self._numbered: dict[tuple[str | None, bool], int] = {(None, False): 0}

    def number(self, number_format: str | None, *, heading: bool = False) -> int:
        key = (number_format, heading)
        if key not in self._numbered:
            self._numbered[key] = len(self._numbered)
        return self._numbered[key]

    def xml(self) -> str:
        custom: dict[str, int] = {}
        cell_formats = []
        for number_format, heading in self._numbered:
            format_id = 0
            if number_format is not None:
                format_id = BUILTIN_FORMATS_REVERSE.get(number_format) or custom.setdefault(
                    number_format, _FIRST_CUSTOM_FORMAT + len(custom)
                )
            font = ' fontId="1" applyFont="1" applyAlignment="1"' if heading else ' fontId="0"'
            alignment = '<alignment vertical="top" wrapText="1"/>' if heading else ""
            cell_formats.append(
                f'<xf numFmtId="{format_id}"{font} fillId="0" borderId="0" xfId="0" applyNumberFormat="1">'
                f"{alignment}</xf>"
            )
        formats = "".join(f'<numFmt numFmtId="{id_}" formatCode={quoteattr(code)}/>' for code, id_ in custom.items())
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        return (
            f'<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(custom)}">{formats}</numFmts>' if custom else "")
            + f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(cell_formats)}">{"".join(cell_formats)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


class _Columns:
    """Column letters, worked out once each."""

    def __init__(self) -> None:
        self._letters: list[str] = []

    def __getitem__(self, index: int) -> str:
        while len(self._letters) <= index:
            self._letters.append(get_column_letter(len(self._letters) + 1))
        return self._letters[index]


class Workbook:
    """A workbook written as a stream: :meth:`place` each sheet in the order its tab is shown, then hand
    :meth:`chunks` each sheet's XML (:meth:`sheet_xml`) in the order it is written."""

    def __init__(self) -> None:
        self._styles = _Styles()
        self._columns = _Columns()
        self._names: list[str] = []

    def place(self, name: str) -> int:
        """A place for a sheet called ``name``, its tab after those placed before; the sheet's number."""
        self._names.append(name[:MAX_SHEET_NAME])
        return len(self._names)

    async def sheet_xml(
        self, sheet: Sheet, rows: Iterable[Sequence[SheetCell]] | AsyncIterable[Sequence[SheetCell]]
    ) -> AsyncIterator[bytes]:
        """``sheet`` (its preamble and header) and ``rows`` as the sheet's XML, a piece at a time."""
        number = 0
        written: list[str] = [self._head(sheet)]
        size = len(written[0])
        for row in sheet.preamble:
            number += 1
            written.append(self._row(number, row, {}, sheet.time_format))
        number += 1
        written.append(self._header(number, sheet))
        async for row in each_row(rows):
            number += 1
            line = self._row(number, row, sheet.formats, sheet.time_format)
            written.append(line)
            size += len(line)
            if size >= PIECE_CHARACTERS:
                yield "".join(written).encode()
                written.clear()
                size = 0
        written.append("</sheetData></worksheet>")
        yield "".join(written).encode()

    async def chunks(self, sheets: AsyncIterable[tuple[int, AsyncIterable[bytes]]]) -> AsyncIterator[bytes]:
        """The workbook's bytes as it is written: ``sheets`` (each its number from :meth:`place` and its
        XML), then the parts that describe them."""
        async for chunk in zipped(self._parts(sheets)):
            yield chunk

    async def _parts(
        self, sheets: AsyncIterable[tuple[int, AsyncIterable[bytes]]]
    ) -> AsyncIterator[tuple[str, AsyncIterable[bytes]]]:
        written = set()
        async for number, xml in sheets:
            written.add(number)
            yield f"xl/worksheets/sheet{number}.xml", xml
        if written != set(range(1, len(self._names) + 1)):
            raise ValueError(f"sheets {sorted(written)} written of {len(self._names)} placed")
        for name, part in self._described():
            yield name, _once(part.encode())

    def _described(self) -> Iterable[tuple[str, str]]:
        count = len(self._names)
        sheets = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{number}" r:id="rId{number}"/>'
            for number, name in enumerate(self._names, 1)
        )
        yield "xl/styles.xml", self._styles.xml()
        yield (
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><bookViews><workbookView activeTab="0"/>'
            f'</bookViews><sheets>{sheets}</sheets><calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>',
        )
        worksheets = "".join(
            f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{number}.xml"/>'
            for number in range(1, count + 1)
        )
        yield (
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{worksheets}'
            f'<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>',
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
            for number in range(1, count + 1)
        )
        yield (
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>{overrides}</Types>',
        )
        yield (
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )

    def _head(self, sheet: Sheet) -> str:
        """The sheet's XML up to its first row: its frozen header (a titled sheet's) and its widths."""
        view = '<sheetView workbookViewId="0"/>'
        if sheet.titled:
            below = f"A{sheet.header_row + 1}"
            view = (
                f'<sheetView workbookViewId="0"><pane ySplit="{sheet.header_row}" topLeftCell="{below}" '
                f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{below}" '
                f'sqref="{below}"/></sheetView>'
            )
        widths = "".join(
            f'<col min="{column + 1}" max="{column + 1}" width="{width}" customWidth="1"/>'
            for column, width in sorted(sheet.widths.items())
        )
        return (
            f'<worksheet xmlns="{MAIN}"><sheetViews>{view}</sheetViews>'
            + (f"<cols>{widths}</cols>" if widths else "")
            + "<sheetData>"
        )

    def _header(self, number: int, sheet: Sheet) -> str:
        style = f' s="{self._styles.number(None, heading=True)}"' if sheet.titled else ""
        columns = self._columns
        cells = "".join(
            f'<c r="{columns[index]}{number}"{style} t="inlineStr">{_text(name)}</c>'
            for index, name in enumerate(sheet.header)
        )
        return f'<row r="{number}">{cells}</row>'

    def _row(self, number: int, row: Sequence[SheetCell], formats: Mapping[int, str], time_format: str) -> str:
        """A row's XML: text as text, numbers and dates as numbers (formatted as their column says, dates
        and times as dates), formulas as formulas; an empty cell not at all."""
        columns = self._columns
        styles = self._styles
        cells = [f'<row r="{number}">']
        for index, cell in enumerate(row):
            number_format = formats.get(index)
            if isinstance(cell, Formatted):
                value, number_format = cell.value, cell.number_format
            else:
                value = cell
            if value is None or value == "":  # an empty cell, as openpyxl left one
                continue
            where = f'<c r="{columns[index]}{number}"'
            if isinstance(value, str):
                cells.append(f'{where} t="inlineStr">{_text(value)}</c>')
                continue
            if isinstance(value, Formula):
                formula = value.text[1:].translate(_ESCAPED)
                style = styles.number(number_format) if number_format else 0
                cells.append(f'{where} s="{style}"><f>{formula}</f></c>' if style else f"{where}><f>{formula}</f></c>")
                continue
            if isinstance(value, bool):
                cells.append(f'{where} t="b"><v>{int(value)}</v></c>')
                continue
            if isinstance(value, datetime.datetime):
                # Excel has no time zones; a column's heading says UTC where it is.
                shown: str | None = repr(to_excel(value.replace(tzinfo=None)))
                number_format = time_format
            elif isinstance(value, datetime.date):
                shown = str(int(to_excel(value)))
                number_format = DATE_FORMAT
            elif isinstance(value, int | float | decimal.Decimal):
                shown = _number(value)
            else:
                shown = None
            if shown is None:  # nothing a spreadsheet counts with: shown as text
                cells.append(f'{where} t="inlineStr">{_text(str(value))}</c>')
                continue
            style = styles.number(number_format) if number_format else 0
            cells.append(f'{where} s="{style}"><v>{shown}</v></c>' if style else f"{where}><v>{shown}</v></c>")
        cells.append("</row>")
        return "".join(cells)


async def _once(part: bytes) -> AsyncIterator[bytes]:
    yield part


async def each_row(rows: Iterable[Row] | AsyncIterable[Row]) -> AsyncIterator[Row]:
    """The rows one at a time, whether they are a list or an async generator."""
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            yield row
    else:
        for row in rows:
            yield row
