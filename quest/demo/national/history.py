"""The national dataset's history, division by division, in batches of rows ready to write: pure, no I/O.

It runs in a process of its own (:mod:`quest.demo.national.seed` starts it), so that making rows and
writing them use both cores: everything it needs comes in one :class:`Task` and everything it makes goes
out as batches of :class:`~quest.demo.national.rows.Rows`.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from quest.accounts.roles import Role
from quest.demo.history import DEMO_MANAGER_EMAIL, DEMO_STAFF_EMAIL, DEMO_VALIDATOR_EMAIL
from quest.demo.national import rows as made
from quest.demo.national.load import CODECS
from quest.demo.national.plan import ADMINISTRATORS, NATIONAL_TEAM, Plan

# Rows held in memory before they go to be written.
BATCH_ROWS = 250_000


@dataclass(frozen=True, slots=True)
class Member:
    """A named demo user, seeded through the ORM before the history is made."""

    id: uuid.UUID
    force_id: uuid.UUID | None
    division_id: uuid.UUID | None


@dataclass(frozen=True)
class Task:
    seed: int
    plan: Plan
    engine: str  # "sqlite" or "postgresql": how the driver takes each value
    places: tuple[made.Place, ...]  # every division, in the order of force and division codes
    members: dict[str, Member]  # the demo users, by email
    password_hash: str  # the demo password's hash, which everyone shares
    part: int = 0  # which of the makers this is
    parts: int = 1  # how many makers share the work


def _divide(task: Task) -> tuple[frozenset[str], tuple[made.Place, ...]]:
    """The forces (by code) and divisions this maker makes: the largest force goes to the maker with the
    fewest officers so far, and so on, so that each has about as much to do."""
    loads = [decimal.Decimal(0)] * task.parts
    mine = set()
    for force in sorted(task.plan.forces, key=lambda force: (-force.reference.officers_fte, force.reference.code)):
        maker = loads.index(min(loads))
        loads[maker] += force.reference.officers_fte
        if maker == task.part:
            mine.add(force.reference.code)
    return frozenset(mine), tuple(place for place in task.places if place.force_code in mine)


def batches(task: Task) -> Iterator[tuple[str, made.Rows]]:
    """This maker's share of the dataset (every force's people, backlogs, ideas and waste are made by one
    maker, from random sources of their own: the rows do not depend on how the work is shared), in
    batches of about :data:`BATCH_ROWS` rows, each with a line saying how far it got."""
    seed, plan = task.seed, task.plan
    codes, places = _divide(task)
    codec = CODECS[task.engine]
    start = datetime.datetime.combine(plan.first_day, datetime.time(), tzinfo=datetime.UTC)
    now = datetime.datetime.combine(plan.today, datetime.time(), tzinfo=datetime.UTC)

    def member(email: str) -> made.Person:
        return made.Person(codec.id(task.members[email].id), str(task.members[email].id), email)

    rows = made.Rows()
    forces = {place.force_code: place.force_id for place in places}
    validators: dict[uuid.UUID, list[made.Person]] = {}
    for force_plan in plan.forces:
        code = force_plan.reference.code
        if code not in codes:
            continue
        roles = ((Role.VALIDATOR, force_plan.validators), (Role.FORCE_HQ, force_plan.hq_posts))
        rng = made.division_random(seed, "people", code)
        people = made.force_people(rows, codec, rng, code, forces[code], roles, task.password_hash, start)
        validators[forces[code]] = people[Role.VALIDATOR]
        if task.members[DEMO_VALIDATOR_EMAIL].force_id == forces[code]:
            validators[forces[code]].append(member(DEMO_VALIDATOR_EMAIL))
    if task.part == 0:
        everyone = ((Role.NATIONAL, NATIONAL_TEAM), (Role.ADMIN, ADMINISTRATORS))
        rng = made.division_random(seed, "people")
        made.force_people(rows, codec, rng, "quest", None, everyone, task.password_hash, start)
    outside = sum(force.validators + force.hq_posts for force in plan.forces) + NATIONAL_TEAM + ADMINISTRATORS
    officers = sum(float(place.officers_fte) for place in task.places)
    references = made.References()
    # Counts up to yesterday: today's are still to be entered, as on any morning.
    first_reading = plan.today - datetime.timedelta(days=plan.reading_days)
    for number, place in enumerate(places, start=1):
        share = float(place.officers_fte) / officers
        rng = made.division_random(seed, place.force_code, place.code)
        team = made.division_people(
            rows, codec, rng, place, round((plan.users - outside) * share), task.password_hash, start
        )
        if task.members[DEMO_STAFF_EMAIL].division_id == place.id:
            team.staff.insert(0, member(DEMO_STAFF_EMAIL))
            team.managers.insert(0, member(DEMO_MANAGER_EMAIL))
        made.backlogs(rows, codec, rng, place, first_reading, plan.reading_days, start)
        history = made.History(place, team, validators[place.force_id], codec, start, now, references)
        ideas = made.division_ideas(rows, rng, history, round(plan.ideas * share))
        made.division_waste(rows, rng, history, round(plan.waste_observations * share), ideas)
        if number == len(places):
            for code, force_id in forces.items():
                rows.add("force_counters", (codec.id(force_id), "ideas", references.taken[code]))
        if rows.count() >= BATCH_ROWS or number == len(places):
            yield f"maker {task.part + 1} of {task.parts}: {number}/{len(places)} of its divisions", rows
            rows = made.Rows()
