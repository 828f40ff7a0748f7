"""The arithmetic of savings (DESIGN §2), as pure functions.

- Money is Decimal pounds, to the penny; never float.
- The financial year is the UK one, 1 April to 31 March, named by the year it starts.
- Time released is valued at the force's rate for the grade in force at the start of the claim's period.
- FTE equivalent = hours ÷ productive hours per FTE (a force setting, 1,650 by default).
- A claim is an amount a year; a financial year counts the share of it that falls in that year, by days.
- Two live claims in one division with the same mechanism and overlapping periods are a possible double
  count: they are flagged, and counted once in totals until one is resolved.
"""

from __future__ import annotations

import datetime
import decimal
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PENNY = decimal.Decimal("0.01")
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


def financial_year(day: datetime.date) -> int:
    """The UK financial year a day falls in, named by the year it starts: 31 March 2027 is in 2026."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day: 1 April ``year`` to 31 March ``year + 1``."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


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


def share_in_year(period_start: datetime.date, period_end: datetime.date | None, year: int) -> decimal.Decimal:
    """How much of a year's saving falls in financial year ``year``: the days of the period within it,
    over the days of that year. An open-ended period runs on to the end of the year."""
    first, last = financial_year_bounds(year)
    start = max(first, period_start)
    end = min(last, period_end) if period_end else last
    if end < start:
        return D(0)
    return D((end - start).days + 1) / D((last - first).days + 1)


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


def mechanism_key(mechanism: str) -> str:
    """Mechanisms match whatever their case and spacing."""
    return " ".join(mechanism.lower().split())


def _overlap(first: ClaimFacts, second: ClaimFacts) -> bool:
    first_end = first.period_end or datetime.date.max
    second_end = second.period_end or datetime.date.max
    return first.period_start <= second_end and second.period_start <= first_end


def double_counts(claims: Sequence[ClaimFacts]) -> list[list[ClaimFacts]]:
    """Groups of live claims that may count the same saving twice: same division, same mechanism,
    overlapping periods (chained: if A overlaps B and B overlaps C, they are one group)."""
    live = [claim for claim in claims if claim.status.live]
    groups: list[list[ClaimFacts]] = []
    seen: set[str] = set()
    for claim in sorted(live, key=lambda claim: (claim.created_at, claim.id)):
        if claim.id in seen:
            continue
        group = [claim]
        seen.add(claim.id)
        grew = True
        while grew:
            grew = False
            for other in live:
                if other.id in seen:
                    continue
                if (
                    other.division_id == claim.division_id
                    and mechanism_key(other.mechanism) == mechanism_key(claim.mechanism)
                    and any(_overlap(other, member) for member in group)
                ):
                    group.append(other)
                    seen.add(other.id)
                    grew = True
        if len(group) > 1:
            groups.append(group)
    return groups


_PRECEDENCE = {ClaimStatus.VALIDATED: 0, ClaimStatus.CLAIMED: 1, ClaimStatus.FORECAST: 2}


def counted(claims: Sequence[ClaimFacts]) -> list[ClaimFacts]:
    """The live claims that count in totals: from each double-count group, only the most assured claim
    (validated, then claimed, then forecast; the earliest if they tie)."""
    groups = double_counts(claims)
    left_out: set[str] = set()
    for group in groups:
        keep = min(group, key=lambda claim: (_PRECEDENCE[claim.status], claim.created_at, claim.id))
        left_out.update(claim.id for claim in group if claim is not keep)
    return [claim for claim in claims if claim.status.live and claim.id not in left_out]


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


@dataclass(frozen=True, slots=True)
class Totals:
    validated: Total
    claimed: Total
    forecast: Total
    flagged_double_counts: int

    def as_json(self) -> dict[str, object]:
        return {
            "validated": self.validated.as_json(),
            "claimed": self.claimed.as_json(),
            "forecast": self.forecast.as_json(),
            "flagged_double_counts": self.flagged_double_counts,
        }


def totals(claims: Sequence[ClaimFacts], year: int | None, productive_hours: decimal.Decimal) -> Totals:
    """Validated, claimed and forecast savings apart; for financial year ``year``, or a full year's
    worth of every live claim when ``year`` is None. Double counts count once."""
    sums = {status: [D(0), D(0), D(0)] for status in _PRECEDENCE}
    for claim in counted(claims):
        share = D(1) if year is None else share_in_year(claim.period_start, claim.period_end, year)
        if not share:
            continue
        amount = claim.amount_per_year * share
        bucket = sums[claim.status]
        if claim.kind is ClaimKind.CASHABLE:
            bucket[0] += amount
        else:
            bucket[1] += amount
            bucket[2] += claim.hours_per_year * share

    def total(values: list[decimal.Decimal]) -> Total:
        cash, time, hours = values
        return Total(
            cashable_gbp=cash.quantize(PENNY, rounding=decimal.ROUND_HALF_UP),
            non_cashable_gbp=time.quantize(PENNY, rounding=decimal.ROUND_HALF_UP),
            hours=hours.quantize(PENNY, rounding=decimal.ROUND_HALF_UP),
            fte=fte(hours, productive_hours),
        )

    return Totals(
        validated=total(sums[ClaimStatus.VALIDATED]),
        claimed=total(sums[ClaimStatus.CLAIMED]),
        forecast=total(sums[ClaimStatus.FORECAST]),
        flagged_double_counts=len(double_counts(claims)),
    )
