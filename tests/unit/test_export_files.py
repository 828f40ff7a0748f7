"""The export writers (quest.exports.files, quest.exports.workbook): escaping, a workbook past a sheet's rows,
lists and generators, and a workbook sent as it is written."""

from __future__ import annotations

import asyncio
import csv
import datetime
import decimal
import io
import uuid
import zipfile
from collections.abc import AsyncIterator, Sequence
from typing import Any

import openpyxl
import pytest

from quest.exports import files, workbook, zipped
from quest.exports.files import Cell, write_csv, write_xlsx

ROWS: list[list[Cell]] = [
    ["=1+1", decimal.Decimal("3.50"), datetime.date(2026, 1, 5)],
    ["-2", 7, None],
    ["plain", "@user", "\tindented"],
]


async def generated() -> AsyncIterator[Sequence[Cell]]:
    for row in ROWS:
        yield row


def test_csv_escapes_what_a_spreadsheet_would_run_from_a_list_or_a_generator() -> None:
    for rows in (ROWS, generated()):
        out = io.BytesIO()
        assert asyncio.run(write_csv(out, ["a", "b", "c"], rows)) == 3
        read = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
        assert read == [
            ["a", "b", "c"],
            ["'=1+1", "3.50", "2026-01-05"],
            ["'-2", "7", ""],
            ["plain", "'@user", "'\tindented"],
        ]


def test_a_workbook_types_formulas_as_text_and_goes_on_to_a_second_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "SHEET_ROWS", 2)
    out = io.BytesIO()
    assert asyncio.run(write_xlsx(out, "Readings", ["a", "b", "c"], generated())) == 3
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Readings", "Readings (2)"]
    first, second = workbook["Readings"], workbook["Readings (2)"]
    assert [cell.value for cell in first[1]] == ["a", "b", "c"]
    assert first["A2"].value == "=1+1"
    assert first["A2"].data_type == "s"
    assert first["A3"].value == "-2"
    assert first["A3"].data_type == "s"
    assert [cell.value for cell in second[1]] == ["a", "b", "c"]  # the header again
    assert second["B2"].value == "@user"
    assert second["B2"].data_type == "s"


def test_an_empty_export_is_its_header() -> None:
    out = io.BytesIO()
    assert asyncio.run(write_xlsx(out, "Users", ["email"], [])) == 0
    sheet = openpyxl.load_workbook(out)["Users"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [["email"]]


# --- written as a stream -------------------------------------------------------------------------------------


class Counted:
    """Rows read one at a time, counting how many have been read."""

    def __init__(self, count: int, fail_after: int | None = None) -> None:
        self.count = count
        self.fail_after = fail_after
        self.read = 0

    async def rows(self) -> AsyncIterator[Sequence[Cell]]:
        for number in range(self.count):
            if number == self.fail_after:
                raise RuntimeError("the database went away")
            self.read += 1
            # Text that does not repeat, so that the zip has bytes to send as it goes.
            yield [f"row {number} {uuid.uuid4()}", number, datetime.date(2026, 1, 1) + datetime.timedelta(days=number)]


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "PIECE_CHARACTERS", 4 * 1024)
    monkeypatch.setattr(zipped, "CHUNK_BYTES", 1024)


async def _first_chunk(source: Counted) -> tuple[int, bytes]:
    """How many rows had been read when the workbook's first piece came, and the whole workbook."""
    read_at_first = None
    chunks = []
    async for chunk in files.xlsx_chunks("Readings", ["what", "number", "day"], source.rows()):
        if read_at_first is None:
            read_at_first = source.read
        chunks.append(chunk)
    assert read_at_first is not None
    return read_at_first, b"".join(chunks)


def test_a_workbooks_first_piece_goes_out_before_its_rows_are_all_read(small_pieces: None) -> None:
    source = Counted(6_000)
    read_at_first, whole = asyncio.run(_first_chunk(source))
    assert source.read == 6_000
    assert read_at_first < 1_000, read_at_first
    sheet = openpyxl.load_workbook(io.BytesIO(whole))["Readings"]
    assert sheet.max_row == 6_001
    assert sheet["A6001"].value.startswith("row 5999 ")
    assert sheet["B6001"].value == 5_999
    assert sheet["C2"].value == datetime.datetime(2026, 1, 1)
    assert sheet["C2"].number_format == "yyyy-mm-dd"


def test_a_workbook_that_fails_half_way_is_sent_without_its_end(small_pieces: None) -> None:
    source = Counted(6_000, fail_after=3_000)
    sent: list[bytes] = []

    async def send() -> None:
        async for chunk in files.xlsx_chunks("Readings", ["what", "number", "day"], source.rows()):
            sent.append(chunk)

    with pytest.raises(RuntimeError, match="the database went away"):
        asyncio.run(send())
    # The answer had begun, and what arrived is no workbook: a zip's directory is its end.
    assert len(b"".join(sent)) > 20_000
    assert b"PK\x05\x06" not in b"".join(sent)
    with pytest.raises(zipfile.BadZipFile):
        openpyxl.load_workbook(io.BytesIO(b"".join(sent)))


def test_a_titled_sheet_keeps_its_styles_formulas_and_text_and_may_be_shown_before_it_is_written() -> None:
    from quest.exports.workbook import MONEY_FORMAT, Formatted, Formula, Sheet, Workbook

    book = Workbook()
    summary = book.place("Summary")
    claims = book.place("Claims")
    claims_sheet = Sheet(
        name="Claims",
        header=["Claim", "£ a year", "Period start", "Note"],
        formats={1: MONEY_FORMAT},
        widths={0: 38, 3: 48},
    )
    summary_sheet = Sheet(
        name="Summary",
        header=["Total", "As shown", "Check"],
        preamble=[["The pack"], ["Made at (UTC)", datetime.datetime(2026, 4, 1, 9, 30)], []],
        rows=[
            [
                "Cash",
                Formatted(decimal.Decimal("1200.50"), MONEY_FORMAT),
                Formatted(Formula('=ROUND(SUMIFS(Claims!$B$2:$B$3,Claims!$D$2:$D$3,"<>"),2)'), MONEY_FORMAT),
            ],
            ["Groups", Formatted(3, "0"), Formula('=IF(B5=3,"yes","NO")')],
        ],
    )
    claim_rows: list[list[Any]] = [
        ['=HYPERLINK("http://evil")', decimal.Decimal("1000.00"), datetime.date(2026, 4, 1), "+44 line\r\nnext"],
        ["@sum", 200.5, datetime.date(2026, 5, 1), "x" * 40_000],
    ]

    async def sheets() -> AsyncIterator[tuple[int, Any]]:
        yield claims, book.sheet_xml(claims_sheet, claim_rows)
        yield summary, book.sheet_xml(summary_sheet, summary_sheet.rows)

    async def written() -> bytes:
        return b"".join([chunk async for chunk in book.chunks(sheets())])

    loaded = openpyxl.load_workbook(io.BytesIO(asyncio.run(written())))
    assert loaded.sheetnames == ["Summary", "Claims"]
    sheet = loaded["Claims"]
    assert [cell.value for cell in sheet[1]] == ["Claim", "£ a year", "Period start", "Note"]
    assert all(cell.font.b and cell.alignment.wrap_text and cell.alignment.vertical == "top" for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 38
    assert sheet.column_dimensions["D"].width == 48
    # Text a spreadsheet would run stays text; numbers and dates are numbers, formatted.
    assert (sheet["A2"].value, sheet["A2"].data_type) == ('=HYPERLINK("http://evil")', "s")
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("@sum", "s")
    assert (sheet["D2"].value, sheet["D2"].data_type) == ("+44 line\r\nnext", "s")
    assert (sheet["B2"].value, sheet["B2"].number_format) == (1000, MONEY_FORMAT)
    assert (sheet["B3"].value, sheet["B3"].number_format) == (200.5, MONEY_FORMAT)
    assert (sheet["C2"].value, sheet["C2"].number_format) == (datetime.datetime(2026, 4, 1), "yyyy-mm-dd")
    assert len(sheet["D3"].value) == 32_767
    assert sheet["D3"].value.endswith("[…cut here: the rest is in QUEST]")
    summary_read = loaded["Summary"]
    assert summary_read["A1"].value == "The pack"
    assert (summary_read["B2"].value, summary_read["B2"].number_format) == (
        datetime.datetime(2026, 4, 1, 9, 30),
        "yyyy-mm-dd hh:mm",
    )
    assert summary_read.freeze_panes == "A5"
    assert summary_read["A4"].font.b
    assert (summary_read["B5"].value, summary_read["B5"].number_format) == (1200.5, MONEY_FORMAT)
    assert summary_read["C5"].value == '=ROUND(SUMIFS(Claims!$B$2:$B$3,Claims!$D$2:$D$3,"<>"),2)'
    assert (summary_read["C5"].data_type, summary_read["C5"].number_format) == ("f", MONEY_FORMAT)
    assert (summary_read["B6"].value, summary_read["B6"].number_format) == (3, "0")
    assert summary_read["C6"].value == '=IF(B5=3,"yes","NO")'


async def _zip_of(members: dict[str, bytes]) -> bytes:
    async def pieces(data: bytes) -> AsyncIterator[bytes]:
        for start in range(0, len(data), 100):
            yield data[start : start + 100]

    async def named() -> AsyncIterator[tuple[str, AsyncIterator[bytes]]]:
        for name, data in members.items():
            yield name, pieces(data)

    return b"".join([chunk async for chunk in zipped.zipped(named())])


def test_a_zip_is_whole_wherever_its_pieces_fall(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the size of the pieces handed on, the zip ends with its directory and holds every member.
    stream-zip 0.0.84 ended the stream, silently, when a piece ended just before a member's data (its
    issue 189): with pieces of a member header's length, only that header was sent."""
    members = {"xl/first.xml": b"<a>" + b"x" * 700 + b"</a>", "xl/second.xml": uuid.uuid4().hex.encode() * 20}
    for size in range(1, 160):
        monkeypatch.setattr(zipped, "CHUNK_BYTES", size)
        whole = asyncio.run(_zip_of(members))
        with zipfile.ZipFile(io.BytesIO(whole)) as read:
            assert {name: read.read(name) for name in read.namelist()} == members, size
