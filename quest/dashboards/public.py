"""A force's results for the public (``/public/{code}``, DESIGN §1): what its headquarters has chosen to
publish, for anyone to read without signing in.

It shows what the force has achieved and nothing about anyone: validated savings by financial year (never
claimed or forecast ones), the titles of implemented ideas with the summary their division's manager wrote
for the public (no other text a person typed: not the problem, the proposal, what was learned, comments,
nor anyone's name), and each active backlog's XmR chart, by division (one division at a time in a force
with many). A force that has not published its
page, or has withdrawn it, is no more found than a code that is no force's.

Every figure is read in a few statements whatever the force's size: savings from the yearly rollup (one
statement a year), the ideas' titles in one, and the backlogs' readings of the last two years, every
shown measure's at once, in one.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.dashboards.savings import BY_FORCE, savings_by
from quest.errors import InvalidQuery, NotFound
from quest.ideas.models import Idea
from quest.ideas.status import IdeaStatus
from quest.metrics.models import IdeaMetric, Metric
from quest.metrics.series import readings_of_each
from quest.metrics.spc import Spc, analyse
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.org.models import Division, Force
from quest.org.settings import productive_hours_of
from quest.savings.models import SavingsByYear
from quest.savings.rules import ClaimStatus, Total, financial_year

# How many financial years of savings, up to the current one; how many implemented ideas, the latest
# first; and how far back the backlogs' charts go.
YEARS_SHOWN = 4
IDEAS_SHOWN = 100
TREND_DAYS = 2 * 365
# A force with more backlogs than this shows one division's at a time (each a chart of up to two years of
# daily counts: the Metropolitan Police's 249 would be 180,000 readings on one page).
ALL_AT_ONCE = 12


@dataclass(frozen=True, slots=True)
class YearSavings:
    """A financial year's validated savings (named by the year it starts: 2026 is April 2026 to March 2027)."""

    year: int
    validated: Total

    @property
    def label(self) -> str:
        return f"{self.year} to {self.year + 1}"


@dataclass(frozen=True, slots=True)
class PublicIdea:
    """An implemented idea as the public sees it: its title, and its summary for the public (or "")."""

    reference: str
    title: str
    division_name: str
    implemented_on: datetime.date | None
    summary: str


@dataclass(frozen=True, slots=True)
class BacklogTrend:
    """A backlog's readings of the last two years as an XmR chart, rebased at each change linked to it."""

    metric_id: uuid.UUID
    name: str
    unit: str
    direction: Direction
    frequency: Frequency
    target: decimal.Decimal | None
    spc: Spc
    # The change dates in the chart's span, labelled with the implemented ideas' references where the
    # change was one of those (a change by an idea not implemented yet rebases the chart all the same).
    rebase_labels: dict[datetime.date, str]


@dataclass(frozen=True, slots=True)
class DivisionBacklogs:
    name: str
    trends: list[BacklogTrend] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BacklogDivision:
    """A division with active backlogs, as the page's choice of division lists it."""

    code: str
    name: str
    backlogs: int


@dataclass(frozen=True, slots=True)
class PublicResults:
    code: str
    name: str
    public_since: datetime.datetime
    as_of: datetime.date
    years: list[YearSavings]
    ideas: list[PublicIdea]
    implemented_count: int
    divisions: list[DivisionBacklogs]
    trends_from: datetime.date
    # The divisions with backlogs, and the one whose backlogs are shown alone (None: all are shown).
    backlog_divisions: list[BacklogDivision] = field(default_factory=list)
    chosen_division: BacklogDivision | None = None

    @property
    def trend_count(self) -> int:
        return sum(len(division.trends) for division in self.divisions)


async def _published_force(session: AsyncSession, code: str) -> tuple[uuid.UUID, str, str, datetime.datetime]:
    """The force's id, code, name and when it published its page; NotFound unless it is published."""
    row = (
        await session.execute(
            select(Force.id, Force.code, Force.name, Force.public_since).where(
                Force.code == code.upper(), Force.public_since.is_not(None)
            )
        )
    ).one_or_none()
    if row is None:
        raise NotFound("force")
    force_id, force_code, name, public_since = row
    assert public_since is not None  # the query asked for a published force
    return force_id, force_code, name, public_since


async def validated_in_year(
    session: AsyncSession, force_id: uuid.UUID, year: int, productive_hours: decimal.Decimal
) -> Total:
    """The force's validated savings in financial year ``year``, as the dashboards read them."""
    return (await savings_by(session, year, BY_FORCE, [force_id], {force_id: productive_hours}))[force_id].validated


async def validated_by_year(session: AsyncSession, force_id: uuid.UUID, today: datetime.date) -> list[YearSavings]:
    """The force's validated savings in each financial year from its first validated claim's, up to the
    current one (the last :data:`YEARS_SHOWN` of them), the latest first. A claim that runs on counts in
    every year it covers, so a year with no new claim still has savings."""
    current = financial_year(today)
    first = (
        await session.execute(
            select(func.min(SavingsByYear.year)).where(
                SavingsByYear.force_id == force_id, SavingsByYear.status == ClaimStatus.VALIDATED
            )
        )
    ).scalar_one_or_none()
    if first is None or first > current:
        return []
    hours = await productive_hours_of(session, force_id)
    years = range(current, max(first, current - YEARS_SHOWN + 1) - 1, -1)
    return [YearSavings(year, await validated_in_year(session, force_id, year, hours)) for year in years]


async def implemented_ideas(session: AsyncSession, force_id: uuid.UUID) -> tuple[list[PublicIdea], int]:
    """The force's latest implemented ideas (titles, divisions, dates and summaries for the public; no
    other text, no people), and how many it has implemented in all."""
    rows = await session.execute(
        select(Idea.reference, Idea.title, Division.name, Idea.implemented_on, Idea.public_summary)
        .join(Division, Division.id == Idea.division_id)
        .where(Idea.force_id == force_id, Idea.status == IdeaStatus.IMPLEMENTED)
        .order_by(Idea.implemented_on.desc(), Idea.id.desc())
        .limit(IDEAS_SHOWN)
    )
    ideas = [PublicIdea(*row) for row in rows]
    count = (
        await session.execute(
            select(func.count())
            .select_from(Idea)
            .where(Idea.force_id == force_id, Idea.status == IdeaStatus.IMPLEMENTED)
        )
    ).scalar_one()
    return ideas, count


async def backlog_trends(
    session: AsyncSession, force_id: uuid.UUID, since: datetime.date, division_code: str | None = None
) -> tuple[list[DivisionBacklogs], list[BacklogDivision], BacklogDivision | None]:
    """The active backlogs of the force as XmR charts of their readings since ``since``, by division:
    every division's when the force has at most :data:`ALL_AT_ONCE` backlogs; otherwise one division's
    at a time (``division_code``, or the first by name), so that a force of many divisions costs what one
    division does. Also the divisions with backlogs (to choose from), and the one shown alone (None when
    all are). A backlog with no readings in the span is left out. InvalidQuery for a division code that
    names no division of the force with a backlog."""
    metrics = (
        await session.execute(
            select(
                Metric.id,
                Metric.name,
                Metric.unit,
                Metric.direction,
                Metric.frequency,
                Metric.target,
                Division.code.label("division_code"),
                Division.name.label("division_name"),
            )
            .join(Division, Division.id == Metric.division_id)
            .where(Metric.force_id == force_id, Metric.kind == MetricKind.BACKLOG, Metric.is_active.is_(True))
            .order_by(Division.name, Metric.name)
        )
    ).all()
    choices: dict[str, BacklogDivision] = {}
    for metric in metrics:
        found = choices.get(metric.division_code)
        choices[metric.division_code] = BacklogDivision(
            metric.division_code, metric.division_name, (found.backlogs if found else 0) + 1
        )
    chosen = None
    if division_code is not None:
        chosen = choices.get(division_code.upper())
        if chosen is None:
            raise InvalidQuery({"division": "Choose a division from the list"})
    elif len(metrics) > ALL_AT_ONCE:
        chosen = next(iter(choices.values()))
    if chosen is not None:
        metrics = [metric for metric in metrics if metric.division_code == chosen.code]
    if not metrics:
        return [], list(choices.values()), chosen
    metric_ids = [metric.id for metric in metrics]
    series = await readings_of_each(session, metric_ids, since)
    changes: dict[uuid.UUID, dict[datetime.date, list[str]]] = defaultdict(lambda: defaultdict(list))
    for metric_id, day, reference, status in await session.execute(
        select(IdeaMetric.metric_id, IdeaMetric.change_date, Idea.reference, Idea.status)
        .join(Idea, Idea.id == IdeaMetric.idea_id)
        .where(IdeaMetric.metric_id.in_(metric_ids), IdeaMetric.change_date > since)
        .order_by(IdeaMetric.change_date, Idea.reference)
    ):
        shown = changes[metric_id][day]
        if status is IdeaStatus.IMPLEMENTED:
            shown.append(reference)
    divisions: dict[str, DivisionBacklogs] = {}
    for metric in metrics:
        readings = series.get(metric.id)
        if not readings:
            continue
        rebases = changes.get(metric.id, {})
        trend = BacklogTrend(
            metric.id,
            metric.name,
            metric.unit,
            metric.direction,
            metric.frequency,
            metric.target,
            analyse(readings, direction=metric.direction, target=metric.target, rebase=rebases.keys()),
            {day: ", ".join(references) for day, references in rebases.items() if references},
        )
        divisions.setdefault(metric.division_name, DivisionBacklogs(metric.division_name)).trends.append(trend)
    return list(divisions.values()), list(choices.values()), chosen


async def public_results(
    session: AsyncSession, code: str, today: datetime.date, division_code: str | None = None
) -> PublicResults:
    """The force's published results as of ``today`` (the backlogs of ``division_code`` alone, if given);
    NotFound unless its headquarters has published them (the same answer as for a code that is no
    force's)."""
    force_id, force_code, name, public_since = await _published_force(session, code)
    since = today - datetime.timedelta(days=TREND_DAYS)
    ideas, implemented_count = await implemented_ideas(session, force_id)
    divisions, choices, chosen = await backlog_trends(session, force_id, since, division_code)
    return PublicResults(
        code=force_code,
        name=name,
        public_since=public_since,
        as_of=today,
        years=await validated_by_year(session, force_id, today),
        ideas=ideas,
        implemented_count=implemented_count,
        divisions=divisions,
        trends_from=since,
        backlog_divisions=choices,
        chosen_division=chosen,
    )
