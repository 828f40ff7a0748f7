"""Benchmark: other people's requests while a burst of people sign in (issue item 15).

An Argon2id check takes about half a second of CPU and 64 MiB. Run on the event loop, each sign-in held up
every other request of its worker for that long. This starts a real ``quest serve`` (one worker) on the
small demo, signs one person in, and measures the latency of their cheap signed-in request
(``GET /api/v1/me``, one after another):

- at rest: the floor, measured in the same run;
- during a burst of ``--burst`` sign-ins sent at once, each from a browser of its own that has already
  fetched the sign-in page (so the burst is the password checks, not page rendering).

It prints p50, p95 and the worst for both, the ratio of the burst's p95 to the floor's, and how long the
burst took. Every round is printed, then the ratio of the round with the median ratio.

    .venv/bin/python bench/signin_burst.py                    # SQLite, in a temporary folder
    .venv/bin/python bench/signin_burst.py --burst 32 --rounds 5
    QUEST_BENCH_DATABASE_URL=postgresql+asyncpg://postgres@localhost/quest_bench \\
        .venv/bin/python bench/signin_burst.py                # SQLite, then that PostgreSQL database
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from quest import migrations
from quest.config import Settings, default_database_url
from quest.db import open_database
from quest.demo.catalogue import DEMO_PASSWORD, DEMO_USERS
from quest.demo.seed import seed_small

OBSERVER = "staff@lancashire.example"
FLOOR_REQUESTS = 200
SECRET_KEY = "bench-secret-key-that-is-long-enough-0123456789"


@dataclass(frozen=True, slots=True)
class Latencies:
    seconds: list[float]

    def percentile(self, share: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    def describe(self) -> str:
        return (
            f"p50 {self.percentile(0.5) * 1000:7.1f} ms   p95 {self.percentile(0.95) * 1000:7.1f} ms   "
            f"worst {max(self.seconds) * 1000:7.1f} ms   ({len(self.seconds)} requests)"
        )


def prepare(settings: Settings) -> None:
    """A database at the latest revision with the demo's forces, divisions and people."""
    migrations.upgrade(settings)

    async def seed() -> None:
        async with open_database(settings) as session_maker:
            await seed_small(session_maker, seed=1, history=False)

    asyncio.run(seed())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUEST_")}
    env |= {
        "QUEST_DATA_DIR": str(settings.data_dir),
        "QUEST_DATABASE_URL": settings.database_url,
        "QUEST_SECRET_KEY": SECRET_KEY,
        "QUEST_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "quest", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(httpx.TransportError):  # not listening yet
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise SystemExit("quest serve did not start")
        time.sleep(0.2)


async def ready_to_sign_in(base: str) -> tuple[httpx.AsyncClient, str]:
    """A browser that has fetched the sign-in page, and the page's CSRF token."""
    browser = httpx.AsyncClient(base_url=base, timeout=120)
    page = await browser.get("/sign-in")
    match = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page.text)
    assert match is not None, "no CSRF field on the sign-in page"
    return browser, match.group(1)


async def sign_in(browser: httpx.AsyncClient, token: str, email: str) -> None:
    response = await browser.post(
        "/sign-in", data={"email": email, "password": DEMO_PASSWORD, "next": "/", "_csrf_token": token}
    )
    assert response.status_code == 303, f"sign-in answered {response.status_code}"


async def observe(observer: httpx.AsyncClient, until: asyncio.Event | None, count: int = 0) -> Latencies:
    """The observer's requests one after another: ``count`` of them, or until ``until`` is set."""
    seconds: list[float] = []
    while (until is not None and not until.is_set()) or (until is None and len(seconds) < count):
        started = time.perf_counter()
        response = await observer.get("/api/v1/me")
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, f"/api/v1/me answered {response.status_code}"
    return Latencies(seconds)


async def one_round(base: str, observer: httpx.AsyncClient, burst: int) -> tuple[Latencies, Latencies, float]:
    floor = await observe(observer, None, FLOOR_REQUESTS)
    browsers = [await ready_to_sign_in(base) for _ in range(burst)]
    emails = [user.email for user in DEMO_USERS]
    done = asyncio.Event()
    watching = asyncio.create_task(observe(observer, done))
    started = time.perf_counter()
    await asyncio.gather(
        *(sign_in(browser, token, emails[number % len(emails)]) for number, (browser, token) in enumerate(browsers))
    )
    burst_seconds = time.perf_counter() - started
    done.set()
    during = await watching
    for browser, _token in browsers:
        await browser.aclose()
    return floor, during, burst_seconds


async def bench(engine: str, base: str, burst: int, rounds: int) -> None:
    observer, token = await ready_to_sign_in(base)
    await sign_in(observer, token, OBSERVER)
    ratios = []
    for number in range(1, rounds + 1):
        floor, during, burst_seconds = await one_round(base, observer, burst)
        ratio = during.percentile(0.95) / floor.percentile(0.95)
        ratios.append(ratio)
        print(f"{engine:<10} round {number}  at rest:           {floor.describe()}")
        print(f"{engine:<10} round {number}  during {burst:>3} sign-ins: {during.describe()}")
        print(
            f"{engine:<10} round {number}  burst took {burst_seconds:.2f} s ({burst / burst_seconds:.1f} sign-ins/s); "
            f"p95 during ÷ p95 at rest = {ratio:.1f}×"
        )
    await observer.aclose()
    print(f"{engine:<10} median of the rounds: p95 during the burst is {statistics.median(ratios):.1f}× the floor's")


def settings_for(folder: Path, database_url: str | None = None) -> Settings:
    return Settings(
        data_dir=folder,
        database_url=database_url or default_database_url(folder),
        secret_key=SECRET_KEY,
        log_level="WARNING",
    )


def run(engine: str, settings: Settings, burst: int, rounds: int) -> None:
    prepare(settings)
    port = free_port()
    server = start_server(settings, port)
    try:
        asyncio.run(bench(engine, f"http://127.0.0.1:{port}", burst, rounds))
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=16, help="sign-ins sent at once (default 16)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each with its own floor (default 3)")
    options = parser.parse_args()
    postgres = os.environ.get("QUEST_BENCH_DATABASE_URL", "").strip()
    print(f"one worker; the observer's GET /api/v1/me at rest, then during {options.burst} sign-ins at once")
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", settings_for(Path(folder)), options.burst, options.rounds)
        if postgres:
            run("PostgreSQL", settings_for(Path(folder), postgres), options.burst, options.rounds)


if __name__ == "__main__":
    main()
