"""GET /healthz, the organisation's JSON API, and the OpenAPI schema."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from quest.app import create_app
from quest.config import Settings
from tests.helpers import DEMO_EMAILS, new_token

Client = TestClient[Any]


def test_health_is_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_down(settings: Settings, tmp_path: Path) -> None:
    unreachable = dataclasses.replace(settings, database_url="postgresql+asyncpg://quest@127.0.0.1:9/quest")
    with TestClient(create_app(unreachable)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


@pytest.fixture
def bearer(database: Any, demo: Any) -> dict[str, str]:
    """An Authorization header for the demo staff member's new API token."""
    return {"Authorization": f"Bearer {database(lambda maker: new_token(maker, DEMO_EMAILS['staff']))}"}


def test_forces_api_lists_forces_with_opaque_string_ids(client: Client, bearer: dict[str, str]) -> None:
    response = client.get("/api/v1/forces", headers=bearer)
    assert response.status_code == 200
    forces = response.json()
    assert [force["code"] for force in forces] == ["AVS", "CHE", "DYP", "LAN", "STA", "SUS", "TVP"]
    lancashire = next(force for force in forces if force["code"] == "LAN")
    assert isinstance(lancashire["id"], str)
    assert lancashire["name"] == "Lancashire Constabulary"
    assert lancashire["officers_fte"] == 3561
    assert lancashire["population"] == 1_601_600
    assert lancashire["profile_year"] == 2024
    assert lancashire["staff_figures_estimated"] is True
    assert lancashire["division_count"] == 6
    assert lancashire["officers_per_1000"] == 2.223


def test_divisions_api(client: Client, bearer: dict[str, str]) -> None:
    divisions = client.get("/api/v1/forces/LAN/divisions", headers=bearer).json()
    assert len(divisions) == 6
    northern = next(division for division in divisions if division["code"] == "NORTH")
    assert northern["name"] == "Northern (Lancaster and Morecambe)"
    assert northern["officers_fte"] > 0
    assert isinstance(northern["id"], str)


def test_api_errors_are_json_in_the_documented_shape(client: Client, bearer: dict[str, str]) -> None:
    response = client.get("/api/v1/forces/XXX/divisions", headers=bearer)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status_code"] == 404
    assert "XXX" in body["detail"]
    assert body["extra"] == {}
    unknown = client.get("/api/v1/no-such-thing", headers=bearer)
    assert unknown.status_code == 404
    assert unknown.json()["status_code"] == 404


def test_openapi_schema_covers_the_json_api_only(client: Client) -> None:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/forces" in paths
    assert "/api/v1/forces/{force_code}/divisions" in paths
    assert "/api/v1/me" in paths
    assert all(path.startswith("/api/v1/") for path in paths)
    assert response.json()["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}


def test_the_api_needs_a_token_or_a_session(client: Client, demo: Any) -> None:
    response = client.get("/api/v1/forces")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status_code"] == 401
    for header in ("Bearer qst_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"):
        assert client.get("/api/v1/forces", headers={"Authorization": header}).status_code == 401
