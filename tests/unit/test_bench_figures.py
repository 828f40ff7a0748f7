"""The benchmarks' pure parts: percentiles, what a run of requests counts, the report's tables and ratios,
and reading /proc (bench/). No timing is asserted: the benchmarks measure speed, tests check arithmetic."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.load import LoadResult, percentile
from bench.memory import status_kilobytes
from bench.pages import Capture, Page, PageFigures
from bench.report import EngineRun, page_rows, ratio, table


def test_a_percentile_is_the_nearest_rank() -> None:
    hundred = [float(value) for value in range(100, 0, -1)]  # 1 to 100, in no order that helps
    assert percentile(hundred, 0.5) == 50
    assert percentile(hundred, 0.95) == 95
    assert percentile(hundred, 0.99) == 99
    assert percentile(hundred, 1.0) == 100
    assert percentile([0.2, 0.1, 0.3], 0.5) == 0.2
    assert percentile([7.0], 0.99) == 7.0


@pytest.mark.parametrize("share", [0, -0.5, 1.01])
def test_a_percentile_needs_a_share_of_the_whole(share: float) -> None:
    with pytest.raises(ValueError, match="share"):
        percentile([1.0, 2.0], share)


def test_a_percentile_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no latencies"):
        percentile([], 0.5)


def _result(
    outcomes: dict[str, int], wall: float = 2.0, cpu: float = 0.5, expected: frozenset[int] = frozenset({200})
) -> LoadResult:
    count = sum(outcomes.values())
    return LoadResult([0.01 * (n + 1) for n in range(count)], Counter(outcomes), wall, cpu, expected)


def test_every_unexpected_answer_and_error_is_a_failure() -> None:
    result = _result({"200": 90, "500": 4, "503": 3, "ReadTimeout": 3})
    assert result.requests == 100
    assert result.failures == 10
    assert result.failures_named() == "500: 4, 503: 3, ReadTimeout: 3"
    assert result.rate == 50
    assert result.client_cpu_share == 0.25


def test_a_303_is_a_success_where_it_is_expected() -> None:
    submitted = _result({"303": 8, "200": 2}, expected=frozenset({303}))
    assert submitted.failures == 2
    assert submitted.failures_named() == "200: 2"
    assert _result({"200": 3}).failures_named() == "none"


def test_a_ratio_is_in_units_of_the_floor() -> None:
    assert ratio(0.125, 0.010) == "12.5×"
    assert ratio(1.0, 1.0) == "1.0×"
    assert ratio(2500.0, 2.0) == "1,250.0×"
    assert ratio(1.0, 0.0) == "n/a"


def test_a_table_aligns_numbers_right_and_escapes_bars() -> None:
    made = table(["page", "p95"], [["a|b", "12.0 ms"], ["c", "3.5 ms"]])
    assert made.splitlines() == [
        "| page | p95 |",
        "| --- | ---: |",
        "| a\\|b | 12.0 ms |",
        "| c | 3.5 ms |",
    ]


def test_a_table_refuses_a_row_of_the_wrong_width() -> None:
    with pytest.raises(ValueError, match="every row"):
        table(["page", "p95"], [["a"]])


def test_the_page_table_sets_each_page_beside_its_floors_and_counts_its_failures() -> None:
    page = PageFigures(
        Page("triage, manager", "manager", "/triage"),
        Capture(statements=5, main_query="SELECT 1", main_parameters=()),
        http={1: _result({"200": 18, "500": 2})},
        sql={1: _result({"200": 20})},
    )
    health = {1: LoadResult([0.001] * 20, Counter({"200": 20}), 1.0, 0.1)}
    run = EngineRun("sqlite", "small demo", {}, health, [page], None, 0, None, [])  # type: ignore[arg-type]
    [row] = page_rows(run)
    assert row == [
        "triage, manager",
        "1",
        "20",
        "100.0 ms",  # the 10th of 20 latencies of 10 ms steps
        "190.0 ms",
        "200.0 ms",
        "500: 2",
        "1.0 ms",
        "190.0×",
        "190.0 ms",
        "1.0×",
        "5",
    ]


def test_memory_is_read_from_proc_status() -> None:
    status = "Name:\tpython\nVmPeak:\t  900000 kB\nVmHWM:\t  307200 kB\nVmRSS:\t  204800 kB\n"
    assert status_kilobytes(status, "VmHWM") == 307200
    assert status_kilobytes(status, "VmRSS") == 204800
    with pytest.raises(ValueError, match="VmSwap"):
        status_kilobytes(status, "VmSwap")
