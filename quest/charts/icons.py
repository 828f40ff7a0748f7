"""The Making Data Count icons: variation (what the latest reading says) and assurance (whether the target
will be met), each with its meaning in words, so the colour is never the only clue."""

from __future__ import annotations

from dataclasses import dataclass

from quest.charts.xmr import COLOURS
from quest.metrics.spc import Assurance, PointType
from quest.metrics.vocabulary import Direction


@dataclass(frozen=True, slots=True)
class Icon:
    colour: str
    letter: str
    title: str
    meaning: str


def variation_icon(point_type: PointType | None, direction: Direction) -> Icon | None:
    if point_type is None:
        return None
    colour = COLOURS[point_type]
    high_is_better = direction is Direction.UP
    match point_type:
        case PointType.COMMON_CAUSE:
            return Icon(
                colour,
                "~",
                "Common cause variation",
                "No sign of change: the latest reading is within the process's usual variation.",
            )
        case PointType.SPECIAL_CAUSE_IMPROVEMENT:
            side = "high" if high_is_better else "low"
            return Icon(
                colour,
                side[0].upper(),
                "Special cause: improvement",
                f"Improving: the latest reading is unusually {side}, which is better.",
            )
        case PointType.SPECIAL_CAUSE_CONCERN:
            side = "low" if high_is_better else "high"
            return Icon(
                colour,
                side[0].upper(),
                "Special cause: concern",
                f"Getting worse: the latest reading is unusually {side}.",
            )
        case PointType.SPECIAL_CAUSE_NEUTRAL_HIGH:
            return Icon(
                colour,
                "H",
                "Special cause: unusually high",
                "A real change upwards, neither better nor worse in itself.",
            )
        case PointType.SPECIAL_CAUSE_NEUTRAL_LOW:
            return Icon(
                colour,
                "L",
                "Special cause: unusually low",
                "A real change downwards, neither better nor worse in itself.",
            )


def assurance_icon(assurance: Assurance | None) -> Icon | None:
    match assurance:
        case Assurance.CONSISTENT_PASS:
            return Icon(
                COLOURS[PointType.SPECIAL_CAUSE_IMPROVEMENT],
                "P",
                "Consistently meets the target",
                "The target lies beyond the process limits, on the right side: it will be met while the process holds.",
            )
        case Assurance.CONSISTENT_FAIL:
            return Icon(
                COLOURS[PointType.SPECIAL_CAUSE_CONCERN],
                "F",
                "Consistently misses the target",
                "The target lies beyond the limits, on the wrong side: it will be missed until the process changes.",
            )
        case Assurance.INCONSISTENT:
            return Icon(
                COLOURS[PointType.COMMON_CAUSE],
                "?",
                "Sometimes meets the target",
                "The target lies within the process limits: some readings will meet it and some will not.",
            )
        case _:
            return None
