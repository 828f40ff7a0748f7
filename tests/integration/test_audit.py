"""Every change to an audited record is appended to the audit log in the same transaction."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest.audit.models import AuditEntry
from quest.audit.recorder import Actor, act_as, record_event
from quest.db import writing
from quest.org.models import Division, Force

Database = Any
SessionMaker = async_sessionmaker[AsyncSession]


async def audit_rows(session_maker: SessionMaker) -> list[AuditEntry]:
    async with session_maker() as session:
        return list((await session.execute(select(AuditEntry).order_by(AuditEntry.occurred_at))).scalars())


def new_force(code: str = "TST") -> Force:
    return Force(
        code=code,
        name="Test Constabulary",
        region="North West",
        country="England",
        area_km2=decimal.Decimal("100.0"),
    )


def test_creating_a_record_writes_who_created_what(database: Database) -> None:
    actor = Actor(id=None, label="alice@example.org")

    async def work(session_maker: SessionMaker) -> list[AuditEntry]:
        with writing():
            async with session_maker() as session:
                act_as(session, actor)
                session.add(new_force())
                await session.commit()
        return await audit_rows(session_maker)

    rows = database(work)
    assert len(rows) == 1
    row = rows[0]
    assert (row.entity, row.action, row.actor_label) == ("forces", "create", "alice@example.org")
    assert row.before is None
    assert row.after is not None
    assert row.after["code"] == "TST"
    assert row.after["area_km2"] == "100.0"
    assert row.entity_id == row.after["id"]
    assert row.force_id is not None
    assert str(row.force_id) == row.after["id"]
    assert row.occurred_at.tzinfo is not None


def test_an_update_records_only_what_changed_before_and_after(database: Database) -> None:
    async def work(session_maker: SessionMaker) -> list[AuditEntry]:
        with writing():
            async with session_maker() as session:
                force = new_force()
                session.add(force)
                await session.flush()
                session.add(Division(force_id=force.id, code="NORTH", name="Northern", officers_fte=10, staff_fte=5))
                await session.commit()
            async with session_maker() as session:
                division = (await session.execute(select(Division))).scalar_one()
                division.officers_fte = decimal.Decimal("12.50")
                division.name = "Northern"  # unchanged
                await session.commit()
        return await audit_rows(session_maker)

    update = [row for row in database(work) if row.action == "update"]
    assert len(update) == 1
    assert update[0].entity == "divisions"
    assert update[0].before == {"officers_fte": "10.00"}
    assert update[0].after == {"officers_fte": "12.50"}
    assert update[0].actor_label == "system"


def test_a_rolled_back_change_leaves_no_audit_row(database: Database) -> None:
    async def work(session_maker: SessionMaker) -> list[AuditEntry]:
        with writing():
            async with session_maker() as session:
                session.add(new_force())
                await session.flush()
                await session.rollback()
            async with session_maker() as session:
                session.add(new_force("DUP"))
                await session.commit()
            async with session_maker() as session:
                session.add(new_force("DUP"))
                with pytest.raises(IntegrityError):
                    await session.commit()
        return await audit_rows(session_maker)

    rows = database(work)
    assert [(row.entity, row.action) for row in rows] == [("forces", "create")]


def test_deleting_a_record_keeps_what_it_was(database: Database) -> None:
    async def work(session_maker: SessionMaker) -> list[AuditEntry]:
        with writing():
            async with session_maker() as session:
                session.add(new_force())
                await session.commit()
            async with session_maker() as session:
                await session.delete((await session.execute(select(Force))).scalar_one())
                await session.commit()
        return await audit_rows(session_maker)

    deleted = [row for row in database(work) if row.action == "delete"]
    assert len(deleted) == 1
    assert deleted[0].before is not None
    assert deleted[0].before["code"] == "TST"
    assert deleted[0].after is None


def test_events_that_are_not_row_changes_are_recorded_too(database: Database) -> None:
    async def work(session_maker: SessionMaker) -> list[AuditEntry]:
        with writing():
            async with session_maker() as session:
                act_as(session, Actor(id=None, label="bob@example.org"))
                await record_event(session, action="sign_in_failed", entity="users", after={"reason": "bad password"})
                await session.commit()
        return await audit_rows(session_maker)

    rows = database(work)
    assert [(row.action, row.actor_label, row.after) for row in rows] == [
        ("sign_in_failed", "bob@example.org", {"reason": "bad password"})
    ]


def test_the_application_cannot_change_an_audit_row(database: Database) -> None:
    async def work(session_maker: SessionMaker) -> None:
        with writing():
            async with session_maker() as session:
                session.add(new_force())
                await session.commit()
            async with session_maker() as session:
                row = (await session.execute(select(AuditEntry))).scalar_one()
                row.action = "rewritten"
                with pytest.raises(PermissionError, match="append-only"):
                    await session.flush()

    database(work)
