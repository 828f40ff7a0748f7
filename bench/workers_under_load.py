"""Reproduction: are ``quest serve --workers N`` workers killed and restarted when load arrives at start-up?

uvicorn's supervisor pings every worker over a pipe and kills one that does not answer within its
health-check timeout. This seeds the small demo into a temporary SQLite database, starts a real
``quest serve --workers N`` and, from the moment it hands over to uvicorn (which then starts the workers),
sends ``--clients`` concurrent clients at it for ``--seconds``: each signs in as a demo user, then asks for
pages and ``/healthz`` in turn; connection errors while the workers start are retried. It then stops the
server and prints, from its log, how many worker processes were started and how many the supervisor found
dead or hung and replaced.

    .venv/bin/python bench/workers_under_load.py                       # 2 workers, 32 clients, 20 s
    .venv/bin/python bench/workers_under_load.py --workers 2 --clients 32 --seconds 20 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from quest.demo.catalogue import DEMO_PASSWORD, DEMO_USERS

SECRET_KEY = "bench-secret-key-that-is-long-enough-0123456789"
PAGES = ("/", "/ideas", "/healthz", "/api/v1/me")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def one_client(base: str, email: str, until: float, outcomes: Counter[str]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        signed_in = False
        turn = 0
        while time.monotonic() < until:
            try:
                if not signed_in:
                    page = await client.get("/sign-in")
                    token = client.cookies.get("quest_csrf") or ""
                    response = await client.post(
                        "/sign-in",
                        data={"email": email, "password": DEMO_PASSWORD, "_csrf_token": token},
                        headers={"x-csrftoken": token},
                    )
                    signed_in = response.status_code == 303 and page.status_code == 200
                else:
                    response = await client.get(PAGES[turn % len(PAGES)])
                    turn += 1
                outcomes[str(response.status_code)] += 1
            except httpx.HTTPError as error:
                outcomes[type(error).__name__] += 1
                await asyncio.sleep(0.05)


async def load(base: str, clients: int, seconds: float) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    until = time.monotonic() + seconds
    emails = [user.email for user in DEMO_USERS]
    await asyncio.gather(*(one_client(base, emails[i % len(emails)], until, outcomes) for i in range(clients)))
    return outcomes


def one_round(workers: int, clients: int, seconds: float, show_log: bool) -> tuple[int, int, Counter[str]]:
    with tempfile.TemporaryDirectory(prefix="quest-workers-") as folder:
        env = {**os.environ, "QUEST_DATA_DIR": folder, "QUEST_SECRET_KEY": SECRET_KEY, "QUEST_LOG_LEVEL": "INFO"}
        env.pop("QUEST_DATABASE_URL", None)
        quest = str(Path(sys.executable).with_name("quest"))
        subprocess.run([quest, "demo"], env=env, check=True, capture_output=True)
        port = free_port()
        log_path = Path(folder) / "serve.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [quest, "serve", "--workers", str(workers), "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                # From the moment uvicorn takes over (migrations and the port check done) and starts its workers.
                while "QUEST is running" not in log_path.read_text() and server.poll() is None:
                    time.sleep(0.05)
                outcomes = asyncio.run(load(f"http://127.0.0.1:{port}", clients, seconds))
            finally:
                os.killpg(server.pid, signal.SIGINT)
                server.wait(timeout=60)
        text = log_path.read_text()
    if show_log:
        print("\n".join(line for line in text.splitlines() if "process" in line.lower()))
    started = text.count("Started server process")
    replaced = text.count("died")
    return started, replaced, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--show-log", action="store_true", help="print the server's lines about its processes")
    arguments = parser.parse_args()
    for number in range(1, arguments.rounds + 1):
        started, replaced, outcomes = one_round(
            arguments.workers, arguments.clients, arguments.seconds, arguments.show_log
        )
        shown = ", ".join(f"{name}: {count}" for name, count in sorted(outcomes.items()))
        print(
            f"round {number}: {arguments.workers} workers, {arguments.clients} clients, {arguments.seconds:.0f} s: "
            f"{started} worker processes started, {replaced} killed and replaced   ({shown})"
        )


if __name__ == "__main__":
    main()
