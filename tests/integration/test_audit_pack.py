"""The audit pack (issue 14): a force's financial year, or one idea, as a workbook with a sheet a part and a
printable page. Its totals are the dashboard's to the penny; every one is worked out again here from the
Claims and Costs sheets by the rule the pack states, and the workbook's own check formulas are read and
followed to the cells they name; text that looks like a formula stays text; the audit trail holds a
claim's creation, validation and grading; and who may have a pack, and what a bad address gets."""

from __future__ import annotations

import datetime
import decimal
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from advanced_alchemy.extensions.litestar.plugins.init.plugin import SQLAlchemyInitPlugin
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bench.statements import Statements
from quest.ideas.models import Idea
from quest.savings.models import IdeaCost
from quest.savings.year_sums import recost_with
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    People,
    add_colleague,
    api_headers,
    move_along,
    raise_idea,
    sign_in,
    sign_in_as,
    user_id,
)
from tests.integration.test_evidence_grades import _measured_claim
from tests.integration.test_savings_ledger import implemented_idea

D = decimal.Decimal
PENNY = D("0.01")
MANAGER = DEMO_EMAILS["manager"]
WEST_MANAGER, WEST_STAFF = "manager.west@lancashire.example", "staff.west@lancashire.example"
INJECTED = '=HYPERLINK("http://evil.example","Click")'
SHEETS = ["Summary", "Claims", "Evidence", "Costs", "Audit trail"]
STATUSES = ("validated", "claimed", "forecast")
GRADES = ("fairly_stated", "fairly_stated_measurement_issues", "not_shown", "ungraded")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Building a force's year through the API, as people do ----------------------------------------------


def _claim(client: Any, idea: Any, **fields: Any) -> str:
    body = {"kind": "cashable", "status": "claimed", "cost_line": "Overtime", "evidence": "The ledger."} | fields
    made = client.post(f"/api/v1/ideas/{idea.id}/savings", json=body, headers=api_headers(client))
    assert made.status_code == 201, made.text
    claim_id: str = made.json()["id"]
    return claim_id


def _decide(client: Any, claim_id: str, decision: str, **fields: Any) -> None:
    decided = client.post(
        f"/api/v1/savings/{claim_id}/decision",
        json={"decision": decision, "note": "Checked against the ledger."} | fields,
        headers=api_headers(client),
    )
    assert decided.status_code == 200, decided.text


def _cost(database: Any, idea: Any, **fields: Any) -> None:
    """A cost, written as the costs service writes one: the row, and the division's costs kept by year."""

    async def go(maker: Any) -> None:
        async with maker() as session:
            found = await session.get_one(Idea, idea.id)
            values = {
                "recurrence": "one_off",
                "kind": "cashable",
                "description": "Call-back scripts printed",
                "hours": D(0),
                "amount": D("1200.00"),
                "starts": datetime.date(2026, 6, 1),
            } | fields
            session.add(
                IdeaCost(
                    force_id=found.force_id,
                    division_id=found.division_id,
                    idea_id=idea.id,
                    recorded_by=await user_id(maker, MANAGER),
                    **values,
                )
            )
            await session.flush()
            await session.run_sync(lambda sync: recost_with(sync.connection(), {found.division_id}))
            await session.commit()

    database(go)


def _west_idea(database: Any) -> Any:
    """An implemented idea in Lancashire's Western division, with its own manager and staff."""
    database(lambda maker: add_colleague(maker, WEST_STAFF, "LAN", "WEST"))
    database(lambda maker: add_colleague(maker, WEST_MANAGER, "LAN", "WEST", "manager", signs_in=True))
    idea = database(lambda maker: raise_idea(maker, WEST_STAFF, "Book custody slots online"))
    database(lambda maker: move_along(maker, WEST_MANAGER, idea.id, *IMPLEMENTED_PATH))
    return idea


def _a_year_of_claims(client: Any, database: Any) -> dict[str, Any]:
    """Lancashire's 2026 to 2027, and a claim of the next year: a measured claim validated and graded,
    claims that cover part of the year, a possible double count, a rejected claim, a forecast whose
    mechanism looks like a formula, a claim of another division, a claim of the year before, and costs
    one-off and recurring."""
    people = People(client)
    sign_in_as(people("manager"), "manager")
    sign_in_as(people("validator"), "validator")
    idea, _metric, measured = _measured_claim(lambda role: people(role), database)
    _decide(people("validator"), measured, "validated", grade="fairly_stated")
    overtime = implemented_idea(database, "Stop the overtime on late arrests")
    part_year = _claim(
        people("manager"),
        overtime,
        mechanism="Late-arrest overtime",
        cost_line="Overtime",
        amount_gbp_per_year="12345.67",
        period_start="2026-10-15",
        period_end="2027-06-30",
    )
    twice = _claim(
        people("manager"),
        overtime,
        mechanism="late-arrest  OVERTIME",
        cost_line="Overtime",
        amount_gbp_per_year="5000.00",
        period_start="2026-12-01",
    )
    rejected = _claim(
        people("manager"),
        overtime,
        mechanism="Fuel",
        cost_line="Fuel",
        amount_gbp_per_year="777.77",
        period_start="2026-05-01",
    )
    _decide(people("validator"), rejected, "rejected")
    injected = _claim(
        people("manager"),
        overtime,
        status="forecast",
        mechanism=INJECTED,
        cost_line="=1+1",
        amount_gbp_per_year="999.99",
        period_start="2026-04-01",
    )
    last_year = _claim(
        people("manager"),
        overtime,
        mechanism="Vehicle hire",
        cost_line="Vehicles",
        amount_gbp_per_year="3650.00",
        period_start="2025-05-01",
        period_end="2026-02-28",
    )
    next_year = _claim(
        people("manager"),
        overtime,
        status="forecast",
        mechanism="Custody meals",
        cost_line="Custody",
        amount_gbp_per_year="1000.01",
        period_start="2027-04-01",
    )
    _cost(database, overtime, recurrence="recurring", amount=D("500.00"), starts=datetime.date(2026, 9, 1))
    _cost(
        database,
        overtime,
        recurrence="recurring",
        kind="non_cashable",
        hours=D("10.00"),
        grade="inspector_above",
        hourly_rate=D("58.79"),
        amount=D("587.90"),
        starts=datetime.date(2025, 4, 1),
        ends=datetime.date(2026, 4, 30),
    )
    west = _west_idea(database)
    assert sign_in(people("west"), WEST_MANAGER).status_code == 303
    west_claim = _claim(
        people("west"),
        west,
        kind="non_cashable",
        mechanism="Custody booking",
        hours_per_year="1234.5",
        grade="constable_sergeant",
        redeployed_to="Response",
        period_start="2026-05-17",
    )
    return {
        "people": people,
        "idea": idea,
        "overtime": overtime,
        "measured": measured,
        "part_year": part_year,
        "twice": twice,
        "rejected": rejected,
        "injected": injected,
        "last_year": last_year,
        "next_year": next_year,
        "west_claim": west_claim,
    }


# --- Reading the workbook ----------------------------------------------------------------------------------


def _workbook(response: Any) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(XLSX)
    return load_workbook(io.BytesIO(response.content))


def _table(sheet: Worksheet, header_row: int = 1) -> tuple[list[str], list[dict[str, Any]]]:
    header = [cell.value for cell in sheet[header_row]]
    rows = [
        dict(zip(header, (cell.value for cell in row), strict=False))
        for row in sheet.iter_rows(min_row=header_row + 1)
        if any(cell.value is not None for cell in row)
    ]
    return header, rows


def _summary_rows(sheet: Worksheet) -> tuple[int, dict[str, int]]:
    """The summary's header row, and each total's row by its label."""
    header = next(cell.row for cell in sheet["A"] if cell.value == "Total")
    return header, {sheet.cell(row, 1).value: row for row in range(header + 1, sheet.max_row + 1)}


def _money(value: Any) -> D:
    return D(str(value)).quantize(PENNY)


def _days_in(start: datetime.date, end: datetime.date | None, year: int) -> int:
    first, last = datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
    starts, ends = max(start, first), min(end or last, last)
    return max((ends - starts).days + 1, 0)


def _as_date(value: Any) -> datetime.date | None:
    return None if value is None else value.date() if isinstance(value, datetime.datetime) else value


def _by_hand(claims: list[dict[str, Any]], costs: list[dict[str, Any]], year: int) -> dict[str, D]:
    """Every total of a force's year worked out from the rows, the way the pack's rule says, without QUEST:
    each counted claim's £ a year × its days in the year (worked out here from its period), summed, ÷ the
    year's days, rounded once, half a penny up; cash and time apart."""
    year_days = (datetime.date(year + 1, 4, 1) - datetime.date(year, 4, 1)).days

    def rounded(total: D) -> D:
        return (total / year_days).quantize(PENNY, rounding=decimal.ROUND_HALF_UP)

    sums: dict[str, D] = {}
    for claim in claims:
        days = _days_in(_as_date(claim["Period from"]), _as_date(claim["Period to"]), year)
        assert claim["Days in the year"] == days
        assert _money(claim["£ a year × days"]) == _money(claim["£ a year"]) * days
        if claim["Counted"] != "yes":
            continue
        kind = "cashable_gbp" if claim["Kind"] == "cashable" else "non_cashable_gbp"
        amount = _money(claim["£ a year"]) * days
        keys = [f"{claim['Status']}.{kind}"]
        if claim["Status"] == "validated":
            keys.append(f"by_grade.{claim['Evidence grade']}.{kind}")
        for key in keys:
            sums[key] = sums.get(key, D(0)) + amount
        hours = f"{claim['Status']}.hours"
        sums[hours] = sums.get(hours, D(0)) + D(str(claim["Hours a year"] or 0)) * days
    found = {key: rounded(total) for key, total in sums.items()}
    for prefix in [*STATUSES, *(f"by_grade.{grade}" for grade in GRADES)]:
        for kind in ("cashable_gbp", "non_cashable_gbp"):
            found.setdefault(f"{prefix}.{kind}", D("0.00"))
        found[f"{prefix}.total_gbp"] = found[f"{prefix}.cashable_gbp"] + found[f"{prefix}.non_cashable_gbp"]
    for status in STATUSES:
        found.setdefault(f"{status}.hours", D("0.00"))
    found["gross_gbp"] = (
        found["by_grade.fairly_stated.total_gbp"] + found["by_grade.fairly_stated_measurement_issues.total_gbp"]
    )
    cost_sums = {"cashable": D(0), "non_cashable": D(0)}
    for cost in costs:
        starts, ends = _as_date(cost["From (one-off: incurred on)"]), _as_date(cost["To"])
        if cost["One-off or recurring"] == "one_off":
            days = year_days if datetime.date(year, 4, 1) <= starts <= datetime.date(year + 1, 3, 31) else 0
        else:
            days = _days_in(starts, ends, year)
        assert cost["Days counted in the year"] == days
        cost_sums[cost["Kind"]] += _money(cost["£ (a year, if recurring)"]) * days
    found["costs_gbp"] = rounded(cost_sums["cashable"]) + rounded(cost_sums["non_cashable"])
    found["net_gbp"] = found["gross_gbp"] - found["costs_gbp"]
    found["flagged_double_counts"] = D(
        len({c["Possible double count (group's first claim)"] for c in claims} - {None, ""})
    )
    return found


def _dashboard_figures(savings: dict[str, Any]) -> dict[str, D]:
    """A dashboard's savings totals (DESIGN §6's shape) under the pack's keys."""
    found: dict[str, D] = {}
    for status in STATUSES:
        for field in ("cashable_gbp", "non_cashable_gbp", "total_gbp"):
            found[f"{status}.{field}"] = D(savings[status][field])
        found[f"{status}.hours"] = D(str(savings[status]["hours"])).quantize(PENNY)
    for grade in GRADES:
        for field in ("cashable_gbp", "non_cashable_gbp", "total_gbp"):
            found[f"by_grade.{grade}.{field}"] = D(savings["by_grade"][grade][field])
    for field in ("gross_gbp", "costs_gbp", "net_gbp"):
        found[field] = D(savings[field])
    found["flagged_double_counts"] = D(savings["flagged_double_counts"])
    return found


# --- Following the check formulas to their cells ---------------------------------------------------------

RANGE = re.compile(r"^(\w+)!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$")


def _arguments(text: str) -> list[str]:
    """A function's arguments, split at the commas outside quotes."""
    found, current, quoted = [], "", False
    for character in text:
        if character == '"':
            quoted = not quoted
        if character == "," and not quoted:
            found.append(current)
            current = ""
        else:
            current += character
    return [*found, current]


def _cells(workbook: Any, reference: str) -> tuple[str, list[Any]]:
    """A range's column heading (row 1 of its sheet) and its values, checked to run over every row."""
    match = RANGE.match(reference)
    assert match, reference
    sheet_name, column, first, column_again, last = match.groups()
    sheet = workbook[sheet_name]
    assert column == column_again
    assert first == "2"
    rows_there = sum(1 for row in sheet.iter_rows(min_row=2) if any(cell.value is not None for cell in row))
    assert int(last) == max(rows_there + 1, 2), f"{reference} misses rows: the sheet has {rows_there}"
    heading = sheet[f"{column}1"].value
    return heading, [sheet[f"{column}{row}"].value for row in range(2, int(last) + 1)]


def _follow(workbook: Any, formula: str, summary: Worksheet) -> tuple[D, list[str]]:
    """What a check formula comes to, worked out from the cells it names, and the headings of the
    columns it reads (the sum's first, then each criterion's with its value)."""
    if match := re.fullmatch(r"=ROUND\(SUMIFS\((.*)\)(?:/(\d+))?,2\)", formula):
        arguments = _arguments(match.group(1))
        summed_heading, summed = _cells(workbook, arguments[0])
        headings, keep = [summed_heading], [True] * len(summed)
        for reference, wanted in zip(arguments[1::2], arguments[2::2], strict=True):
            heading, values = _cells(workbook, reference)
            value = wanted.strip('"')
            headings.append(f"{heading}={value}")
            keep = [kept and found == value for kept, found in zip(keep, values, strict=True)]
        total = sum((D(str(value)) for value, kept in zip(summed, keep, strict=True) if kept and value), D(0))
        divisor = int(match.group(2) or 1)
        return (total / divisor).quantize(PENNY, rounding=decimal.ROUND_HALF_UP), headings
    if match := re.fullmatch(r"=ROUND\(((?:[+-]?D\d+)+),2\)", formula):
        total = D(0)
        for sign, row in re.findall(r"([+-]?)D(\d+)", match.group(1)):
            value, _headings = _follow(workbook, summary[f"D{row}"].value, summary)
            total += -value if sign == "-" else value
        return total, []
    if match := re.fullmatch(r'=SUMPRODUCT\(\((.+)<>""\)/COUNTIF\(\1,\1&""\)\)', formula):
        heading, values = _cells(workbook, match.group(1))
        return D(len({value for value in values if value})), [heading]
    raise AssertionError(f"a check formula of an unknown shape: {formula}")


def _check_every_total(workbook: Any, expected: dict[str, D], labels: dict[str, str]) -> None:
    """Each total of the summary: as shown, equal to ``expected`` (by key); its check formula followed to
    its cells, equal too; and its 'matches' formula comparing the two cells of its own row."""
    summary = workbook["Summary"]
    header, rows = _summary_rows(summary)
    assert [cell.value for cell in summary[header]][:5] == [
        "Total",
        "Unit",
        "As QUEST shows it",
        "Check: worked out here from the rows",
        "Matches",
    ]
    for key, wanted in expected.items():
        row = rows[labels[key]]
        assert _money(summary[f"C{row}"].value) == wanted, key
        assert summary[f"D{row}"].data_type == "f"
        value, _headings = _follow(workbook, summary[f"D{row}"].value, summary)
        assert value == wanted, (key, summary[f"D{row}"].value)
        assert summary[f"E{row}"].value == f'=IF(ROUND(C{row}-D{row},2)=0,"yes","NO")'


@pytest.fixture
def year_of_claims(client: Any, demo: Any, database: Any) -> dict[str, Any]:
    return _a_year_of_claims(client, database)


def test_a_force_years_pack_has_the_dashboards_totals_and_each_can_be_worked_out_again_by_hand(
    year_of_claims: dict[str, Any],
) -> None:
    people = year_of_claims["people"]
    hq = people("hq")
    sign_in_as(hq, "force_hq")
    workbook = _workbook(hq.get("/savings/audit-pack?fy=2026&format=xlsx"))
    assert workbook.sheetnames == SHEETS
    _header, claims = _table(workbook["Claims"])
    _header, costs = _table(workbook["Costs"])
    listed = {claim["Claim"] for claim in claims}
    # Every claim whose period falls in the year, whatever its status; none of another year.
    assert listed == {
        year_of_claims[name] for name in ("measured", "part_year", "twice", "rejected", "injected", "west_claim")
    }
    assert {cost["£ (a year, if recurring)"] for cost in costs} == {1200, 500, 587.9}
    by_claim = {claim["Claim"]: claim for claim in claims}
    assert by_claim[year_of_claims["part_year"]]["Days in the year"] == 168  # 15 October to 31 March
    assert by_claim[year_of_claims["rejected"]]["Counted"] == "no"
    assert by_claim[year_of_claims["rejected"]]["Why not counted"] == "Rejected"
    # The double count: the older claim counts, the later one says why it does not.
    assert by_claim[year_of_claims["part_year"]]["Counted"] == "yes"
    assert by_claim[year_of_claims["twice"]]["Counted"] == "no"
    assert year_of_claims["part_year"] in by_claim[year_of_claims["twice"]]["Why not counted"]
    assert (
        by_claim[year_of_claims["twice"]]["Possible double count (group's first claim)"]
        == by_claim[year_of_claims["part_year"]]["Possible double count (group's first claim)"]
        == year_of_claims["part_year"]
    )
    measured = by_claim[year_of_claims["measured"]]
    assert (measured["Status"], measured["Evidence grade"], measured["Grade QUEST proposed"]) == (
        "validated",
        "fairly_stated",
        "fairly_stated",
    )
    assert measured["Decided by (validator)"] == "Dee Okafor (Finance)"
    assert isinstance(measured["Decided at (UTC)"], datetime.datetime)

    # The totals, as the force's dashboard gives them: the national comparison's row for the force is the
    # force's own (its divisions' exact sums, rounded once); the force's page gives each division's.
    national = people("national")
    sign_in_as(national, "national")
    dashboard = national.get("/api/v1/dashboards/national?fy=2026", headers={"Accept": "application/json"}).json()
    lancashire = next(unit for unit in dashboard["units"] if unit["code"] == "LAN")
    shown = _dashboard_figures(lancashire["savings"])
    by_hand = _by_hand(claims, costs, 2026)
    assert shown == {key: by_hand[key] for key in shown}
    # The measured claim runs from 1 June: 304 of the year's 365 days of £419,865.00 a year.
    assert shown["validated.non_cashable_gbp"] == (D("419865.00") * 304 / 365).quantize(PENNY)
    force_page = (
        people("hq").get("/api/v1/dashboards/forces/LAN?fy=2026", headers={"Accept": "application/json"}).json()
    )
    divisions = [unit["savings"] for unit in force_page["units"]]
    for key in ("validated.total_gbp", "claimed.total_gbp", "forecast.total_gbp", "net_gbp"):
        status, _, field = key.partition(".")
        added = sum((D(division[status][field]) if field else D(division[status]) for division in divisions), D(0))
        # Each division's figure is rounded on its own: their sum may differ from the force's by a penny each.
        assert abs(added - shown[key]) <= PENNY * len(divisions), key
    labels = {
        line["key"]: line["label"]
        for line in people("hq")
        .get("/api/v1/savings/audit-pack?fy=2026", headers={"Accept": "application/json"})
        .json()["summary"]
    }
    _check_every_total(workbook, shown, labels)


def test_the_packs_api_gives_the_same_parts_and_totals_and_a_leap_year_divides_by_366(
    year_of_claims: dict[str, Any],
) -> None:
    validator = year_of_claims["people"]("validator")
    answer = validator.get("/api/v1/savings/audit-pack?fy=2026", headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    pack = answer.json()
    assert pack["all_match"] is True
    assert (pack["force_code"], pack["fy"], pack["year_days"]) == ("LAN", 2026, 365)
    assert {line["key"] for line in pack["summary"]} >= {"validated.total_gbp", "gross_gbp", "costs_gbp", "net_gbp"}
    assert all(line["shown"] == line["from_rows"] for line in pack["summary"])
    claims = pack["claims"]
    assert [column["key"] for column in claims["columns"]][:3] == ["claim_id", "idea", "idea_title"]
    injected = next(row for row in claims["rows"] if row["claim_id"] == year_of_claims["injected"])
    assert injected["mechanism"] == INJECTED
    assert injected["amount_per_year"] == "999.99"
    assert injected["days"] == 365
    # 1 April 2027 to 31 March 2028 holds 29 February 2028.
    workbook = _workbook(validator.get("/savings/audit-pack?fy=2027&format=xlsx"))
    summary = workbook["Summary"]
    _header, rows = _summary_rows(summary)
    forecast_cash = summary[f"D{rows['Forecast: cash']}"].value
    assert forecast_cash.endswith("/366,2)"), forecast_cash
    _columns, claims_2027 = _table(workbook["Claims"])
    assert year_of_claims["next_year"] in {claim["Claim"] for claim in claims_2027}
    national = year_of_claims["people"]("national")
    sign_in_as(national, "national")
    dashboard = national.get("/api/v1/dashboards/national?fy=2027", headers={"Accept": "application/json"}).json()
    lancashire = _dashboard_figures(next(unit for unit in dashboard["units"] if unit["code"] == "LAN")["savings"])
    labels = {
        line["key"]: line["label"]
        for line in national.get(
            "/api/v1/savings/audit-pack?fy=2027&force=lan", headers={"Accept": "application/json"}
        ).json()["summary"]
    }
    _check_every_total(workbook, lancashire, labels)


def test_text_that_looks_like_a_formula_stays_text_in_the_workbook(year_of_claims: dict[str, Any]) -> None:
    validator = year_of_claims["people"]("validator")
    workbook = _workbook(validator.get("/savings/audit-pack?fy=2026&format=xlsx"))
    sheet = workbook["Claims"]
    header = [cell.value for cell in sheet[1]]
    mechanism, cost_line = header.index("Mechanism") + 1, header.index("Cost line") + 1
    row = next(cell.row for cell in sheet["A"] if cell.value == year_of_claims["injected"])
    for column, text in ((mechanism, INJECTED), (cost_line, "=1+1")):
        cell = sheet.cell(row, column)
        assert (cell.value, cell.data_type) == (text, "s")
    # Nor anywhere else: the only formulas in the workbook are the summary's checks.
    for name in SHEETS[1:]:
        assert not [cell.coordinate for row in workbook[name].iter_rows() for cell in row if cell.data_type == "f"]
    page = validator.get("/savings/audit-pack?fy=2026").text
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;Click&#34;)" in page


def test_the_audit_trail_holds_a_claims_creation_validation_and_grading(year_of_claims: dict[str, Any]) -> None:
    validator = year_of_claims["people"]("validator")
    workbook = _workbook(validator.get("/savings/audit-pack?fy=2026&format=xlsx"))
    _header, lines = _table(workbook["Audit trail"])
    measured = [line for line in lines if line["Its id"] == year_of_claims["measured"]]

    def values(text: str | None) -> dict[str, str]:
        return dict(line.split(": ", 1) for line in (text or "").splitlines())

    created = next(line for line in measured if line["Action"] == "create")
    assert values(created["After"])["Status"] == "claimed"
    assert values(created["After"])["Amount per year"] == "419865.00"
    assert created["Before"] is None
    updates = [(values(line["Before"]), values(line["After"])) for line in measured if line["Action"] == "update"]
    assert any(before.get("Status") == "claimed" and after.get("Status") == "validated" for before, after in updates)
    assert any(after.get("Evidence grade") == "fairly_stated" for _before, after in updates)
    assert created["Who"] == "Inspector Priya Shah"
    assert "@" not in "".join(str(line["Who"]) for line in lines)  # people by name, never their address
    assert {line["Record"] for line in lines} == {"Savings claim", "Cost"}
    assert not [line for line in lines if line["Its id"] == year_of_claims["last_year"]]
    page = validator.get("/savings/audit-pack?fy=2026").text
    assert "Audit trail" in page
    assert re.search(r"<strong>Status</strong>:\s*<span[^>]*>claimed</span> → <span[^>]*>validated</span>", page)


def test_an_ideas_pack_holds_its_claims_costs_and_trail_with_the_totals_its_page_shows(
    year_of_claims: dict[str, Any],
) -> None:
    manager = year_of_claims["people"]("manager")
    overtime = year_of_claims["overtime"]
    workbook = _workbook(manager.get(f"/ideas/{overtime.reference}/audit-pack?format=xlsx"))
    assert workbook.sheetnames == SHEETS
    _header, claims = _table(workbook["Claims"])
    assert {claim["Idea"] for claim in claims} == {overtime.reference}
    assert "Days in the year" not in claims[0]
    impact = manager.get(f"/api/v1/ideas/{overtime.id}/impact", headers={"Accept": "application/json"}).json()
    summary = workbook["Summary"]
    _row, rows = _summary_rows(summary)
    for status in STATUSES:
        for field, label in (("cashable_gbp", "cash"), ("non_cashable_gbp", "time released"), ("total_gbp", "total")):
            row = rows[f"{status.capitalize()}: {label}"]
            wanted = D(impact["savings"][status][field])
            assert _money(summary[f"C{row}"].value) == wanted
            value, _headings = _follow(workbook, summary[f"D{row}"].value, summary)
            assert value == wanted
    html = manager.get(f"/ideas/{overtime.reference}/audit-pack")
    assert html.status_code == 200
    assert "Every total below, worked out again from the rows of this pack, matches" in html.text


def test_who_may_have_a_pack_and_what_a_bad_address_gets(client: Any, demo: Any, database: Any) -> None:
    idea = implemented_idea(database)
    database(
        lambda maker: add_colleague(
            maker, "validator@avonandsomerset.example", "AVS", "BRISTOL", "validator", signs_in=True
        )
    )
    people = People(client)
    for role in ("staff", "manager", "validator", "force_hq", "national", "admin"):
        sign_in_as(people(role), role)
    assert sign_in(people("avs"), "validator@avonandsomerset.example").status_code == 303
    json = {"Accept": "application/json"}
    for role, status in (("staff", 403), ("manager", 403), ("validator", 200), ("force_hq", 200)):
        assert people(role).get("/savings/audit-pack?fy=2026").status_code == status, role
        assert people(role).get("/api/v1/savings/audit-pack?fy=2026", headers=json).status_code == status, role
    assert people("force_hq").get("/savings/audit-pack?fy=2026&force=LAN&format=xlsx").status_code == 200
    # Another force: not found, as if it did not exist.
    assert people("avs").get("/savings/audit-pack?fy=2026&force=LAN").status_code == 404
    assert people("avs").get("/api/v1/savings/audit-pack?fy=2026&force=LAN", headers=json).status_code == 404
    assert people("force_hq").get("/savings/audit-pack?fy=2026&force=ZZZ").status_code == 404
    # National headquarters and administrators name the force.
    for role in ("national", "admin"):
        missing = people(role).get("/api/v1/savings/audit-pack?fy=2026", headers=json)
        assert missing.status_code == 400, role
        assert set(missing.json()["extra"]["errors"]) == {"force"}, role
        assert people(role).get("/savings/audit-pack?fy=2026&force=LAN").status_code == 200, role
        unknown = people(role).get("/api/v1/savings/audit-pack?fy=2026&force=ZZZ", headers=json)
        assert unknown.status_code == 400
        assert "ZZZ" in unknown.json()["extra"]["errors"]["force"]
    national = people("national")
    for address, field in (
        ("/api/v1/savings/audit-pack?fy=20x6&force=LAN", "fy"),
        ("/api/v1/savings/audit-pack?fy=1999&force=LAN", "fy"),
        ("/api/v1/savings/audit-pack?fy=2026&force=TOOLONGCODE", "force"),
        ("/api/v1/savings/audit-pack?fy=2026&force=L%20N", "force"),
    ):
        refused = national.get(address, headers=json)
        assert refused.status_code == 400, address
        assert field in refused.text, address
    for address, field in (
        ("/savings/audit-pack?fy=2026&force=LAN&format=pdf", "format"),
        ("/savings/audit-pack?fy=abc&force=LAN", "fy"),
        (f"/ideas/{idea.reference}/audit-pack?format=docx", "format"),
    ):
        refused = national.get(address)
        assert refused.status_code == 400, address
        assert f"‘{field}’" in refused.text, address
    # One idea: whoever sees its whole record but frontline staff; another force's is not found.
    for role, status in (("staff", 403), ("manager", 200), ("validator", 200), ("force_hq", 200), ("national", 200)):
        assert people(role).get(f"/ideas/{idea.reference}/audit-pack").status_code == status, role
    assert people("avs").get(f"/ideas/{idea.reference}/audit-pack?format=xlsx").status_code == 404
    assert people("manager").get("/ideas/LAN-999999/audit-pack").status_code == 404


def test_the_pack_is_offered_on_the_ledger_and_on_the_ideas_savings(client: Any, demo: Any, database: Any) -> None:
    idea = implemented_idea(database)
    people = People(client)
    for role in ("staff", "manager", "validator", "national"):
        sign_in_as(people(role), role)
    ledger = people("validator").get("/savings?fy=2026").text
    assert 'href="/savings/audit-pack?fy=2026&amp;format=xlsx"' in ledger
    assert 'href="/savings/audit-pack?fy=2026&amp;format=html"' in ledger
    assert "/savings/audit-pack" not in people("manager").get("/savings?fy=2026").text
    national = people("national").get("/savings?fy=2026").text
    assert 'action="/savings/audit-pack"' in national
    assert 'name="force"' in national
    assert f"/ideas/{idea.reference}/audit-pack?format=xlsx" in people("manager").get(f"/ideas/{idea.reference}").text
    assert "/audit-pack" not in people("staff").get(f"/ideas/{idea.reference}").text


@pytest.fixture
def statements(app: Any, client: Any) -> Iterator[Statements]:
    engine = app.plugins.get(SQLAlchemyInitPlugin).config[0].get_engine().sync_engine
    with Statements().listening(engine) as counter:
        yield counter


def test_a_packs_statements_do_not_grow_with_its_claims(
    client: Any, demo: Any, database: Any, statements: Statements
) -> None:
    """One statement a part, whatever the number of claims, costs and changes: a force's year at national
    scale holds thousands."""
    people = People(client)
    sign_in_as(people("manager"), "manager")
    sign_in_as(people("validator"), "validator")
    idea = implemented_idea(database)

    def pack_statements() -> int:
        validator = people("validator")
        return statements.of(lambda: validator.get("/savings/audit-pack?fy=2026&format=xlsx"))

    for index in range(2):
        _claim(
            people("manager"), idea, mechanism=f"Line {index}", amount_gbp_per_year="100.00", period_start="2026-04-01"
        )
    few = pack_statements()
    for index in range(2, 8):
        made = _claim(
            people("manager"), idea, mechanism=f"Line {index}", amount_gbp_per_year="100.00", period_start="2026-04-01"
        )
        _decide(people("validator"), made, "validated", grade="not_shown", grade_reason="No measure.")
        _cost(database, idea, amount=D(index))
    assert pack_statements() == few, statements.listing()


def test_lancashires_pack_of_the_demo_matches_its_dashboard_to_the_penny(demo_history: Any, client: Any) -> None:
    """Issue 14's "done": the demo's Lancashire, 2025 to 2026 and the year of its story, as a new user would
    take it: the force's headquarters downloads the pack, and every total in it is the dashboard's, and is
    what the rows give by hand."""
    people = People(client)
    sign_in_as(people("hq"), "force_hq")
    sign_in_as(people("national"), "national")
    for year in (2025, 2026):
        workbook = _workbook(people("hq").get(f"/savings/audit-pack?fy={year}&format=xlsx"))
        _header, claims = _table(workbook["Claims"])
        _header, costs = _table(workbook["Costs"])
        assert claims, year
        dashboard = people("national").get(
            f"/api/v1/dashboards/national?fy={year}", headers={"Accept": "application/json"}
        )
        shown = _dashboard_figures(next(unit for unit in dashboard.json()["units"] if unit["code"] == "LAN")["savings"])
        by_hand = _by_hand(claims, costs, year)
        assert shown == {key: by_hand[key] for key in shown}, year
        pack = people("hq").get(f"/api/v1/savings/audit-pack?fy={year}", headers={"Accept": "application/json"})
        assert pack.json()["all_match"] is True
        _check_every_total(workbook, shown, {line["key"]: line["label"] for line in pack.json()["summary"]})
