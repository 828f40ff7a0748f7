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


# What each kind of point says: its letter, title and meaning. An improvement or a concern is a reading
# unusually high or low, as the measure's direction makes it better or worse: its letter and the
# ``{side}`` in its meaning say which.
_VARIATION: dict[PointType, tuple[str, str, str]] = {
    PointType.COMMON_CAUSE: (
        "~",
        "Common cause variation",
        "No sign of change: the latest reading is within the process's usual variation.",
    ),
    PointType.SPECIAL_CAUSE_IMPROVEMENT: (
        "",
        "Special cause: improvement",
        "Improving: the latest reading is unusually {side}, which is better.",
    ),
    PointType.SPECIAL_CAUSE_CONCERN: (
        "",
        "Special cause: concern",
        "Getting worse: the latest reading is unusually {side}.",
    ),
    PointType.SPECIAL_CAUSE_NEUTRAL_HIGH: (
        "H",
        "Special cause: unusually high",
        "A real change upwards, neither better nor worse in itself.",
    ),
    PointType.SPECIAL_CAUSE_NEUTRAL_LOW: (
        "L",
        "Special cause: unusually low",
        "A real change downwards, neither better nor worse in itself.",
    ),
}

# What each assurance says, in the colour of the point type it is like.
_ASSURANCE: dict[Assurance, tuple[PointType, str, str, str]] = {
    Assurance.CONSISTENT_PASS: (
        PointType.SPECIAL_CAUSE_IMPROVEMENT,
        "P",
        "Consistently meets the target",
        "The target lies beyond the process limits, on the right side: it will be met while the process holds.",
    ),
    Assurance.CONSISTENT_FAIL: (
        PointType.SPECIAL_CAUSE_CONCERN,
        "F",
        "Consistently misses the target",
        "The target lies beyond the limits, on the wrong side: it will be missed until the process changes.",
    ),
    Assurance.INCONSISTENT: (
        PointType.COMMON_CAUSE,
        "?",
        "Sometimes meets the target",
        "The target lies within the process limits: some readings will meet it and some will not.",
    ),
}


def variation_icon(point_type: PointType | None, direction: Direction) -> Icon | None:
    if point_type is None:
        return None
    letter, title, meaning = _VARIATION[point_type]
    better, worse = ("high", "low") if direction is Direction.UP else ("low", "high")
    side = {PointType.SPECIAL_CAUSE_IMPROVEMENT: better, PointType.SPECIAL_CAUSE_CONCERN: worse}.get(point_type)
    if side is not None:
        letter, meaning = side[0].upper(), meaning.format(side=side)
    return Icon(COLOURS[point_type], letter, title, meaning)


def assurance_icon(assurance: Assurance | None) -> Icon | None:
    if assurance is None:
        return None
    like, letter, title, meaning = _ASSURANCE[assurance]
    return Icon(COLOURS[like], letter, title, meaning)
