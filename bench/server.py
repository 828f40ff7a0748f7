"""A real ``quest serve`` for the benchmarks: started on a free loopback port with a given database, its log
kept in a file, its worker processes found in /proc, and stopped at the end."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

SECRET_KEY = "bench-secret-key-that-is-long-enough-0123456789"
START_SECONDS = 300  # a national SQLite database checks its foreign keys at start-up


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def quest_environment(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """This process's environment without any QUEST_ setting of its own, then the benchmark's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUEST_")}
    return env | {
        "QUEST_DATA_DIR": str(data_dir),
        "QUEST_DATABASE_URL": database_url,
        "QUEST_SECRET_KEY": SECRET_KEY,
        "QUEST_LOG_LEVEL": "WARNING",
        **extra,
    }


def quest_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "quest", *arguments]


@dataclass(frozen=True, slots=True)
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path
    worker_count: int

    def workers(self) -> list[int]:
        """The process ids of uvicorn's workers: the server's children started by multiprocessing (with one
        worker, uvicorn serves in the server's own process)."""
        if self.worker_count == 1:
            return [self.process.pid]
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if parent == self.process.pid and b"spawn_main" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
        return sorted(found)

    def log_count(self, text: str) -> int:
        """How many times the server's log says ``text``."""
        return self.log.read_text(errors="replace").count(text)


@contextlib.contextmanager
def serving(data_dir: Path, database_url: str, workers: int, **settings: str) -> Iterator[Server]:
    """``quest serve --workers N`` on a free loopback port, with any other ``QUEST_`` ``settings``, once
    ``/healthz`` answers; stopped afterwards."""
    port = free_port()
    log = data_dir / f"serve-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            quest_command("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            env=quest_environment(data_dir, database_url, **settings),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log, workers)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        with contextlib.suppress(httpx.TransportError):  # not listening yet
            if (
                httpx.get(f"{server.base}/healthz", timeout=5).status_code == 200
                and len(server.workers()) == server.worker_count
            ):
                return
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"quest serve did not start: see {server.log}\n{server.log.read_text()[-2000:]}")
        time.sleep(0.2)
