"""Every benchmark, on each engine, and ``docs/benchmarks.md`` from their figures. ``bench/run`` runs this.

For each engine: prepare the database (a fresh small demo, the fresh national dataset with
``--fresh-national``, or the one given with ``--database``), count what it holds, catch each page's
statements in this process, start ``quest serve --workers 2`` on a free loopback port, sign in one client
per role, measure ``/healthz`` and the pages at 1 and 32 clients, the main queries alone, 32 writers
submitting ideas, read the workers' memory, stop the server, and import readings. Then write the report.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import os
import shlex
import sys
import tempfile
from pathlib import Path

import uvloop

from bench import database, machine, pages, readings_import, report, soak, writers
from bench.database import Database
from bench.memory import resident
from bench.server import serving

DEFAULT_POSTGRESQL = "postgresql+asyncpg://postgres@localhost/quest_bench"
REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SMALL_NOTE = (
    "**Small-demo run.** These figures were measured on the small demo (`quest demo`), not the national "
    "dataset: they test the suite and show per-request costs, not the targets. The national run replaces "
    "them when `quest demo --scale national` lands."
)
NATIONAL_NOTE = "National run: the figures below are measured on the national dataset."
GIVEN_NOTE = "Run on prepared databases (`--database`): the datasets table says what each holds."
BUSY = (
    "The machine was busy with other work as the run began (load average {load:.1f} on {cores} cores over the "
    "minutes before it): "
    "every figure, floors included, is slower than on an idle machine, so read the ratios rather than the times."
)


def options(arguments: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--database",
        action="append",
        default=[],
        metavar="URL",
        help="a prepared database to use as it is (one per engine; the engine is read from the URL)",
    )
    parser.add_argument(
        "--fresh-national", action="store_true", help="generate the national dataset (quest demo --scale national)"
    )
    parser.add_argument("--seed", type=int, default=1, help="the dataset's seed (default 1)")
    parser.add_argument(
        "--postgresql",
        default=os.environ.get("QUEST_BENCH_DATABASE_URL", DEFAULT_POSTGRESQL),
        metavar="URL",
        help=f"where a fresh PostgreSQL database is made, dropped first (default $QUEST_BENCH_DATABASE_URL or "
        f"{DEFAULT_POSTGRESQL})",
    )
    parser.add_argument("--requests", type=int, default=40, help="requests a page at 1 client (default 40)")
    parser.add_argument("--requests-32", type=int, default=320, help="requests a page at 32 clients (default 320)")
    parser.add_argument("--seconds", type=float, default=30, help="time budget of each measurement (default 30)")
    parser.add_argument("--writes", type=int, default=640, help="ideas the 32 writers submit (default 640)")
    parser.add_argument("--import-rounds", type=int, default=3, help="readings import runs (default 3)")
    parser.add_argument(
        "--soak",
        type=float,
        nargs="?",
        const=10.0,
        metavar="MINUTES",
        help="instead of the benchmarks: every role at work for MINUTES (default 10) against 2 workers, then "
        "errors, memory and the audit trail checked (bench/soak.py); docs/benchmarks.md is not written",
    )
    parser.add_argument("--report", type=Path, default=REPORT, help=f"where to write (default {REPORT})")
    parser.add_argument("--work-dir", type=Path, help="where SQLite databases and server logs go (default: temporary)")
    chosen = parser.parse_args(arguments)
    engines = ["sqlite", "postgresql"] if chosen.engine == "both" else [chosen.engine]
    given = {database.engine_of(url): url for url in chosen.database}
    if len(given) != len(chosen.database) or not set(given) <= set(engines):
        parser.error("--database: at most one per engine, and only for the engines measured")
    chosen.engines, chosen.given = engines, given
    return chosen


def prepare(engine: str, chosen: argparse.Namespace, folder: Path) -> Database:
    data_dir = folder / engine
    data_dir.mkdir(parents=True, exist_ok=True)
    if engine in chosen.given:
        return database.given(chosen.given[engine], data_dir)
    return database.fresh(engine, data_dir, chosen.postgresql, national=chosen.fresh_national, seed=chosen.seed)


def measure(db: Database, plan: pages.Plan, chosen: argparse.Namespace) -> report.EngineRun:
    name = report.ENGINE_NAMES[db.engine]
    rows = asyncio.run(database.row_counts(db))
    targets = asyncio.run(pages.find_targets(db.settings))
    daily = pages.daily_pages(targets)
    print(f"{name}: catching each page's statements in this process …", flush=True)
    captured = pages.capture(db.settings, daily)
    worked_out = pages.worked_out_pages()
    captured |= pages.capture(dataclasses.replace(db.settings, national_figures_seconds=0), worked_out)
    with serving(db.data_dir, db.url, workers=2, **pages.WORKED_OUT_SETTINGS) as server:
        print(f"{name}: national pages, figures worked out for every request, at {server.base} …", flush=True)
        _health, worked_out_figures = uvloop.run(pages.measure(server.base, db.settings, worked_out, captured, plan))
    with serving(db.data_dir, db.url, workers=2) as server:
        print(f"{name}: pages at {server.base} …", flush=True)
        health, figures = uvloop.run(pages.measure(server.base, db.settings, daily, captured, plan))
        figures += worked_out_figures  # beside the same /healthz floor: the servers differ in that one setting
        print(f"{name}: {chosen.writes} ideas from 32 writers …", flush=True)
        submissions = uvloop.run(writers.submit_ideas(server.base, db.settings, 32, chosen.writes))
        memory = [resident(pid) for pid in server.workers()]
        locked = server.log_count(writers.LOCKED)
    print(f"{name}: readings import …", flush=True)
    imports = asyncio.run(readings_import.measure(db.settings, chosen.import_rounds))
    readings_import.report(name, imports)
    return report.EngineRun(db.engine, db.dataset, rows, health, figures, submissions, locked, imports, memory)


def summary(run: report.EngineRun) -> list[str]:
    """The console's lines: each figure, its floor, the ratio."""
    name = report.ENGINE_NAMES[run.engine]
    lines = []
    for figures in run.pages:
        for concurrency, result in figures.http.items():
            health, sql = run.health[concurrency], figures.sql[concurrency]
            label = f"{name} {figures.page.name}, {concurrency} clients, p95"
            lines.append(
                report.figure_line(
                    label,
                    report.ms(result.p(0.95)),
                    f"/healthz {report.ms(health.p(0.95))}",
                    report.ratio(result.p(0.95), health.p(0.95)),
                )
            )
            lines.append(
                report.figure_line("", "", f"SQL {report.ms(sql.p(0.95))}", report.ratio(result.p(0.95), sql.p(0.95)))
            )
    done = run.submissions
    lines.append(
        f"{name} idea submission: {done.rate:,.1f}/s, p95 {report.ms(done.load.p(0.95))}, lost {done.lost}, "
        f"other than 303: {done.load.failures_named()}, locked in the log {run.locked_in_log}"
    )
    return lines


def soak_each(chosen: argparse.Namespace) -> None:
    """``--soak``: each engine's database prepared as for the benchmarks, then soaked; exit 1 unless clean."""
    clean = True
    with tempfile.TemporaryDirectory(prefix="quest-soak-") as temporary:
        folder = chosen.work_dir or Path(temporary)
        for engine in chosen.engines:
            db = prepare(engine, chosen, folder)
            name = report.ENGINE_NAMES[db.engine]
            print(f"{name}: soaking {db.dataset} for {chosen.soak:g} min (load average {machine.load_average()}) …")
            result = soak.soak(db, chosen.soak)
            print("\n".join(result.lines(f"{name} ({db.dataset})")), flush=True)
            clean = clean and result.clean
    if not clean:
        raise SystemExit(1)


def main(arguments: list[str] | None = None) -> None:
    chosen = options(arguments)
    if chosen.soak is not None:
        soak_each(chosen)
        return
    plan = pages.Plan(requests={1: chosen.requests, 32: chosen.requests_32}, seconds=chosen.seconds)
    with tempfile.TemporaryDirectory(prefix="quest-bench-") as temporary:
        folder = chosen.work_dir or Path(temporary)
        prepared = [prepare(engine, chosen, folder) for engine in chosen.engines]
        versions = {report.ENGINE_NAMES[db.engine]: asyncio.run(database.server_version(db)) for db in prepared}
        # Other work on the machine shows in the load before the run; at its end the load is the run's own.
        before = max(os.getloadavg()[:2])
        described = machine.describe(versions) | {"load average at the start (1, 5, 15 min)": machine.load_average()}
        runs = [measure(db, plan, chosen) for db in prepared]
        described["load average at the end (1, 5, 15 min)"] = machine.load_average()
    for run in runs:
        print("\n".join(summary(run)))
    made = {db.dataset.split(" ")[0] for db in prepared}  # national, small, or given
    notes = {"national": NATIONAL_NOTE, "small": SMALL_NOTE}
    note = notes.get(made.pop(), GIVEN_NOTE) if len(made) == 1 else GIVEN_NOTE
    cores = os.cpu_count() or 1
    if before > cores:
        note += f" {BUSY.format(load=before, cores=cores)}"
    document = report.render(
        report.Run(
            date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            command=shlex.join(["bench/run", *(sys.argv[1:] if arguments is None else arguments)]),
            note=note,
            machine=described,
            plan=plan,
            engines=runs,
        )
    )
    chosen.report.write_text(document)
    print(f"written {chosen.report}")


if __name__ == "__main__":
    main()
