"""The organisation through the JSON API: a force and its similar forces, for everyone; its divisions, its
response SLA and its public results page, changed by its headquarters (or an administrator) as the
force's pages change them, and audited alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from quest.org.models import Division, Force
from tests.helpers import DEMO_EMAILS, audit_entries
from tests.integration.test_capture_api import api  # noqa: F401  (the callers' fixture)

NEW_DIVISION = {"code": "coast", "name": "Coastal", "officers_fte": 120.5, "staff_fte": "40"}
SETTINGS = {"first_response_days": 10, "decision_days": 45, "productive_hours_per_fte": 1600.5}


def divisions_of(database: Any, force_code: str) -> dict[str, tuple[str, float, float]]:
    async def read(session_maker: Any) -> dict[str, tuple[str, float, float]]:
        async with session_maker() as session:
            rows = await session.execute(
                select(Division.code, Division.name, Division.officers_fte, Division.staff_fte)
                .join(Force)
                .where(Force.code == force_code)
            )
            return {row.code: (row.name, float(row.officers_fte), float(row.staff_fte)) for row in rows}

    return database(read)


def test_a_force_and_its_similar_forces_are_read_by_anyone_signed_in(api: Any, client: Any) -> None:  # noqa: F811
    staff = api("staff")
    force = staff.get("/api/v1/forces/lan")
    assert force.status_code == 200
    body = force.json()
    assert body["code"] == "LAN"
    assert body["name"] == "Lancashire Constabulary"
    assert body == next(row for row in staff.get("/api/v1/forces").json() if row["code"] == "LAN")

    similar = staff.get("/api/v1/forces/LAN/similar")
    assert similar.status_code == 200
    assert similar.json()["force_code"] == "LAN"
    assert similar.json()["source"] == "derived"
    codes = [row["code"] for row in similar.json()["forces"]]
    assert codes
    assert "LAN" not in codes
    assert set(codes) <= {row["code"] for row in staff.get("/api/v1/forces", params={"per_page": 100}).json()}

    assert staff.get("/api/v1/forces/XYZ").status_code == 404
    assert staff.get("/api/v1/forces/XYZ/similar").status_code == 404
    assert client.get("/api/v1/forces/LAN").status_code == 401


def test_headquarters_adds_a_division_to_its_own_force_audited(api: Any, client: Any, database: Any) -> None:  # noqa: F811
    headquarters = api("force_hq")
    made = headquarters.post("/api/v1/forces/LAN/divisions", json=NEW_DIVISION)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["code"] == "COAST"
    assert (body["name"], body["officers_fte"], body["staff_fte"]) == ("Coastal", 120.5, 40.0)
    assert headquarters.get("/api/v1/forces/LAN/divisions/coast").json() == body
    assert body in headquarters.get("/api/v1/forces/LAN/divisions").json()
    assert divisions_of(database, "LAN")["COAST"] == ("Coastal", 120.5, 40.0)
    [entry] = [entry for entry in audit_entries(database, "divisions", "create") if entry.entity_id == body["id"]]
    assert entry.actor_label == DEMO_EMAILS["force_hq"]
    assert entry.after is not None
    assert entry.after["code"] == "COAST"

    before = divisions_of(database, "LAN")
    again = headquarters.post("/api/v1/forces/LAN/divisions", json=NEW_DIVISION)
    assert again.status_code == 422
    assert again.json()["extra"]["errors"] == {"code": "This force already has a division with that code"}
    wrong = headquarters.post(
        "/api/v1/forces/LAN/divisions", json={"code": "-X", "name": " ", "officers_fte": -1, "staff_fte": "many"}
    )
    assert wrong.status_code == 422
    assert set(wrong.json()["extra"]["errors"]) == {"code", "name", "officers_fte", "staff_fte"}
    assert headquarters.post("/api/v1/forces/LAN/divisions", json={}).status_code == 422
    assert divisions_of(database, "LAN") == before

    # Another force's, or a role that manages none, as on the force's page: not there.
    assert headquarters.post("/api/v1/forces/CHE/divisions", json=NEW_DIVISION | {"code": "NEW"}).status_code == 404
    assert api("manager").post("/api/v1/forces/LAN/divisions", json=NEW_DIVISION | {"code": "NEW"}).status_code == 404
    assert client.post("/api/v1/forces/LAN/divisions", json=NEW_DIVISION).status_code == 401
    assert "NEW" not in divisions_of(database, "CHE") | divisions_of(database, "LAN")
    made_by_admin = api("admin").post("/api/v1/forces/CHE/divisions", json=NEW_DIVISION | {"code": "NEW"})
    assert made_by_admin.status_code == 201


def test_headquarters_changes_a_divisions_name_and_size_audited(api: Any, database: Any) -> None:  # noqa: F811
    headquarters = api("force_hq")
    west = headquarters.get("/api/v1/forces/LAN/divisions/WEST").json()
    changed = headquarters.put(
        "/api/v1/forces/LAN/divisions/west", json={"name": "Western", "officers_fte": "300.25", "staff_fte": 99}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == west | {"name": "Western", "officers_fte": 300.25, "staff_fte": 99.0}
    assert divisions_of(database, "LAN")["WEST"] == ("Western", 300.25, 99.0)
    [entry] = [entry for entry in audit_entries(database, "divisions", "update") if entry.entity_id == west["id"]]
    assert entry.actor_label == DEMO_EMAILS["force_hq"]
    assert entry.after is not None
    assert entry.after["name"] == "Western"

    wrong = headquarters.put("/api/v1/forces/LAN/divisions/WEST", json={"name": "", "officers_fte": 100001})
    assert wrong.status_code == 422
    assert set(wrong.json()["extra"]["errors"]) == {"name", "officers_fte", "staff_fte"}
    code = headquarters.put("/api/v1/forces/LAN/divisions/WEST", json={"code": "W", "name": "W"})
    assert code.status_code == 422
    assert "code" in code.json()["extra"]["errors"]  # a division's code is kept once made
    body = {"name": "Taken", "officers_fte": 1, "staff_fte": 1}
    assert headquarters.put("/api/v1/forces/LAN/divisions/NOWHERE", json=body).status_code == 404
    assert headquarters.put("/api/v1/forces/CHE/divisions/EAST", json=body).status_code == 404
    assert api("staff").put("/api/v1/forces/LAN/divisions/WEST", json=body).status_code == 404
    assert divisions_of(database, "LAN")["WEST"] == ("Western", 300.25, 99.0)
    assert headquarters.get("/api/v1/forces/LAN/divisions/NOWHERE").status_code == 404


def test_headquarters_reads_and_changes_its_response_sla_audited(api: Any, database: Any) -> None:  # noqa: F811
    headquarters = api("force_hq")
    read = headquarters.get("/api/v1/forces/LAN/settings")
    assert read.status_code == 200
    assert read.json() == {
        "force_code": "LAN",
        "first_response_days": 14,
        "decision_days": 30,
        "productive_hours_per_fte": 1650.0,
    }
    changed = headquarters.put("/api/v1/forces/lan/settings", json=SETTINGS)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"force_code": "LAN"} | SETTINGS
    assert headquarters.get("/api/v1/forces/LAN/settings").json() == changed.json()
    [entry] = audit_entries(database, "force_settings", "create")
    assert entry.actor_label == DEMO_EMAILS["force_hq"]
    assert entry.after is not None
    assert entry.after["decision_days"] == 45

    shorter = headquarters.put("/api/v1/forces/LAN/settings", json=SETTINGS | {"decision_days": 5})
    assert shorter.status_code == 422
    assert list(shorter.json()["extra"]["errors"]) == ["decision_days"]
    wrong = headquarters.put(
        "/api/v1/forces/LAN/settings",
        json={"first_response_days": 0, "decision_days": 2.5, "productive_hours_per_fte": 9000},
    )
    assert wrong.status_code == 422
    assert set(wrong.json()["extra"]["errors"]) == {"first_response_days", "decision_days", "productive_hours_per_fte"}
    assert headquarters.get("/api/v1/forces/LAN/settings").json() == changed.json()

    assert headquarters.get("/api/v1/forces/CHE/settings").status_code == 404
    assert headquarters.put("/api/v1/forces/CHE/settings", json=SETTINGS).status_code == 404
    for role in ("manager", "validator", "national"):
        assert api(role).get("/api/v1/forces/LAN/settings").status_code == 404, role
        assert api(role).put("/api/v1/forces/LAN/settings", json=SETTINGS).status_code == 404, role
    assert api("admin").get("/api/v1/forces/CHE/settings").status_code == 200
    assert len(audit_entries(database, "force_settings", "update")) == 0


def test_headquarters_publishes_and_withdraws_its_results_page_audited(
    api: Any,  # noqa: F811
    client: Any,
    database: Any,
) -> None:
    headquarters = api("force_hq")
    withdrawn = headquarters.put("/api/v1/forces/LAN/settings/publication", json={"publish": False})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json() == {"force_code": "LAN", "published": False, "public_since": None, "public_url": None}
    assert client.get("/api/v1/public/LAN").status_code == 404

    published = headquarters.put("/api/v1/forces/LAN/settings/publication", json={"publish": True})
    assert published.status_code == 200
    assert published.json()["published"] is True
    assert published.json()["public_url"] == "/public/LAN"
    assert published.json()["public_since"] is not None
    assert headquarters.get("/api/v1/forces/LAN/settings/publication").json() == published.json()
    assert client.get("/api/v1/public/LAN").status_code == 200
    entries = [
        entry for entry in audit_entries(database, "forces", "update") if entry.after and "public_since" in entry.after
    ]
    assert [entry.actor_label for entry in entries][-1] == DEMO_EMAILS["force_hq"]
    assert entries[-1].after is not None
    assert entries[-1].after["public_since"] is not None

    unchosen = headquarters.put("/api/v1/forces/LAN/settings/publication", json={})
    assert unchosen.status_code == 422
    assert unchosen.json()["extra"]["errors"] == {
        "publish": "Choose whether to publish the results page or withdraw it"
    }
    assert headquarters.put("/api/v1/forces/LAN/settings/publication", json={"publish": "yes"}).status_code == 400
    assert headquarters.put("/api/v1/forces/CHE/settings/publication", json={"publish": True}).status_code == 404
    assert headquarters.get("/api/v1/forces/CHE/settings/publication").status_code == 404
    assert api("manager").put("/api/v1/forces/LAN/settings/publication", json={"publish": False}).status_code == 403
    assert headquarters.get("/api/v1/forces/LAN/settings/publication").json()["published"] is True
