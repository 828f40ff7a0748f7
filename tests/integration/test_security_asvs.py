"""OWASP ASVS level 2 items that no other test file already proves (docs/security.md walks through them
all): session fixation, every cookie's flags, how bodies of the wrong type, methods a route does not take
and malformed Host headers are answered, and what production shows when something breaks.

Each test here fails if its protection is taken away: docs/security.md says which were tried that way.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient
from sqlalchemy import func, select

from quest.app import create_app
from quest.config import Settings
from quest.demo.catalogue import DEMO_PASSWORD
from quest.ideas.models import Idea
from tests.helpers import DEMO_EMAILS, api_headers, csrf_token, new_token, post_form

Client = TestClient[Litestar]
STAFF = DEMO_EMAILS["staff"]
# A JSON idea whose title holds a NUL, written as JSON writes it: the raw body holds no control character.
IDEA_WITH_A_NUL = b'{"title": "Custody\\u0000handover", "problem": "Officers wait.", "proposal": "Change it."}'
SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "strict-transport-security",
)


@pytest.fixture
def production(settings: Settings, demo: Any) -> Iterator[Client]:
    """A browser on QUEST as it runs in production: allowed hosts, Secure cookies, HSTS."""
    settings = dataclasses.replace(settings, env="production", allowed_hosts=("quest.example",))
    with TestClient(create_app(settings), base_url="https://quest.example", raise_server_exceptions=False) as client:
        yield client


def count_ideas(database: Any) -> int:
    async def count(session_maker: Any) -> int:
        async with session_maker() as session:
            return int((await session.execute(select(func.count()).select_from(Idea))).scalar_one())

    return int(database(count))


# V2 Authentication ----------------------------------------------------------------------------------


def test_the_password_field_can_be_pasted_into_filled_by_a_password_manager_and_shown(client: Client) -> None:
    """ASVS 2.1.11 and 2.1.12: nothing stops pasting or password managers; a button shows the password."""
    page = client.get("/sign-in").text
    assert '<form method="post" action="/sign-in"' in page  # ASVS 8.3.1: never in the URL
    field = re.search(r"<input[^>]*\bname=\"password\"[^>]*>", page)
    assert field is not None
    assert 'type="password"' in field.group(0)
    assert 'autocomplete="current-password"' in field.group(0)
    assert "onpaste" not in page
    assert "maxlength" not in field.group(0)
    assert 'data-module="govuk-password-input"' in page
    assert 'aria-label="Show password"' in page


# V3 Session management ------------------------------------------------------------------------------


def test_a_session_id_chosen_by_someone_else_is_never_adopted_at_sign_in(client: Client, demo: Any) -> None:
    """ASVS 3.2.1 (session fixation): a cookie planted before sign-in is replaced, and stays useless."""
    planted = "planted-by-an-attacker-0123456789abcdef0123"
    client.cookies.set("quest_session", planted, domain="testserver.local")
    response = post_form(
        client, "/sign-in", {"email": STAFF, "password": DEMO_PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303
    issued = client.cookies["quest_session"]
    assert issued != planted
    assert len(issued) >= 43  # 32 random bytes, base64url: ASVS 3.2.2 wants 64 bits at least
    assert client.get("/forces").status_code == 200

    client.cookies.set("quest_session", planted, domain="testserver.local")
    assert client.get("/forces", follow_redirects=False).status_code == 303


def test_every_cookie_quest_sets_is_http_only_same_site_lax_and_secure_in_production(production: Client) -> None:
    """ASVS 3.4.1-3.4.3: the session, CSRF and flash cookies, as a browser receives them in production."""
    set_cookies = list(production.get("/sign-in").headers.get_list("set-cookie"))
    response = post_form(
        production,
        "/sign-in",
        {"email": STAFF, "password": DEMO_PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    set_cookies += response.headers.get_list("set-cookie")
    set_cookies += post_form(production, "/sign-out", follow_redirects=False).headers.get_list("set-cookie")
    named = {cookie.split("=", 1)[0]: cookie for cookie in set_cookies}
    assert {"quest_csrf", "quest_session", "quest_flash"} <= set(named)
    for name, cookie in named.items():
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "secure", "samesite=lax", "path=/"} <= attributes, name


# V5 Validation, V13 API: a body is read only as the type it says it is ---------------------------------


def test_an_api_body_that_is_not_json_is_refused_with_415_and_nothing_is_written(
    client: Client, demo: Any, database: Any
) -> None:
    """ASVS 13.2.5; and the text rule (5.1.4) cannot be slipped past by calling JSON something else."""
    token = database(lambda maker: new_token(maker, STAFF))
    for content_type in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
        "multipart/form-data",
        "",
    ):
        headers = {"Authorization": f"Bearer {token}"} | ({"Content-Type": content_type} if content_type else {})
        response = client.post("/api/v1/ideas", content=IDEA_WITH_A_NUL, headers=headers)
        assert response.status_code == 415, content_type
        assert "application/json" in response.json()["detail"]
    assert count_ideas(database) == 0


def test_json_nested_deeply_is_refused_whatever_type_it_claims(client: Client, demo: Any, database: Any) -> None:
    """ASVS 5.5.3 / 13.2.5: never a 500, whatever the Content-Type says."""
    token = database(lambda maker: new_token(maker, STAFF))
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/json"):
        response = client.post(
            "/api/v1/ideas",
            content=b"[" * 100_000 + b"]" * 100_000,
            headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        )
        assert response.status_code in (400, 415), content_type


def test_a_page_refuses_a_body_that_is_neither_a_form_nor_json(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    response = client.post(
        "/ideas/new",
        content=b"title=Custody&problem=Wait&proposal=Change",
        headers={"Content-Type": "text/plain", "X-CSRFToken": csrf_token(client)},
    )
    assert response.status_code == 415
    assert response.headers["content-type"].startswith("text/html")
    assert count_ideas(database) == 0


def test_json_with_its_content_type_is_still_read(client: Client, demo: Any, database: Any) -> None:
    token = database(lambda maker: new_token(maker, STAFF))
    body = b'{"title": "Custody handover", "problem": "Officers wait.", "proposal": "Change it."}'
    for content_type in ("application/json", "application/json; charset=utf-8"):
        response = client.post(
            "/api/v1/ideas", content=body, headers={"Authorization": f"Bearer {token}", "Content-Type": content_type}
        )
        assert response.status_code == 201, content_type


def test_fields_the_api_does_not_take_cannot_set_status_force_or_people(
    client: Client, demo: Any, database: Any
) -> None:
    """ASVS 5.1.2 (mass assignment): a body is read into declared fields only, and one that sends others is
    refused, naming them, so a client never believes it set them."""
    token = database(lambda maker: new_token(maker, STAFF))
    body = {
        "title": "Custody handover",
        "problem": "Officers wait.",
        "proposal": "Change it.",
        "status": "implemented",
        "force_code": "CHE",
        "submitter": "Someone Else",
        "ref": "CHE-000001",
        "supporter_count": 500,
    }
    bearer = {"Authorization": f"Bearer {token}"}
    response = client.post("/api/v1/ideas", json=body, headers=bearer)
    assert response.status_code == 422
    assert set(response.json()["extra"]["errors"]) == {"status", "force_code", "submitter", "ref", "supporter_count"}
    assert client.get("/api/v1/ideas", headers=bearer).json()["total"] == 0


def test_search_text_reaches_the_database_as_a_value_not_as_sql(client: Client, demo: Any, database: Any) -> None:
    """ASVS 5.3.4: quotes, comments and LIKE wildcards in a search find nothing, and break nothing."""
    token = database(lambda maker: new_token(maker, STAFF))
    bearer = {"Authorization": f"Bearer {token}"}
    body = {"title": "Custody handover", "problem": "Officers wait.", "proposal": "Change it."}
    assert client.post("/api/v1/ideas", json=body, headers=bearer).status_code == 201
    assert len(client.get("/api/v1/ideas", headers=bearer).json()["items"]) == 1
    for search in ("' OR '1'='1", "x' OR 1=1 --", '"; DROP TABLE ideas; --', "%", "_"):
        response = client.get("/api/v1/ideas", params={"q": search}, headers=bearer)
        assert response.status_code == 200, search
        assert response.json()["items"] == [], search
    assert len(client.get("/api/v1/ideas", headers=bearer).json()["items"]) == 1


# V12 Files and resources ----------------------------------------------------------------------------


def test_the_static_folder_cannot_be_listed_or_climbed_out_of(client: Client) -> None:
    """ASVS 4.3.2 (no directory listing) and 12.3.1 (no path traversal)."""
    for path in (
        "/static",
        "/static/",
        "/static/css/",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fREADME.md",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "scss" not in response.text  # a folder of the static tree that no page names
    assert client.get("/static/css/quest.css").status_code == 200


# V13 / V14: methods ---------------------------------------------------------------------------------


def test_a_method_a_route_does_not_take_is_405_and_trace_is_never_answered(signed_in: Any) -> None:
    """ASVS 13.2.1 and 14.5.1: 405 with the methods it does take; never a 500, never an echo."""
    client = signed_in("staff")
    for path in ("/", "/sign-in", "/forces", "/api/v1/forces", "/static/css/quest.css"):
        for method in ("TRACE", "PUT", "DELETE", "PATCH"):
            response = client.request(method, path, headers=api_headers(client))
            assert response.status_code == 405, (method, path)
            assert "TRACE" not in response.headers["allow"]
            assert "quest_session" not in response.text


def test_no_other_site_is_allowed_to_read_quests_answers(signed_in: Any) -> None:
    """ASVS 14.5.3: no CORS headers at all, so browsers keep other origins out."""
    client = signed_in("staff")
    origin = {"Origin": "https://evil.example"}
    preflight = client.options("/api/v1/forces", headers=origin | {"Access-Control-Request-Method": "GET"})
    for response in (preflight, client.get("/api/v1/forces", headers=origin)):
        assert not [name for name in response.headers if name.lower().startswith("access-control-")]


# V14 Configuration: Host headers, headers on every response, generic errors ------------------------------


def test_a_malformed_host_header_is_400_not_500(settings: Settings, demo: Any) -> None:
    """ASVS 14.5 / 5.1: in development (any host) and in production (allowed hosts) alike."""
    production = dataclasses.replace(settings, env="production", allowed_hosts=("quest.example",))
    for configured in (settings, production):
        with TestClient(
            create_app(configured), base_url="https://quest.example", raise_server_exceptions=False
        ) as client:
            for host in ("quest.example:abc", "quest.example:99999", "quest.example:1:2", "[::1", "a b"):
                response = client.get("/sign-in", headers={"host": host})
                assert response.status_code == 400, (configured.env, host)
                assert response.headers["x-content-type-options"] == "nosniff"
            assert client.get("/sign-in", headers={"host": "QUEST.example:8443"}).status_code == 200


def test_security_headers_are_on_static_files_and_on_every_kind_of_refusal(production: Client) -> None:
    """ASVS 14.4.1-14.4.7: not only on pages."""
    responses = {
        "static file": production.get("/static/css/quest.css"),
        "405": production.request("TRACE", "/"),
        "415": production.post("/api/v1/forces", content=b"x", headers={"Content-Type": "text/plain"}),
        "bad host": production.get("/", headers={"host": "evil.example"}),
        "413": production.post(
            "/sign-in", content=b"x" * (11 * 1024 * 1024), headers={"Content-Type": "application/octet-stream"}
        ),
    }
    assert responses["static file"].status_code == 200
    assert responses["static file"].headers["content-type"] == "text/css; charset=utf-8"
    assert production.get("/sign-in").headers["content-type"] == "text/html; charset=utf-8"
    for what, response in responses.items():
        for header in SECURITY_HEADERS:
            assert header in response.headers, (what, header)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], what


def test_in_production_an_unexpected_error_shows_no_internals_on_a_page_or_in_the_api(
    settings: Settings, demo: Any
) -> None:
    """ASVS 7.4.1 / 14.3.2: a generic message and the request id, never the exception or a traceback."""

    @get(["/explode", "/api/v1/explode"], include_in_schema=False, opt={"public": True})
    async def explode() -> None:
        # A KeyError (a LookupError) is a fault of QUEST's, not a client's unknown text encoding.
        raise KeyError("secret internals: postgresql://quest:hunter2@db/quest")

    production = dataclasses.replace(settings, env="production", allowed_hosts=("quest.example",))
    app = create_app(production)
    app.register(explode)
    with TestClient(app, base_url="https://quest.example", raise_server_exceptions=False) as client:
        page = client.get("/explode")
        api = client.get("/api/v1/explode")
    assert page.status_code == api.status_code == 500
    assert api.json() == {
        "status_code": 500,
        "detail": "Internal Server Error",
        "extra": {"request_id": api.headers["x-request-id"]},
    }
    assert page.headers["x-request-id"] in page.text
    for response in (page, api):
        assert "secret internals" not in response.text
        assert "hunter2" not in response.text
        assert "Traceback" not in response.text
        assert "KeyError" not in response.text
