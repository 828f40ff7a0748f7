"""The audit pack's totals worked out as its rows go by (:class:`quest.savings.audit_pack.totals.Tally`),
batch after batch, exactly as a whole: each sum exact until it is divided by the year's days and rounded
once, half a penny up; a sum of totals from the totals; a count of different groups. Worked examples."""

from __future__ import annotations

import decimal
from typing import Any

from quest.savings.audit_pack.columns import Column
from quest.savings.audit_pack.totals import Added, DistinctCount, ShownTotal, SumOf, Tally

D = decimal.Decimal
COLUMNS = {
    "claims": (
        Column("counted", "Counted", lambda row: row["counted"]),
        Column("kind", "Kind", lambda row: row["kind"]),
        Column("amount_times_days", "£ a year × days", lambda row: row["amount"] * row["days"], "money"),
        Column("group", "Group", lambda row: row["group"]),
    ),
    "costs": (Column("amount_times_days", "£ × days", lambda row: row["amount"] * row["days"], "money"),),
}
COUNTED_CASH = (("counted", "yes"), ("kind", "cashable"))
TOTALS = (
    ShownTotal("cash", "Cash", "£", D("0.01"), SumOf("claims", "amount_times_days", COUNTED_CASH, 365)),
    ShownTotal("costs", "Costs", "£", D("5.00"), SumOf("costs", "amount_times_days", (), 365)),
    ShownTotal("net", "Net", "£", D("-4.99"), Added(((1, "cash"), (-1, "costs")))),
    ShownTotal("groups", "Groups", "groups", D(1), DistinctCount("claims", "group")),
)


def _claim(amount: str, days: int, *, counted: str = "yes", kind: str = "cashable", group: str = "") -> dict[str, Any]:
    return {"counted": counted, "kind": kind, "amount": D(amount), "days": days, "group": group}


def test_a_total_is_rounded_once_from_the_exact_sum_of_every_batch() -> None:
    # Three claims of £1.00 a year for one day each: each share is £0.0027 (£0.00 rounded), but the total is
    # £3.00 × 1 ÷ 365 = £0.0082, a penny once rounded. The claim not counted and the time released add nothing.
    tally = Tally(TOTALS, COLUMNS)
    tally.add("claims", [_claim("1.00", 1, group="g1"), _claim("1.00", 1, group="g1")])
    tally.add("claims", [_claim("1.00", 1), _claim("500.00", 365, counted="no", group="g1")])
    tally.add("claims", [_claim("700.00", 365, kind="non_cashable")])
    # A one-off cost of £5.00 counts every day of the year: £5.00 × 365 ÷ 365.
    tally.add("costs", [{"amount": D("5.00"), "days": 365}])
    lines = {line.key: line for line in tally.lines()}
    assert lines["cash"].from_rows == D("0.01")
    assert lines["costs"].from_rows == D("5.00")
    assert lines["net"].from_rows == D("-4.99")
    assert lines["groups"].from_rows == 1
    assert all(line.matches for line in lines.values())
    assert tally.rows == {"claims": 5, "costs": 1}


def test_half_a_penny_rounds_up_and_a_difference_shows() -> None:
    # £1.825 × 1 day ÷ 365 = £0.005: half a penny, rounded up to £0.01; shown as £0.00, it differs.
    totals = (ShownTotal("cash", "Cash", "£", D("0.00"), SumOf("claims", "amount_times_days", COUNTED_CASH, 365)),)
    tally = Tally(totals, COLUMNS)
    tally.add("claims", [_claim("1.825", 1)])
    (line,) = tally.lines()
    assert line.from_rows == D("0.01")
    assert not line.matches
