"""What start-up made is left out of the garbage collector's passes while the app runs, and handed back
when it stops (quest.web.collector)."""

from __future__ import annotations

import gc

from litestar import Litestar
from litestar.testing import TestClient


def test_start_up_objects_are_frozen_while_the_app_runs_and_thawed_when_it_stops(app: Litestar) -> None:
    assert gc.get_freeze_count() == 0
    with TestClient(app, base_url="http://testserver.local") as client:
        assert gc.get_freeze_count() > 0
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0
