"""A bounded soak (issue 12, item 4): every role at work at once for some minutes against a running
``quest serve --workers 2``, then three checks: no errors, memory flat, and the audit trail holding
exactly the writes made.

The roles do what they do daily, through the same forms and pages as a browser:

- staff raise ideas and save the day's backlog counts;
- a manager takes each new idea through the workflow to implemented (the version they saw sent with
  every move), then claims a saving on it;
- a validator validates those claims (found in the database, as the validator's list would show them);
- force HQ and national read lists and pages.

Every request carries an ``X-Request-ID`` naming this run and the kind of request; QUEST writes that id
on each audit row the request causes. So afterwards each successful write must have audit rows, and
every audit row added during the run must belong to a successful write: no write lost from the trail,
none recorded twice or by a request that failed or only read. The workers' resident memory is read
every 10 s.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.database import Database
from bench.load import PEOPLE, browser, csrf, percentile, sign_in
from bench.memory import resident
from bench.server import Server, serving
from bench.writers import LOCKED, idea_form
from quest.accounts.models import User
from quest.audit.models import AuditEntry
from quest.db import create_engine
from quest.ideas.models import Idea
from quest.metrics.models import Metric
from quest.metrics.vocabulary import MetricKind
from quest.savings.models import SavingsClaim
from quest.savings.rules import ClaimStatus

MEMORY_EVERY_SECONDS = 10
FLAT_GROWTH = 0.10
# How many new ideas may wait for the manager before staff read instead of raising more.
WAITING_IDEAS = 16
# The manager's path for each idea, and what a move to implemented needs.
TO_IMPLEMENTED = ("under_review", "approved", "in_progress", "implemented")
IMPLEMENTED = {"learned": "Brief the teams before the change, not after."}
SAVING = {
    "kind": "non_cashable",
    "status": "claimed",
    "hours_per_year": "120",
    "grade": "constable_sergeant",
    "redeployed_to": "Neighbourhood patrol",
    "evidence": "Re-typing fell from three systems to one; 120 officer hours a year no longer spent on it.",
}
# What the validator reads while nothing waits: their home, the ledger, the possible double counts.
VALIDATOR_PAGES = ("/", "/savings", "/savings/double-counts")
# How the soak's savings happen: each claim names one of these and its own idea, so it has a mechanism of
# its own, as a division's varied claims do. (Claims on one mechanism all double count with each other:
# that pathological case is tested apart, tests/integration/test_double_count_groups.py.)
MECHANISMS = (
    "Incident details typed once",
    "Calls answered at first contact",
    "Fewer repeat visits",
    "Crime allocation by phone",
    "Custody paperwork cut",
    "Rota gaps filled sooner",
    "Property returned without a visit",
    "Witness statements taken once",
)
# The kinds of request that write; every other kind only reads.
WRITES = ("idea raised", "backlog counts saved", "idea moved", "saving claimed", "saving validated")


# --- What the run made and saw (pure) --------------------------------------------------------------------


@dataclass
class Tally:
    """Every request of the run by kind: its latency and answer, and the request ids of the writes that
    succeeded."""

    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    answers: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    written: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _numbers: Iterator[int] = field(default_factory=itertools.count)

    def request_id(self, kind: str) -> str:
        """``soak.<run>.<kind>.<n>``: what QUEST writes on the audit rows the request causes."""
        return f"soak.{self.run}.{kind.replace(' ', '_')}.{next(self._numbers)}"

    @property
    def audit_prefix(self) -> str:
        return f"soak.{self.run}."

    def record(self, kind: str, request_id: str, outcome: str, seconds: float, *, expected: str) -> bool:
        """Count one answer; True if it is the one expected (a write that succeeded is kept)."""
        self.latencies[kind].append(seconds)
        self.answers[kind, outcome] += 1
        if outcome != expected:
            self.errors[kind, outcome] += 1
            return False
        if kind in WRITES:
            self.written[kind].append(request_id)
        return True

    @property
    def requests(self) -> int:
        return sum(self.answers.values())

    def errors_by_status(self) -> str:
        """e.g. "500: 2 (idea moved: 2)", or "none"."""
        by_status: dict[str, Counter[str]] = defaultdict(Counter)
        for (kind, outcome), count in self.errors.items():
            by_status[outcome][kind] += count
        return (
            "; ".join(
                f"{outcome}: {sum(kinds.values())} ({', '.join(f'{kind}: {n}' for kind, n in sorted(kinds.items()))})"
                for outcome, kinds in sorted(by_status.items())
            )
            or "none"
        )


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """The writes the run made against the audit rows added while it ran."""

    writes: dict[str, int]  # successful writes, by kind
    rows: dict[str, int]  # audit rows carrying those writes' request ids, by kind
    unaudited: int  # successful writes with no audit row
    unexplained: int  # rows added during the run that no successful write of it accounts for
    added: int  # audit rows added during the run

    @property
    def balanced(self) -> bool:
        return self.unaudited == 0 and self.unexplained == 0

    def line(self) -> str:
        made = ", ".join(
            f"{kind} {count:,} ({self.rows.get(kind, 0) / count:.1f} rows each)"
            for kind, count in self.writes.items()
            if count
        )
        return (
            f"writes made: {sum(self.writes.values()):,} ({made}); audit rows added {self.added:,}, "
            f"of those writes {sum(self.rows.values()):,}; writes without an audit row {self.unaudited}, "
            f"rows no write accounts for {self.unexplained}: {'balanced' if self.balanced else 'NOT BALANCED'}"
        )


def check_audit(written: dict[str, list[str]], rows_by_request: dict[str, int], added: int) -> AuditCheck:
    """Match the run's successful writes (their request ids, by kind) with the audit rows found for each
    request id, and with the count of all rows added during the run."""
    writes = {kind: len(written.get(kind, [])) for kind in WRITES}
    rows = {kind: sum(rows_by_request.get(request_id, 0) for request_id in written.get(kind, [])) for kind in WRITES}
    unaudited = sum(1 for ids in written.values() for request_id in ids if rows_by_request.get(request_id, 0) == 0)
    return AuditCheck(writes, rows, unaudited, added - sum(rows.values()), added)


@dataclass(frozen=True, slots=True)
class MemoryTrace:
    """Each worker's resident memory (MB) as sampled, in order.

    Flat means no worker's highest sample in the second half of the run is more than
    :data:`FLAT_GROWTH` above its highest in the first half: a worker that grew while warming up and then
    held is flat; one still growing at the end is not."""

    samples: dict[int, list[float]]

    def grew(self, values: list[float]) -> float:
        """How much higher the second half's peak is than the first half's (0.1 is 10%)."""
        half = max(1, len(values) // 2)
        return max(values[half:] or values) / max(values[:half]) - 1

    @property
    def flat(self) -> bool:
        return all(self.grew(values) <= FLAT_GROWTH for values in self.samples.values())

    def line(self) -> str:
        if not self.samples:
            return "worker RSS: no samples"
        worst = max(max(values) for values in self.samples.values())
        each = "; ".join(
            f"worker {pid}: first {values[0]:.0f}, last {values[-1]:.0f}, max {max(values):.0f}, "
            f"second half's peak {self.grew(values):+.0%} on the first's"
            for pid, values in sorted(self.samples.items())
        )
        count = max(len(values) for values in self.samples.values())
        verdict = "flat" if self.flat else f"NOT FLAT (a worker grew more than {FLAT_GROWTH:.0%})"
        return (
            f"worker RSS, MB ({count} samples, every {MEMORY_EVERY_SECONDS} s): {each}; highest {worst:.0f}: {verdict}"
        )

    def minutes(self) -> list[str]:
        """Each worker's samples a minute apart, to see the shape of any growth."""
        step = max(1, 60 // MEMORY_EVERY_SECONDS)
        return [
            f"worker {pid} RSS each minute, MB: {', '.join(f'{value:.0f}' for value in values[::step])}"
            for pid, values in sorted(self.samples.items())
        ]


# --- The run -----------------------------------------------------------------------------------------------


class Soak:
    """The run's clock, tally and shared work: ideas waiting for the manager, claims taken to decide."""

    def __init__(self, base: str, engine: AsyncEngine, seconds: float) -> None:
        self.base = base
        self.engine = engine
        self.until = time.monotonic() + seconds
        self.tally = Tally()
        self.marker = f"Soak {self.tally.run}"
        self.waiting: asyncio.Queue[str] = asyncio.Queue()
        self.raised: list[str] = []  # references, for the readers to open
        self.taken: set[uuid.UUID] = set()
        self.numbers = itertools.count(1)

    def running(self) -> bool:
        return time.monotonic() < self.until

    async def send(
        self, client: httpx.AsyncClient, kind: str, path: str, form: dict[str, str] | None = None
    ) -> httpx.Response | None:
        """GET ``path`` (200 expected), or POST ``form`` to it (303 expected); None unless as expected."""
        request_id = self.tally.request_id(kind)
        headers = {"X-Request-ID": request_id}
        started = time.perf_counter()
        response: httpx.Response | None = None
        try:
            if form is None:
                response = await client.get(path, headers=headers)
            else:
                response = await client.post(path, data=form | {"_csrf_token": csrf(client)}, headers=headers)
            outcome = str(response.status_code)
        except (httpx.HTTPError, OSError) as error:
            outcome = type(error).__name__
        expected = "200" if form is None else "303"
        ok = self.tally.record(kind, request_id, outcome, time.perf_counter() - started, expected=expected)
        return response if ok else None

    def recent_idea(self) -> str:
        return f"/ideas/{self.raised[-1]}" if self.raised else "/ideas"


async def raising_ideas(soak: Soak, staff: httpx.AsyncClient) -> None:
    while soak.running():
        if soak.waiting.qsize() >= WAITING_IDEAS:  # the manager is behind: read instead
            await soak.send(staff, "staff reads", "/my-ideas")
            continue
        form = idea_form(f"{soak.marker} idea {next(soak.numbers)}", "")
        raised = await soak.send(staff, "idea raised", "/ideas/new", form)
        if raised is not None:
            reference = raised.headers["location"].rsplit("/", 1)[1]
            soak.raised.append(reference)
            soak.waiting.put_nowait(reference)


async def saving_backlog_counts(soak: Soak, staff: httpx.AsyncClient, metric_ids: list[uuid.UUID]) -> None:
    counts = itertools.count(1)
    while soak.running():
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        form = {"date": today} | {f"value-{metric_id}": str(next(counts) % 900 + 1) for metric_id in metric_ids}
        await soak.send(staff, "backlog counts saved", "/backlogs", form)
        await soak.send(staff, "staff reads", "/backlogs")


async def deciding(soak: Soak, manager: httpx.AsyncClient) -> None:
    """Each new idea to implemented, one move at a time with the version last seen, then a saving claimed."""
    while soak.running():
        try:
            reference = soak.waiting.get_nowait()
        except asyncio.QueueEmpty:
            await soak.send(manager, "manager reads", "/triage")
            continue
        if await soak.send(manager, "manager reads", f"/ideas/{reference}") is None:
            continue
        moved = True
        for version, to in enumerate(TO_IMPLEMENTED, start=1):
            extra = IMPLEMENTED | {"change_date": datetime.date.today().isoformat()} if to == "implemented" else {}
            form = {"to": to, "version": str(version), **extra}
            moved = await soak.send(manager, "idea moved", f"/ideas/{reference}/decision", form) is not None
            if not moved:
                break
        if moved:
            mechanism = f"{MECHANISMS[len(soak.raised) % len(MECHANISMS)]}: {reference}"
            saving = SAVING | {"mechanism": mechanism, "period_start": datetime.date.today().isoformat()}
            await soak.send(manager, "saving claimed", f"/ideas/{reference}/savings", saving)


async def validating(soak: Soak, validator: httpx.AsyncClient) -> None:
    while soak.running():
        claims = await _claims_to_decide(soak)
        if not claims:
            for path in VALIDATOR_PAGES:
                await soak.send(validator, "validator reads", path)
            await asyncio.sleep(0.5)
            continue
        for claim_id, version in claims:
            soak.taken.add(claim_id)
            form = {"decision": "validated", "note": "Checked against the rota.", "version": str(version)}
            await soak.send(validator, "saving validated", f"/savings/{claim_id}/decision", form)


async def _claims_to_decide(soak: Soak) -> list[tuple[uuid.UUID, int]]:
    """The run's claims waiting for a decision, as the validator's list of claimed savings shows them."""
    query = (
        select(SavingsClaim.id, SavingsClaim.version)
        .join(Idea, Idea.id == SavingsClaim.idea_id)
        .where(SavingsClaim.status == ClaimStatus.CLAIMED, Idea.title.startswith(f"{soak.marker} "))
        .order_by(SavingsClaim.id)
        .limit(20)
    )
    async with soak.engine.connect() as connection:
        return [
            (claim_id, version) for claim_id, version in await connection.execute(query) if claim_id not in soak.taken
        ]


async def reading(soak: Soak, reader: httpx.AsyncClient, kind: str, paths: list[Callable[[], str]]) -> None:
    for path in itertools.cycle(paths):
        if not soak.running():
            return
        await soak.send(reader, kind, path())


async def _backlogs_of(engine: AsyncEngine, email: str) -> list[uuid.UUID]:
    """The backlog measures of the person's division: the counts they save each day."""
    division = select(User.division_id).where(User.email == email).scalar_subquery()
    query = select(Metric.id).where(
        Metric.division_id == division, Metric.kind == MetricKind.BACKLOG, Metric.is_active.is_(True)
    )
    async with engine.connect() as connection:
        return list((await connection.execute(query.order_by(Metric.name))).scalars())


async def _audit_rows(engine: AsyncEngine, prefix: str | None = None) -> tuple[int, dict[str, int]]:
    """All audit rows, and (with ``prefix``) the rows of each request id that starts with it."""
    async with engine.connect() as connection:
        total = int((await connection.execute(select(func.count()).select_from(AuditEntry))).scalar_one())
        if prefix is None:
            return total, {}
        by_request = await connection.execute(
            select(AuditEntry.request_id, func.count())
            .where(AuditEntry.request_id.startswith(prefix))
            .group_by(AuditEntry.request_id)
        )
        return total, {str(request_id): int(count) for request_id, count in by_request}


async def _sample_memory(soak: Soak, workers: list[int], samples: dict[int, list[float]]) -> None:
    while True:
        for pid in workers:
            samples[pid].append(resident(pid).now_mb)
        if not soak.running():
            return
        await asyncio.sleep(min(MEMORY_EVERY_SECONDS, max(0.0, soak.until - time.monotonic())))


@dataclass(frozen=True, slots=True)
class SoakResult:
    minutes: float
    tally: Tally
    audit: AuditCheck
    memory: MemoryTrace
    workers_replaced: bool
    locked_in_log: int
    tracebacks_in_log: int

    @property
    def clean(self) -> bool:
        return (
            not self.tally.errors
            and self.audit.balanced
            and self.memory.flat
            and not self.workers_replaced
            and self.locked_in_log == self.tracebacks_in_log == 0
        )

    def lines(self, name: str) -> list[str]:
        tally = self.tally
        kinds = ", ".join(
            f"{kind} {len(seconds):,} (p50 {percentile(seconds, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(seconds, 0.95) * 1000:.0f} ms)"
            for kind, seconds in sorted(tally.latencies.items())
        )
        rate = tally.requests / (self.minutes * 60)
        return [
            f"{name} soak, {self.minutes:g} min: {tally.requests:,} requests ({rate:.1f}/s)",
            f"  by kind: {kinds}",
            f"  errors by status: {tally.errors_by_status()}",
            f"  {self.audit.line()}",
            f"  {self.memory.line()}",
            *(f"    {line}" for line in self.memory.minutes()),
            f"  workers replaced during the run: {'yes' if self.workers_replaced else 'no'}; "
            f"'{LOCKED}' in the log: {self.locked_in_log}; tracebacks in the log: {self.tracebacks_in_log}",
            f"  {'CLEAN' if self.clean else 'NOT CLEAN'}",
        ]


# Who works during the soak, each in a browser (a session) of their own, and as which demo person.
ACTORS = {
    "staff raising ideas": "staff",
    "staff counting": "staff",
    "manager": "manager",
    "validator": "validator",
    "force HQ": "force_hq",
    "national": "national",
}


async def run(server: Server, database: Database, minutes: float) -> SoakResult:
    """Sign everyone in, then run them all at once for ``minutes``, sampling the workers' memory."""
    engine = create_engine(database.settings)
    clients = {actor: browser(server.base, 1) for actor in ACTORS}
    try:
        for actor, client in clients.items():
            await sign_in(client, PEOPLE[ACTORS[actor]])
        backlogs = await _backlogs_of(engine, PEOPLE["staff"])
        workers = server.workers()
        samples: dict[int, list[float]] = defaultdict(list)
        before, _ = await _audit_rows(engine)
        soak = Soak(server.base, engine, minutes * 60)
        hq_pages = [lambda: "/ideas", lambda: "/savings", soak.recent_idea]
        national_pages = [lambda: "/ideas", lambda: "/waste", soak.recent_idea]
        await asyncio.gather(
            _sample_memory(soak, workers, samples),
            raising_ideas(soak, clients["staff raising ideas"]),
            saving_backlog_counts(soak, clients["staff counting"], backlogs),
            deciding(soak, clients["manager"]),
            validating(soak, clients["validator"]),
            reading(soak, clients["force HQ"], "force HQ reads", hq_pages),
            reading(soak, clients["national"], "national reads", national_pages),
        )
        after, by_request = await _audit_rows(engine, soak.tally.audit_prefix)
        return SoakResult(
            minutes=minutes,
            tally=soak.tally,
            audit=check_audit(soak.tally.written, by_request, after - before),
            memory=MemoryTrace(dict(samples)),
            workers_replaced=server.workers() != workers,
            locked_in_log=server.log_count(LOCKED),
            tracebacks_in_log=server.log_count("Traceback"),
        )
    finally:
        await asyncio.gather(*(client.aclose() for client in clients.values()))
        await engine.dispose()


def soak(database: Database, minutes: float) -> SoakResult:
    """``quest serve --workers 2`` on loopback against ``database``, soaked for ``minutes``."""
    with serving(database.data_dir, database.url, workers=2) as server:
        return asyncio.run(run(server, database, minutes))
