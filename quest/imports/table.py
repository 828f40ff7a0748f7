"""A file's rows under its header: the columns an import takes, found by name in the file's first filled
row, so a file's columns may come in any order, and a header written "Submitted date" finds the column
``submitted_date``. Pure."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from quest.imports.report import Problem
from quest.imports.sheets import SheetRow, cell_text, cells_of

T = TypeVar("T")
NO_HEADER = "The file has no header row: its first row must name the columns"
NO_ROWS = "The file has a header but no rows under it"


@dataclass(frozen=True, slots=True)
class Column:
    """A column an import reads: its name in the header, whether every file must have it, what it holds
    and an example value, as the import's page and template show them."""

    name: str
    required: bool
    meaning: str
    example: str


def header_key(cell: object) -> str:
    """A header cell as a column name: "Submitted date", "submitted-date" and "SUBMITTED_DATE" alike."""
    return "_".join(cell_text(cell).lower().replace("-", " ").replace("_", " ").split())


@dataclass(frozen=True, slots=True)
class Header:
    """Where each known column is in the file (0 is column A)."""

    number: int
    positions: dict[str, int]

    def has(self, name: str) -> bool:
        return name in self.positions

    def cell(self, row: SheetRow, name: str) -> object:
        position = self.positions.get(name)
        if position is None or position >= len(row.cells):
            return None
        return row.cells[position]

    def text(self, row: SheetRow, name: str) -> str:
        return cell_text(self.cell(row, name))

    def columns(self, rows: Sequence[SheetRow], *names: str) -> list[tuple[object, ...]]:
        """The cells of ``names`` (two or more) in each of ``rows``, a column at a time, None for a column
        the file lacks or a row that stops short: :meth:`cell` for a chunk of a million-row file, by calls
        that loop in C."""
        positions = [self.positions.get(name) for name in names]
        width = max((position for position in positions if position is not None), default=-1) + 1
        pick = operator.itemgetter(*(width if position is None else position for position in positions))
        cells = list(map(cells_of, rows))
        if None in positions or min(map(len, cells), default=width) < width:
            blank = (None,) * (width + 1)  # the last slot, past every column named, is where a missing one reads
            cells = [row[:width] + blank[min(len(row), width) :] for row in cells]
        if not cells:
            return [() for _name in names]
        return list(zip(*map(pick, cells), strict=True))


@dataclass(slots=True)
class Table:
    """A file read under its header: the header, its data rows (blank ones left out) and what is wrong
    with the header, if anything (then there is no point checking a row)."""

    header: Header
    rows: Iterator[SheetRow]
    problems: list[Problem]


def is_filled(row: SheetRow) -> bool:
    """Whether any cell of the row holds something: a CSV row's text cells joined and stripped at once (a
    million rows' worth of per-cell calls cost a tenth of an import), a workbook's cell by cell."""
    try:
        return bool("".join(row.cells).strip())  # type: ignore[arg-type]
    except TypeError:  # a workbook's numbers and dates
        return any(cell_text(cell) for cell in row.cells)


def read_table(rows: Iterable[SheetRow], columns: Sequence[Column], *, given: Iterable[str] = ()) -> Table:
    """The rows under the first filled row, read as the header. Each required column must be there (a
    column in ``given`` is not needed: its value comes from elsewhere, such as ``--force``); a column
    the import does not take is named as a problem rather than silently ignored."""
    filled = filter(is_filled, rows)
    first = next(filled, None)
    if first is None:
        return Table(Header(0, {}), iter(()), [Problem(1, "", NO_HEADER)])
    known = {column.name for column in columns}
    positions: dict[str, int] = {}
    problems = []
    for position, cell in enumerate(first.cells):
        name = header_key(cell)
        if not name:
            continue
        if name not in known:
            problems.append(Problem(first.number, name, f"QUEST does not import a column called ‘{cell_text(cell)}’"))
        elif name in positions:
            problems.append(Problem(first.number, name, f"There are two columns called ‘{name}’"))
        else:
            positions[name] = position
    skipped = set(given)
    problems.extend(
        Problem(first.number, column.name, f"The file has no ‘{column.name}’ column")
        for column in columns
        if column.required and column.name not in positions and column.name not in skipped
    )
    return Table(Header(first.number, positions), filled, problems)


# Values a query lists (IN ...) at a time: well under either engine's limit on parameters.
BATCH = 500


def batches(values: Iterable[T]) -> Iterator[list[T]]:
    """``values`` in lists of :data:`BATCH`, for queries that name them."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
