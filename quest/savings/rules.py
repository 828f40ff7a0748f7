"""The arithmetic of savings (DESIGN §2), as pure functions.

- Money is Decimal pounds, to the penny; never float.
- The financial year is the UK one, 1 April to 31 March, named by the year it starts.
- Time released is valued at the force's rate for the grade in force at the start of the claim's period.
- FTE equivalent = hours ÷ productive hours per FTE (a force setting, 1,650 by default).
- A claim is an amount a year; a financial year counts the share of it that falls in that year, by days.
- Two live claims in one division with overlapping periods are a possible double count when they share a
  mechanism, or when they rest on one change to a measure that two ideas share (the same measure, changed
  on the same date by both): they are flagged, and counted once in totals until one is resolved.
- A claim's period starts no earlier than QUEST's earliest date and no later than the end of the next
  financial year.
"""

from __future__ import annotations

import datetime
import decimal
import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from quest.savings.evidence import UNGRADED, EvidenceGrade
from quest.text import matching_key

PENNY = decimal.Decimal("0.01")
ZERO = decimal.Decimal(0)
D = decimal.Decimal


class Grade(enum.StrEnum):
    PCSO = "pcso"
    CONSTABLE_SERGEANT = "constable_sergeant"
    INSPECTOR_ABOVE = "inspector_above"
    POLICE_STAFF = "police_staff"

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]


GRADE_LABELS = {
    Grade.PCSO: "PCSO",
    Grade.CONSTABLE_SERGEANT: "Constable and sergeant",
    Grade.INSPECTOR_ABOVE: "Inspector and above",
    Grade.POLICE_STAFF: "Police staff",
}

# The Home Office on-cost rates, £ an hour. DESIGN gives no police staff figure: QUEST starts it at the
# PCSO rate and says so on the rate card until a force's headquarters sets its own.
DEFAULT_RATES = {
    Grade.PCSO: D("28.90"),
    Grade.CONSTABLE_SERGEANT: D("36.51"),
    Grade.INSPECTOR_ABOVE: D("58.79"),
    Grade.POLICE_STAFF: D("28.90"),
}


class ClaimKind(enum.StrEnum):
    CASHABLE = "cashable"
    NON_CASHABLE = "non_cashable"


class ClaimStatus(enum.StrEnum):
    FORECAST = "forecast"
    CLAIMED = "claimed"
    VALIDATED = "validated"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"

    @property
    def live(self) -> bool:
        return self in (ClaimStatus.FORECAST, ClaimStatus.CLAIMED, ClaimStatus.VALIDATED)


# --- Financial years -------------------------------------------------------------------------------------


FY_START = "2026-04-01"  # the example in a date's messages: a financial year's first day


def financial_year(day: datetime.date) -> int:
    """The UK financial year a day falls in, named by the year it starts: 31 March 2027 is in 2026."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day: 1 April ``year`` to 31 March ``year + 1``."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def latest_period_start(today: datetime.date) -> datetime.date:
    """The last day a saving may start: the end of the next financial year. Anything later is a typing
    mistake, not a plan."""
    return financial_year_bounds(financial_year(today) + 1)[1]


# --- Valuation --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rate:
    grade: Grade
    hourly: decimal.Decimal
    effective_from: datetime.date
    # A Home Office default the force has not replaced (it holds until the force's first rate for the grade).
    default: bool = False


def rate_on(rates: Iterable[Rate], grade: Grade, day: datetime.date) -> Rate | None:
    """The rate for ``grade`` in force on ``day``: the latest one effective on or before it."""
    candidates = [rate for rate in rates if rate.grade == grade and rate.effective_from <= day]
    return max(candidates, key=lambda rate: rate.effective_from) if candidates else None


def value_of_hours(hours: decimal.Decimal, hourly_rate: decimal.Decimal) -> decimal.Decimal:
    return (hours * hourly_rate).quantize(PENNY, rounding=decimal.ROUND_HALF_UP)


def fte(hours: decimal.Decimal, productive_hours: decimal.Decimal) -> decimal.Decimal:
    return hours / productive_hours if productive_hours else D(0)


def days_of_year(year: int) -> int:
    """How many days financial year ``year`` has: 366 when it holds a 29 February."""
    first, last = financial_year_bounds(year)
    return (last - first).days + 1


def days_in_year(period_start: datetime.date, period_end: datetime.date | None, year: int) -> int:
    """The days of a period that fall in financial year ``year``. An open-ended period runs on to the end
    of the year."""
    first, last = financial_year_bounds(year)
    start = max(first, period_start)
    end = min(last, period_end) if period_end else last
    return max((end - start).days + 1, 0)


def share_in_year(period_start: datetime.date, period_end: datetime.date | None, year: int) -> decimal.Decimal:
    """How much of a year's saving falls in financial year ``year``: the days of the period within it,
    over the days of that year."""
    return D(days_in_year(period_start, period_end, year)) / D(days_of_year(year))


@dataclass(frozen=True, slots=True)
class Coverage:
    """How a claim's period covers financial years: those it covers in part, each with its days in it (at
    most two: the year it starts and the year it ends), and the run of years it covers whole, from
    ``first_whole`` to ``last_whole`` (None: every year on, for an open-ended period; no run when
    ``first_whole`` is None)."""

    parts: tuple[tuple[int, int], ...]
    first_whole: int | None
    last_whole: int | None


def coverage(period_start: datetime.date, period_end: datetime.date | None) -> Coverage:
    """The financial years a period covers, in part and whole (see :class:`Coverage`)."""
    first_year = financial_year(period_start)
    last_year = None if period_end is None else financial_year(period_end)
    parts = []
    first_whole: int | None = first_year
    if period_start != financial_year_bounds(first_year)[0] or (
        last_year == first_year and period_end != financial_year_bounds(first_year)[1]
    ):
        parts.append((first_year, days_in_year(period_start, period_end, first_year)))
        first_whole = first_year + 1
    last_whole = last_year
    if last_year is not None and last_year != first_year and period_end != financial_year_bounds(last_year)[1]:
        parts.append((last_year, days_in_year(period_start, period_end, last_year)))
        last_whole = last_year - 1
    if last_whole is not None and first_whole is not None and first_whole > last_whole:
        first_whole = last_whole = None
    return Coverage(tuple(parts), first_whole, last_whole)


@dataclass(frozen=True, slots=True)
class PartYear:
    """The part of a financial year a claim covers, when it is not the whole year: where it starts
    within the year (None: before it) and where it ends within the year (None: after it)."""

    starts: datetime.date | None
    ends: datetime.date | None


def part_of_year(period_start: datetime.date, period_end: datetime.date | None, year: int) -> PartYear | None:
    """None when the period covers the whole financial year (or none of it); otherwise the part it covers,
    so a page can say why a year's figure is a share of the yearly amount."""
    first, last = financial_year_bounds(year)
    if period_start > last or (period_end is not None and period_end < first):
        return None
    starts = period_start if period_start > first else None
    ends = period_end if period_end is not None and period_end < last else None
    if starts is None and ends is None:
        return None
    return PartYear(starts, ends)


# --- Where released time went ----------------------------------------------------------------------------

NOT_YET_REDEPLOYED = "Not yet redeployed"
# What a destination says when the time has gone nowhere yet (its matching key); blank says so too.
NOT_REDEPLOYED_KEYS = frozenset({"", "not yet redeployed", "none", "not redeployed"})


def destination_key(redeployed_to: str) -> str | None:
    """What destinations of released time are grouped by; None for time not yet redeployed."""
    key = matching_key(redeployed_to)
    return None if key in NOT_REDEPLOYED_KEYS else key


# --- The ledger -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the ledger needs to know of a claim."""

    id: str
    division_id: str
    mechanism: str
    kind: ClaimKind
    status: ClaimStatus
    period_start: datetime.date
    period_end: datetime.date | None
    amount_per_year: decimal.Decimal  # £ a year: the cash, or the value of the time
    hours_per_year: decimal.Decimal  # 0 for cash
    created_at: datetime.datetime
    idea_id: str = ""
    # A validated claim's evidence grade (None: not graded yet).
    evidence_grade: EvidenceGrade | None = None
    # Where the time it releases is redeployed, as typed (a claim of time).
    redeployed_to: str = ""
    # The changes to measures the claim rests on: (measure id, change date) of its idea's links.
    measure_changes: frozenset[tuple[str, datetime.date]] = frozenset()

    @property
    def grade_key(self) -> str:
        """Where the claim counts in the breakdown by evidence grade: a validated claim's grade, or
        "ungraded"; "" for a claim not validated."""
        if self.status is not ClaimStatus.VALIDATED:
            return ""
        return self.evidence_grade.value if self.evidence_grade else UNGRADED

    @property
    def not_redeployed(self) -> bool:
        """Whether the claim releases time that is not yet redeployed (:func:`destination_key`)."""
        return self.kind is ClaimKind.NON_CASHABLE and destination_key(self.redeployed_to) is None


def mechanism_key(mechanism: str) -> str:
    """Mechanisms match whatever their case and spacing (kept in a column for the ledger's queries)."""
    return matching_key(mechanism)


def rests_on(claim_metric_id: object | None, claim_mechanism: str, metric_id: object, metric_name: str) -> bool:
    """Whether a claim rests on a measure: it names the measure, or its mechanism is the measure's name."""
    return claim_metric_id == metric_id or mechanism_key(claim_mechanism) == mechanism_key(metric_name)


def _overlap(first: ClaimFacts, second: ClaimFacts) -> bool:
    first_end = first.period_end or datetime.date.max
    second_end = second.period_end or datetime.date.max
    return first.period_start <= second_end and second.period_start <= first_end


def _same_saving(first: ClaimFacts, second: ClaimFacts) -> bool:
    """Whether two claims may be one saving: the same mechanism, or (for two ideas) one shared change to a
    measure, whose impact cannot be told apart between them."""
    if mechanism_key(first.mechanism) == mechanism_key(second.mechanism):
        return True
    return first.idea_id != second.idea_id and bool(first.measure_changes & second.measure_changes)


def may_double_count(first: ClaimFacts, second: ClaimFacts) -> bool:
    """The rule for a pair: two live claims of one division, over overlapping periods, that may be the
    same saving (``_same_saving``). The ledger asks the database the same question
    (``quest.savings.double_counts.double_count_pairs``); a test holds the two to the same answers."""
    return (
        first.id != second.id
        and first.status.live
        and second.status.live
        and first.division_id == second.division_id
        and _overlap(first, second)
        and _same_saving(first, second)
    )


Pairs = Iterable[tuple[str, str]]


def pairs_among(claims: Sequence[ClaimFacts]) -> set[tuple[str, str]]:
    """Every pair of ``claims`` that may count one saving twice, by :func:`may_double_count`: each pair
    once, the lesser id first. (Every claim against every other: for a handful; a ledger asks the
    database.)"""
    return {
        (min(first.id, second.id), max(first.id, second.id))
        for index, first in enumerate(claims)
        for second in claims[index + 1 :]
        if may_double_count(first, second)
    }


def _components(pairs: Pairs) -> dict[str, str]:
    """Each claim named in ``pairs`` and the claim that stands for its connected component (union-find:
    linear in the pairs)."""
    leader: dict[str, str] = {}

    def root(claim_id: str) -> str:
        top = claim_id
        while leader[top] != top:
            top = leader[top]
        while claim_id != top:  # every claim on the way now points at the root
            leader[claim_id], claim_id = top, leader[claim_id]
        return top

    for first, second in pairs:
        leader.setdefault(first, first)
        leader.setdefault(second, second)
        leader[root(first)] = root(second)
    return {claim_id: root(claim_id) for claim_id in leader}


def double_counts(claims: Sequence[ClaimFacts], pairs: Pairs | None = None) -> list[list[ClaimFacts]]:
    """Groups of live claims that may count the same saving twice: the connected components of the pairs
    that may double count (chained: if A pairs with B and B with C, they are one group), each oldest
    first, the groups in the order of their oldest claims. ``pairs`` are links found by the database:
    every pair, or fewer with the same components (:func:`quest.savings.double_counts.double_count_links`);
    they may name claims not given, which then join no group. Without them, the pairs among ``claims``
    by :func:`pairs_among`. Linear in the links: a group of hundreds of claims on one mechanism needs
    no more than a link a claim."""
    live = {claim.id: claim for claim in claims if claim.status.live}
    found = pairs_among(list(live.values())) if pairs is None else pairs
    members: dict[str, list[ClaimFacts]] = defaultdict(list)
    for claim_id, root in _components(pair for pair in found if pair[0] in live and pair[1] in live).items():
        members[root].append(live[claim_id])
    groups = [sorted(group, key=_oldest_first) for group in members.values()]
    return sorted(groups, key=lambda group: _oldest_first(group[0]))


def links_joining(pairs: Pairs, claim_ids: Iterable[str]) -> set[tuple[str, str]]:
    """The ``pairs`` of the groups that hold any of ``claim_ids``."""
    pairs = list(pairs)
    component = _components(pairs)
    wanted = {component[claim_id] for claim_id in claim_ids if claim_id in component}
    return {pair for pair in pairs if component[pair[0]] in wanted}


def _oldest_first(claim: ClaimFacts) -> tuple[datetime.datetime, str]:
    return claim.created_at, claim.id


def clashes(claims: Sequence[ClaimFacts], pairs: Pairs | None = None) -> dict[str, list[str]]:
    """For each claim flagged as a possible double count, the ids of the claims it clashes with."""
    found: dict[str, list[str]] = {}
    for group in double_counts(claims, pairs):
        for claim in group:
            found[claim.id] = [other.id for other in group if other.id != claim.id]
    return found


_PRECEDENCE = {ClaimStatus.VALIDATED: 0, ClaimStatus.CLAIMED: 1, ClaimStatus.FORECAST: 2}


def counted(claims: Sequence[ClaimFacts], groups: list[list[ClaimFacts]] | None = None) -> list[ClaimFacts]:
    """The live claims that count in totals: from each double-count group, only the most assured claim
    (validated, then claimed, then forecast; the earliest if they tie)."""
    left_out: set[str] = set()
    for group in double_counts(claims) if groups is None else groups:
        keep = min(group, key=lambda claim: (_PRECEDENCE[claim.status], claim.created_at, claim.id))
        left_out.update(claim.id for claim in group if claim is not keep)
    return [claim for claim in claims if claim.status.live and claim.id not in left_out]


@dataclass(frozen=True, slots=True)
class DayWeighted:
    """Claims' yearly figures, each in hundredths (£ or hours) and times the days it counts in a year:
    whole numbers, so sums of them are exact on any engine, in any order. Divided by the year's days at
    the end (:func:`year_total`), they give the year's share of each, rounded once."""

    cash: int = 0  # £ of cash removed from budgets
    time: int = 0  # £ of time released
    hours: int = 0  # hours of time released

    def __add__(self, other: DayWeighted) -> DayWeighted:
        return DayWeighted(self.cash + other.cash, self.time + other.time, self.hours + other.hours)

    def __sub__(self, other: DayWeighted) -> DayWeighted:
        return DayWeighted(self.cash - other.cash, self.time - other.time, self.hours - other.hours)

    def times(self, factor: int) -> DayWeighted:
        return DayWeighted(self.cash * factor, self.time * factor, self.hours * factor)


COUNTED_STATUSES = tuple(_PRECEDENCE)  # the statuses totals show apart: validated, claimed, forecast
ByStatus = dict[ClaimStatus, DayWeighted]
# Validated claims by evidence grade, and those not graded yet: the breakdown by grade.
GRADE_KEYS = (*(grade.value for grade in EvidenceGrade), UNGRADED)
HEADLINE_KEYS = tuple(grade.value for grade in EvidenceGrade if grade.headline)
ByGrade = dict[str, DayWeighted]


def hundredths(value: decimal.Decimal) -> int:
    """Money or hours (two places) in hundredths, a whole number."""
    return int(value.scaleb(2).to_integral_value(rounding=decimal.ROUND_HALF_UP))


def weighted(kind: ClaimKind, amount: decimal.Decimal, hours: decimal.Decimal, days: int) -> DayWeighted:
    """Yearly figures counted for ``days`` days: cash (``amount``), or time (``amount``, the hours valued)
    and its ``hours``. A claim's, or a cost's (:mod:`quest.savings.costs`)."""
    if kind is ClaimKind.CASHABLE:
        return DayWeighted(cash=hundredths(amount) * days)
    return DayWeighted(time=hundredths(amount) * days, hours=hundredths(hours) * days)


def day_weighted(claim: ClaimFacts, days: int) -> DayWeighted:
    """A claim's yearly figures counted for ``days`` days: its cash, or its time and hours."""
    return weighted(claim.kind, claim.amount_per_year, claim.hours_per_year, days)


def _falls_in(claim: ClaimFacts, year: int) -> bool:
    """Whether a claim's period falls in financial year ``year``, at least in part."""
    first_day, last_day = financial_year_bounds(year)
    return claim.period_start <= last_day and (claim.period_end is None or claim.period_end >= first_day)


def _pounds(day_weighted_hundredths: int, days: int) -> decimal.Decimal:
    """Day-weighted hundredths over ``days``, to the penny (half up), exactly: integer arithmetic."""
    pennies, left = divmod(day_weighted_hundredths, days)
    if 2 * left >= days:
        pennies += 1
    return D(pennies).scaleb(-2)


@dataclass(frozen=True, slots=True)
class Total:
    cashable_gbp: decimal.Decimal
    non_cashable_gbp: decimal.Decimal
    hours: decimal.Decimal
    fte: decimal.Decimal

    @property
    def total_gbp(self) -> decimal.Decimal:
        return self.cashable_gbp + self.non_cashable_gbp

    def as_json(self) -> dict[str, object]:
        """The shape of DESIGN §6: money as decimal strings in pounds, hours and FTE as numbers."""
        return {
            "cashable_gbp": f"{self.cashable_gbp:.2f}",
            "non_cashable_gbp": f"{self.non_cashable_gbp:.2f}",
            "total_gbp": f"{self.total_gbp:.2f}",
            "hours": float(self.hours),
            "fte": float(self.fte.quantize(D("0.01"))),
        }


NO_TOTAL = Total(ZERO, ZERO, ZERO, ZERO)


@dataclass(frozen=True, slots=True)
class Totals:
    """Savings apart by status, the validated ones by evidence grade, and the costs set against them.

    The headline is net: ``gross`` (validated savings graded "fairly stated", with or without measurement
    issues) less ``costs`` (those of the same ideas' reach and year, :mod:`quest.savings.costs`)."""

    validated: Total
    claimed: Total
    forecast: Total
    flagged_double_counts: int
    by_grade: dict[str, Total] = field(default_factory=lambda: dict.fromkeys(GRADE_KEYS, NO_TOTAL))
    costs: Total = NO_TOTAL

    @property
    def gross_gbp(self) -> decimal.Decimal:
        return sum((self.by_grade[key].total_gbp for key in HEADLINE_KEYS), ZERO)

    @property
    def net_gbp(self) -> decimal.Decimal:
        return self.gross_gbp - self.costs.total_gbp

    def as_json(self) -> dict[str, object]:
        return {
            "validated": self.validated.as_json(),
            "claimed": self.claimed.as_json(),
            "forecast": self.forecast.as_json(),
            "flagged_double_counts": self.flagged_double_counts,
            "gross_gbp": f"{self.gross_gbp:.2f}",
            "costs_gbp": f"{self.costs.total_gbp:.2f}",
            "net_gbp": f"{self.net_gbp:.2f}",
            "by_grade": {key: self.by_grade[key].as_json() for key in GRADE_KEYS},
        }


def year_total(sums: DayWeighted, days: int, productive_hours: decimal.Decimal) -> Total:
    """A status's total from its day-weighted sums over a year of ``days`` days (1 for a full year's
    worth): each figure rounded to the penny once, at the end."""
    return Total(
        cashable_gbp=_pounds(sums.cash, days),
        non_cashable_gbp=_pounds(sums.time, days),
        hours=_pounds(sums.hours, days),
        fte=fte(D(sums.hours) / D(100 * days), productive_hours),
    )


def totals(
    claims: Sequence[ClaimFacts],
    year: int | None,
    productive_hours: decimal.Decimal,
    pairs: Pairs | None = None,
    *,
    costs: Total = NO_TOTAL,
) -> Totals:
    """Validated, claimed and forecast savings apart; for financial year ``year``, or a full year's
    worth of every live claim when ``year`` is None. Double counts count once (``pairs`` as for
    :func:`double_counts`; for a year, the groups flagged are those with a claim in it, at least in
    part).

    A claim counts its yearly figures times the days of its period in the year; the sums are divided by
    the year's days and rounded to the penny once (:func:`year_total`), so they are exact, whatever
    order the claims come in, and the same as the database's rollup of them
    (:mod:`quest.savings.year_sums`)."""
    groups = double_counts(claims, pairs)
    sums = dict.fromkeys(COUNTED_STATUSES, DayWeighted())
    graded = dict.fromkeys(GRADE_KEYS, DayWeighted())
    for claim in counted(claims, groups):
        days = 1 if year is None else days_in_year(claim.period_start, claim.period_end, year)
        if days:
            figures = day_weighted(claim, days)
            sums[claim.status] += figures
            if claim.grade_key:
                graded[claim.grade_key] += figures
    flagged = sum(1 for group in groups if year is None or any(_falls_in(claim, year) for claim in group))
    return totals_from(sums, graded, year, productive_hours, flagged, costs=costs)


def totals_from(
    sums: ByStatus,
    graded: ByGrade,
    year: int | None,
    productive_hours: decimal.Decimal,
    flagged: int,
    *,
    costs: Total = NO_TOTAL,
) -> Totals:
    """Totals from the day-weighted sums of each status and of the validated claims by grade, for
    financial year ``year`` (None: a full year's worth), with ``flagged`` double-count groups and the
    ``costs`` set against them."""
    days = 1 if year is None else days_of_year(year)
    return Totals(
        validated=year_total(sums[ClaimStatus.VALIDATED], days, productive_hours),
        claimed=year_total(sums[ClaimStatus.CLAIMED], days, productive_hours),
        forecast=year_total(sums[ClaimStatus.FORECAST], days, productive_hours),
        flagged_double_counts=flagged,
        by_grade={key: year_total(graded.get(key, DayWeighted()), days, productive_hours) for key in GRADE_KEYS},
        costs=costs,
    )
