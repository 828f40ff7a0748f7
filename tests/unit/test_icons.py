"""The Making Data Count icons say in words what their colour says: which side a special cause fell on
follows the measure's direction."""

from __future__ import annotations

import pytest

from quest.charts.icons import assurance_icon, variation_icon
from quest.charts.xmr import COLOURS
from quest.metrics.spc import Assurance, PointType
from quest.metrics.vocabulary import Direction


@pytest.mark.parametrize(
    ("point_type", "direction", "letter", "meaning"),
    [
        (
            PointType.SPECIAL_CAUSE_IMPROVEMENT,
            Direction.UP,
            "H",
            "Improving: the latest reading is unusually high, which is better.",
        ),
        (
            PointType.SPECIAL_CAUSE_IMPROVEMENT,
            Direction.DOWN,
            "L",
            "Improving: the latest reading is unusually low, which is better.",
        ),
        (PointType.SPECIAL_CAUSE_CONCERN, Direction.UP, "L", "Getting worse: the latest reading is unusually low."),
        (PointType.SPECIAL_CAUSE_CONCERN, Direction.DOWN, "H", "Getting worse: the latest reading is unusually high."),
        (
            PointType.SPECIAL_CAUSE_NEUTRAL_HIGH,
            Direction.DOWN,
            "H",
            "A real change upwards, neither better nor worse in itself.",
        ),
        (
            PointType.COMMON_CAUSE,
            Direction.UP,
            "~",
            "No sign of change: the latest reading is within the process's usual variation.",
        ),
    ],
)
def test_a_variation_icon_says_which_side(
    point_type: PointType, direction: Direction, letter: str, meaning: str
) -> None:
    icon = variation_icon(point_type, direction)
    assert icon is not None
    assert (icon.colour, icon.letter, icon.meaning) == (COLOURS[point_type], letter, meaning)


def test_every_point_type_and_assurance_has_an_icon_and_none_has_none() -> None:
    assert all(variation_icon(point_type, Direction.UP) is not None for point_type in PointType)
    assert variation_icon(None, Direction.UP) is None
    icons = [assurance_icon(assurance) for assurance in Assurance]
    assert [icon.letter if icon else None for icon in icons] == ["P", "F", "?"]
    assert assurance_icon(None) is None
