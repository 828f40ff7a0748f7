"""How each demo force's improvement programme has gone, so that the dashboards have differences to show.

Every force of the small demo is given a fortune: how many ideas its divisions raise and how they end up,
how much of what it claims its validator confirms, how its backlogs have moved, and how long it has used
QUEST. Together they give HQ and national views something to compare:

- Thames Valley implements a lot and validates most of it, and its backlogs drift down;
- Sussex claims a lot but validates little, and rejects some of it;
- Staffordshire's backlogs rise, and its ideas wait;
- Cheshire's divisions differ widely: Warrington leads and Halton lags;
- Lancashire and Avon and Somerset are steady;
- Dyfed-Powys has only just started: seven weeks of counts and a few early ideas, with nothing implemented
  or validated yet, so the dashboards must call it "too little data".
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from quest.ideas.status import IdeaStatus

# Two years of daily counts, and today.
HISTORY_DAYS = 730
# Established forces raised their first ideas more than a year ago, and their latest this week.
IDEA_DAYS = 400

Outcomes = tuple[tuple[IdeaStatus, int], ...]

# How ideas end up, and how often: in an ordinary division...
ORDINARY: Outcomes = (
    (IdeaStatus.SUBMITTED, 25),
    (IdeaStatus.UNDER_REVIEW, 20),
    (IdeaStatus.APPROVED, 8),
    (IdeaStatus.IN_PROGRESS, 10),
    (IdeaStatus.IMPLEMENTED, 17),
    (IdeaStatus.DECLINED, 12),
    (IdeaStatus.PARKED, 8),
)
# ... in one that sees its ideas through ...
IMPLEMENTING: Outcomes = (
    (IdeaStatus.SUBMITTED, 8),
    (IdeaStatus.UNDER_REVIEW, 8),
    (IdeaStatus.APPROVED, 8),
    (IdeaStatus.IN_PROGRESS, 12),
    (IdeaStatus.IMPLEMENTED, 46),
    (IdeaStatus.DECLINED, 12),
    (IdeaStatus.PARKED, 6),
)
# ... in one where ideas wait for an answer ...
STALLED: Outcomes = (
    (IdeaStatus.SUBMITTED, 45),
    (IdeaStatus.UNDER_REVIEW, 25),
    (IdeaStatus.APPROVED, 6),
    (IdeaStatus.IN_PROGRESS, 6),
    (IdeaStatus.IMPLEMENTED, 6),
    (IdeaStatus.DECLINED, 6),
    (IdeaStatus.PARKED, 6),
)
# ... and in one that has just started, where nothing has had time to be implemented.
STARTING: Outcomes = (
    (IdeaStatus.SUBMITTED, 40),
    (IdeaStatus.UNDER_REVIEW, 30),
    (IdeaStatus.APPROVED, 12),
    (IdeaStatus.IN_PROGRESS, 8),
    (IdeaStatus.DECLINED, 5),
    (IdeaStatus.PARKED, 5),
)


@dataclass(frozen=True, slots=True)
class Fortune:
    """How a force's (or one division's) programme went."""

    ideas: tuple[int, int] = (4, 7)  # the fewest and most ideas a division raised
    outcomes: Outcomes = ORDINARY
    # Of the claims of implemented ideas: the share the validator validated, and the share they rejected;
    # the rest wait in their queue.
    validated: float = 0.7
    rejected: float = 0.0
    # How far the backlogs have moved over the history, as a share of their usual level: 0.6 is a rise
    # to 1.6 times the level they started at, -0.3 a fall to 0.7 of it.
    backlog_drift: float = 0.0
    # How long the force has used QUEST: its counts start this many days ago, its ideas a little later.
    days_of_use: int = HISTORY_DAYS
    # Divisions whose fortune differs from their force's.
    divisions: Mapping[str, Fortune] = field(default_factory=dict)

    def of_division(self, code: str) -> Fortune:
        return self.divisions.get(code, self)

    @property
    def idea_days(self) -> int:
        """How far back its ideas go: the first a few days after the first counts."""
        return min(IDEA_DAYS, self.days_of_use - 4)

    @property
    def stages(self) -> tuple[IdeaStatus, ...]:
        """Where its ideas can be: each is given to one idea of the force, so every stage is seen."""
        return tuple(status for status, weight in self.outcomes if weight)

    def backlog_level(self, back: int) -> float:
        """The share of a backlog's usual level it runs at ``back`` days before today."""
        return 1.0 + self.backlog_drift * (1 - back / self.days_of_use)


LEADER = Fortune(ideas=(10, 13), outcomes=IMPLEMENTING, validated=0.9, backlog_drift=-0.35)
LAGGARD = Fortune(ideas=(3, 5), outcomes=STALLED, validated=0.5, backlog_drift=0.4)
# Seven weeks: the first counts 49 days ago, the first ideas in the weeks since.
JUST_STARTED_DAYS = 49

FORTUNES: Mapping[str, Fortune] = {
    "LAN": Fortune(),
    "AVS": Fortune(ideas=(3, 6), validated=0.6),
    "TVP": Fortune(ideas=(6, 9), outcomes=IMPLEMENTING, validated=0.9, backlog_drift=-0.25),
    "SUS": Fortune(ideas=(8, 11), outcomes=IMPLEMENTING, validated=0.15, rejected=0.2),
    "STA": Fortune(ideas=(3, 5), outcomes=STALLED, validated=0.6, backlog_drift=0.6),
    "CHE": Fortune(divisions={"WARR": LEADER, "HALTON": LAGGARD}),
    "DYP": Fortune(ideas=(2, 4), outcomes=STARTING, validated=0.0, days_of_use=JUST_STARTED_DAYS),
}
# The force that has only just started, for the tests and the README.
JUST_STARTED = "DYP"


def fortune_of(force_code: str) -> Fortune:
    return FORTUNES.get(force_code, Fortune())


def first_day(fortune: Fortune, today: datetime.date) -> datetime.date:
    """The day of a force's first counts."""
    return today - datetime.timedelta(days=fortune.days_of_use)
