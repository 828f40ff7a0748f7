"""The practice library (DESIGN §3, issue 13): implemented ideas from every force, newest implementation first,
each with what it saved (its validated claims), what it did to its measure (its first linked outcome measure's
before and after) and where it has spread (the divisions that adopted it). National headquarters is there
to spread ideas that worked; this is where staff and managers find them, and adopt one.

Everyone signed in sees it (VIEW_LIBRARY), as the library view of each idea: no names of people, no
comments, no claims' details; the validated totals alone, as on the idea's page in the library view
(:func:`quest.savings.ledger.idea_ledger`).

Whatever a page shows, it asks for the ideas (with their waste types) and their count, then one statement
each for their validated savings summed by the database, the places that adopted them, their first
measures, every change to those measures, and those measures' readings. A download (every page, as CSV
or XLSX) asks the same of up to :data:`DOWNLOAD_LIMIT` ideas at once, without the count. The before and
after is the idea page's own rule (:func:`quest.metrics.impact.before_and_after`), fed the same segments.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.errors import UnknownFilter
from quest.ideas.filters import IdeaFilters, conditions_of
from quest.ideas.models import PROCESS_LENGTH, Idea, IdeaWasteType
from quest.ideas.status import IdeaStatus
from quest.metrics.impact import Impact, before_and_after, improved
from quest.metrics.models import IdeaMetric, Metric
from quest.metrics.series import Window, readings_of_each
from quest.metrics.vocabulary import Direction, MetricRole
from quest.org.models import Division, Force
from quest.paging import Paged, count_up_to
from quest.savings.models import SavingsClaim
from quest.savings.rules import ClaimKind, ClaimStatus
from quest.waste.types import WasteType

PRACTICE_PER_PAGE = 20
# As the idea list: a national library says "more than 10,000 ideas" rather than count them on every page.
COUNT_LIMIT = 10_000
# A download holds the newest this many, and the page says so when its filters choose more: the national
# library holds over 300,000 ideas, and on the national dataset 2,000 took 0.1 to 0.5 s to read and 0.4 to
# 0.6 s to write as XLSX, which holds up the worker (5,000: up to 1.1 s, and 1.4 s).
DOWNLOAD_LIMIT = 2_000
SEARCH_LENGTH = 200
PENNY = decimal.Decimal("0.01")


# --- Filters ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PracticeFilters:
    """What the library is narrowed to: words, a waste type, a process (its whole name, any case) and a
    force (by code)."""

    search: str = ""
    waste_type: WasteType | None = None
    process: str = ""
    force_code: str = ""

    def shown(self) -> dict[str, str]:
        """The filters as the form's fields and the page's query string hold them."""
        return {
            "q": self.search,
            "waste_type": self.waste_type.value if self.waste_type else "",
            "process": self.process,
            "force": self.force_code,
        }


def check_filters(
    q: str | None, waste_type: str | None, process: str | None, force: str | None
) -> tuple[PracticeFilters, dict[str, str]]:
    """The filters as typed (a query string), and what is wrong with them, field by field. Whether the
    force exists is the database's to say (:func:`practice_library`)."""
    errors: dict[str, str] = {}
    waste: WasteType | None = None
    if waste_type and waste_type.strip():
        try:
            waste = WasteType(waste_type.strip())
        except ValueError:
            errors["waste_type"] = "Choose a waste type from the list"
    process = (process or "").strip()
    if len(process) > PROCESS_LENGTH:
        errors["process"] = f"Process must be {PROCESS_LENGTH} characters or fewer"
    search = (q or "").strip()
    if len(search) > SEARCH_LENGTH:
        errors["q"] = f"Words must be {SEARCH_LENGTH} characters or fewer"
    filters = PracticeFilters(
        search=search[:SEARCH_LENGTH],
        waste_type=waste,
        process=process[:PROCESS_LENGTH],
        force_code=(force or "").strip().upper()[:16],
    )
    return filters, errors


# --- What each idea shows ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValidatedSaving:
    """An idea's validated claims, a full year of each (as its page's library view totals them)."""

    cashable_gbp: decimal.Decimal = decimal.Decimal("0.00")
    non_cashable_gbp: decimal.Decimal = decimal.Decimal("0.00")
    hours: decimal.Decimal = decimal.Decimal("0.00")

    @property
    def total_gbp(self) -> decimal.Decimal:
        return self.cashable_gbp + self.non_cashable_gbp

    @property
    def any(self) -> bool:
        return bool(self.total_gbp or self.hours)


@dataclass(frozen=True, slots=True)
class MeasureImpact:
    """What the idea did to its first linked measure: the before and after of its page."""

    metric_id: uuid.UUID
    name: str
    unit: str
    direction: Direction
    impact: Impact

    @property
    def improved(self) -> bool | None:
        return improved(self.impact.change, self.direction)

    @property
    def summary(self) -> str:
        return impact_phrase(self.name, self.impact.change, self.impact.change_pct, self.direction)


@dataclass(frozen=True, slots=True)
class AdoptedIn:
    """A division that adopted the idea, and how its own copy is getting on."""

    force_code: str
    force_name: str
    division_name: str
    status: IdeaStatus


@dataclass(frozen=True, slots=True)
class PracticeIdea:
    id: uuid.UUID
    reference: str
    title: str
    force_code: str
    force_name: str
    division_name: str
    implemented_on: datetime.date | None
    process: str
    waste_types: tuple[WasteType, ...]
    saving: ValidatedSaving
    impact: MeasureImpact | None
    adoptions: tuple[AdoptedIn, ...]
    # Whether the viewer may adopt it in their division; or the reference their division adopted it as.
    viewer_may_adopt: bool = False
    adopted_here_as: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PracticePage(Paged):
    ideas: list[PracticeIdea]
    filters: PracticeFilters = field(default_factory=PracticeFilters)
    per_page: int = PRACTICE_PER_PAGE

    @property
    def download_limit(self) -> int | None:
        """How many of these ideas a download holds, when it cannot hold them all; None when it can."""
        return DOWNLOAD_LIMIT if not self.counted_all or self.total > DOWNLOAD_LIMIT else None


@dataclass(frozen=True, slots=True)
class ForceChoice:
    code: str
    name: str


# --- Pure rules -------------------------------------------------------------------------------------------


def signed_percent(pct: Fraction) -> str:
    """A change in per cent as people quote it, to the nearest whole one, half away from zero: "−91%",
    "+12%", "0%" (a true minus sign)."""
    rounded = decimal.Decimal(pct.numerator) / decimal.Decimal(pct.denominator)
    whole = abs(rounded).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP)
    if not whole:
        return "0%"
    return f"{'−' if pct < 0 else '+'}{whole}%"


def impact_phrase(name: str, change: Fraction | None, change_pct: Fraction | None, direction: Direction) -> str:
    """ "Pending open incidents −91%, improved": the measure, the change in per cent and whether that is
    better, by the measure's direction (no verdict for a neutral one); a change from a mean of zero is
    given as it is, not in per cent."""
    if change is None:
        return f"{name}: not yet known"
    if change == 0:
        return f"{name}: no change"
    sign = "+" if change > 0 else "−"
    amount = signed_percent(change_pct) if change_pct is not None else f"{sign}{abs(float(change)):,.4g}"
    verdict = improved(change, direction)
    if verdict is None:
        return f"{name} {amount}"
    return f"{name} {amount}, {'improved' if verdict else 'worsened'}"


# --- Reading the library ----------------------------------------------------------------------------------


async def forces(session: AsyncSession) -> list[ForceChoice]:
    """Every force, by name (the filter's choices: the library holds every force's ideas)."""
    rows = await session.execute(select(Force.code, Force.name).order_by(Force.name))
    return [ForceChoice(*row) for row in rows]


def _hundredths(column: Any) -> ColumnElement[int]:
    """Money or hours in hundredths, a whole number, so both engines sum exactly (SQLite keeps numbers
    with decimals as floating point)."""
    return cast(func.round(column * 100), BigInteger)


async def _conditions(session: AsyncSession, viewer: CurrentUser, filters: PracticeFilters) -> list[Any]:
    """What chooses the library's ideas for ``filters``. :class:`UnknownFilter` naming ``force`` for a
    force that does not exist."""
    access.require(viewer, Permission.VIEW_LIBRARY)
    force_id: uuid.UUID | None = None
    if filters.force_code:
        named = select(Force.id).where(Force.code == filters.force_code)
        force_id = (await session.execute(named)).scalar_one_or_none()
        if force_id is None:
            raise UnknownFilter({"force": "Choose a force from the list"})
    return await conditions_of(
        session,
        viewer,
        IdeaFilters(
            waste_type=filters.waste_type,
            process=filters.process,
            search=filters.search,
            force_id=force_id,
            library=True,
        ),
    )


async def _newest_first(session: AsyncSession, conditions: list[Any], limit: int, offset: int = 0) -> list[Any]:
    """Up to ``limit`` of the chosen ideas, newest implementation first, after skipping ``offset``: each
    with its division, force and waste types, in one statement."""
    # The ideas are chosen first, by their own columns alone, and only they are joined to their division,
    # force and waste types: sorting the whole library with those joined in (every implemented idea in the
    # country has to be sorted: no index orders them by the day of their change) made it several times
    # slower.
    # (An implemented idea always has the day of its change: the workflow asks for it.)
    chosen = (
        select(Idea.id, Idea.implemented_on)
        .where(*conditions)
        .order_by(Idea.implemented_on.desc(), Idea.id.desc())
        .limit(limit)
        .offset(offset)
        .subquery("chosen")
    )
    rows = await session.execute(
        select(
            Idea.id,
            Idea.reference,
            Idea.title,
            Idea.division_id,
            Force.code.label("force_code"),
            Force.name.label("force_name"),
            Division.name.label("division_name"),
            Idea.implemented_on,
            Idea.process,
            select(func.aggregate_strings(IdeaWasteType.waste_type, " "))
            .where(IdeaWasteType.idea_id == Idea.id)
            .scalar_subquery()
            .label("wastes"),
        )
        .join(chosen, chosen.c.id == Idea.id)
        .join(Division, Division.id == Idea.division_id)
        .join(Force, Force.id == Idea.force_id)
        # The id settles ideas implemented on one day (UUIDv7: the later raised first).
        .order_by(chosen.c.implemented_on.desc(), chosen.c.id.desc())
    )
    return list(rows)


async def _described(session: AsyncSession, viewer: CurrentUser, rows: list[Any]) -> list[PracticeIdea]:
    """The ideas of ``rows`` with what the library shows of each: four statements, whatever their number
    (their savings, their adoptions, their first measures and those measures' readings)."""
    ids = [row.id for row in rows]
    savings = await _validated_savings(session, ids)
    adoptions, adopted_here = await _adoptions(session, viewer, ids)
    impacts = await _first_measures(session, ids)
    may_contribute = access.may(viewer, Permission.CONTRIBUTE) and viewer.division_id is not None
    order = list(WasteType)
    return [
        PracticeIdea(
            id=row.id,
            reference=row.reference,
            title=row.title,
            force_code=row.force_code,
            force_name=row.force_name,
            division_name=row.division_name,
            implemented_on=row.implemented_on,
            process=row.process,
            waste_types=tuple(sorted((WasteType(waste) for waste in (row.wastes or "").split()), key=order.index)),
            saving=savings.get(row.id, ValidatedSaving()),
            impact=impacts.get(row.id),
            adoptions=tuple(adoptions.get(row.id, ())),
            # The idea page's rule (quest.ideas.page): an implemented idea of another division, for those who
            # contribute in one; not again once their division has adopted it.
            viewer_may_adopt=may_contribute and row.division_id != viewer.division_id and row.id not in adopted_here,
            adopted_here_as=adopted_here.get(row.id),
        )
        for row in rows
    ]


async def practice_library(
    session: AsyncSession,
    viewer: CurrentUser,
    filters: PracticeFilters,
    page: int = 1,
    per_page: int | None = None,
) -> PracticePage:
    """A page of the implemented ideas the filters choose, newest implementation first. :class:`InvalidQuery`
    naming ``force`` for a force that does not exist."""
    conditions = await _conditions(session, viewer, filters)
    total, counted_all = await count_up_to(session, select(Idea.id).where(*conditions), COUNT_LIMIT)
    page, per_page = max(1, page), per_page or PRACTICE_PER_PAGE
    rows = await _newest_first(session, conditions, per_page + 1, (page - 1) * per_page)
    return PracticePage(
        ideas=await _described(session, viewer, rows[:per_page]),
        filters=filters,
        total=total,
        page=page,
        per_page=per_page,
        counted_all=counted_all,
        more_after=len(rows) > per_page,
    )


async def practice_download(session: AsyncSession, viewer: CurrentUser, filters: PracticeFilters) -> list[PracticeIdea]:
    """Every implemented idea the filters choose, as the library's pages show them, newest implementation
    first, up to :data:`DOWNLOAD_LIMIT` (the page says when there are more: :attr:`PracticePage.download_limit`).
    :class:`InvalidQuery` naming ``force`` for a force that does not exist."""
    conditions = await _conditions(session, viewer, filters)
    return await _described(session, viewer, await _newest_first(session, conditions, DOWNLOAD_LIMIT))


async def _validated_savings(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, ValidatedSaving]:
    """Each idea's validated claims summed by the database, by kind: £ of cash, £ of time and its hours."""
    if not ids:
        return {}

    def summed(kind: ClaimKind, column: Any) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((SavingsClaim.kind == kind, _hundredths(column)))), 0)

    rows = await session.execute(
        select(
            SavingsClaim.idea_id,
            summed(ClaimKind.CASHABLE, SavingsClaim.amount_per_year),
            summed(ClaimKind.NON_CASHABLE, SavingsClaim.amount_per_year),
            summed(ClaimKind.NON_CASHABLE, SavingsClaim.hours_per_year),
        )
        .where(SavingsClaim.idea_id.in_(ids), SavingsClaim.status == ClaimStatus.VALIDATED)
        .group_by(SavingsClaim.idea_id)
    )
    return {
        idea_id: ValidatedSaving(*(decimal.Decimal(int(sum_)) * PENNY for sum_ in (cash, time, hours)))
        for idea_id, cash, time, hours in rows
    }


async def _adoptions(
    session: AsyncSession, viewer: CurrentUser, ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[AdoptedIn]], dict[uuid.UUID, str]]:
    """The divisions that adopted each idea, in the order they did; and the reference each idea was adopted
    as in the viewer's division, where it was."""
    found: dict[uuid.UUID, list[AdoptedIn]] = defaultdict(list)
    here: dict[uuid.UUID, str] = {}
    if not ids:
        return found, here
    adopted = aliased(Idea)
    rows = await session.execute(
        select(
            adopted.adopted_from_id,
            adopted.reference,
            adopted.division_id,
            Force.code,
            Force.name,
            Division.name,
            adopted.status,
        )
        .join(Division, Division.id == adopted.division_id)
        .join(Force, Force.id == adopted.force_id)
        .where(adopted.adopted_from_id.in_(ids))
        .order_by(adopted.created_at, adopted.id)
    )
    for original, reference, division_id, force_code, force_name, division_name, status in rows:
        if original is None:  # never: the statement asks for adoptions alone
            continue
        found[original].append(AdoptedIn(force_code, force_name, division_name, status))
        if viewer.division_id is not None and division_id == viewer.division_id:
            here[original] = reference
    return found, here


def _windows(links: Iterable[Any]) -> dict[uuid.UUID, Window]:
    """The days of each measure's readings that its links' before and after can use: from the earliest
    previous change to the latest next change (or from its first reading, or to its latest, where a link has
    none). A download of the newest ideas reads their measures' latest months, not five years of each."""
    starts: dict[uuid.UUID, list[datetime.date | None]] = defaultdict(list)
    ends: dict[uuid.UUID, list[datetime.date | None]] = defaultdict(list)
    for link in links:
        starts[link.id].append(link.previous_change)
        ends[link.id].append(link.next_change)
    return {
        metric_id: (
            None if None in starts[metric_id] else min(day for day in starts[metric_id] if day is not None),
            None if None in ends[metric_id] else max(day for day in ends[metric_id] if day is not None),
        )
        for metric_id in starts
    }


async def _first_measures(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, MeasureImpact]:
    """Each idea's first linked outcome measure (the one linked first, as its page lists them) and its before and
    after, read from the measure's segments: from the previous change to it (whoever's idea made it) to
    the next. Those two changes are all the rule needs of the others (the chart, which needs them all, is
    the idea page's), so the database finds them with the links: a measure of a busy division has been
    changed by hundreds of ideas."""
    if not ids:
        return {}
    other = aliased(IdeaMetric)
    same_measure = other.metric_id == IdeaMetric.metric_id
    previous_change = (
        select(func.max(other.change_date))
        .where(same_measure, other.change_date < IdeaMetric.change_date)
        .scalar_subquery()
    )
    next_change = (
        select(func.min(other.change_date))
        .where(same_measure, other.change_date > IdeaMetric.change_date)
        .scalar_subquery()
    )
    links = await session.execute(
        select(
            IdeaMetric.idea_id,
            IdeaMetric.change_date,
            Metric.id,
            Metric.name,
            Metric.unit,
            Metric.direction,
            previous_change.label("previous_change"),
            next_change.label("next_change"),
        )
        .join(Metric, Metric.id == IdeaMetric.metric_id)
        .where(IdeaMetric.idea_id.in_(ids), IdeaMetric.role == MetricRole.OUTCOME, Metric.is_active.is_(True))
        .order_by(IdeaMetric.idea_id, IdeaMetric.created_at, IdeaMetric.id)
    )
    first: dict[uuid.UUID, Any] = {}
    for link in links:
        first.setdefault(link.idea_id, link)
    if not first:
        return {}
    readings = await readings_of_each(session, list(windows := _windows(first.values())), within=windows)
    return {
        idea_id: MeasureImpact(
            metric_id=link.id,
            name=link.name,
            unit=link.unit,
            direction=link.direction,
            impact=before_and_after(
                readings.get(link.id, []),
                link.change_date,
                link.direction,
                [day for day in (link.previous_change, link.next_change) if day is not None],
            ),
        )
        for idea_id, link in first.items()
    }
