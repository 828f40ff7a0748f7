"""What every operation of the JSON API shares, tried through HTTP: who is asked to sign in, how lists
page, which fields a body may hold, how a body too large is refused, and what OPTIONS says."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from quest.audit.models import AuditEntry
from tests.helpers import DEMO_EMAILS, new_token


def _as_manager(client: TestClient[Any], database: Any) -> dict[str, str]:
    token = database(lambda maker: new_token(maker, DEMO_EMAILS["manager"]))
    return {"Authorization": f"Bearer {token}"}


def _measure(client: TestClient[Any], headers: dict[str, str]) -> str:
    made = client.post(
        "/api/v1/metrics",
        json={"name": "Days to allocate", "unit": "days", "kind": "time", "direction": "down", "frequency": "daily"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_an_api_request_without_credentials_is_asked_for_a_token_not_a_csrf_token(
    client: TestClient[Any], demo: Any
) -> None:
    for method, path in (("POST", "/api/v1/ideas"), ("PUT", "/api/v1/forces/LAN/rate-card"), ("GET", "/api/v1/me")):
        answer = client.request(method, path, json={} if method != "GET" else None)
        assert answer.status_code == 401, (method, path, answer.text)
        assert answer.headers["www-authenticate"] == "Bearer"
        assert "Bearer" in answer.json()["detail"]
    # A browser's session still needs its CSRF token for a change (the cookie could have come cross-site).
    client.cookies.set("quest_session", "whatever")
    assert client.post("/api/v1/ideas", json={}).status_code == 403


def test_a_list_pages_with_page_per_page_total_and_link_headers(
    client: TestClient[Any], demo: Any, database: Any
) -> None:
    headers = _as_manager(client, database)
    for number in range(5):
        made = client.post(
            "/api/v1/ideas",
            json={"title": f"Idea {number}", "problem": "Waiting.", "proposal": "Stop waiting."},
            headers=headers,
        )
        assert made.status_code == 201
    second = client.get("/api/v1/ideas", params={"q": "", "page": 2, "per_page": 2}, headers=headers)
    assert second.status_code == 200
    body = second.json()
    assert (body["page"], body["per_page"], body["total"], body["pages"], len(body["items"])) == (2, 2, 5, 3, 2)
    assert second.headers["x-total-count"] == "5"
    link = second.headers["link"]
    base = "http://testserver.local/api/v1/ideas?q="
    assert link == (
        f'<{base}&page=1&per_page=2>; rel="first", <{base}&page=1&per_page=2>; rel="prev", '
        f'<{base}&page=3&per_page=2>; rel="next", <{base}&page=3&per_page=2>; rel="last"'
    )
    # A list answered as an array pages the same way, by the same parameters and headers.
    forces = client.get("/api/v1/forces", params={"per_page": 3}, headers=headers)
    assert len(forces.json()) == 3
    assert forces.headers["x-total-count"] == "7"
    assert 'rel="next"' in forces.headers["link"]
    assert 'rel="prev"' not in forces.headers["link"]
    assert client.get("/api/v1/forces", params={"per_page": 0}, headers=headers).status_code == 400


def test_a_body_field_the_operation_does_not_declare_is_refused_by_name(
    client: TestClient[Any], demo: Any, database: Any
) -> None:
    headers = _as_manager(client, database)
    sent = {"title": "Scan exhibits", "problem": "Waiting.", "proposal": "Book in.", "titel": "typo"}
    answer = client.post("/api/v1/ideas", json=sent, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["extra"]["errors"] == {
        "titel": "‘titel’ is not a field QUEST reads here: remove it, or check its spelling"
    }
    metric_id = _measure(client, headers)
    nested = client.put(
        f"/api/v1/metrics/{metric_id}/readings", json=[{"date": "2026-01-05", "value": 3, "note": "x"}], headers=headers
    )
    assert nested.status_code == 422
    assert list(nested.json()["extra"]["errors"]) == ["[0].note"]


def test_readings_up_to_ten_thousand_a_request_all_or_nothing_and_more_refused_413(
    client: TestClient[Any], demo: Any, database: Any
) -> None:
    headers = _as_manager(client, database)
    metric_id = _measure(client, headers)
    first = datetime.date(2000, 1, 1)
    # 5,000 days, each sent twice with the same value: 10,000 rows.
    rows = [
        {"date": (first + datetime.timedelta(days=row % 5000)).isoformat(), "value": row % 50} for row in range(10_000)
    ]
    url = f"/api/v1/metrics/{metric_id}/readings"
    assert client.put(url, json=rows, headers=headers).json() == {"written": 5000, "readings": 10_000}
    assert client.put(url, json=rows, headers=headers).json() == {"written": 0, "readings": 10_000}  # idempotent
    too_many = client.put(url, json=[*rows, {"date": "2020-05-20", "value": 1}], headers=headers)
    assert too_many.status_code == 413
    assert too_many.json()["detail"].startswith("Send at most 10,000 readings a request, not 10,001")
    bad = [{"date": "2020-01-05", "value": 7}, {"date": "tomorrow", "value": 1}]
    refused = client.put(url, json=bad, headers=headers)
    assert refused.status_code == 422
    assert list(refused.json()["extra"]["errors"]) == ["[1]"]
    last = client.get(url, params={"per_page": 1, "page": 5000}, headers=headers)
    assert last.json() == [{"date": (first + datetime.timedelta(days=4999)).isoformat(), "value": 49.0}]
    assert last.headers["x-total-count"] == "5000"  # nothing of the refused request was written


def test_a_put_of_readings_is_audited_once_with_each_value_and_what_a_change_replaced(
    client: TestClient[Any], demo: Any, database: Any
) -> None:
    headers = _as_manager(client, database)
    metric_id = _measure(client, headers)
    url = f"/api/v1/metrics/{metric_id}/readings"
    sent = [{"date": "2026-01-05", "value": 3}, {"date": "2026-01-06", "value": 4.5}]
    assert client.put(url, json=sent, headers=headers).json() == {"written": 2, "readings": 2}
    changed = [
        {"date": "2026-01-05", "value": 3},
        {"date": "2026-01-06", "value": 5},
        {"date": "2026-01-07", "value": 0},
    ]
    assert client.put(url, json=changed, headers=headers).json() == {"written": 2, "readings": 3}
    assert client.put(url, json=changed, headers=headers).json() == {"written": 0, "readings": 3}

    async def entries(maker: Any) -> list[tuple[str, Any, Any]]:
        async with maker() as session:
            found = await session.execute(
                select(AuditEntry.action, AuditEntry.before, AuditEntry.after)
                .where(AuditEntry.entity == "readings", AuditEntry.entity_id == metric_id)
                .order_by(AuditEntry.id)
            )
            return [tuple(row) for row in found]

    assert database(entries) == [
        ("save", None, {"2026-01-05": "3", "2026-01-06": "4.5"}),
        ("save", {"2026-01-06": "4.5"}, {"2026-01-06": "5", "2026-01-07": "0"}),
    ]
    readings = client.get(url, headers=headers).json()
    assert readings == [
        {"date": "2026-01-05", "value": 3.0},
        {"date": "2026-01-06", "value": 5.0},
        {"date": "2026-01-07", "value": 0.0},
    ]


def test_options_names_every_method_of_the_path(client: TestClient[Any], demo: Any, database: Any) -> None:
    headers = _as_manager(client, database)
    answer = client.options("/api/v1/ideas", headers=headers)
    assert answer.status_code == 204
    assert set(answer.headers["allow"].split(", ")) == {"GET", "OPTIONS", "POST"}


def test_waste_is_listed_a_page_at_a_time_and_read_one_by_one(
    client: TestClient[Any], demo: Any, database: Any
) -> None:
    headers = _as_manager(client, database)
    made = [
        client.post(
            "/api/v1/waste",
            json={
                "waste_type": "waiting",
                "process": "Custody handover",
                "description": f"Wait number {number}",
                "minutes_per_occurrence": 10 + number,
                "occurrences_per_week": 5,
                "observed_on": f"2026-01-0{number + 1}",
            },
            headers=headers,
        ).json()
        for number in range(3)
    ]
    first = client.get("/api/v1/waste", params={"per_page": 2}, headers=headers)
    assert [row["description"] for row in first.json()] == ["Wait number 2", "Wait number 1"]  # newest first
    assert first.headers["x-total-count"] == "3"
    assert 'rel="next"' in first.headers["link"]
    one = client.get(f"/api/v1/waste/{made[0]['id']}", headers=headers)
    assert one.json() == made[0]
    # None in reach by that id: 404, as for any record (the access matrix tries other forces).
    assert client.get(f"/api/v1/waste/{uuid.uuid4()}", headers=headers).status_code == 404
