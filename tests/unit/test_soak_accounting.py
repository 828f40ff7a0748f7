"""The soak's accounting (bench/soak.py): answers counted by kind, the writes matched with the audit rows
added while it ran, and the workers' memory summed up. No timing is asserted."""

from __future__ import annotations

from bench.soak import AuditCheck, MemoryTrace, Tally, check_audit


def test_each_answer_is_counted_and_only_successful_writes_are_kept() -> None:
    tally = Tally(run="r1")
    raised, moved, read = tally.request_id("idea raised"), tally.request_id("idea moved"), tally.request_id("x reads")
    assert (raised, moved, read) == ("soak.r1.idea_raised.0", "soak.r1.idea_moved.1", "soak.r1.x_reads.2")
    assert raised.startswith(tally.audit_prefix)
    assert tally.record("idea raised", raised, "303", 0.1, expected="303")
    assert not tally.record("idea moved", moved, "500", 0.2, expected="303")
    assert tally.record("x reads", read, "200", 0.3, expected="200")
    assert not tally.record("x reads", tally.request_id("x reads"), "ReadTimeout", 0.3, expected="200")
    assert tally.requests == 4
    assert dict(tally.written) == {"idea raised": [raised]}  # a failed write and the reads are not writes
    assert tally.errors_by_status() == "500: 1 (idea moved: 1); ReadTimeout: 1 (x reads: 1)"
    assert Tally().errors_by_status() == "none"


def test_writes_and_audit_rows_balance_when_each_write_has_rows_and_every_row_a_write() -> None:
    written = {"idea raised": ["a", "b"], "backlog counts saved": ["c"]}
    check = check_audit(written, {"a": 1, "b": 1, "c": 2}, added=4)
    none = dict.fromkeys(("idea moved", "saving claimed", "saving validated"), 0)
    assert check == AuditCheck(
        writes={"idea raised": 2, "backlog counts saved": 1} | none,
        rows={"idea raised": 2, "backlog counts saved": 2} | none,
        unaudited=0,
        unexplained=0,
        added=4,
    )
    assert check.balanced
    assert "writes made: 3 (idea raised 2 (1.0 rows each), backlog counts saved 1 (2.0 rows each))" in check.line()
    assert check.line().endswith(": balanced")


def test_a_write_missing_from_the_trail_or_a_row_no_write_made_unbalances_it() -> None:
    written = {"idea raised": ["a", "b"]}
    lost = check_audit(written, {"a": 1}, added=1)
    assert (lost.unaudited, lost.unexplained, lost.balanced) == (1, 0, False)
    # A failed request's or a read's rows, or anybody else's, are rows no successful write accounts for.
    extra = check_audit(written, {"a": 1, "b": 1, "soak.r1.x_reads.7": 1}, added=4)
    assert (extra.unaudited, extra.unexplained, extra.balanced) == (0, 2, False)
    assert extra.line().endswith("NOT BALANCED")


def test_memory_is_told_as_first_last_and_highest_sample_of_each_worker() -> None:
    trace = MemoryTrace({12: [120.0, 150.4, 149.6, 150.0], 11: [118.0, 131.0, 129.0, 130.0]})
    assert trace.line() == (
        "worker RSS, MB (4 samples, every 10 s): "
        "worker 11: first 118, last 130, max 131, second half's peak -1% on the first's; "
        "worker 12: first 120, last 150, max 150, second half's peak -0% on the first's; highest 150: flat"
    )
    assert trace.minutes() == ["worker 11 RSS each minute, MB: 118", "worker 12 RSS each minute, MB: 120"]
    assert MemoryTrace({}).line() == "worker RSS: no samples"


def test_a_worker_that_grew_while_warming_up_is_flat_and_one_still_growing_is_not() -> None:
    warmed = [120.0, 200.0, 210.0, 205.0, 212.0, 214.0]  # up at once, then within 10%
    growing = [120.0, 140.0, 160.0, 180.0, 200.0, 220.0]
    assert MemoryTrace({1: warmed}).flat
    assert not MemoryTrace({1: warmed, 2: growing}).flat
    assert MemoryTrace({2: growing}).grew(growing) == 220 / 160 - 1
    assert MemoryTrace({1: warmed, 2: growing}).line().endswith("NOT FLAT (a worker grew more than 10%)")
