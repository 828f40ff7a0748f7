"""The moves a savings claim may make (DESIGN §2), and who makes them. Pure: no I/O. The claim's twin of
:mod:`quest.ideas.workflow`: services check moves here, and templates ask here (through the claim's
row), never restating a status list.

| from | allowed moves |
| --- | --- |
| forecast | superseded |
| claimed | validated, rejected (a validator of the force, never the claimant); superseded |
| validated | superseded |
| rejected | superseded |
| superseded | none |

- A claim starts as ``forecast`` once its idea is approved (or in progress, or implemented), and as
  ``claimed`` once the idea is implemented (:data:`CLAIMABLE`).
- Validating or rejecting a claim is a validator's decision, with a note; never on their own claim.
- ``superseded`` is reached only by recording a new claim that replaces the old one (a correction, or a
  forecast turned into a claim): a recorded claim is never edited, and a validated one is locked.
- A validated claim is graded by a validator, never its claimant: as it is validated, or afterwards (a
  claim validated without a grade, or one regraded). A grade that differs from the one QUEST proposes
  needs a reason (:mod:`quest.savings.evidence`). The grade is the one thing of a validated claim that
  may change, and every change is on the audit trail.
"""

from __future__ import annotations

import uuid

from quest.ideas.status import IdeaStatus
from quest.savings.evidence import EvidenceGrade
from quest.savings.rules import ClaimStatus

S = ClaimStatus
MOVES: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.FORECAST: frozenset({S.SUPERSEDED}),
    S.CLAIMED: frozenset({S.VALIDATED, S.REJECTED, S.SUPERSEDED}),
    S.VALIDATED: frozenset({S.SUPERSEDED}),
    S.REJECTED: frozenset({S.SUPERSEDED}),
    S.SUPERSEDED: frozenset(),
}
# The validator's moves; the rest (replacing a claim) belong to those who claim savings in the division.
DECISIONS = frozenset({S.VALIDATED, S.REJECTED})
# The statuses a claim may start in, and the idea statuses in which it may (in the workflow's order).
CLAIMABLE: dict[ClaimStatus, tuple[IdeaStatus, ...]] = {
    S.FORECAST: (IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED),
    S.CLAIMED: (IdeaStatus.IMPLEMENTED,),
}
NOTE_LENGTH = 2000


# --- Starting a claim -----------------------------------------------------------------------------------


def open_to_savings(idea_status: IdeaStatus) -> bool:
    """Whether savings can be recorded on an idea in this status (forecast from approval on)."""
    return idea_status in CLAIMABLE[S.FORECAST]


def new_claim_status(idea_status: IdeaStatus) -> ClaimStatus:
    """What a new claim on an idea in this status is, unless its claimant says otherwise: claimed once
    the idea is implemented, forecast before."""
    return S.CLAIMED if idea_status in CLAIMABLE[S.CLAIMED] else S.FORECAST


def check_start(raw: str, idea_status: IdeaStatus) -> tuple[ClaimStatus, dict[str, str]]:
    """The status a new claim asks to start in, and what is wrong with it (errors name the field)."""
    try:
        status = ClaimStatus(raw)
    except ValueError:
        return S.CLAIMED, {"status": "Choose forecast or claimed"}
    if status not in CLAIMABLE:
        return S.CLAIMED, {"status": "Choose forecast or claimed"}
    if idea_status not in CLAIMABLE[status]:
        return status, {
            "status": "A saving can be forecast once the idea is approved"
            if status is S.FORECAST
            else "A saving can be claimed once the idea is implemented; until then, forecast it"
        }
    return status, {}


def is_closed_start(raw: str, idea_status: IdeaStatus) -> bool:
    """Whether ``raw`` names a status a claim may start in, but not while its idea is ``idea_status``."""
    try:
        status = ClaimStatus(raw)
    except ValueError:
        return False
    return status in CLAIMABLE and idea_status not in CLAIMABLE[status]


# --- Replacing a claim ----------------------------------------------------------------------------------


def may_replace(status: ClaimStatus) -> bool:
    """Whether a new claim may replace (supersede) one in this status."""
    return S.SUPERSEDED in MOVES[status]


def replacement_refusal(status: ClaimStatus) -> str | None:
    """Why a claim in this status cannot be replaced, or None."""
    return None if may_replace(status) else "That claim has already been replaced"


def replacing_claims_a_forecast(status: ClaimStatus, idea_status: IdeaStatus) -> bool:
    """Whether replacing a claim in this status turns a forecast into a claim (its idea is implemented),
    rather than correcting it."""
    return status is S.FORECAST and new_claim_status(idea_status) is S.CLAIMED


# --- Deciding a claim -----------------------------------------------------------------------------------


def may_decide(status: ClaimStatus) -> bool:
    """Whether a claim in this status waits for a validator's decision."""
    return bool(MOVES[status] & DECISIONS)


def decider_refusal(claimed_by: uuid.UUID, decider: uuid.UUID) -> str | None:
    """Why this person may not decide this claim, or None: nobody decides their own claim."""
    return "You made this claim: another validator must decide it" if claimed_by == decider else None


def check_decision(
    status: ClaimStatus, decision: str, note: str, *, claimed_by: uuid.UUID, decider: uuid.UUID
) -> tuple[ClaimStatus | None, dict[str, str]]:
    """Whether this decision may be made on a claim in ``status``, with this note, by ``decider``; errors
    name the field to put right (what is wrong with the claim itself is told on ``decision``)."""
    errors: dict[str, str] = {}
    outcome = next((target for target in DECISIONS if target.value == decision), None)
    if outcome is None:
        errors["decision"] = "Choose validated or rejected"
    if not note.strip():
        errors["note"] = "Say why: the division will see your note"
    elif len(note.strip()) > NOTE_LENGTH:
        errors["note"] = f"The note must be {NOTE_LENGTH:,} characters or fewer"
    refusal = decider_refusal(claimed_by, decider)
    if refusal is not None:
        errors["decision"] = refusal
    if not may_decide(status):
        errors["decision"] = f"Only a claimed saving can be decided; this one is {status.value}"
    if errors:
        return None, errors
    return outcome, {}


# --- Grading a validated claim ----------------------------------------------------------------------------


def check_grade(
    status: ClaimStatus,
    grade: str,
    reason: str,
    *,
    proposed: EvidenceGrade,
    claimed_by: uuid.UUID,
    grader: uuid.UUID,
) -> tuple[EvidenceGrade | None, dict[str, str]]:
    """Whether ``grader`` may grade a claim in ``status`` as ``grade``, given QUEST's ``proposed`` grade;
    a grade that differs from it needs a ``reason``. Errors name the field to put right."""
    errors: dict[str, str] = {}
    chosen = next((member for member in EvidenceGrade if member.value == grade), None)
    if chosen is None:
        errors["grade"] = (
            "Choose the evidence grade: fairly stated, fairly stated with measurement issues, or not shown"
        )
    elif chosen is not proposed and not reason.strip():
        errors["grade_reason"] = f"Say why the grade differs from the one QUEST proposes ({proposed.label.lower()})"
    if len(reason.strip()) > NOTE_LENGTH:
        errors["grade_reason"] = f"The reason must be {NOTE_LENGTH:,} characters or fewer"
    refusal = decider_refusal(claimed_by, grader)
    if refusal is not None:
        errors["grade"] = refusal
    elif status is not ClaimStatus.VALIDATED:
        errors["grade"] = f"Only a validated claim is graded; this one is {status.value}"
    if errors:
        return None, errors
    return chosen, {}
