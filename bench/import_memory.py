"""Benchmark: a million readings through ``quest import readings FILE`` (DESIGN §7: an import of 1,000,000
rows stays under 300 MB resident; at least 50,000 rows/s).

Sets up 200 daily measures in the demo's Lancashire Northern division, writes a CSV file of 5,000 days of
each (1,000,000 rows, force, division, measure, date and value), and runs the real command in a process of
its own, reporting its wall time, rows a second and its peak resident memory (``ru_maxrss`` of the child).
Beside it, the floor in the same run: the bare bulk insert of the same rows, already parsed, into a fresh
copy of the measures (:func:`quest.bulk.insert_columns`), in this process; and the command's own start
(the same command on a file of one reading), which the floor, run in a process already started, does not pay.

    .venv/bin/python bench/import_memory.py                    # SQLite, in a temporary folder
    QUEST_BENCH_DATABASE_URL=postgresql+asyncpg://postgres@localhost/quest_bench_imports \\
        .venv/bin/python bench/import_memory.py                # that PostgreSQL database instead
    .venv/bin/python bench/import_memory.py --rows 100000     # a smaller run
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import decimal
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.readings_import import FIRST_DAY, manager, new_measure, prepare, settings_for
from quest.bulk import insert_columns
from quest.config import Settings
from quest.db import open_database, writing
from quest.metrics.models import READINGS, Metric

MEASURES = 200
TARGET_MB = 300


async def set_up(settings: Settings, measures: int) -> list[tuple[uuid.UUID, str]]:
    from sqlalchemy import select

    async with open_database(settings) as session_maker:
        viewer = await manager(session_maker)
        made = [await new_measure(session_maker, viewer) for _ in range(measures)]
        async with session_maker() as session:
            names = dict((await session.execute(select(Metric.id, Metric.name).where(Metric.id.in_(made)))).all())
    return [(metric_id, names[metric_id]) for metric_id in made]


def write_file(path: Path, measures: list[tuple[uuid.UUID, str]], days: int) -> int:
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("force,division,measure,date,value\r\n")
        for index, (_metric_id, name) in enumerate(measures):
            for day in range(days):
                file.write(f"LAN,NORTH,{name},{FIRST_DAY + datetime.timedelta(days=day)},{(day * 7 + index) % 400}\r\n")
    return len(measures) * days


def run_command(settings: Settings, path: Path) -> tuple[float, float, str]:
    """Seconds, peak resident MB of the command's process, and its last line of output."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUEST_")}
    env |= {"QUEST_DATA_DIR": str(settings.data_dir), "QUEST_DATABASE_URL": settings.database_url}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "quest", "import", "readings", str(path), "--force", "LAN"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise SystemExit(f"quest import failed:\n{done.stderr[-2000:]}")
    if peak_kb <= before:
        print("(the command's peak was no higher than an earlier child's: the figure below is that earlier peak)")
    return seconds, peak_kb / 1024, done.stdout.strip().splitlines()[-1]


async def floor(settings: Settings, measures: list[tuple[uuid.UUID, str]], days: int) -> float:
    """Seconds for the bare bulk insert of the same rows, parsed already, into fresh measures."""
    async with open_database(settings) as session_maker:
        viewer = await manager(session_maker)
        fresh = [await new_measure(session_maker, viewer) for _ in measures]
        dates = [FIRST_DAY + datetime.timedelta(days=day) for day in range(days)]
        same = {"force_id": viewer.force_id, "entered_by": viewer.id, "entered_at": datetime.datetime.now(datetime.UTC)}
        started = time.perf_counter()
        with writing():
            async with session_maker() as session:
                for index, metric_id in enumerate(fresh):
                    values = [decimal.Decimal((day * 7 + index) % 400) for day in range(days)]
                    columns: dict[str, list[object]] = {"period_date": list(dates), "value": list(values)}
                    await insert_columns(session, READINGS, columns, same={"metric_id": metric_id, **same})
                await session.commit()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the file (default 1,000,000)")
    options = parser.parse_args()
    days = max(1, options.rows // MEASURES)
    postgres = os.environ.get("QUEST_BENCH_DATABASE_URL", "").strip()
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_for(Path(folder), postgres or None)
        prepare(settings)
        engine = "PostgreSQL" if postgres else "SQLite"
        measures = asyncio.run(set_up(settings, MEASURES))
        path = Path(folder) / "readings.csv"
        rows = write_file(path, measures, days)
        print(f"{engine}: {rows:,} readings of {MEASURES} measures, a {path.stat().st_size / 2**20:,.0f} MB CSV file")
        # The command's own start (importing QUEST, opening the database), timed first on a file of one
        # reading, of a day the big file does not hold: the floor runs in this process, started already.
        one_reading = Path(folder) / "one-reading.csv"
        day = FIRST_DAY + datetime.timedelta(days=days)
        one_reading.write_text(f"force,division,measure,date,value\r\nLAN,NORTH,{measures[0][1]},{day},1\r\n")
        start, _peak_mb, _said = run_command(settings, one_reading)
        seconds, peak_mb, said = run_command(settings, path)
        print(f"{engine:<10} quest import readings   {rows / seconds:>9,.0f} rows/s  {seconds:6.1f} s   said: {said}")
        print(f"{engine:<10} peak resident memory    {peak_mb:>9,.0f} MB (target ≤ {TARGET_MB} MB)")
        print(f"{engine:<10} the command's start      {start:6.1f} s (a file of one reading)")
        bare = asyncio.run(floor(settings, measures, days))
        print(f"{engine:<10} floor: bare bulk insert {rows / bare:>9,.0f} rows/s  {bare:6.1f} s")
        print(
            f"{engine:<10} import: {seconds / bare:.2f}× the floor's time (target ≤ 2×), "
            f"{(seconds - start) / bare:.2f}× without the command's start"
        )


if __name__ == "__main__":
    main()
