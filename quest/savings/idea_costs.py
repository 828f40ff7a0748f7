"""What an idea cost to put in place (DESIGN §2, Evidence behind a saving): recorded and removed by the
division's managers, read with the idea's savings, and set against them (the arithmetic is
:mod:`quest.savings.costs`).

- Who: those who record the idea's savings claims (``Permission.CLAIM_SAVINGS``: the managers of its
  division); anyone else is refused as a claim is, with :class:`NotFound` (so another force's idea is
  never revealed).
- When: while the idea is under review, approved, in progress, implemented or parked
  (:data:`OPEN_TO_COSTS`). A manager pays for a trial while the idea is reviewed, for the change while it
  is made, for what keeps it going once it is done, and may have paid for something before an idea was
  parked; all of that is what the idea cost. A submitted idea has cost nothing yet; once an idea is
  declined, a duplicate or withdrawn its record is closed: what was recorded before stays, and counts (the
  money was spent), but nothing is added or taken away. A change asked of a closed idea is a
  :class:`Conflict`: the idea moved since the form was shown.
- A cost is cash (£, two places at most, £0 allowed: it records that there were no costs, which the
  evidence grade counts as costs recorded) or time (hours above 0 at a grade, valued at the force's rate
  card in force on the day it starts, exactly as a claim's time is: :mod:`quest.savings.valuation`).
- One-off (the whole amount, on the day it starts) or recurring (an amount a year, from a start to an
  optional end). It starts no earlier than QUEST's earliest date and no later than the end of next
  financial year, as a claim's period does.
- Each change is audited, written on the idea's timeline (``cost_recorded``, ``cost_removed``), and the
  division's costs by year (:class:`~quest.savings.models.CostsByYear`) rebuilt in its transaction.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.audit.recorder import act_as
from quest.errors import Conflict, NotFound, ValidationFailed
from quest.ideas.models import Idea
from quest.ideas.record import Placed, add_event, visible
from quest.ideas.status import IdeaStatus
from quest.org.models import Division
from quest.records import filled
from quest.savings.costs import CostFacts, CostRecurrence, one_off_total, payback_months
from quest.savings.models import IdeaCost
from quest.savings.rules import (
    FY_START,
    NO_TOTAL,
    ZERO,
    ClaimKind,
    ClaimStatus,
    Grade,
    Total,
    Totals,
    latest_period_start,
)
from quest.savings.valuation import MAX_AMOUNT, MAX_HOURS, value_time
from quest.savings.year_sums import recost_with

D = decimal.Decimal
S = IdeaStatus
# Where costs may be recorded and removed (see the module's docstring).
OPEN_TO_COSTS = frozenset({S.UNDER_REVIEW, S.APPROVED, S.IN_PROGRESS, S.IMPLEMENTED, S.PARKED})
# Where an idea has never been open to costs, so has none: its first status, and the one reached only
# from it. Its ledger does not ask for them.
DESCRIPTION_LENGTH = 200
NEVER_COSTED = frozenset({S.SUBMITTED, S.WITHDRAWN})
# A cost's fields, in the order the idea page's form asks for them.
FIELDS = ("description", "kind", "amount_gbp", "hours", "grade", "starts", "recurrence", "ends")
CLOSED_MESSAGE = (
    "Costs can be recorded or removed while the idea is under review, approved, in progress, implemented or "
    "parked; this one is {status} now."
)


def open_to_costs(status: IdeaStatus) -> bool:
    return status in OPEN_TO_COSTS


# --- Reading --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CostRow:
    """A cost as the idea page and the API show it. ``amount`` is £: the whole of a one-off cost, a year's
    of a recurring one (the hours at ``hourly_rate`` for time)."""

    id: uuid.UUID
    idea_id: uuid.UUID
    recurrence: CostRecurrence
    kind: ClaimKind
    description: str
    amount: D
    hours: D
    grade: Grade | None
    hourly_rate: D | None
    starts: datetime.date
    ends: datetime.date | None
    created_at: datetime.datetime
    # Who recorded it: None for those who see the idea only in the practice library.
    recorded_by_name: str | None

    def facts(self) -> CostFacts:
        return filled(CostFacts, self)


@dataclass(frozen=True, slots=True)
class IdeaCosts:
    """An idea's costs and what they come to: the one-off costs, a full year's worth of the recurring
    ones, and how many months of the idea's savings pay the one-off costs back.

    The payback is reckoned against the idea's validated savings a year or, when none are validated, its
    claimed ones (``against`` says which; None when it has neither, so there is nothing to pay back from).
    ``payback_months`` is None when the saving does not exceed the recurring costs: it never pays back."""

    costs: tuple[CostRow, ...]
    one_off: D
    recurring: Total
    against: ClaimStatus | None
    yearly_saving: D
    payback_months: D | None

    @property
    def never_pays_back(self) -> bool:
        return self.against is not None and self.payback_months is None

    @classmethod
    def of(cls, costs: Sequence[CostRow], totals: Totals) -> IdeaCosts:
        """The ``costs`` set against the idea's ``totals`` (a full year's worth, whose ``costs`` are the
        recurring ones: :func:`quest.savings.costs.yearly_recurring`)."""
        one_off = one_off_total(cost.facts() for cost in costs)
        against: ClaimStatus | None = None
        saving = ZERO
        for status, total in ((ClaimStatus.VALIDATED, totals.validated), (ClaimStatus.CLAIMED, totals.claimed)):
            if total.total_gbp > 0:
                against, saving = status, total.total_gbp
                break
        payback = payback_months(one_off, saving, totals.costs.total_gbp) if against is not None else None
        return cls(tuple(costs), one_off, totals.costs, against, saving, payback)


NO_COSTS = IdeaCosts((), ZERO, NO_TOTAL, None, ZERO, None)


async def costs_of_idea(session: AsyncSession, idea: Placed, status: IdeaStatus, *, names: bool) -> list[CostRow]:
    """The idea's costs, by when they start (one statement; none for an idea that never could have any),
    with who recorded each when ``names`` (not for the practice library's view of it)."""
    if status in NEVER_COSTED:
        return []
    rows = await session.execute(
        select(
            IdeaCost.id,
            IdeaCost.idea_id,
            IdeaCost.recurrence,
            IdeaCost.kind,
            IdeaCost.description,
            IdeaCost.amount,
            IdeaCost.hours,
            IdeaCost.grade,
            IdeaCost.hourly_rate,
            IdeaCost.starts,
            IdeaCost.ends,
            IdeaCost.created_at,
            User.display_name,
        )
        .join(User, User.id == IdeaCost.recorded_by)
        .where(IdeaCost.idea_id == idea.id)
        .order_by(IdeaCost.starts, IdeaCost.created_at, IdeaCost.id)
    )
    return [filled(CostRow, row, recorded_by_name=row.display_name if names else None) for row in rows]


# --- Recording and removing -----------------------------------------------------------------------------


@dataclass
class CostInput:
    """A cost as typed into the idea page's form, or sent to the API (``quest.savings.api.CostIn``): text
    as typed, the numbers perhaps JSON numbers, and None for what the API leaves out."""

    recurrence: str = ""
    kind: str = ""
    description: str = ""
    amount_gbp: float | str | None = None
    hours: float | str | None = None
    grade: str = ""
    starts: str = ""
    ends: str | None = None


def described(cost: IdeaCost | CostRow) -> str:
    """A cost in words, as the idea's timeline says it: "One-off cost: Training, £1,095.30"."""
    recurring = cost.recurrence is CostRecurrence.RECURRING
    each = " a year" if recurring else ""
    words = f"{'Recurring' if recurring else 'One-off'} cost: {cost.description}, £{cost.amount:,.2f}{each}"
    if cost.kind is ClaimKind.NON_CASHABLE and cost.grade is not None:
        words += f" ({cost.hours.normalize():,f} hours{each} of {cost.grade.label.lower()} at £{cost.hourly_rate})"
    return words


async def _idea_to_cost(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> Idea:
    """The idea, if the viewer records its savings (and so its costs), with its division locked for the
    change: NotFound otherwise, as a claim is refused; Conflict once its record is closed."""
    idea = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if idea is None or not access.covers(
        viewer, Permission.CLAIM_SAVINGS, force_id=idea.force_id, division_id=idea.division_id
    ):
        raise NotFound("idea")
    if not open_to_costs(idea.status):
        raise Conflict(CLOSED_MESSAGE.format(status=idea.status.label.lower()))
    # PostgreSQL: one change to a division's costs at a time, each reading the costs as the one before
    # left them, so the costs by year it rebuilds hold every cost (SQLite writes one at a time anyway).
    await session.execute(select(Division.id).where(Division.id == idea.division_id).with_for_update(key_share=True))
    return idea


async def _recost(session: AsyncSession, idea: Idea) -> None:
    await session.flush()
    await session.run_sync(lambda sync: recost_with(sync.connection(), {idea.division_id}))


async def record_cost(
    session: AsyncSession,
    viewer: CurrentUser,
    idea_id: uuid.UUID,
    data: CostInput,
    *,
    now: datetime.datetime,
    today: datetime.date,
) -> uuid.UUID:
    """Record a cost of putting the idea in place. Commits; returns the cost's id."""
    idea = await _idea_to_cost(session, viewer, idea_id)
    errors: fields.Errors = {}
    description = fields.text(
        data.description, "description", "what the cost was for", limit=DESCRIPTION_LENGTH, errors=errors
    )
    recurrence = fields.choice(
        data.recurrence, CostRecurrence, "recurrence", invalid="Choose one-off or recurring", errors=errors
    )
    kind = fields.choice(
        data.kind, ClaimKind, "kind", invalid="Choose cash (£) or time (hours at a grade)", errors=errors
    )
    starts = fields.date(
        data.starts,
        "starts",
        "the date the cost starts" if recurrence is CostRecurrence.RECURRING else "the date of the cost",
        example=FY_START,
        errors=errors,
        latest=latest_period_start(today),
        latest_is="the end of next financial year",
    )
    ends = None
    if recurrence is CostRecurrence.ONE_OFF and (data.ends or "").strip():
        errors["ends"] = "A one-off cost has no end date: leave it empty, or choose recurring"
    elif recurrence is CostRecurrence.RECURRING:
        ends = fields.date(data.ends or "", "ends", "the date it ends", example=FY_START, errors=errors, required=False)
        if starts and ends and ends < starts:
            errors["ends"] = "The end must be on or after the start"
    a_year = " a year" if recurrence is CostRecurrence.RECURRING else ""
    amount: D | None = None
    hours, grade, rate = D(0), None, None
    if kind is ClaimKind.CASHABLE:
        asked = f"Enter the amount{a_year} in pounds, like 1095.30 (0 if there was no cost)"
        amount = fields.decimal_number(
            fields.number_text(data.amount_gbp).strip().removeprefix("£"),
            "amount_gbp",
            f"the amount{a_year}",
            errors=errors,
            missing=asked,
            invalid=asked,
            least=D(0),
            most=MAX_AMOUNT,
            most_word="less",
            places=2,
        )
    elif kind is ClaimKind.NON_CASHABLE:
        typed = fields.money(data.hours, "hours", f"the hours{a_year}", most=MAX_HOURS, example="30", errors=errors)
        hours = typed or D(0)
        grade = fields.choice(
            data.grade, Grade, "grade", invalid="Choose the grade of the people whose time it took", errors=errors
        )
        valued = await value_time(session, idea.force_id, hours, grade, starts, errors)
        rate, amount = valued.rate, valued.amount
    if errors or description == "" or recurrence is None or kind is None or starts is None or amount is None:
        # In the order the form asks, so its error summary reads down the page.
        raise ValidationFailed(
            {name: errors[name] for name in FIELDS if name in errors} or {"amount_gbp": "Enter the amount"}
        )
    act_as(session, viewer.actor)
    cost = IdeaCost(
        id=uuid7(),
        force_id=idea.force_id,
        division_id=idea.division_id,
        idea_id=idea.id,
        recurrence=recurrence,
        kind=kind,
        description=description,
        hours=hours,
        grade=grade,
        hourly_rate=rate,
        amount=amount,
        starts=starts,
        ends=ends,
        recorded_by=viewer.id,
        created_at=now,
        updated_at=now,
    )
    session.add(cost)
    await add_event(
        session,
        idea,
        kind="cost_recorded",
        actor_id=viewer.id,
        now=now,
        body=described(cost),
        details={"cost": str(cost.id)},
    )
    await _recost(session, idea)
    await session.commit()
    return cost.id


async def remove_cost(
    session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID, cost_id: uuid.UUID, *, now: datetime.datetime
) -> None:
    """Remove a cost recorded in error (the audit trail keeps it, and the timeline says so). Commits."""
    idea = await _idea_to_cost(session, viewer, idea_id)
    cost = await session.get(IdeaCost, cost_id)
    if cost is None or cost.idea_id != idea.id:
        raise NotFound("cost")
    act_as(session, viewer.actor)
    await session.delete(cost)
    await add_event(
        session,
        idea,
        kind="cost_removed",
        actor_id=viewer.id,
        now=now,
        body=described(cost),
        details={"cost": str(cost.id)},
    )
    await _recost(session, idea)
    await session.commit()
