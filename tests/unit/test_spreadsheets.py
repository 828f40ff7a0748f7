"""The hardened XLSX reader: hostile workbooks are refused by counting, before they cost time or memory."""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Iterator
from typing import IO, Any

import pytest

from quest import spreadsheets
from quest.spreadsheets import SpreadsheetRefused, TooManyRows
from tests import workbooks
from tests.workbooks import A_READING

MAX_ROWS = 20_001


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the zip's parts the reader unzips, in order."""
    names: list[str] = []
    original = zipfile.ZipFile.open

    def recording(archive: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> IO[bytes]:
        if (args[0] if args else kwargs.get("mode", "r")) == "r":  # not the test's own writing
            names.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return original(archive, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording)
    return names


def read(data: bytes, **options: Any) -> list[tuple[int, tuple[object, ...]]]:
    return list(spreadsheets.first_sheet_rows(data, max_rows=MAX_ROWS, **options))


def read_until_refused(rows: Iterator[object]) -> tuple[int, SpreadsheetRefused]:
    """How many rows the reader gave before it refused, and why it refused."""
    count = 0
    try:
        for _row in rows:
            count += 1
    except SpreadsheetRefused as refused:
        return count, refused
    raise AssertionError("not refused")


def test_a_plain_workbook_is_read_row_by_row() -> None:
    assert read(workbooks.workbook([A_READING, b"<row/>", A_READING])) == [
        (1, ("2026-03-01", 118)),
        (2, ()),
        (3, ("2026-03-01", 118)),
    ]


def test_twenty_million_empty_rows_are_refused_from_the_zip_directory_without_unzipping_the_sheet(
    opened: list[str],
) -> None:
    data = workbooks.empty_rows(20_000_000)
    assert len(data) < 200_000
    with pytest.raises(SpreadsheetRefused, match="The file is too large once unzipped: 114 MB, and at most 32 MB"):
        read(data)
    assert opened == []


def test_every_empty_row_counts_and_reading_stops_at_the_limit() -> None:
    rows = spreadsheets.first_sheet_rows(workbooks.empty_rows(150_000), max_rows=MAX_ROWS)
    read_before_refusing, refused = read_until_refused(rows)
    assert isinstance(refused, TooManyRows)
    assert read_before_refusing == MAX_ROWS


def test_a_row_numbered_beyond_the_limit_is_refused() -> None:
    with pytest.raises(TooManyRows):
        read(workbooks.workbook([A_READING, b'<row r="1048576"><c><v>1</v></c></row>']))


def test_a_part_that_unzips_hundreds_of_times_larger_is_refused_before_it_is_read(opened: list[str]) -> None:
    with pytest.raises(SpreadsheetRefused, match=r"one part grows from .* to 5 MB, which is filler"):
        read(workbooks.empty_rows(900_000))
    assert opened == []


def test_a_cell_longer_than_excel_allows_is_refused() -> None:
    with pytest.raises(SpreadsheetRefused, match="A cell holds 1,000,000 characters, more than the 32,767"):
        read(workbooks.one_huge_cell(1_000_000))
    read(workbooks.one_huge_cell(spreadsheets.MAX_CELL_CHARACTERS))


def test_a_huge_cell_is_refused_from_the_zip_directory(opened: list[str]) -> None:
    with pytest.raises(SpreadsheetRefused, match="too large once unzipped: 95 MB"):
        read(workbooks.one_huge_cell(100_000_000))
    assert opened == []


def test_a_shared_strings_bomb_is_refused_before_it_is_read(opened: list[str]) -> None:
    with pytest.raises(SpreadsheetRefused, match="too large once unzipped: 191 MB"):
        read(workbooks.shared_strings_bomb(10_000_000))
    assert opened == []


def test_a_shared_strings_part_over_its_own_cap_is_refused_before_it_is_read(opened: list[str]) -> None:
    # 5 MB of different strings: too little filler for the ratio check, too much for the part's cap.
    strings = (f"<si><t>{number}</t></si>".encode() for number in range(220_000))
    with pytest.raises(SpreadsheetRefused, match=r"its part xl/sharedStrings\.xml is 5 MB, and at most 4 MB"):
        read(workbooks.workbook([A_READING], shared_strings=strings))
    assert "xl/sharedStrings.xml" not in opened


def test_a_value_far_to_the_right_is_refused_but_empty_styled_cells_are_not() -> None:
    assert read(workbooks.workbook([b'<row><c r="A1"><v>1</v></c><c r="XFD1" s="0"/></row>'])) == [(1, (1,))]
    with pytest.raises(SpreadsheetRefused, match="Row 1 has a value in column XFD"):
        read(workbooks.workbook([b'<row><c r="XFD1"><v>1</v></c></row>']))


def test_reading_gives_up_at_its_deadline() -> None:
    ticks = itertools.count()
    rows = spreadsheets.first_sheet_rows(
        workbooks.workbook([A_READING] * 100), max_rows=MAX_ROWS, seconds=10, clock=lambda: float(next(ticks))
    )
    read_before_giving_up, refused = read_until_refused(rows)
    assert str(refused).startswith("The file took too long to read")
    assert read_before_giving_up == 10


@pytest.mark.parametrize("name", ["../outside.xml", "/etc/passwd", "xl\\worksheets\\sheet2.xml", "xl/./a.xml"])
def test_a_zip_entry_with_an_odd_name_is_refused(name: str) -> None:
    with pytest.raises(SpreadsheetRefused, match="names an Excel workbook does not use"):
        read(workbooks.workbook([A_READING], extra={name: b"<x/>"}))
