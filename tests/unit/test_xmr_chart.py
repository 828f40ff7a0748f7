"""The XmR chart's geometry (quest.charts.xmr, pure): labels above the plot never overlap and stay inside
the chart, however close the changes; a change between readings labels the line at the next reading; a
segment without limits says why."""

from __future__ import annotations

import datetime
from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from quest.charts.xmr import HEIGHT, NAMED_DOTS, TOP, WIDTH, Label, XmrChart, lay_out_labels, xmr_chart
from quest.metrics.spc import PointType, analyse
from quest.metrics.vocabulary import Direction
from quest.web.templating import xmr_dots

START = datetime.date(2024, 1, 1)


def daily(count: int, start: datetime.date = START) -> list[tuple[datetime.date, int]]:
    return [(start + datetime.timedelta(days=index), 100 + (index * 37) % 23) for index in range(count)]


def overlap(one: Label, other: Label) -> bool:
    left, top, right, bottom = one.box
    other_left, other_top, other_right, other_bottom = other.box
    return left < other_right and other_left < right and top < other_bottom and other_top < bottom


def assert_laid_out(chart: XmrChart) -> None:
    labels = [*chart.rebases, *chart.notes]
    for one, other in combinations(labels, 2):
        assert not overlap(one, other), (one, other)
    for label in labels:
        left, top, right, bottom = label.box
        assert 0 <= left <= right <= chart.width, label
        assert 0 <= top < bottom <= chart.plot_top - 6, label  # above the plot and its lines
        # Each label begins or ends just beside its own line, unless it is too wide for either side.
        assert abs((left if label.anchor == "start" else right) - label.x) <= 4.01 or right - left > WIDTH / 2


def test_three_changes_days_apart_on_a_two_year_daily_chart_get_labels_that_do_not_overlap() -> None:
    series = daily(730)
    changes = {START + datetime.timedelta(days=400 + offset): f"LAN-00012{offset}" for offset in (0, 3, 6)}
    chart = xmr_chart(analyse(series, direction=Direction.DOWN, rebase=changes), rebase_labels=changes)
    assert chart is not None
    assert [label.label for label in chart.rebases] == ["LAN-000120", "LAN-000123", "LAN-000126"]
    assert_laid_out(chart)
    assert len({label.row for label in chart.rebases}) > 1  # stacked: side by side they would overlap
    # The plot keeps its height; the chart grows by the rows the labels need.
    assert chart.plot_bottom - chart.plot_top == HEIGHT - TOP - 40
    assert chart.height == chart.plot_bottom + 40


def test_a_lone_change_keeps_the_chart_as_it_was() -> None:
    change = START + datetime.timedelta(days=100)
    chart = xmr_chart(analyse(daily(200), direction=Direction.DOWN, rebase=[change]), rebase_labels={change: "X-1"})
    assert chart is not None
    [label] = chart.rebases
    assert (chart.height, chart.plot_top, label.row, label.anchor) == (HEIGHT, TOP, 0, "start")
    assert label.text_x == label.x + 4


def test_a_change_near_the_right_edge_is_labelled_to_the_left_of_its_line() -> None:
    change = START + datetime.timedelta(days=198)
    chart = xmr_chart(
        analyse(daily(200), direction=Direction.DOWN, rebase=[change]), rebase_labels={change: "LAN-000001"}
    )
    assert chart is not None
    [label] = chart.rebases
    assert (label.anchor, label.text_x) == ("end", label.x - 4)
    assert_laid_out(chart)


def test_many_changes_at_two_thousand_points_stay_apart_and_inside_the_chart() -> None:
    series = daily(2000)
    changes = {START + datetime.timedelta(days=day): f"LAN-{day:06d}, LAN-{day + 1:06d}" for day in range(50, 2000, 9)}
    chart = xmr_chart(analyse(series, direction=Direction.UP, rebase=changes), rebase_labels=changes)
    assert chart is not None
    assert len(chart.rebases) == len(changes)
    assert_laid_out(chart)


def test_a_change_between_two_readings_labels_the_next_reading() -> None:
    weekly = [(START + datetime.timedelta(weeks=index), 10 + index % 3) for index in range(30)]
    midweek = START + datetime.timedelta(weeks=15, days=3)
    chart = xmr_chart(
        analyse(weekly, direction=Direction.DOWN, rebase=[midweek]), rebase_labels={midweek: "LAN-000042"}
    )
    assert chart is not None
    assert [label.label for label in chart.rebases] == ["LAN-000042"]


def test_a_segment_without_limits_says_why_on_the_chart() -> None:
    series = [*daily(30), *((START + datetime.timedelta(days=30 + index), 50) for index in range(10))]
    change = START + datetime.timedelta(days=30)
    spc = analyse(series, direction=Direction.DOWN, target=40, rebase=[change])
    chart = xmr_chart(spc, target=40, rebase_labels={change: "LAN-000007"})
    assert chart is not None
    assert [note.label for note in chart.notes] == ["No limits: no variation"]
    assert len(chart.upper_limits) == len(chart.lower_limits) == 1  # the first segment's only
    assert_laid_out(chart)
    lone = xmr_chart(analyse(daily(1), direction=Direction.DOWN))
    assert lone is not None
    assert [note.label for note in lone.notes] == ["No limits: one reading"]


@given(
    st.lists(
        st.tuples(st.floats(min_value=64, max_value=776), st.text(alphabet="LAN-0123456789, ", max_size=120)),
        max_size=25,
    )
)
def test_laid_out_labels_never_overlap_and_stay_inside_the_chart(wanted: list[tuple[float, str]]) -> None:
    labels = lay_out_labels(wanted, left=0, right=WIDTH)
    assert [label.x for label in labels] == [x for x, _text in wanted]
    for one, other in combinations(labels, 2):
        assert not overlap(one, other), (one, other)
    for label in labels:
        assert 0 <= label.box[0] <= label.box[2] <= WIDTH
        assert label.box[1] >= 0


def test_every_dot_is_drawn_in_its_colour_and_a_crowded_chart_names_only_its_signals() -> None:
    few = daily(40)
    few[20] = (few[20][0], 400)  # a special cause among common ones
    chart = xmr_chart(analyse(few, direction=Direction.DOWN))
    assert chart is not None
    drawn = str(xmr_dots(chart))
    assert drawn.count("<circle ") == 40
    assert drawn.count("<title>") == 40
    assert f'<circle cx="{chart.dots[20].x}" cy="{chart.dots[20].y}" r="{chart.radius}" fill="#e46c0a"' in drawn
    assert "<title>21 January 2024: 400</title>" in drawn

    many = daily(NAMED_DOTS + 1)
    many[-1] = (many[-1][0], 400)
    crowded = xmr_chart(analyse(many, direction=Direction.DOWN))
    assert crowded is not None
    drawn = str(xmr_dots(crowded))
    assert drawn.count("<circle ") == NAMED_DOTS + 1
    signals = [dot for dot in crowded.dots if dot.point_type is not PointType.COMMON_CAUSE]
    assert drawn.count("<title>") == len(signals) >= 1


def test_a_dashboards_small_chart_names_only_its_signals() -> None:
    few = daily(40)
    few[20] = (few[20][0], 400)
    small = xmr_chart(analyse(few, direction=Direction.DOWN), size=(360, 200, 1), name_dots=False)
    assert small is not None
    drawn = str(xmr_dots(small))
    assert drawn.count("<circle ") == 40
    assert drawn.count("<title>") == 1
    assert "<title>21 January 2024: 400</title>" in drawn
