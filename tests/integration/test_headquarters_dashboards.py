"""Force headquarters comparing divisions and national headquarters comparing forces (issue 13): a small
world with known answers, every figure checked on the pages and in the API, on both engines.

The world, at 30 November 2026 (financial year 2026 runs from 1 April 2026):
- Lancashire's Northern division raised its first idea in June 2025, one at noon on 31 March 2026 (last
  year's), and three in the year: one at 23:30 UTC on 31 March (00:30 on 1 April in London), one in May and
  one in October. It claimed £1,000 a year of cash from 1 April (validated), the same saving again (counted
  once), £500 on another line (claimed, not validated), and £2,000 for the year to 31 March 2026 (last
  year's, validated).
- Lancashire's Western division raised its first idea in September 2026: too little use to compare.
- Cheshire raised one idea in January 2025 and one in the year; the other forces none (too little data).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import math
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from quest.dashboards.funnels import Z_95, Z_998
from quest.org.models import Division, Force, ForceProfile
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    add_colleague,
    api_headers,
    move_along,
    raise_idea,
    sign_in,
    sign_in_as,
)

D = decimal.Decimal
STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
WEST_STAFF = "west.staff@lancashire.example"
CHESHIRE_STAFF = "staff@cheshire.example"


def _at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


def _cash_claim(client: Any, idea: Any, mechanism: str, amount: str, start: str, end: str | None = None) -> str:
    response = client.post(
        f"/api/v1/ideas/{idea.id}/savings",
        json={
            "kind": "cashable",
            "status": "claimed",
            "mechanism": mechanism,
            "amount_gbp_per_year": amount,
            "cost_line": "Overtime",
            "period_start": start,
            "period_end": end,
            "evidence": "The overtime budget line, month by month.",
        },
        headers=api_headers(client),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1)]


def _backlog(client: Any, idea: Any) -> None:
    """The Northern division's pending incidents: 100 a day through the 13 whole weeks a year before the
    latest 13 (1 September to 30 November 2025), 120 a day before them, and 80 a day through the latest
    13 weeks (31 August to 29 November 2026), the idea's change on 1 June 2026 its one change."""
    headers = api_headers(client)
    created = client.post(
        "/api/v1/metrics",
        json={
            "division_id": client.get("/api/v1/me").json()["division"]["id"],
            "name": "Pending open incidents",
            "unit": "incidents",
            "kind": "backlog",
            "direction": "down",
            "frequency": "daily",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    metric_id = created.json()["id"]
    values = dict.fromkeys(_days(datetime.date(2025, 8, 1), datetime.date(2025, 8, 31)), 120)
    values |= dict.fromkeys(_days(datetime.date(2025, 9, 1), datetime.date(2025, 11, 30)), 100)
    values |= dict.fromkeys(_days(datetime.date(2026, 8, 31), datetime.date(2026, 11, 29)), 80)
    readings = [{"date": day.isoformat(), "value": str(value)} for day, value in values.items()]
    put = client.put(f"/api/v1/metrics/{metric_id}/readings", json=readings, headers=headers)
    assert put.status_code == 200, put.text
    linked = client.post(
        f"/api/v1/ideas/{idea.id}/metrics", json={"metric_id": metric_id, "change_date": "2026-06-01"}, headers=headers
    )
    assert linked.status_code == 201, linked.text


@pytest.fixture
def world(demo: Any, frozen_client: TestClient[Litestar], database: Any) -> dict[str, Any]:
    database(lambda maker: add_colleague(maker, WEST_STAFF, "LAN", "WEST"))
    database(lambda maker: add_colleague(maker, CHESHIRE_STAFF, "CHE", "WARR"))
    for email, title, moment in (
        (STAFF, "Ring ahead before a visit", _at(2025, 6, 10)),  # its first: in use for 18 months
        (STAFF, "Count the pending list at briefing", _at(2026, 3, 31, 12)),  # last year's
        (STAFF, "Share the custody rota", _at(2026, 3, 31, 23, 30)),  # 1 April in London: this year's
        (WEST_STAFF, "Print fewer forms", _at(2026, 9, 2)),
        (CHESHIRE_STAFF, "Book interview rooms online", _at(2025, 1, 15)),
        (CHESHIRE_STAFF, "Close low-risk incidents by phone", _at(2026, 7, 1)),
    ):
        database(lambda maker, email=email, title=title, moment=moment: raise_idea(maker, email, title, now=moment))
    # Two more of this year's in the Northern division, the one implemented with its savings.
    idea = database(lambda maker: raise_idea(maker, STAFF, "Call back before visiting", now=_at(2026, 5, 1)))
    database(lambda maker: raise_idea(maker, STAFF, "Fewer handovers", now=_at(2026, 10, 1)))
    database(lambda maker: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH, now=_at(2026, 6, 1)))

    sign_in_as(frozen_client, "manager")
    _backlog(frozen_client, idea)
    validated = _cash_claim(frozen_client, idea, "Overtime for visits", "1000.00", "2026-04-01")
    _cash_claim(frozen_client, idea, "overtime for VISITS", "1000.00", "2026-05-01")  # the same saving again
    _cash_claim(frozen_client, idea, "Vehicle hire", "500.00", "2026-04-01")
    last_year = _cash_claim(frozen_client, idea, "Agency cover", "2000.00", "2025-04-01", "2026-03-31")
    sign_in_as(frozen_client, "validator")
    for claim_id in (validated, last_year):
        response = frozen_client.post(
            f"/api/v1/savings/{claim_id}/decision",
            json={"decision": "validated", "note": "Checked against the ledger."},
            headers=api_headers(frozen_client),
        )
        assert response.status_code == 200, response.text
    return {"sizes": database(_sizes)}


async def _sizes(maker: Any) -> dict[str, Any]:
    async with maker() as session:
        divisions = {
            code: (officers, staff)
            for code, officers, staff in await session.execute(
                select(Division.code, Division.officers_fte, Division.staff_fte)
                .join(Force, Force.id == Division.force_id)
                .where(Force.code == "LAN")
            )
        }
        forces = {
            code: (officers, population)
            for code, officers, population in await session.execute(
                select(Force.code, ForceProfile.officers_fte, ForceProfile.population).join(
                    ForceProfile, ForceProfile.force_id == Force.id
                )
            )
        }
    return {"divisions": divisions, "forces": forces}


def _api(client: Any, path: str) -> dict[str, Any]:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _unit(answer: dict[str, Any], code: str) -> dict[str, Any]:
    return next(unit for unit in answer["units"] if unit["code"] == code)


def test_a_forces_divisions_side_by_side_with_known_figures(world: dict[str, Any], frozen_client: Any) -> None:
    sign_in(frozen_client, DEMO_EMAILS["force_hq"])
    answer = _api(frozen_client, "/api/v1/dashboards/forces/LAN?fy=2026")
    officers, staff = world["sizes"]["divisions"]["NORTH"]
    north = _unit(answer, "NORTH")
    # The year's savings: the validated £1,000 once (its copy is the same saving), the £500 claimed apart,
    # last year's £2,000 not at all.
    assert north["savings"]["validated"]["cashable_gbp"] == "1000.00"
    assert north["savings"]["claimed"]["cashable_gbp"] == "500.00"
    assert north["savings"]["flagged_double_counts"] == 1
    measures = north["measures"]
    # Validated, but no validator has graded its evidence: out of the net headline the divisions are
    # compared by (test_honest_comparisons has graded claims and costs).
    assert north["savings"]["by_grade"]["ungraded"]["cashable_gbp"] == "1000.00"
    assert measures["net_savings"]["value"] == 0
    # Three of the year's ideas (the one raised at 23:30 UTC on 31 March among them), per 100 staff.
    assert measures["ideas_raised"]["numerator"] == 3
    assert measures["ideas_raised"]["value"] == pytest.approx(float(D(3) / (officers + staff) * 100))
    assert measures["validated_share"]["value"] == pytest.approx(1000 / 1500 * 100)
    # One idea decided: too few for an implementation rate, so none is shown.
    assert measures["implementation_rate"] == {
        "value": None,
        "numerator": 1.0,
        "denominator": 1.0,
        "too_little_data": True,
    }
    assert north["months_of_use"] == 18  # June 2025 to November 2026
    # The backlog: 80 a day against 100 a day in the same weeks a year before (-20%), and against its
    # baseline before the change, all the readings before 1 June 2026 (31 days of 120, 91 of 100).
    assert measures["backlog_change_year"]["value"] == pytest.approx(-20.0)
    baseline = (31 * 120 + 91 * 100) / 122
    assert measures["backlog_change_baseline"]["value"] == pytest.approx((80 / baseline - 1) * 100)
    # The Western division began in September: marked, with no figure, and out of the force's average.
    west = _unit(answer, "WEST")
    assert west["too_little_data"] is True
    assert west["months_of_use"] == 3
    assert all(figure["value"] is None for figure in west["measures"].values())
    # Only the Northern and the divisions with a year of use count in the force's weighted figures.
    assert answer["averages"]["validated_share"] == pytest.approx(1000 / 1500 * 100)

    # The page shows the same figures, ranks the Western division nowhere, and downloads them.
    page = frozen_client.get("/forces/LAN/dashboard?fy=2026")
    assert page.status_code == 200
    html = page.text
    assert "Too little data to compare" in html
    assert "Western (Blackpool, Fylde and Wyre)" in html
    assert "66.7%" in html
    download = frozen_client.get("/forces/LAN/dashboard?fy=2026&format=csv&sort=validated_share")
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Code", "Net headline savings per officer"]
    north_row = next(row for row in rows if row[1] == "NORTH")
    assert D(north_row[2]) == 0
    assert next(row for row in rows if row[1] == "WEST")[-1] == "yes"
    workbook = frozen_client.get("/forces/LAN/dashboard?fy=2026&format=xlsx")
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")

    # Last year: the £2,000, validated, and the idea raised at noon on 31 March.
    last = _unit(_api(frozen_client, "/api/v1/dashboards/forces/LAN?fy=2025"), "NORTH")
    assert last["savings"]["validated"]["cashable_gbp"] == "2000.00"
    assert last["measures"]["ideas_raised"]["numerator"] == 2


def test_forces_compared_per_officer_weighted_by_size_with_a_funnel_checked_by_hand(
    world: dict[str, Any], frozen_client: Any
) -> None:
    sign_in(frozen_client, DEMO_EMAILS["national"])
    answer = _api(frozen_client, "/api/v1/dashboards/national?fy=2026&per=officers&force=LAN")
    forces = world["sizes"]["forces"]
    lancashire, cheshire = _unit(answer, "LAN"), _unit(answer, "CHE")
    assert lancashire["measures"]["ideas_raised"]["numerator"] == 4  # three in the Northern, one in the Western
    assert cheshire["measures"]["ideas_raised"]["numerator"] == 1
    # Forces that have raised no idea have had no use: marked, no figure, out of the average.
    sussex = _unit(answer, "SUS")
    assert sussex["too_little_data"] is True
    assert sussex["measures"]["ideas_raised"]["value"] is None
    # The national figure is the two forces' ideas over their officers, not a mean of their rates.
    lan_officers, che_officers = forces["LAN"][0], forces["CHE"][0]
    weighted = float(D(5) / (lan_officers + che_officers) * 100)
    plain = float((D(4) / lan_officers + D(1) / che_officers) / 2 * 100)
    assert answer["averages"]["ideas_raised"] == pytest.approx(weighted)
    assert weighted != pytest.approx(plain, rel=0.01)  # 8% apart here
    # Per 1,000 residents, likewise.
    by_people = _api(frozen_client, "/api/v1/dashboards/national?fy=2026&per=population")
    residents = D(forces["LAN"][1] + forces["CHE"][1])
    assert by_people["averages"]["ideas_raised"] == pytest.approx(float(D(5) / residents * 1000))
    # Lancashire's similar forces are named, and their weighted figure is given.
    assert answer["chosen"]["code"] == "LAN"
    assert answer["similar"]
    assert set(answer["similar_averages"]) == set(answer["averages"])

    funnel = _api(frozen_client, "/api/v1/dashboards/national/funnels?measure=ideas_raised&fy=2026")
    theta = 5 / float(lan_officers + che_officers)  # ideas per officer
    assert funnel["overall_rate"] == pytest.approx(theta * 100)
    for code, officers in (("LAN", lan_officers), ("CHE", che_officers)):  # a large force and a small one
        size = float(officers)
        limit = next(limit for limit in funnel["limits"] if limit["denominator"] == pytest.approx(size))
        spread = math.sqrt(theta / size)
        assert limit["upper_95"] == pytest.approx((theta + Z_95 * spread) * 100, rel=1e-9)
        assert limit["lower_95"] == pytest.approx(max(theta - Z_95 * spread, 0) * 100, rel=1e-9, abs=1e-12)
        assert limit["upper_998"] == pytest.approx((theta + Z_998 * spread) * 100, rel=1e-9)
        point = next(point for point in funnel["points"] if point["force_code"] == code)
        assert point["within_998"] == (limit["lower_998"] <= point["rate"] <= limit["upper_998"])
    assert next(point for point in funnel["points"] if point["force_code"] == "SUS")["too_little_data"] is True

    # The page: the chosen force marked, the funnel plotted, too-little-data forces named and not ranked.
    page = frozen_client.get("/national?fy=2026&per=officers&force=LAN&measure=ideas_raised")
    assert page.status_code == 200
    assert 'data-chart="funnel"' in page.text
    assert 'data-chart="ski-slope"' in page.text
    assert "Sussex Police" in page.text
    slope_rows = page.text.split('id="slope-table-ideas_raised"')[1].split("</table>")[0]
    ranked = slope_rows.split("Too little data")[0]
    assert "Sussex Police" not in ranked


@pytest.mark.parametrize(
    ("email", "path", "status"),
    [
        (DEMO_EMAILS["manager"], "/forces/LAN/dashboard", 403),
        (DEMO_EMAILS["staff"], "/national", 403),
        (DEMO_EMAILS["force_hq"], "/national", 403),
        (DEMO_EMAILS["force_hq"], "/forces/CHE/dashboard", 404),
        (DEMO_EMAILS["force_hq"], "/api/v1/dashboards/forces/CHE", 404),
        (DEMO_EMAILS["validator"], "/forces/LAN/dashboard", 200),
        (DEMO_EMAILS["national"], "/forces/CHE/dashboard", 200),
        (DEMO_EMAILS["admin"], "/national?per=population", 200),
        (DEMO_EMAILS["national"], "/forces/NOPE/dashboard", 404),
    ],
)
def test_who_may_compare_what(demo: Any, frozen_client: Any, email: str, path: str, status: int) -> None:
    sign_in(frozen_client, email)
    assert frozen_client.get(path).status_code == status


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/national?fy=abc", "fy"),
        ("/national?fy=1800", "fy"),
        ("/national?per=furlongs", "per"),
        ("/national?format=pdf", "format"),
        ("/national?measure=happiness", "measure"),
        ("/api/v1/dashboards/national/funnels?measure=waste_hours", "measure"),
        ("/api/v1/dashboards/national/funnels", "measure"),
        ("/api/v1/dashboards/national?fy=20266", "fy"),
    ],
)
def test_bad_addresses_are_refused_naming_the_parameter(demo: Any, frozen_client: Any, path: str, field: str) -> None:
    sign_in(frozen_client, DEMO_EMAILS["national"])
    response = frozen_client.get(path, headers={"Accept": "application/json"} if "/api/" in path else {})
    assert response.status_code == 400
    assert field in response.text


def test_an_empty_country_shows_no_broken_chart_or_misleading_zero(demo: Any, frozen_client: Any) -> None:
    sign_in(frozen_client, DEMO_EMAILS["national"])
    page = frozen_client.get("/national")
    assert page.status_code == 200
    assert "Too little data to compare" in page.text
    assert 'data-chart="ski-slope"' not in page.text  # nothing has a figure yet
    answer = _api(frozen_client, "/api/v1/dashboards/national")
    assert all(value is None for value in answer["averages"].values())


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        ("staff", "/divisions/"),
        ("manager", "/divisions/"),
        ("validator", "/forces/LAN/dashboard"),
        ("force_hq", "/forces/LAN/dashboard"),
        ("national", "/national"),
        ("admin", "/national"),
    ],
)
def test_each_person_finds_their_own_dashboard(demo: Any, frozen_client: Any, role: str, lands_on: str) -> None:
    sign_in(frozen_client, DEMO_EMAILS[role])
    response = frozen_client.get("/dashboard", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith(lands_on)
    assert frozen_client.get(response.headers["location"]).status_code == 200


def test_one_measure_in_full_at_a_time_with_the_others_a_link_away(world: dict[str, Any], frozen_client: Any) -> None:
    sign_in(frozen_client, DEMO_EMAILS["national"])
    page = frozen_client.get("/national?fy=2026&per=officers&sort=ideas_raised&order=desc")
    assert page.status_code == 200
    # Every measure in the side-by-side table; the first in full, the others linked, keeping the choices.
    assert 'id="compared"' in page.text
    assert 'id="slope-table-net_savings"' in page.text
    assert 'id="slope-table-ideas_raised"' not in page.text
    assert (
        'href="/national?fy=2026&amp;per=officers&amp;sort=ideas_raised&amp;order=desc&amp;measure=ideas_raised#ideas_raised"'
        in page.text
    )
    chosen = frozen_client.get("/national?fy=2026&per=officers&measure=ideas_raised")
    assert 'id="slope-table-ideas_raised"' in chosen.text
    assert 'id="funnel-table-ideas_raised"' in chosen.text
    assert 'id="slope-table-net_savings"' not in chosen.text
    # The sort links keep the measure shown.
    assert "measure=ideas_raised&amp;sort=name" in chosen.text
    # When the forces' figures were worked out, on the page and in the API.
    assert "Figures worked out on 30 November 2026 at 10:00am" in chosen.text
    assert _api(frozen_client, "/api/v1/dashboards/national?fy=2026")["worked_out_at"].startswith("2026-11-30T10:00")
    funnel = _api(frozen_client, "/api/v1/dashboards/national/funnels?fy=2026&measure=ideas_raised")
    assert funnel["worked_out_at"].startswith("2026-11-30T10:00")
    # A force's divisions are worked out for every request: nothing to date.
    assert _api(frozen_client, "/api/v1/dashboards/forces/LAN?fy=2026")["worked_out_at"] is None


# The decisions world: twenty ideas raised in Lancashire's Northern division at noon UTC on 1 March 2025,
# decided in two financial years and moved on since. Summer time started on 29 March 2026: 22:30 UTC on
# 31 March is that day's in London (2025), 23:30 UTC is 1 April's (2026).
#
# | ideas | first response | decided          | now         | decision's year | days to each        |
# | ----- | -------------- | ---------------- | ----------- | --------------- | ------------------- |
# | 5     | 1 Jun 2025     | the same         | implemented | 2025            | 92                  |
# | 2     | 1 Jul 2025     | the same         | implemented | 2025            | 122                 |
# | 1     | 31 Mar 2026, 22:30 UTC | the same | implemented | 2025            | 395                 |
# | 2     | 1 Sep 2025     | the same         | declined    | 2025            | 184                 |
# | 1     | 31 Mar 2026, 23:30 UTC | the same | implemented | 2026            | 395                 |
# | 2     | 1 Jun 2026     | the same         | implemented | 2026            | 457                 |
# | 5     | 15 Jan 2026    | 1 Jul 2026       | approved    | 2026            | 320 (in 2025), 487  |
# | 2     | 1 Sep 2026     | the same         | declined    | 2026            | 549                 |
#
# Implementation rates: 2025 8 of 10, 2026 3 of 10 (to date, whatever the year: 11 of 20). Medians of the
# whole days: to a decision 107 in 2025 (the 5th and 6th of 92 ×5, 122 ×2, 184 ×2, 395) and 487 in 2026; to a
# first response 184 in 2025 (the 8th of those and 320 ×5) and 457 in 2026 (395, 457 ×2, 549 ×2). None of
# these ideas was raised in the twelve months to either year's reading day.
REVIEW_AND_APPROVE = ("under_review", "approved")
START_AND_IMPLEMENT = ("in_progress", "implemented")
DECISIONS = (
    (5, ((REVIEW_AND_APPROVE, _at(2025, 6, 1)), (START_AND_IMPLEMENT, _at(2026, 6, 1)))),
    (2, ((REVIEW_AND_APPROVE, _at(2025, 7, 1)), (START_AND_IMPLEMENT, _at(2026, 6, 1)))),
    (1, ((REVIEW_AND_APPROVE, _at(2026, 3, 31, 22, 30)), (START_AND_IMPLEMENT, _at(2026, 7, 1)))),
    (2, ((("declined",), _at(2025, 9, 1)),)),
    (1, ((REVIEW_AND_APPROVE, _at(2026, 3, 31, 23, 30)), (START_AND_IMPLEMENT, _at(2026, 8, 1)))),
    (2, ((IMPLEMENTED_PATH, _at(2026, 6, 1)),)),
    (5, ((("under_review",), _at(2026, 1, 15)), (("approved",), _at(2026, 7, 1)))),
    (2, ((("declined",), _at(2026, 9, 1)),)),
)


@pytest.fixture
def decisions_world(demo: Any, database: Any) -> None:
    for count, moves in DECISIONS:
        for number in range(count):
            idea = database(
                lambda maker, number=number: raise_idea(maker, STAFF, f"Idea {number} of its kind", now=_at(2025, 3, 1))
            )
            for statuses, moment in moves:
                database(
                    lambda maker, statuses=statuses, moment=moment, idea=idea: move_along(
                        maker, MANAGER, idea.id, *statuses, now=moment
                    )
                )


@pytest.mark.usefixtures("decisions_world")
def test_the_implementation_rate_is_of_the_ideas_decided_in_the_year_chosen(frozen_client: Any) -> None:
    for year, implemented, shown in ((2025, 8, "80.0%"), (2026, 3, "30.0%")):
        sign_in(frozen_client, DEMO_EMAILS["force_hq"])
        north = _unit(_api(frozen_client, f"/api/v1/dashboards/forces/LAN?fy={year}"), "NORTH")
        assert north["measures"]["implementation_rate"] == {
            "value": implemented * 10.0,
            "numerator": implemented,
            "denominator": 10,
            "too_little_data": False,
        }
        page = frozen_client.get(f"/forces/LAN/dashboard?fy={year}")
        assert page.status_code == 200
        row = page.text.split('data-unit="NORTH"')[1].split("</tr>")[0]
        assert shown in row
        assert "55.0%" not in row  # 11 of 20: every decision to date
        # The force's own figure among every force's, likewise (its other divisions decided nothing).
        sign_in(frozen_client, DEMO_EMAILS["national"])
        lancashire = _unit(_api(frozen_client, f"/api/v1/dashboards/national?fy={year}"), "LAN")
        assert lancashire["measures"]["implementation_rate"]["value"] == implemented * 10.0


@pytest.mark.usefixtures("decisions_world")
def test_a_divisions_own_medians_are_those_its_force_compares(frozen_client: Any) -> None:
    for year, first_response, decision in ((2025, 184.0, 107.0), (2026, 457.0, 487.0)):
        sign_in(frozen_client, DEMO_EMAILS["force_hq"])
        north = _unit(_api(frozen_client, f"/api/v1/dashboards/forces/LAN?fy={year}"), "NORTH")
        assert north["measures"]["days_to_decision"]["value"] == decision
        sign_in(frozen_client, MANAGER)
        own = _api(frozen_client, f"/api/v1/dashboards/divisions/{north['id']}?fy={year}")
        assert own["median_days"] == {"first_response": first_response, "decision": decision}
        page = frozen_client.get(f"/divisions/{north['id']}/dashboard?fy={year}")
        assert page.status_code == 200
        medians = page.text.split('id="medians"')[1].split("</dl>")[0]
        assert [f"{first_response:,.1f}", f"{decision:,.1f}"] == [
            value.split("</dd>")[0] for value in medians.split('govuk-summary-list__value">')[1:]
        ]
        assert f"of the ideas answered in {year} to {year + 1}" in page.text
