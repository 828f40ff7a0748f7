"""Managing users (force headquarters in its own force, administrators everywhere), one's own account
and API tokens, and the command line's ``quest users create`` and ``quest tokens create``."""

from __future__ import annotations

import html
import re
from typing import Any

from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import func, select

from quest.accounts.models import ApiToken, User
from quest.audit.models import AuditEntry
from quest.cli import main
from quest.config import Settings
from quest.org.models import Division, Force
from tests.helpers import DEMO_EMAILS, Argon2Calls, People, csrf_token, new_token, post_form, sign_in, sign_in_as

Client = TestClient[Any]
NEW_PASSWORD = "kettle orbit granite lantern"


async def division_id(session_maker: Any, force_code: str, division_code: str) -> str:
    async with session_maker() as session:
        found = (
            await session.execute(
                select(Division.id).join(Force).where(Force.code == force_code, Division.code == division_code)
            )
        ).scalar_one()
        return str(found)


async def count_users(session_maker: Any) -> int:
    async with session_maker() as session:
        return int((await session.execute(select(func.count(User.id)))).scalar_one())


def add_user(client: Client, **fields: str) -> Any:
    data = {"email": "", "display_name": "", "role": "", "force_id": "", "division_id": "", "password": ""} | fields
    return post_form(client, "/users/new", data, follow_redirects=False)


def test_force_hq_adds_a_colleague_who_must_choose_a_password(signed_in: Any, database: Any) -> None:
    client = signed_in("force_hq")
    west = database(lambda maker: division_id(maker, "LAN", "WEST"))
    response = add_user(
        client,
        email="Jo.Bloggs@Lancashire.example",
        display_name="PC Jo Bloggs",
        role="staff",
        division_id=west,
        password="temporary password for jo",
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "PC Jo Bloggs can now sign in" in page
    assert "jo.bloggs@lancashire.example" in page  # one case, whatever was typed

    sign_in(client, "JO.BLOGGS@lancashire.example", password="temporary password for jo")
    assert client.get("/forces", follow_redirects=False).headers["location"] == "/account/password"
    assert "Choose your own password" in client.get("/account/password").text
    changed = post_form(
        client,
        "/account/password",
        {"current_password": "temporary password for jo", "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert client.get("/forces").status_code == 200


def test_force_hq_cannot_grant_national_or_admin_or_reach_another_force(signed_in: Any, database: Any) -> None:
    client = signed_in("force_hq")
    form = client.get("/users/new").text
    assert 'value="staff"' in form
    assert 'value="national"' not in form
    assert 'value="admin"' not in form
    before = database(count_users)
    for role in ("national", "admin"):
        refused = add_user(client, email=f"{role}@x.example", display_name="Someone", role=role, password=NEW_PASSWORD)
        assert refused.status_code == 422
        assert "You cannot give someone this role" in refused.text
    cheshire = database(lambda maker: division_id(maker, "CHE", "EAST"))
    elsewhere = add_user(
        client, email="x@x.example", display_name="Someone", role="staff", division_id=cheshire, password=NEW_PASSWORD
    )
    assert elsewhere.status_code == 422
    assert "Select the person's division" in html.unescape(elsewhere.text)
    assert database(count_users) == before


def test_admin_places_people_anywhere_with_any_role(signed_in: Any, database: Any) -> None:
    client = signed_in("admin")
    assert (
        add_user(
            client, email="n2@quest.example", display_name="National analyst", role="national", password=NEW_PASSWORD
        ).status_code
        == 303
    )
    cheshire = database(lambda maker: division_id(maker, "CHE", "EAST"))
    assert (
        add_user(
            client,
            email="che@cheshire.example",
            display_name="PC Cheshire",
            role="manager",
            division_id=cheshire,
            password=NEW_PASSWORD,
        ).status_code
        == 303
    )


def test_bad_input_gets_an_error_beside_each_field_and_writes_nothing(signed_in: Any, database: Any) -> None:
    client = signed_in("force_hq")
    before = database(count_users)
    response = add_user(client, email="not an email", display_name="", role="", password="short")
    assert response.status_code == 422
    body = response.text
    assert "There is a problem" in body
    for field, message in (
        ("email", "Enter an email address in the correct format"),
        ("display_name", "Enter the person"),
        ("role", "Select a role"),
        ("password", "Password must be 12 characters or more"),
    ):
        assert f'href="#{field}">{message}' in body, field
    assert 'value="not an email"' in body
    assert "short" not in re.sub(r"<[^>]+>", "", body.split("Password must")[0])  # the password is not echoed
    duplicate = add_user(
        client, email="STAFF@lancashire.example", display_name="Copy", role="validator", password=NEW_PASSWORD
    )
    assert "There is already a user with this email address" in duplicate.text
    assert database(count_users) == before


def test_deactivating_someone_ends_their_sessions_and_tokens_at_once(app: Any, demo: Any, database: Any) -> None:
    staff_token = database(lambda maker: new_token(maker, DEMO_EMAILS["staff"]))
    staff_id = database(lambda maker: _user_id(maker, DEMO_EMAILS["staff"]))
    with TestClient(app) as client:
        person = People(client)
        sign_in_as(person("staff"), "staff")
        assert client.get("/forces").status_code == 200
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {staff_token}"}).status_code == 200

        sign_in_as(person("headquarters"), "force_hq")
        done = post_form(client, f"/users/{staff_id}/deactivate", follow_redirects=False)
        assert done.status_code == 303
        assert "Their sessions and API tokens have ended" in client.get(done.headers["location"]).text

        person("staff")
        assert client.get("/forces", follow_redirects=False).status_code == 303
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {staff_token}"}).status_code == 401
        assert sign_in(client, DEMO_EMAILS["staff"]).status_code == 422

        post_form(person("headquarters"), f"/users/{staff_id}/reactivate")
        assert sign_in(person("staff"), DEMO_EMAILS["staff"]).status_code == 303


def test_nobody_deactivates_themselves(signed_in: Any, database: Any) -> None:
    client = signed_in("force_hq")
    own_id = database(lambda maker: _user_id(maker, DEMO_EMAILS["force_hq"]))
    response = post_form(client, f"/users/{own_id}/deactivate")
    assert "You cannot deactivate your own account" in response.text
    assert client.get("/account").status_code == 200


def test_changing_ones_password_ends_ones_other_sessions(app: Any, demo: Any) -> None:
    with TestClient(app) as client:
        device = People(client)
        sign_in_as(device("laptop"), "staff")
        sign_in_as(device("phone"), "staff")
        response = post_form(
            device("laptop"),
            "/account/password",
            {"current_password": "quest-demo-password", "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
        )
        assert "Your password has been changed" in response.text
        assert client.get("/forces").status_code == 200
        assert device("phone").get("/forces", follow_redirects=False).status_code == 303
        assert sign_in(client, DEMO_EMAILS["staff"], password=NEW_PASSWORD).status_code == 303


def test_password_change_errors(signed_in: Any) -> None:
    client = signed_in("staff")
    response = post_form(
        client, "/account/password", {"current_password": "wrong", "new_password": "password1234", "confirmation": "x"}
    )
    assert response.status_code == 422
    assert "Your current password is not right" in response.text
    assert "Choose a password that is harder to guess" in response.text


def test_tokens_are_shown_once_listed_by_prefix_and_revocable(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    made = post_form(client, "/account/tokens", {"label": "Weekly backlog import"})
    assert made.headers["cache-control"] == "no-store"
    secret = re.search(r'id="new-token">(qst_[^<]+)<', made.text)
    assert secret is not None
    token = secret.group(1)
    account = client.get("/account").text
    assert "Weekly backlog import" in account
    assert token[:10] in account
    assert token not in account  # never shown again

    async def stored(session_maker: Any) -> list[str]:
        async with session_maker() as session:
            return list((await session.execute(select(ApiToken.token_hash))).scalars())

    assert all(token not in value for value in database(stored))
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == DEMO_EMAILS["manager"]
    assert me.json()["authenticated_by"] == "token"

    token_id = client.get("/api/v1/me/tokens").json()[0]["id"]
    post_form(client, f"/account/tokens/{token_id}/revoke")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "You have no API tokens" in client.get("/account").text


def test_someone_elses_token_cannot_be_revoked(app: Any, demo: Any, database: Any) -> None:
    database(lambda maker: new_token(maker, DEMO_EMAILS["staff"]))
    with TestClient(app) as client:
        person = People(client)
        sign_in_as(person("staff"), "staff")
        token_id = client.get("/api/v1/me/tokens").json()[0]["id"]
        sign_in_as(person("manager"), "manager")
        response = client.delete(f"/api/v1/me/tokens/{token_id}", headers={"X-CSRFToken": csrf_token(client)})
        assert response.status_code == 404
        assert len(person("staff").get("/api/v1/me/tokens").json()) == 1


def test_me_describes_the_signed_in_user(signed_in: Any) -> None:
    client = signed_in("staff")
    me = client.get("/api/v1/me").json()
    assert me["email"] == DEMO_EMAILS["staff"]
    assert me["role"] == "staff"
    assert me["force"]["code"] == "LAN"
    assert me["division"]["code"] == "NORTH"
    assert me["authenticated_by"] == "session"


def test_user_changes_are_audited_by_whom(signed_in: Any, database: Any) -> None:
    client = signed_in("force_hq")
    staff_id = database(lambda maker: _user_id(maker, DEMO_EMAILS["staff"]))
    north = database(lambda maker: division_id(maker, "LAN", "NORTH"))
    post_form(
        client, f"/users/{staff_id}/edit", {"display_name": "PC Samantha Taylor", "role": "staff", "division_id": north}
    )

    async def rows(session_maker: Any) -> list[AuditEntry]:
        async with session_maker() as session:
            return list(
                (
                    await session.execute(
                        select(AuditEntry).where(AuditEntry.action == "update", AuditEntry.entity == "users")
                    )
                ).scalars()
            )

    [entry] = database(rows)
    assert entry.actor_label == DEMO_EMAILS["force_hq"]
    assert entry.before == {"display_name": "PC Sam Taylor"}
    assert entry.after == {"display_name": "PC Samantha Taylor"}
    assert entry.request_id is not None
    page = client.get("/audit", params={"actor": "hq@"}).text
    assert "PC Samantha Taylor" in page


def test_cli_creates_users_and_tokens(settings: Settings, demo: Any, monkeypatch: Any, app: Any) -> None:
    monkeypatch.setenv("QUEST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("QUEST_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    created = runner.invoke(
        main,
        [
            "users",
            "create",
            "--email",
            "Analyst@Quest.example",
            "--name",
            "Ana Lyst",
            "--role",
            "national",
            "--password-stdin",
        ],
        input=NEW_PASSWORD + "\n",
    )
    assert created.exit_code == 0, created.output
    assert "Created national analyst@quest.example" in created.output

    refused = runner.invoke(
        main,
        [
            "users",
            "create",
            "--email",
            "bad",
            "--name",
            "X",
            "--role",
            "staff",
            "--force",
            "LAN",
            "--division",
            "NOPE",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert refused.exit_code == 1
    assert "Error: email: Enter an email address in the correct format" in refused.output
    assert "Error: --division: LAN has no division with the code 'NOPE'" in refused.output
    assert "Error: password: Password must be 12 characters or more" in refused.output

    token = runner.invoke(main, ["tokens", "create", "--email", "analyst@quest.example", "--label", "Dashboards"])
    assert token.exit_code == 0, token.output
    secret = token.output.splitlines()[0]
    assert secret.startswith("qst_")
    with TestClient(app) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert me.json()["role"] == "national"
        assert sign_in(client, "analyst@quest.example", password=NEW_PASSWORD).headers["location"] == "/"

    unknown = runner.invoke(main, ["tokens", "create", "--email", "nobody@quest.example"])
    assert unknown.exit_code == 1
    assert "no active user" in unknown.output


async def _user_id(session_maker: Any, email: str) -> str:
    async with session_maker() as session:
        return str((await session.execute(select(User.id).where(User.email == email))).scalar_one())


def test_the_audit_trail_filters_by_who_what_and_when(signed_in: Any) -> None:
    client = signed_in("admin")
    everything = client.get("/audit").text
    assert "quest demo" in everything
    assert "signed in" in everything
    only_users = client.get("/audit", params={"entity": "users"}).text.split('id="audit-entries"')[1]
    assert "force_profiles" not in only_users
    assert "users" in only_users
    assert "quest demo" in client.get("/audit", params={"actor": "demo"}).text
    assert "No entries match" in client.get("/audit", params={"actor": "nobody-at-all"}).text
    assert "No entries match" in client.get("/audit", params={"date_to": "2020-01-01"}).text
    assert "No entries match" not in client.get("/audit", params={"date_from": "2020-01-01"}).text
    bad = client.get("/audit", params={"date_from": "31/02/2026"})
    assert bad.status_code == 422
    assert "must be a real date" in bad.text
    fragment = client.get("/audit", params={"entity": "users"}, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="audit-entries"')


def test_a_force_hq_reads_only_its_own_forces_trail(signed_in: Any) -> None:
    client = signed_in("force_hq")
    page = client.get("/audit", params={"entity": "forces"}).text
    assert page.count('<tr class="govuk-table__row">') == 1 + 1  # the header row and Lancashire's own
    assert "1 entry" in page


def test_an_oversized_request_is_refused(signed_in: Any) -> None:
    client = signed_in("staff")
    response = client.post(
        "/account/tokens",
        content=b"label=" + b"x" * (11 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf_token(client)},
    )
    assert response.status_code == 413


def test_new_users_and_password_changes_hash_off_the_event_loop(
    signed_in: Any, database: Any, monkeypatch: Any
) -> None:
    client = signed_in("force_hq")
    west = database(lambda maker: division_id(maker, "LAN", "WEST"))
    argon2 = Argon2Calls.install(monkeypatch)
    added = add_user(
        client,
        email="sam.jones@lancashire.example",
        display_name="PC Sam Jones",
        role="staff",
        division_id=west,
        password="temporary password for a new starter",
    )
    assert added.status_code == 303
    changed = post_form(
        client,
        "/account/password",
        {"current_password": "quest-demo-password", "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    )
    assert "Your password has been changed" in changed.text
    assert [what for what, _on_event_loop in argon2.calls] == ["hash", "verify", "hash"]
    assert argon2.on_the_event_loop == []


def test_a_new_users_password_may_not_be_their_email_or_contain_their_name(signed_in: Any, database: Any) -> None:
    client = signed_in("force_hq")
    west = database(lambda maker: division_id(maker, "LAN", "WEST"))
    person = {"display_name": "PC Robin Fairweather", "role": "staff", "division_id": west}
    as_email = add_user(
        client, email="robin.fairweather@lancashire.example", password="Robin.Fairweather@Lancashire.example", **person
    )
    assert as_email.status_code == 422
    assert "Do not use your email address as your password" in as_email.text
    with_name = add_user(
        client, email="robin.fairweather@lancashire.example", password="purple fairweather cobalt violin", **person
    )
    assert with_name.status_code == 422
    assert "Do not use your name or email address in your password" in html.unescape(with_name.text)
    fine = add_user(client, email="robin.fairweather@lancashire.example", password=NEW_PASSWORD, **person)
    assert fine.status_code == 303


def test_a_new_password_may_not_contain_ones_name(signed_in: Any) -> None:
    client = signed_in("staff")  # PC Sam Taylor
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": "quest-demo-password",
            "new_password": "purple Taylor cobalt violin",
            "confirmation": "purple Taylor cobalt violin",
        },
    )
    assert response.status_code == 422
    assert "Do not use your name or email address in your password" in html.unescape(response.text)


def test_the_command_line_refuses_a_password_with_the_persons_name(
    settings: Settings, demo: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("QUEST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("QUEST_DATABASE_URL", settings.database_url)
    arguments = ["users", "create", "--email", "ana.lyst@quest.example", "--name", "Ana Lyst", "--role", "national"]
    refused = CliRunner().invoke(main, [*arguments, "--password-stdin"], input="purple analyst cobalt violin\n")
    assert refused.exit_code == 1
    assert "Error: password: Do not use your name or email address in your password" in refused.output
    refused = CliRunner().invoke(main, [*arguments, "--password-stdin"], input="ana.lyst@quest.example\n")
    assert refused.exit_code == 1
    assert "Error: password: Do not use your email address as your password" in refused.output
