"""Recording savings claims, validating them and superseding them (reading the ledger and its totals is
:mod:`quest.savings.ledger`).

- A manager records claims against an idea of their division: ``forecast`` once it is approved,
  ``claimed`` once it is implemented.
- A validator of the force validates or rejects a claimed saving, with a note; never their own claim.
  The force's validators are notified as each claimed saving is recorded.
- A validated claim is locked. Changing it means a new claim that supersedes it.
- Time released is valued at the rate in force for its grade at the start of the claim's period; the
  rate used is kept on the claim, so a later change of rate does not rewrite history.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass

from sqlalchemy import (
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.recorder import act_as
from quest.clock import LONDON
from quest.concurrency import changed_once, check_seen
from quest.errors import NotFound, RefusedInThisState, UnknownReference, refused
from quest.ideas.models import Idea
from quest.ideas.record import add_event, visible
from quest.ideas.status import IdeaStatus
from quest.metrics.models import IdeaMetric
from quest.metrics.vocabulary import MetricRole
from quest.notifications.services import Audience, notify
from quest.savings import claim_workflow
from quest.savings.claim_evidence import evidence_of
from quest.savings.double_counts import (
    regroup,
)
from quest.savings.evidence import EvidenceGrade
from quest.savings.forecasts import recorded_as_of
from quest.savings.ledger import ClaimRow
from quest.savings.models import SavingsClaim
from quest.savings.rules import (
    FY_START,
    ClaimKind,
    ClaimStatus,
    Grade,
    latest_period_start,
)
from quest.savings.valuation import MAX_AMOUNT, MAX_HOURS, value_time

D = decimal.Decimal
MECHANISM_LENGTH = 200
COST_LINE_LENGTH = 120
EVIDENCE_LENGTH = 4000
REDEPLOYED_LENGTH = 2000
CLAIM_CHANGED_MESSAGE = "This claim changed since you opened it. Check it as it is now, then try again."


# --- Claims ---------------------------------------------------------------------------------------------


@dataclass
class ClaimInput:
    """A claim as typed into the form, or sent to the API (``quest.savings.api.ClaimIn``): text as typed,
    the amounts perhaps JSON numbers, and None for what the API leaves out."""

    kind: str = ""
    mechanism: str = ""
    status: str = "claimed"
    hours_per_year: float | str | None = None
    grade: str = ""
    amount_gbp_per_year: float | str | None = None
    cost_line: str = ""
    period_start: str = ""
    period_end: str | None = None
    evidence: str = ""
    redeployed_to: str = ""
    # The id of a measure linked to the idea that shows the saving (its before and after), if any.
    metric_id: str | None = None

    @staticmethod
    def of(claim: ClaimRow, idea_status: IdeaStatus) -> dict[str, str]:
        """A claim's values as the form shows them, to correct it (or to claim a forecast once implemented)."""
        return {
            "kind": claim.kind.value,
            "status": claim_workflow.new_claim_status(idea_status).value,
            "mechanism": claim.mechanism,
            "cost_line": claim.cost_line,
            "amount_gbp_per_year": f"{claim.amount_per_year:.2f}" if claim.kind is ClaimKind.CASHABLE else "",
            "hours_per_year": f"{claim.hours_per_year.normalize():f}" if claim.kind is ClaimKind.NON_CASHABLE else "",
            "grade": claim.grade.value if claim.grade else "",
            "redeployed_to": claim.redeployed_to,
            "period_start": claim.period_start.isoformat(),
            "period_end": claim.period_end.isoformat() if claim.period_end else "",
            "evidence": claim.evidence,
            "metric_id": str(claim.metric_id) if claim.metric_id else "",
        }


async def record_claim(
    session: AsyncSession,
    viewer: CurrentUser,
    idea_id: uuid.UUID,
    data: ClaimInput,
    *,
    now: datetime.datetime,
    replacing: uuid.UUID | None = None,
) -> uuid.UUID:
    """Record a forecast or claimed saving against an idea. Commits.

    A recorded claim is never edited (a validated one is locked): it is corrected, or a forecast turned
    into a claim, by a new claim ``replacing`` it, which leaves the old one superseded.
    """
    idea = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if idea is None or not access.covers(
        viewer, Permission.CLAIM_SAVINGS, force_id=idea.force_id, division_id=idea.division_id
    ):
        raise NotFound("idea")
    replaced = await _replaceable(session, idea, replacing) if replacing is not None else None
    status, errors = claim_workflow.check_start(data.status, idea.status)
    if errors and claim_workflow.is_closed_start(data.status, idea.status):
        raise RefusedInThisState(errors)  # whatever else it says, it cannot be made while the idea is as it is
    kind = fields.choice(
        data.kind, ClaimKind, "kind", invalid="Choose cashable (money) or non-cashable (time released)", errors=errors
    )
    mechanism = fields.text(
        data.mechanism,
        "mechanism",
        "how the saving happens (the metric, cost line or process)",
        limit=MECHANISM_LENGTH,
        errors=errors,
    )
    evidence = fields.text(
        data.evidence,
        "evidence",
        "the evidence",
        limit=EVIDENCE_LENGTH,
        errors=errors,
        required=status is ClaimStatus.CLAIMED,
    )
    start = fields.date(
        data.period_start,
        "period_start",
        "the date the saving starts",
        example=FY_START,
        errors=errors,
        latest=latest_period_start(now.astimezone(LONDON).date()),
        latest_is="the end of next financial year",
    )
    end = fields.date(
        data.period_end or "", "period_end", "the date it ends", example=FY_START, errors=errors, required=False
    )
    if start and end and end < start:
        errors["period_end"] = "The end must be on or after the start"
    cost_line, redeployed_to = "", ""
    amount, hours, grade, rate = None, D(0), None, None
    if kind is ClaimKind.CASHABLE:
        cost_line = fields.text(
            data.cost_line, "cost_line", "the budget line the money comes off", limit=COST_LINE_LENGTH, errors=errors
        )
        amount = fields.money(
            data.amount_gbp_per_year, "amount_gbp_per_year", "the amount a year", most=MAX_AMOUNT, errors=errors
        )
    elif kind is ClaimKind.NON_CASHABLE:
        redeployed_to = fields.text(
            data.redeployed_to, "redeployed_to", "where the released time goes", limit=REDEPLOYED_LENGTH, errors=errors
        )
        hours = fields.money(
            data.hours_per_year, "hours_per_year", "the hours a year", most=MAX_HOURS, errors=errors
        ) or D(0)
        grade = fields.choice(
            data.grade, Grade, "grade", invalid="Choose the grade of the people whose time is released", errors=errors
        )
        valued = await value_time(session, idea.force_id, hours, grade, start, errors)
        rate, amount = valued.rate, valued.amount
    metric_id = await _linked_metric(session, idea, data.metric_id or "", errors)
    if errors or kind is None or amount is None or start is None:
        raise refused(errors or {"amount_gbp_per_year": "Enter the amount"}, references={"metric_id"})
    act_as(session, viewer.actor)
    claim = SavingsClaim(
        force_id=idea.force_id,
        division_id=idea.division_id,
        idea_id=idea.id,
        kind=kind,
        status=status,
        recorded_as=recorded_as_of(status),
        mechanism=mechanism,
        cost_line=cost_line,
        hours_per_year=hours,
        grade=grade,
        hourly_rate=rate,
        redeployed_to=redeployed_to,
        amount_per_year=amount,
        period_start=start,
        period_end=end,
        evidence=evidence,
        claimed_by=viewer.id,
        metric_id=metric_id,
        supersedes_id=replaced.id if replaced else None,
        created_at=now,
        updated_at=now,
    )
    if replaced is not None:
        # Only if nobody replaced (or decided) it since it was read: the loser gets Conflict.
        replaced.status = ClaimStatus.SUPERSEDED
        await changed_once(session, replaced, CLAIM_CHANGED_MESSAGE)
    session.add(claim)
    await regroup(session, {idea.division_id})
    kind_words = "cash" if kind is ClaimKind.CASHABLE else f"{hours:,} hours a year released"
    body = f"{mechanism}: £{amount:,.2f} a year ({kind_words}), from {start:%d %B %Y}"
    await _tell(session, viewer, idea, claim, body, now=now)
    await session.commit()
    return claim.id


async def _tell(
    session: AsyncSession,
    viewer: CurrentUser,
    idea: Idea,
    claim: SavingsClaim,
    body: str,
    *,
    now: datetime.datetime,
    kind: str | None = None,
) -> None:
    """A claim's step on its idea's timeline (``saving_`` and the status it reached, unless ``kind`` says
    otherwise), told to those who follow the idea; a claimed saving waits for the force's validators, who
    hear of it as it is made."""
    event = await add_event(
        session,
        idea,
        kind=kind or f"saving_{claim.status.value}",
        actor_id=viewer.id,
        now=now,
        body=body,
        details={"claim": str(claim.id)},
    )
    told = await notify(session, Audience.FOLLOWERS, idea, event=event, actor_id=viewer.id, now=now)
    if claim.status is ClaimStatus.CLAIMED:
        await notify(session, Audience.VALIDATORS, idea, event=event, actor_id=viewer.id, now=now, already_told=told)


async def _linked_metric(session: AsyncSession, idea: Idea, raw: str, errors: dict[str, str]) -> uuid.UUID | None:
    """The measure a claim rests on: an outcome linked to the idea (never a balancing measure), or none."""
    if not raw.strip():
        return None
    outcomes = select(IdeaMetric.metric_id).where(IdeaMetric.idea_id == idea.id, IdeaMetric.role == MetricRole.OUTCOME)
    linked = set((await session.execute(outcomes)).scalars())
    chosen = fields.read_uuid(raw)
    if chosen not in linked:
        errors["metric_id"] = "Choose one of the measures linked to this idea, or none"
        return None
    return chosen


async def _replaceable(session: AsyncSession, idea: Idea, claim_id: uuid.UUID) -> SavingsClaim:
    claim = await session.get(SavingsClaim, claim_id)
    if claim is None or claim.idea_id != idea.id:
        raise UnknownReference({"supersedes": "That claim is not one of this idea's"})
    refusal = claim_workflow.replacement_refusal(claim.status)
    if refusal is not None:
        raise RefusedInThisState({"supersedes": refusal})
    return claim


async def _claim_in_reach(
    session: AsyncSession, viewer: CurrentUser, claim_id: uuid.UUID, permission: Permission
) -> SavingsClaim:
    claim = await session.get(SavingsClaim, claim_id)
    if claim is None or not access.covers(viewer, permission, force_id=claim.force_id, division_id=claim.division_id):
        raise NotFound("claim")
    return claim


async def decide_claim(
    session: AsyncSession,
    viewer: CurrentUser,
    claim_id: uuid.UUID,
    decision: str,
    note: str,
    *,
    now: datetime.datetime,
    seen_version: int | None = None,
    grade: str = "",
    grade_reason: str = "",
) -> ClaimStatus:
    """A validator validates or rejects a claimed saving, with a note; never their own. A claim validated
    may be graded at once (``grade``, and ``grade_reason`` where it differs from QUEST's proposal), or
    later (:func:`grade_claim`). Commits."""
    claim = await _claim_in_reach(session, viewer, claim_id, Permission.VALIDATE_SAVINGS)
    check_seen(claim, seen_version, CLAIM_CHANGED_MESSAGE)
    outcome, errors = claim_workflow.check_decision(
        claim.status, decision, note, claimed_by=claim.claimed_by, decider=viewer.id
    )
    graded, proposed = None, None
    if grade.strip() or grade_reason.strip():
        if outcome is not None and outcome is not ClaimStatus.VALIDATED:
            errors["grade"] = "Only a validated claim is graded: leave the grade empty to reject it"
        else:
            proposed = (await evidence_of(session, [claim]))[claim.id].proposal.grade
            graded, grade_errors = claim_workflow.check_grade(
                ClaimStatus.VALIDATED,
                grade,
                grade_reason,
                proposed=proposed,
                claimed_by=claim.claimed_by,
                grader=viewer.id,
            )
            errors |= grade_errors
    if outcome is None or errors:
        # A claim that is no longer claimed refuses any decision: its state, not what was sent (409).
        raise refused(errors, states={"decision"} if not claim_workflow.may_decide(claim.status) else ())
    act_as(session, viewer.actor)
    claim.status = outcome
    claim.decided_by = viewer.id
    claim.decided_at = now
    claim.decision_note = note.strip()
    if graded is not None and proposed is not None:
        _graded(claim, graded, proposed, grade_reason, viewer, now)
    await changed_once(session, claim, CLAIM_CHANGED_MESSAGE)
    # A rejected claim leaves its group; a validated one may become what its group counts, and moves
    # from claimed to validated in the savings by year.
    await regroup(session, {claim.division_id})
    idea = await session.get(Idea, claim.idea_id)
    assert idea is not None
    amount = f"£{claim.amount_per_year:,.2f} a year"
    graded_words = f" Graded “{graded.label.lower()}”." if graded is not None else ""
    await _tell(session, viewer, idea, claim, f"{claim.mechanism} ({amount}): {note.strip()}{graded_words}", now=now)
    await session.commit()
    return outcome


async def grade_claim(
    session: AsyncSession,
    viewer: CurrentUser,
    claim_id: uuid.UUID,
    grade: str,
    reason: str,
    *,
    now: datetime.datetime,
    seen_version: int | None = None,
) -> EvidenceGrade:
    """A validator grades a validated claim (never their own), or grades it again: QUEST's proposal is
    kept beside the grade, and a grade that differs from it needs ``reason``. Commits."""
    claim = await _claim_in_reach(session, viewer, claim_id, Permission.VALIDATE_SAVINGS)
    check_seen(claim, seen_version, CLAIM_CHANGED_MESSAGE)
    proposed = (await evidence_of(session, [claim]))[claim.id].proposal.grade
    graded, errors = claim_workflow.check_grade(
        claim.status, grade, reason, proposed=proposed, claimed_by=claim.claimed_by, grader=viewer.id
    )
    if graded is None:
        ungradable = claim.status is not ClaimStatus.VALIDATED and claim.claimed_by != viewer.id
        raise refused(errors, states={"grade"} if ungradable else ())
    act_as(session, viewer.actor)
    _graded(claim, graded, proposed, reason, viewer, now)
    await changed_once(session, claim, CLAIM_CHANGED_MESSAGE)
    await regroup(session, {claim.division_id})  # the savings by year keep validated claims by grade
    idea = await session.get(Idea, claim.idea_id)
    assert idea is not None
    why = f": {reason.strip()}" if reason.strip() else ""
    body = f"{claim.mechanism}: graded “{graded.label.lower()}” (QUEST proposed “{proposed.label.lower()}”){why}"
    await _tell(session, viewer, idea, claim, body, now=now, kind="saving_graded")
    await session.commit()
    return graded


def _graded(
    claim: SavingsClaim,
    grade: EvidenceGrade,
    proposed: EvidenceGrade,
    reason: str,
    viewer: CurrentUser,
    now: datetime.datetime,
) -> None:
    claim.evidence_grade = grade
    claim.proposed_grade = proposed
    claim.grade_reason = reason.strip()
    claim.graded_by = viewer.id
    claim.graded_at = now
