"""The evidence behind a saving (DESIGN §2, Evidence behind a saving), as pure functions: the facts a
validator weighs, and the grade QUEST proposes from them, in the National Audit Office's words.

A claim that rests on a measure carries that measure's facts at the idea's change date:

- its **baseline**: the readings of the before-period (the measure's segment that ends at the change
  date, :mod:`quest.metrics.impact`), how many, their mean and limits; fewer than
  :data:`BASELINE_POINTS` is a warning. A baseline reading entered on a later day than the change date
  (London time) is **back-filled**: written once the result was known;
- whether the after-period is a **special cause of improvement** against the baseline's limits;
- whether any of the idea's **balancing measures** worsened (a special cause of concern after the change);
- whether the idea's **costs** are recorded (a cost of £0 says "there were none", and counts).

The proposal:

- ``not_shown`` when the claim rests on no measure, its measure has no baseline, the change shows no
  special cause of improvement, or a balancing measure worsened: nothing shows the saving is real, or
  something shows it cost elsewhere;
- ``fairly_stated_measurement_issues`` when the saving shows, but its baseline is short, holds
  back-filled readings, or the costs are not recorded;
- ``fairly_stated`` otherwise.

The validator grades; the proposal and every check behind it are shown, and a grade that differs from it
needs a reason. Headline figures count the first two grades only (:data:`HEADLINE_GRADES`).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

BASELINE_POINTS = 12


class EvidenceGrade(enum.StrEnum):
    FAIRLY_STATED = "fairly_stated"
    FAIRLY_STATED_MEASUREMENT_ISSUES = "fairly_stated_measurement_issues"
    NOT_SHOWN = "not_shown"

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]

    @property
    def headline(self) -> bool:
        """Whether a validated claim of this grade counts in headline figures."""
        return self in HEADLINE_GRADES


GRADE_LABELS = {
    EvidenceGrade.FAIRLY_STATED: "Fairly stated",
    EvidenceGrade.FAIRLY_STATED_MEASUREMENT_ISSUES: "Fairly stated with measurement issues",
    EvidenceGrade.NOT_SHOWN: "Not shown",
}
HEADLINE_GRADES = frozenset({EvidenceGrade.FAIRLY_STATED, EvidenceGrade.FAIRLY_STATED_MEASUREMENT_ISSUES})
# A validated claim no validator has graded yet (validated before grades existed, or without one): its
# own line in the breakdown by grade, and out of the headline until graded.
UNGRADED = "ungraded"


@dataclass(frozen=True, slots=True)
class Baseline:
    """The readings before the change a claim rests on: its measure's before-period."""

    points: int
    back_filled: int = 0

    @property
    def short(self) -> bool:
        return self.points < BASELINE_POINTS

    @property
    def warning(self) -> str | None:
        """What the claim's page says of a baseline too thin or too late to trust, or None."""
        problems = []
        if not self.points:
            problems.append("The measure has no readings before the change: there is no baseline.")
        elif self.short:
            problems.append(
                f"The baseline has only {self.points} {'reading' if self.points == 1 else 'readings'} before the "
                f"change; at least {BASELINE_POINTS} are needed to trust its limits."
            )
        if self.back_filled:
            problems.append(
                f"{self.back_filled} of the baseline's readings {'was' if self.back_filled == 1 else 'were'} "
                "entered after the change (back-filled)."
            )
        return " ".join(problems) or None


@dataclass(frozen=True, slots=True)
class EvidenceFacts:
    """What QUEST knows of a claim's evidence. ``baseline`` is None when the claim rests on no measure."""

    baseline: Baseline | None
    # A special cause of improvement in the after-period, against the baseline's limits.
    improvement: bool
    # The names of the idea's balancing measures that worsened after the change.
    worsened_balancing: Sequence[str] = ()
    costs_recorded: bool = False


@dataclass(frozen=True, slots=True)
class Check:
    """One fact behind the proposal: what is asked, whether it holds, and what was found."""

    asks: str
    holds: bool
    found: str


@dataclass(frozen=True, slots=True)
class Proposal:
    grade: EvidenceGrade
    checks: tuple[Check, ...]

    @property
    def why(self) -> str:
        """The proposal in a sentence: the checks that failed, or that all held."""
        failed = [check.found for check in self.checks if not check.holds]
        if not failed:
            return "Every check holds: " + "; ".join(check.found for check in self.checks) + "."
        return "; ".join(failed) + "."


def checks_of(facts: EvidenceFacts) -> tuple[Check, ...]:
    """The four checks of DESIGN's evidence, each with what was found."""
    baseline = facts.baseline
    if baseline is None:
        baseline_check = Check("A baseline of at least 12 readings", False, "the claim rests on no measure")
    else:
        found = f"{baseline.points} {'reading' if baseline.points == 1 else 'readings'} before the change"
        if baseline.back_filled:
            found += f", {baseline.back_filled} of them back-filled"
        baseline_check = Check(
            f"A baseline of at least {BASELINE_POINTS} readings, none back-filled",
            not baseline.short and not baseline.back_filled,
            found,
        )
    return (
        baseline_check,
        Check(
            "A special cause of improvement after the change",
            facts.improvement,
            "the change shows as a special cause of improvement"
            if facts.improvement
            else "no special cause of improvement after the change"
            if baseline is not None
            else "no measure to show an improvement",
        ),
        Check(
            "No balancing measure worsened",
            not facts.worsened_balancing,
            "no balancing measure worsened"
            if not facts.worsened_balancing
            else "a balancing measure worsened: " + ", ".join(facts.worsened_balancing),
        ),
        Check(
            "The idea's costs are recorded",
            facts.costs_recorded,
            "its costs are recorded" if facts.costs_recorded else "no costs are recorded for the idea",
        ),
    )


def proposed_grade(facts: EvidenceFacts) -> Proposal:
    """The grade the facts support, with every check behind it (the rules in the module's docstring)."""
    checks = checks_of(facts)
    baseline = facts.baseline
    if baseline is None or not baseline.points or not facts.improvement or facts.worsened_balancing:
        grade = EvidenceGrade.NOT_SHOWN
    elif baseline.short or baseline.back_filled or not facts.costs_recorded:
        grade = EvidenceGrade.FAIRLY_STATED_MEASUREMENT_ISSUES
    else:
        grade = EvidenceGrade.FAIRLY_STATED
    return Proposal(grade, checks)
