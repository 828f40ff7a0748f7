"""The idea and measure operations the pages had and the API lacked (issue 15): changing an idea, its
owner, its summary for the public, adoption, unlinking a measure, similar ideas, triage, my ideas, a
measure's own record, backlog counts, and an idea raised from a waste observation. Each through the
same service as its page: the same rules, the same reach, the same audit trail."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from sqlalchemy import func, select

from quest.audit.models import AuditEntry
from quest.clock import LONDON
from quest.ideas.models import Idea
from quest.metrics.models import IdeaMetric, Reading
from quest.waste.models import WasteObservation
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    add_backlog,
    add_colleague,
    api_headers,
    move_along,
    raise_idea,
)

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
CHESHIRE_STAFF, CHESHIRE_MANAGER = "pc@cheshire.example", "inspector@cheshire.example"
WEST_MANAGER = "west.manager@lancashire.example"
IDEA = {"title": "Scan exhibits at the front desk", "problem": "Exhibits wait a day.", "proposal": "Book them in."}


def _audited(database: Any, entity: str, entity_id: object, action: str) -> list[AuditEntry]:
    async def read(maker: Any) -> list[AuditEntry]:
        async with maker() as session:
            rows = await session.execute(
                select(AuditEntry)
                .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id), AuditEntry.action == action)
                .order_by(AuditEntry.occurred_at)
            )
            return list(rows.scalars())

    return database(read)


def _count(database: Any, *where: Any, of: Any) -> int:
    async def read(maker: Any) -> int:
        async with maker() as session:
            return int((await session.execute(select(func.count()).select_from(of).where(*where))).scalar_one())

    return database(read)


def _signed_out(client: Any) -> Any:
    client.cookies.clear()
    return client


def _cheshire(database: Any) -> None:
    database(lambda maker: add_colleague(maker, CHESHIRE_STAFF, "CHE", "EAST"))
    database(lambda maker: add_colleague(maker, CHESHIRE_MANAGER, "CHE", "EAST", role="manager", signs_in=True))


def _sign_in(client: Any, email: str) -> Any:
    from tests.helpers import sign_in

    assert sign_in(client, email).status_code == 303
    return client


# --- Changing an idea -----------------------------------------------------------------------------------


def test_the_person_who_raised_an_idea_changes_it_while_it_is_submitted(signed_in: Any, database: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "First wording"))
    staff = signed_in("staff")
    url = f"/api/v1/ideas/{idea.id}"
    changed = staff.put(url, json={**IDEA, "waste_types": ["waiting"]}, headers=api_headers(staff))
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["title"], body["waste_types"], body["status"]) == (IDEA["title"], ["waiting"], "submitted")
    assert body["timeline"][-1]["kind"] == "edited"
    assert body["version"] == 2
    updates = _audited(database, "ideas", idea.id, "update")
    assert updates[-1].after is not None
    assert updates[-1].after["title"] == IDEA["title"]

    blank = staff.put(url, json={**IDEA, "title": " ", "division_id": ""}, headers=api_headers(staff))
    assert blank.status_code == 422
    assert list(blank.json()["extra"]["errors"]) == ["division_id"]  # its division is not the edit's to change
    empty = staff.put(url, json={**IDEA, "title": "  "}, headers=api_headers(staff))
    assert empty.status_code == 422
    assert list(empty.json()["extra"]["errors"]) == ["title"]
    assert staff.get(url).json()["title"] == IDEA["title"]  # nothing written

    database(lambda maker: move_along(maker, MANAGER, idea.id, "under_review"))
    too_late = staff.put(url, json=IDEA, headers=api_headers(staff))
    assert too_late.status_code == 409
    assert too_late.json()["extra"]["errors"] == {
        "status": "You can only change or withdraw an idea before it is reviewed"
    }

    manager = signed_in("manager")
    theirs = database(lambda maker: raise_idea(maker, STAFF, "Sam's other idea"))
    assert manager.put(f"/api/v1/ideas/{theirs.id}", json=IDEA, headers=api_headers(manager)).status_code == 404
    validator = signed_in("validator")
    assert validator.put(url, json=IDEA, headers=api_headers(validator)).status_code == 403
    assert _signed_out(staff).put(url, json=IDEA).status_code == 401


def test_an_idea_raised_from_a_waste_observation_is_linked_to_it(signed_in: Any, database: Any) -> None:
    staff = signed_in("staff")
    waste = staff.post(
        "/api/v1/waste",
        json={
            "waste_type": "waiting",
            "process": "Property store",
            "description": "Exhibits wait a day.",
            "minutes_per_occurrence": 15,
            "occurrences_per_week": 20,
        },
        headers=api_headers(staff),
    )
    assert waste.status_code == 201, waste.text
    nowhere = staff.post("/api/v1/ideas", json={**IDEA, "from_waste": str(uuid.uuid4())}, headers=api_headers(staff))
    assert nowhere.status_code == 409
    assert list(nowhere.json()["extra"]["errors"]) == ["from_waste"]
    assert _count(database, of=Idea) == 0  # refused before anything was written

    raised = staff.post("/api/v1/ideas", json={**IDEA, "from_waste": waste.json()["id"]}, headers=api_headers(staff))
    assert raised.status_code == 201, raised.text
    linked = _count(
        database,
        WasteObservation.id == uuid.UUID(waste.json()["id"]),
        WasteObservation.idea_id == uuid.UUID(raised.json()["id"]),
        of=WasteObservation,
    )
    assert linked == 1


# --- Owners, the summary for the public, adoption ---------------------------------------------------------


def test_a_manager_makes_a_colleague_the_owner_of_an_idea(signed_in: Any, database: Any) -> None:
    _cheshire(database)
    idea = database(lambda maker: raise_idea(maker, STAFF, "Call-back before visit"))
    manager = signed_in("manager")
    base = f"/api/v1/ideas/{idea.id}"
    choices = manager.get(f"{base}/possible-owners")
    assert choices.status_code == 200
    names = {colleague["display_name"]: colleague["id"] for colleague in choices.json()}
    assert {"PC Sam Taylor", "Inspector Priya Shah"} <= set(names)
    assert choices.headers["x-total-count"] == str(len(names))

    stale = manager.put(
        f"{base}/owner", json={"owner_id": names["PC Sam Taylor"], "version": 0 + 2}, headers=api_headers(manager)
    )
    assert stale.status_code == 409  # version 2 was never read: someone else's change is assumed
    nobody = manager.put(f"{base}/owner", json={"owner_id": str(uuid.uuid4())}, headers=api_headers(manager))
    assert nobody.status_code == 409
    assert list(nobody.json()["extra"]["errors"]) == ["owner_id"]
    missing = manager.put(f"{base}/owner", json={}, headers=api_headers(manager))
    assert missing.status_code == 422
    assert list(missing.json()["extra"]["errors"]) == ["owner_id"]
    assert _audited(database, "ideas", idea.id, "update") == []

    owned = manager.put(
        f"{base}/owner", json={"owner_id": names["PC Sam Taylor"], "version": 1}, headers=api_headers(manager)
    )
    assert owned.status_code == 200, owned.text
    assert owned.json()["owner"] == "PC Sam Taylor"
    assert owned.json()["timeline"][-1]["body"] == "Owner: PC Sam Taylor"
    (update,) = _audited(database, "ideas", idea.id, "update")
    assert update.after is not None
    assert update.after["owner_id"] == names["PC Sam Taylor"]

    staff = signed_in("staff")
    assert (
        staff.put(f"{base}/owner", json={"owner_id": names["PC Sam Taylor"]}, headers=api_headers(staff)).status_code
        == 403
    )
    assert staff.get(f"{base}/possible-owners").status_code == 403
    cheshire = _sign_in(staff, CHESHIRE_MANAGER)
    refused = cheshire.put(f"{base}/owner", json={"owner_id": names["PC Sam Taylor"]}, headers=api_headers(cheshire))
    assert refused.status_code == 404
    assert _signed_out(cheshire).get(f"{base}/possible-owners").status_code == 401


def test_a_manager_writes_the_public_summary_of_an_implemented_idea(signed_in: Any, database: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Book exhibits in at the desk"))
    manager = signed_in("manager")
    url = f"/api/v1/ideas/{idea.id}/public-summary"
    summary = {"public_summary": "Exhibits are booked in where they arrive."}
    early = manager.put(url, json=summary, headers=api_headers(manager))
    assert early.status_code == 409
    assert list(early.json()["extra"]["errors"]) == ["public_summary"]

    database(lambda maker: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH))
    too_long = manager.put(url, json={"public_summary": "x" * 5001}, headers=api_headers(manager))
    assert too_long.status_code == 422
    assert list(too_long.json()["extra"]["errors"]) == ["public_summary"]
    written = manager.put(url, json=summary, headers=api_headers(manager))
    assert written.status_code == 200, written.text
    assert written.json()["public_summary"] == summary["public_summary"]
    updates = _audited(database, "ideas", idea.id, "update")
    assert updates[-1].after == {"public_summary": summary["public_summary"]}

    staff = signed_in("staff")
    assert staff.put(url, json=summary, headers=api_headers(staff)).status_code == 403
    assert _signed_out(staff).put(url, json=summary).status_code == 401


def test_an_implemented_idea_of_another_force_is_adopted_once(signed_in: Any, database: Any) -> None:
    _cheshire(database)
    theirs = database(lambda maker: raise_idea(maker, CHESHIRE_STAFF, "Call-back before visit"))
    not_yet = database(lambda maker: raise_idea(maker, CHESHIRE_STAFF, "Still an idea"))
    database(lambda maker: move_along(maker, CHESHIRE_MANAGER, theirs.id, *IMPLEMENTED_PATH))
    ours = database(lambda maker: raise_idea(maker, STAFF, "Our own"))
    database(lambda maker: move_along(maker, MANAGER, ours.id, *IMPLEMENTED_PATH))

    manager = signed_in("manager")
    adopted = manager.post(f"/api/v1/ideas/{theirs.id}/adoptions", headers=api_headers(manager))
    assert adopted.status_code == 201, adopted.text
    body = adopted.json()
    assert body["ref"].startswith("LAN-")
    assert (body["status"], body["adopted_from"], body["title"]) == (
        "submitted",
        theirs.reference,
        "Call-back before visit",
    )
    created = _audited(database, "ideas", body["id"], "create")
    assert len(created) == 1
    assert created[0].after is not None
    assert created[0].after["adopted_from_id"] == str(theirs.id)

    twice = manager.post(f"/api/v1/ideas/{theirs.id}/adoptions", headers=api_headers(manager))
    assert twice.status_code == 409
    assert twice.json()["extra"]["errors"] == {"adopt": "Your division has already adopted this idea"}
    own = manager.post(f"/api/v1/ideas/{ours.id}/adoptions", headers=api_headers(manager))
    assert own.status_code == 409
    assert manager.post(f"/api/v1/ideas/{not_yet.id}/adoptions", headers=api_headers(manager)).status_code == 404
    assert _count(database, Idea.adopted_from_id.is_not(None), of=Idea) == 1

    validator = signed_in("validator")
    assert validator.post(f"/api/v1/ideas/{theirs.id}/adoptions", headers=api_headers(validator)).status_code == 403
    assert _signed_out(validator).post(f"/api/v1/ideas/{theirs.id}/adoptions").status_code == 401


# --- Measures ---------------------------------------------------------------------------------------------


def _metric(client: Any, name: str = "Days to allocate") -> str:
    made = client.post(
        "/api/v1/metrics",
        json={"name": name, "unit": "days", "kind": "time", "direction": "down", "frequency": "daily"},
        headers=api_headers(client),
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_a_manager_unlinks_a_measure_and_the_measure_says_which_ideas_changed_it(signed_in: Any, database: Any) -> None:
    _cheshire(database)
    idea = database(lambda maker: raise_idea(maker, STAFF, "Book exhibits in at the desk"))
    manager = signed_in("manager")
    metric_id = _metric(manager)
    linked = manager.post(
        f"/api/v1/ideas/{idea.id}/metrics",
        json={"metric_id": metric_id, "change_date": "2026-06-01"},
        headers=api_headers(manager),
    )
    assert linked.status_code == 201, linked.text
    link_id = linked.json()["link_id"]
    assert [item["link_id"] for item in manager.get(f"/api/v1/ideas/{idea.id}/impact").json()["metrics"]] == [link_id]
    metric = manager.get(f"/api/v1/metrics/{metric_id}")
    assert metric.status_code == 200
    assert metric.json()["name"] == "Days to allocate"
    assert metric.json()["changes"] == [{"date": "2026-06-01", "ideas": idea.reference}]

    url = f"/api/v1/ideas/{idea.id}/metrics/{link_id}"
    staff = signed_in("staff")
    assert staff.delete(url, headers=api_headers(staff)).status_code == 403
    assert staff.get(f"/api/v1/metrics/{metric_id}").status_code == 200  # staff see their division's measures
    cheshire = _sign_in(staff, CHESHIRE_MANAGER)
    assert cheshire.delete(url, headers=api_headers(cheshire)).status_code == 404
    assert cheshire.get(f"/api/v1/metrics/{metric_id}").status_code == 404

    manager = signed_in("manager")
    unlinked = manager.delete(url, headers=api_headers(manager))
    assert unlinked.status_code == 204, unlinked.text
    assert manager.get(f"/api/v1/ideas/{idea.id}/impact").json()["metrics"] == []
    assert manager.get(f"/api/v1/metrics/{metric_id}").json()["changes"] == []
    assert len(_audited(database, "idea_metrics", link_id, "delete")) == 1
    assert _count(database, IdeaMetric.id == uuid.UUID(link_id), of=IdeaMetric) == 0
    assert manager.delete(url, headers=api_headers(manager)).status_code == 404  # gone
    assert manager.get(f"/api/v1/metrics/{uuid.uuid4()}").status_code == 404
    assert _signed_out(manager).get(f"/api/v1/metrics/{metric_id}").status_code == 401


def test_frontline_staff_read_and_enter_their_divisions_backlog_counts(signed_in: Any, database: Any) -> None:
    # The app's clock is the real one, and staff may enter today's and yesterday's counts only.
    day = datetime.datetime.now(LONDON).date()
    today_text, earlier_text = day.isoformat(), (day - datetime.timedelta(days=2)).isoformat()

    async def backlogs(maker: Any) -> tuple[str, str]:
        async with maker() as session:
            ours = await add_backlog(session, "LAN", "NORTH", "Pending incidents", {earlier_text: "40"})
            west = await add_backlog(session, "LAN", "WEST", "West's pending", {})
            await session.commit()
            return str(ours.id), str(west.id)

    ours, west = database(backlogs)
    staff = signed_in("staff")
    listed = staff.get("/api/v1/backlogs", params={"date": today_text})
    assert listed.status_code == 200, listed.text
    (line,) = listed.json()
    assert (line["metric"]["id"], line["value"]) == (ours, None)
    assert line["previous"] == {"date": earlier_text, "value": 40.0}
    assert staff.get("/api/v1/backlogs", params={"date": "2099-01-01"}).status_code == 400

    refused = staff.post(
        "/api/v1/backlogs",
        json={"date": today_text, "counts": [{"metric_id": ours, "value": -3}]},
        headers=api_headers(staff),
    )
    assert refused.status_code == 409  # a count takes no negative number
    assert list(refused.json()["extra"]["errors"]) == ["counts[0].value"]
    not_ours = staff.post(
        "/api/v1/backlogs",
        json={"date": today_text, "counts": [{"metric_id": west, "value": 3}]},
        headers=api_headers(staff),
    )
    assert not_ours.status_code == 409
    assert list(not_ours.json()["extra"]["errors"]) == ["counts[0].metric_id"]
    wrong = staff.post(
        "/api/v1/backlogs",
        json={"date": "1999-01-01", "counts": [{"metric_id": ours, "value": "many"}]},
        headers=api_headers(staff),
    )
    assert wrong.status_code == 422
    assert set(wrong.json()["extra"]["errors"]) == {"date", "counts[0].value"}
    assert _count(database, Reading.metric_id == uuid.UUID(ours), of=Reading) == 1  # nothing written
    audited_before = len(_audited_readings(database, ours))

    today = signed_in("staff").get("/api/v1/backlogs").json()[0]
    counts = {"date": today_text, "counts": [{"metric_id": ours, "value": 37}]}
    entered = staff.post("/api/v1/backlogs", json=counts, headers=api_headers(staff))
    assert entered.status_code == 200, entered.text
    assert entered.json() == {"written": 1, "readings": 1}
    assert staff.post("/api/v1/backlogs", json=counts, headers=api_headers(staff)).json() == {
        "written": 0,
        "readings": 1,
    }
    assert staff.get("/api/v1/backlogs", params={"date": today_text}).json()[0]["value"] == 37.0
    assert today["metric"]["id"] == ours
    reading_rows = _count(database, Reading.metric_id == uuid.UUID(ours), of=Reading)
    assert reading_rows == 2
    assert len(_audited_readings(database, ours)) == audited_before + 1  # the one count written

    validator = signed_in("validator")
    assert validator.get("/api/v1/backlogs").status_code == 403
    assert validator.post("/api/v1/backlogs", json=counts, headers=api_headers(validator)).status_code == 403
    assert _signed_out(validator).get("/api/v1/backlogs").status_code == 401


def _audited_readings(database: Any, metric_id: str) -> list[AuditEntry]:
    async def read(maker: Any) -> list[AuditEntry]:
        async with maker() as session:
            rows = await session.execute(select(AuditEntry).where(AuditEntry.entity == "readings"))
            return [row for row in rows.scalars() if row.after and row.after.get("metric_id") == metric_id]

    return database(read)


# --- Lists: similar ideas, triage, my ideas ---------------------------------------------------------------


def test_similar_ideas_come_from_ones_own_force(signed_in: Any, database: Any) -> None:
    _cheshire(database)
    ours = database(lambda maker: raise_idea(maker, STAFF, "Scan exhibits at the front desk"))
    database(lambda maker: raise_idea(maker, CHESHIRE_STAFF, "Scan exhibits at the custody desk"))
    manager = signed_in("manager")
    found = manager.get("/api/v1/ideas/similar", params={"title": "exhibits front desk"})
    assert found.status_code == 200
    assert [idea["ref"] for idea in found.json()] == [ours.reference]
    assert found.json()[0]["supported"] is False
    assert found.headers["x-total-count"] == "1"
    assert manager.get("/api/v1/ideas/similar", params={"title": "x" * 201}).status_code == 400
    cheshire = _sign_in(manager, CHESHIRE_MANAGER)
    assert ours.reference not in {idea["ref"] for idea in cheshire.get("/api/v1/ideas/similar?title=exhibits").json()}
    assert _signed_out(cheshire).get("/api/v1/ideas/similar?title=exhibits").status_code == 401


def test_the_triage_list_and_my_ideas(signed_in: Any, database: Any) -> None:
    database(lambda maker: add_colleague(maker, WEST_MANAGER, "LAN", "WEST", role="manager", signs_in=True))
    first = database(lambda maker: raise_idea(maker, STAFF, "Shorter briefings"))
    second = database(lambda maker: raise_idea(maker, STAFF, "Call-back before visit"))
    reviewed = database(lambda maker: raise_idea(maker, MANAGER, "Manager's own idea"))
    database(lambda maker: move_along(maker, MANAGER, reviewed.id, "under_review"))

    manager = signed_in("manager")
    triage = manager.get("/api/v1/triage", params={"per_page": 2})
    assert triage.status_code == 200, triage.text
    body = triage.json()
    groups = {group["status"]: group for group in body["groups"]}
    assert (groups["submitted"]["total"], groups["under_review"]["total"]) == (2, 1)
    assert [idea["ref"] for idea in groups["submitted"]["ideas"]] == [first.reference, second.reference]
    assert groups["under_review"]["ideas"] == []  # on the second page
    assert (body["total"], body["page"], body["per_page"], body["pages"], body["has_next"]) == (3, 1, 2, 2, True)
    assert triage.headers["x-total-count"] == "3"
    assert 'rel="next"' in triage.headers["link"]
    assert body["first_response_days"] > 0
    second_page = manager.get("/api/v1/triage", params={"per_page": 2, "page": 2}).json()
    assert [idea["ref"] for group in second_page["groups"] for idea in group["ideas"]] == [reviewed.reference]

    mine = manager.get("/api/v1/me/ideas")
    assert [idea["ref"] for idea in mine.json()] == [reviewed.reference]
    latest = mine.json()[0]
    assert (latest["status"], latest["latest_kind"], latest["latest_body"]) == (
        "under_review",
        "status_changed",
        "Recorded by a test",
    )

    staff = signed_in("staff")
    assert staff.get("/api/v1/triage").status_code == 403
    theirs = staff.get("/api/v1/me/ideas", params={"per_page": 1})
    assert [idea["ref"] for idea in theirs.json()] == [second.reference]  # the latest first
    assert theirs.headers["x-total-count"] == "2"

    west = _sign_in(staff, WEST_MANAGER)
    elsewhere = west.get("/api/v1/triage").json()
    assert elsewhere["total"] == 0
    assert all(group["ideas"] == [] for group in elsewhere["groups"])
    assert _signed_out(west).get("/api/v1/triage").status_code == 401
