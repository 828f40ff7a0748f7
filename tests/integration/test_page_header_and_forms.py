"""What every page and every form has in common: the header's count of unread notifications (counted for
whole pages only, never for the API or an htmx fragment), and a form's answers, the same with htmx as
without: 303 when done, the page with its errors and 422, the page with the conflict and 409."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.helpers import DEMO_EMAILS, api_headers, move_along, post_form, raise_idea, sign_in_as

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
HTMX = {"HX-Request": "true"}


@pytest.fixture
def unread_counts() -> Iterator[list[str]]:
    """The statements that count someone's unread notifications, as the app sends them."""
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "notifications" in statement and "count(" in statement.lower():
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def test_the_header_counts_unread_notifications_with_the_sign_in_lookup_and_never_for_the_api(
    client: Any, demo: Any, database: Any, unread_counts: list[str]
) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Pre-book interview rooms"))
    database(lambda maker: move_along(maker, MANAGER, idea.id, "under_review"))
    sign_in_as(client, "staff")

    unread_counts.clear()
    mine = client.get("/my-ideas")
    assert re.search(r"quest-count\">\s*1 new\s*<", mine.text)
    assert len(unread_counts) == 1
    assert "user_sessions" in unread_counts[0]  # counted by the statement that finds who is signed in

    unread_counts.clear()
    bad = post_form(client, "/waste/new", {"waste_type": "waiting"})  # a form shown again has the header too
    assert bad.status_code == 422
    assert re.search(r"quest-count\">\s*1 new\s*<", bad.text)
    assert len(unread_counts) == 1

    refused = client.post("/waste/new", data={"waste_type": "waiting"})  # no CSRF token: refused before any handler
    assert refused.status_code == 403
    assert re.search(r"quest-count\">\s*1 new\s*<", refused.text)

    unread_counts.clear()
    fragment = client.get("/ideas", headers=HTMX)
    assert fragment.status_code == 200
    assert "quest-count" not in fragment.text
    assert client.get("/api/v1/ideas", headers=api_headers(client)).status_code == 200
    assert unread_counts == []


def test_a_form_answers_htmx_as_it_answers_a_browser(client: Any, demo: Any, database: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Single crime number"))
    sign_in_as(client, "staff")
    comments = f"/ideas/{idea.reference}/comments"
    empty = post_form(client, comments, {"body": "  "}, headers=HTMX)
    assert empty.status_code == 422
    assert 'class="govuk-error-summary' in empty.text
    assert 'href="#body"' in empty.text
    added = post_form(client, comments, {"body": "Tried it on nights"}, headers=HTMX, follow_redirects=False)
    assert added.status_code == 303
    assert added.headers["location"] == f"/ideas/{idea.reference}#timeline"

    sign_in_as(client, "manager")
    decision = f"/ideas/{idea.reference}/decision"
    first = post_form(client, decision, {"to": "under_review", "version": "1"}, follow_redirects=False)
    assert first.status_code == 303
    stale = post_form(client, decision, {"to": "declined", "version": "1", "reason-declined": "Late"}, headers=HTMX)
    assert stale.status_code == 409
    assert "This idea changed since you opened it" in stale.text
