"""``docs/benchmarks.md``: the run's figures, each beside its floor and the ratio, with the machine and the
datasets. Every ratio is in the same sense: how many times the floor's time the figure took (for a rate,
the floor's rate over the figure's), so 1.0× is as fast as the floor and more is slower."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from bench.load import LoadResult
from bench.memory import Resident
from bench.pages import PageFigures, Plan
from bench.readings_import import ImportRuns
from bench.writers import Submissions

MEMORY_TARGET_MB = 300
# What profiling found: written by hand, copied into each report under its figures.
FINDINGS = Path(__file__).resolve().parent / "findings.md"
# bench/exports.py runs on its own (minutes a run, on a copy of the national dataset); its last figures.
EXPORTS = Path(__file__).resolve().parent / "exports_figures.md"
LIST_PAGE = "idea list, manager (division, 50 rows)"
WRITE_TARGETS = {"sqlite": 500, "postgresql": 1000}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def ratio(figure: float, floor: float) -> str:
    """``figure`` in units of ``floor``: "12.5×", or "n/a" with no floor to divide by."""
    if floor <= 0 or not math.isfinite(floor):
        return "n/a"
    return f"{figure / floor:,.1f}×"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; numbers (cells that start with a digit) aligned right."""
    if any(len(row) != len(header) for row in rows):
        raise ValueError("every row needs a cell for each column")
    numeric = [bool(rows) and all(row[i][:1].isdigit() for row in rows) for i in range(len(header))]
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---:" if right else "---" for right in numeric) + " |",
    ]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def figure_line(name: str, figure: str, floor: str, times: str) -> str:
    """One line of the console's summary: ``figure  floor  ratio``."""
    return f"{name:<56} {figure:>14}  floor {floor:>14}  {times:>9}"


@dataclass(frozen=True, slots=True)
class EngineRun:
    engine: str
    dataset: str
    rows: dict[str, int]
    health: dict[int, LoadResult]
    pages: list[PageFigures]
    submissions: Submissions
    locked_in_log: int
    imports: ImportRuns
    memory: list[Resident]


@dataclass(frozen=True, slots=True)
class Run:
    date: str
    command: str
    note: str
    machine: dict[str, str]
    plan: Plan
    engines: list[EngineRun]


def page_rows(run: EngineRun) -> list[list[str]]:
    rows = []
    for figures in run.pages:
        for concurrency, result in figures.http.items():
            health, sql = run.health[concurrency], figures.sql[concurrency]
            rows.append(
                [
                    figures.page.name,
                    str(concurrency),
                    str(result.requests),
                    ms(result.p(0.5)),
                    ms(result.p(0.95)),
                    ms(result.p(0.99)),
                    result.failures_named(),
                    ms(health.p(0.95)),
                    ratio(result.p(0.95), health.p(0.95)),
                    ms(sql.p(0.95)),
                    ratio(result.p(0.95), sql.p(0.95)),
                    str(figures.capture.statements),
                ]
            )
    return rows


def _list_page(run: EngineRun) -> PageFigures:
    return next(figures for figures in run.pages if figures.page.name == LIST_PAGE)


def throughput_rows(runs: list[EngineRun], concurrency: int) -> list[list[str]]:
    rows = []
    for run in runs:
        listed, health = _list_page(run).http[concurrency], run.health[concurrency]
        rows.append(
            [
                ENGINE_NAMES[run.engine],
                f"{listed.rate:,.0f}",
                ms(listed.p(0.95)),
                f"{health.rate:,.0f}",
                ratio(health.rate, listed.rate),
                listed.failures_named(),
            ]
        )
    return rows


def submission_rows(runs: list[EngineRun]) -> list[list[str]]:
    rows = []
    for run in runs:
        done = run.submissions
        rows.append(
            [
                ENGINE_NAMES[run.engine],
                f"{done.rate:,.1f}",
                f"{WRITE_TARGETS[run.engine]:,}",
                ms(done.load.p(0.95)),
                str(done.asked),
                str(done.stored),
                str(done.lost),
                done.load.failures_named(),
                str(run.locked_in_log),
            ]
        )
    return rows


def import_rows(runs: list[EngineRun]) -> list[list[str]]:
    return [
        [
            ENGINE_NAMES[run.engine],
            f"{run.imports.import_rate:,.0f}",
            f"{run.imports.floor_rate:,.0f}",
            ratio(run.imports.floor_rate, run.imports.import_rate),
            f"{run.imports.file_rate:,.0f}" if run.imports.files else "–",
            ratio(run.imports.floor_rate, run.imports.file_rate) if run.imports.files else "–",
            str(len(run.imports.imported)),
        ]
        for run in runs
    ]


def memory_rows(runs: list[EngineRun]) -> list[list[str]]:
    return [
        [ENGINE_NAMES[run.engine], f"worker {number}", f"{worker.peak_mb:,.0f} MB", f"{worker.now_mb:,.0f} MB"]
        for run in runs
        for number, worker in enumerate(run.memory, start=1)
    ]


def client_rows(runs: list[EngineRun]) -> list[list[str]]:
    rows = []
    for run in runs:
        results = [*run.health.values(), *(r for figures in run.pages for r in figures.http.values())]
        busiest = max(results, key=lambda result: result.client_cpu_share)
        for concurrency, health in run.health.items():
            rows.append(
                [
                    ENGINE_NAMES[run.engine],
                    f"/healthz, {concurrency} clients",
                    f"{health.rate:,.0f} req/s",
                    f"{health.client_cpu_share:.0%}",
                ]
            )
        rows.append(
            [
                ENGINE_NAMES[run.engine],
                "busiest of every page run",
                f"{busiest.rate:,.0f} req/s",
                f"{busiest.client_cpu_share:.0%}",
            ]
        )
    return rows


def render(run: Run) -> str:
    top = max(run.plan.concurrencies)
    engines = run.engines
    sections = [
        "# Benchmarks",
        f"> {run.note}",
        f"Measured on {run.date} with `{run.command}`. DESIGN §7 sets the targets; each figure stands beside a "
        "floor measured in the same run, and the ratio says how many times the floor's time the figure took "
        "(for a rate: the floor's rate over the figure's), so 1.0× is as fast as the floor.",
        "## The machine",
        table(["", ""], [[name, value] for name, value in run.machine.items()]),
        "## The datasets",
        table(
            ["table", *(f"{ENGINE_NAMES[e.engine]}: {e.dataset}" for e in engines)],
            [[name, *(f"{e.rows[name]:,}" for e in engines)] for name in engines[0].rows],
        ),
        "## Page latency",
        f"`quest serve --workers 2`, over HTTP on loopback, each signed-in role with one keep-alive client. "
        f"At each concurrency a page gets up to {run.plan.of(1)} (1 client) or {run.plan.of(top)} ({top} clients) "
        f"requests, or as many as {run.plan.seconds:.0f} s allow, after two not counted. Floors at the same "
        "concurrency: `/healthz` of the same server, and the page's main query (its slowest statement, sent "
        "alone with the same parameters through the same driver and timed by the same client). Ratios are of "
        "the p95s. *Other than 200* counts every other answer or error, by status; *statements* is what one "
        "request of the page sends (`bench/statements.py`, the counter `tests/integration/test_query_counts.py` uses).",
    ]
    header = [
        "page",
        "clients",
        "requests",
        "p50",
        "p95",
        "p99",
        "other than 200",
        "/healthz p95",
        "×",
        "main query p95",
        "×",
        "statements",
    ]
    for engine in engines:
        sections += [f"### {ENGINE_NAMES[engine.engine]}", table(header, page_rows(engine))]
    sections += [
        "## Idea list throughput",
        f"The manager's division list (50 rows) at {top} clients with 2 workers (target ≥ 400 requests/s, "
        "p95 ≤ 100 ms), beside `/healthz` at the same concurrency.",
        table(
            ["engine", "idea list req/s", "p95", "/healthz req/s", "×", "other than 200"],
            throughput_rows(engines, top),
        ),
        "## Idea submission",
        'The staff member\'s "Raise an idea" form from concurrent writers (a 303 is a success). *Lost* is ideas '
        'asked for minus ideas in the database afterwards; *locked* counts "database is locked" in the server\'s '
        "log.",
        table(
            ["engine", "ideas/s", "target", "p95", "asked", "stored", "lost", "other answers", "locked"],
            submission_rows(engines),
        ),
        "## Readings import",
        "`bench/readings_import.py`: 20,000 daily readings through the readings page's save, and as a CSV file "
        "through `quest import readings`'s path, beside the bare bulk INSERT of the same rows (target ≥ 50,000 "
        "rows/s and within 2×). Best of the runs.",
        table(
            ["engine", "import rows/s", "bare insert rows/s", "×", "file import rows/s", "file ×", "runs"],
            import_rows(engines),
        ),
        "## Memory",
        f"Resident memory of each worker from /proc after the whole run: the peak (`VmHWM`) and at the end "
        f"(target ≤ {MEMORY_TARGET_MB} MB).",
        table(["engine", "worker", "peak", "at the end"], memory_rows(engines)),
        "## Exports",
        EXPORTS.read_text().strip(),
        "## The load client",
        "The client's own CPU over each run's wall time (100% is one core). `/healthz` at the same concurrency "
        "is the ceiling of client and server together: a page far below it is the server's limit.",
        table(["engine", "run", "rate", "client CPU"], client_rows(engines)),
        "## What profiling found",
        FINDINGS.read_text().strip(),
        "## How to run it",
        "```\nbench/run                                  # both engines, fresh small demo\n"
        "bench/run --engine sqlite --fresh-national # the national dataset, made by quest demo --scale national\n"
        "bench/run --database postgresql+asyncpg://postgres@localhost/quest_bench  # a prepared database\n"
        "python -m bench.audit_pack --database sqlite+aiosqlite:////path/to/copy.db  # the largest force's pack\n```",
        "A run writes to the databases it measures: the writers' ideas and the import's measures, named "
        '"Bench …". `bench/run --help` lists the sizes of each measurement. `bench/audit_pack.py` runs alone (a '
        "minute or more a pack of the largest force): national headquarters downloads the force's pack in each "
        "format from `quest serve` with one worker, its seconds beside the bare statements of its claims and audit "
        "trail, and the worker's peak memory (reset before each pack) beside its size after `/healthz`.",
    ]
    return "\n\n".join(sections) + "\n"
