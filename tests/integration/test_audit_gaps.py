"""The audit trail leaves nothing out (issue 10, item 10): comments, support given and taken back, follows,
and refused access (a 403, and a 404 for a record that exists in another force) each leave an entry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from quest.audit.models import AuditEntry
from tests.helpers import DEMO_EMAILS, add_colleague, api_headers, post_form, raise_idea, user_id

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
CHESHIRE = "pc.cheshire@cheshire.example"


async def entries(session_maker: Any, **where: Any) -> list[AuditEntry]:
    async with session_maker() as session:
        statement = select(AuditEntry).order_by(AuditEntry.occurred_at, AuditEntry.id)
        for column, value in where.items():
            statement = statement.where(getattr(AuditEntry, column) == value)
        return list((await session.execute(statement)).scalars())


def test_comments_support_and_follows_are_audited_with_who_did_them(signed_in: Any, database: Any, demo: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, MANAGER, "Book exhibits in at the front counter"))
    staff = signed_in("staff")
    staff_id = database(lambda maker: user_id(maker, STAFF))
    headers = api_headers(staff)
    base = f"/api/v1/ideas/{idea.id}"

    assert staff.post(f"{base}/comments", json={"body": "We tried this in 2019"}, headers=headers).status_code == 201
    assert staff.post(f"{base}/support", headers=headers).status_code == 200
    assert staff.delete(f"{base}/support", headers=headers).status_code == 200
    assert staff.post(f"{base}/follow", headers=headers).status_code == 200
    assert staff.delete(f"{base}/follow", headers=headers).status_code == 200
    # The HTML form is the same door into the same service.
    assert post_form(staff, f"/ideas/{idea.reference}/support", follow_redirects=False).status_code == 303

    found = database(lambda maker: entries(maker, entity="ideas", entity_id=str(idea.id), actor_id=staff_id))
    assert [entry.action for entry in found] == [
        "commented",
        "supported",
        "support_withdrawn",
        "followed",
        "unfollowed",
        "supported",
    ]
    assert found[0].after is not None
    assert found[0].after["comment"] == "We tried this in 2019"
    assert all(entry.actor_label == STAFF and entry.force_id == idea_force(database, idea.id) for entry in found)
    # Supporting twice changes nothing, and logs nothing.
    assert staff.post(f"{base}/support", headers=headers).status_code == 200
    assert len(database(lambda maker: entries(maker, entity="ideas", actor_id=staff_id, action="supported"))) == 2


def idea_force(database: Any, idea_id: Any) -> Any:
    from quest.ideas.models import Idea

    async def force(maker: Any) -> Any:
        async with maker() as session:
            return (await session.execute(select(Idea.force_id).where(Idea.id == idea_id))).scalar_one()

    return database(force)


def test_another_forces_idea_answers_404_and_the_refusal_is_audited(signed_in: Any, database: Any, demo: Any) -> None:
    database(lambda maker: add_colleague(maker, CHESHIRE, "CHE", "EAST"))
    idea = database(lambda maker: raise_idea(maker, CHESHIRE, "Cheshire's own idea"))
    staff = signed_in("staff")
    staff_id = database(lambda maker: user_id(maker, STAFF))

    assert staff.get(f"/ideas/{idea.reference}").status_code == 404
    assert staff.get(f"/api/v1/ideas/{idea.id}", headers=api_headers(staff)).status_code == 404
    assert post_form(staff, f"/ideas/{idea.reference}/comments", {"body": "Nice"}).status_code == 404

    refused = database(lambda maker: entries(maker, action="access_refused", actor_id=staff_id))
    assert [(entry.entity, entry.entity_id) for entry in refused] == [("ideas", str(idea.id))] * 3
    assert [entry.after["permission"] for entry in refused if entry.after] == ["view_work", "view_work", "view_work"]
    assert refused[0].actor_label == STAFF
    assert refused[1].after is not None
    assert refused[1].after["path"] == f"/api/v1/ideas/{idea.id}"
    # Nothing the refused request tried to do was kept.
    comments = database(lambda maker: entries(maker, action="commented"))
    assert comments == []


def test_a_record_that_does_not_exist_is_no_refused_access(signed_in: Any, database: Any, demo: Any) -> None:
    staff = signed_in("staff")
    assert staff.get("/ideas/LAN-999999").status_code == 404
    assert (
        staff.get("/api/v1/ideas/00000000-0000-7000-8000-000000000000", headers=api_headers(staff)).status_code == 404
    )
    assert database(lambda maker: entries(maker, action="access_refused")) == []


def test_a_403_is_audited_naming_the_user_and_the_permission(signed_in: Any, database: Any, demo: Any) -> None:
    staff = signed_in("staff")
    staff_id = database(lambda maker: user_id(maker, STAFF))
    assert staff.get("/users").status_code == 403

    refused = database(lambda maker: entries(maker, action="access_refused"))
    assert len(refused) == 1
    entry = refused[0]
    assert (entry.actor_id, entry.actor_label, entry.entity, entry.entity_id) == (
        staff_id,
        STAFF,
        "permissions",
        "view_users",
    )
    assert entry.after == {"permission": "view_users", "method": "GET", "path": "/users"}
    assert entry.force_id is not None
