"""Exports (issue 15): ``quest export`` and the downloads on the pages, for a small world of known rows in
two forces. Each export's content, its filters, who may see what, formula escaping, the CLI's errors, and
that rows are read a batch at a time (structurally: an async generator over ``yield_per`` batches)."""

from __future__ import annotations

import csv
import datetime
import inspect
import io
import sys
import uuid
from pathlib import Path
from typing import Any

import click
import openpyxl
import pytest
from click.testing import Result
from sqlalchemy import select

from quest.accounts.models import User
from quest.cli import main
from quest.clock import LONDON
from quest.exports import tables
from quest.exports.files import write_csv
from quest.ideas.models import Idea
from quest.metrics.models import Metric
from quest.savings.double_counts import regroup_all
from tests.conftest import run
from tests.helpers import a_cash_claim, add_backlog, add_colleague, current_user_for, quest_command, raise_idea

STAFF = "staff@lancashire.example"
CHESHIRE = "pc.cheshire@cheshire.example"
FORMULA = '=HYPERLINK("http://evil.example","click")'


async def _world(maker: Any) -> None:
    """Lancashire: two measures with readings, two ideas (one titled as a formula), a claim on each.
    Cheshire: one measure, one idea, one claim, none of which Lancashire's people may ever see."""
    await add_colleague(maker, CHESHIRE, "CHE", "EAST")
    await raise_idea(maker, STAFF, FORMULA, waste_types=["waiting", "motion"], process="Briefing")
    await raise_idea(maker, STAFF, "Phone before visiting", expected_benefit="Fewer visits")
    await raise_idea(maker, CHESHIRE, "Cheshire's idea")
    async with maker() as session:
        await add_backlog(
            session,
            "LAN",
            "NORTH",
            "Pending open incidents",
            {"2026-01-05": "12", "2026-01-06": "3.5", "2026-01-07": "8"},
        )
        await add_backlog(session, "LAN", "SOUTH", "Crimes awaiting allocation", {"2026-01-05": "40"})
        await add_backlog(session, "CHE", "EAST", "Cheshire backlog", {"2026-01-05": "99"})
        claimant = (await session.execute(select(User.id).where(User.email == STAFF))).scalar_one()
        ideas = {idea.reference: idea for idea in (await session.execute(select(Idea))).scalars()}
        recorded = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
        session.add(a_cash_claim(ideas["LAN-000001"], claimant, "@SUM(A1)", recorded=recorded))
        session.add(
            a_cash_claim(
                ideas["LAN-000002"], claimant, "Vehicle hire", recorded=recorded, begins=datetime.date(2026, 4, 1)
            )
        )
        session.add(a_cash_claim(ideas["CHE-000001"], claimant, "Cheshire line", recorded=recorded))
        await regroup_all(session)
        await session.commit()


@pytest.fixture
def world(demo: Any, database: Any) -> None:
    database(_world)


def quest(settings: Any, *arguments: str) -> Result:
    return quest_command(settings, "export", *arguments)  # type: ignore[no-any-return]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def refused(result: Result) -> str:
    assert result.exit_code != 0, result.output
    return result.stderr


# --- the command line --------------------------------------------------------------------------------------


def test_readings_come_out_in_the_import_columns_with_their_scope(settings: Any, world: None) -> None:
    result = quest(settings, "readings", "--force", "lan")
    assert result.exit_code == 0, result.stderr
    assert csv_rows(result.stdout_bytes) == [
        ["force", "division", "measure", "date", "value"],
        ["LAN", "NORTH", "Pending open incidents", "2026-01-05", "12"],
        ["LAN", "NORTH", "Pending open incidents", "2026-01-06", "3.5"],
        ["LAN", "NORTH", "Pending open incidents", "2026-01-07", "8"],
        ["LAN", "SOUTH", "Crimes awaiting allocation", "2026-01-05", "40"],
    ]
    assert "Exported 4 rows of readings to standard output." in result.stderr

    north = quest(
        settings, "readings", "--force", "LAN", "--division", "north", "--from", "2026-01-06", "--to", "2026-01-06"
    )
    assert csv_rows(north.stdout_bytes)[1:] == [["LAN", "NORTH", "Pending open incidents", "2026-01-06", "3.5"]]
    everywhere = csv_rows(quest(settings, "readings").stdout_bytes)
    assert ["CHE", "EAST", "Cheshire backlog", "2026-01-05", "99"] in everywhere


def test_ideas_savings_users_and_audit_come_out_with_their_columns(settings: Any, world: None, tmp_path: Path) -> None:
    ideas = csv_rows(quest(settings, "ideas", "--force", "LAN").stdout_bytes)
    assert ideas[0] == list(tables.IDEA_COLUMNS)
    submitted = datetime.datetime.now(LONDON).date().isoformat()  # a UK day
    assert ideas[1:] == [
        ["LAN", "NORTH", "LAN-000001", "'" + FORMULA, ideas[1][4], ideas[1][5], "motion;waiting", "submitted",
         ideas[1][8], "", "", "", "Briefing"],
        ["LAN", "NORTH", "LAN-000002", "Phone before visiting", ideas[2][4], ideas[2][5], "", "submitted",
         ideas[2][8], "", "", "Fewer visits", ""],
    ]  # fmt: skip
    assert ideas[1][8] == submitted

    claims = csv_rows(quest(settings, "savings", "--force", "LAN", "--from", "2026-04-01").stdout_bytes)
    assert claims[0] == list(tables.SAVINGS_COLUMNS)
    assert [row[:7] for row in claims[1:]] == [
        ["LAN", "NORTH", "LAN-000002", "cashable", "claimed", "Vehicle hire", "Overtime"]
    ]
    assert claims[1][10:13] == ["1000.00", "2026-04-01", ""]
    formula_claim = csv_rows(quest(settings, "savings", "--to", "2025-12-31", "--force", "LAN").stdout_bytes)[1]
    assert formula_claim[5] == "'@SUM(A1)"  # escaped: shown, never run

    people = csv_rows(quest(settings, "users", "--force", "CHE").stdout_bytes)
    assert people[0] == ["email", "name", "role", "force", "division"]
    assert [CHESHIRE, "Pc.Cheshire", "staff", "CHE", "EAST"] in people
    assert all(row[3] == "CHE" for row in people[1:])

    trail = csv_rows(quest(settings, "audit", "--force", "CHE").stdout_bytes)
    assert trail[0] == list(tables.AUDIT_COLUMNS)
    assert {row[2] for row in trail[1:]} == {"CHE"}
    assert any(row[3] == "ideas" and row[5] == "create" and "Cheshire's idea" in row[7] for row in trail[1:])

    workbook_path = tmp_path / "readings.xlsx"
    written = quest(settings, "readings", "--force", "LAN", "--output", str(workbook_path))
    assert written.exit_code == 0, written.stderr
    sheet = openpyxl.load_workbook(workbook_path)["Readings"]
    assert [cell.value for cell in sheet[1]] == ["force", "division", "measure", "date", "value"]
    assert sheet.max_row == 5


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (("readings", "--force", "XYZ"), "--force: there is no force with the code 'XYZ'"),
        (("readings", "--force", "LAN", "--division", "NOWHERE"), "--division: LAN has no division"),
        (("readings", "--division", "NORTH"), "--division: give --force too"),
        (("readings", "--from", "2026-02-01", "--to", "2026-01-01"), "'--from': 2026-02-01 is after --to 2026-01-01"),
        (("readings", "--from", "1 January"), "'--from'"),
        (("readings", "--format", "pdf"), "'--format'"),
        (("audit", "--force", "LAN", "--division", "NORTH"), "--division: the audit trail is kept by force"),
        (("users", "--from", "2026-01-01"), "--from: users are not chosen by date"),
        (("readings", "--output", "/no/such/folder/readings.csv"), "'--output': there is no folder"),
        (("everything",), "'everything' is not one of"),
    ],
)
def test_a_bad_option_is_named(settings: Any, world: None, arguments: tuple[str, ...], named: str) -> None:
    assert named in refused(quest(settings, *arguments))


def test_a_workbook_is_not_written_to_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    with pytest.raises(click.BadParameter, match="a workbook cannot be shown on a terminal") as refusal:
        main.main(["export", "readings", "--format", "xlsx"], standalone_mode=False)
    assert refusal.value.param_hint == "'--format'"


def test_a_failed_export_leaves_no_file(settings: Any, world: None, tmp_path: Path, monkeypatch: Any) -> None:
    from quest.errors import ValidationFailed
    from quest.exports import files

    async def fails_half_way(out: Any, *arguments: Any) -> int:
        out.write(b"force,division\n")
        raise ValidationFailed({"date_from": "stopped half way"})

    monkeypatch.setattr(files, "write_rows", fails_half_way)
    folder = tmp_path / "out"
    folder.mkdir()
    result = quest(settings, "readings", "--output", str(folder / "readings.csv"))
    assert "--from: stopped half way" in refused(result)
    assert list(folder.iterdir()) == []


# --- the pages ---------------------------------------------------------------------------------------------


def test_a_manager_downloads_their_measures_readings_and_never_anothers(
    signed_in: Any, world: None, database: Any
) -> None:
    client = signed_in("manager")

    async def metric_ids(maker: Any) -> dict[str, uuid.UUID]:
        async with maker() as session:
            return {name: id_ for id_, name in (await session.execute(select(Metric.id, Metric.name))).all()}

    ids = database(metric_ids)
    page = client.get(f"/metrics/{ids['Pending open incidents']}")
    assert f"/metrics/{ids['Pending open incidents']}?format=csv" in page.text
    download = client.get(f"/metrics/{ids['Pending open incidents']}", params={"format": "csv"})
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="readings.csv"'
    assert csv_rows(download.content)[1:] == [
        ["LAN", "NORTH", "Pending open incidents", "2026-01-05", "12"],
        ["LAN", "NORTH", "Pending open incidents", "2026-01-06", "3.5"],
        ["LAN", "NORTH", "Pending open incidents", "2026-01-07", "8"],
    ]
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/metrics/{ids['Pending open incidents']}", params={"format": "xlsx"}).content)
    )
    assert workbook["Readings"].max_row == 4
    # Another division's measure, and another force's: not found, as the page itself.
    assert client.get(f"/metrics/{ids['Crimes awaiting allocation']}", params={"format": "csv"}).status_code == 404
    assert client.get(f"/metrics/{ids['Cheshire backlog']}", params={"format": "csv"}).status_code == 404
    assert client.get(f"/metrics/{ids['Cheshire backlog']}", params={"format": "pdf"}).status_code in (400, 404)


def test_savings_users_and_audit_downloads_hold_only_the_viewers_force(signed_in: Any, world: None) -> None:
    client = signed_in("force_hq")
    ledger = client.get("/savings", params={"fy": "2026", "status": ""})
    assert "format=csv" in ledger.text
    claims = csv_rows(client.get("/savings", params={"fy": "2026", "status": "", "format": "csv"}).content)
    assert sorted(row[2] for row in claims[1:]) == ["LAN-000001", "LAN-000002"]  # Cheshire's claim never

    assert "format=csv" in client.get("/users").text
    people = csv_rows(client.get("/users", params={"format": "csv"}).content)
    assert {row[3] for row in people[1:]} == {"LAN"}
    assert "staff@lancashire.example" in {row[0] for row in people}
    only_managers = csv_rows(client.get("/users", params={"format": "csv", "role": "manager"}).content)
    assert {row[2] for row in only_managers[1:]} == {"manager"}

    assert "format=xlsx" in client.get("/audit").text
    trail = openpyxl.load_workbook(io.BytesIO(client.get("/audit", params={"format": "xlsx"}).content))["Audit trail"]
    forces = {row[2] for row in trail.iter_rows(min_row=2, values_only=True)}
    assert forces == {"LAN"}
    only_ideas = csv_rows(client.get("/audit", params={"format": "csv", "entity": "ideas"}).content)
    assert {row[3] for row in only_ideas[1:]} == {"ideas"}
    assert client.get("/audit", params={"format": "csv", "date_from": "not a date"}).status_code == 422


def test_staff_may_not_download_users_or_the_audit_trail(signed_in: Any, world: None) -> None:
    client = signed_in("staff")
    assert client.get("/users", params={"format": "csv"}).status_code == 403
    assert client.get("/audit", params={"format": "csv"}).status_code == 403
    claims = csv_rows(client.get("/savings", params={"fy": "2026", "status": "", "format": "csv"}).content)
    assert {row[1] for row in claims[1:]} == {"NORTH"}


# --- streaming, structurally -------------------------------------------------------------------------------


def test_rows_are_read_in_batches_as_they_are_written(world: None, database: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(tables, "BATCH_ROWS", 2)
    asked: list[Any] = []
    batches: list[int] = []

    async def export(maker: Any) -> tuple[bool, bytes]:
        viewer = await current_user_for(maker, "admin@quest.example")
        async with maker() as session:
            stream = session.stream

            async def spied(statement: Any, *arguments: Any, **options: Any) -> Any:
                asked.append(statement.get_execution_options().get("yield_per"))
                result = await stream(statement, *arguments, **options)
                partitions = result.partitions

                async def counted(*arguments: Any) -> Any:
                    async for batch in partitions(*arguments):
                        batches.append(len(batch))
                        yield batch

                result.partitions = counted  # type: ignore[method-assign]
                return result

            session.stream = spied  # type: ignore[method-assign]
            found = tables.readings(session, viewer, tables.ExportScope())
            is_generator = inspect.isasyncgen(found.rows)
            nothing_read_yet = list(asked)
            out = io.BytesIO()
            await write_csv(out, found.header, found.rows)
            return is_generator and nothing_read_yet == [], out.getvalue()

    lazy, content = database(export)
    assert lazy  # an async generator: nothing is read until it is written
    assert asked == [2]  # one query, streamed
    assert batches == [2, 2, 1]  # five readings, two at a time
    assert len(csv_rows(content)) == 6


def test_the_writer_writes_rows_out_before_reading_the_rest() -> None:
    out = io.BytesIO()
    written_before: list[int] = []

    async def rows() -> Any:
        for number in range(3):
            written_before.append(out.tell())
            yield ["x" * 40_000, number]

    run(write_csv(out, ["text", "number"], rows()))
    # The first two rows (80,000 characters) were handed to the file before the third was read.
    assert written_before[:2] == [0, 0]
    assert written_before[2] > 80_000
    assert len(csv_rows(out.getvalue())) == 4


def test_a_download_is_sent_as_written_through_a_session_of_its_own(
    signed_in: Any, world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No temporary file holds the whole body (the old way: a spooled file, written in full while the
    request's session was open); the rows are read through a session opened for the answer, after the
    request's own has closed."""
    import tempfile

    def no_temporary_file(*arguments: Any, **options: Any) -> Any:
        raise AssertionError("a download is streamed, not written to a temporary file first")

    for name in ("SpooledTemporaryFile", "TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, no_temporary_file)
    sessions: list[tuple[Any, Any]] = []
    rows_through = tables.Export.rows_through

    def spied(export: tables.Export, session: Any) -> Any:
        sessions.append((export.session, session))
        return rows_through(export, session)

    monkeypatch.setattr(tables.Export, "rows_through", spied)
    client = signed_in("force_hq")
    for as_ in ("xlsx", "csv"):
        answer = client.get("/audit", params={"format": as_})
        assert answer.status_code == 200, answer.text
        assert "content-length" not in answer.headers  # a stream: sent as it is written
        assert answer.headers["content-disposition"] == f'attachment; filename="audit.{as_}"'
    workbook = client.get("/audit", params={"format": "xlsx"}).content
    assert workbook.startswith(b"PK\x03\x04")
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook))["Audit trail"].iter_rows(values_only=True))
    assert rows[0] == tables.AUDIT_COLUMNS
    assert len(rows) > 1
    assert {row[2] for row in rows[1:]} == {"LAN"}
    # Each download read its rows through a session that is not the request's.
    assert len(sessions) == 3
    assert all(own is not requests for requests, own in sessions)
