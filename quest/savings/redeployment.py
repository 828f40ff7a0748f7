"""Where released time went (issue 14, item 7): the hours that non-cashable claims release, by where each
claim says the time is redeployed, for a reach and financial year; and the share not yet redeployed.

The rules (pure, at the top):
- the claims counted are the live non-cashable claims, claimed and validated apart (forecasts release
  nothing yet); a possible double count counts once, as in totals: of each double-count group, only the
  claim :func:`quest.savings.rules.counted` keeps;
- a claim's hours are the year's share by days, as totals have them: its hours a year times its days in
  the year, summed in whole hundredths, divided by the year's days and rounded once;
- destinations are grouped by :func:`quest.text.matching_key` (whatever their case and spacing) and shown
  in their most common spelling (by claims; of equals, the one that sorts first); a blank destination,
  or one whose key is "not yet redeployed", "none" or "not redeployed", is **Not yet redeployed**
  (:func:`quest.savings.rules.destination_key`, which the savings kept by year also key their rows by);
- the share not yet redeployed is its hours over all the hours released (None when none are).

The queries (below) ask the database for sums by division or force, status and destination as typed,
never for every claim: the claims that double counts leave out are read apart (those in groups alone) and
taken away. :func:`hours_released` is the dashboards' figure (and :func:`not_redeployed_share` the
division dashboard's share of it): one statement over the savings kept by year, for any number of
divisions or forces.
"""

from __future__ import annotations

import decimal
import uuid
from collections import Counter, defaultdict
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from quest.accounts.identity import CurrentUser
from quest.savings.double_counts import FACT_COLUMNS, claim_facts, group_links
from quest.savings.ledger import _in_reach
from quest.savings.models import DoubleCountMember, SavingsByYear, SavingsClaim
from quest.savings.report_units import grouping, unit_names
from quest.savings.rules import (
    NOT_YET_REDEPLOYED,
    ClaimKind,
    ClaimStatus,
    DayWeighted,
    counted,
    days_in_year,
    days_of_year,
    destination_key,
    double_counts,
    financial_year_bounds,
    hundredths,
    year_total,
)
from quest.savings.year_sums import falls_in_year

D = decimal.Decimal
# The statuses whose time counts as released, shown apart, the most assured first.
RELEASED = (ClaimStatus.VALIDATED, ClaimStatus.CLAIMED)
SHARE_PLACES = D("0.0001")
Unit = TypeVar("Unit", bound=Hashable)


def share(part: int, whole: int) -> decimal.Decimal | None:
    """``part`` of ``whole`` (day-weighted sums), exactly, then to four places (0.2500 is 25%); None of
    nothing."""
    return (D(part) / D(whole)).quantize(SHARE_PLACES, rounding=decimal.ROUND_HALF_UP) if whole else None


def year_hours(weighted: int, year: int) -> decimal.Decimal:
    """Day-weighted hundredths of hours as the year's share, to two places, rounded once as totals are."""
    return year_total(DayWeighted(hours=weighted), days_of_year(year), D(1)).hours


@dataclass(frozen=True, slots=True)
class ReleasedRow(Generic[Unit]):
    """Counted claims of one unit (a division or a force), status and destination as typed: how many,
    and their hours a year in hundredths times their days in the year, added up."""

    unit: Unit
    status: ClaimStatus
    redeployed_to: str
    claims: int
    weighted: int


@dataclass(frozen=True, slots=True)
class Destination:
    """Hours released to one destination in a year: validated, claimed, both, and their share of all the
    hours released in the unit."""

    name: str
    not_redeployed: bool
    validated: decimal.Decimal
    claimed: decimal.Decimal
    hours: decimal.Decimal
    share: decimal.Decimal | None


@dataclass(frozen=True, slots=True)
class ReleasedTime:
    """Hours released in a year, by destination (the most hours first, "Not yet redeployed" last), with
    their totals and the share not yet redeployed."""

    destinations: list[Destination]
    validated: decimal.Decimal
    claimed: decimal.Decimal
    hours: decimal.Decimal
    not_redeployed: decimal.Decimal
    not_redeployed_share: decimal.Decimal | None
    claims: int


def spellings(rows: Iterable[ReleasedRow[Any]]) -> dict[str | None, str]:
    """The name each destination key is shown by: its most common spelling (by claims; of equals, the one
    that sorts first), and "Not yet redeployed" for time not redeployed."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        key = destination_key(row.redeployed_to)
        if key is not None:
            counts[key][row.redeployed_to.strip()] += row.claims
    names: dict[str | None, str] = {None: NOT_YET_REDEPLOYED}
    for key, spelt in counts.items():
        names[key] = min(spelt, key=lambda spelling: (-spelt[spelling], spelling))
    return names


def released_time(
    rows: Sequence[ReleasedRow[Any]], year: int, names: dict[str | None, str] | None = None
) -> ReleasedTime:
    """The hours of ``rows`` (one unit's, or many's added together) by destination, in financial year
    ``year``; destinations named by ``names`` (:func:`spellings`, of these rows unless given)."""
    names = spellings(rows) if names is None else names
    by_key: dict[str | None, dict[ClaimStatus, int]] = defaultdict(lambda: dict.fromkeys(RELEASED, 0))
    for row in rows:
        by_key[destination_key(row.redeployed_to)][row.status] += row.weighted
    whole = sum(row.weighted for row in rows)
    destinations = [
        Destination(
            name=names[key],
            not_redeployed=key is None,
            validated=year_hours(sums[ClaimStatus.VALIDATED], year),
            claimed=year_hours(sums[ClaimStatus.CLAIMED], year),
            hours=year_hours(sum(sums.values()), year),
            share=share(sum(sums.values()), whole),
        )
        for key, sums in by_key.items()
    ]
    destinations.sort(key=lambda found: (found.not_redeployed, -found.hours, found.name))
    not_redeployed = sum(by_key[None].values()) if None in by_key else 0
    return ReleasedTime(
        destinations=destinations,
        validated=year_hours(sum(row.weighted for row in rows if row.status is ClaimStatus.VALIDATED), year),
        claimed=year_hours(sum(row.weighted for row in rows if row.status is ClaimStatus.CLAIMED), year),
        hours=year_hours(whole, year),
        not_redeployed=year_hours(not_redeployed, year),
        not_redeployed_share=share(not_redeployed, whole),
        claims=sum(row.claims for row in rows),
    )


def released_by(rows: Sequence[ReleasedRow[Unit]], year: int) -> dict[Unit, ReleasedTime]:
    """:func:`released_time` for each unit of ``rows``, every destination named alike everywhere."""
    names = spellings(rows)
    grouped: dict[Unit, list[ReleasedRow[Unit]]] = defaultdict(list)
    for row in rows:
        grouped[row.unit].append(row)
    return {unit: released_time(found, year, names) for unit, found in grouped.items()}


def less(rows: Iterable[ReleasedRow[Unit]], taken: Iterable[ReleasedRow[Unit]]) -> list[ReleasedRow[Unit]]:
    """``rows`` with the claims of ``taken`` taken away (rows left with no claims dropped)."""
    sums: dict[tuple[Unit, ClaimStatus, str], list[int]] = {}
    for row in rows:
        found = sums.setdefault((row.unit, row.status, row.redeployed_to), [0, 0])
        found[0] += row.claims
        found[1] += row.weighted
    for row in taken:
        found = sums.setdefault((row.unit, row.status, row.redeployed_to), [0, 0])
        found[0] -= row.claims
        found[1] -= row.weighted
    return [
        ReleasedRow(unit, status, spelt, claims, weighted)
        for (unit, status, spelt), (claims, weighted) in sums.items()
        if claims
    ]


# --- Asking the database --------------------------------------------------------------------------------


class days_between(FunctionElement[int]):
    """``later - earlier`` in whole days, from two dates."""

    type = Integer()
    name = "days_between"
    inherit_cache = True


@compiles(days_between, "postgresql")
def _postgresql_days(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _sqlite_days(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # Dates are 'YYYY-MM-DD' text on SQLite; julianday's difference of two midnights is a whole number.
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def weighted_hours(year: int) -> ColumnElement[int]:
    """A claim's hours a year in hundredths times its days in financial year ``year`` (for claims whose
    period falls in it, at least in part): :func:`quest.savings.rules.day_weighted`'s hours, in SQL."""
    first, last = financial_year_bounds(year)
    starts = case((SavingsClaim.period_start > first, SavingsClaim.period_start), else_=literal(first))
    ends = case(
        (and_(SavingsClaim.period_end.is_not(None), SavingsClaim.period_end < last), SavingsClaim.period_end),
        else_=literal(last),
    )
    whole_hundredths = cast(func.round(SavingsClaim.hours_per_year * 100), BigInteger)
    return whole_hundredths * (days_between(ends, starts) + 1)


def _released(where: ColumnElement[bool], year: int) -> ColumnElement[bool]:
    """The claims ``where`` selects that release time in financial year ``year``: live non-cashable
    claims, claimed or validated, whose period falls in the year."""
    return and_(
        where,
        SavingsClaim.status.in_(RELEASED),
        SavingsClaim.kind == ClaimKind.NON_CASHABLE,
        falls_in_year(year),
    )


def _row_of(unit: Any, claim: Any, year: int) -> ReleasedRow[Any]:
    """A claim read in Python as a row of one claim."""
    days = days_in_year(claim.period_start, claim.period_end, year)
    return ReleasedRow(unit, ClaimStatus(claim.status), claim.redeployed_to, 1, hundredths(claim.hours_per_year) * days)


async def released_rows(
    session: AsyncSession, where: ColumnElement[bool], unit: ColumnElement[uuid.UUID], year: int
) -> list[ReleasedRow[uuid.UUID]]:
    """The counted claims ``where`` selects that release time in financial year ``year``, summed by
    ``unit`` (a column of :class:`SavingsClaim`: its division or force), status and destination as typed.

    Two statements: the sums of every such claim, and the claims of the double-count groups that hold any
    of them (with each claim's group), from which :func:`quest.savings.rules.counted` says which it leaves
    out; those are taken away. Rows are bounded by units × statuses × destinations, and the groups read
    are those of the claims, never every claim."""
    released = _released(where, year)
    sums = await session.execute(
        select(
            unit.label("unit"),
            SavingsClaim.status,
            SavingsClaim.redeployed_to,
            func.count().label("claims"),
            func.sum(weighted_hours(year)).label("weighted"),
        )
        .where(released)
        .group_by(unit, SavingsClaim.status, SavingsClaim.redeployed_to)
    )
    rows = [
        ReleasedRow(row.unit, ClaimStatus(row.status), row.redeployed_to, row.claims, int(row.weighted)) for row in sums
    ]
    member = DoubleCountMember
    groups_touched = select(member.group_id).join(SavingsClaim, SavingsClaim.id == member.claim_id).where(released)
    in_groups = (
        await session.execute(
            select(
                *(getattr(SavingsClaim, name) for name in FACT_COLUMNS),
                unit.label("unit"),
                member.group_id,
            )
            .join(member, member.claim_id == SavingsClaim.id)
            .where(member.group_id.in_(groups_touched))
        )
    ).all()
    if not in_groups:
        return rows
    facts = [claim_facts(row) for row in in_groups]
    kept = {
        claim.id
        for claim in counted(facts, double_counts(facts, group_links([(row.id, row.group_id) for row in in_groups])))
    }
    left_out = [
        _row_of(row.unit, row, year)
        for row in in_groups
        if str(row.id) not in kept
        and row.kind == ClaimKind.NON_CASHABLE
        and row.status in RELEASED
        and days_in_year(row.period_start, row.period_end, year)
    ]
    return less(rows, left_out)


@dataclass(frozen=True, slots=True)
class UnitReleased:
    """One division or force of a reach and the time it released."""

    id: uuid.UUID
    name: str
    released: ReleasedTime


@dataclass(frozen=True, slots=True)
class ReleasedTimeReport:
    """Where released time went in financial ``year``, for a viewer's reach: all of it together, and (when
    the reach holds more than one) each division of a force, or each force of the country, that released
    any, by name."""

    year: int
    overall: ReleasedTime
    grouped_by: str | None = None  # "division" or "force"
    units: list[UnitReleased] = field(default_factory=list)


async def released_time_report(session: AsyncSession, viewer: CurrentUser, year: int) -> ReleasedTimeReport:
    """Where the time released in financial ``year`` went, in the viewer's reach (as /savings has it: a
    manager their division, validators and force headquarters their force, national everything; 403 for
    those who see none)."""
    in_reach = _in_reach(viewer)
    grouped_by, unit = grouping(viewer)
    rows = await released_rows(session, in_reach, unit, year)
    overall = released_time(rows, year)
    if grouped_by is None:
        return ReleasedTimeReport(year, overall)
    by_unit = released_by(rows, year)
    names = await unit_names(session, grouped_by, by_unit.keys())
    units = sorted(
        (UnitReleased(unit_id, names.get(unit_id, ""), released) for unit_id, released in by_unit.items()),
        key=lambda found: found.name,
    )
    return ReleasedTimeReport(year, overall, grouped_by, units)


# --- The dashboards' figure -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HoursReleased:
    """A division's or force's hours released in a financial year, and those of them not yet redeployed:
    day-weighted hundredths (hours a year in hundredths times their days in the year), as the rule sums
    them; :func:`year_hours` gives each as the year's hours."""

    released: int
    not_redeployed: int

    @property
    def share(self) -> decimal.Decimal | None:
        """The share not yet redeployed (0.2500 is 25%); None when none are released."""
        return share(self.not_redeployed, self.released)


# What the released hours are grouped by: each division, or each force.
BY_DIVISION = SavingsByYear.division_id
BY_FORCE = SavingsByYear.force_id


async def hours_released(
    session: AsyncSession, year: int, unit_ids: Collection[uuid.UUID], unit: Any = BY_DIVISION
) -> dict[uuid.UUID, HoursReleased]:
    """For each of ``unit_ids`` (divisions, or forces with ``unit`` :data:`BY_FORCE`): the hours released in
    financial ``year`` and those not yet redeployed, as the released-time report has them
    (:func:`released_time_report`); none of either for a unit that released none. No scoping: the caller
    has checked the viewer may see the units.

    One statement over the savings kept by year (:class:`SavingsByYear`: each division's counted claims, so
    double counts once, by status and by whether their time is not yet redeployed, which
    :func:`quest.savings.rules.destination_key` decides as the report does), a few rows a division, whatever
    the number of claims. A test holds the answers to the report's."""
    ids = list(dict.fromkeys(unit_ids))
    if not ids:
        return {}
    days = days_of_year(year)
    rollup = SavingsByYear

    def weighted(*where: ColumnElement[bool]) -> ColumnElement[int]:
        whole = func.sum(case((and_(*where), rollup.whole_hours), else_=0))
        part = func.sum(case((and_(rollup.year == year, *where), rollup.part_hours), else_=0))
        return whole * days + part

    rows = await session.execute(
        select(
            unit.label("unit"),
            weighted(literal(True)).label("released"),
            weighted(rollup.not_redeployed.is_(True)).label("not_redeployed"),
        )
        .where(unit.in_(ids), rollup.status.in_(RELEASED), rollup.year <= year)
        .group_by(unit)
    )
    found = {row.unit: HoursReleased(int(row.released), int(row.not_redeployed)) for row in rows}
    return {unit_id: found.get(unit_id, HoursReleased(0, 0)) for unit_id in ids}


async def not_redeployed_share(
    session: AsyncSession, year: int, division_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, decimal.Decimal | None]:
    """For each of ``division_ids``: the share of the hours released in financial ``year`` that is not yet
    redeployed (:func:`hours_released`); None for a division that released none."""
    return {division: hours.share for division, hours in (await hours_released(session, year, division_ids)).items()}
