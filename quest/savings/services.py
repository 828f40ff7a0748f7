"""The savings ledger and the rate card: recording claims, validating them, superseding them, totals.

- A manager records claims against an idea of their division: ``forecast`` once it is approved,
  ``claimed`` once it is implemented.
- A validator of the force validates or rejects a claimed saving, with a note; never their own claim.
  The force's validators are notified as each claimed saving is recorded.
- A validated claim is locked. Changing it means a new claim that supersedes it.
- Time released is valued at the rate in force for its grade at the start of the claim's period; the
  rate used is kept on the claim, so a later change of rate does not rewrite history.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.audit.recorder import act_as
from quest.clock import EARLIEST_DATE, LONDON
from quest.concurrency import changed_once, check_seen
from quest.errors import NotFound, ValidationFailed
from quest.ideas.decisions import force_settings
from quest.ideas.models import Idea
from quest.ideas.services import add_event, sees_full_record, visible
from quest.ideas.status import IdeaStatus
from quest.metrics.models import IdeaMetric, Metric
from quest.notifications.services import notify, notify_validators
from quest.org.models import DEFAULT_PRODUCTIVE_HOURS, Division, Force, ForceSettings
from quest.savings import claim_workflow
from quest.savings.models import RateCardEntry, SavingsClaim
from quest.savings.rules import (
    DEFAULT_RATES,
    PENNY,
    ClaimFacts,
    ClaimKind,
    ClaimStatus,
    Grade,
    PartYear,
    Rate,
    Totals,
    clashes,
    latest_period_start,
    part_of_year,
    rate_on,
    rests_on,
    share_in_year,
    totals,
    value_of_hours,
)

D = decimal.Decimal
MAX_AMOUNT = D("100000000")
MAX_HOURS = D("10000000")
FY_START = "2026-04-01"  # the example in a date's messages: a financial year's first day
CLAIM_CHANGED_MESSAGE = "This claim changed since you opened it. Check it as it is now, then try again."


# --- The rate card -------------------------------------------------------------------------------------


async def rates_of(session: AsyncSession, force_id: uuid.UUID) -> list[Rate]:
    """The force's rates, each from its date. Before a force's first rate for a grade (and where it has set
    none), the Home Office default applies, as if effective from the earliest date QUEST knows."""
    found = [
        Rate(grade, rate, effective_from)
        for grade, rate, effective_from in await session.execute(
            select(RateCardEntry.grade, RateCardEntry.hourly_rate, RateCardEntry.effective_from).where(
                RateCardEntry.force_id == force_id
            )
        )
    ]
    from_the_start = {rate.grade for rate in found if rate.effective_from <= EARLIEST_DATE}
    defaults = [
        Rate(grade, rate, EARLIEST_DATE, default=True)
        for grade, rate in DEFAULT_RATES.items()
        if grade not in from_the_start
    ]
    return sorted([*found, *defaults], key=lambda rate: (list(Grade).index(rate.grade), rate.effective_from))


async def _force_in_reach(
    session: AsyncSession, viewer: CurrentUser, force_code: str, permission: Permission
) -> uuid.UUID:
    force_id = (await session.execute(select(Force.id).where(Force.code == force_code.upper()))).scalar_one_or_none()
    if force_id is None or not access.covers(viewer, permission, force_id=force_id):
        raise NotFound("force")
    return force_id


async def _managed_force(session: AsyncSession, viewer: CurrentUser, force_code: str) -> uuid.UUID:
    return await _force_in_reach(session, viewer, force_code, Permission.MANAGE_FORCE_SETTINGS)


@dataclass(frozen=True, slots=True)
class RateInput:
    grade: str
    hourly_rate: str
    effective_from: str


def _check_rate(data: RateInput, errors: dict[str, str], prefix: str = "") -> tuple[Grade, D, datetime.date] | None:
    found: dict[str, str] = {}
    try:
        grade = Grade(data.grade)
    except ValueError:
        grade = Grade.PCSO
        found["grade"] = "Choose a grade"
    rate = fields.money(data.hourly_rate, "hourly_rate", "the rate", most=D(10000), errors=found)
    day = fields.date(data.effective_from, "effective_from", "the date it takes effect", example=FY_START, errors=found)
    errors.update({f"{prefix}{field}": message for field, message in found.items()})
    if found or rate is None or day is None:
        return None
    return grade, rate, day


async def _settings_row(session: AsyncSession, force_id: uuid.UUID) -> ForceSettings:
    """The force's settings row, made (with the defaults) if its headquarters has never saved one."""
    found = (
        await session.execute(select(ForceSettings).where(ForceSettings.force_id == force_id))
    ).scalar_one_or_none()
    if found is None:
        found = ForceSettings.defaults(force_id)
        session.add(found)
    return found


async def update_rate_card(
    session: AsyncSession,
    viewer: CurrentUser,
    force_code: str,
    rates: list[RateInput],
    *,
    productive_hours: str | None = None,
    prefix_errors: bool = True,
) -> None:
    """Add (or correct) rates, each for a grade from a date, and perhaps the productive hours of an FTE:
    all of it, or none if anything is wrong. Commits; every change is audited."""
    force_id = await _managed_force(session, viewer, force_code)
    errors: dict[str, str] = {}
    checked = [
        _check_rate(rate, errors, f"rates[{index}]." if prefix_errors else "") for index, rate in enumerate(rates)
    ]
    hours = None
    if productive_hours is not None:
        hours = fields.money(
            productive_hours, "productive_hours_per_fte", "productive hours", most=D(8760), errors=errors
        )
    if errors:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    for entry in checked:
        assert entry is not None
        grade, rate, day = entry
        existing = (
            await session.execute(
                select(RateCardEntry).where(
                    RateCardEntry.force_id == force_id,
                    RateCardEntry.grade == grade,
                    RateCardEntry.effective_from == day,
                )
            )
        ).scalar_one_or_none()
        if existing is None:
            session.add(RateCardEntry(force_id=force_id, grade=grade, hourly_rate=rate, effective_from=day))
        else:
            existing.hourly_rate = rate
    if hours is not None:
        (await _settings_row(session, force_id)).productive_hours_per_fte = hours
    await session.commit()


async def set_rate(
    session: AsyncSession, viewer: CurrentUser, force_code: str, grade: str, hourly_rate: str, effective_from: str
) -> None:
    """One rate, from the settings page (errors named by the form's own fields)."""
    await update_rate_card(
        session, viewer, force_code, [RateInput(grade, hourly_rate, effective_from)], prefix_errors=False
    )


@dataclass(frozen=True, slots=True)
class SettingsView:
    force_id: uuid.UUID
    force_code: str
    force_name: str
    first_response_days: int
    decision_days: int
    productive_hours_per_fte: D
    rates: list[Rate]


async def settings_view(
    session: AsyncSession, viewer: CurrentUser, force_code: str, *, reading: bool = False
) -> SettingsView:
    """A force's settings and rate card: for its headquarters to change, or (``reading``) for those who
    claim, validate or compare savings to read."""
    permission = Permission.VIEW_RATE_CARD if reading else Permission.MANAGE_FORCE_SETTINGS
    force_id = await _force_in_reach(session, viewer, force_code, permission)
    force = (await session.execute(select(Force.code, Force.name).where(Force.id == force_id))).one()
    settings = await force_settings(session, force_id)
    rates = await rates_of(session, force_id)
    return SettingsView(
        force_id=force_id,
        force_code=force.code,
        force_name=force.name,
        first_response_days=settings.first_response_days,
        decision_days=settings.decision_days,
        productive_hours_per_fte=settings.productive_hours_per_fte,
        rates=rates,
    )


async def update_settings(
    session: AsyncSession,
    viewer: CurrentUser,
    force_code: str,
    first_response_days: str,
    decision_days: str,
    productive_hours: str,
) -> None:
    force_id = await _managed_force(session, viewer, force_code)
    errors: dict[str, str] = {}

    first = fields.whole_number(
        first_response_days,
        "first_response_days",
        "the time to a first response",
        least=1,
        most=365,
        unit="days",
        errors=errors,
    )
    decision = fields.whole_number(
        decision_days, "decision_days", "the time to a decision", least=1, most=730, unit="days", errors=errors
    )
    hours = fields.money(productive_hours, "productive_hours_per_fte", "productive hours", most=D(8760), errors=errors)
    if first is not None and decision is not None and decision < first and not errors:
        errors["decision_days"] = "The time to a decision cannot be shorter than the time to a first response"
    if errors or hours is None or first is None or decision is None:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    settings = await _settings_row(session, force_id)
    settings.first_response_days = first
    settings.decision_days = decision
    settings.productive_hours_per_fte = hours
    await session.commit()


# --- Claims ---------------------------------------------------------------------------------------------


@dataclass
class ClaimInput:
    """A claim as typed into the form or sent to the API."""

    kind: str = ""
    status: str = "claimed"
    mechanism: str = ""
    cost_line: str = ""
    amount_gbp_per_year: str = ""
    hours_per_year: str = ""
    grade: str = ""
    redeployed_to: str = ""
    period_start: str = ""
    period_end: str = ""
    evidence: str = ""
    # A measure linked to the idea that shows the saving (its before and after), if any.
    metric_id: str = ""

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
    try:
        kind = ClaimKind(data.kind)
    except ValueError:
        kind = ClaimKind.CASHABLE
        errors["kind"] = "Choose cashable (money) or non-cashable (time released)"
    mechanism = fields.text(
        data.mechanism,
        "mechanism",
        "how the saving happens (the metric, cost line or process)",
        limit=200,
        errors=errors,
    )
    evidence = fields.text(
        data.evidence, "evidence", "the evidence", limit=4000, errors=errors, required=status is ClaimStatus.CLAIMED
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
        data.period_end, "period_end", "the date it ends", example=FY_START, errors=errors, required=False
    )
    if start and end and end < start:
        errors["period_end"] = "The end must be on or after the start"
    cost_line, redeployed_to = "", ""
    amount, hours, grade, rate = None, D(0), None, None
    if kind is ClaimKind.CASHABLE and "kind" not in errors:
        cost_line = fields.text(
            data.cost_line, "cost_line", "the budget line the money comes off", limit=120, errors=errors
        )
        amount = fields.money(
            data.amount_gbp_per_year, "amount_gbp_per_year", "the amount a year", most=MAX_AMOUNT, errors=errors
        )
    elif kind is ClaimKind.NON_CASHABLE and "kind" not in errors:
        redeployed_to = fields.text(
            data.redeployed_to, "redeployed_to", "where the released time goes", limit=2000, errors=errors
        )
        hours = fields.money(
            data.hours_per_year, "hours_per_year", "the hours a year", most=MAX_HOURS, errors=errors
        ) or D(0)
        try:
            grade = Grade(data.grade)
        except ValueError:
            errors["grade"] = "Choose the grade of the people whose time is released"
        if grade is not None and start is not None:
            found = rate_on(await rates_of(session, idea.force_id), grade, start)
            if found is None:
                errors["grade"] = f"The force has no rate for {grade.label} on {start:%d %B %Y}"
            else:
                rate = found.hourly
                amount = value_of_hours(hours, rate) if hours else None
    metric_id = await _linked_metric(session, idea, data.metric_id, errors)
    if errors or amount is None or start is None:
        raise ValidationFailed(errors or {"amount_gbp_per_year": "Enter the amount"})
    act_as(session, viewer.actor)
    claim = SavingsClaim(
        force_id=idea.force_id,
        division_id=idea.division_id,
        idea_id=idea.id,
        kind=kind,
        status=status,
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
    await session.flush()
    kind_words = "cash" if kind is ClaimKind.CASHABLE else f"{hours:,} hours a year released"
    event = await add_event(
        session,
        idea,
        kind=f"saving_{status.value}",
        actor_id=viewer.id,
        now=now,
        body=f"{mechanism}: £{amount:,.2f} a year ({kind_words}), from {start:%d %B %Y}",
        details={"claim": str(claim.id)},
    )
    told = await notify(
        session, idea_id=idea.id, submitter_id=idea.submitter_id, event=event, actor_id=viewer.id, now=now
    )
    if status is ClaimStatus.CLAIMED:
        # A claimed saving waits for the force's validators: they hear of it as it is made.
        await notify_validators(
            session,
            force_id=idea.force_id,
            idea_id=idea.id,
            event=event,
            actor_id=viewer.id,
            now=now,
            already_told=told,
        )
    await session.commit()
    return claim.id


async def _linked_metric(session: AsyncSession, idea: Idea, raw: str, errors: dict[str, str]) -> uuid.UUID | None:
    """The measure a claim rests on: one linked to the idea, or none."""
    if not raw.strip():
        return None
    linked = set((await session.execute(select(IdeaMetric.metric_id).where(IdeaMetric.idea_id == idea.id))).scalars())
    chosen = fields.read_uuid(raw)
    if chosen not in linked:
        errors["metric_id"] = "Choose one of the measures linked to this idea, or none"
        return None
    return chosen


async def _replaceable(session: AsyncSession, idea: Idea, claim_id: uuid.UUID) -> SavingsClaim:
    claim = await session.get(SavingsClaim, claim_id)
    if claim is None or claim.idea_id != idea.id:
        raise ValidationFailed({"supersedes": "That claim is not one of this idea's"})
    refusal = claim_workflow.replacement_refusal(claim.status)
    if refusal is not None:
        raise ValidationFailed({"supersedes": refusal})
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
) -> ClaimStatus:
    """A validator validates or rejects a claimed saving, with a note; never their own. Commits."""
    claim = await _claim_in_reach(session, viewer, claim_id, Permission.VALIDATE_SAVINGS)
    check_seen(claim, seen_version, CLAIM_CHANGED_MESSAGE)
    outcome, errors = claim_workflow.check_decision(
        claim.status, decision, note, claimed_by=claim.claimed_by, decider=viewer.id
    )
    if outcome is None:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    claim.status = outcome
    claim.decided_by = viewer.id
    claim.decided_at = now
    claim.decision_note = note.strip()
    await changed_once(session, claim, CLAIM_CHANGED_MESSAGE)
    idea = await session.get(Idea, claim.idea_id)
    assert idea is not None
    amount = f"£{claim.amount_per_year:,.2f} a year"
    event = await add_event(
        session,
        idea,
        kind=f"saving_{outcome.value}",
        actor_id=viewer.id,
        now=now,
        body=f"{claim.mechanism} ({amount}): {note.strip()}",
        details={"claim": str(claim.id)},
    )
    await notify(session, idea_id=idea.id, submitter_id=idea.submitter_id, event=event, actor_id=viewer.id, now=now)
    await session.commit()
    return outcome


# --- Reading the ledger ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clash:
    """Another claim that a flagged claim may count twice."""

    id: uuid.UUID
    idea_reference: str
    mechanism: str
    amount_per_year: D
    status: ClaimStatus


@dataclass(frozen=True, slots=True)
class ClaimRow:
    id: uuid.UUID
    idea_id: uuid.UUID
    idea_reference: str
    idea_title: str
    division_id: uuid.UUID
    division_name: str
    kind: ClaimKind
    status: ClaimStatus
    mechanism: str
    cost_line: str
    hours_per_year: D
    grade: Grade | None
    hourly_rate: D | None
    redeployed_to: str
    amount_per_year: D
    period_start: datetime.date
    period_end: datetime.date | None
    evidence: str
    claimed_by_name: str
    claimed_by: uuid.UUID
    decided_by_name: str | None
    decision_note: str
    created_at: datetime.datetime
    version: int
    supersedes_id: uuid.UUID | None
    metric_id: uuid.UUID | None
    # The changes to measures it rests on: (measure id, change date) of its idea's links.
    measure_changes: frozenset[tuple[str, datetime.date]] = frozenset()
    # A possible double count, and the claims it may count twice.
    clashes_with: tuple[Clash, ...] = ()
    # In a financial year's ledger: the £ that count in that year, and the part of the year, when it
    # is not all of it (so the page can say why the figure is a share of the yearly amount).
    year_amount: D | None = None
    part_year: PartYear | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.clashes_with)

    # What may happen to it next, as the claim workflow says (for pages to ask, not restate).
    @property
    def replaceable(self) -> bool:
        return claim_workflow.may_replace(self.status)

    @property
    def awaits_decision(self) -> bool:
        return claim_workflow.may_decide(self.status)

    def decider_refusal(self, decider: uuid.UUID) -> str | None:
        return claim_workflow.decider_refusal(self.claimed_by, decider)

    def replacing_claims_a_forecast(self, idea_status: IdeaStatus) -> bool:
        return claim_workflow.replacing_claims_a_forecast(self.status, idea_status)

    def facts(self) -> ClaimFacts:
        return ClaimFacts(
            id=str(self.id),
            division_id=str(self.division_id),
            mechanism=self.mechanism,
            kind=self.kind,
            status=self.status,
            period_start=self.period_start,
            period_end=self.period_end,
            amount_per_year=self.amount_per_year,
            hours_per_year=self.hours_per_year,
            created_at=self.created_at,
            idea_id=str(self.idea_id),
            measure_changes=self.measure_changes,
        )


async def _measure_changes(
    session: AsyncSession, where: ColumnElement[bool], claims: list[ClaimRow]
) -> dict[uuid.UUID, frozenset[tuple[str, datetime.date]]]:
    """For each claim (those ``where`` selects), the changes to measures it rests on: its idea's linked
    measures that it names or whose name is its mechanism, each with the idea's change date. The ideas
    are chosen by a subquery, not a list of ids, so a force's whole ledger is one statement."""
    if not claims:
        return {}
    links = (
        await session.execute(
            select(IdeaMetric.idea_id, IdeaMetric.metric_id, IdeaMetric.change_date, Metric.name)
            .join(Metric, Metric.id == IdeaMetric.metric_id)
            .where(IdeaMetric.idea_id.in_(select(SavingsClaim.idea_id).where(where)))
        )
    ).all()
    by_idea: dict[uuid.UUID, list[tuple[uuid.UUID, datetime.date, str]]] = {}
    for idea_id, metric_id, change_date, name in links:
        by_idea.setdefault(idea_id, []).append((metric_id, change_date, name))
    return {
        claim.id: frozenset(
            (str(metric_id), change_date)
            for metric_id, change_date, name in by_idea.get(claim.idea_id, [])
            if rests_on(claim.metric_id, claim.mechanism, metric_id, name)
        )
        for claim in claims
    }


async def _claims(session: AsyncSession, where: ColumnElement[bool], year: int | None = None) -> list[ClaimRow]:
    claimant, decider = aliased(User), aliased(User)
    rows = await session.execute(
        select(
            SavingsClaim.id,
            SavingsClaim.idea_id,
            Idea.reference,
            Idea.title,
            SavingsClaim.division_id,
            Division.name,
            SavingsClaim.kind,
            SavingsClaim.status,
            SavingsClaim.mechanism,
            SavingsClaim.cost_line,
            SavingsClaim.hours_per_year,
            SavingsClaim.grade,
            SavingsClaim.hourly_rate,
            SavingsClaim.redeployed_to,
            SavingsClaim.amount_per_year,
            SavingsClaim.period_start,
            SavingsClaim.period_end,
            SavingsClaim.evidence,
            claimant.display_name,
            SavingsClaim.claimed_by,
            decider.display_name,
            SavingsClaim.decision_note,
            SavingsClaim.created_at,
            SavingsClaim.version,
            SavingsClaim.supersedes_id,
            SavingsClaim.metric_id,
        )
        .join(Idea, Idea.id == SavingsClaim.idea_id)
        .join(Division, Division.id == SavingsClaim.division_id)
        .join(claimant, claimant.id == SavingsClaim.claimed_by)
        .outerjoin(decider, decider.id == SavingsClaim.decided_by)
        .where(where)
        .order_by(SavingsClaim.created_at)
    )
    found = [ClaimRow(*row) for row in rows]  # type: ignore[call-arg]
    changes = await _measure_changes(session, where, found)
    found = [dataclasses.replace(row, measure_changes=changes.get(row.id, frozenset())) for row in found]
    clashing = clashes([row.facts() for row in found])
    by_id = {str(row.id): row for row in found}
    return [
        dataclasses.replace(
            row,
            clashes_with=tuple(
                Clash(other.id, other.idea_reference, other.mechanism, other.amount_per_year, other.status)
                for other in (by_id[other_id] for other_id in clashing.get(str(row.id), []))
            ),
            year_amount=None
            if year is None
            else (row.amount_per_year * share_in_year(row.period_start, row.period_end, year)).quantize(
                PENNY, rounding=decimal.ROUND_HALF_UP
            ),
            part_year=None if year is None else part_of_year(row.period_start, row.period_end, year),
        )
        for row in found
    ]


@dataclass(frozen=True, slots=True)
class Ledger:
    claims: list[ClaimRow]
    totals: Totals
    year: int | None
    # Seen through the practice library: the validated totals alone, no claims.
    library_view: bool = False


async def ledger_for_idea(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> Ledger:
    """An idea's claims, and their totals for a full year. Double counts are judged across the division.
    Those who see the idea only in the practice library get its validated totals, and no claims."""
    idea = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if idea is None:
        raise NotFound("idea")
    division_claims = await _claims(session, SavingsClaim.division_id == idea.division_id)
    mine = [claim for claim in division_claims if claim.idea_id == idea.id]
    settings = await force_settings(session, idea.force_id)
    hours = settings.productive_hours_per_fte
    if not sees_full_record(viewer, idea):
        validated = [claim.facts() for claim in mine if claim.status is ClaimStatus.VALIDATED]
        return Ledger([], totals(validated, None, hours), None, library_view=True)
    return Ledger(mine, totals([claim.facts() for claim in mine], None, hours), None)


async def claims_for_idea(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> list[ClaimRow]:
    """An idea's claims, for those who see its whole record: :class:`NotFound` for those who see it only
    in the practice library, as the claims are out of their reach."""
    ledger = await ledger_for_idea(session, viewer, idea_id)
    if ledger.library_view:
        raise NotFound("claims")
    return ledger.claims


async def ledger_for_force(
    session: AsyncSession, viewer: CurrentUser, year: int, *, status: ClaimStatus | None = None
) -> Ledger:
    """The claims in the viewer's reach (a validator's force, say) and the year's totals."""
    access.require(viewer, Permission.VIEW_WORK)
    in_reach = access.scope(
        viewer, Permission.VIEW_WORK, force_column=SavingsClaim.force_id, division_column=SavingsClaim.division_id
    )
    claims = await _claims(session, in_reach, year)
    hours = (
        (await force_settings(session, viewer.force_id)).productive_hours_per_fte
        if viewer.force_id
        else DEFAULT_PRODUCTIVE_HOURS
    )
    year_totals = totals([claim.facts() for claim in claims], year, hours)
    shown = [claim for claim in claims if status is None or claim.status is status]
    return Ledger(shown, year_totals, year)
