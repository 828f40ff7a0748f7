"""The rules of frontline capture, as pure functions: ideas, waste, readings, search terms, exports and
the geometry of the charts."""

from __future__ import annotations

import datetime
import decimal
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quest.charts.pareto import pareto_chart
from quest.charts.sparkline import sparkline
from quest.exports.files import safe_cell
from quest.ideas.record import IdeaInput, check_idea
from quest.ideas.search import terms
from quest.metrics.services import (
    OLD_READING_FOR_MANAGERS,
    check_entry_window,
    check_reading_date,
    check_reading_value,
    earliest_entry_date,
    period_start,
)
from quest.metrics.vocabulary import Frequency, MetricKind
from quest.waste.rules import hours_a_year_of, hours_per_year, pareto
from quest.waste.services import WasteInput, check_waste
from quest.waste.types import WasteType

TODAY = datetime.date(2026, 11, 23)
D = decimal.Decimal


def test_an_idea_needs_a_title_the_problem_and_the_proposal() -> None:
    checked, errors = check_idea(IdeaInput())
    assert checked is None
    assert errors == {
        "title": "Enter a short title",
        "problem": "Enter what happens now",
        "proposal": "Enter what you would change",
    }


def test_idea_fields_are_trimmed_and_waste_types_deduplicated() -> None:
    checked, errors = check_idea(
        IdeaInput(
            title="  Close pending incidents  ", problem="x", proposal="y", waste_types=["waiting", "waiting", "motion"]
        )
    )
    assert errors == {}
    assert checked is not None
    assert checked.title == "Close pending incidents"
    assert checked.waste_types == (WasteType.WAITING, WasteType.MOTION)


def test_overlong_fields_and_unknown_wastes_are_named() -> None:
    _checked, errors = check_idea(
        IdeaInput(title="t" * 121, problem="p" * 4001, proposal="ok", process="q" * 81, waste_types=["laziness"])
    )
    assert errors["title"] == "A short title must be 120 characters or fewer"
    assert errors["problem"] == "What happens now must be 4,000 characters or fewer"
    assert errors["process"] == "The process must be 80 characters or fewer"
    assert errors["waste_types"] == "Choose waste types from the list"


def test_hours_a_year_follow_the_design_formula() -> None:
    assert hours_per_year(D(15), D(10)) == D("130.00")  # 15 × 10 × 52 ÷ 60
    assert hours_per_year(D(40), D(25)) == D("866.67")


def test_the_minutes_lost_a_week_come_to_hours_a_year_as_one_waste_does() -> None:
    # The Pareto sums a week's minutes over many observations, then turns them into hours a year.
    assert hours_a_year_of(D(150)) == D("130.00")  # 150 × 52 ÷ 60
    assert hours_a_year_of(D(1000)) == D("866.67")
    assert hours_a_year_of(D("0.01")) == D("0.01")  # 0.00866… to the hundredth
    assert hours_a_year_of(D(15) * D(10)) == hours_per_year(D(15), D(10))


@given(
    minutes=st.decimals(min_value=D("0.01"), max_value=D(1440), places=2),
    per_week=st.decimals(min_value=D("0.01"), max_value=D(10080), places=2),
)
def test_hours_a_year_is_minutes_times_occurrences_times_52_over_60(minutes: D, per_week: D) -> None:
    assert abs(hours_per_year(minutes, per_week) - minutes * per_week * 52 / 60) <= D("0.005")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("minutes_per_occurrence", "1441", "Minutes lost each time must be 1,440 or fewer"),
        ("minutes_per_occurrence", "-5", "Minutes lost each time must be more than 0"),
        ("minutes_per_occurrence", "ten", "Minutes lost each time must be a number, like 15"),
        ("occurrences_per_week", "0", "Times a week must be more than 0"),
        ("observed_on", "2026-11-24", "Date seen must be today or in the past"),
        ("observed_on", "2026-02-30", "Date seen must be a real date, like 2026-11-23"),
        ("process", "", "Enter the process, like ‘Custody handover’"),
        ("waste_type", "sloth", "Choose the kind of waste"),
    ],
)
def test_bad_waste_is_named_field_by_field(field: str, value: str, message: str) -> None:
    good = {
        "waste_type": "waiting",
        "process": "Custody handover",
        "description": "Waited for the sergeant",
        "minutes_per_occurrence": "40",
        "occurrences_per_week": "25",
        "observed_on": "2026-11-20",
    }
    checked, errors = check_waste(WasteInput(**(good | {field: value})), TODAY)
    assert checked is None
    assert errors == {field: message}


def test_pareto_runs_from_the_largest_and_ends_at_everything() -> None:
    bars = pareto({"Waiting": D(100), "Motion": D(300), "Defects": D(100)})
    assert [bar.label for bar in bars] == ["Motion", "Defects", "Waiting"]
    assert [bar.share for bar in bars] == [D("0.6"), D("0.2"), D("0.2")]
    assert bars[-1].cumulative == 1
    assert pareto({}) == []


def test_a_pareto_of_nothing_lost_has_no_shares() -> None:
    bars = pareto({"Waiting": D(0), "Motion": D(0)})
    assert [(bar.label, bar.share, bar.cumulative) for bar in bars] == [("Motion", 0, 0), ("Waiting", 0, 0)]


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=8), st.decimals(min_value=D("0.01"), max_value=D(10**6), places=2), min_size=1
    )
)
def test_pareto_shares_add_up_and_the_running_share_only_rises(totals: dict[str, D]) -> None:
    bars = pareto(totals)
    assert abs(sum(bar.share for bar in bars) - 1) < D("1e-20")
    assert all(earlier.cumulative <= later.cumulative for earlier, later in itertools.pairwise(bars))
    assert all(earlier.hours >= later.hours for earlier, later in itertools.pairwise(bars))


@pytest.mark.parametrize(
    ("raw", "kind", "expected", "problem"),
    [
        ("42", MetricKind.BACKLOG, D(42), None),
        (" 1,204 ", MetricKind.BACKLOG, D(1204), None),
        ("-1", MetricKind.BACKLOG, None, "A count cannot be negative"),
        ("4.5", MetricKind.BACKLOG, None, "A count must be a whole number"),
        ("4.5", MetricKind.TIME, D("4.5"), None),
        ("", MetricKind.BACKLOG, None, "Enter a number"),
        ("lots", MetricKind.VOLUME, None, "Enter a number, like 42"),
        ("NaN", MetricKind.RATE, None, "Enter a number, like 42"),
        ("1e12", MetricKind.RATE, None, "That number is too large"),
        # Digits alone skip the checks they cannot fail, but not the size.
        ("1000000000", MetricKind.BACKLOG, D(1000000000), None),
        ("1000000001", MetricKind.BACKLOG, None, "That number is too large"),
        ("0001", MetricKind.VOLUME, D(1), None),
        ("١٢", MetricKind.BACKLOG, D(12), None),  # Arabic-Indic digits, as Decimal reads them
        ("4.50000", MetricKind.TIME, D("4.5"), None),
        ("4.00001", MetricKind.TIME, None, "Use at most 4 decimal places"),
        ("4.0", MetricKind.BACKLOG, D("4.0"), None),
    ],
)
def test_reading_values(raw: str, kind: MetricKind, expected: D | None, problem: str | None) -> None:
    assert check_reading_value(raw, kind) == (expected, problem)


def test_reading_dates_are_real_and_not_in_the_future() -> None:
    assert check_reading_date("2026-11-23", TODAY) == (TODAY, None)
    assert check_reading_date("2026-11-24", TODAY) == (None, "The date must be today or in the past")
    assert check_reading_date("1999-12-31", TODAY) == (None, "The date must be in 2000 or later")
    assert check_reading_date("23/11/2026", TODAY) == (None, "Enter a real date, like 2026-11-23")


def test_a_date_already_read_is_judged_as_the_same_date_written_at_both_ends_of_the_window() -> None:
    """A date cell takes a quicker path inside 2000..today: at, and a day either side of, each end it
    answers as the same date written as text, which goes through fields.date_within."""
    first = datetime.date(2000, 1, 1)
    for day in (first - datetime.timedelta(days=1), first, first + datetime.timedelta(days=1)):
        for today in (TODAY, first):
            for edge in (day, today - datetime.timedelta(days=1), today, today + datetime.timedelta(days=1)):
                assert check_reading_date(edge, today) == check_reading_date(edge.isoformat(), today), (edge, today)
    assert check_reading_date(first, TODAY) == (first, None)
    assert check_reading_date(first - datetime.timedelta(days=1), TODAY) == (None, "The date must be in 2000 or later")
    assert check_reading_date(TODAY + datetime.timedelta(days=1), TODAY)[1] == "The date must be today or in the past"


def test_staff_enter_today_and_yesterday_and_managers_any_date() -> None:
    yesterday, before = TODAY - datetime.timedelta(days=1), TODAY - datetime.timedelta(days=2)
    staff = earliest_entry_date(False, TODAY)
    assert staff == yesterday
    assert check_entry_window(TODAY, staff) is None
    assert check_entry_window(yesterday, staff) is None
    assert check_entry_window(before, staff) == OLD_READING_FOR_MANAGERS
    manager = earliest_entry_date(True, TODAY)
    assert manager is None
    assert check_entry_window(datetime.date(2000, 1, 1), manager) is None


def test_weekly_and_monthly_readings_are_filed_under_the_start_of_their_period() -> None:
    thursday = datetime.date(2026, 11, 26)
    assert period_start(Frequency.DAILY, thursday) == thursday
    assert period_start(Frequency.WEEKLY, thursday) == datetime.date(2026, 11, 23)
    assert period_start(Frequency.MONTHLY, thursday) == datetime.date(2026, 11, 1)


def test_search_text_is_reduced_to_plain_words() -> None:
    assert terms("The pending-incidents list, and the custody (handover)!") == [
        "pending",
        "incidents",
        "list",
        "custody",
        "handover",
    ]
    assert terms('" OR 1=1 -- ; DROP TABLE ideas; *') == ["drop", "table", "ideas"]
    assert terms("a an the of") == []


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_spreadsheet_formulas_are_escaped(dangerous: str) -> None:
    assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("Custody handover") == "Custody handover"
    assert safe_cell(-5) == -5  # numbers stay numbers


def test_sparkline_geometry() -> None:
    line = sparkline([D(10), D(20), D(15)], width=100, height=20, pad=0)
    assert line is not None
    assert line.points == "0.0,20.0 50.0,0.0 100.0,10.0"
    assert (line.last_x, line.last_y) == (100.0, 10.0)
    flat = sparkline([D(5), D(5)], width=100, height=20, pad=0)
    assert flat is not None
    assert flat.points == "0.0,10.0 100.0,10.0"
    assert sparkline([]) is None


def test_pareto_chart_bars_are_proportional_and_the_axis_is_round() -> None:
    chart = pareto_chart(pareto({"Waiting": D(420), "Motion": D(210)}))
    assert chart is not None
    assert len(chart.bars) == 2
    first, second = chart.bars
    assert first.height == pytest.approx(2 * second.height, rel=0.01)
    assert chart.hour_ticks[-1].value == 500  # 420 rounds up to a round 500
    assert chart.bars[-1].cumulative_percent == D("100.0")
    assert pareto_chart([]) is None
