"""Real QUEST servers for tests: ``quest serve`` (or the gated server of :mod:`tests.gate`) in a process of
its own, on a free port, against the test's database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from quest.config import Settings

QUEST = [sys.executable, "-m", "quest"]
REPOSITORY = Path(__file__).resolve().parents[1]
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(settings: Settings, **extra: str) -> dict[str, str]:
    """This process's environment without its own QUEST_* settings, pointing at ``settings``' database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUEST_")}
    return env | {"QUEST_DATA_DIR": str(settings.data_dir), "QUEST_DATABASE_URL": settings.database_url} | extra


class Server:
    """A server process and where it answers. ``log`` holds what it wrote to stdout and stderr."""

    def __init__(self, process: subprocess.Popen[bytes], base: str, log: Path) -> None:
        self.process = process
        self.base = base
        self.log = log

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-request, with no chance to roll back or close anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def wait_until_healthy(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            httpx.get(f"{base}/healthz", timeout=2).raise_for_status()
            return
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text()}") from None
            time.sleep(0.2)


@contextmanager
def running(
    settings: Settings,
    arguments: Sequence[str] = (),
    *,
    command: Sequence[str] = (*QUEST, "serve"),
    env: dict[str, str] | None = None,
    log_name: str = "server.log",
) -> Iterator[Server]:
    """``command`` (``quest serve`` by default) on a free port until the block ends, then stopped (SIGTERM)
    unless the test killed it already."""
    port = free_port()
    log = settings.data_dir / log_name
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port), *arguments],
            env=env or server_environment(settings),
            cwd=REPOSITORY,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_until_healthy(process, server.base, log)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
