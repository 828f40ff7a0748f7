"""CSRF: every state change from a browser needs the token; a bearer request needs none; GET changes
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.helpers import DEMO_EMAILS, csrf_token, new_token, post_form, sign_in_as

Client = TestClient[Any]


def test_a_form_without_the_token_is_refused(signed_in: Any) -> None:
    client = signed_in("staff")
    response = client.post("/sign-out", follow_redirects=False)
    assert response.status_code == 403
    assert "The form you sent had expired" in response.text
    assert client.get("/account").status_code == 200  # still signed in: nothing changed


def test_a_wrong_token_is_refused(signed_in: Any) -> None:
    client = signed_in("staff")
    good = csrf_token(client)
    forged = good[:-4] + ("0000" if not good.endswith("0000") else "1111")
    for token in (forged, "0" * len(good), "not-a-token"):
        assert client.post("/account/tokens", data={"label": "x", "_csrf_token": token}).status_code == 403
        assert client.post("/account/tokens", data={"label": "x"}, headers={"X-CSRFToken": token}).status_code == 403


def test_the_token_may_come_as_the_htmx_header(signed_in: Any) -> None:
    client = signed_in("staff")
    response = client.post(
        "/account/tokens",
        data={"label": "From htmx"},
        headers={"X-CSRFToken": csrf_token(client), "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Token made" in response.text


def test_the_page_puts_the_token_on_body_for_htmx_and_in_every_form(signed_in: Any) -> None:
    client = signed_in("force_hq")
    token = csrf_token(client)
    body = client.get("/users/new").text
    assert f'hx-headers=\'{{"x-csrftoken": "{token}"}}\'' in body
    assert f'name="_csrf_token" value="{token}"' in body


def test_sign_in_itself_is_protected(client: Client, demo: Any) -> None:
    response = client.post("/sign-in", data={"email": DEMO_EMAILS["staff"], "password": "quest-demo-password"})
    assert response.status_code == 403


def test_an_api_call_with_a_session_cookie_needs_the_token(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    token_id = client.get("/api/v1/me/tokens").json()
    assert token_id == []
    post_form(client, "/account/tokens", {"label": "to revoke"})
    made = client.get("/api/v1/me/tokens").json()
    assert len(made) == 1
    assert client.delete(f"/api/v1/me/tokens/{made[0]['id']}").status_code == 403
    assert (
        client.delete(f"/api/v1/me/tokens/{made[0]['id']}", headers={"X-CSRFToken": csrf_token(client)}).status_code
        == 204
    )


def test_a_bearer_request_needs_no_csrf_token(client: Client, demo: Any, database: Any) -> None:
    secret = database(lambda maker: new_token(maker, DEMO_EMAILS["staff"]))
    headers = {"Authorization": f"Bearer {secret}"}
    tokens = client.get("/api/v1/me/tokens", headers=headers).json()
    assert len(tokens) == 1
    assert client.delete(f"/api/v1/me/tokens/{tokens[0]['id']}", headers=headers).status_code == 204
    # The token revoked itself: it no longer works.
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_bearer_header_means_cookies_are_ignored(signed_in: Any) -> None:
    client = signed_in("staff")  # has a valid session cookie
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer qst_forged"})
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/sign-out", "/account/password", "/users/new"])
def test_get_never_changes_anything(signed_in: Any, path: str) -> None:
    client = signed_in("force_hq")
    client.get(path)
    assert client.get("/account").status_code == 200  # GET /sign-out did not sign out


def test_sign_out_by_get_is_not_a_route(signed_in: Any) -> None:
    client = signed_in("staff")
    assert client.get("/sign-out").status_code == 405
    sign_in_as(client, "staff")
