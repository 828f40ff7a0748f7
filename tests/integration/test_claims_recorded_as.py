"""The migration that keeps what each claim was recorded as (89818f8a0819): on the engine under test, it
fills ``recorded_as`` for the claims already there, from each claim's "create" entry in the audit trail
where there is one, else from its status; and its downgrade drops the column."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from quest import migrations
from quest.config import Settings, default_database_url
from quest.db import create_engine, open_database
from quest.savings.services import ClaimInput, record_claim
from tests.conftest import POSTGRES_URL, make_settings, recreate_postgres_database, run, worker_postgres_url
from tests.helpers import DEMO_EMAILS, IMPLEMENTED_PATH, current_user_for, move_along, raise_idea

BEFORE = "d01c58e8ea3f"
CASH = {"kind": "cashable", "cost_line": "Overtime", "period_start": "2026-04-01", "evidence": "The budget line"}


@pytest.fixture
def empty_database(tmp_path: Path, worker_id: str) -> Iterator[Settings]:
    if POSTGRES_URL:
        url = worker_postgres_url(worker_id, "_recorded_as")
        run(recreate_postgres_database(url))
        yield make_settings(tmp_path, url)
    else:
        yield make_settings(tmp_path, default_database_url(tmp_path))


async def _claims_made(settings: Settings) -> dict[str, uuid.UUID]:
    """Through the service, as a manager makes them: a forecast claimed by a claim that supersedes it, and
    a forecast still live."""
    from quest.demo.seed import seed_small

    now = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
    async with open_database(settings) as maker:
        await seed_small(maker, seed=1, history=False)
        claimed_idea = await raise_idea(maker, DEMO_EMAILS["staff"], "Claimed in the end")
        forecast_idea = await raise_idea(maker, DEMO_EMAILS["staff"], "Forecast still")
        for idea in (claimed_idea, forecast_idea):
            await move_along(maker, DEMO_EMAILS["manager"], idea.id, *IMPLEMENTED_PATH[:2], now=now)
        manager = await current_user_for(maker, DEMO_EMAILS["manager"])

        async def record(idea: Any, status: str, amount: int, replacing: uuid.UUID | None = None) -> uuid.UUID:
            data = ClaimInput(**CASH, mechanism=f"Overtime {idea.reference}", status=status, amount_gbp_per_year=amount)
            async with maker() as session:
                return await record_claim(session, manager, idea.id, data, now=now, replacing=replacing)

        forecast = await record(claimed_idea, "forecast", 1000)
        live_forecast = await record(forecast_idea, "forecast", 500)
        await move_along(maker, DEMO_EMAILS["manager"], claimed_idea.id, *IMPLEMENTED_PATH[2:], now=now)
        claim = await record(claimed_idea, "claimed", 900, replacing=forecast)
    return {"forecast": forecast, "live_forecast": live_forecast, "claim": claim}


async def _execute(settings: Settings, statement: str, parameters: dict[str, Any] | None = None) -> Any:
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            return (await connection.execute(text(statement), parameters or {})).all()
    finally:
        await engine.dispose()


def _id(settings: Settings, claim_id: uuid.UUID) -> Any:
    return claim_id.bytes if settings.is_sqlite else claim_id


async def _copy_without_audit(settings: Settings, claim_id: uuid.UUID) -> uuid.UUID:
    """A copy of a claim written straight to the table, as before the audit trail: no "create" entry."""
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            columns = [
                column["name"]
                for column in await connection.run_sync(lambda sync: inspect(sync).get_columns("savings_claims"))
            ]
    finally:
        await engine.dispose()
    copied = uuid.uuid4()
    names = ", ".join(columns)
    chosen = ", ".join(":copy" if name == "id" else name for name in columns)
    await _execute(
        settings,
        f"INSERT INTO savings_claims ({names}) SELECT {chosen} FROM savings_claims WHERE id = :id RETURNING id",
        {"copy": _id(settings, copied), "id": _id(settings, claim_id)},
    )
    return copied


async def _recorded_as(settings: Settings) -> dict[uuid.UUID, tuple[str, str]]:
    rows = await _execute(settings, "SELECT id, status, recorded_as FROM savings_claims")
    return {uuid.UUID(bytes=row[0]) if isinstance(row[0], bytes) else row[0]: (row[1], row[2]) for row in rows}


def test_recorded_as_is_filled_from_the_audit_trail_else_from_the_status(empty_database: Settings) -> None:
    settings = empty_database
    migrations.upgrade(settings)
    made = run(_claims_made(settings))
    migrations.downgrade(settings, BEFORE)

    # Written before the audit trail: a superseded forecast, and a live one.
    unaudited_superseded = run(_copy_without_audit(settings, made["forecast"]))
    unaudited_forecast = run(_copy_without_audit(settings, made["live_forecast"]))
    migrations.upgrade(settings)

    assert run(_recorded_as(settings)) == {
        made["forecast"]: ("superseded", "forecast"),  # its "create" entry says it was a forecast
        made["live_forecast"]: ("forecast", "forecast"),
        made["claim"]: ("claimed", "claimed"),
        unaudited_superseded: ("superseded", "claimed"),  # no entry: inferred from the status, a claim
        unaudited_forecast: ("forecast", "forecast"),
    }
    status = migrations.status(settings)
    assert status.ok, status.drift

    migrations.downgrade(settings, BEFORE)
    with pytest.raises(DBAPIError, match="recorded_as"):
        run(_execute(settings, "SELECT recorded_as FROM savings_claims"))
    migrations.upgrade(settings)
    assert migrations.status(settings).ok
    # The column refuses anything but forecast and claimed.
    with pytest.raises(DBAPIError, match="ck_savings_claims_claim_recorded_as"):
        run(_execute(settings, "UPDATE savings_claims SET recorded_as = 'rejected' RETURNING id"))
