"""Idea submission by many writers at once (DESIGN §7: at least 500 a second on SQLite and 1,000 on
PostgreSQL with 32 concurrent writers; none lost; no "database is locked").

Each writer sends the "Raise an idea" form as the demo's staff member does (a 303 to the new idea is a
success). Afterwards the ideas bearing this run's marker are counted in the database: ideas asked for
minus ideas found is the writes lost. The answers other than 303 are counted by status, and the server's
log by the lines that say "database is locked".
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from bench.load import PEOPLE, LoadResult, browser, csrf, run_load, sign_in
from quest.config import Settings
from quest.db import create_engine
from quest.ideas.models import Idea

SUBMITTED = frozenset({303})  # the form answers a new idea with a redirect to it
LOCKED = "database is locked"  # what SQLite says when a writer gave up waiting for the lock


@dataclass(frozen=True, slots=True)
class Submissions:
    """The writers' requests, the ideas they asked for, and the ideas the database holds afterwards."""

    load: LoadResult
    asked: int
    stored: int

    @property
    def lost(self) -> int:
        return self.asked - self.stored

    @property
    def rate(self) -> float:
        """Ideas stored a second over the run."""
        return self.stored / self.load.wall_seconds


def idea_form(title: str, csrf_token: str) -> dict[str, str]:
    """The "Raise an idea" form as the staff member fills it in."""
    return {
        "title": title,
        "problem": "Officers re-type the same incident details into three systems every shift.",
        "proposal": "Enter them once and let the other systems read them.",
        "process": "Incident logging",
        "waste_types": "extra_processing",
        "_csrf_token": csrf_token,
    }


async def submit_ideas(base: str, settings: Settings, writers: int, ideas: int) -> Submissions:
    marker = f"Bench {uuid.uuid4().hex[:8]}"
    numbers = itertools.count(1)
    client = browser(base, writers)
    try:
        await sign_in(client, PEOPLE["staff"])
        await client.get("/ideas/new")  # the form, as the person opens it

        async def send() -> int:
            form = idea_form(f"{marker} idea {next(numbers)}", csrf(client))
            return (await client.post("/ideas/new", data=form)).status_code

        load = await run_load(send, writers, ideas, expected=SUBMITTED)
    finally:
        await client.aclose()
    return Submissions(load, load.requests, await _stored(settings, marker))


async def _stored(settings: Settings, marker: str) -> int:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            found = select(func.count()).select_from(Idea).where(Idea.title.startswith(f"{marker} "))
            return int((await connection.execute(found)).scalar_one())
    finally:
        await engine.dispose()
