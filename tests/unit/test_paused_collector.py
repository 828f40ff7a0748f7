"""quest.bulk.paused_collector: the cyclic garbage collector is off while an import makes its rows, and
back on after, however the pauses nest or end."""

from __future__ import annotations

import gc

import pytest

from quest.bulk import paused_collector


def test_the_collector_is_paused_inside_and_running_again_after() -> None:
    assert gc.isenabled()
    with paused_collector():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_pause_inside_another_leaves_resuming_to_the_outer_one() -> None:
    with paused_collector():
        with paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_runs_again_when_the_work_fails() -> None:
    with pytest.raises(ValueError, match="bad row"), paused_collector():
        raise ValueError("bad row")
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off() -> None:
    gc.disable()
    try:
        with paused_collector():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
