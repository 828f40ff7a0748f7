"""The records the web app keeps, in the JSON API (issue 15): notifications, the audit trail, the savings
ledger and its possible double counts, exports and the imports' templates. Each answers from the same
service as its page, to the same people, a page at a time."""

from __future__ import annotations

import csv
import datetime
import io
import uuid
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from quest.audit.models import AuditEntry
from quest.clock import LONDON
from quest.exports.files import XLSX_TYPE
from quest.exports.tables import SAVINGS_COLUMNS
from quest.notifications.models import Notification
from quest.savings.rules import financial_year
from tests.helpers import DEMO_EMAILS, IMPLEMENTED_PATH, add_colleague, move_along, new_token, user_id

OTHER_DIVISION_STAFF = "west.staff@lancashire.example"
OTHER_FORCE_STAFF = "east.staff@cheshire.example"


@pytest.fixture
def api(client: Any, demo: Any, database: Any) -> Any:
    """Call the API as a demo user (``api("staff")``) or anyone else by email; ``api(None)`` sends no token."""
    tokens: dict[str, str] = {}

    class Caller:
        def __init__(self, role: str | None) -> None:
            self.headers: dict[str, str] = {}
            if role is not None:
                email = DEMO_EMAILS.get(role, role)
                if email not in tokens:
                    tokens[email] = database(lambda maker: new_token(maker, email))
                self.headers = {"Authorization": f"Bearer {tokens[email]}"}

        def get(self, url: str, **options: Any) -> Any:
            return client.get(url, headers=self.headers, **options)

        def post(self, url: str, json: Any = None) -> Any:
            return client.post(url, json=json, headers=self.headers)

    return Caller


def _division_id(caller: Any, code: str, force: str = "LAN") -> str:
    return next(row["id"] for row in caller.get(f"/api/v1/forces/{force}/divisions").json() if row["code"] == code)


def _raise_idea(caller: Any, title: str = "Scan exhibits at the front desk") -> dict[str, Any]:
    raised = caller.post(
        "/api/v1/ideas",
        json={"title": title, "problem": "Exhibits wait a day.", "proposal": "Book them in where they arrive."},
    )
    assert raised.status_code == 201, raised.text
    return dict(raised.json())


def _today() -> datetime.date:
    return datetime.datetime.now(LONDON).date()


def _claim(caller: Any, idea_id: str, mechanism: str, amount: str) -> dict[str, Any]:
    """A claimed cash saving from the start of this financial year."""
    claimed = caller.post(
        f"/api/v1/ideas/{idea_id}/savings",
        json={
            "kind": "cashable",
            "mechanism": mechanism,
            "status": "claimed",
            "amount_gbp_per_year": amount,
            "cost_line": "Overtime",
            "period_start": datetime.date(financial_year(_today()), 4, 1).isoformat(),
            "evidence": "The overtime budget line",
        },
    )
    assert claimed.status_code == 201, claimed.text
    return dict(claimed.json())


def _links(response: Any) -> dict[str, str]:
    """The Link header's relations, each to its address."""
    found = {}
    for part in response.headers["link"].split(", "):
        address, relation = part.split("; ")
        found[relation.removeprefix('rel="').removesuffix('"')] = address.strip("<>")
    return found


# --- Notifications ------------------------------------------------------------------------------------


def test_notifications_are_listed_newest_first_a_page_at_a_time_and_marked_read(api: Any, database: Any) -> None:
    staff, manager = api("staff"), api("manager")
    idea = _raise_idea(staff)
    for body in ("Let's try it on C team.", "C team say yes."):
        assert manager.post(f"/api/v1/ideas/{idea['id']}/comments", json={"body": body}).status_code == 201

    first = staff.get("/api/v1/notifications", params={"per_page": 1})
    assert first.status_code == 200
    assert first.headers["x-total-count"] == "2"
    assert set(_links(first)) == {"first", "next", "last"}
    [latest] = first.json()
    assert latest["idea_id"] == idea["id"]
    assert (latest["idea_ref"], latest["idea_title"]) == (idea["ref"], "Scan exhibits at the front desk")
    assert (latest["kind"], latest["body"], latest["read"]) == ("commented", "C team say yes.", False)
    assert latest["what"] == f"{latest['actor_name']} commented"
    second = staff.get(_links(first)["next"]).json()
    assert [note["body"] for note in second] == ["Let's try it on C team."]
    # Only one's own: the manager who commented is told nothing.
    assert manager.get("/api/v1/notifications").json() == []

    marked = staff.post("/api/v1/notifications/read")
    assert (marked.status_code, marked.json()) == (200, {"marked_read": 2})
    assert staff.get("/api/v1/notifications", params={"unread": "true"}).json() == []
    assert [note["read"] for note in staff.get("/api/v1/notifications").json()] == [True, True]
    assert staff.post("/api/v1/notifications/read").json() == {"marked_read": 0}

    async def unread_in_table(maker: Any) -> int:
        async with maker() as session:
            unread = select(Notification.id).where(Notification.read_at.is_(None))
            return len((await session.execute(unread)).all())

    assert database(unread_in_table) == 0


def test_notifications_need_a_token(api: Any) -> None:
    for response in (api(None).get("/api/v1/notifications"), api(None).post("/api/v1/notifications/read")):
        assert response.status_code == 401
        assert response.json()["status_code"] == 401


# --- The audit trail ------------------------------------------------------------------------------------


def test_the_audit_trail_shows_a_force_its_own_changes_with_the_pages_filters(api: Any, database: Any) -> None:
    database(lambda maker: add_colleague(maker, OTHER_FORCE_STAFF, "CHE", "EAST"))
    staff, force_hq = api("staff"), api("force_hq")
    ours = _raise_idea(staff)
    _raise_idea(api(OTHER_FORCE_STAFF), "Cheshire's own idea")

    found = force_hq.get("/api/v1/audit", params={"entity": "ideas"})
    assert found.status_code == 200
    assert found.headers["x-total-count"] == "1"
    [entry] = found.json()
    assert (entry["entity"], entry["entity_id"], entry["actor"]) == ("ideas", ours["id"], DEMO_EMAILS["staff"])
    assert entry["record_name"] == f"Idea {ours['ref']}: Scan exhibits at the front desk"
    title = next(change for change in entry["changes"] if change["field"] == "title")
    assert (title["before"], title["after"]) == (None, "Scan exhibits at the front desk")
    # An administrator sees every force's.
    assert api("admin").get("/api/v1/audit", params={"entity": "ideas"}).headers["x-total-count"] == "2"

    assert force_hq.get("/api/v1/audit", params={"entity": "ideas", "actor": "nobody@"}).json() == []
    tomorrow = (_today() + datetime.timedelta(days=1)).isoformat()
    assert force_hq.get("/api/v1/audit", params={"entity": "ideas", "date_from": tomorrow}).json() == []
    assert len(force_hq.get("/api/v1/audit", params={"entity": "ideas", "date_to": tomorrow}).json()) == 1

    # Paged, newest first, as many as the force's trail holds.
    async def force_entries(maker: Any) -> int:
        async with maker() as session:
            hq = await user_id(maker, DEMO_EMAILS["force_hq"])
            from quest.accounts.models import User

            force_id = (await session.execute(select(User.force_id).where(User.id == hq))).scalar_one()
            rows = await session.execute(select(AuditEntry.id).where(AuditEntry.force_id == force_id))
            return len(rows.all())

    paged = force_hq.get("/api/v1/audit", params={"per_page": 2, "page": 1})
    assert paged.headers["x-total-count"] == str(database(force_entries))
    assert len(paged.json()) == 2
    assert paged.json()[0]["occurred_at"] >= paged.json()[1]["occurred_at"]
    assert "next" in _links(paged)


def test_the_audit_trail_is_refused_to_roles_that_may_not_read_it(api: Any) -> None:
    for role in ("staff", "manager", "validator", "national"):
        response = api(role).get("/api/v1/audit")
        assert response.status_code == 403, role
        assert response.json()["status_code"] == 403
    assert api(None).get("/api/v1/audit").status_code == 401
    unreadable = api("force_hq").get("/api/v1/audit", params={"date_from": "yesterday"})
    assert unreadable.status_code == 400
    assert "date_from" in str(unreadable.json()["extra"])


# --- The savings ledger and its double counts -----------------------------------------------------------


@pytest.fixture
def two_claims(api: Any, database: Any) -> dict[str, Any]:
    """The manager's division: an implemented idea with two claims on one mechanism, over the same
    period (a possible double count); and a colleague in another division."""
    database(lambda maker: add_colleague(maker, OTHER_DIVISION_STAFF, "LAN", "WEST"))
    manager = api("manager")
    idea = _raise_idea(manager)
    database(lambda maker: move_along(maker, DEMO_EMAILS["manager"], uuid.UUID(idea["id"]), *IMPLEMENTED_PATH))
    first = _claim(manager, idea["id"], "Overtime for exhibit runs", "1200.00")
    second = _claim(manager, idea["id"], "overtime for exhibit runs", "800.00")
    return {"idea": idea, "claims": [first, second]}


def test_the_savings_ledger_lists_a_years_claims_in_reach_a_page_at_a_time(
    api: Any, two_claims: dict[str, Any]
) -> None:
    first, second = two_claims["claims"]
    for role in ("manager", "validator", "force_hq"):
        listed = api(role).get("/api/v1/savings")
        assert listed.status_code == 200, role
        assert listed.headers["x-total-count"] == "2"
        claims = listed.json()
        assert [claim["id"] for claim in claims] == [first["id"], second["id"]]
        assert [claim["amount_gbp_per_year"] for claim in claims] == ["1200.00", "800.00"]
        assert all(claim["flagged_double_count"] for claim in claims)
        assert claims[0]["double_count_with"] == [second["id"]]
        assert claims[0]["evidence_check"]["proposed_grade"]

    manager = api("manager")
    page = manager.get("/api/v1/savings", params={"per_page": 1, "page": 2, "status": "claimed"})
    assert [claim["id"] for claim in page.json()] == [second["id"]]
    assert set(_links(page)) == {"first", "prev", "last"}
    assert manager.get("/api/v1/savings", params={"status": "validated"}).json() == []
    last_year = financial_year(_today()) - 2
    assert manager.get("/api/v1/savings", params={"fy": last_year}).json() == []
    # Another division's staff see none of them.
    other = api(OTHER_DIVISION_STAFF).get("/api/v1/savings")
    assert (other.status_code, other.json(), other.headers["x-total-count"]) == (200, [], "0")
    # Each parameter QUEST cannot read is named as the address spells it (page, not page_number).
    for unreadable in ({"status": "lost"}, {"fy": "nineteen"}, {"per_page": 0}, {"page": 0}):
        response = manager.get("/api/v1/savings", params=unreadable)
        assert response.status_code == 400, unreadable
        assert list(response.json()["extra"]["errors"]) == list(unreadable)
    assert api(None).get("/api/v1/savings").status_code == 401


def test_possible_double_counts_are_listed_as_groups_in_reach(api: Any, two_claims: dict[str, Any]) -> None:
    first, second = two_claims["claims"]
    listed = api("validator").get("/api/v1/savings/double-counts")
    assert listed.status_code == 200
    assert listed.headers["x-total-count"] == "1"
    [group] = listed.json()
    assert (group["id"], group["size"]) == (first["id"], 2)
    assert [claim["id"] for claim in group["claims"]] == [first["id"], second["id"]]
    assert group["claims"][0]["idea_ref"] == two_claims["idea"]["ref"]
    assert group["claims"][1]["mechanism"] == "overtime for exhibit runs"
    assert group["claims"][0]["division_name"]

    empty = api(OTHER_DIVISION_STAFF).get("/api/v1/savings/double-counts", params={"per_page": 5})
    assert (empty.json(), empty.headers["x-total-count"]) == ([], "0")
    assert api(None).get("/api/v1/savings/double-counts").status_code == 401


# --- Exports --------------------------------------------------------------------------------------------


def _csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_an_export_is_the_file_of_the_rows_in_reach(api: Any, two_claims: dict[str, Any]) -> None:
    manager = api("manager")
    exported = manager.get("/api/v1/exports/savings")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["content-disposition"] == 'attachment; filename="savings.csv"'
    header, *rows = _csv_rows(exported)
    assert header == list(SAVINGS_COLUMNS)
    assert [(row[2], row[5], row[10]) for row in rows] == [
        (two_claims["idea"]["ref"], "Overtime for exhibit runs", "1200.00"),
        (two_claims["idea"]["ref"], "overtime for exhibit runs", "800.00"),
    ]

    north = _division_id(manager, "NORTH")
    workbook = manager.get("/api/v1/exports/ideas", params={"format": "xlsx", "division": north})
    assert workbook.status_code == 200
    assert workbook.headers["content-type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:3] == ["force", "division", "reference"]
    assert [row[2] for row in values[1:]] == [two_claims["idea"]["ref"]]

    # Dates keep those of the span; another division's staff get an empty file, not the manager's rows.
    later = (_today() + datetime.timedelta(days=400)).isoformat()
    assert len(_csv_rows(manager.get("/api/v1/exports/savings", params={"from": later}))) == 1
    assert len(_csv_rows(api(OTHER_DIVISION_STAFF).get("/api/v1/exports/savings"))) == 1


def test_an_export_refuses_what_is_out_of_reach_or_wrong_naming_the_parameter(
    api: Any, two_claims: dict[str, Any]
) -> None:
    manager, force_hq = api("manager"), api("force_hq")
    for division in (_division_id(manager, "WEST"), str(uuid.uuid4())):
        response = manager.get("/api/v1/exports/readings", params={"division": division})
        assert response.status_code == 404
        assert response.json()["status_code"] == 404
    for kind in ("audit", "users"):
        assert manager.get(f"/api/v1/exports/{kind}").status_code == 403
    wrong = [
        (manager, "savings", {"from": "2026-05-01", "to": "2026-04-01"}, "from"),
        (force_hq, "audit", {"division": _division_id(manager, "NORTH")}, "division"),
        (force_hq, "users", {"from": "2026-04-01"}, "from"),
    ]
    for caller, kind, parameters, named in wrong:
        response = caller.get(f"/api/v1/exports/{kind}", params=parameters)
        assert response.status_code == 422, (kind, response.text)
        assert list(response.json()["extra"]["errors"]) == [named]
    for parameters in ({"format": "pdf"}, {"division": "north"}, {"to": "tomorrow"}):
        response = manager.get("/api/v1/exports/ideas", params=parameters)
        assert response.status_code == 400, parameters
        assert list(response.json()["extra"]["errors"]) == list(parameters)
    assert manager.get("/api/v1/exports/claims").status_code == 400
    assert api(None).get("/api/v1/exports/ideas").status_code == 401
    # A force's headquarters export their own force's audit trail and users.
    audit = _csv_rows(force_hq.get("/api/v1/exports/audit"))
    assert audit[0][:3] == ["occurred_at_utc", "actor", "force"]
    assert {row[2] for row in audit[1:]} == {"LAN"}
    users = _csv_rows(force_hq.get("/api/v1/exports/users"))
    assert DEMO_EMAILS["manager"] in {row[0] for row in users[1:]}


# --- Imports' kinds and templates -----------------------------------------------------------------------


def test_the_kinds_of_import_with_their_columns_and_templates(api: Any) -> None:
    manager = api("manager")
    listed = manager.get("/api/v1/imports")
    assert listed.status_code == 200
    assert listed.headers["x-total-count"] == "2"
    kinds = {kind["kind"]: kind for kind in listed.json()}
    assert set(kinds) == {"readings", "ideas"}
    readings = kinds["readings"]
    assert [column["name"] for column in readings["columns"]][:5] == ["force", "division", "measure", "date", "value"]
    assert all(isinstance(column["required"], bool) and column["meaning"] for column in readings["columns"])

    template = manager.get(readings["template"])
    assert template.status_code == 200
    assert template.headers["content-type"].startswith("text/csv")
    assert template.headers["content-disposition"] == 'attachment; filename="quest-readings-template.csv"'
    header, example = _csv_rows(template)
    assert header == [column["name"] for column in readings["columns"]]
    assert example == [column["example"] for column in readings["columns"]]

    assert {kind["kind"] for kind in api("force_hq").get("/api/v1/imports").json()} == {"ideas", "users"}
    for role in ("staff", "validator", "national"):
        assert api(role).get("/api/v1/imports").status_code == 403, role
    assert api("staff").get("/api/v1/imports/ideas/template").status_code == 403
    assert api("force_hq").get("/api/v1/imports/readings/template").status_code == 403
    assert manager.get("/api/v1/imports/claims/template").status_code == 400
    assert api(None).get("/api/v1/imports/readings/template").status_code == 401


def test_the_schema_documents_each_file_by_its_media_types(client: Any) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    exported = paths["/api/v1/exports/{kind}"]["get"]["responses"]
    assert list(exported["200"]["content"]) == ["text/csv", XLSX_TYPE]
    assert "Content-Disposition" in exported["200"]["headers"]
    assert {"400", "401", "403", "404", "422", "503"} <= set(exported)
    template = paths["/api/v1/imports/{kind}/template"]["get"]["responses"]["200"]
    assert list(template["content"]) == ["text/csv"]
    for path in ("/api/v1/notifications", "/api/v1/audit", "/api/v1/savings", "/api/v1/savings/double-counts"):
        assert set(paths[path]["get"]["responses"]["200"]["headers"]) == {"Link", "X-Total-Count"}, path
