"""What every request costs the server: ``/healthz`` and the manager's idea list (division, 50 rows), at 1 and
at 32 clients, against ``quest serve --workers N`` on a given database.

Beside the rate and the p95, the workers' own CPU a request (user + system, read from /proc before and
after each run): on a shared machine the rate moves with whatever else is running, but the CPU each
request costs the server does not, so that is the figure to compare before and after a change. The
workers' resident memory (peak and now) is printed at the end.

    .venv/bin/python -m bench.request_cost --database sqlite+aiosqlite:////path/quest.db
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

import uvloop

from bench.load import PEOPLE, browser, run_load, sign_in
from bench.machine import load_average
from bench.memory import resident
from bench.pages import find_targets
from bench.server import Server, serving
from quest.config import Settings

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes have used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


async def measure(server: Server, paths: dict[str, str], concurrencies: list[int], requests: int) -> None:
    client = browser(server.base, max(concurrencies))
    workers = server.workers()
    try:
        await sign_in(client, PEOPLE["manager"])
        for name, path in paths.items():
            for concurrency in concurrencies:

                async def send(path: str = path) -> int:
                    return (await client.get(path)).status_code

                await run_load(send, concurrency, 4 * concurrency)  # warm up
                before = cpu_seconds(workers)
                result = await run_load(send, concurrency, requests if concurrency > 1 else requests // 4)
                spent = cpu_seconds(workers) - before
                print(
                    f"{name:<10} {concurrency:>2} clients  {result.rate:7.1f} req/s  "
                    f"p50 {result.p(0.5) * 1000:6.1f} ms  p95 {result.p(0.95) * 1000:6.1f} ms  "
                    f"server CPU {spent / result.requests * 1000:5.2f} ms/request  "
                    f"client CPU {result.client_cpu_share:4.2f}  failures: {result.failures_named()}",
                    flush=True,
                )
    finally:
        await client.aclose()
    for pid in workers:
        memory = resident(pid)
        print(f"worker {pid}: resident peak {memory.peak_mb:.0f} MB, now {memory.now_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, metavar="URL")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=1000, help="requests a run at 32 clients (a quarter at 1)")
    parser.add_argument("--only", choices=["healthz", "ideas"], help="measure one of the two")
    parser.add_argument("--clients", type=int, action="append", help="concurrency (default 1 and 32)")
    chosen = parser.parse_args()
    settings = Settings(data_dir=Path(tempfile.gettempdir()), database_url=chosen.database, log_level="WARNING")
    targets = asyncio.run(find_targets(settings))
    paths = {"healthz": "/healthz", "ideas": f"/ideas?division={targets.division_id}"}
    if chosen.only:
        paths = {chosen.only: paths[chosen.only]}
    with tempfile.TemporaryDirectory() as folder, serving(Path(folder), chosen.database, chosen.workers) as server:
        uvloop.run(measure(server, paths, chosen.clients or [1, 32], chosen.requests))
    print(f"load average: {load_average()}")


if __name__ == "__main__":
    main()
