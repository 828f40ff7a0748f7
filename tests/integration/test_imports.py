"""Imports of readings, ideas and users (issue 15): from the command line, the web page and the API, a
broken file gives every problem at once and changes nothing; a good one is written whole, once."""

from __future__ import annotations

import base64
import datetime
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from quest.accounts.models import Invitation, User
from quest.audit.models import AuditEntry
from quest.cli import main
from quest.config import Settings
from quest.ideas.models import Idea, IdeaEvent
from quest.metrics.imports import describe_period
from quest.metrics.models import Reading
from quest.metrics.vocabulary import Frequency
from quest.org.models import Division
from quest.rollups.models import IdeasByStatus
from quest.web import request_context
from tests.helpers import DEMO_EMAILS, csrf_token, new_token, post_form, sign_in

TODAY = datetime.date.today()
DAYS = [TODAY - datetime.timedelta(days=offset) for offset in (30, 29, 28, 27)]
HEADER = "force,division,measure,date,value\n"


def quest_import(settings: Settings, kind: str, path: Path, *options: str) -> Result:
    env = {"QUEST_DATA_DIR": str(settings.data_dir), "QUEST_DATABASE_URL": settings.database_url}
    return CliRunner().invoke(main, ["import", kind, str(path), *options], env=env, catch_exceptions=False)


def readings_file(rows: list[tuple[str, str, str, str, str]]) -> str:
    return HEADER + "".join(",".join(row) + "\n" for row in rows)


def good_rows() -> list[tuple[str, str, str, str, str]]:
    return [
        ("LAN", "NORTH", "Pending open incidents", day.isoformat(), str(100 + index)) for index, day in enumerate(DAYS)
    ]


@pytest.fixture
def measure(signed_in: Any) -> str:
    """A daily backlog of Lancashire's Northern division, set up by its manager; signed in as them."""
    client = signed_in("manager")
    made = post_form(
        client,
        "/metrics/new",
        {
            "name": "Pending open incidents",
            "unit": "incidents",
            "kind": "backlog",
            "direction": "down",
            "frequency": "daily",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


def stored(database: Any) -> dict[datetime.date, int]:
    async def read(session_maker: Any) -> dict[datetime.date, int]:
        async with session_maker() as session:
            rows = await session.execute(select(Reading.period_date, Reading.value))
            return {day: int(value) for day, value in rows}

    return database(read)  # type: ignore[no-any-return]


def audit_rows(database: Any, entity: str) -> list[AuditEntry]:
    async def read(session_maker: Any) -> list[AuditEntry]:
        async with session_maker() as session:
            return list((await session.execute(select(AuditEntry).where(AuditEntry.entity == entity))).scalars())

    return database(read)  # type: ignore[no-any-return]


BROKEN = readings_file(
    [
        ("LAN", "NORTH", "Pending open incidents", DAYS[0].isoformat(), "100"),
        ("LAN", "NORTH", "Pending open incidents", "2026-02-30", "101"),  # row 3: no such date
        ("LAN", "NORTH", "Pending open incidents", DAYS[2].isoformat(), "-4"),  # row 4: a negative count
        ("LAN", "NOWHERE", "Pending open incidents", DAYS[3].isoformat(), "7"),  # row 5: no such division
    ]
)
EXPECTED_PROBLEMS = [
    "Row 3, column ‘date’",
    "Row 4, column ‘value’: A count cannot be negative",
    "Row 5, column ‘division’: LAN has no division with the code NOWHERE",
]


def test_a_broken_file_from_the_command_line_lists_every_problem_and_writes_nothing(
    settings: Settings, database: Any, measure: str, tmp_path: Path
) -> None:
    path = tmp_path / "readings.csv"
    path.write_text(BROKEN, encoding="utf-8")
    result = quest_import(settings, "readings", path)
    assert result.exit_code == 1
    for expected in EXPECTED_PROBLEMS:
        assert expected in result.output
    assert "3 problems found: nothing was imported" in result.output
    assert stored(database) == {}


def test_the_same_file_twice_changes_nothing_the_second_time(
    settings: Settings, database: Any, measure: str, tmp_path: Path
) -> None:
    path = tmp_path / "readings.csv"
    # UTF-8 with a byte-order mark, separated by semicolons, as a spreadsheet in a comma-decimal locale saves it.
    path.write_bytes(b"\xef\xbb\xbf" + readings_file(good_rows()).replace(",", ";").encode())
    first = quest_import(settings, "readings", path, "--force", "LAN")
    assert first.exit_code == 0, first.output
    assert "4 readings read: 4 created, 0 changed, 0 unchanged." in first.output
    assert stored(database) == {day: 100 + index for index, day in enumerate(DAYS)}
    audited = len(audit_rows(database, "readings"))

    second = quest_import(settings, "readings", path, "--force", "LAN")
    assert second.exit_code == 0, second.output
    assert "0 created, 0 changed, 4 unchanged." in second.output
    assert len(audit_rows(database, "readings")) == audited


def test_two_rows_for_one_day_of_a_measure_written_two_ways_name_the_earlier_row_first(
    settings: Settings, database: Any, measure: str, tmp_path: Path
) -> None:
    path = tmp_path / "readings.csv"
    rows = good_rows()[:2]  # rows 2 and 3
    rows[1] = ("LAN", "NORTH", "PENDING  OPEN INCIDENTS", *rows[1][3:])  # row 3 names the measure another way
    rows.append(("LAN", "NORTH", "Pending open incidents", DAYS[1].isoformat(), "7"))  # row 4: row 3's day again
    path.write_text(readings_file(rows), encoding="utf-8")
    result = quest_import(settings, "readings", path)
    assert result.exit_code == 1
    day = describe_period(Frequency.DAILY, DAYS[1])
    assert f"Row 4, column ‘date’: Rows 3 and 4 are both for {day}" in result.output
    assert "1 problem found: nothing was imported" in result.output
    assert stored(database) == {}


def test_a_force_code_outside_the_forced_one_is_named(settings: Settings, measure: str, tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text(readings_file([("CHE", "NORTH", "Pending open incidents", DAYS[0].isoformat(), "1")]))
    result = quest_import(settings, "readings", path, "--force", "LAN")
    assert result.exit_code == 1
    assert "Row 2, column ‘force’: This import is for LAN, not CHE" in result.output


def test_the_web_page_previews_every_problem_then_imports_and_a_changed_cell_changes_one_reading(
    client: Any, database: Any, measure: str
) -> None:
    page = client.get("/imports/readings")
    assert page.status_code == 200
    assert "Download a CSV template" in page.text
    template = client.get("/imports/readings/template.csv")
    assert template.text.splitlines()[0] == "force,division,measure,date,value"

    broken = client.post(
        "/imports/readings/preview",
        files={"file": ("readings.csv", BROKEN.encode(), "text/csv")},
        data={"_csrf_token": csrf_token(client)},
    )
    assert broken.status_code == 422
    for row, column in ((3, "date"), (4, "value"), (5, "division")):
        assert f'id="row-{row}-{column}"' in broken.text
    assert 'name="data"' not in broken.text  # no button to import a broken file
    assert stored(database) == {}

    good = readings_file(good_rows()).encode()
    preview = client.post(
        "/imports/readings/preview",
        files={"file": ("readings.csv", good, "text/csv")},
        data={"_csrf_token": csrf_token(client)},
    )
    assert preview.status_code == 200
    assert stored(database) == {}  # a preview writes nothing
    data = re.search(r'name="data" value="([^"]+)"', preview.text)
    assert data is not None
    saved = post_form(
        client, "/imports/readings/confirm", {"filename": "readings.csv", "data": data.group(1)}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert stored(database) == {day: 100 + index for index, day in enumerate(DAYS)}

    # The manager edits one cell of the same file and imports it again: that one reading changes, audited.
    edited = good.decode().replace(f"{DAYS[2].isoformat()},102", f"{DAYS[2].isoformat()},57").encode()
    before = len(audit_rows(database, "readings"))
    again = post_form(
        client,
        "/imports/readings/confirm",
        {"filename": "readings.csv", "data": base64.b64encode(edited).decode()},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert stored(database) == {day: 57 if day == DAYS[2] else 100 + index for index, day in enumerate(DAYS)}
    entries = audit_rows(database, "readings")[before:]
    assert [(entry.before, entry.after) for entry in entries] == [
        ({DAYS[2].isoformat(): "102"}, {DAYS[2].isoformat(): "57"})
    ]


def test_the_api_reports_the_same_problems_and_checks_without_writing_on_a_dry_run(
    client: Any, database: Any, measure: str
) -> None:
    token = database(lambda session_maker: new_token(session_maker, DEMO_EMAILS["manager"]))
    client.cookies.clear()
    headers = {"Authorization": f"Bearer {token}"}

    broken = client.post(
        "/api/v1/imports/readings", files={"file": ("readings.csv", BROKEN.encode(), "text/csv")}, headers=headers
    )
    assert broken.status_code == 422
    problems = broken.json()["extra"]["report"]["problems"]
    assert [(problem["row"], problem["column"]) for problem in problems] == [(3, "date"), (4, "value"), (5, "division")]

    good = readings_file(good_rows()).encode()
    dry = client.post(
        "/api/v1/imports/readings?dry_run=true", files={"file": ("readings.csv", good, "text/csv")}, headers=headers
    )
    assert dry.status_code == 200, dry.text
    assert dry.json() | {"problems": []} == {
        "kind": "readings",
        "rows": 4,
        "created": 4,
        "changed": 0,
        "unchanged": 0,
        "written": False,
        "problems": [],
    }
    assert stored(database) == {}

    written = client.post(
        "/api/v1/imports/readings", files={"file": ("readings.csv", good, "text/csv")}, headers=headers
    )
    assert written.status_code == 200
    assert written.json()["written"] is True
    assert len(stored(database)) == 4


def test_staff_may_not_import(signed_in: Any) -> None:
    client = signed_in("staff")
    assert client.get("/imports/readings").status_code == 403


IDEA_HEADER = (
    "division,title,problem,proposal,waste_types,status,submitted,first_response,decided,implemented,learned,"
    "reason,submitter\n"
)


def test_five_thousand_ideas_import_with_their_statuses_and_show_on_the_dashboards(
    settings: Settings, database: Any, demo: Any, tmp_path: Path, client: Any
) -> None:
    submitted = (TODAY - datetime.timedelta(days=200)).isoformat()
    answered = (TODAY - datetime.timedelta(days=190)).isoformat()
    decided = (TODAY - datetime.timedelta(days=180)).isoformat()
    done = (TODAY - datetime.timedelta(days=100)).isoformat()
    staff = DEMO_EMAILS["staff"]
    shapes = {
        "submitted": f"submitted,{submitted},,,,,,{staff}",
        "approved": f"approved,{submitted},{answered},{decided},,,,{staff}",
        "implemented": f"implemented,{submitted},{answered},{decided},{done},Do it at the desk,,{staff}",
        "declined": f"declined,{submitted},,{decided},,,Covered by the new system,{staff}",
        "parked": f"parked,{submitted},{answered},,,,Until the new system,{staff}",
    }
    lines = [
        f"NORTH,Idea {number},Retyping details,Fill the form,Waiting; Extra-processing,{shapes[status]}\n"
        for number, status in zip(range(5000), list(shapes) * 1000, strict=True)
    ]
    path = tmp_path / "ideas.csv"
    path.write_text(IDEA_HEADER + "".join(lines), encoding="utf-8")
    result = quest_import(settings, "ideas", path, "--force", "LAN")
    assert result.exit_code == 0, result.output
    assert "5,000 ideas read: 5,000 created" in result.output

    async def counts(session_maker: Any) -> tuple[dict[str, int], int, dict[str, int]]:
        async with session_maker() as session:
            by_status = dict((await session.execute(select(Idea.status, func.count()).group_by(Idea.status))).all())
            first_entries = (
                await session.execute(select(func.count()).select_from(IdeaEvent).where(IdeaEvent.kind == "imported"))
            ).scalar_one()
            rolled = dict((await session.execute(select(IdeasByStatus.status, IdeasByStatus.ideas))).all())
            return by_status, first_entries, rolled

    by_status, first_entries, rolled = database(counts)
    assert by_status == dict.fromkeys(shapes, 1000)
    assert first_entries == 5000
    assert rolled == by_status

    sign_in(client, DEMO_EMAILS["manager"])
    division_id = database(_division_id)
    dashboard = client.get(f"/api/v1/dashboards/divisions/{division_id}", headers={"Accept": "application/json"})
    assert dashboard.status_code == 200, dashboard.text
    pipeline = dashboard.json()["pipeline"]
    assert {status: pipeline[status] for status in shapes} == dict.fromkeys(shapes, 1000)


async def _division_id(session_maker: Any) -> uuid.UUID:
    async with session_maker() as session:
        return (await session.execute(select(Division.id).where(Division.code == "NORTH").limit(1))).scalar_one()  # type: ignore[no-any-return]


def test_an_idea_out_of_order_or_without_its_reason_is_refused(settings: Settings, demo: Any, tmp_path: Path) -> None:
    staff = DEMO_EMAILS["staff"]
    path = tmp_path / "ideas.csv"
    path.write_text(
        IDEA_HEADER
        + f"NORTH,A,B,C,,approved,2026-03-10,2026-03-01,2026-03-20,,,,{staff}\n"
        + f"NORTH,A,B,C,,declined,2026-03-10,,2026-03-20,,,,{staff}\n"
        + f"NORTH,A,B,C,Dust,submitted,2026-03-10,,,,,,{staff}\n"
    )
    result = quest_import(settings, "ideas", path, "--force", "LAN")
    assert result.exit_code == 1
    assert "Row 2, column ‘first_response’: This date is before the submitted date" in result.output
    assert "Row 3, column ‘reason’" in result.output
    assert "Row 4, column ‘waste_types’" in result.output


def test_ideas_without_a_submitter_take_the_command_lines_submitter_or_are_refused_by_row(
    settings: Settings, database: Any, demo: Any, tmp_path: Path
) -> None:
    path = tmp_path / "ideas.csv"
    path.write_text(
        "division,title,problem,proposal,submitted,submitter\n"
        "NORTH,Blank one,B,C,2026-03-10,\n"
        f"NORTH,Named one,B,C,2026-03-11,{DEMO_EMAILS['manager']}\n"
        "NORTH,Blank two,B,C,2026-03-12,\n"
    )
    refused = quest_import(settings, "ideas", path, "--force", "LAN")
    assert refused.exit_code == 1
    assert "Row 2, column ‘submitter’: Enter the email of the person who raised it, or import with --submitter" in (
        refused.output
    )
    assert "Row 4, column ‘submitter’" in refused.output
    assert "Row 3," not in refused.output

    unknown = quest_import(settings, "ideas", path, "--force", "LAN", "--submitter", "nobody@lancashire.example")
    assert unknown.exit_code == 1
    assert "Row 2, column ‘submitter’: LAN has no active user with the email nobody@lancashire.example" in (
        unknown.output
    )

    wrong_kind = quest_import(settings, "readings", path, "--submitter", DEMO_EMAILS["staff"])
    assert wrong_kind.exit_code == 2
    assert "--submitter is for ideas alone" in wrong_kind.output

    async def submitters(session_maker: Any) -> dict[str, str]:
        async with session_maker() as session:
            found = await session.execute(
                select(Idea.title, User.email)
                .join(User, User.id == Idea.submitter_id)
                .where(Idea.title.in_(["Blank one", "Named one", "Blank two"]))
            )
            return dict(found.all())  # type: ignore[arg-type]

    assert database(submitters) == {}
    imported = quest_import(settings, "ideas", path, "--force", "LAN", "--submitter", DEMO_EMAILS["staff"].upper())
    assert imported.exit_code == 0, imported.output
    assert database(submitters) == {
        "Blank one": DEMO_EMAILS["staff"],
        "Named one": DEMO_EMAILS["manager"],
        "Blank two": DEMO_EMAILS["staff"],
    }


def test_users_import_invites_new_people_and_changes_roles_audited(
    client: Any, database: Any, demo: Any, settings: Settings
) -> None:
    sign_in(client, DEMO_EMAILS["force_hq"])
    people = (
        "email,name,role,division\n"
        "new.officer@lancashire.example,PC New Officer,staff,NORTH\n"
        f"{DEMO_EMAILS['staff']},PC Sam Taylor,manager,NORTH\n"
    )
    token = database(lambda session_maker: new_token(session_maker, DEMO_EMAILS["force_hq"]))
    answer = client.post(
        "/api/v1/imports/users",
        files={"file": ("people.csv", people.encode(), "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["created"], answer.json()["changed"]) == (1, 1)

    async def look(session_maker: Any) -> tuple[User, User, int]:
        async with session_maker() as session:
            new = (
                await session.execute(select(User).where(User.email == "new.officer@lancashire.example"))
            ).scalar_one()
            promoted = (await session.execute(select(User).where(User.email == DEMO_EMAILS["staff"]))).scalar_one()
            invitations = (await session.execute(select(func.count()).select_from(Invitation))).scalar_one()
            return new, promoted, invitations

    new, promoted, invitations = database(look)
    assert new.password_hash is None
    assert promoted.role == "manager"
    assert invitations == 1
    changes = [entry for entry in audit_rows(database, "users") if entry.entity_id == str(promoted.id)]
    assert changes[-1].before == {"role": "staff"}
    assert changes[-1].after == {"role": "manager"}


def test_an_invitation_lets_its_person_choose_a_password_once(
    client: Any, database: Any, demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quest.accounts.invitations import new_invitation

    now = datetime.datetime.now(datetime.UTC)

    async def invited(session_maker: Any) -> str:
        async with session_maker() as session:
            user = User(
                email="invited@lancashire.example", display_name="Invited Person", role="national", is_active=True
            )
            session.add(user)
            await session.flush()
            secret = await new_invitation(session, user.id, now=now)
            await session.commit()
            return secret

    secret = database(invited)
    logged: list[dict[str, Any]] = []
    monkeypatch.setattr(request_context.logger, "info", lambda event, **fields: logged.append(fields))
    followed = client.get(f"/invitations/{secret}", follow_redirects=False)
    assert followed.status_code == 303
    assert followed.headers["location"] == "/invitations/accept"
    assert [line["path"] for line in logged] == ["/invitations/{secret}"]  # the request log keeps no secret
    page = client.get("/invitations/accept")
    assert page.status_code == 200
    assert "invited@lancashire.example" in page.text
    assert secret not in page.text  # the secret is in the cookie alone, not in the page, its form or its URL
    weak = post_form(client, "/invitations/accept", {"new_password": "short", "confirmation": "short"})
    assert weak.status_code == 422
    password = "correct horse battery staple"
    chosen = post_form(
        client, "/invitations/accept", {"new_password": password, "confirmation": password}, follow_redirects=False
    )
    assert chosen.status_code == 303
    assert "quest_invitation" not in client.cookies  # spent, and gone with it
    assert client.get(f"/invitations/{secret}").status_code == 404  # spent
    assert client.get("/invitations/accept").status_code == 404
    assert sign_in(client, "invited@lancashire.example", password).status_code in (200, 303)
    assert client.get("/account").status_code == 200


def test_imported_users_get_their_invitation_by_email_or_printed_when_no_email_is_set_up(
    settings: Settings, database: Any, demo: Any, tmp_path: Path
) -> None:
    from quest.notifications.models import OutboxEmail

    path = tmp_path / "people.csv"
    path.write_text("email,name,role,division\nfirst@lancashire.example,PC First,staff,NORTH\n")
    printed = quest_import(settings, "users", path, "--force", "LAN")
    assert printed.exit_code == 0, printed.output
    assert "first@lancashire.example  http://localhost:8000/invitations/" in printed.output

    path.write_text("email,name,role,division\nsecond@lancashire.example,PC Second,staff,NORTH\n")
    env = {
        "QUEST_DATA_DIR": str(settings.data_dir),
        "QUEST_DATABASE_URL": settings.database_url,
        "QUEST_SMTP_URL": "smtp://127.0.0.1:9",
        "QUEST_BASE_URL": "https://quest.lancashire.example",
    }
    emailed = CliRunner().invoke(main, ["import", "users", str(path), "--force", "LAN"], env=env)
    assert emailed.exit_code == 0, emailed.output
    assert "1 sign-in invitation queued to be emailed" in emailed.output

    async def outbox(session_maker: Any) -> list[OutboxEmail]:
        async with session_maker() as session:
            return list((await session.execute(select(OutboxEmail))).scalars())

    (sent,) = database(outbox)
    assert sent.recipient == "second@lancashire.example"
    assert "https://quest.lancashire.example/invitations/" in sent.body


def test_force_hq_imports_its_force_ideas_on_the_web_and_each_starts_with_imported(
    client: Any, database: Any, demo: Any
) -> None:
    sign_in(client, DEMO_EMAILS["force_hq"])
    staff = DEMO_EMAILS["staff"]
    spreadsheet = (
        IDEA_HEADER
        + "NORTH,Pre-fill custody forms,Retyping,Fill from the record,Waiting,approved,"
        + f"2026-03-02,2026-03-05,2026-03-09,,,,{staff}\n"
    )
    preview = client.post(
        "/imports/ideas/preview",
        files={"file": ("ideas.csv", spreadsheet.encode(), "text/csv")},
        data={"_csrf_token": csrf_token(client)},
    )
    assert preview.status_code == 200, preview.text
    data = re.search(r'name="data" value="([^"]+)"', preview.text)
    assert data is not None
    saved = post_form(
        client, "/imports/ideas/confirm", {"filename": "ideas.csv", "data": data.group(1)}, follow_redirects=False
    )
    assert saved.status_code == 303

    async def reference(session_maker: Any) -> str:
        async with session_maker() as session:
            return (await session.execute(select(Idea.reference))).scalar_one()  # type: ignore[no-any-return]

    page = client.get(f"/ideas/{database(reference)}")
    assert page.status_code == 200
    assert "Imported from a spreadsheet" in page.text
    assert "Imported as approved" in page.text


def test_a_manager_may_import_ideas_only_for_their_own_division(client: Any, demo: Any) -> None:
    sign_in(client, DEMO_EMAILS["manager"])
    staff = DEMO_EMAILS["staff"]
    other = IDEA_HEADER + f"SOUTH,A title,A problem,A proposal,,submitted,2026-03-02,,,,,,{staff}\n"
    preview = client.post(
        "/imports/ideas/preview",
        files={"file": ("ideas.csv", other.encode(), "text/csv")},
        data={"_csrf_token": csrf_token(client)},
    )
    assert preview.status_code == 422
    assert "LAN has no division with the code SOUTH" in preview.text


def test_a_file_without_a_needed_column_says_so_once(settings: Settings, demo: Any, tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text("division,measure,date\n" + "NORTH,Pending open incidents,2026-03-01\n" * 50)
    result = quest_import(settings, "readings", path, "--force", "LAN")
    assert result.exit_code == 1
    assert "Row 1, column ‘value’: The file has no ‘value’ column" in result.output
    assert "1 problem found: nothing was imported." in result.output


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(
    settings: Settings, database: Any, measure: str, tmp_path: Path
) -> None:
    path = tmp_path / "readings.csv"
    path.write_text(readings_file(good_rows()))
    result = quest_import(settings, "readings", path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "4 readings read: 4 would be created, 0 would be changed, 0 unchanged." in result.output
    assert "checked 4 rows" in result.output  # plain progress lines, not a bar, when not on a terminal
    assert stored(database) == {}


def _imported_on_the_web(client: Any, filename: str, content: bytes) -> None:
    """The file uploaded on the readings import page, previewed without a problem and confirmed."""
    preview = client.post(
        "/imports/readings/preview",
        files={"file": (filename, content, "text/csv")},
        data={"_csrf_token": csrf_token(client)},
    )
    assert preview.status_code == 200, preview.text
    data = re.search(r'name="data" value="([^"]+)"', preview.text)
    assert data is not None
    saved = post_form(
        client, "/imports/readings/confirm", {"filename": filename, "data": data.group(1)}, follow_redirects=False
    )
    assert saved.status_code == 303


def test_a_manager_exports_readings_changes_one_cell_and_imports_the_file_again(
    client: Any, database: Any, measure: str
) -> None:
    """The round trip of issue 15: the measure's own download is a file its import takes as it is; one cell
    changed in it changes that one reading, audited, and nothing else."""
    _imported_on_the_web(client, "readings.csv", readings_file(good_rows()).encode())
    exported = client.get(f"/metrics/{measure}?format=csv")
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER.strip()
    changed_line = f"{DAYS[1].isoformat()},101"
    assert changed_line in text, text
    before = len(audit_rows(database, "readings"))
    # Edited as bytes, its byte-order mark and line ends as the download wrote them.
    edited = exported.content.replace(changed_line.encode(), f"{DAYS[1].isoformat()},64".encode())
    _imported_on_the_web(client, "exported.csv", edited)
    assert stored(database) == {day: 64 if day == DAYS[1] else 100 + index for index, day in enumerate(DAYS)}
    entries = audit_rows(database, "readings")[before:]
    assert [(entry.before, entry.after) for entry in entries] == [
        ({DAYS[1].isoformat(): "101"}, {DAYS[1].isoformat(): "64"})
    ]
