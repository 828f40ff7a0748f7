"""The load client: many requests at a set concurrency, their latencies, their answers, and the client's own CPU.

One ``httpx.AsyncClient`` per person, with keep-alive connections enough for every concurrent request, so
32 concurrent clients are 32 tasks sharing one connection pool rather than 32 processes. The client's CPU
(``time.process_time`` over the wall time of the run) is kept with every result: when it nears one core,
the client, not the server, sets the pace, and ``/healthz`` at the same concurrency shows that ceiling.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from quest.demo.catalogue import DEMO_PASSWORD

# What one request returns: an HTTP status, or the name of the error that stopped it.
Send = Callable[[], Awaitable[int]]
OK = frozenset({200})
# The demo's people, one a role, who sign in with the demo password.
PEOPLE = {
    "staff": "staff@lancashire.example",
    "manager": "manager@lancashire.example",
    "validator": "validator@lancashire.example",
    "force_hq": "hq@lancashire.example",
    "national": "national@quest.example",
}


def percentile(seconds: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``share`` of them at or below it."""
    if not seconds:
        raise ValueError("no latencies to take a percentile of")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}")
    ordered = sorted(seconds)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A run of requests: each one's latency, what each answered, how long it took, the client's CPU."""

    latencies: list[float]
    outcomes: Counter[str]
    wall_seconds: float
    client_cpu_seconds: float
    expected: frozenset[int] = OK

    def p(self, share: float) -> float:
        return percentile(self.latencies, share)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def failures(self) -> int:
        """Answers other than the expected ones (non-2xx, or a transport error): counted, never dropped."""
        expected = {str(status) for status in self.expected}
        return sum(count for outcome, count in self.outcomes.items() if outcome not in expected)

    def failures_named(self) -> str:
        """The failures by answer, e.g. "503: 2, ReadTimeout: 1", or "none"."""
        expected = {str(status) for status in self.expected}
        failed = sorted((outcome, count) for outcome, count in self.outcomes.items() if outcome not in expected)
        return ", ".join(f"{outcome}: {count}" for outcome, count in failed) or "none"

    @property
    def rate(self) -> float:
        """Requests answered a second over the run."""
        return self.requests / self.wall_seconds

    @property
    def client_cpu_share(self) -> float:
        """The load client's CPU over the run's wall time: 1.0 is one core kept busy."""
        return self.client_cpu_seconds / self.wall_seconds


async def run_load(
    send: Send,
    concurrency: int,
    requests: int,
    *,
    warm_up: int = 0,
    seconds: float = math.inf,
    expected: frozenset[int] = OK,
) -> LoadResult:
    """``requests`` calls of ``send``, ``concurrency`` at a time, after ``warm_up`` calls not counted. Past
    ``seconds`` a client starts no more after its first, so a slow page is measured on fewer requests."""
    for _ in range(warm_up):
        await send()
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    remaining = requests

    async def one_client() -> None:
        nonlocal remaining
        first = True
        while remaining > 0 and (first or time.perf_counter() < until):
            first = False
            remaining -= 1
            started = time.perf_counter()
            try:
                outcome = str(await send())
            except (httpx.HTTPError, OSError) as error:
                outcome = type(error).__name__
            latencies.append(time.perf_counter() - started)
            outcomes[outcome] += 1

    cpu_before, wall_before = time.process_time(), time.perf_counter()
    until = wall_before + seconds
    await asyncio.gather(*(one_client() for _ in range(concurrency)))
    wall, cpu = time.perf_counter() - wall_before, time.process_time() - cpu_before
    return LoadResult(latencies, outcomes, wall, cpu, expected)


def browser(base: str, concurrency: int) -> httpx.AsyncClient:
    """One person's browser, able to keep ``concurrency`` requests open at once over keep-alive connections."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=300, follow_redirects=False)


async def sign_in(client: httpx.AsyncClient, email: str) -> None:
    """Sign in as the browser does: a GET sets the CSRF cookie, the form sends it back."""
    await client.get("/sign-in")
    token = client.cookies.get("quest_csrf") or ""
    response = await client.post(
        "/sign-in", data={"email": email, "password": DEMO_PASSWORD, "next": "/", "_csrf_token": token}
    )
    if response.status_code != 303:
        raise SystemExit(f"signing in as {email} answered {response.status_code}")


def csrf(client: httpx.AsyncClient) -> str:
    """The CSRF token this browser holds (set by any page it has opened)."""
    return client.cookies.get("quest_csrf") or ""
