"""Frontline capture through the JSON API (DESIGN §6): the same rules, answered as JSON."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from quest.clock import LONDON
from tests.helpers import DEMO_EMAILS, new_token


def _today() -> datetime.date:
    """The UK date when asked (not when the tests were collected: a run may cross midnight)."""
    return datetime.datetime.now(LONDON).date()


@pytest.fixture
def api(client: Any, demo: Any, database: Any) -> Any:
    """Call the API as a demo user: ``api("staff").post(...)``."""
    tokens: dict[str, str] = {}

    class Caller:
        def __init__(self, role: str) -> None:
            """``role`` is a demo role, or the email of anyone else."""
            email = DEMO_EMAILS.get(role, role)
            if email not in tokens:
                tokens[email] = database(lambda maker: new_token(maker, email))
            self.headers = {"Authorization": f"Bearer {tokens[email]}"}

        def get(self, url: str, **options: Any) -> Any:
            return client.get(url, headers=self.headers, **options)

        def post(self, url: str, json: Any = None) -> Any:
            return client.post(url, json=json, headers=self.headers)

        def put(self, url: str, json: Any) -> Any:
            return client.put(url, json=json, headers=self.headers)

        def delete(self, url: str) -> Any:
            return client.delete(url, headers=self.headers)

    return Caller


def division_id(caller: Any, code: str, force: str = "LAN") -> str:
    return next(row["id"] for row in caller.get(f"/api/v1/forces/{force}/divisions").json() if row["code"] == code)


def new_idea(caller: Any, **fields: Any) -> Any:
    body = {
        "division_id": division_id(caller, "NORTH"),
        "title": "Text victims an update before calling back",
        "problem": "Call-backs are missed.",
        "proposal": "Send a text first.",
        "waste_types": ["waiting"],
        "process": "Victim contact",
    } | fields
    return caller.post("/api/v1/ideas", json=body)


def test_raising_reading_and_listing_ideas(api: Any) -> None:
    staff = api("staff")
    created = new_idea(staff)
    assert created.status_code == 201
    idea = created.json()
    assert idea["ref"] == "LAN-000001"
    assert idea["status"] == "submitted"
    assert idea["waste_types"] == ["waiting"]
    assert [entry["kind"] for entry in idea["timeline"]] == ["submitted"]
    assert isinstance(idea["id"], str)

    fetched = staff.get(f"/api/v1/ideas/{idea['id']}").json()
    assert fetched["title"] == "Text victims an update before calling back"
    listed = staff.get("/api/v1/ideas", params={"q": "victims text", "status": "submitted"}).json()
    assert listed["total"] == 1
    assert listed["items"][0]["ref"] == "LAN-000001"
    assert staff.get("/api/v1/ideas", params={"status": "implemented"}).json()["total"] == 0


def test_bad_ideas_are_refused_naming_each_field(api: Any) -> None:
    staff = api("staff")
    response = new_idea(staff, title="", proposal="x" * 5000, waste_types=["laziness"])
    assert response.status_code == 422
    body = response.json()
    assert body["status_code"] == 422
    assert set(body["extra"]["errors"]) == {"title", "proposal", "waste_types"}
    wrong_type = staff.post("/api/v1/ideas", json={"title": 42})
    assert wrong_type.status_code == 400
    assert "title" in str(wrong_type.json()["extra"])
    assert staff.get("/api/v1/ideas", params={"status": "lost"}).status_code == 400


def test_a_division_out_of_reach_is_refused_on_its_field(api: Any) -> None:
    staff = api("staff")
    # The body is well formed, but names a division out of reach (or none at all): 409, naming the field.
    for other in (division_id(staff, "WEST"), division_id(staff, "EAST", force="CHE"), "not-an-id"):
        response = new_idea(staff, division_id=other)
        assert response.status_code == 409
        assert "division_id" in response.json()["extra"]["errors"]


def test_roles_without_a_division_cannot_raise_ideas(api: Any) -> None:
    for role in ("validator", "force_hq", "national", "admin"):
        assert new_idea(api(role)).status_code == 403


def test_comment_support_and_follow(api: Any) -> None:
    staff, manager = api("staff"), api("manager")
    idea_id = new_idea(staff).json()["id"]
    commented = manager.post(f"/api/v1/ideas/{idea_id}/comments", json={"body": "Let's try it on C team."})
    assert commented.status_code == 201
    assert commented.json()["timeline"][-1]["body"] == "Let's try it on C team."
    assert manager.post(f"/api/v1/ideas/{idea_id}/comments", json={"body": ""}).status_code == 422
    assert manager.post(f"/api/v1/ideas/{idea_id}/support").json() == {"supporter_count": 1, "supported": True}
    assert manager.post(f"/api/v1/ideas/{idea_id}/support").json() == {"supporter_count": 1, "supported": True}
    assert manager.delete(f"/api/v1/ideas/{idea_id}/support").json() == {"supporter_count": 0, "supported": False}
    assert manager.post(f"/api/v1/ideas/{idea_id}/follow").json() == {"following": True}
    assert manager.delete(f"/api/v1/ideas/{idea_id}/follow").json() == {"following": False}
    assert api("validator").post(f"/api/v1/ideas/{idea_id}/support").status_code == 404


def test_logging_waste(api: Any) -> None:
    staff = api("staff")
    body = {
        "division_id": division_id(staff, "NORTH"),
        "waste_type": "motion",
        "process": "Evidence handling",
        "description": "Walked to the only label printer.",
        "minutes_per_occurrence": 6,
        "occurrences_per_week": 60,
        "observed_on": _today().isoformat(),
    }
    created = staff.post("/api/v1/waste", json=body)
    assert created.status_code == 201
    assert created.json()["hours_per_year"] == 312.0
    refused = staff.post("/api/v1/waste", json=body | {"minutes_per_occurrence": 1441, "waste_type": "sloth"})
    assert refused.status_code == 422
    assert set(refused.json()["extra"]["errors"]) == {"minutes_per_occurrence", "waste_type"}


def test_measures_and_idempotent_readings(api: Any) -> None:
    manager, staff = api("manager"), api("staff")
    body = {
        "division_id": division_id(manager, "NORTH"),
        "name": "Pending open incidents",
        "unit": "incidents",
        "kind": "backlog",
        "direction": "down",
        "frequency": "daily",
        "target": 20,
    }
    assert staff.post("/api/v1/metrics", json=body).status_code == 403
    created = manager.post("/api/v1/metrics", json=body)
    assert created.status_code == 201
    metric_id = created.json()["id"]
    assert created.json()["target"] == 20.0

    days = [(_today() - datetime.timedelta(days=offset)).isoformat() for offset in range(2)]
    readings = [{"date": day, "value": 100 - index} for index, day in enumerate(days)]
    first = staff.put(f"/api/v1/metrics/{metric_id}/readings", json=readings)
    assert first.json() == {"written": 2, "readings": 2}
    again = staff.put(f"/api/v1/metrics/{metric_id}/readings", json=readings)
    assert again.json() == {"written": 0, "readings": 2}  # idempotent
    assert [row["value"] for row in staff.get(f"/api/v1/metrics/{metric_id}/readings").json()] == [99.0, 100.0]

    bad = staff.put(
        f"/api/v1/metrics/{metric_id}/readings",
        json=[{"date": days[0], "value": 50}, {"date": "2026-02-30", "value": 1}, {"date": days[1], "value": -1}],
    )
    assert bad.status_code == 422
    assert set(bad.json()["extra"]["errors"]) == {"[1]", "[2]"}
    assert staff.get(f"/api/v1/metrics/{metric_id}/readings").json()[-1]["value"] == 100.0  # nothing written

    assert api("validator").put(f"/api/v1/metrics/{metric_id}/readings", json=readings).status_code == 422
    assert api("national").get(f"/api/v1/metrics/{metric_id}/readings").status_code == 200


def test_staff_enter_today_and_yesterday_and_only_managers_older_readings(api: Any, database: Any) -> None:
    manager, staff = api("manager"), api("staff")
    created = manager.post(
        "/api/v1/metrics",
        json={
            "division_id": division_id(manager, "NORTH"),
            "name": "Crime reports awaiting allocation",
            "unit": "reports",
            "kind": "backlog",
            "direction": "down",
            "frequency": "daily",
        },
    )
    url = f"/api/v1/metrics/{created.json()['id']}/readings"
    yesterday, older = _today() - datetime.timedelta(days=1), _today() - datetime.timedelta(days=2)
    history = [{"date": "2025-06-01", "value": 40}, {"date": older.isoformat(), "value": 30}]
    assert manager.put(url, json=history).json() == {"written": 2, "readings": 2}

    # Rewriting history, or adding to it, is refused row by row, naming each old row's date; nothing is written.
    refused = staff.put(
        url,
        json=[
            {"date": _today().isoformat(), "value": 20},
            {"date": "2025-06-01", "value": 999},
            {"date": older.isoformat(), "value": 31},
            {"date": "2025-06-02", "value": -1},
        ],
    )
    assert refused.status_code == 422
    errors = refused.json()["extra"]["errors"]
    message = "Only a manager can enter or correct readings older than yesterday"
    assert errors == {
        "[1].date": message,
        "[2].date": message,
        "[3].date": message,
        "[3]": "A count cannot be negative",
    }
    assert [row["value"] for row in staff.get(url).json()] == [40.0, 30.0]

    # Today's and yesterday's counts are staff's own, to enter and to correct.
    latest = [{"date": yesterday.isoformat(), "value": 25}, {"date": _today().isoformat(), "value": 20}]
    assert staff.put(url, json=latest).json() == {"written": 2, "readings": 2}
    latest[0]["value"] = 26
    assert staff.put(url, json=latest).json() == {"written": 1, "readings": 2}
    # A manager corrects any date.
    assert manager.put(url, json=[{"date": "2025-06-01", "value": 41}]).status_code == 200
    assert [row["value"] for row in staff.get(url).json()] == [41.0, 30.0, 26.0, 20.0]


def test_readings_of_a_measure_out_of_reach_are_not_found(api: Any, database: Any) -> None:
    from tests.helpers import add_colleague

    database(lambda maker: add_colleague(maker, "inspector@cheshire.example", "CHE", "EAST", role="manager"))
    cheshire, lancashire = api("inspector@cheshire.example"), api("staff")
    created = cheshire.post(
        "/api/v1/metrics",
        json={
            "division_id": division_id(cheshire, "EAST", force="CHE"),
            "name": "Cheshire backlog",
            "unit": "items",
            "kind": "backlog",
            "direction": "down",
            "frequency": "daily",
        },
    )
    assert created.status_code == 201
    metric_id = created.json()["id"]
    put = lancashire.put(f"/api/v1/metrics/{metric_id}/readings", json=[{"date": _today().isoformat(), "value": 3}])
    assert put.status_code == 404
    assert lancashire.get(f"/api/v1/metrics/{metric_id}/readings").status_code == 404


def test_the_openapi_schema_describes_capture(client: Any) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path in (
        "/api/v1/ideas",
        "/api/v1/ideas/{idea_id}",
        "/api/v1/ideas/{idea_id}/comments",
        "/api/v1/ideas/{idea_id}/support",
        "/api/v1/ideas/{idea_id}/follow",
        "/api/v1/waste",
        "/api/v1/metrics",
        "/api/v1/metrics/{metric_id}/readings",
    ):
        assert path in paths, path
