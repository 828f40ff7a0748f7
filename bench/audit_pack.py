"""The audit pack of the largest force (issue 14): a real ``quest serve`` (one worker) on a database
already filled, national headquarters downloading the force's pack in each format, with the seconds it
took and the worker's peak resident memory, each beside a floor measured in the same run:

- seconds: the bare statements of the pack's claims and audit trail (the two largest parts), their rows
  read and thrown away in this process, with no pack made of them;
- memory: the worker's resident size after ``/healthz``, before any pack.

Meanwhile ``/healthz`` is asked of the same worker every 0.2 s: its slowest answer shows whether the pack
holds the worker (a pack made whole before its first byte held it for the whole time).

The worker's peak (``VmHWM``) is reset before each pack (``/proc/PID/clear_refs``), so each figure is
that pack's own. DESIGN §7's target is 300 MB a worker.

    .venv/bin/python -m bench.audit_pack [--database URL] [--year 2025] [--force CODE] [--formats xlsx,html,json]

The default database is a copy of the national dataset at /work/pack-nat.db (the pack writes nothing, but
``quest serve`` migrates the database it is given): make it with ``cp`` from the one ``quest demo --scale
national`` made. Not part of ``bench/run``: one pack of the largest force takes a minute or more.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import and_, func, select, true
from sqlalchemy.ext.asyncio import create_async_engine

from bench.load import sign_in
from bench.memory import resident
from bench.report import ratio
from bench.server import serving
from quest.audit.models import AuditEntry
from quest.columns import UuidText
from quest.org.models import Force
from quest.savings.models import SavingsClaim
from quest.savings.year_sums import falls_in_year

COPY = "sqlite+aiosqlite:////work/pack-nat.db"
NATIONAL_HQ = "national@quest.example"
ADDRESSES = {
    "xlsx": "/savings/audit-pack?fy={year}&force={force}&format=xlsx",
    "html": "/savings/audit-pack?fy={year}&force={force}",
    "json": "/api/v1/savings/audit-pack?fy={year}&force={force}",
}


async def force_and_claims(url: str, year: int, force: str | None) -> tuple[str, int]:
    """``force`` (or, None, the force with the most claims in the year) and its claims in the year."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    select(Force.code, func.count())
                    .join(SavingsClaim, SavingsClaim.force_id == Force.id)
                    .where(falls_in_year(year), true() if force is None else Force.code == force)
                    .group_by(Force.code)
                    .order_by(func.count().desc())
                    .limit(1)
                )
            ).one()
            return str(row[0]), int(row[1])
    finally:
        await engine.dispose()


async def floor_seconds(url: str, year: int, force: str) -> tuple[float, int]:
    """The bare statements of the pack's claims and their audit trail, every row fetched and dropped."""
    engine = create_async_engine(url)
    in_pack = and_(
        SavingsClaim.force_id == select(Force.id).where(Force.code == force).scalar_subquery(), falls_in_year(year)
    )
    claims = select(SavingsClaim).where(in_pack)
    entries = (
        select(AuditEntry)
        .join(SavingsClaim, UuidText(SavingsClaim.id) == AuditEntry.entity_id)
        .where(AuditEntry.entity == "savings_claims", in_pack)
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    )
    rows = 0
    try:
        async with engine.connect() as connection:
            started = time.perf_counter()
            for statement in (claims, entries):
                result = await connection.stream(statement.execution_options(yield_per=1000))
                async for batch in result.partitions():
                    rows += len(batch)
            return time.perf_counter() - started, rows
    finally:
        await engine.dispose()


def _reset_peak(pid: int) -> None:
    with contextlib.suppress(OSError):  # not allowed: the peak then counts from the worker's start
        Path(f"/proc/{pid}/clear_refs").write_text("5")


async def download(base: str, path: str) -> tuple[float, float, int, int, list[float]]:
    """Seconds to the first byte and to the last, the bytes, the status, and the seconds ``/healthz`` took
    each time it was asked (every 0.2 s) while the pack was on its way: the same worker answers both, so a
    pack that held the worker would show here."""
    async with httpx.AsyncClient(base_url=base, timeout=1800) as client:
        await sign_in(client, NATIONAL_HQ)
        started = time.perf_counter()
        first = None
        size = 0
        health: list[float] = []
        done = asyncio.Event()

        async def ask_health() -> None:
            async with httpx.AsyncClient(base_url=base, timeout=600) as other:
                while not done.is_set():
                    asked = time.perf_counter()
                    await other.get("/healthz")
                    health.append(time.perf_counter() - asked)
                    await asyncio.sleep(0.2)

        asking = asyncio.create_task(ask_health())
        async with client.stream("GET", path, headers={"Accept": "*/*"}) as answer:
            async for chunk in answer.aiter_bytes():
                first = first or time.perf_counter() - started
                size += len(chunk)
        seconds = time.perf_counter() - started
        done.set()
        await asking
        return first or 0.0, seconds, size, answer.status_code, health


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=COPY)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--force", default=None, help="a force's code (default: the most claims in the year)")
    parser.add_argument("--formats", default="xlsx,html,json")
    options = parser.parse_args()
    force, claims = asyncio.run(force_and_claims(options.database, options.year, options.force))
    floor, floor_rows = asyncio.run(floor_seconds(options.database, options.year, force))
    print(f"{options.database}: {force}, financial year {options.year}: {claims:,} claims")
    print(f"floor: the bare statements of its claims and audit trail, {floor_rows:,} rows: {floor:.1f} s")
    with tempfile.TemporaryDirectory() as folder, serving(Path(folder), options.database, 1) as server:
        httpx.get(f"{server.base}/healthz")
        (pid,) = server.workers()
        idle = resident(pid).now_mb
        print(f"worker {pid}: {idle:.0f} MB resident after /healthz (the memory floor); target 300 MB")
        for name in options.formats.split(","):
            _reset_peak(pid)
            path = ADDRESSES[name].format(year=options.year, force=force)
            first, seconds, size, status, health = asyncio.run(download(server.base, path))
            peak = resident(pid).peak_mb
            print(
                f"  {name:<4} {status} {size / 1e6:8.1f} MB sent; first byte {first:6.1f} s, "
                f"all {seconds:6.1f} s ({ratio(seconds, floor)} the floor); "
                f"worker peak {peak:5.0f} MB ({ratio(peak, idle)} the floor); "
                f"/healthz meanwhile: {len(health)} asked, slowest {max(health, default=0) * 1000:,.0f} ms"
            )


if __name__ == "__main__":
    main()
