"""Reading the savings ledger: an idea's claims and their totals, a force's financial year a page at a
time, the possible double counts as groups, and what waits for a validator. Claims are recorded and
decided in :mod:`quest.savings.services`; the arithmetic is :mod:`quest.savings.rules`, and the
double-count groups are kept by :mod:`quest.savings.double_counts`.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.clock import LONDON
from quest.errors import NotFound
from quest.ideas.models import Idea
from quest.ideas.record import Placed, sees_full_record, visible
from quest.ideas.status import IdeaStatus
from quest.org.models import DEFAULT_PRODUCTIVE_HOURS, Division
from quest.org.settings import productive_hours_of
from quest.records import filled
from quest.savings import claim_workflow
from quest.savings.costs import yearly_recurring
from quest.savings.double_counts import (
    group_links,
    mechanism_chains,
    pairs_by_measure,
    pairs_by_mechanism,
)
from quest.savings.evidence import EvidenceGrade
from quest.savings.forecasts import RecordedAs
from quest.savings.idea_costs import NO_COSTS, IdeaCosts, costs_of_idea
from quest.savings.models import CostsByYear, DoubleCountMember, FlaggedByYear, SavingsByYear, SavingsClaim
from quest.savings.rules import (
    PENNY,
    ClaimFacts,
    ClaimKind,
    ClaimStatus,
    Grade,
    Pairs,
    PartYear,
    Totals,
    days_of_year,
    double_counts,
    financial_year,
    financial_year_bounds,
    links_joining,
    part_of_year,
    share_in_year,
    totals,
    totals_from,
)
from quest.savings.year_sums import by_status, costs_of, falls_in_year, flagged_groups, sums_by

D = decimal.Decimal


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
    # A validated claim's evidence grade, the grade QUEST proposed when it was graded, the validator's
    # reason where they differ, who graded it and when (None until graded).
    evidence_grade: EvidenceGrade | None
    proposed_grade: EvidenceGrade | None
    grade_reason: str
    graded_by_name: str | None
    graded_at: datetime.datetime | None
    # The status it was recorded in (forecast or claimed), kept once it is superseded.
    recorded_as: RecordedAs
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
        """What the totals need (the pairs that may double count come from :func:`double_count_pairs`)."""
        return filled(
            ClaimFacts,
            self,
            id=str(self.id),
            division_id=str(self.division_id),
            idea_id=str(self.idea_id),
            measure_changes=frozenset(),
        )


async def _partners(
    session: AsyncSession, idea: Placed, claim_ids: set[uuid.UUID]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """For the live claims ``claim_ids`` of ``idea``: the links of their double-count groups
    (:func:`double_count_links`, whose groups they show), and the pairs among the idea's own claims (its
    totals count its own double counts once; a link is not always a pair), each once, the lesser id
    first. One statement: the division's links and the idea's pairs, each row saying which it is."""
    if not claim_ids:
        return set(), set()
    in_division, of_idea = SavingsClaim.division_id == idea.division_id, SavingsClaim.idea_id == idea.id
    links = (mechanism_chains(in_division), pairs_by_measure(in_division))  # double_count_links
    pairs = (pairs_by_mechanism(of_idea), pairs_by_measure(of_idea))  # double_count_pairs
    found = await session.execute(
        union(
            *(select_.add_columns(literal(False).label("pair")) for select_ in links),
            *(select_.add_columns(literal(True).label("pair")) for select_ in pairs),
        )
    )
    in_groups: set[tuple[str, str]] = set()
    own: set[tuple[str, str]] = set()
    for first, second, pair in found:
        (own if pair else in_groups).add((min(str(first), str(second)), max(str(first), str(second))))
    return links_joining(in_groups | own, {str(claim_id) for claim_id in claim_ids}), own


def _claim_rows_of(where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The claims ``where`` selects, oldest first, with their idea, division and people's names."""
    claimant, decider, grader = aliased(User), aliased(User), aliased(User)
    return (
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
            SavingsClaim.evidence_grade,
            SavingsClaim.proposed_grade,
            SavingsClaim.grade_reason,
            grader.display_name,
            SavingsClaim.graded_at,
            SavingsClaim.recorded_as,
        )
        .join(Idea, Idea.id == SavingsClaim.idea_id)
        .join(Division, Division.id == SavingsClaim.division_id)
        .join(claimant, claimant.id == SavingsClaim.claimed_by)
        .outerjoin(decider, decider.id == SavingsClaim.decided_by)
        .outerjoin(grader, grader.id == SavingsClaim.graded_by)
        .where(where)
        .order_by(SavingsClaim.created_at, SavingsClaim.id)
    )


async def _claim_rows(session: AsyncSession, where: ColumnElement[bool]) -> list[ClaimRow]:
    return [ClaimRow(*row) for row in await session.execute(_claim_rows_of(where))]


def _flagged(shown: list[ClaimRow], found: list[ClaimRow], pairs: Pairs, year: int | None = None) -> list[ClaimRow]:
    """The claims ``shown`` with the claims each may count twice (its group's other claims: every member
    of the group must be in ``found``, oldest first) and, for a financial year, the share of it that
    falls in that year. Each group's claims are made once, and shared by the rows shown of it."""
    pairs = list(pairs)
    paired = {claim_id for pair in pairs for claim_id in pair}
    in_groups = {str(row.id): row for row in found if str(row.id) in paired}
    group_of: dict[str, tuple[Clash, ...]] = {}
    for group in double_counts([row.facts() for row in in_groups.values()], pairs):
        members = tuple(
            Clash(row.id, row.idea_reference, row.mechanism, row.amount_per_year, row.status)
            for row in (in_groups[claim.id] for claim in group)
        )
        group_of.update(dict.fromkeys((claim.id for claim in group), members))
    return [
        dataclasses.replace(
            row,
            clashes_with=tuple(other for other in group_of.get(str(row.id), ()) if other.id != row.id),
            year_amount=None
            if year is None
            else (row.amount_per_year * share_in_year(row.period_start, row.period_end, year)).quantize(
                PENNY, rounding=decimal.ROUND_HALF_UP
            ),
            part_year=None if year is None else part_of_year(row.period_start, row.period_end, year),
        )
        for row in shown
    ]


async def _read(
    session: AsyncSession, in_reach: ColumnElement[bool], shown: Select[uuid.UUID], *, year: int | None = None
) -> list[ClaimRow]:
    """The claims in reach whose ids ``shown`` selects, oldest first, each flagged with the other claims
    of its double-count group (kept by :func:`quest.savings.double_counts.regroup`). One statement: the
    claims shown and every claim of their groups, each with its group. The ids come first, so only those
    claims are joined to their ideas and people, not every claim in reach."""
    member = DoubleCountMember
    shown_claims = select(shown.subquery("shown").c.id)
    groups = select(member.group_id).where(member.claim_id.in_(shown_claims))
    wanted = union(shown_claims, select(member.claim_id).where(member.group_id.in_(groups)))
    rows = await session.execute(
        _claim_rows_of(and_(in_reach, SavingsClaim.id.in_(wanted)))
        .add_columns(member.group_id, SavingsClaim.id.in_(shown_claims).label("shown"))
        .outerjoin(member, member.claim_id == SavingsClaim.id)
    )
    read: list[ClaimRow] = []
    shown_ids: set[uuid.UUID] = set()
    memberships: list[tuple[uuid.UUID, uuid.UUID]] = []
    for *columns, group_id, is_shown in rows:
        claim = ClaimRow(*columns)
        read.append(claim)
        if group_id is not None:
            memberships.append((claim.id, group_id))
        if is_shown:
            shown_ids.add(claim.id)
    shown_rows = [row for row in read if row.id in shown_ids]
    return _flagged(shown_rows, read, group_links(memberships), year)


async def _claims(session: AsyncSession, where: ColumnElement[bool]) -> list[ClaimRow]:
    """The claims ``where`` selects, oldest first, each with the claims it may count twice."""
    return await _read(session, where, select(SavingsClaim.id).where(where))


CLAIMS_PER_PAGE = 50


class PlacedIdea(Placed, Protocol):
    """An idea as its ledger needs it: where it lies, and its status (which says whether it may have costs)."""

    @property
    def status(self) -> IdeaStatus: ...


@dataclass(frozen=True, slots=True)
class Ledger:
    claims: list[ClaimRow]
    totals: Totals
    year: int | None
    # Seen through the practice library: the validated totals alone, no claims.
    library_view: bool = False
    # A force's ledger shown a page at a time: which page, how many claims there are to page through, and
    # how many a page holds.
    page: int = 1
    listed: int = 0
    per_page: int = CLAIMS_PER_PAGE
    # An idea's ledger: its costs, set against its savings.
    costs: IdeaCosts = NO_COSTS

    @property
    def pages(self) -> int:
        return max(1, -(-self.listed // self.per_page))


async def ledger_for_idea(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> Ledger:
    """An idea's claims, and their totals for a full year. Double counts are judged across the division.
    Those who see the idea only in the practice library get its validated totals, and no claims."""
    idea = (await session.execute(select(Idea).where(Idea.id == idea_id, visible(viewer)))).scalar_one_or_none()
    if idea is None:
        raise NotFound("idea")
    return await idea_ledger(session, viewer, idea)


async def idea_ledger(session: AsyncSession, viewer: CurrentUser, idea: PlacedIdea) -> Ledger:
    """:func:`ledger_for_idea` for an idea the caller has already found for the viewer. Asks for the
    idea's claims; for its costs (unless it never could have any: :func:`costs_of_idea`); for the links
    of the division's double-count groups and the pairs among the idea's claims (:func:`_partners`), and
    the other claims of the groups its claims are in (only when there are some); and for the force's
    productive hours. Its totals set a full year's worth of its recurring costs against its savings."""
    full_record = sees_full_record(viewer, idea)
    mine = await _claim_rows(session, SavingsClaim.idea_id == idea.id)
    cost_rows = await costs_of_idea(session, idea, idea.status, names=full_record)
    if not mine and not cost_rows:  # nothing to total, whatever the force's productive hours
        return Ledger([], totals([], None, DEFAULT_PRODUCTIVE_HOURS), None, library_view=not full_record)
    hours = await productive_hours_of(session, idea.force_id)
    recurring = yearly_recurring((cost.facts() for cost in cost_rows), hours)
    if not full_record:
        validated = [claim.facts() for claim in mine if claim.status is ClaimStatus.VALIDATED]
        library_totals = totals(validated, None, hours, costs=recurring)
        return Ledger([], library_totals, None, library_view=True, costs=IdeaCosts.of(cost_rows, library_totals))
    links, own_pairs = await _partners(session, idea, {claim.id for claim in mine if claim.status.live})
    own = {str(claim.id) for claim in mine}
    others = {claim_id for link in links for claim_id in link} - own
    found = mine
    if others:
        found = sorted(
            [*mine, *await _claim_rows(session, SavingsClaim.id.in_([uuid.UUID(other) for other in others]))],
            key=lambda row: (row.created_at, row.id),
        )
    flagged = _flagged([row for row in found if str(row.id) in own], found, links)
    idea_totals = totals([claim.facts() for claim in flagged], None, hours, own_pairs, costs=recurring)
    return Ledger(flagged, idea_totals, None, costs=IdeaCosts.of(cost_rows, idea_totals))


async def claims_for_idea(session: AsyncSession, viewer: CurrentUser, idea_id: uuid.UUID) -> list[ClaimRow]:
    """An idea's claims, for those who see its whole record: :class:`NotFound` for those who see it only
    in the practice library, as the claims are out of their reach."""
    ledger = await ledger_for_idea(session, viewer, idea_id)
    if ledger.library_view:
        raise NotFound("claims")
    return ledger.claims


async def claim_for(session: AsyncSession, viewer: CurrentUser, claim_id: uuid.UUID) -> ClaimRow:
    """One claim in the viewer's reach on /savings, flagged with the claims it may count twice;
    :class:`NotFound` for any other."""
    found = await _read(session, _in_reach(viewer), select(SavingsClaim.id).where(SavingsClaim.id == claim_id))
    if not found:
        raise NotFound("claim")
    return found[0]


def _in_year(year: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Of financial year ``year``: claims whose period falls in it at least in part, and those recorded in
    it (from midnight on 1 April, London time)."""
    first_day, _last_day = financial_year_bounds(year)
    opens, closes = (
        datetime.datetime.combine(day, datetime.time(), LONDON).astimezone(datetime.UTC)
        for day in (first_day, financial_year_bounds(year + 1)[0])
    )
    recorded = and_(SavingsClaim.created_at >= opens, SavingsClaim.created_at < closes)
    return falls_in_year(year), recorded


def _in_reach(viewer: CurrentUser) -> ColumnElement[bool]:
    """The claims the viewer sees on /savings (403 for those who see none)."""
    access.require(viewer, Permission.VIEW_WORK)
    return access.scope(
        viewer, Permission.VIEW_WORK, force_column=SavingsClaim.force_id, division_column=SavingsClaim.division_id
    )


def _flagged_in_reach(viewer: CurrentUser) -> ColumnElement[bool]:
    """The divisions' flagged groups by year that the viewer sees on /savings."""
    return access.scope(
        viewer, Permission.VIEW_WORK, force_column=FlaggedByYear.force_id, division_column=FlaggedByYear.division_id
    )


def listed_in_year(in_reach: ColumnElement[bool], year: int, status: ClaimStatus | None) -> ColumnElement[bool]:
    """The claims /savings lists and downloads for financial year ``year``, of ``status`` (or all): those
    in reach whose period falls in the year, at least in part, and those recorded in it."""
    falls_in, recorded = _in_year(year)
    return and_(in_reach, true() if status is None else SavingsClaim.status == status, or_(falls_in, recorded))


async def ledger_for_force(
    session: AsyncSession,
    viewer: CurrentUser,
    year: int,
    *,
    status: ClaimStatus | None = None,
    page: int | None = None,
    per_page: int = CLAIMS_PER_PAGE,
) -> Ledger:
    """Financial year ``year``'s totals of the claims in the viewer's reach, and the claims to show (those
    of ``status``, or all): with ``page``, that page of the year's claims (``per_page`` a page, oldest
    first): those whose period falls in the year, at least in part, and those recorded in it;
    without, every claim in reach, whatever its year.

    The totals come from the savings by year kept for each division (:mod:`quest.savings.year_sums`),
    which are what the rule gives for the division's claims. Three statements: the claims shown with
    every claim of their double-count groups; the year's sums, how many groups are flagged in it and how
    many claims there are to show; the productive hours."""
    in_reach = _in_reach(viewer)
    listed = and_(in_reach, true() if status is None else SavingsClaim.status == status)
    shown = select(SavingsClaim.id).where(listed)
    if page is not None:
        listed = listed_in_year(in_reach, year, status)
        shown = (
            select(SavingsClaim.id)
            .where(listed)
            .order_by(SavingsClaim.created_at, SavingsClaim.id)
            .limit(per_page)
            .offset((max(page, 1) - 1) * per_page)
        )
    shown_rows = await _read(session, in_reach, shown, year=year)
    rollup_in_reach = access.scope(
        viewer, Permission.VIEW_WORK, force_column=SavingsByYear.force_id, division_column=SavingsByYear.division_id
    )
    sums = (await session.execute(sums_by(year, rollup_in_reach))).all()
    costs_in_reach = access.scope(
        viewer, Permission.VIEW_WORK, force_column=CostsByYear.force_id, division_column=CostsByYear.division_id
    )
    costs = (await session.execute(sums_by(year, costs_in_reach, rollup=CostsByYear))).all()
    counts = (
        await session.execute(
            select(
                select(func.count()).select_from(SavingsClaim).where(listed).scalar_subquery().label("listed"),
                flagged_groups(year, _flagged_in_reach(viewer)).scalar_subquery().label("flagged"),
            )
        )
    ).one()
    hours = await productive_hours_of(session, viewer.force_id)
    days = days_of_year(year)
    year_totals = totals_from(*by_status(sums, days), year, hours, counts.flagged, costs=costs_of(costs, days, hours))
    return Ledger(shown_rows, year_totals, year, page=page or 1, listed=counts.listed, per_page=per_page)


# --- Possible double counts, as groups --------------------------------------------------------------------

GROUPS_PER_PAGE = 10
# The claims a group lists on the page of double counts, and the others a flagged claim names: a group of
# hundreds of claims on one mechanism is summed up, so a page grows with the claims, never their pairs.
CLAIMS_SHOWN_OF_A_GROUP = 20
CLASHES_NAMED = 5


@dataclass(frozen=True, slots=True)
class DoubleCountGroup:
    """Claims that may count one saving twice, chained (connected by the rule's pairs): the first
    :data:`CLAIMS_SHOWN_OF_A_GROUP` of them oldest first, how many there are, and the page of
    /savings/double-counts the group is on. Its id is its oldest claim's."""

    claims: list[ClaimRow]
    size: int
    page: int

    @property
    def id(self) -> uuid.UUID:
        return self.claims[0].id

    @property
    def not_shown(self) -> int:
        return self.size - len(self.claims)


@dataclass(frozen=True, slots=True)
class DoubleCounts:
    """The groups in reach, oldest first (by their oldest claims): ``groups`` those asked for, ``count``
    how many there are; ``after``: the page the first group not shown is on, if there are more."""

    groups: list[DoubleCountGroup]
    count: int
    page: int = 1
    after: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // GROUPS_PER_PAGE))


async def _groups(session: AsyncSession, viewer: CurrentUser, first: int, wanted: int) -> DoubleCounts:
    """The double-count groups in the viewer's reach, oldest first (by their oldest claims): ``wanted`` of
    them from group ``first`` (from 0), each with its first :data:`CLAIMS_SHOWN_OF_A_GROUP` claims and
    its size; how many there are; and the page the first group not read is on. One statement (a second
    counts the groups only if none is read): the groups kept by
    :func:`quest.savings.double_counts.regroup` read in their order, never every claim in reach."""
    access.require(viewer, Permission.VIEW_WORK)
    member, in_group = DoubleCountMember, aliased(DoubleCountMember)
    in_reach = access.scope(
        viewer, Permission.VIEW_WORK, force_column=member.force_id, division_column=member.division_id
    )
    groups = select(member.group_id).where(in_reach, member.claim_id == member.group_id)
    asked = groups.order_by(member.opened_at, member.group_id).limit(wanted).offset(first).subquery("asked")
    numbered = (
        select(
            in_group.claim_id,
            in_group.group_id,
            func.row_number()
            .over(partition_by=in_group.group_id, order_by=(SavingsClaim.created_at, SavingsClaim.id))
            .label("place"),
            func.count().over(partition_by=in_group.group_id).label("size"),
        )
        .join(SavingsClaim, SavingsClaim.id == in_group.claim_id)
        .where(in_group.group_id.in_(select(asked.c.group_id)))
        .subquery("numbered")
    )
    how_many = select(func.count()).select_from(groups.subquery()).scalar_subquery()
    rows = await session.execute(
        _claim_rows_of(numbered.c.place <= CLAIMS_SHOWN_OF_A_GROUP)
        .join(numbered, numbered.c.claim_id == SavingsClaim.id)
        .add_columns(numbered.c.group_id, numbered.c.size, how_many.label("groups"))
    )
    claims: dict[uuid.UUID, list[ClaimRow]] = {}
    sizes: dict[uuid.UUID, int] = {}
    count = None
    for *columns, group_id, size, groups_in_reach in rows:
        claims.setdefault(group_id, []).append(ClaimRow(*columns))
        sizes[group_id], count = size, groups_in_reach
    if count is None:
        count = (await session.execute(select(how_many))).scalar_one()
    in_order = sorted(claims.values(), key=lambda group: (group[0].created_at, group[0].id))
    found = [
        DoubleCountGroup(group, sizes[group[0].id], (first + number) // GROUPS_PER_PAGE + 1)
        for number, group in enumerate(in_order)
    ]
    after = first + wanted
    next_page = after // GROUPS_PER_PAGE + 1 if count > after else None
    return DoubleCounts(found, count, first // GROUPS_PER_PAGE + 1, next_page)


async def double_count_groups(
    session: AsyncSession, viewer: CurrentUser, page: int = 1, per_page: int = GROUPS_PER_PAGE
) -> DoubleCounts:
    """A page of the possible double counts in the viewer's reach, as groups (``per_page`` a page; each
    group's ``page`` is the page of /savings/double-counts it is on, :data:`GROUPS_PER_PAGE` a page)."""
    return await _groups(session, viewer, (max(page, 1) - 1) * per_page, per_page)


# --- What waits for a validator -------------------------------------------------------------------------

_AWAITING_DECISION = tuple(status for status in ClaimStatus if claim_workflow.may_decide(status))


@dataclass(frozen=True, slots=True)
class ListedClaim:
    """A claim and where /savings lists it: in the claims of its ``status`` for financial ``year`` (the
    year it was recorded in), on page ``page``."""

    claim: ClaimRow
    year: int
    status: ClaimStatus
    page: int


@dataclass(frozen=True, slots=True)
class ClaimsWaiting:
    """The first claims of a list, oldest first, where each is on /savings, and how many there are in
    all; ``after``: the first claim not shown, where the rest begin."""

    count: int
    first: list[ListedClaim]
    after: ListedClaim | None


@dataclass(frozen=True, slots=True)
class ValidatorQueue:
    """Claimed savings waiting for the validator's decision (not their own), and the first of the groups
    of possible double counts in their reach (with how many there are)."""

    to_validate: ClaimsWaiting
    double_counts: DoubleCounts


def recorded_in(claim: ClaimRow) -> int:
    """The financial year a claim was recorded in (the UK date)."""
    return financial_year(claim.created_at.astimezone(LONDON).date())


async def validator_queue(session: AsyncSession, viewer: CurrentUser, shown: int) -> ValidatorQueue:
    """What waits for a validator: how many claims wait for their decision, the first ``shown`` (oldest
    first) and the claim after them, each with its place on /savings, so a link goes straight to it; and
    the first ``shown`` groups of possible double counts. Never every claim in reach: one statement
    reads the ``shown + 1`` oldest claims waiting and the claims of their double-count groups
    (:func:`_read`); one finds their places (:func:`_places`); one counts the claims waiting, if more
    wait than are read; one reads the first groups (:func:`_groups`)."""
    in_reach = _in_reach(viewer)
    waiting = and_(in_reach, SavingsClaim.status.in_(_AWAITING_DECISION), SavingsClaim.claimed_by != viewer.id)
    oldest = select(SavingsClaim.id).where(waiting).order_by(SavingsClaim.created_at, SavingsClaim.id)
    read = await _read(session, in_reach, oldest.limit(shown + 1))
    places = await _places(session, in_reach, read)
    count = len(read)
    if count > shown:
        count = (await session.execute(select(func.count()).select_from(SavingsClaim).where(waiting))).scalar_one()
    placed = [ListedClaim(claim, recorded_in(claim), claim.status, places[claim.id]) for claim in read]
    return ValidatorQueue(
        ClaimsWaiting(count, placed[:shown], placed[shown] if len(placed) > shown else None),
        await _groups(session, viewer, 0, shown),
    )


async def _places(session: AsyncSession, in_reach: ColumnElement[bool], claims: list[ClaimRow]) -> dict[uuid.UUID, int]:
    """The page of /savings each claim is on, in the claims of its status for the financial year it was
    recorded in (:func:`_listed`, oldest first, :data:`CLAIMS_PER_PAGE` a page). One statement: each
    list's claims numbered in order, once for each list the claims are in."""
    lists: dict[tuple[int, ClaimStatus], list[uuid.UUID]] = {}
    for claim in claims:
        lists.setdefault((recorded_in(claim), claim.status), []).append(claim.id)
    if not lists:
        return {}
    numbered = []
    for (year, status), ids in lists.items():
        ranked = (
            select(
                SavingsClaim.id.label("claim_id"),
                func.row_number().over(order_by=(SavingsClaim.created_at, SavingsClaim.id)).label("place"),
            )
            .where(listed_in_year(in_reach, year, status))
            .subquery()
        )
        numbered.append(select(ranked.c.claim_id, ranked.c.place).where(ranked.c.claim_id.in_(ids)))
    rows = await session.execute(union_all(*numbered) if len(numbered) > 1 else numbered[0])
    return {claim_id: (place - 1) // CLAIMS_PER_PAGE + 1 for claim_id, place in rows}
