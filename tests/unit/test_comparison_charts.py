"""The charts that compare divisions and forces (quest.charts.funnel and quest.charts.ski_slope, drawn by
templates/charts/funnel.html and ski_slope.html): rendered to SVG text, each must show what the figures
say. The outlier is coloured by whether it is better or worse, the chosen unit stands out, units with too
little data are never plotted but are always in the table, and 43 forces fit a phone's screen."""

from __future__ import annotations

import decimal
import re
from typing import Any

import pytest

from quest.charts.funnel import KINDS, dot_kind, funnel_chart
from quest.charts.ski_slope import PHONE_WIDTH, Reference, SlopeUnit, ski_slope_chart
from quest.dashboards.funnels import Position, RateKind, Unit, funnel
from quest.web.templating import create_environment

FUNNEL = '{% from "charts/funnel.html" import funnel, funnel_table %}'
SKI_SLOPE = '{% from "charts/ski_slope.html" import ski_slope, ski_slope_table %}'

# θ = 600 / 3000 = 0.2 an officer. At 1,000 officers the 99.8% limits are 0.2 ± 0.0437 (see test_funnels):
# Cleveland's 0.4 is above them, Avon's and Bedford's 0.1 below; Dorset has too little data.
UNITS = [
    Unit("AV", "Avon", 100, 1000),
    Unit("BD", "Bedford", 100, 1000),
    Unit("CL", "Cleveland", 400, 1000),
    Unit("DO", "Dorset", 5, 10, too_little_data=True),
]


def render(source: str, **values: Any) -> str:
    return create_environment().from_string(source).render(**values)


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)


def the_funnel() -> Any:
    return funnel("ideas", UNITS, RateKind.COUNT_PER_SIZE, per=100)


def test_dot_kinds_follow_which_way_is_better() -> None:
    assert dot_kind(Position.ABOVE, "higher") == "improvement"
    assert dot_kind(Position.ABOVE, "lower") == "concern"
    assert dot_kind(Position.BELOW, "higher") == "concern"
    assert dot_kind(Position.BELOW, "lower") == "improvement"
    assert dot_kind(Position.BELOW, None) == dot_kind(Position.ABOVE, None) == "neutral"
    assert dot_kind(Position.WITHIN, "higher") == dot_kind(None, None) == "common"


def test_a_funnel_plot_colours_outliers_and_shows_the_chosen_force_and_its_similar_forces() -> None:
    result = the_funnel()
    chart = funnel_chart(result, better="lower", highlighted={"AV"}, marked={"BD", "CL"}, unit_word="force")
    assert chart is not None
    html = render(
        FUNNEL + '{{ funnel(chart, "ideas", "Ideas per 100 officers") }}'
        '{{ funnel_table(result, "ideas-table", "Ideas per 100 officers", "Force", better="lower") }}',
        chart=chart,
        result=result,
    )
    wide, phone = svgs(html)
    assert 'data-screen="phone"' in phone
    assert 'viewBox="0 0 360 ' in phone
    for svg in (wide, phone):
        # Cleveland is above the limits, which is worse when lower is better; Avon below, which is better.
        assert re.search(r'class="quest-funnel__dot quest-funnel__dot--concern"[^>]*data-unit="CL"', svg)
        assert re.search(r"quest-funnel__dot--improvement quest-funnel__dot--highlighted[^>]*data-unit=\"AV\"", svg)
        assert f'fill="{KINDS["concern"]}"' in svg
        assert svg.count('class="quest-funnel__ring"') == 2  # Bedford and Cleveland
        assert re.search(r'class="quest-xmr__label quest-funnel__label"[^>]*>Avon</text>', svg)
        # Too little data: not plotted.
        assert 'data-unit="DO"' not in svg
        # Each limit line has a point for every size the limits were worked out at.
        for points in re.findall(r'class="quest-funnel__limit[^"]*" points="([^"]*)"', svg):
            assert len(points.split()) == len(result.limits)
        assert len(re.findall(r'class="quest-funnel__limit', svg)) == 4
    description = re.search(r"<desc[^>]*>(.*?)</desc>", wide, flags=re.DOTALL)
    assert description is not None
    assert "Outside the 99.8% limits, above, worse: Cleveland." in description.group(1)
    assert "below, better: Avon, Bedford." in description.group(1)
    assert "Too little data to plot: Dorset." in description.group(1)
    # The table has every unit: those with too little data apart, unclassified.
    table = html[html.index('id="ideas-table"') :]
    assert "Above expected variation (worse)" in table
    assert "Below expected variation (better)" in table
    assert re.search(r'id="ideas-table-too-little".*Dorset', table, flags=re.DOTALL)
    assert "20.0" in table  # the overall rate: 600 ideas from 3,000 officers, 20 per 100


def test_a_funnel_with_no_better_way_is_purple_and_says_within_when_all_are() -> None:
    neutral = funnel_chart(the_funnel(), better=None)
    assert neutral is not None
    assert {dot.kind for dot in neutral.dots} == {"neutral"}
    assert {dot.colour for dot in neutral.dots} == {"#490092"}
    calm = funnel("ideas", [Unit("A", "Avon", 30, 50), Unit("B", "Bedford", 970, 1950)], RateKind.COUNT_PER_SIZE)
    chart = funnel_chart(calm, better="higher")
    assert chart is not None
    assert {dot.kind for dot in chart.dots} == {"common"}
    assert "All are within expected variation." in chart.description


def test_a_funnel_with_nothing_to_plot_draws_no_chart_but_the_table_still_lists_the_units() -> None:
    result = funnel("answered", [Unit("A", "Avon", 3, 5)], RateKind.PROPORTION)
    assert funnel_chart(result) is None
    html = render(FUNNEL + '{{ funnel(None, "x", "X") }}{{ funnel_table(result, "t", "T", "Force") }}', result=result)
    assert "<svg" not in html
    assert "Avon" in html
    assert "Too little data" in html


def test_the_chosen_units_label_stays_inside_the_chart() -> None:
    result = funnel(
        "ideas",
        [Unit("A", "A very long force name indeed", 200, 1000), Unit("B", "B", 5, 20)],
        RateKind.COUNT_PER_SIZE,
    )
    chart = funnel_chart(result, highlighted={"A"})
    assert chart is not None
    assert chart.phone is not None
    for drawn in (chart, chart.phone):
        [dot] = [dot for dot in drawn.dots if dot.highlighted]
        assert dot.label_anchor == "end"  # the largest force sits at the right-hand edge
        assert dot.label_x < dot.x


def forces(count: int) -> list[SlopeUnit]:
    return [
        SlopeUnit(f"F{index:02d}", f"Force {index:02d}", decimal.Decimal(index * 3 % 41), f"£{index * 3 % 41:,}")
        for index in range(count)
    ]


def test_a_ski_slope_sorts_highlights_and_marks_and_lists_too_little_data_apart() -> None:
    units = [
        SlopeUnit("N1", "North", decimal.Decimal("12.5"), "12.5"),
        SlopeUnit("S1", "South", decimal.Decimal("30.25"), "30.3"),
        SlopeUnit("E1", "East", None, "–", too_little_data=True),
        SlopeUnit("W1", "West", 18.0, "18.0"),
    ]
    references = [Reference("Force average", decimal.Decimal("20.1"), "20.1")]
    chart = ski_slope_chart(
        "Ideas per 100 staff", units, references=references, highlighted={"W1"}, marked={"N1"}, unit_word="division"
    )
    assert chart is not None
    assert [bar.unit.unit_code for bar in chart.bars] == ["S1", "W1", "N1"]
    assert chart.show_labels
    assert chart.upright_labels  # three short names fit across the chart, unabridged
    html = render(
        SKI_SLOPE + '{{ ski_slope(chart, "slope", "Ideas per 100 staff") }}'
        '{{ ski_slope_table(chart, "slope-table", "Ideas per 100 staff", "Division", "Ideas per 100 staff") }}',
        chart=chart,
    )
    wide, phone = svgs(html)
    for svg in (wide, phone):
        assert re.search(r'class="quest-ski-slope__bar quest-ski-slope__bar--highlighted"[^>]*data-unit="W1"', svg)
        assert re.search(r'class="quest-ski-slope__bar quest-ski-slope__bar--marked"[^>]*data-unit="N1"', svg)
        assert re.search(r'class="quest-ski-slope__bar"[^>]*data-unit="S1"', svg)
        assert 'data-unit="E1"' not in svg  # never a zero bar
        assert "Force average: 20.1</text>" in svg
        assert len(re.findall(r"<rect class=\"quest-ski-slope__bar", svg)) == 3
    assert "Too little data: East." in html
    assert "Dark blue: the one chosen. Hatched: those it is compared with." in html
    table = html[html.index('id="slope-table"') :]
    names = re.findall(r"(South|West|North|East)", table)
    assert names == ["South", "West", "North", "East"]  # sorted as the chart, too little data last
    assert chart.description.startswith("Ideas per 100 staff for 3 divisions, sorted from highest to lowest.")
    assert "West is 2 of 3, at 18.0." in chart.description


def test_a_ski_slope_of_43_forces_fits_a_phone_with_the_names_left_to_the_table() -> None:
    units = forces(43)
    chart = ski_slope_chart(
        "Cost per officer",
        units,
        references=[
            Reference("Similar forces", decimal.Decimal("21.5"), "£21.50"),
            Reference("National", decimal.Decimal("20"), "£20.00"),
        ],
        highlighted={"F07"},
        marked={"F01", "F02"},
    )
    assert chart is not None
    assert chart.phone is not None
    assert chart.phone.width == PHONE_WIDTH
    assert len(chart.phone.bars) == 43
    assert not chart.phone.show_labels
    assert not chart.upright_labels
    phone_chart = chart.phone
    assert all(phone_chart.plot_left <= bar.x < bar.x + bar.width <= phone_chart.plot_right for bar in phone_chart.bars)
    values = [float(bar.unit.value or 0) for bar in chart.bars]
    assert values == sorted(values, reverse=True)
    # The two reference lines are close: their labels must not sit on top of each other.
    similar, national = chart.references
    assert abs(similar.text_y - national.text_y) >= 14
    html = render(
        SKI_SLOPE + '{{ ski_slope(chart, "cost", "Cost") }}{{ ski_slope_table(chart, "t", "Cost", "Force", "£") }}',
        chart=chart,
    )
    phone = svgs(html)[1]
    # On the phone only the chosen force is named on the chart; the table names all 43.
    assert re.findall(r"rotate\(-65[^>]*>([^<]*)</text>", phone) == ["Force 07"]
    table = html[html.index('id="t"') :]
    assert all(f"Force {index:02d}" in table for index in range(43))


@pytest.mark.parametrize("count", [0, 2])
def test_a_ski_slope_with_nothing_to_draw_is_none(count: int) -> None:
    units = [SlopeUnit(f"U{index}", f"Unit {index}", None, "–", too_little_data=True) for index in range(count)]
    assert ski_slope_chart("x", units) is None
