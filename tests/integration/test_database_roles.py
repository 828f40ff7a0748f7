"""QUEST runs under a PostgreSQL role that does not own its tables (docs/operations.md): with row rights
only, it serves and audits, and it can neither empty the audit log nor switch its triggers off."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from quest.app import create_app
from quest.audit.models import AuditEntry
from quest.config import Settings
from quest.db import open_database
from tests.conftest import POSTGRES_URL, run
from tests.helpers import api_headers, raise_idea, sign_in_as

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="roles and their rights are PostgreSQL's; SQLite has none")

# The grants of docs/operations.md, for what exists already.
GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
)
_DROP_IF_LEFT_OVER = """
DO $$ BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
        EXECUTE 'DROP OWNED BY {role}';
        EXECUTE 'DROP ROLE {role}';
    END IF;
END $$
"""


async def _as_owner(settings: Settings, *statements: str) -> None:
    async with open_database(settings) as maker, maker() as session:
        for statement in statements:
            await session.execute(text(statement))
        await session.commit()


@pytest.fixture
def app_settings(settings: Settings) -> Iterator[Settings]:
    """Settings that connect as a role with row rights only (this test database's own role)."""
    url = make_url(settings.database_url)
    role = f"{url.database}_app"
    run(_as_owner(settings, _DROP_IF_LEFT_OVER.format(role=role), f"CREATE ROLE {role} LOGIN"))
    run(_as_owner(settings, *(grant.format(role=role) for grant in GRANTS)))
    try:
        as_app = url.set(username=role, password=None).render_as_string(hide_password=False)
        yield dataclasses.replace(settings, database_url=as_app)
    finally:
        run(_as_owner(settings, f"DROP OWNED BY {role}", f"DROP ROLE {role}"))


def _execute(settings: Settings, statement: str) -> None:
    async def go() -> None:
        async with open_database(settings) as maker, maker() as session:
            await session.execute(text(statement))
            await session.commit()

    run(go())


def test_the_app_serves_and_audits_as_a_role_that_does_not_own_its_tables(
    app_settings: Settings, database: Any, demo: Any
) -> None:
    idea = database(lambda maker: raise_idea(maker, "manager@lancashire.example", "Book exhibits in at the counter"))
    with TestClient(create_app(app_settings), base_url="http://testserver.local") as client:
        sign_in_as(client, "staff")
        comment = client.post(
            f"/api/v1/ideas/{idea.id}/comments", json={"body": "Yes please"}, headers=api_headers(client)
        )
        assert comment.status_code == 201, comment.text
        assert client.get("/users").status_code == 403

    async def count(maker: Any) -> int:
        async with maker() as session:
            found = select(func.count()).where(AuditEntry.action.in_(["commented", "access_refused"]))
            return int((await session.execute(found)).scalar_one())

    assert database(count) == 2
    for statement, refusal in (
        ("TRUNCATE audit_log", "permission denied"),
        ("DELETE FROM audit_log", "append-only"),
        ("ALTER TABLE audit_log DISABLE TRIGGER USER", "must be owner"),
        ("DROP TABLE audit_log", "must be owner"),
    ):
        with pytest.raises(DBAPIError, match=refusal):
            _execute(app_settings, statement)
    assert database(count) == 2
