"""What start-up made is left out of the garbage collector's passes while the app serves, and handed back
when it stops (quest.web.collector): the app ``quest serve`` runs (``serving_app``), not every app."""

from __future__ import annotations

import gc
import weakref

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from quest.app import serving_app
from quest.config import Settings


@pytest.fixture
def served(settings: Settings) -> Litestar:
    return serving_app(settings)


def test_start_up_objects_are_frozen_while_the_app_serves_and_thawed_when_it_stops(served: Litestar) -> None:
    assert gc.get_freeze_count() == 0
    with TestClient(served, base_url="http://testserver.local") as client:
        assert gc.get_freeze_count() > 0
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0


def test_an_app_made_for_other_work_leaves_the_collector_alone(app: Litestar) -> None:
    """Freezing starts with a full collection, a fifth of a second in a process as large as the tests':
    an app that does not serve (the tests', a benchmark's) does without it."""
    with TestClient(app, base_url="http://testserver.local") as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() == 0


def test_garbage_left_before_start_up_is_collected_not_frozen(served: Litestar) -> None:
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
        with TestClient(served, base_url="http://testserver.local"):
            assert collected == ["collected"]
    finally:
        if enabled:
            gc.enable()
