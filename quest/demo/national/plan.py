"""How big the national dataset is, and in what proportions: pure, no I/O.

The sizes are those of issue 12 (all 43 forces, about 150,000 users, 1,000,000 ideas over five years,
500,000 waste observations, daily counts of three backlogs in every division, about 300,000 savings
claims). A ``fraction`` scales the people, ideas, waste and days of readings down for tests, and keeps the
organisation whole: every force, every division.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass
from functools import cached_property

from quest.demo import stories
from quest.demo.catalogue import DEMO_FORCES, DemoDivision
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import MOVES
from quest.org.reference import ReferenceForce, reference_forces

USERS = 150_000
IDEAS = 1_000_000
WASTE_OBSERVATIONS = 500_000
YEARS = 5
# One division (basic command unit) for about this many officers, at least three a force; the seven forces
# of the small demo keep the divisions the small demo gives them.
OFFICERS_PER_DIVISION = 400
LEAST_DIVISIONS = 3
# The backlogs every division counts each day: the small demo's two, and one more.
BACKLOGS = (*stories.BACKLOGS, ("Calls awaiting a call-back", "calls", 0.08))
# People outside divisions, a force at a time: one validator per 1,500 officers, one HQ post per 1,000.
OFFICERS_PER_VALIDATOR = 1_500
OFFICERS_PER_HQ_POST = 1_000
NATIONAL_TEAM = 30
ADMINISTRATORS = 5
# One manager for about 25 staff in a division.
STAFF_PER_MANAGER = 25

S = IdeaStatus
# Where the ideas of the last five years ended up, and how often. A path is cut short where its next move
# would fall after today, so recent ideas are still open, as they would be.
OUTCOMES: tuple[tuple[tuple[IdeaStatus, ...], int], ...] = (
    ((), 6),
    ((S.UNDER_REVIEW,), 5),
    ((S.UNDER_REVIEW, S.APPROVED), 4),
    ((S.UNDER_REVIEW, S.APPROVED, S.IN_PROGRESS), 5),
    ((S.UNDER_REVIEW, S.APPROVED, S.IN_PROGRESS, S.IMPLEMENTED), 30),
    ((S.DECLINED,), 7),
    ((S.UNDER_REVIEW, S.DECLINED), 13),
    ((S.UNDER_REVIEW, S.APPROVED, S.IN_PROGRESS, S.DECLINED), 2),
    ((S.PARKED,), 3),
    ((S.UNDER_REVIEW, S.PARKED), 5),
    ((S.UNDER_REVIEW, S.PARKED, S.UNDER_REVIEW, S.APPROVED, S.IN_PROGRESS, S.IMPLEMENTED), 3),
    ((S.DUPLICATE,), 4),
    ((S.UNDER_REVIEW, S.DUPLICATE), 2),
    ((S.WITHDRAWN,), 5),
)
# Days between one move and the next (the mean of an exponential wait), by the status being left.
MEAN_DAYS_IN = {
    S.SUBMITTED: 9.0,
    S.UNDER_REVIEW: 16.0,
    S.PARKED: 90.0,
    S.APPROVED: 20.0,
    S.IN_PROGRESS: 55.0,
}
COMMENTS_PER_IDEA = 0.55
SUPPORTERS_PER_IDEA = 1.2
# Savings on ideas that reached approval: forecast while under way; once implemented, claimed, then
# mostly validated, some rejected, and some replaced by a corrected claim (the old one superseded).
# How many implemented ideas have a claim, and how many under way a forecast.
CLAIMED_SHARE = 0.65
FORECAST_SHARE = 0.6
CLAIM_OUTCOMES = (("validated", 55), ("claimed", 25), ("rejected", 8), ("superseded", 12))
# The share of claims that repeat an earlier claim's mechanism in their division over an overlapping
# period: the double counts a validator must untangle.
DOUBLE_COUNTED = 0.02
WASTE_LINKED_TO_AN_IDEA = 0.1


def _check_outcomes() -> None:
    """Every path is one the workflow allows: a plan the workflow would refuse is a mistake here."""
    for path, _weight in OUTCOMES:
        current = S.SUBMITTED
        for target in path:
            if target not in MOVES[current]:
                raise ValueError(f"The national plan moves an idea from {current} to {target}")
            current = target


_check_outcomes()


@dataclass(frozen=True, slots=True)
class ForcePlan:
    reference: ReferenceForce
    divisions: tuple[DemoDivision, ...]
    validators: int
    hq_posts: int


@dataclass(frozen=True)
class Plan:
    """The sizes of one national dataset: ``fraction`` 1 is the benchmark's; tests use a small one."""

    fraction: float = 1.0
    today: datetime.date = datetime.date(2026, 11, 29)

    def __post_init__(self) -> None:
        if not 0 < self.fraction <= 1:
            raise ValueError("The fraction of the national dataset must be more than 0 and at most 1")

    def scaled(self, count: int) -> int:
        return max(1, round(count * self.fraction))

    @property
    def users(self) -> int:
        return self.scaled(USERS)

    @property
    def ideas(self) -> int:
        return self.scaled(IDEAS)

    @property
    def waste_observations(self) -> int:
        return self.scaled(WASTE_OBSERVATIONS)

    @property
    def first_day(self) -> datetime.date:
        """The first day of the history: five years before today."""
        return self.today - datetime.timedelta(days=round(365.25 * YEARS))

    @property
    def reading_days(self) -> int:
        """How many days of backlog counts each division has, up to yesterday."""
        return max(7, round((self.today - self.first_day).days * self.fraction))

    @cached_property
    def forces(self) -> tuple[ForcePlan, ...]:
        return tuple(
            ForcePlan(
                reference,
                DEMO_FORCES.get(reference.code) or _divisions_of(reference),
                validators=max(1, round(reference.officers_fte / OFFICERS_PER_VALIDATOR)),
                hq_posts=max(1, round(reference.officers_fte / OFFICERS_PER_HQ_POST)),
            )
            for reference in reference_forces()
        )

    @cached_property
    def officers_in_divisions(self) -> decimal.Decimal:
        return sum((force.reference.officers_fte for force in self.forces), decimal.Decimal(0))


def _divisions_of(reference: ReferenceForce) -> tuple[DemoDivision, ...]:
    """A force's basic command units, one for about every 400 officers, equally weighted (the demo's
    seeded jitter makes them differ)."""
    count = max(LEAST_DIVISIONS, round(reference.officers_fte / OFFICERS_PER_DIVISION))
    return tuple(
        DemoDivision(f"BCU{number:02d}", f"{reference.name} BCU {number}", 100) for number in range(1, count + 1)
    )
