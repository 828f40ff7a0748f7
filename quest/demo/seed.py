"""Seeding the demo data. Seeding is an upsert by natural key (force code, division code, profile year),
so running it twice leaves the second run with nothing to do."""

from __future__ import annotations

import datetime
import decimal
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from quest.accounts.models import User
from quest.accounts.passwords import hash_password_in_thread
from quest.accounts.roles import Role
from quest.audit.recorder import Actor, act_as
from quest.clock import LONDON, SystemClock
from quest.db import writing
from quest.demo import lancashire
from quest.demo.catalogue import (
    DEMO_FORCES,
    DEMO_PASSWORD,
    DEMO_USERS,
    DIVISIONAL_SHARE_OF_OFFICERS,
    DIVISIONAL_SHARE_OF_STAFF,
    FORCE_LOGINS,
    DemoDivision,
    DemoUser,
)
from quest.demo.history import Tally, seed_history
from quest.org.models import Division, Force, ForceProfile
from quest.org.reference import REFERENCE_YEAR, ReferenceForce, reference_force
from quest.org.services import refresh_similar_forces
from quest.savings.double_counts import regroup_all

DEMO_ACTOR = Actor(id=None, label="quest demo")
_HUNDREDTH = decimal.Decimal("0.01")


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, *, created: bool) -> None:
        tally = self.created if created else self.updated
        tally[kind] = tally.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


async def database_is_empty(session_maker: async_sessionmaker[AsyncSession]) -> bool:
    async with session_maker() as session:
        return (await session.execute(select(Force.id).limit(1))).first() is None


async def seed_small(
    session_maker: async_sessionmaker[AsyncSession],
    *,
    seed: int,
    now: datetime.datetime | None = None,
    history: bool = True,
) -> SeedReport:
    """Seed the small demo: six Operation QUEST forces and one just starting, with their divisions, the
    demo users, and a history ending ``now``: in every force a validator, headquarters and a manager per
    division who can sign in (quest.demo.catalogue.FORCE_LOGINS), frontline colleagues, ideas, claims,
    waste and daily backlog counts, each force with its own fortune (quest.demo.fortunes).

    ``seed`` drives every random choice, so the same seed always gives the same data. Without
    ``history``, only the organisation and the six DEMO_USERS (what most tests need, quickly).
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    now = now or SystemClock().now()
    report = SeedReport()
    with writing():
        async with session_maker() as session:
            act_as(session, DEMO_ACTOR)
            for code, divisions in DEMO_FORCES.items():
                reference = reference_force(code)
                force = await _upsert_force(session, reference, report)
                await _upsert_divisions(session, force, reference, divisions, rng, report)
            await session.flush()
            await refresh_similar_forces(session)
            await _upsert_users(session, DEMO_USERS + FORCE_LOGINS if history else DEMO_USERS, report)
            await session.flush()
            tally = (
                await seed_history(session, seed, now=now, today=now.astimezone(LONDON).date()) if history else Tally()
            )
            for kind, count in (
                ("colleagues", tally.colleagues),
                ("measures", tally.metrics),
                ("readings", tally.readings),
                ("ideas", tally.ideas),
                ("waste observations", tally.waste),
            ):
                if count:
                    report.created[kind] = count
            if history:  # claims written in bulk (the deliberate double counts among them): grouped once, here
                await regroup_all(session)
                await lancashire.publish(session, now)
            await session.commit()
    return report


def _assign(instance: Any, values: dict[str, Any]) -> bool:
    """Set only the attributes that differ, so an unchanged row is not rewritten (or audited)."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


async def _upsert_force(session: AsyncSession, reference: ReferenceForce, report: SeedReport) -> Force:
    values = {
        "name": reference.name,
        "region": reference.region,
        "country": reference.country,
        "area_km2": reference.area_km2,
    }
    force = (await session.execute(select(Force).where(Force.code == reference.code))).scalar_one_or_none()
    if force is None:
        force = Force(code=reference.code, **values)
        session.add(force)
        await session.flush()
        report.count("forces", created=True)
    elif _assign(force, values):
        report.count("forces", created=False)

    profile_values = {
        "officers_fte": reference.officers_fte,
        "staff_fte": reference.estimated_staff_fte,
        "pcso_fte": reference.estimated_pcso_fte,
        "population": reference.population,
        "staff_figures_estimated": True,
    }
    profile = (
        await session.execute(
            select(ForceProfile).where(ForceProfile.force_id == force.id, ForceProfile.year == REFERENCE_YEAR)
        )
    ).scalar_one_or_none()
    if profile is None:
        session.add(ForceProfile(force_id=force.id, year=REFERENCE_YEAR, **profile_values))
        report.count("force profiles", created=True)
    elif _assign(profile, profile_values):
        report.count("force profiles", created=False)
    return force


async def _upsert_users(session: AsyncSession, people: tuple[DemoUser, ...], report: SeedReport) -> None:
    forces = dict((await session.execute(select(Force.code, Force.id))).all())
    divisions = {
        (force_code, code): division_id
        for force_code, code, division_id in await session.execute(
            select(Force.code, Division.code, Division.id).join(Force, Force.id == Division.force_id)
        )
    }
    existing = {user.email: user for user in (await session.execute(select(User))).scalars()}
    # One Argon2 hash for all: they share the demo password anyway, and sixty hashes would take seconds.
    password_hash: str | None = None
    for demo in people:
        values = {
            "display_name": demo.display_name,
            "role": Role(demo.role),
            "force_id": forces[demo.force_code] if demo.force_code else None,
            "division_id": divisions[(demo.force_code, demo.division_code)]
            if demo.force_code and demo.division_code
            else None,
            "is_active": True,
        }
        user = existing.get(demo.email)
        if user is None:
            password_hash = password_hash or await hash_password_in_thread(DEMO_PASSWORD)
            session.add(User(email=demo.email, password_hash=password_hash, must_change_password=False, **values))
            report.count("users", created=True)
        elif _assign(user, values):
            report.count("users", created=False)


def apportion(total: decimal.Decimal, weights: list[float]) -> list[decimal.Decimal]:
    """Split ``total`` in proportion to ``weights``, to the hundredth, the parts adding up to the total."""
    whole = sum(weights)
    parts = [(total * decimal.Decimal(weight / whole)).quantize(_HUNDREDTH) for weight in weights]
    parts[-1] += total.quantize(_HUNDREDTH) - sum(parts)
    return parts


async def _upsert_divisions(
    session: AsyncSession,
    force: Force,
    reference: ReferenceForce,
    divisions: tuple[DemoDivision, ...],
    rng: random.Random,
    report: SeedReport,
) -> None:
    # Divisions are not staffed in exact proportion to the people they police; the seeded jitter says so.
    weights = [division.weight * rng.uniform(0.9, 1.1) for division in divisions]
    officers = apportion(reference.officers_fte * decimal.Decimal(DIVISIONAL_SHARE_OF_OFFICERS), weights)
    staff = apportion(reference.estimated_staff_fte * decimal.Decimal(DIVISIONAL_SHARE_OF_STAFF), weights)
    existing = {
        division.code: division
        for division in (await session.execute(select(Division).where(Division.force_id == force.id))).scalars()
    }
    for demo, officers_fte, staff_fte in zip(divisions, officers, staff, strict=True):
        values = {"name": demo.name, "officers_fte": officers_fte, "staff_fte": staff_fte}
        division = existing.get(demo.code)
        if division is None:
            session.add(Division(force_id=force.id, code=demo.code, **values))
            report.count("divisions", created=True)
        elif _assign(division, values):
            report.count("divisions", created=False)
