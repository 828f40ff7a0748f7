"""What start-up made is left out of the garbage collector's passes while the app runs, and handed back
when it stops (quest.web.collector)."""

from __future__ import annotations

import gc
import weakref

from litestar import Litestar
from litestar.testing import TestClient


def test_start_up_objects_are_frozen_while_the_app_runs_and_thawed_when_it_stops(app: Litestar) -> None:
    assert gc.get_freeze_count() == 0
    with TestClient(app, base_url="http://testserver.local") as client:
        assert gc.get_freeze_count() > 0
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0


def test_garbage_left_before_start_up_is_collected_not_frozen(app: Litestar) -> None:
    """An earlier app's leftovers (in the tests: its pooled database connections) are garbage by the time the
    next app starts; frozen with the start-up objects, they would stay open until that app stopped."""
    collected: list[str] = []

    class Leftover:
        """Garbage an earlier app left."""

    leftover = Leftover()
    leftover.itself = leftover  # type: ignore[attr-defined]  # a cycle: only the collector frees it
    weakref.finalize(leftover, collected.append, "collected")
    del leftover
    enabled = gc.isenabled()
    gc.disable()  # no automatic pass: only the app's start-up may collect it
    try:
        with TestClient(app, base_url="http://testserver.local"):
            assert collected == ["collected"]
    finally:
        if enabled:
            gc.enable()
