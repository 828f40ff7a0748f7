"""``quest serve --workers N``: workers are not killed for being slow to start (issue 10, item 14).

uvicorn's supervisor kills a worker that does not answer its health check in time. Each worker is a fresh
(spawned) process that first re-imports the module the ``quest`` command runs from, and only then starts
answering; under load that start-up took longer than uvicorn's 5 s and workers were killed and restarted
again and again. ``bench/workers_under_load.py`` reproduces it with a real server; these tests hold the two
causes fixed: the command's module stays light to import, and the health check allows a slow start.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from quest import cli
from quest.config import Settings

# What a worker imports anyway once it answers, but must not import before: each costs seconds on a busy machine.
HEAVY = ("sqlalchemy", "alembic", "litestar", "advanced_alchemy", "structlog", "quest.app", "quest.models")


def test_what_a_worker_re_imports_before_it_can_answer_is_light() -> None:
    script = "import sys, quest.cli; print(' '.join(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert "click" in loaded
    assert [name for name in loaded if name.startswith(HEAVY)] == []


def test_serve_gives_workers_time_to_start_before_the_health_check_kills_them(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    given: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: given.update(options, app=app))
    monkeypatch.setenv("QUEST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("QUEST_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli.main, ["serve", "--workers", "2", "--port", "8199"])
    assert result.exit_code == 0, result.output
    assert given["workers"] == 2
    assert given["timeout_worker_healthcheck"] == cli.WORKER_HEALTHCHECK_SECONDS >= 20
