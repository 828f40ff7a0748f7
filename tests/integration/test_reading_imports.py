"""Readings management for managers (issue 6): add or correct one reading, paste many rows, or upload a
CSV or XLSX file; a preview row by row; all or nothing; and who may."""

from __future__ import annotations

import datetime
import functools
import html
import io
import re
import uuid
from typing import Any

import pytest
from litestar import Litestar
from openpyxl import Workbook
from sqlalchemy import func, select

from quest.audit.models import AuditEntry
from quest.clock import FrozenClock
from quest.config import Settings
from quest.metrics import imports
from quest.metrics.models import Metric, Reading
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.org.models import Division, Force
from tests import workbooks
from tests.conftest import shared_app
from tests.helpers import DEMO_EMAILS, csrf_token, post_form

# 23 November 2026, a Monday: 24 November is the future.
NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(settings: Settings) -> Litestar:
    """The app on a clock that stands still, so that "today" and "the future" are the same every run."""
    return shared_app(settings, clock=FrozenClock(NOW))


def set_up_measure(client: Any, name: str = "Pending open incidents", frequency: str = "daily") -> str:
    made = post_form(
        client,
        "/metrics/new",
        {"name": name, "unit": "incidents", "kind": "backlog", "direction": "down", "frequency": frequency},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


def upload(client: Any, metric_id: str, name: str, content: bytes, media_type: str = CSV) -> Any:
    return client.post(
        f"/metrics/{metric_id}/readings/upload",
        files={"file": (name, content, media_type)},
        data={"_csrf_token": csrf_token(client)},
    )


def paste(client: Any, metric_id: str, rows: str) -> Any:
    return post_form(client, f"/metrics/{metric_id}/readings/paste", {"rows": rows})


def save_previewed(client: Any, metric_id: str, preview: Any) -> Any:
    """Press the preview's save button: post back its hidden fields, as the browser does."""
    fields = dict(re.findall(r'<input type="hidden" name="(readings|source)" value="([^"]*)"', preview.text))
    assert "readings" in fields, "the preview has no save button"
    return post_form(
        client,
        f"/metrics/{metric_id}/readings/confirm",
        {name: html.unescape(value) for name, value in fields.items()},
        follow_redirects=False,
    )


def stored(database: Any, metric_id: str) -> dict[datetime.date, int]:
    async def read(session_maker: Any) -> dict[datetime.date, int]:
        async with session_maker() as session:
            rows = await session.execute(
                select(Reading.period_date, Reading.value).where(Reading.metric_id == uuid.UUID(metric_id))
            )
            return {day: int(value) for day, value in rows}

    result: dict[datetime.date, int] = database(read)
    return result


def audited(database: Any) -> list[AuditEntry]:
    """The audit entries of saved readings, oldest first: one for each save, however many readings."""

    async def read(session_maker: Any) -> list[AuditEntry]:
        async with session_maker() as session:
            found = await session.execute(
                select(AuditEntry)
                .where(AuditEntry.entity == "readings", AuditEntry.action == "save")
                .order_by(AuditEntry.occurred_at, AuditEntry.id)
            )
            return list(found.scalars())

    result: list[AuditEntry] = database(read)
    return result


def xlsx(*rows: tuple[object, ...]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def march(day: int) -> datetime.date:
    return datetime.date(2026, 3, day)


# --- One reading --------------------------------------------------------------------------------------


def test_a_manager_adds_a_reading_then_corrects_it_and_the_audit_trail_keeps_the_old_value(
    signed_in: Any, database: Any
) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    url = f"/metrics/{metric_id}/readings"
    page = client.get(url)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'value="2026-11-23"' in page.text  # the date field starts at today

    added = post_form(client, url, {"date": "2026-03-03", "value": "120"}, follow_redirects=False)
    assert added.status_code == 303
    assert added.headers["location"] == url
    assert "Added the reading for 3 March 2026: 120" in client.get(url).text

    changed = post_form(client, url, {"date": "03/03/2026", "value": "118"})  # the same day, written the UK way
    assert "Changed the reading for 3 March 2026 from 120 to 118" in changed.text
    assert '<td class="govuk-table__cell">3 March 2026</td>' in changed.text  # among the latest readings
    again = post_form(client, url, {"date": "2026-03-03", "value": "118"})
    assert "The reading for 3 March 2026 was already 118" in again.text
    assert stored(database, metric_id) == {march(3): 118}

    added_entry, changed_entry = audited(database)  # the unchanged save writes nothing, so it has no entry
    assert (added_entry.before, added_entry.after) == (None, {"2026-03-03": "120"})
    assert (changed_entry.before, changed_entry.after) == ({"2026-03-03": "120"}, {"2026-03-03": "118"})
    assert changed_entry.entity_id == str(metric_id)
    assert changed_entry.actor_label == DEMO_EMAILS["manager"]


def test_a_reading_with_problems_is_shown_again_with_each_beside_its_field(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    refused = post_form(client, f"/metrics/{metric_id}/readings", {"date": "2026-11-24", "value": "-5"})
    assert refused.status_code == 422
    assert 'href="#date">The date must be today or in the past</a>' in refused.text
    assert 'href="#value">A count cannot be negative</a>' in refused.text
    assert 'id="value-error"' in refused.text
    assert 'value="-5"' in refused.text  # what was typed stays
    assert stored(database, metric_id) == {}


def test_a_blank_reading_is_refused_beside_its_fields(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    refused = post_form(client, f"/metrics/{metric_id}/readings", {"date": "", "value": ""})
    assert refused.status_code == 422
    assert 'href="#date">Enter a date</a>' in refused.text
    assert 'id="value-error"' in refused.text
    assert stored(database, metric_id) == {}


# --- Pasting and uploading ----------------------------------------------------------------------------


def test_pasted_rows_are_previewed_and_only_saved_when_confirmed(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    preview = paste(client, metric_id, "Date\tIncidents\n01/03/2026\t1,204\n02/03/2026\t1,198\n\n2026-03-03\t96\n")
    assert preview.status_code == 200
    assert "From the pasted rows: 3 rows." in preview.text
    assert '<tr class="govuk-table__row" id="row-5">' in preview.text  # numbered as pasted, header and gap counted
    assert "1,204" in preview.text
    assert "Save 3 readings" in preview.text
    assert stored(database, metric_id) == {}  # a preview writes nothing

    saved = save_previewed(client, metric_id, preview)
    assert saved.status_code == 303
    assert "Saved 3 readings from the pasted rows: 3 new, 0 changed" in client.get(saved.headers["location"]).text
    assert stored(database, metric_id) == {march(1): 1204, march(2): 1198, march(3): 96}
    [entry] = audited(database)
    assert entry.after == {"2026-03-01": "1204", "2026-03-02": "1198", "2026-03-03": "96"}


def pasted_box(preview: Any) -> str | None:
    """The text in the preview's box of pasted rows, as the browser would send it again; None if none."""
    found = re.search(
        r'<textarea class="govuk-textarea[^"]*" id="rows" name="rows"[^>]*>(.*?)</textarea>', preview.text, re.S
    )
    return html.unescape(found.group(1)).removeprefix("\n") if found else None


def test_pasted_rows_stay_in_the_preview_so_one_line_can_be_put_right_and_checked_again(
    signed_in: Any, database: Any
) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    pasted = "Date\tIncidents\n01/03/2026\t1,204\n02/03/2026\t-5\n2026-03-03,96\n"
    preview = paste(client, metric_id, pasted)
    assert preview.status_code == 422
    assert "Row 3, column B (value): A count cannot be negative" in preview.text
    assert pasted_box(preview) == pasted  # every line kept, the good ones too, to correct in place

    corrected = paste(client, metric_id, pasted_box(preview).replace("\t-5", "\t1,198"))  # type: ignore[union-attr]
    assert corrected.status_code == 200
    assert "Save 3 readings" in corrected.text
    assert pasted_box(corrected) == pasted.replace("\t-5", "\t1,198")
    assert stored(database, metric_id) == {}

    assert save_previewed(client, metric_id, corrected).status_code == 303
    assert stored(database, metric_id) == {march(1): 1204, march(2): 1198, march(3): 96}


def test_a_csv_upload_shows_what_changes_and_replaces_those_values(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    url = f"/metrics/{metric_id}/readings"
    post_form(client, url, {"date": "2026-03-01", "value": "50"})
    post_form(client, url, {"date": "2026-03-02", "value": "60"})

    content = '\ufeffDate,Incidents\r\n2026-03-01,50\r\n2026-03-02,"1,060"\r\n2026-03-03,70\r\n'.encode()
    preview = upload(client, metric_id, "readings.csv", content)
    assert preview.status_code == 200
    assert "From readings.csv: 3 rows." in preview.text
    assert re.search(r"Changed\s*</strong>\s*from 60", preview.text)
    assert "Already saved" in preview.text
    assert "Save 2 readings" in preview.text

    saved = save_previewed(client, metric_id, preview)
    assert "Saved 2 readings from readings.csv: 1 new, 1 changed, 1 already as saved" in client.get(url).text
    assert saved.status_code == 303
    assert stored(database, metric_id) == {march(1): 50, march(2): 1060, march(3): 70}
    *_typed_one_by_one, entry = audited(database)
    assert entry.before == {"2026-03-02": "60"}  # the unchanged 1 March is neither before nor after
    assert entry.after == {"2026-03-02": "1060", "2026-03-03": "70"}


def test_an_xlsx_upload_reads_date_cells_numbers_and_uk_dates_typed_as_text(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    workbook = xlsx(
        ("Date", "Incidents"),
        (datetime.datetime(2026, 3, 1), 118),
        ("02/03/2026", 120.0),
        (datetime.date(2026, 3, 3), "1,204"),
    )
    preview = upload(client, metric_id, "Readings March.xlsx", workbook, XLSX)
    assert preview.status_code == 200, preview.text
    assert "Save 3 readings" in preview.text
    save_previewed(client, metric_id, preview)
    assert stored(database, metric_id) == {march(1): 118, march(2): 120, march(3): 1204}


def test_an_upload_with_one_bad_row_lists_every_problem_and_saves_nothing(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    content = (
        b"Date,Incidents\n"  # row 1
        b"2026-03-01,118\n"
        b"2026-11-24,5\n"  # tomorrow
        b"1999-12-31,5\n"
        b"2026-03-04,\n"
        b"2026-03-05,lots\n"
        b"2026-03-06,-1\n"
        b"01/03/2026,7\n"  # 1 March again
    )
    preview = upload(client, metric_id, "readings.csv", content)
    assert preview.status_code == 422
    for field, message in (
        ("row-3-a", "Row 3, column A (date): The date must be today or in the past"),
        ("row-4-a", "Row 4, column A (date): The date must be in 2000 or later"),
        ("row-5-b", "Row 5, column B (value): Enter a number"),
        ("row-6-b", "Row 6, column B (value): Enter a number, like 42"),
        ("row-7-b", "Row 7, column B (value): A count cannot be negative"),
        ("row-8-a", "Row 8, column A (date): Rows 2 and 8 are both for 1 March 2026"),
    ):
        assert f'href="#{field}">{message}</a>' in preview.text
        assert f'id="{field}"' in preview.text  # the message beside the cell it is about
    assert "Nothing has been saved" in preview.text
    assert "/readings/confirm" not in preview.text
    assert stored(database, metric_id) == {}


def test_saving_checks_every_row_again_and_writes_none_if_one_is_bad(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    url = f"/metrics/{metric_id}/readings/confirm"
    # What a preview sends, altered on the way: the last row is now in the future.
    refused = post_form(client, url, {"readings": "2,2026-03-01,5\n3,2026-03-02,6\n4,2026-11-30,7\n", "source": "x"})
    assert refused.status_code == 422
    assert 'href="#row-4-a">Row 4, column A (date): The date must be today or in the past</a>' in refused.text
    assert stored(database, metric_id) == {}
    assert audited(database) == []

    garbled = post_form(client, url, {"readings": "2,2026-03-01\n", "source": "x"})
    assert garbled.status_code == 422
    assert "did not come back as they were sent" in garbled.text
    assert stored(database, metric_id) == {}


def test_weekly_readings_are_filed_under_their_monday_and_two_in_one_week_clash(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client, "Crimes awaiting allocation", "weekly")
    clash = paste(client, metric_id, "2026-03-04,10\n2026-03-06,11\n")
    assert clash.status_code == 422
    assert "Row 2, column A (date): Rows 1 and 2 are both for the week beginning 2 March 2026" in clash.text

    preview = paste(client, metric_id, "04/03/2026,10\n2026-03-10,12\n")
    assert "Week beginning 2 March 2026" in preview.text
    assert "Week beginning 9 March 2026" in preview.text
    save_previewed(client, metric_id, preview)
    assert stored(database, metric_id) == {march(2): 10, march(9): 12}

    # The form takes any day of the week too, and replaces that week's reading.
    changed = post_form(client, f"/metrics/{metric_id}/readings", {"date": "2026-03-08", "value": "9"})
    assert "Changed the reading for the week beginning 2 March 2026 from 10 to 9" in changed.text
    assert stored(database, metric_id) == {march(2): 9, march(9): 12}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("readings.pdf", b"%PDF-1.7 not readings", "The file must be a CSV file (.csv) or an Excel workbook (.xlsx)"),
        ("readings.xlsx", bytes(range(256)) * 16, "The file is not an Excel workbook that can be read"),
        ("readings.csv", b"", "The file is empty"),
        ("readings.csv", b"Date,Incidents\n", "There are no readings: each row needs a date, then a value"),
        ("readings.csv", b"2026-03-01,1\n" * 20_001, "There are more than 20,000 rows"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_on_the_readings_page(
    signed_in: Any, database: Any, name: str, content: bytes, message: str
) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    refused = upload(client, metric_id, name, content)
    assert refused.status_code == 422
    assert re.search(rf'href="#file">{re.escape(message)}', refused.text)
    assert 'id="file-error"' in refused.text
    assert stored(database, metric_id) == {}


def test_no_file_and_nothing_pasted_are_refused(signed_in: Any) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    no_file = post_form(client, f"/metrics/{metric_id}/readings/upload")
    assert no_file.status_code == 422
    assert 'href="#file">Choose a CSV file or an Excel workbook (.xlsx) to upload</a>' in no_file.text
    nothing = paste(client, metric_id, "  \n\n")
    assert nothing.status_code == 422
    assert 'href="#rows">There are no readings' in nothing.text


# --- Who may ------------------------------------------------------------------------------------------


def measure_elsewhere(database: Any, division_code: str) -> str:
    """A backlog of another Lancashire division, made directly in the database."""

    async def make(session_maker: Any) -> str:
        async with session_maker() as session:
            division = (
                await session.execute(
                    select(Division).join(Force).where(Force.code == "LAN", Division.code == division_code)
                )
            ).scalar_one()
            metric = Metric(
                force_id=division.force_id,
                division_id=division.id,
                name="Pending open incidents",
                unit="incidents",
                kind=MetricKind.BACKLOG,
                direction=Direction.DOWN,
                frequency=Frequency.DAILY,
            )
            session.add(metric)
            await session.commit()
            return str(metric.id)

    result: str = database(make)
    return result


def every_door(client: Any, metric_id: str) -> list[int]:
    """The status of each way in: the page, one reading, a paste, an upload and saving a preview."""
    url = f"/metrics/{metric_id}/readings"
    return [
        client.get(url).status_code,
        post_form(client, url, {"date": "2026-03-01", "value": "5"}, follow_redirects=False).status_code,
        paste(client, metric_id, "2026-03-01,5").status_code,
        upload(client, metric_id, "readings.csv", b"2026-03-01,5\n").status_code,
        post_form(client, f"{url}/confirm", {"readings": "1,2026-03-01,5\n", "source": "x"}).status_code,
    ]


def test_only_managers_of_the_measures_division_manage_its_readings(signed_in: Any, database: Any) -> None:
    own = measure_elsewhere(database, "NORTH")
    other = measure_elsewhere(database, "SOUTH")
    # Frontline staff enter today's backlog counts on /backlogs, but importing is for managers only.
    assert every_door(signed_in("staff"), own) == [403] * 5
    assert every_door(signed_in("validator"), own) == [403] * 5
    assert every_door(signed_in("force_hq"), own) == [403] * 5
    assert every_door(signed_in("manager"), other) == [404] * 5
    assert every_door(signed_in("manager"), str(uuid.uuid4())) == [404] * 5

    async def count(session_maker: Any) -> int:
        async with session_maker() as session:
            return int((await session.execute(select(func.count()).select_from(Reading))).scalar_one())

    assert database(count) == 0
    assert every_door(signed_in("manager"), own)[:2] == [200, 303]
    assert database(count) == 1


# --- Hostile workbooks (issue 10) ---------------------------------------------------------------------


@functools.cache
def hostile(name: str) -> bytes:
    """Made once per run: 20 million empty rows, one 400 MB cell, a shared-strings bomb, and a sheet whose
    150,000 empty rows are small enough unzipped to be read, so only counting them stops it."""
    return {
        "empty rows": lambda: workbooks.empty_rows(20_000_000),
        "huge cell": lambda: workbooks.one_huge_cell(400_000_000),
        "strings bomb": lambda: workbooks.shared_strings_bomb(10_000_000),
        "counted rows": lambda: workbooks.empty_rows(150_000),
        "long cell": lambda: workbooks.one_huge_cell(100_000),
    }[name]()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty rows", "The file is too large once unzipped: 114 MB, and at most 32 MB is read"),
        ("huge cell", "The file is too large once unzipped: 381 MB, and at most 32 MB is read"),
        ("strings bomb", "The file is too large once unzipped: 191 MB, and at most 32 MB is read"),
        ("counted rows", "There are more than 20,000 rows"),
        ("long cell", "A cell holds 100,000 characters, more than the 32,767 Excel allows"),
    ],
)
def test_a_hostile_workbook_gets_a_422_with_the_reason(signed_in: Any, database: Any, name: str, message: str) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    data = hostile(name)
    assert len(data) < 500_000
    refused = upload(client, metric_id, "readings.xlsx", data, XLSX)
    assert refused.status_code == 422
    assert f'href="#file">{html.escape(message)}' in refused.text
    assert stored(database, metric_id) == {}


def test_a_workbook_is_not_read_for_someone_who_may_not_import(signed_in: Any, monkeypatch: Any) -> None:
    client = signed_in("manager")
    metric_id = set_up_measure(client)
    read: list[str] = []
    monkeypatch.setattr(imports, "rows_from_file", lambda name, data: read.append(name) or iter(()))
    staff = signed_in("staff")
    assert upload(staff, metric_id, "readings.xlsx", hostile("counted rows"), XLSX).status_code in (403, 404)
    assert read == []
