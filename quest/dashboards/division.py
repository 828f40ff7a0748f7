"""A division's dashboard (issue 13, the division manager's home): the financial year's savings, the
pipeline of ideas and what is overdue in it, how quickly ideas are answered, who takes part, every
measure's SPC summary with its backlogs charted, the waste Pareto, the latest implemented ideas with
their impact, and what changed in the last week.

Every figure is an aggregate the database gives (grouped and counted there, or read from the rollups:
``ideas_by_status``, ``waste_by_month``, ``savings_by_year``, ``response_days``); the arithmetic left
afterwards (shares, rates per 100 staff, the participation window, a week's change in a backlog) is pure
functions here, with unit tests against worked examples. The measures' SPC is :func:`quest.metrics.spc.analyse` over
each measure's readings, segmented at its ideas' change dates exactly as the measure's own page does, so
the icons here are the icons there. Each process keeps the measures' readings and SPC under their
readings' version (:mod:`quest.metrics.kept`), so a view works out only those whose readings changed: always
the figures of the records as they are.

Definitions, as the page states them:

- **staff** (the participation share's denominator): the division's active user accounts of the roles
  staff and manager;
- **submitters**: those of them who raised an idea in the division in the participation window;
- **ideas per 100 staff**: the ideas raised in the division in the window, per 100 of its officer and
  staff FTE (the division's size as headquarters records it);
- **first response within the SLA**: of the ideas raised in the window whose first response is due
  (answered, or raised longer ago than the SLA's days), the share answered within the SLA;
- **medians**: the median whole days from raising to the first response, and to the decision, of the
  ideas that had it in the financial year (by its London date): the force comparison's figures, read
  from the same kept distribution (``response_days``);
- **the participation window**: the twelve months ending today, or, for a past financial year, the
  twelve months ending on its last day (the year itself).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.models import User
from quest.accounts.roles import Role
from quest.clock import EARLIEST_DATE, LONDON
from quest.dashboards.measures import median_of
from quest.dashboards.response_times import Medians, days_waited_in_year
from quest.dashboards.savings import BY_DIVISION, savings_by
from quest.dashboards.spans import microseconds_between
from quest.errors import InvalidQuery, OutOfReach
from quest.ideas.models import Idea
from quest.ideas.response_sla import AWAITING_DECISION, deadlines, overdue_clauses, sla_flags
from quest.ideas.status import IdeaStatus
from quest.metrics.impact import before_and_after, improved, wording
from quest.metrics.judgements import improvements_by
from quest.metrics.kept import Judging, KeptReadings, judged_of_each
from quest.metrics.links import rebase_labels_of_each
from quest.metrics.models import IdeaMetric, Metric
from quest.metrics.spc import Assurance, PointType, Spc
from quest.metrics.sustainment import Sustained
from quest.metrics.vocabulary import Direction, Frequency, MetricKind, MetricRole
from quest.org.models import Division, Force
from quest.org.settings import Sla, force_settings
from quest.rollups.models import (
    MINUTE_PARTS,
    IdeasByStatus,
    ReadingsVersion,
    ResponseDays,
    ResponseKind,
    WasteByMonth,
)
from quest.savings.models import SavingsClaim
from quest.savings.redeployment import not_redeployed_share
from quest.savings.rules import ClaimStatus, Totals, financial_year, financial_year_bounds
from quest.waste.rules import ParetoBar, hours_a_year_of, pareto
from quest.waste.types import WasteType

D = decimal.Decimal
# The overdue ideas listed (oldest first); the counts above the list cover them all.
OVERDUE_SHOWN = 20
# The latest implemented ideas shown.
IMPLEMENTED_SHOWN = 5
# "What changed since last week" looks back this far.
WEEK = datetime.timedelta(days=7)
# The pipeline in the order an idea moves through it.
PIPELINE_ORDER = (
    IdeaStatus.SUBMITTED,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.PARKED,
    IdeaStatus.APPROVED,
    IdeaStatus.IN_PROGRESS,
    IdeaStatus.IMPLEMENTED,
    IdeaStatus.DECLINED,
    IdeaStatus.DUPLICATE,
    IdeaStatus.WITHDRAWN,
)


# --- Pure arithmetic -----------------------------------------------------------------------------------


def check_year(raw: str | None, today: datetime.date) -> int:
    """The financial year ``?fy=`` names (the current one when absent): from the year of QUEST's earliest
    date to the next one. :class:`InvalidQuery` (400, naming ``fy``) for anything else."""
    current = financial_year(today)
    if raw is None or raw == "":
        return current
    first, last = financial_year(EARLIEST_DATE), current + 1
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) != 4 or not first <= int(text) <= last:
        raise InvalidQuery(
            {"fy": f"Give the financial year by the year it starts, from {first} to {last}, like fy={current}"}
        )
    return int(text)


def year_back(day: datetime.date) -> datetime.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def participation_window(year: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the twelve months participation is counted over: ending today, or on the
    last day of financial year ``year`` if that is earlier (a past year is read as it ended)."""
    last = min(today, financial_year_bounds(year)[1])
    return year_back(last) + datetime.timedelta(days=1), last


def share(part: int, whole: int) -> D | None:
    """``part`` of ``whole`` as a fraction to four places; None when there is no whole (never a zero
    that would read as "nobody")."""
    if whole <= 0:
        return None
    return (D(part) / D(whole)).quantize(D("0.0001"), rounding=decimal.ROUND_HALF_UP)


def per_hundred(count: int, size: D) -> D | None:
    """``count`` per 100 of ``size`` (FTE), to one place; None when the size is unknown (zero)."""
    if size <= 0:
        return None
    return (D(count) * 100 / size).quantize(D("0.1"), rounding=decimal.ROUND_HALF_UP)


def london_midnight(day: datetime.date) -> datetime.datetime:
    """The moment a UK day starts, in UTC: ideas are stored in UTC and days are the UK's."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON).astimezone(datetime.UTC)


def value_on(series: Sequence[tuple[datetime.date, D]], day: datetime.date) -> D | None:
    """The latest reading on or before ``day`` (None before the first)."""
    found = None
    for date, value in series:
        if date > day:
            break
        found = value
    return found


# --- The figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    id: uuid.UUID
    code: str
    name: str
    force_id: uuid.UUID
    force_code: str
    force_name: str
    officers_fte: D
    staff_fte: D

    @property
    def size_fte(self) -> D:
        return self.officers_fte + self.staff_fte


@dataclass(frozen=True, slots=True)
class StatusCount:
    status: IdeaStatus
    ideas: int


@dataclass(frozen=True, slots=True)
class OverdueIdea:
    reference: str
    title: str
    status: IdeaStatus
    raised_on: datetime.date
    age_days: int
    first_response_overdue: bool
    decision_overdue: bool


@dataclass(frozen=True, slots=True)
class Overdue:
    first_response: int
    decision: int
    # Either of the two, oldest first: the first OVERDUE_SHOWN of ``total``.
    ideas: list[OverdueIdea]
    total: int


@dataclass(frozen=True, slots=True)
class Participation:
    window_start: datetime.date
    window_end: datetime.date
    staff: int
    submitters_12m: int
    ideas_12m: int
    size_fte: D
    # Ideas whose first response is due, and those of them answered within the SLA.
    responses_due: int
    responded_in_time: int

    @property
    def share(self) -> D | None:
        return share(self.submitters_12m, self.staff)

    @property
    def ideas_per_100_staff(self) -> D | None:
        return per_hundred(self.ideas_12m, self.size_fte)

    @property
    def first_response_within_sla(self) -> D | None:
        return share(self.responded_in_time, self.responses_due)


@dataclass(frozen=True, slots=True)
class Measure:
    metric_id: uuid.UUID
    name: str
    unit: str
    kind: MetricKind
    direction: Direction
    frequency: Frequency
    target: D | None
    latest: D | None
    latest_on: datetime.date | None
    variation: PointType | None
    assurance: Assurance | None
    readings: int
    spc: Spc = field(repr=False, compare=False)
    series: list[tuple[datetime.date, D]] = field(default_factory=list, repr=False, compare=False)
    rebase_labels: dict[datetime.date, str] = field(default_factory=dict, repr=False, compare=False)
    # What a page drew from the SPC, by what else it drew it from: kept with the SPC (quest.metrics.kept).
    drawn: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_backlog(self) -> bool:
        return self.kind is MetricKind.BACKLOG


@dataclass(frozen=True, slots=True)
class MeasureImpact:
    metric_id: uuid.UUID
    name: str
    change_date: datetime.date
    wording: str
    change_pct: float | None
    improved: bool | None


@dataclass(frozen=True, slots=True)
class ImplementedIdea:
    reference: str
    title: str
    implemented_on: datetime.date | None
    impacts: list[MeasureImpact]
    # The idea's validated savings, a full year's worth (£ a year): what it goes on saving.
    validated_gbp_per_year: D


@dataclass(frozen=True, slots=True)
class BacklogChange:
    name: str
    unit: str
    before: D
    after: D


@dataclass(frozen=True, slots=True)
class WeekChanges:
    since: datetime.date
    raised: int
    decided: int
    validated: int
    backlog: BacklogChange | None


@dataclass(frozen=True, slots=True)
class Improvements:
    """How many of the division's ideas judged by outcome measures hold their improvement, slip, or cannot
    be told yet."""

    sustained: int
    slipping: int
    not_yet_known: int

    @property
    def judged(self) -> int:
        return self.sustained + self.slipping + self.not_yet_known


@dataclass(frozen=True, slots=True)
class DivisionDashboard:
    place: Place
    year: int
    today: datetime.date
    sla: Sla
    savings: Totals
    pipeline: list[StatusCount]
    overdue: Overdue
    medians: Medians
    participation: Participation
    measures: list[Measure]
    # Hours lost a year by kind of waste, over the waste observed in the year.
    waste_hours: dict[WasteType, D]
    implemented: list[ImplementedIdea]
    week: WeekChanges
    # Ideas judged by outcome measures, by whether their improvement holds (issue 14): kept judgements.
    sustained: dict[Sustained, int] = field(default_factory=dict)
    # The share of the year's released hours not yet redeployed (None: none released).
    not_redeployed: D | None = None

    @property
    def improvements(self) -> Improvements:
        return Improvements(**{state.value: self.sustained.get(state, 0) for state in Sustained})

    @property
    def backlogs(self) -> list[Measure]:
        return [measure for measure in self.measures if measure.is_backlog]

    @property
    def waste(self) -> list[ParetoBar]:
        return pareto({waste_type.label: hours for waste_type, hours in self.waste_hours.items()})

    @property
    def ideas(self) -> int:
        return sum(count.ideas for count in self.pipeline)

    @property
    def has_savings(self) -> bool:
        totals = (self.savings.validated, self.savings.claimed, self.savings.forecast)
        return any(total.total_gbp or total.hours for total in totals)


# --- Reading them --------------------------------------------------------------------------------------


async def division_in_reach(session: AsyncSession, viewer: CurrentUser, division_id: uuid.UUID) -> Place:
    """The division, if the viewer may see its work (their own division for staff and managers, their
    force for validators and force headquarters, any for national and administrators); 404 otherwise."""
    access.require(viewer, Permission.VIEW_WORK)
    row = (
        await session.execute(
            select(
                Division.id,
                Division.code,
                Division.name,
                Division.force_id,
                Force.code,
                Force.name,
                Division.officers_fte,
                Division.staff_fte,
            )
            .join(Force, Force.id == Division.force_id)
            .where(Division.id == division_id)
        )
    ).one_or_none()
    if row is None or not access.covers(viewer, Permission.VIEW_WORK, force_id=row[3], division_id=row[0]):
        raise OutOfReach("divisions", division_id, Permission.VIEW_WORK.value)
    return Place(*row)


async def division_dashboard(
    session: AsyncSession,
    viewer: CurrentUser,
    division_id: uuid.UUID,
    year: int,
    now: datetime.datetime,
    kept: KeptReadings | None = None,
) -> DivisionDashboard:
    """Everything the division's dashboard shows for financial year ``year``, as of ``now``; the measures'
    SPC that this process has ``kept`` from the readings as they still are (:mod:`quest.metrics.kept`), the
    rest worked out."""
    place = await division_in_reach(session, viewer, division_id)
    today = now.astimezone(LONDON).date()
    settings = await force_settings(session, place.force_id)
    sla = Sla(settings.first_response_days, settings.decision_days)
    savings = (await savings_by(session, year, BY_DIVISION, [place.id], {place.id: settings.productive_hours_per_fte}))[
        place.id
    ]
    start, end = participation_window(year, today)
    in_window = and_(
        Idea.division_id == place.id,
        Idea.created_at >= london_midnight(start),
        Idea.created_at < london_midnight(end + datetime.timedelta(days=1)),
    )
    measures = await _measures(session, viewer, place.id, kept)
    return DivisionDashboard(
        place=place,
        year=year,
        today=today,
        sla=sla,
        savings=savings,
        pipeline=await _pipeline(session, place.id),
        overdue=await _overdue(session, place.id, now, sla),
        medians=await _medians(session, place.id, year),
        participation=await _participation(session, place, start, end, in_window, now, sla),
        measures=measures,
        waste_hours=await _waste(session, place.id, year),
        implemented=await _implemented(session, place.id, measures),
        week=await _week(session, place.id, now, today, measures),
        sustained=(await improvements_by(session, [place.id]))[place.id],
        not_redeployed=(await not_redeployed_share(session, year, [place.id]))[place.id],
    )


async def _pipeline(session: AsyncSession, division_id: uuid.UUID) -> list[StatusCount]:
    """How many of the division's ideas are in each status (the kept rollup), in the pipeline's order;
    statuses with none are left out."""
    counted = {
        row.status: row.ideas
        for row in await session.execute(
            select(IdeasByStatus.status, IdeasByStatus.ideas).where(
                IdeasByStatus.division_id == division_id, IdeasByStatus.ideas > 0
            )
        )
    }
    return [StatusCount(status, counted[status]) for status in PIPELINE_ORDER if counted.get(status)]


async def _medians(session: AsyncSession, division_id: uuid.UUID, year: int) -> Medians:
    """The median whole days to a first response and to a decision of the division's ideas answered in
    financial year ``year``: what its force's comparison shows for it (the same distribution, the same
    median)."""
    waited = (
        await days_waited_in_year(
            session,
            year,
            # Both kinds named, so that the division's rows are read by the primary key.
            and_(ResponseDays.division_id == division_id, ResponseDays.kind.in_(tuple(ResponseKind))),
            ResponseDays.division_id,
        )
    ).get(division_id, {})
    return Medians(
        median_of(waited.get(ResponseKind.FIRST_RESPONSE, {})), median_of(waited.get(ResponseKind.DECISION, {}))
    )


async def _overdue(session: AsyncSession, division_id: uuid.UUID, now: datetime.datetime, sla: Sla) -> Overdue:
    """The division's ideas overdue for a first response or a decision: how many of each, and the oldest."""
    first, decision = overdue_clauses(deadlines(now, sla))
    waiting = and_(Idea.division_id == division_id, Idea.status.in_(AWAITING_DECISION), or_(first, decision))
    counts = (
        await session.execute(
            select(func.count().filter(first), func.count().filter(decision), func.count()).where(waiting)
        )
    ).one()
    rows = await session.execute(
        select(Idea.reference, Idea.title, Idea.status, Idea.created_at)
        .where(waiting)
        .order_by(Idea.created_at, Idea.reference)
        .limit(OVERDUE_SHOWN)
    )
    ideas = [
        OverdueIdea(
            reference,
            title,
            status,
            created_at.astimezone(LONDON).date(),
            (now - created_at).days,
            *sla_flags(status, created_at, now, sla),
        )
        for reference, title, status, created_at in rows
    ]
    return Overdue(int(counts[0]), int(counts[1]), ideas, int(counts[2]))


def _days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


async def _participation(
    session: AsyncSession,
    place: Place,
    start: datetime.date,
    end: datetime.date,
    in_window: ColumnElement[bool],
    now: datetime.datetime,
    sla: Sla,
) -> Participation:
    """Who of the division's staff raised ideas in the window, how many ideas, and how many were answered
    within the SLA: one statement."""
    is_staff = and_(User.division_id == place.id, User.is_active.is_(True), User.role.in_((Role.STAFF, Role.MANAGER)))
    staff = select(User.id).where(is_staff).scalar_subquery()
    limit = sla.first_response_days * 86400 * 10**6
    took = microseconds_between(Idea.first_response_at, Idea.created_at)
    answered = Idea.first_response_at.is_not(None)
    due = or_(answered, Idea.created_at < now - _days(sla.first_response_days))
    staff_count = select(func.count()).select_from(User).where(is_staff).scalar_subquery()
    row = (
        await session.execute(
            select(
                staff_count,
                func.count(func.distinct(Idea.submitter_id)).filter(Idea.submitter_id.in_(staff)),
                func.count(Idea.id),
                func.count(Idea.id).filter(due),
                func.count(Idea.id).filter(answered, took <= literal(limit)),
            )
            .select_from(Idea)
            .where(in_window)
        )
    ).one()
    return Participation(
        window_start=start,
        window_end=end,
        staff=int(row[0] or 0),
        submitters_12m=int(row[1]),
        ideas_12m=int(row[2]),
        size_fte=place.size_fte,
        responses_due=int(row[3]),
        responded_in_time=int(row[4]),
    )


async def _measures(
    session: AsyncSession, viewer: CurrentUser, division_id: uuid.UUID, kept: KeptReadings | None
) -> list[Measure]:
    """Every active measure of the division with its SPC: three statements whatever their number (the
    measures with their readings' versions, the ideas' change dates that segment them, and the readings of
    those whose readings this process has not kept as they are now: none when it has them all)."""
    metrics = (
        await session.execute(
            select(
                Metric.id,
                Metric.name,
                Metric.unit,
                Metric.kind,
                Metric.direction,
                Metric.frequency,
                Metric.target,
                ReadingsVersion.version,
            )
            .outerjoin(ReadingsVersion, ReadingsVersion.metric_id == Metric.id)
            .where(Metric.division_id == division_id, Metric.is_active.is_(True))
            .order_by(Metric.name)
        )
    ).all()
    if not metrics:
        return []
    ids = [metric.id for metric in metrics]
    labelled = await rebase_labels_of_each(session, viewer, ids)
    judged = await judged_of_each(
        session,
        [Judging(metric.id, metric.version, metric.direction, metric.target) for metric in metrics],
        labelled,
        kept,
    )
    found = []
    for metric in metrics:
        readings, spc = judged[metric.id].series, judged[metric.id].spc
        labels = labelled.get(metric.id, {})
        found.append(
            Measure(
                metric_id=metric.id,
                name=metric.name,
                unit=metric.unit,
                kind=metric.kind,
                direction=metric.direction,
                frequency=metric.frequency,
                target=metric.target,
                latest=readings[-1][1] if readings else None,
                latest_on=readings[-1][0] if readings else None,
                variation=spc.variation,
                assurance=spc.assurance,
                readings=len(readings),
                spc=spc,
                series=readings,
                rebase_labels=labels,
                drawn=judged[metric.id].drawn,
            )
        )
    return found


async def _waste(session: AsyncSession, division_id: uuid.UUID, year: int) -> dict[WasteType, D]:
    """Hours lost a year by kind of waste, over the waste observed in the financial year (the rollup
    by month), in the order of DOWNTIME; kinds with none left out."""
    first, last = financial_year_bounds(year)
    rows = await session.execute(
        select(WasteByMonth.waste_type, func.sum(WasteByMonth.minutes_a_week))
        .where(WasteByMonth.division_id == division_id, WasteByMonth.month >= first, WasteByMonth.month <= last)
        .group_by(WasteByMonth.waste_type)
    )
    totals = {WasteType(waste_type): hours_a_year_of(D(int(weekly)) / MINUTE_PARTS) for waste_type, weekly in rows}
    return {waste_type: totals[waste_type] for waste_type in WasteType if totals.get(waste_type)}


async def _implemented(session: AsyncSession, division_id: uuid.UUID, measures: list[Measure]) -> list[ImplementedIdea]:
    """The division's latest implemented ideas, each with its impact on the measures linked to it (read
    from the readings already fetched) and its validated savings a year: three statements."""
    ideas = (
        await session.execute(
            select(Idea.id, Idea.reference, Idea.title, Idea.implemented_on)
            .where(Idea.division_id == division_id, Idea.status == IdeaStatus.IMPLEMENTED)
            .order_by(Idea.implemented_on.desc(), Idea.reference.desc())
            .limit(IMPLEMENTED_SHOWN)
        )
    ).all()
    if not ideas:
        return []
    ids = [idea.id for idea in ideas]
    links: dict[uuid.UUID, list[tuple[uuid.UUID, datetime.date]]] = defaultdict(list)
    for idea_id, metric_id, change_date in await session.execute(
        select(IdeaMetric.idea_id, IdeaMetric.metric_id, IdeaMetric.change_date)
        .where(IdeaMetric.idea_id.in_(ids), IdeaMetric.role == MetricRole.OUTCOME)
        .order_by(IdeaMetric.created_at, IdeaMetric.id)
    ):
        links[idea_id].append((metric_id, change_date))
    validated = {
        row.idea_id: row.amount
        for row in await session.execute(
            select(SavingsClaim.idea_id, func.sum(SavingsClaim.amount_per_year).label("amount"))
            .where(SavingsClaim.idea_id.in_(ids), SavingsClaim.status == ClaimStatus.VALIDATED)
            .group_by(SavingsClaim.idea_id)
        )
    }
    by_id = {measure.metric_id: measure for measure in measures}
    found = []
    for idea in ideas:
        impacts = []
        for metric_id, change_date in links.get(idea.id, []):
            measure = by_id.get(metric_id)
            if measure is None:  # a measure since retired
                continue
            impact = before_and_after(measure.series, change_date, measure.direction, measure.rebase_labels)
            pct = impact.change_pct
            impacts.append(
                MeasureImpact(
                    metric_id,
                    measure.name,
                    change_date,
                    wording(impact, measure.direction),
                    float(pct) if pct is not None else None,
                    improved(impact.change, measure.direction),
                )
            )
        money = validated.get(idea.id)
        found.append(
            ImplementedIdea(
                idea.reference,
                idea.title,
                idea.implemented_on,
                impacts,
                D(money).quantize(D("0.01")) if money is not None else D("0.00"),
            )
        )
    return found


async def _week(
    session: AsyncSession,
    division_id: uuid.UUID,
    now: datetime.datetime,
    today: datetime.date,
    measures: list[Measure],
) -> WeekChanges:
    """What changed in the last seven days: ideas raised and decided, savings validated, and the first
    backlog's count a week ago against its latest."""
    since = now - WEEK
    ideas = (
        await session.execute(
            select(
                func.count().filter(Idea.created_at >= since),
                func.count().filter(Idea.decided_at >= since),
            ).where(Idea.division_id == division_id, or_(Idea.created_at >= since, Idea.decided_at >= since))
        )
    ).one()
    validated = (
        await session.execute(
            select(func.count()).where(
                SavingsClaim.division_id == division_id,
                SavingsClaim.status == ClaimStatus.VALIDATED,
                SavingsClaim.decided_at >= since,
            )
        )
    ).scalar_one()
    backlog = None
    week_ago = today - WEEK
    for measure in measures:
        if not measure.is_backlog or measure.latest is None:
            continue
        before = value_on(measure.series, week_ago)
        if before is not None and measure.latest_on is not None and measure.latest_on > week_ago:
            backlog = BacklogChange(measure.name, measure.unit, before, measure.latest)
            break
    return WeekChanges(week_ago, int(ideas[0]), int(ideas[1]), int(validated), backlog)
