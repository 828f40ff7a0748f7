"""Reading an import's file (issue 15): CSV in UTF-8 with or without its byte-order mark, comma or
semicolon, and a workbook, under a header that names the columns; and an idea's row judged alone."""

from __future__ import annotations

import codecs
import datetime
import io

import pytest
from openpyxl import Workbook

from quest.ideas.status import IdeaStatus
from quest.imports import ideas
from quest.imports.services import KINDS
from quest.imports.sheets import SheetRow, UnreadableRows, rows_from_file, separator_of
from quest.imports.table import Column, header_key, read_table

COLUMNS = (Column("division", True, "", ""), Column("date", True, "", ""), Column("note", False, "", ""))
TODAY = datetime.date(2026, 11, 23)


def cells(filename: str, data: bytes) -> list[tuple[object, ...]]:
    return [row.cells for row in rows_from_file(filename, data, max_rows=100)]


@pytest.mark.parametrize(
    "data",
    [
        b"division,date\r\nNORTH,2026-03-01\r\n",
        codecs.BOM_UTF8 + b"division,date\nNORTH,2026-03-01\n",
        b"division;date\nNORTH;2026-03-01\n",
        codecs.BOM_UTF8 + b"\n\ndivision;date\nNORTH;2026-03-01\n",
        "division\tdate\nNORTH\t2026-03-01\n".encode("utf-16"),
    ],
)
def test_csv_files_in_each_encoding_and_separator_give_the_same_cells(data: bytes) -> None:
    assert [row for row in cells("file.csv", data) if any(row)] == [("division", "date"), ("NORTH", "2026-03-01")]


def test_separator_is_whichever_the_header_uses_more() -> None:
    assert separator_of("a;b;c") == ";"
    assert separator_of("a,b;c,d") == ","
    assert separator_of("a\tb;c") == "\t"
    assert separator_of("value") == ","


def test_a_windows_code_page_file_is_read_and_a_binary_one_refused() -> None:
    assert cells("file.csv", "title\nCaf\u00e9 rota\n".encode("cp1252")) == [("title",), ("Café rota",)]
    with pytest.raises(UnreadableRows):
        cells("file.csv", b"\x81\x8d\x8f")


def test_a_workbook_is_read_with_its_dates() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Division", "Date"])
    sheet.append(["NORTH", datetime.datetime(2026, 3, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    assert cells("file.xlsx", buffer.getvalue()) == [("Division", "Date"), ("NORTH", datetime.datetime(2026, 3, 1))]


def test_headers_are_matched_whatever_their_case_and_spacing() -> None:
    assert header_key(" Submitted date ") == "submitted_date"
    assert header_key("first-response") == "first_response"
    rows = [SheetRow(1, ("Date", "DIVISION")), SheetRow(2, ("2026-03-01", "NORTH"))]
    table = read_table(rows, COLUMNS)
    assert table.problems == []
    row = next(table.rows)
    assert (table.header.text(row, "division"), table.header.text(row, "date"), table.header.text(row, "note")) == (
        "NORTH",
        "2026-03-01",
        "",
    )


@pytest.mark.parametrize(
    ("header", "row", "picked"),
    [
        # Every column named is there: a row read as it is, short or with a cell past the header's.
        (("date", "division", "note"), ("2026-03-01", "NORTH", "x"), ("NORTH", "2026-03-01", "x")),
        (("date", "division", "note"), ("2026-03-01", "NORTH"), ("NORTH", "2026-03-01", None)),
        (("date", "division", "note"), ("2026-03-01", "NORTH", "x", "y"), ("NORTH", "2026-03-01", "x")),
        # A column the file lacks reads as None, even in a row with cells past the header's.
        (("division", "date"), ("NORTH", "2026-03-01"), ("NORTH", "2026-03-01", None)),
        (("division", "date"), ("NORTH", "2026-03-01", "stray"), ("NORTH", "2026-03-01", None)),
        (("division", "date"), ("NORTH",), ("NORTH", None, None)),
    ],
)
def test_the_cells_of_the_columns_named_are_read_a_column_at_a_time(
    header: tuple[str, ...], row: tuple[str, ...], picked: tuple[object, ...]
) -> None:
    table = read_table([SheetRow(1, header), SheetRow(2, row), SheetRow(3, row)], COLUMNS)
    assert table.header.columns(list(table.rows), "division", "date", "note") == [(cell, cell) for cell in picked]


def test_rows_short_and_long_read_together_as_each_does_alone() -> None:
    rows = [("2026-03-01", "NORTH", "x"), ("2026-03-02",), ("2026-03-03", "SOUTH", "y", "stray"), ()]
    table = read_table([SheetRow(1, ("date", "division", "note")), *map(SheetRow, range(2, 6), rows)], COLUMNS)
    assert table.header.columns(list(table.rows), "division", "date", "note") == [
        ("NORTH", None, "SOUTH"),
        ("2026-03-01", "2026-03-02", "2026-03-03"),
        ("x", None, "y"),
    ]
    assert table.header.columns([], "division", "date") == [(), ()]


def test_a_header_missing_a_column_or_with_an_unknown_one_is_named() -> None:
    table = read_table([SheetRow(1, ("division", "colour"))], COLUMNS)
    assert [(problem.row, problem.column) for problem in table.problems] == [(1, "colour"), (1, "date")]
    assert read_table([SheetRow(1, ("division",))], COLUMNS, given=("date",)).problems == []


def test_every_kind_has_a_template_naming_its_columns() -> None:
    for kind in KINDS.values():
        header, example = kind.template().splitlines()
        assert header.split(",") == [column.name for column in kind.columns]
        assert example


def idea_row(**values: str) -> tuple[ideas.PlannedIdea | None, list[tuple[str, str]]]:
    row = {
        "title": "Pre-fill forms",
        "problem": "Retyping",
        "proposal": "Fill from the record",
        "submitted": "2026-03-01",
    }
    row.update(values)
    names = [column.name for column in ideas.COLUMNS]
    table = read_table(
        [SheetRow(1, tuple(names)), SheetRow(2, tuple(row.get(name, "") for name in names))], ideas.COLUMNS
    )
    planned, problems = ideas.check_row(table.header, next(table.rows), None, TODAY)
    return planned, [(problem.column, problem.message) for problem in problems]


def test_an_idea_row_reads_its_waste_types_and_status() -> None:
    assert ideas.waste_types_of("Waiting; Extra-processing, non utilised talent") == [
        "waiting",
        "extra_processing",
        "non_utilised_talent",
    ]
    assert ideas.status_of("In progress") is IdeaStatus.IN_PROGRESS
    assert ideas.status_of("") is IdeaStatus.SUBMITTED
    assert ideas.status_of("binned") is None


def test_an_idea_decided_at_once_was_first_answered_by_its_decision() -> None:
    _planned, problems = idea_row(status="declined", decided="2026-03-05", reason="Done already")
    assert problems == []


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"submitted": "2026-02-30"}, "submitted"),
        ({"submitted": "2026-12-01"}, "submitted"),  # in the future
        ({"status": "approved", "first_response": "2026-03-02"}, "decided"),
        ({"status": "approved", "first_response": "2026-02-01", "decided": "2026-03-05"}, "first_response"),
        (
            {
                "status": "implemented",
                "first_response": "2026-03-02",
                "decided": "2026-03-05",
                "implemented": "2026-04-01",
            },
            "learned",
        ),
        ({"status": "parked", "first_response": "2026-03-02"}, "reason"),
        ({"status": "submitted", "decided": "2026-03-05"}, "decided"),
        ({"status": "duplicate", "decided": "2026-03-05"}, "duplicate_of"),
        ({"waste_types": "Dust"}, "waste_types"),
        ({"title": ""}, "title"),
    ],
)
def test_an_idea_row_breaking_a_rule_names_the_column(values: dict[str, str], column: str) -> None:
    planned, problems = idea_row(**values)
    assert planned is None
    assert column in [name for name, _message in problems]
