"""The export writers (quest.exports.files): escaping, a workbook past a sheet's rows, lists and generators."""

from __future__ import annotations

import asyncio
import csv
import datetime
import decimal
import io
from collections.abc import AsyncIterator, Sequence

import openpyxl
import pytest

from quest.exports import files
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
