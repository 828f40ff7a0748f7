"""Benchmark: a national export (DESIGN §7 and issue 15: an export of 1,000,000 rows stays under 300 MB
resident), its rows a second and its peak resident memory, against floors measured in the same run.

For each kind (readings, ideas) and format, a fresh process runs what ``quest export KIND`` runs, as the
command line (everything in reach) into a file, and reports its rows, seconds and peak resident memory
(``ru_maxrss`` of that process, from ``wait4``). Beside it, in a fresh process too, the floor: the same
SELECT of the same rows, streamed in the same batches, every row fetched and thrown away: no cells made,
nothing written. A third process imports what an export imports and stops: the memory any export starts
from.

Run it on a COPY of the national dataset (the benchmark's own database is read-only):

    cp /work/nat/national.db /tmp/national-copy.db
    .venv/bin/python -m bench.exports --database sqlite+aiosqlite:////tmp/national-copy.db
    .venv/bin/python -m bench.exports --database postgresql+asyncpg://postgres@localhost/COPY --format csv
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("readings", "ideas")
FORMATS = ("csv", "xlsx")
LIMIT_MB = 300


@dataclass(frozen=True, slots=True)
class Run:
    rows: int
    seconds: float
    peak_mb: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# --- one measurement, in a process of its own ------------------------------------------------------------------


async def _measure(database_url: str, kind: str, mode: str, output: str) -> dict[str, Any]:
    from quest.accounts.identity import COMMAND_LINE
    from quest.config import load_settings
    from quest.db import open_database
    from quest.exports import tables
    from quest.exports.files import FileFormat, write_rows

    if mode == "imports":
        return {"rows": 0, "seconds": 0.0}
    os.environ["QUEST_DATABASE_URL"] = database_url
    settings = load_settings()
    if mode == "floor":

        async def bare(session: Any, statement: Any, shape: Any) -> Any:
            """The same statement in the same batches, each row fetched and dropped."""
            result = await session.stream(statement.execution_options(yield_per=tables.BATCH_ROWS))
            async for batch in result.partitions():
                bare.rows += len(batch)  # type: ignore[attr-defined]
            return
            yield

        bare.rows = 0  # type: ignore[attr-defined]
        tables.streamed = bare
    async with open_database(settings) as session_maker, session_maker() as session:
        started = time.perf_counter()
        found = await tables.export_of(session, COMMAND_LINE, kind, tables.ExportScope())
        if mode == "floor":
            async for _row in found.rows:
                pass
            rows = bare.rows  # type: ignore[attr-defined]
        else:
            with open(output, "wb") as file:  # noqa: ASYNC230 - the export writes as the command does
                rows = await write_rows(file, FileFormat(mode), found.sheet, found.header, found.rows)
        seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds}


def child(database_url: str, kind: str, mode: str, output: str) -> None:
    print(json.dumps(asyncio.run(_measure(database_url, kind, mode, output))))


def measured(database_url: str, kind: str, mode: str, folder: Path) -> Run:
    """Run one measurement in a fresh process; its rows, seconds and peak resident memory."""
    output = folder / f"{kind}.{mode}"
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.exports", "--child", database_url, kind, mode, str(output)],
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    answer = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{kind} {mode} failed ({process.returncode})")
    figures = json.loads(answer)
    output.unlink(missing_ok=True)
    return Run(figures["rows"], figures["seconds"], usage.ru_maxrss / 1024)  # kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="a COPY of the national dataset")
    parser.add_argument("--kind", action="append", choices=KINDS, help="readings and ideas, by default")
    parser.add_argument("--format", action="append", choices=FORMATS, help="csv and xlsx, by default")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(*arguments.child)
        return
    if not arguments.database:
        parser.error("give --database: a COPY of the national dataset")
    engine = "PostgreSQL" if arguments.database.startswith("postgresql") else "SQLite"
    print(f"Exports on {engine} ({arguments.database}), {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print(
        "| export | rows | seconds | rows/s | floor rows/s | × floor | peak RSS | floor peak RSS | imports alone |"
        f" under {LIMIT_MB} MB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory(prefix="quest-export-bench-") as folder:
        start = measured(arguments.database, "readings", "imports", Path(folder))
        for kind in arguments.kind or KINDS:
            floor = measured(arguments.database, kind, "floor", Path(folder))
            for file_format in arguments.format or FORMATS:
                run = measured(arguments.database, kind, file_format, Path(folder))
                assert run.rows == floor.rows, (run.rows, floor.rows)
                cells = (
                    f"{kind} {file_format}",
                    f"{run.rows:,}",
                    f"{run.seconds:,.1f}",
                    f"{run.rate:,.0f}",
                    f"{floor.rate:,.0f}",
                    f"{floor.rate / run.rate:.1f}×",
                    f"{run.peak_mb:,.0f} MB",
                    f"{floor.peak_mb:,.0f} MB",
                    f"{start.peak_mb:,.0f} MB",
                    "yes" if run.peak_mb < LIMIT_MB else "NO",
                )
                print("| " + " | ".join(cells) + " |", flush=True)
    print(f"(load average at the end {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
