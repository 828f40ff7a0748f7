"""Benchmark: importing readings on SQLite, counted in CPU instructions rather than seconds.

On a shared machine the wall-clock figures of ``bench/readings_import.py`` move by half from run to run,
floors included. Valgrind's count of the instructions a process runs does not: it is the same on a busy
machine as on a quiet one, so it shows what a change to the import costs to within a fraction of a per cent.
SQLite runs inside the process, so its work is counted too (PostgreSQL's is not: its server is another
process, so this benchmark is for SQLite alone).

Each path of ``bench/readings_import.py`` (the page's import, a file's import, and the floor: the bare bulk
insert of the same 20,000 readings) is run under ``valgrind --tool=cachegrind`` twice, once importing twice
and once not at all, on copies of one prepared database; the difference, halved, is what one import costs,
with nothing of Python's start or the preparation in it. The ratio is each import's count over the floor's.
Instructions are not time: memory traffic costs an import more per instruction than the floor, so the
wall-clock ratio has run 1.1 to 1.3 times the instruction ratio.

    .venv/bin/python -m bench.import_instructions            # about 8 minutes on 2 cores
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import readings_import
from quest.db import open_database

PATHS = {
    "page": readings_import.import_once,
    "file": readings_import.file_import_once,
    "floor": readings_import.bare_insert_once,
}
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def run(database: Path, path: str, times: int) -> None:
    """``times`` imports by ``path`` into the database prepared in ``database`` (in this process)."""
    settings = readings_import.settings_for(database)
    rows = readings_import.sheet_rows()

    async def go() -> None:
        async with open_database(settings) as session_maker:
            viewer = await readings_import.manager(session_maker)
            for _ in range(times):
                await PATHS[path](session_maker, viewer, rows)

    asyncio.run(go())


def instructions(prepared: Path, work: Path, path: str, times: int) -> int:
    """Instructions of a whole process importing ``times`` times by ``path``, on a copy of ``prepared``."""
    copy = work / f"{path}-{times}"
    shutil.copytree(prepared, copy)
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "bench.import_instructions",
            "--run",
            path,
            str(times),
            str(copy),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind's run of the {path} import failed:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", nargs=3, metavar=("PATH", "TIMES", "DATABASE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.run:
        path, times, database = options.run
        run(Path(database), path, int(times))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("This benchmark needs valgrind (Debian's package valgrind)")
    with tempfile.TemporaryDirectory() as folder:
        prepared = Path(folder) / "prepared"
        prepared.mkdir()
        readings_import.prepare(readings_import.settings_for(prepared))
        runs = [(path, times) for path in PATHS for times in (2, 0)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            counted = dict(
                zip(runs, pool.map(lambda run: instructions(prepared, Path(folder), *run), runs), strict=True)
            )
    each = {path: (counted[(path, 2)] - counted[(path, 0)]) // 2 for path in PATHS}
    print(f"{readings_import.ROWS:,} daily readings into one measure, SQLite, instructions of one import")
    for path, name in (("page", "import (the page's save)"), ("file", "file import (quest import)")):
        print(
            f"{name:<28} {each[path] / 1e9:5.2f} G   floor (bare bulk insert) {each['floor'] / 1e9:5.2f} G   "
            f"{each[path] / each['floor']:.2f}× the floor's (target ≤ 2×)"
        )


if __name__ == "__main__":
    main()
