"""Managing users and one's own API tokens through the JSON API: the users pages' rules (a force's
headquarters its own force's people, an administrator everyone), answered as JSON, and audited alike."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from quest.accounts.models import ApiToken, User
from quest.accounts.roles import Role
from quest.org.models import Force
from tests.helpers import DEMO_EMAILS, audit_entries, sign_in, user_id
from tests.integration.test_capture_api import api, division_id  # noqa: F401  (api: the callers' fixture)

NEW_USER = {
    "email": "Jo.Bloggs@Lancashire.example",
    "display_name": "PC Jo Bloggs",
    "role": "staff",
    "password": "temporary password for jo",
}


def count_users(database: Any) -> int:
    async def count(session_maker: Any) -> int:
        async with session_maker() as session:
            return int((await session.execute(select(func.count(User.id)))).scalar_one())

    return database(count)


CHESHIRE_HQ = "hq@cheshire.example"


@pytest.fixture
def cheshire_hq(demo: Any, database: Any) -> str:
    """Cheshire's headquarters (the quick demo has people in Lancashire alone): a user of another force."""

    async def add(session_maker: Any) -> str:
        async with session_maker() as session:
            cheshire = (await session.execute(select(Force.id).where(Force.code == "CHE"))).scalar_one()
            user = User(
                email=CHESHIRE_HQ,
                display_name="Superintendent Ann Hale",
                role=Role.FORCE_HQ,
                force_id=cheshire,
                is_active=True,
                must_change_password=False,
            )
            session.add(user)
            await session.commit()
            return str(user.id)

    return database(add)


def id_of(database: Any, role: str) -> str:
    return str(database(lambda maker: user_id(maker, DEMO_EMAILS.get(role, role))))


def test_headquarters_lists_its_own_forces_people_with_the_pages_filters(
    api: Any,  # noqa: F811
    client: Any,
    cheshire_hq: str,
) -> None:
    headquarters = api("force_hq")
    listed = headquarters.get("/api/v1/users", params={"per_page": 500})
    assert listed.status_code == 200
    people = listed.json()
    assert people
    assert {person["force"]["code"] for person in people} == {"LAN"}
    assert int(listed.headers["X-Total-Count"]) == len(people)
    sam = next(person for person in people if person["email"] == DEMO_EMAILS["staff"])
    assert sam["display_name"] == "PC Sam Taylor"
    assert sam["role"] == "staff"
    assert sam["division"]["code"] == "NORTH"
    assert sam["is_active"] is True
    assert DEMO_EMAILS["admin"] not in {person["email"] for person in people}

    managers = headquarters.get("/api/v1/users", params={"role": "manager", "per_page": 500}).json()
    assert managers
    assert {person["role"] for person in managers} == {"manager"}
    found = headquarters.get("/api/v1/users", params={"q": "sam tay"}).json()
    assert [person["email"] for person in found] == [DEMO_EMAILS["staff"]]
    assert headquarters.get("/api/v1/users", params={"status": "deactivated"}).json() == []
    first = headquarters.get("/api/v1/users", params={"per_page": 1})
    assert len(first.json()) == 1
    assert 'rel="next"' in first.headers["Link"]
    assert first.headers["X-Total-Count"] == str(len(people))

    everyone = api("admin").get("/api/v1/users", params={"per_page": 10_000}).json()
    assert {"LAN", "CHE"} <= {person["force"]["code"] for person in everyone if person["force"]}
    assert DEMO_EMAILS["admin"] in {person["email"] for person in everyone}

    assert headquarters.get("/api/v1/users", params={"role": "chief"}).status_code == 400
    assert headquarters.get("/api/v1/users", params={"status": "asleep"}).status_code == 400
    for role in ("staff", "manager", "validator", "national"):
        refused = api(role).get("/api/v1/users")
        assert refused.status_code == 403, role
        assert refused.json()["status_code"] == 403
    assert client.get("/api/v1/users").status_code == 401


def test_a_user_is_read_within_reach_and_no_further(api: Any, database: Any, cheshire_hq: str) -> None:  # noqa: F811
    staff_id = id_of(database, "staff")
    read = api("force_hq").get(f"/api/v1/users/{staff_id}")
    assert read.status_code == 200
    assert read.json()["id"] == staff_id
    assert read.json()["email"] == DEMO_EMAILS["staff"]
    assert api("staff").get(f"/api/v1/users/{staff_id}").json()["display_name"] == "PC Sam Taylor"  # oneself

    elsewhere = cheshire_hq
    assert api("admin").get(f"/api/v1/users/{elsewhere}").status_code == 200
    assert api("force_hq").get(f"/api/v1/users/{elsewhere}").status_code == 404
    assert api("force_hq").get(f"/api/v1/users/{id_of(database, 'admin')}").status_code == 404
    assert api("manager").get(f"/api/v1/users/{staff_id}").status_code == 404
    assert api("force_hq").get("/api/v1/users/0190f6a4-5b3c-7d2e-9f10-2a3b4c5d6e7f").status_code == 404


def test_headquarters_makes_a_user_who_signs_in_with_the_first_password(
    api: Any,  # noqa: F811
    client: Any,
    database: Any,
) -> None:
    headquarters = api("force_hq")
    west = division_id(headquarters, "WEST")
    made = headquarters.post("/api/v1/users", json=NEW_USER | {"division_id": west})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["email"] == "jo.bloggs@lancashire.example"
    assert body["role"] == "staff"
    assert body["force"]["code"] == "LAN"
    assert body["division"] == {"id": west, "code": "WEST", "name": body["division"]["name"]}
    assert body["must_change_password"] is True
    assert headquarters.get(f"/api/v1/users/{body['id']}").json() == body

    [entry] = [entry for entry in audit_entries(database, "users", "create") if entry.entity_id == body["id"]]
    assert entry.actor_label == DEMO_EMAILS["force_hq"]
    assert entry.after is not None
    assert entry.after["display_name"] == "PC Jo Bloggs"
    assert NEW_USER["password"] not in str(entry.after)

    signed_in = sign_in(client, "JO.BLOGGS@lancashire.example", password=NEW_USER["password"])
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/account/password"


def test_a_new_user_is_refused_field_by_field_and_nothing_is_written(api: Any, database: Any) -> None:  # noqa: F811
    headquarters = api("force_hq")
    before = count_users(database)
    audited = len(audit_entries(database, "users", "create"))

    empty = headquarters.post("/api/v1/users", json={})
    assert empty.status_code == 422
    assert set(empty.json()["extra"]["errors"]) >= {"email", "display_name", "role"}

    wrong = headquarters.post(
        "/api/v1/users",
        json=NEW_USER | {"email": "not an address", "role": "admin", "password": "short"},
    )
    assert wrong.status_code == 422
    errors = wrong.json()["extra"]["errors"]
    assert errors["email"].startswith("Enter an email address")
    assert errors["role"] == "You cannot give someone this role"
    assert "password" in errors

    chester = division_id(headquarters, "EAST", force="CHE")
    elsewhere = headquarters.post("/api/v1/users", json=NEW_USER | {"division_id": chester})
    assert elsewhere.status_code == 422
    assert elsewhere.json()["extra"]["errors"] == {"division_id": "Select the person's division"}

    taken = headquarters.post(
        "/api/v1/users",
        json=NEW_USER | {"email": DEMO_EMAILS["manager"], "division_id": division_id(headquarters, "WEST")},
    )
    assert taken.json()["extra"]["errors"] == {"email": "There is already a user with this email address"}

    misspelt = headquarters.post("/api/v1/users", json=NEW_USER | {"divison_id": ""})
    assert misspelt.status_code == 422
    assert "divison_id" in misspelt.json()["extra"]["errors"]

    assert api("manager").post("/api/v1/users", json=NEW_USER).status_code == 403
    assert count_users(database) == before
    assert len(audit_entries(database, "users", "create")) == audited


def test_headquarters_changes_a_users_name_role_and_place_audited(
    api: Any,  # noqa: F811
    database: Any,
    cheshire_hq: str,
) -> None:
    headquarters = api("force_hq")
    staff_id = id_of(database, "staff")
    west = division_id(headquarters, "WEST")
    changed = headquarters.put(
        f"/api/v1/users/{staff_id}",
        json={"display_name": "Sergeant Sam Taylor", "role": "manager", "division_id": west},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["display_name"] == "Sergeant Sam Taylor"
    assert changed.json()["role"] == "manager"
    assert changed.json()["division"]["code"] == "WEST"

    [entry] = audit_entries(database, "users", "update")
    assert entry.entity_id == staff_id
    assert entry.actor_label == DEMO_EMAILS["force_hq"]
    assert entry.before is not None
    assert entry.before["display_name"] == "PC Sam Taylor"
    assert entry.after is not None
    assert entry.after["display_name"] == "Sergeant Sam Taylor"
    assert entry.after["role"] == "manager"

    blank = headquarters.put(f"/api/v1/users/{staff_id}", json={"display_name": " ", "role": "staff"})
    assert blank.status_code == 422
    assert set(blank.json()["extra"]["errors"]) == {"display_name", "division_id"}
    own = headquarters.put(
        f"/api/v1/users/{id_of(database, 'force_hq')}", json={"display_name": "Mark", "role": "validator"}
    )
    assert own.status_code == 422
    assert own.json()["extra"]["errors"] == {"role": "You cannot change your own role"}

    elsewhere = cheshire_hq
    body = {"display_name": "Taken over", "role": "force_hq"}
    assert headquarters.put(f"/api/v1/users/{elsewhere}", json=body).status_code == 404
    assert api("manager").put(f"/api/v1/users/{staff_id}", json=body).status_code == 404
    assert len(audit_entries(database, "users", "update")) == 1


def test_deactivating_ends_a_users_tokens_and_reactivating_lets_them_back(
    api: Any,  # noqa: F811
    database: Any,
    cheshire_hq: str,
) -> None:
    staff = api("staff")
    assert staff.get("/api/v1/me").status_code == 200
    headquarters = api("force_hq")
    staff_id = id_of(database, "staff")

    gone = headquarters.post(f"/api/v1/users/{staff_id}/deactivate")
    assert gone.status_code == 200, gone.text
    assert gone.json()["is_active"] is False
    assert staff.get("/api/v1/me").status_code == 401
    [entry] = [entry for entry in audit_entries(database, "users", "update") if entry.entity_id == staff_id]
    assert entry.before == {"is_active": True}
    assert entry.after == {"is_active": False}
    assert headquarters.get("/api/v1/users", params={"status": "deactivated"}).json()[0]["id"] == staff_id

    # As on the page: deactivating a deactivated user changes nothing, and is no error.
    again = headquarters.post(f"/api/v1/users/{staff_id}/deactivate")
    assert again.status_code == 200
    assert len([entry for entry in audit_entries(database, "users", "update") if entry.entity_id == staff_id]) == 1

    back = headquarters.post(f"/api/v1/users/{staff_id}/reactivate")
    assert back.status_code == 200
    assert back.json()["is_active"] is True

    oneself = headquarters.post(f"/api/v1/users/{id_of(database, 'force_hq')}/deactivate")
    assert oneself.status_code == 409
    assert oneself.json()["detail"] == "You cannot deactivate your own account"
    elsewhere = cheshire_hq
    assert headquarters.post(f"/api/v1/users/{elsewhere}/deactivate").status_code == 404
    assert api("validator").post(f"/api/v1/users/{staff_id}/deactivate").status_code == 404


def test_a_token_made_through_the_api_is_shown_once_and_works(api: Any, client: Any, database: Any) -> None:  # noqa: F811
    staff = api("staff")
    made = staff.post("/api/v1/me/tokens", json={"label": "  Nightly upload "})
    assert made.status_code == 201, made.text
    assert made.headers["Cache-Control"] == "no-store"
    body = made.json()
    assert body["token"]["label"] == "Nightly upload"
    assert body["secret"].startswith(body["token"]["prefix"])
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['secret']}"})
    assert me.json()["email"] == DEMO_EMAILS["staff"]
    listed = staff.get("/api/v1/me/tokens").json()
    assert body["token"]["id"] in {token["id"] for token in listed}
    assert "secret" not in listed[0]

    [entry] = [
        entry for entry in audit_entries(database, "api_tokens", "create") if entry.entity_id == body["token"]["id"]
    ]
    assert entry.actor_label == DEMO_EMAILS["staff"]
    assert entry.after is not None
    assert body["secret"] not in str(entry.after)

    async def tokens(session_maker: Any) -> int:
        async with session_maker() as session:
            return int((await session.execute(select(func.count(ApiToken.id)))).scalar_one())

    before = database(tokens)
    blank = staff.post("/api/v1/me/tokens", json={"label": "   "})
    assert blank.status_code == 422
    assert list(blank.json()["extra"]["errors"]) == ["label"]
    long = staff.post("/api/v1/me/tokens", json={"label": "x" * 81})
    assert long.status_code == 422
    assert long.json()["extra"]["errors"]["label"] == "Name must be 80 characters or fewer"
    assert client.post("/api/v1/me/tokens", json={"label": "no one"}).status_code == 401
    assert database(tokens) == before
