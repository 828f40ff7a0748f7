"""Idea submission by many writers at once (DESIGN §7: at least 500 a second on SQLite and 1,000 on
PostgreSQL with 32 concurrent writers; none lost; no "database is locked").

Each writer sends the "Raise an idea" form as the demo's staff member does (a 303 to the new idea is a
success). Afterwards the ideas bearing this run's marker are counted in the database: ideas asked for
minus ideas found is the writes lost. The answers other than 303 are counted by status, and the server's
log by the lines that say "database is locked".

Alone, against a prepared database (``bench/run`` runs it within the whole suite)::

    .venv/bin/python -m bench.writers --database sqlite+aiosqlite:////tmp/demo/quest.db --rounds 3
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import uvloop
from sqlalchemy import func, select

from bench.load import PEOPLE, LoadResult, browser, csrf, run_load, sign_in
from bench.server import Server, serving
from quest.config import Settings
from quest.db import create_engine
from quest.ideas.models import Idea
from quest.web.flash import COOKIE_NAME as FLASH_COOKIE

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
            status = (await client.post("/ideas/new", data=form)).status_code
            # A browser follows the 303 to a page that shows the flashed "Your idea … has been sent" and
            # clears it; a writer that never does would send every message so far back with each request,
            # a cookie growing to tens of kilobytes (more than a browser keeps) that every layer re-reads.
            client.cookies.delete(FLASH_COOKIE)
            return status

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


def main(arguments: list[str] | None = None) -> None:
    """Only this benchmark, against ``quest serve --workers 2`` on a prepared database, beside ``/healthz``
    of the same server at the same concurrency (the framework's floor)."""
    parser = argparse.ArgumentParser(prog="python -m bench.writers", description=main.__doc__)
    parser.add_argument("--database", required=True, metavar="URL", help="a prepared database (quest demo)")
    parser.add_argument("--writers", type=int, default=32, help="concurrent writers (default 32)")
    parser.add_argument("--writes", type=int, default=640, help="ideas submitted a round (default 640)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds, each printed (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="quest serve --workers (default 2)")
    chosen = parser.parse_args(arguments)
    with tempfile.TemporaryDirectory(prefix="quest-writers-") as folder:
        settings = Settings(data_dir=Path(folder), database_url=chosen.database, log_level="WARNING")
        with serving(Path(folder), chosen.database, workers=chosen.workers) as server:
            uvloop.run(_rounds(server, settings, chosen))


async def _rounds(server: Server, settings: Settings, chosen: argparse.Namespace) -> None:
    health = browser(server.base, chosen.writers)

    async def healthz() -> int:
        return (await health.get("/healthz")).status_code

    try:
        for _ in range(chosen.rounds):
            before = _workers_cpu(server)
            floor = await run_load(healthz, chosen.writers, chosen.writes)
            between = _workers_cpu(server)
            done = await submit_ideas(server.base, settings, chosen.writers, chosen.writes)
            after = _workers_cpu(server)
            print(
                f"{chosen.writers} writers: {done.rate:,.1f} ideas/s, p50 {done.load.p(0.5) * 1000:.0f} ms, "
                f"p95 {done.load.p(0.95) * 1000:.0f} ms, lost {done.lost}, other than 303: "
                f"{done.load.failures_named()}, locked in the log {server.log_count(LOCKED)}; "
                f"workers' CPU {(after - between) / done.asked * 1000:.1f} ms an idea; "
                f"/healthz {floor.rate:,.0f}/s p95 {floor.p(0.95) * 1000:.0f} ms, "
                f"CPU {(between - before) / floor.requests * 1000:.1f} ms; "
                f"client CPU {done.load.client_cpu_share:.2f}; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    finally:
        await health.aclose()


def _workers_cpu(server: Server) -> float:
    """CPU seconds the server's workers have used so far (user and system, from /proc): per request, a
    figure that a busy machine slows less than it slows the rate."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in server.workers():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime, the stat file's 14th and 15th
    return total / ticks


if __name__ == "__main__":
    main()
