"""Reading an uploaded Excel workbook (.xlsx) without letting it take the server down.

A workbook is a zip of XML parts, and a small upload can unzip to gigabytes: twenty million empty
``<row/>`` elements are 172 KB zipped, one cell of 400 MB is 400 KB. So the reader

- looks at the zip's central directory before unzipping anything: a cap on the total unzipped size, a
  cap on each part it reads (the sheet, the shared strings, the styles, the small parts that say where
  they are), a sane compression ratio, and no entries with odd names;
- reads the first sheet as a stream of XML events, never as a tree, counting every row element (empty
  ones too) and stopping at the limit, and every cell element of a row;
- refuses a cell longer than Excel allows (32,767 characters);
- gives up at a deadline, checked as it goes, so a worker thread is never held for long.

Every refusal is a :class:`SpreadsheetRefused` whose message says why, for the person who uploaded it.
The XML is parsed by defusedxml, which refuses entity tricks. Values come as openpyxl gives them: numbers
as int or float, date cells as datetimes, text as text, a formula as the result Excel last saved.
"""

from __future__ import annotations

import io
import posixpath
import time
import zipfile
from collections.abc import Callable, Iterator
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring, iterparse
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MEGABYTE = 1024 * 1024
# Generous for 20,000 rows of readings (Excel writes about 2 MB of sheet for them), and small enough to
# read well within the deadline on a busy worker (the shared strings are parsed in full).
MAX_UNZIPPED_BYTES = 32 * MEGABYTE
MAX_SHEET_BYTES = 16 * MEGABYTE
MAX_SHARED_STRINGS_BYTES = 4 * MEGABYTE
MAX_STYLES_BYTES = 4 * MEGABYTE
MAX_SMALL_PART_BYTES = 1 * MEGABYTE  # the workbook, its relationships
MAX_ENTRIES = 1_000
# Text XML zips 5 to 30 times smaller; a part that shrinks 200 times is repeated filler, not readings.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM_BYTES = MEGABYTE
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for one cell
MAX_ELEMENTS_IN_ROW = 100_000  # Excel's 16,384 cells, each with its value, and rich text to spare
MAX_COLUMNS = 100  # values further right than column CV are refused, not read
READ_SECONDS = 5.0

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOCUMENT_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
ROW, CELL, VALUE, INLINE, TEXT, PHONETIC = (f"{MAIN}{tag}" for tag in ("row", "c", "v", "is", "t", "rPh"))

NOT_A_WORKBOOK = "The file is not an Excel workbook that can be read"
TOO_LONG = "The file took too long to read: save the readings alone in a new workbook, or as CSV, and upload that"
ODD_NAMES = "The file holds parts with names an Excel workbook does not use: save it from Excel again"


class SpreadsheetRefused(ValueError):
    """The workbook is refused as a whole; the message says why."""


class TooManyRows(SpreadsheetRefused):
    """The sheet has more rows than allowed (blank rows count: each is work to read)."""


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:,.0f} MB" if size >= MEGABYTE else f"{size / 1024:,.0f} KB"


class _Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.at = clock() + seconds

    def check(self) -> None:
        if self.clock() > self.at:
            raise SpreadsheetRefused(TOO_LONG)


def first_sheet_rows(
    data: bytes, *, max_rows: int, seconds: float | None = None, clock: Callable[[], float] = time.monotonic
) -> Iterator[tuple[int, tuple[object, ...]]]:
    """Every row of the workbook's first sheet, blank ones too, as (its number in the sheet, its values
    from column A to the last filled one). :class:`TooManyRows` once a row numbered or counted above
    ``max_rows`` appears; :class:`SpreadsheetRefused` for anything else that stops the reading."""
    deadline = _Deadline(READ_SECONDS if seconds is None else seconds, clock)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SpreadsheetRefused(NOT_A_WORKBOOK) from error
    with archive:
        check_archive(archive)
        workbook_path = _target(archive, "_rels/.rels", "", "/officeDocument") or "xl/workbook.xml"
        workbook = _small_part(archive, workbook_path)
        properties = workbook.find(f"{MAIN}workbookPr")
        epoch = CALENDAR_WINDOWS_1900
        if properties is not None and properties.get("date1904", "").lower() in ("1", "true"):
            epoch = CALENDAR_MAC_1904
        first = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
        rels = _relationships_path(workbook_path)
        sheet_path = None
        if first is not None:
            sheet_path = _target(archive, rels, workbook_path, "", first.get(DOCUMENT_RELATIONSHIP))
        if sheet_path is None:
            raise SpreadsheetRefused(NOT_A_WORKBOOK)
        strings_path = _target(archive, rels, workbook_path, "/sharedStrings")
        styles_path = _target(archive, rels, workbook_path, "/styles")
        strings = _shared_strings(archive, strings_path, deadline) if strings_path else []
        dates = _date_styles(archive, styles_path) if styles_path else {}
        with _open(archive, sheet_path, MAX_SHEET_BYTES) as sheet:
            yield from _rows(sheet, strings, dates, epoch, max_rows, deadline)


def check_archive(archive: zipfile.ZipFile) -> None:
    """The central directory's word on the zip, before a byte is unzipped (zipfile itself stops reading an
    entry at the size the directory gives, and checks its CRC, so a lying directory gets an error)."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise SpreadsheetRefused(f"The file holds {len(entries):,} parts; an Excel workbook of readings holds a few")
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names) or not all(map(_plain_name, names)):
        raise SpreadsheetRefused(ODD_NAMES)
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNZIPPED_BYTES:
        raise SpreadsheetRefused(
            f"The file is too large once unzipped: {_megabytes(total)}, and at most "
            f"{_megabytes(MAX_UNZIPPED_BYTES)} is read. Save the readings alone in a new workbook, or as CSV"
        )
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise SpreadsheetRefused("The file is protected by a password: save it from Excel without one")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SpreadsheetRefused(NOT_A_WORKBOOK)
        if entry.file_size >= RATIO_CHECKED_FROM_BYTES and entry.file_size > MAX_COMPRESSION_RATIO * max(
            entry.compress_size, 1
        ):
            raise SpreadsheetRefused(
                f"The file is too large once unzipped: one part grows from {_megabytes(entry.compress_size)} "
                f"to {_megabytes(entry.file_size)}, which is filler, not readings"
            )


def _plain_name(name: str) -> bool:
    """A part name as Excel writes them: relative, forward slashes, no '..', nothing unprintable."""
    parts = name.split("/")
    return (
        bool(name)
        and not name.startswith("/")
        and "\\" not in name
        and ":" not in name
        and all(part not in ("..", ".") for part in parts)
        and all(character.isprintable() for character in name)
    )


def _open(archive: zipfile.ZipFile, path: str, limit: int) -> IO[bytes]:
    try:
        entry = archive.getinfo(path)
    except KeyError as error:
        raise SpreadsheetRefused(NOT_A_WORKBOOK) from error
    if entry.file_size > limit:
        raise SpreadsheetRefused(
            f"The file is too large once unzipped: its part {path} is {_megabytes(entry.file_size)}, "
            f"and at most {_megabytes(limit)} is read"
        )
    return archive.open(entry)


def _small_part(archive: zipfile.ZipFile, path: str) -> Element:
    with _open(archive, path, MAX_SMALL_PART_BYTES) as part:
        root: Element = fromstring(part.read())
    return root


def _relationships_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _target(
    archive: zipfile.ZipFile, rels: str, source: str, type_ends: str, relationship_id: str | None = None
) -> str | None:
    """The part a relationship points to (by its id, or the first of its type), as a name in the zip."""
    if rels not in archive.NameToInfo:
        return None
    for relationship in _small_part(archive, rels).iter(f"{RELATIONSHIPS}Relationship"):
        if relationship_id is not None and relationship.get("Id") != relationship_id:
            continue
        if not relationship.get("Type", "").endswith(type_ends) or relationship.get("TargetMode") == "External":
            continue
        target = relationship.get("Target", "")
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    return None


def _text(element: Element) -> str:
    """The text of a string item or inline string: its runs joined, without the phonetic guides."""
    pieces = []
    for child in element:
        if child.tag == TEXT:
            pieces.append(child.text or "")
        elif child.tag != PHONETIC:
            pieces.extend(run.text or "" for run in child.iter(TEXT))
    return _capped("".join(pieces))


def _capped(text: str) -> str:
    if len(text) > MAX_CELL_CHARACTERS:
        raise SpreadsheetRefused(
            f"A cell holds {len(text):,} characters, more than the {MAX_CELL_CHARACTERS:,} Excel allows"
        )
    return text


def _shared_strings(archive: zipfile.ZipFile, path: str, deadline: _Deadline) -> list[str]:
    strings = []
    with _open(archive, path, MAX_SHARED_STRINGS_BYTES) as part:
        root = None
        for event, element in iterparse(part, events=("start", "end")):
            if root is None:
                root = element
            elif event == "end" and element.tag == f"{MAIN}si":
                strings.append(_text(element))
                root.clear()  # each string is read once, then dropped from the tree
                if len(strings) % 1_000 == 0:
                    deadline.check()
    return strings


def _date_styles(archive: zipfile.ZipFile, path: str) -> dict[int, bool]:
    """The cell styles that show a number as a date (True if as a duration, like [h]:mm)."""
    with _open(archive, path, MAX_STYLES_BYTES) as part:
        styles: Element = fromstring(part.read())
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    for number_format in styles.iter(f"{MAIN}numFmt"):
        try:
            formats[int(number_format.get("numFmtId", ""))] = number_format.get("formatCode", "")
        except ValueError:
            continue
    dates = {}
    cell_formats = styles.find(f"{MAIN}cellXfs")
    for index, style in enumerate(cell_formats if cell_formats is not None else ()):
        code = formats.get(int(style.get("numFmtId", "0") or 0), "")
        if is_date_format(code):
            dates[index] = is_timedelta_format(code)
    return dates


def _rows(
    sheet: IO[bytes],
    strings: list[str],
    dates: dict[int, bool],
    epoch: object,
    max_rows: int,
    deadline: _Deadline,
) -> Iterator[tuple[int, tuple[object, ...]]]:
    """The sheet's rows, read as a stream: the worksheet is depth 1, sheetData 2, a row 3, a cell 4.
    Whatever has been read is dropped from the tree as soon as it is done with, so memory stays flat."""
    counted = number = cells_in_row = elements_in_row = depth = 0
    parents: list[Element] = []
    values: dict[int, object] = {}
    for event, element in iterparse(sheet, events=("start", "end")):
        tag = element.tag
        if event == "start":
            depth += 1
            if depth == 1:
                parents = [element]
            elif depth == 2:
                parents[1:] = [element]
            elif depth == 3 and tag == ROW:
                counted += 1
                number = max(_row_number(element.get("r"), number + 1), counted)
                if number > max_rows:
                    raise TooManyRows(f"More than {max_rows:,} rows")
                deadline.check()
                cells_in_row = elements_in_row = 0
            else:
                elements_in_row += 1
                if elements_in_row > MAX_ELEMENTS_IN_ROW:
                    raise SpreadsheetRefused(f"Row {number} has more cells than can be read")
                if depth == 4 and tag == CELL:
                    cells_in_row += 1
            continue
        depth -= 1
        if depth == 3 and tag == CELL:
            column = _column(element.get("r"), cells_in_row)
            value = _value(element, strings, dates, epoch)
            if value is not None:
                if column > MAX_COLUMNS:
                    raise SpreadsheetRefused(
                        f"Row {number} has a value in column {get_column_letter(column)}: only the first "
                        f"{MAX_COLUMNS} columns are read, so clear the cells beyond column "
                        f"{get_column_letter(MAX_COLUMNS)}"
                    )
                values[column] = value
        elif depth == 2:
            if tag == ROW:
                yield number, tuple(values.get(column) for column in range(1, max(values, default=0) + 1))
                values = {}
            parents[1].clear()
        elif depth == 1:
            parents[0].clear()


def _row_number(reference: str | None, following: int) -> int:
    if reference is None:
        return following
    if not reference.isdecimal() or len(reference) > 7:
        raise SpreadsheetRefused(NOT_A_WORKBOOK)
    return max(int(reference), following)


def _column(reference: str | None, position: int) -> int:
    if reference is None:
        return position
    try:
        letters, _row = coordinate_from_string(reference)
        column: int = column_index_from_string(letters)
    except ValueError as error:
        raise SpreadsheetRefused(NOT_A_WORKBOOK) from error
    return column


def _value(cell: Element, strings: list[str], dates: dict[int, bool], epoch: object) -> object:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(INLINE)
        return None if inline is None else _text(inline)
    text = cell.findtext(VALUE)
    if not text:
        return None
    text = _capped(text)
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind in ("str", "e", "d"):
        return text  # a formula's text, an error like #N/A, an ISO date: each read as text
    number: int | float = float(text) if any(mark in text for mark in ".eE") else int(text)
    style = int(cell.get("s", "0") or 0)
    if style in dates:
        try:
            return from_excel(number, epoch, timedelta=dates[style])
        except (OverflowError, ValueError):
            return text
    return number
