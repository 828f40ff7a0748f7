"""The audit pack's totals: each as QUEST shows it, beside the same total worked out again from the pack's
own rows by the rule the pack states (:data:`RULE`, :data:`IDEA_RULE`). How each is worked out is a
:data:`Check` (a sum of a column over the rows whose other columns hold given values, a sum of other
totals, or a count of different values), which the workbook also writes as a formula; :class:`Tally` works
the checks out as the rows go by, so that no part's rows need to be held to total them."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quest.savings.audit_pack.columns import Column
from quest.savings.costs import CostRecurrence
from quest.savings.evidence import GRADE_LABELS, UNGRADED
from quest.savings.rules import (
    COUNTED_STATUSES,
    GRADE_KEYS,
    HEADLINE_KEYS,
    PENNY,
    ClaimKind,
    ClaimStatus,
    Total,
    Totals,
)

D = decimal.Decimal

RULE = (
    "Each claim counts its £ a year times its days in the financial year (1 April to 31 March: 365 days, or 366 "
    "when it holds a 29 February). A total is the sum of those products over the claims counted, divided by the "
    "year's days and rounded once, to the penny (a half penny up); hours the same way, to a hundredth of an hour. "
    "Cash and time are rounded apart, and a total of both is the two added. A one-off cost counts whole in the "
    "financial year it was incurred in (every day of that year); a recurring cost counts by its days in the year, "
    "as a claim does. Claims marked “no” under “Counted” are left out of every total: rejected and superseded "
    "claims, and every claim of a possible double count but the one that counts for its group (validated, then "
    "claimed, then forecast; the earliest if they tie). Gross is the validated savings graded fairly stated, with "
    "or without measurement issues; net is gross less the year's costs. The year's share on each row is rounded "
    "for reading only: a total is not the sum of the shares, which may differ from it by a few pennies."
)
IDEA_RULE = (
    "A full year's worth of the idea's claims: each counts its £ a year, and a total is their sum over the claims "
    "counted (hours likewise). Cash and time are apart, and a total of both is the two added. Claims marked “no” "
    "under “Counted” are left out: rejected and superseded claims, and every claim of a possible double count "
    "among the idea's own claims but the one that counts for its group (validated, then claimed, then forecast; "
    "the earliest if they tie). Gross is the validated savings graded fairly stated, with or without measurement "
    "issues; net a year is gross less the recurring costs a year. One-off costs are shown apart."
)
STATUS_WORDS = {ClaimStatus.VALIDATED: "Validated", ClaimStatus.CLAIMED: "Claimed", ClaimStatus.FORECAST: "Forecast"}
GRADE_WORDS = {**{grade.value: label for grade, label in GRADE_LABELS.items()}, UNGRADED: "Not graded yet"}


@dataclass(frozen=True, slots=True)
class SumOf:
    """A total worked out from a part's rows: the sum of ``column`` over the rows whose columns hold the
    values ``where`` gives, divided by ``divisor`` (the year's days), rounded once to the penny."""

    part: str  # "claims" or "costs"
    column: str
    where: tuple[tuple[str, str], ...]
    divisor: int


@dataclass(frozen=True, slots=True)
class Added:
    """A total of other totals (by key), each added (+1) or taken away (-1)."""

    terms: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class DistinctCount:
    """How many different values a part's column holds (blanks aside)."""

    part: str
    column: str


Check = SumOf | Added | DistinctCount


@dataclass(frozen=True, slots=True)
class ShownTotal:
    """A total as QUEST shows it (``shown``: a force's dashboard, an idea's page), and how it is worked out
    again from the pack's rows (``check``)."""

    key: str
    label: str
    unit: str  # "£", "hours" or "groups"
    shown: D
    check: Check


@dataclass(frozen=True, slots=True)
class TotalLine:
    """A total of the summary: as QUEST shows it, and as worked out again from the pack's rows."""

    total: ShownTotal
    from_rows: D

    @property
    def key(self) -> str:
        return self.total.key

    @property
    def label(self) -> str:
        return self.total.label

    @property
    def unit(self) -> str:
        return self.total.unit

    @property
    def shown(self) -> D:
        return self.total.shown

    @property
    def check(self) -> Check:
        return self.total.check

    @property
    def matches(self) -> bool:
        return self.shown == self.from_rows


def _money_lines(
    key: str, words: str, total: Total, where: tuple[tuple[str, str], ...], amount: str, divisor: int
) -> Iterable[ShownTotal]:
    """A total's cash, time released and their sum, each checked against the claims ``where`` selects."""
    for kind, part, label in (
        (ClaimKind.CASHABLE, "cashable_gbp", "cash"),
        (ClaimKind.NON_CASHABLE, "non_cashable_gbp", "time released"),
    ):
        yield ShownTotal(
            f"{key}.{part}",
            f"{words}: {label}",
            "£",
            getattr(total, part),
            SumOf("claims", amount, (*where, ("kind", kind.value)), divisor),
        )
    yield ShownTotal(
        f"{key}.total_gbp",
        f"{words}: total",
        "£",
        total.total_gbp,
        Added(((1, f"{key}.cashable_gbp"), (1, f"{key}.non_cashable_gbp"))),
    )


def _claim_totals(totals: Totals, amount: str, hours: str, divisor: int) -> Iterable[ShownTotal]:
    """The totals of the claims: validated, claimed and forecast (cash, time, both, hours), and validated
    savings by evidence grade, and the headline's gross."""
    for status in COUNTED_STATUSES:
        counted_of = (("counted", "yes"), ("status", status.value))
        total = getattr(totals, status.value)
        yield from _money_lines(status.value, STATUS_WORDS[status], total, counted_of, amount, divisor)
        yield ShownTotal(
            f"{status.value}.hours",
            f"{STATUS_WORDS[status]}: hours released",
            "hours",
            total.hours,
            SumOf("claims", hours, counted_of, divisor),
        )
    for grade in GRADE_KEYS:
        graded = (("counted", "yes"), ("status", ClaimStatus.VALIDATED.value), ("evidence_grade", grade))
        words = f"Validated, {GRADE_WORDS[grade].lower()}"
        yield from _money_lines(f"by_grade.{grade}", words, totals.by_grade[grade], graded, amount, divisor)
    yield ShownTotal(
        "gross_gbp",
        "Gross: validated, fairly stated (with or without measurement issues)",
        "£",
        totals.gross_gbp,
        Added(tuple((1, f"by_grade.{grade}.total_gbp") for grade in HEADLINE_KEYS)),
    )


def year_totals(totals: Totals, year_days: int) -> tuple[ShownTotal, ...]:
    """A force's year: each total its dashboard shows (``totals``), and how the rows give it."""
    costs_of_kind = {kind: (("kind", kind.value),) for kind in ClaimKind}
    return (
        *_claim_totals(totals, "amount_times_days", "hours_times_days", year_days),
        ShownTotal(
            "costs.cashable_gbp",
            "Costs: cash",
            "£",
            totals.costs.cashable_gbp,
            SumOf("costs", "amount_times_days", costs_of_kind[ClaimKind.CASHABLE], year_days),
        ),
        ShownTotal(
            "costs.non_cashable_gbp",
            "Costs: time",
            "£",
            totals.costs.non_cashable_gbp,
            SumOf("costs", "amount_times_days", costs_of_kind[ClaimKind.NON_CASHABLE], year_days),
        ),
        ShownTotal(
            "costs_gbp",
            "Costs: total",
            "£",
            totals.costs.total_gbp,
            Added(((1, "costs.cashable_gbp"), (1, "costs.non_cashable_gbp"))),
        ),
        ShownTotal(
            "net_gbp",
            "Net: gross less costs (the headline)",
            "£",
            totals.net_gbp,
            Added(((1, "gross_gbp"), (-1, "costs_gbp"))),
        ),
        ShownTotal(
            "flagged_double_counts",
            "Possible double counts in the year (groups)",
            "groups",
            D(totals.flagged_double_counts),
            DistinctCount("claims", "double_count_group"),
        ),
    )


def idea_totals(totals: Totals, one_off_costs: D) -> tuple[ShownTotal, ...]:
    """An idea's full year: the totals its page shows (``totals``, whose costs are its recurring costs a
    year, and its ``one_off_costs``), and how the rows give them."""
    return (
        *_claim_totals(totals, "amount_per_year", "hours_per_year", 1),
        ShownTotal(
            "costs.one_off_gbp",
            "Costs: one-off, in all",
            "£",
            one_off_costs,
            SumOf("costs", "amount", (("recurrence", CostRecurrence.ONE_OFF.value),), 1),
        ),
        ShownTotal(
            "costs.recurring_gbp",
            "Costs: recurring, a year",
            "£",
            totals.costs.total_gbp,
            SumOf("costs", "amount", (("recurrence", CostRecurrence.RECURRING.value),), 1),
        ),
        ShownTotal(
            "net_gbp",
            "Net a year: gross less recurring costs",
            "£",
            totals.net_gbp,
            Added(((1, "gross_gbp"), (-1, "costs.recurring_gbp"))),
        ),
        ShownTotal(
            "flagged_double_counts",
            "Possible double counts among its claims (groups)",
            "groups",
            D(totals.flagged_double_counts),
            DistinctCount("claims", "double_count_group"),
        ),
    )


class Tally:
    """The checks of ``totals`` worked out from a part's rows as they go by (:meth:`add`, a batch at a
    time), and then the summary's lines (:meth:`lines`): each sum is exact until it is divided by the
    year's days and rounded once, as the workbook's formula does."""

    def __init__(self, totals: Sequence[ShownTotal], columns: Mapping[str, Sequence[Column]]) -> None:
        self._totals = totals
        self._sums: dict[str, D] = {total.key: D(0) for total in totals if isinstance(total.check, SumOf)}
        self._distinct: dict[str, set[Any]] = {
            total.key: set() for total in totals if isinstance(total.check, DistinctCount)
        }
        self._checks = {
            part: [(total.key, total.check) for total in totals if getattr(total.check, "part", None) == part]
            for part in columns
        }
        # The columns a part's checks read, each read once a row.
        self._read = {
            part: [
                column
                for column in part_columns
                if any(
                    column.key == getattr(check, "column", None) or column.key in dict(getattr(check, "where", ()))
                    for _key, check in self._checks[part]
                )
            ]
            for part, part_columns in columns.items()
        }
        self.rows = dict.fromkeys(columns, 0)

    def add(self, part: str, rows: Iterable[Any]) -> None:
        checks, read = self._checks[part], self._read[part]
        for row in rows:
            self.rows[part] += 1
            values = {column.key: column.value(row) for column in read}
            for key, check in checks:
                if isinstance(check, DistinctCount):
                    if value := values[check.column]:
                        self._distinct[key].add(value)
                elif isinstance(check, SumOf) and all(values[name] == wanted for name, wanted in check.where):
                    value = values[check.column]
                    self._sums[key] += value if isinstance(value, D) else D(0)

    def lines(self) -> list[TotalLine]:
        done: dict[str, D] = {}
        for total in self._totals:
            check = total.check
            if isinstance(check, Added):
                done[total.key] = sum((sign * done[key] for sign, key in check.terms), D(0))
            elif isinstance(check, DistinctCount):
                done[total.key] = D(len(self._distinct[total.key]))
            else:
                done[total.key] = (self._sums[total.key] / check.divisor).quantize(
                    PENNY, rounding=decimal.ROUND_HALF_UP
                )
        return [TotalLine(total, done[total.key]) for total in self._totals]


def how_in_words(total: ShownTotal, totals: Sequence[ShownTotal], columns: Mapping[str, Sequence[Column]]) -> str:
    """How a total is worked out from the rows, in words, naming the columns as their headings."""
    check = total.check
    if isinstance(check, Added):
        labels = {other.key: other.label for other in totals}
        text = ""
        for sign, key in check.terms:
            text += ("" if not text else " + " if sign > 0 else " − ") + f"“{labels[key]}”"
        return text
    headings = {column.key: column.heading for column in columns[check.part]}
    sheet = check.part.capitalize()
    if isinstance(check, DistinctCount):
        return f"How many different groups “{headings[check.column]}” names on {sheet}"
    where = ", ".join(f"“{headings[key]}” is {value}" for key, value in check.where)
    divided = f", ÷ {check.divisor} (the year's days)" if check.divisor != 1 else ""
    places = "to a hundredth of an hour" if total.unit == "hours" else "to the penny"
    return f"The sum of “{headings[check.column]}” on {sheet} where {where}{divided}, rounded {places}"
