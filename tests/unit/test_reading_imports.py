"""Reading pasted rows, CSV and XLSX files of readings, and checking them row by row (pure functions)."""

from __future__ import annotations

import codecs
import datetime
import decimal
import io
import uuid
import zipfile
from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from quest import spreadsheets
from quest.imports import sheets
from quest.imports.sheets import SheetRow, UnreadableRows
from quest.metrics import imports
from quest.metrics.imports import ImportPlan, Outcome
from quest.metrics.readings_web import rows_to_show
from quest.metrics.services import MetricSummary
from quest.metrics.vocabulary import Direction, Frequency, MetricKind

TODAY = datetime.date(2026, 11, 23)
D = decimal.Decimal


def check(
    rows: Iterable[SheetRow], frequency: Frequency = Frequency.DAILY, kind: MetricKind = MetricKind.BACKLOG
) -> list[imports.ImportRow]:
    return imports.judge_rows(rows, kind, frequency, TODAY).import_rows()


def summaries(rows: list[imports.ImportRow]) -> list[str]:
    return [problem.summary for row in rows for problem in row.problems]


def readings(rows: list[imports.ImportRow]) -> list[tuple[int, datetime.date, decimal.Decimal]]:
    return [(row.number, row.reading.period, row.reading.value) for row in rows if row.reading is not None]


def metric(frequency: Frequency = Frequency.DAILY) -> MetricSummary:
    return MetricSummary(
        id=uuid.uuid4(),
        force_id=uuid.uuid4(),
        division_id=uuid.uuid4(),
        division_name="Northern",
        name="Pending open incidents",
        unit="incidents",
        kind=MetricKind.BACKLOG,
        direction=Direction.DOWN,
        frequency=frequency,
        target=None,
    )


def workbook_bytes(*rows: tuple[object, ...], sheets: int = 1) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for number in range(1, sheets):
        workbook.create_sheet(f"Other {number}").append(["Not", "read"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading pasted text and files --------------------------------------------------------------------


def test_rows_copied_from_a_spreadsheet_are_tab_separated_and_keep_their_thousands_separators() -> None:
    pasted = "Date\tIncidents\n01/03/2026\t1,204\n02/03/2026\t1,198\n"
    rows = list(imports.rows_from_text(pasted))
    assert rows == [SheetRow(2, ("01/03/2026", "1,204")), SheetRow(3, ("02/03/2026", "1,198"))]
    assert readings(check(rows)) == [
        (2, datetime.date(2026, 3, 1), D(1204)),
        (3, datetime.date(2026, 3, 2), D(1198)),
    ]


def test_typed_rows_are_comma_separated_and_blank_lines_are_skipped_but_still_counted() -> None:
    rows = list(imports.rows_from_text('2026-03-01,118\n\n2026-03-02,"1,120"\r\n  \n2026-03-03, 96 \n'))
    assert [row.number for row in rows] == [1, 3, 5]  # the numbers a text editor shows
    assert readings(check(rows))[1:] == [
        (3, datetime.date(2026, 3, 2), D(1120)),
        (5, datetime.date(2026, 3, 3), D(96)),
    ]


def test_each_line_is_split_at_its_own_separator_so_pasted_and_typed_rows_can_mix() -> None:
    pasted = 'Date\tIncidents\n01/03/2026\t1,204\n2026-03-02,"1,198"\n03/03/2026;1190\n2026-03-04   1185\n'
    rows = list(imports.rows_from_text(pasted))
    assert rows == [
        SheetRow(2, ("01/03/2026", "1,204")),
        SheetRow(3, ("2026-03-02", "1,198")),
        SheetRow(4, ("03/03/2026", "1190")),
        SheetRow(5, ("2026-03-04", "1185")),
    ]
    assert [value for _row, _day, value in readings(check(rows))] == [D(1204), D(1198), D(1190), D(1185)]


def test_a_csv_file_is_one_document_where_a_quoted_cell_may_run_over_lines() -> None:
    rows = list(imports.rows_from_file("counts.csv", b'"Date","Pending\nincidents"\n2026-03-01,118\n'))
    assert rows == [SheetRow(2, ("2026-03-01", "118"))]  # numbered as the spreadsheet shows it


def test_a_header_is_words_that_are_neither_a_date_nor_a_number() -> None:
    assert [row.number for row in imports.rows_from_text("Week beginning,Incidents (2026)\n2026-03-02,5")] == [2]
    # A mistyped first date is a reading with a problem, never a header skipped in silence.
    assert [row.number for row in imports.rows_from_text("2026-02-30,5\n2026-03-02,5")] == [1, 2]
    assert [row.number for row in imports.rows_from_text("Total,5\n2026-03-02,5")] == [1, 2]
    # Only the first row can be a header.
    assert [row.number for row in imports.rows_from_text("Date,Value\nDate,Value")] == [2]


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2026-03-01", datetime.date(2026, 3, 1)),
        ("01/03/2026", datetime.date(2026, 3, 1)),  # UK: the day first
        ("1/3/2026", datetime.date(2026, 3, 1)),
        (" 31/12/2025 ", datetime.date(2025, 12, 31)),
        (datetime.datetime(2026, 3, 1, 0, 0), datetime.date(2026, 3, 1)),  # a workbook's date cell
        (datetime.datetime(2026, 3, 1, 14, 30), datetime.date(2026, 3, 1)),
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1)),
        ("31/02/2026", None),
        ("2026-13-01", None),
        ("20260301", None),
        ("2026-W09-7", None),
        ("03/01/26", None),
        ("1 March 2026", None),
        (46082, None),  # a date typed as a plain number in a workbook
        (None, None),
    ],
)
def test_dates_are_iso_or_uk_day_first(cell: object, day: datetime.date | None) -> None:
    assert imports.parse_day(cell) == day


@given(st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31)))
def test_any_date_written_either_way_reads_back(day: datetime.date) -> None:
    assert imports.parse_day(day.isoformat()) == day
    assert imports.parse_day(f"{day.day:02}/{day.month:02}/{day.year:04}") == day


def test_cells_read_as_people_wrote_them() -> None:
    assert imports.cell_text(0.1) == "0.1"
    assert imports.cell_text(1204.5) == "1204.5"
    assert imports.cell_text(118) == "118"
    assert imports.cell_text(None) == ""
    assert imports.cell_text(" 42 ") == "42"
    assert imports.cell_text(datetime.datetime(2026, 3, 1)) == "2026-03-01"


def test_a_csv_file_in_any_of_the_encodings_excel_writes() -> None:
    text = "Date,Cost in £\r\n01/03/2026,118\r\n"
    for data in (
        text.encode("utf-8"),
        codecs.BOM_UTF8 + text.encode("utf-8"),
        text.encode("cp1252"),
        text.encode("utf-16"),
    ):
        assert list(imports.rows_from_file("readings.CSV", data)) == [SheetRow(2, ("01/03/2026", "118"))]


def test_a_workbooks_first_sheet_is_read_with_its_dates_and_numbers() -> None:
    data = workbook_bytes(
        ("Date", "Incidents"),
        (datetime.datetime(2026, 3, 1), 118),
        (None, None),
        ("02/03/2026", 1204.5, None),
        sheets=2,
    )
    rows = list(imports.rows_from_file("readings.xlsx", data))
    assert rows == [
        # Each row as far as its last value, not as wide as the sheet says it is (a hostile sheet says 16,384).
        SheetRow(2, (datetime.datetime(2026, 3, 1), 118)),
        SheetRow(4, ("02/03/2026", 1204.5)),
    ]
    assert readings(check(rows, kind=MetricKind.TIME)) == [
        (2, datetime.date(2026, 3, 1), D(118)),
        (4, datetime.date(2026, 3, 2), D("1204.5")),
    ]


def zip_without_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readings.txt", "2026-03-01,118")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("", b"", sheets.NO_FILE),
        ("readings.csv", b"", sheets.EMPTY_FILE),
        ("readings.pdf", b"%PDF-1.7", sheets.WRONG_TYPE),
        ("readings.xls", b"\xd0\xcf\x11\xe0", sheets.WRONG_TYPE),
        ("readings", b"2026-03-01,118", sheets.WRONG_TYPE),
        ("readings.csv", workbook_bytes(("2026-03-01", 118)), sheets.NOT_TEXT),
        ("readings.csv", b"2026-03-01,118\x00\x00", sheets.NOT_TEXT),
        ("readings.csv", b"\x81\x8d\x8f\x90\x9d", sheets.NOT_TEXT),  # neither UTF-8 nor Windows-1252
        ("readings.xlsx", bytes(range(256)) * 8, sheets.NOT_XLSX),
        ("readings.xlsx", zip_without_a_workbook(), sheets.NOT_XLSX),
        ("readings.xlsx", b"2026-03-01,118\n", sheets.NOT_XLSX),
    ],
)
def test_a_file_that_cannot_be_read_says_why(name: str, data: bytes, message: str) -> None:
    with pytest.raises(UnreadableRows) as refused:
        list(imports.rows_from_file(name, data))
    assert str(refused.value) == message


def test_at_most_twenty_thousand_rows_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # The row limit is what is tested here, not the time limit: a loaded machine may read slowly.
    monkeypatch.setattr(spreadsheets, "READ_SECONDS", 300.0)
    allowed = "Date,Value\n" + "2026-03-01,1\n" * imports.MAX_ROWS
    assert len(list(imports.rows_from_text(allowed))) == imports.MAX_ROWS
    with pytest.raises(UnreadableRows, match="more than 20,000 rows"):
        list(imports.rows_from_text(allowed + "2026-03-01,1\n"))
    too_many = workbook_bytes(*[("2026-03-01", 1)] * (imports.MAX_ROWS + 1))
    with pytest.raises(UnreadableRows, match="more than 20,000 rows"):
        list(imports.rows_from_file("readings.xlsx", too_many))


def test_rows_with_nothing_but_a_header_are_no_readings() -> None:
    with pytest.raises(UnreadableRows, match="There are no readings"):
        check(imports.rows_from_text("Date,Value\n\n"))


# --- Checking rows ------------------------------------------------------------------------------------


def test_problems_are_named_by_row_and_column() -> None:
    rows = [
        SheetRow(2, ("2026-03-01", "118")),
        SheetRow(3, ("2026-03-02", "")),
        SheetRow(4, ("2026-03-03", "about 40")),
        SheetRow(5, ("2026-03-04", "-3")),
        SheetRow(6, ("2026-03-05", "2.5")),
        SheetRow(7, ("", "12")),
        SheetRow(8, ("2026-02-30", "12")),
        SheetRow(9, ("2026-11-24", "12")),  # tomorrow
        SheetRow(10, ("31/12/1999", "12")),
        SheetRow(11, ("2026-03-06", "12", "note", None)),
        SheetRow(12, ("2026-03-07",)),
    ]
    checked = check(rows)
    assert summaries(checked) == [
        "Row 3, column B (value): Enter a number",
        "Row 4, column B (value): Enter a number, like 42",
        "Row 5, column B (value): A count cannot be negative",
        "Row 6, column B (value): A count must be a whole number",
        "Row 7, column A (date): Enter a date",
        "Row 8, column A (date): Enter a real date, like 01/03/2026 or 2026-03-01",
        "Row 9, column A (date): The date must be today or in the past",
        "Row 10, column A (date): The date must be in 2000 or later",
        "Row 11, column C: " + imports.EXTRA_CELL,
        "Row 12, column B (value): Enter a number",
    ]
    assert [row.outcome for row in checked] == [Outcome.NEW] + [Outcome.PROBLEM] * 10
    assert checked[1].problems[0].field == "row-3-b"
    assert checked[9].problems[0].field == "row-11-c"
    assert (checked[2].date_text, checked[2].value_text) == ("2026-03-03", "about 40")


def test_negative_values_are_fine_where_they_are_not_counts() -> None:
    assert readings(check([SheetRow(1, ("2026-03-01", "-2.25"))], kind=MetricKind.OTHER)) == [
        (1, datetime.date(2026, 3, 1), D("-2.25"))
    ]


def test_two_rows_for_one_day_are_a_problem_naming_both() -> None:
    checked = check([SheetRow(2, ("2026-03-03", "1")), SheetRow(3, ("03/03/2026", "2")), SheetRow(4, ("", "3"))])
    assert summaries(checked) == [
        "Row 3, column A (date): Rows 2 and 3 are both for 3 March 2026",
        "Row 4, column A (date): Enter a date",
    ]


def test_weekly_readings_are_filed_under_their_monday_and_two_days_of_a_week_clash() -> None:
    checked = check(
        [SheetRow(2, ("2026-03-04", "10")), SheetRow(3, ("2026-03-09", "12")), SheetRow(4, ("08/03/2026", "11"))],
        Frequency.WEEKLY,
    )
    assert checked[0].reading is not None
    assert checked[0].reading.period == datetime.date(2026, 3, 2)
    assert checked[0].reading.label == "Week beginning 2 March 2026"
    assert checked[1].reading is not None
    assert checked[1].reading.period == datetime.date(2026, 3, 9)
    assert summaries(checked) == [
        "Row 4, column A (date): Rows 2 and 4 are both for the week beginning 2 March 2026",
    ]


def test_monthly_readings_are_filed_under_the_first() -> None:
    checked = check([SheetRow(1, ("2026-02-28", "10")), SheetRow(2, ("2026-02-01", "9"))], Frequency.MONTHLY)
    assert summaries(checked) == ["Row 2, column A (date): Rows 1 and 2 are both for February 2026"]
    assert checked[0].reading is not None
    assert (checked[0].reading.period, checked[0].reading.label) == (datetime.date(2026, 2, 1), "February 2026")


def test_compared_with_what_is_stored_each_row_is_new_changed_or_unchanged() -> None:
    judged = imports.judge_rows(
        [SheetRow(1, ("2026-03-01", "118")), SheetRow(2, ("2026-03-02", "96")), SheetRow(3, ("x", "1"))],
        MetricKind.BACKLOG,
        Frequency.DAILY,
        TODAY,
    )
    stored = {datetime.date(2026, 3, 1): D("120.0000"), datetime.date(2026, 3, 2): D("96.0000")}
    plan = ImportPlan(metric(), judged, stored)
    assert [row.outcome for row in plan.rows] == [Outcome.CHANGED, Outcome.UNCHANGED, Outcome.PROBLEM]
    assert plan.rows[0].reading is not None
    assert plan.rows[0].reading.previous == D(120)
    assert [plan.count(outcome) for outcome in Outcome] == [0, 1, 1, 1]
    assert plan.changes() == ([], [(datetime.date(2026, 3, 1), D(118), D(120))])
    assert plan.errors == {"row-3-a": "Row 3, column A (date): Enter a real date, like 01/03/2026 or 2026-03-01"}
    new = ImportPlan(metric(), judged)
    assert [new.count(outcome) for outcome in Outcome] == [2, 0, 0, 1]
    assert new.changes() == ([(datetime.date(2026, 3, 1), D(118)), (datetime.date(2026, 3, 2), D(96))], [])


def test_the_checked_rows_go_back_to_the_server_keeping_their_row_numbers() -> None:
    rows = [SheetRow(2, ("04/03/2026", "1,204.50")), SheetRow(7, (datetime.datetime(2026, 3, 9), 12.0))]
    plan = ImportPlan(metric(Frequency.WEEKLY), imports.judge_rows(rows, MetricKind.TIME, Frequency.WEEKLY, TODAY))
    text = plan.checked_text()
    assert text == "2,2026-03-02,1204.5\n7,2026-03-09,12\n"
    again = check(imports.rows_from_preview(text), Frequency.WEEKLY, MetricKind.TIME)
    assert readings(again) == readings(plan.rows)


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=datetime.date(2000, 1, 1), max_value=TODAY),
            st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda pair: pair[0],
    )
)
def test_whatever_the_preview_sends_back_is_checked_to_the_same_readings(
    pairs: list[tuple[datetime.date, decimal.Decimal]],
) -> None:
    rows = [SheetRow(number, (day.strftime("%d/%m/%Y"), f"{value:,f}")) for number, (day, value) in enumerate(pairs, 2)]
    judged = imports.judge_rows(rows, MetricKind.OTHER, Frequency.DAILY, TODAY)
    checked = judged.import_rows()
    assert summaries(checked) == []
    text = ImportPlan(metric(), judged).checked_text()
    again = check(imports.rows_from_preview(text), kind=MetricKind.OTHER)
    assert (
        readings(again) == readings(checked) == [(number, day, value) for number, (day, value) in enumerate(pairs, 2)]
    )


@pytest.mark.parametrize("text", ["2,2026-03-02", "two,2026-03-02,5", "2,2026-03-02,5,6", "²,2026-03-02,5"])
def test_checked_rows_that_come_back_altered_are_refused(text: str) -> None:
    with pytest.raises(UnreadableRows, match="did not come back as they were sent"):
        list(imports.rows_from_preview(text))


def test_a_long_preview_shows_problems_and_changes_first_then_the_first_of_the_rest() -> None:
    rows = imports.judge_rows(
        [SheetRow(number, (f"{day:%Y-%m-%d}", "5")) for number, day in enumerate(days(1, 12), 1)]
        + [SheetRow(13, ("soon", "5"))],
        MetricKind.BACKLOG,
        Frequency.DAILY,
        TODAY,
    ).import_rows({datetime.date(2026, 1, 10): D(4)})
    assert [row.number for row in rows_to_show(rows, limit=4)] == [1, 2, 10, 13]
    assert rows_to_show(rows, limit=20) == rows


def days(first: int, last: int) -> list[datetime.date]:
    return [datetime.date(2026, 1, day) for day in range(first, last + 1)]


@pytest.mark.parametrize(
    ("value", "written"),
    [("120.0000", "120"), ("120", "120"), ("0.2500", "0.25"), ("1E+2", "100"), ("-0", "0"), ("0.0000", "0")],
)
def test_a_value_is_written_as_a_person_writes_it_whichever_equal_value_came_first(value: str, written: str) -> None:
    # as_written is cached, and equal decimals are one key: each spelling must give the same text, asked
    # first or after an equal one.
    imports.as_written.cache_clear()
    first = imports.as_written(decimal.Decimal(value))
    for equal in ("120", "120.0000", "0.25", "0.2500", "100", "0", "-0", "0.0000"):
        imports.as_written(decimal.Decimal(equal))
    assert (first, imports.as_written(decimal.Decimal(value))) == (written, written)


# --- Judging a column of readings at once --------------------------------------------------------------

_GOOD_DATES = st.dates(min_value=datetime.date(2000, 1, 1), max_value=TODAY).map(datetime.date.isoformat)
_DATE_CELLS = st.one_of(
    _GOOD_DATES,
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)).map(datetime.date.isoformat),
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=TODAY).map(lambda day: day.strftime("%d/%m/%Y")),
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=TODAY).map(lambda day: day.strftime("%Y%m%d")),
    _GOOD_DATES.map(lambda text: f" {text}"),
    # Not ISO dates, some of them ten characters long, as an ISO date is.
    st.sampled_from(
        ["", "2026-W09-1", "2026-02-30", "yesterday", "2026-3-1", "2026-03-1 ", "２０２６-03-01", "2026/03/01"]
    ),
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=TODAY),
)
_GOOD_VALUES = st.integers(min_value=0, max_value=10**6).map(str)
_VALUE_CELLS = st.one_of(
    _GOOD_VALUES,
    st.decimals(min_value=-(10**13), max_value=10**13, places=6, allow_nan=False).map(str),
    st.sampled_from(["", " 12 ", "1,000", "-3", "2.5", "1e3", "NaN", "twelve"]),
    st.integers(min_value=0, max_value=400),
)


_EARLIEST = st.one_of(st.none(), st.dates(min_value=datetime.date(1999, 1, 1), max_value=TODAY))


@given(
    st.one_of(
        st.lists(st.tuples(_GOOD_DATES, _GOOD_VALUES), min_size=1, max_size=40),  # the usual file
        st.lists(st.tuples(_DATE_CELLS, _VALUE_CELLS), min_size=1, max_size=40),
    ),
    st.sampled_from(list(MetricKind)),
    _EARLIEST,
)
def test_a_column_judged_at_once_finds_what_judging_row_by_row_finds(
    cells: list[tuple[object, object]], kind: MetricKind, earliest: datetime.date | None
) -> None:
    dates, values = [date for date, _value in cells], [value for _date, value in cells]
    at_once = imports.judge_readings_at_once(dates, values, kind, TODAY, earliest)
    by_row = [imports.judge_reading(date, value, kind, TODAY, earliest) for date, value in cells]
    judged = [(day, value) for _date, _value, day, value, date_problem, value_problem in by_row]
    if at_once is not None:
        assert all(date_problem is None and value_problem is None for *_found, date_problem, value_problem in by_row)
        assert list(zip(*at_once, strict=True)) == judged
        assert [str(value) for value in at_once[1]] == [str(value) for _day, value in judged]  # 5 and 5.0 differ


def test_a_column_of_readings_written_the_usual_way_is_judged_at_once() -> None:
    days = ["2026-03-01", "2026-03-02", "2026-11-23"]
    assert imports.judge_readings_at_once(days, ["118", "0", " 7"], MetricKind.BACKLOG, TODAY) == (
        [datetime.date(2026, 3, 1), datetime.date(2026, 3, 2), TODAY],
        [D(118), D(0), D(7)],
    )
    # Any row the rules refuse, or one written otherwise, sends the whole column to be judged row by row.
    assert imports.judge_readings_at_once(days, ["118", "-1", "7"], MetricKind.BACKLOG, TODAY) is None
    assert imports.judge_readings_at_once(["01/03/2026", *days[1:]], ["1", "2", "3"], MetricKind.BACKLOG, TODAY) is None
    assert imports.judge_readings_at_once([*days[:2], "2026-11-24"], ["1", "2", "3"], MetricKind.BACKLOG, TODAY) is None
    assert imports.judge_readings_at_once([], [], MetricKind.BACKLOG, TODAY) is None


@given(
    st.one_of(
        st.lists(st.tuples(_GOOD_DATES, _GOOD_VALUES), min_size=1, max_size=40),  # the usual file
        st.lists(st.tuples(_DATE_CELLS, _VALUE_CELLS), min_size=1, max_size=40),
        st.lists(st.tuples(_GOOD_DATES, _GOOD_VALUES, st.sampled_from(["", "x"])), min_size=1, max_size=5),
    ),
    st.sampled_from(list(MetricKind)),
    st.sampled_from(list(Frequency)),
    _EARLIEST,
)
def test_rows_judged_a_column_at_a_time_are_judged_as_row_by_row(
    cells: list[tuple[object, ...]], kind: MetricKind, frequency: Frequency, earliest: datetime.date | None
) -> None:
    rows = [SheetRow(number, row) for number, row in enumerate(cells, start=2)]
    at_once = imports._judged_at_once(rows, kind, frequency, TODAY, earliest)
    if at_once is not None:
        by_row = imports._judged_row_by_row(rows, kind, frequency, TODAY, earliest)
        assert at_once == by_row
        assert list(map(str, at_once.values)) == list(map(str, by_row.values))  # 5 and 5.0 are equal, not the same


def test_the_usual_rows_are_judged_a_column_at_a_time() -> None:
    rows = [SheetRow(2, ("2026-03-02", "118")), SheetRow(3, ("2026-03-09", " 96 "))]
    judged = imports._judged_at_once(rows, MetricKind.BACKLOG, Frequency.WEEKLY, TODAY, None)
    assert judged == imports._judged_row_by_row(rows, MetricKind.BACKLOG, Frequency.WEEKLY, TODAY, None)
    # Two days of one week on a weekly measure, or a date before the window of entry: a row at a time.
    clash = [*rows, SheetRow(4, ("2026-03-10", "1"))]
    assert imports._judged_at_once(clash, MetricKind.BACKLOG, Frequency.WEEKLY, TODAY, None) is None
    early = datetime.date(2026, 3, 3)
    assert imports._judged_at_once(rows, MetricKind.BACKLOG, Frequency.WEEKLY, TODAY, early) is None
    assert imports._judged_at_once(rows, MetricKind.BACKLOG, Frequency.WEEKLY, TODAY, datetime.date(2026, 3, 2))
