"""Headquarters compare what the division dashboard shows (issue 14): the headline net of costs, counting
only the grades a finance director would sign; improvements that hold; and released time not yet
redeployed. A small world with known answers, checked on the pages, in the API and in the downloads, on
both engines.

The world, at 30 November 2026 (financial year 2026 runs from 1 April 2026, 365 days), in Lancashire:
- the Northern division (in use since June 2025) has one implemented idea with, from 1 April 2026:
  - £1,000 a year of cash, validated and graded fairly stated;
  - £300 a year of cash, validated but graded not shown: left out of the headline;
  - 100 hours a year of constables' time (£3,651 at £36.51), validated, fairly stated, redeployed to
    neighbourhood patrol;
  - 300 hours a year, claimed, not yet redeployed;
  - and a one-off cost of £400 in May 2026.
  Its headline: £1,000 + £3,651 − £400 = £4,251 net. Of its 400 hours released, 300 (75%) are not yet
  redeployed.
- It has eleven ideas judged by outcome measures: eight by a backlog that halved on 1 June 2026 and held
  (sustained at 3 months), three by one that did not move (slipping), and the first of the eight by both
  (so slipping: an idea slips if any of its outcomes does). Seven sustained of eleven known: 63.6%.
- the Central division (in use since March 2025) claimed 100 hours a year, not yet redeployed: 100%.
  The force's share is weighted by hours, 400 of 500 (80%), not the mean of 75% and 100% (87.5%).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select, update

from quest.metrics import judgements
from quest.metrics.judgements import improvements_by
from quest.metrics.models import LinkJudgement
from quest.metrics.sustainment import Sustained, idea_state
from quest.org.models import Division, Force
from tests.helpers import (
    DEMO_EMAILS,
    DEMO_PASSWORD,
    IMPLEMENTED_PATH,
    add_colleague,
    api_headers,
    move_along,
    raise_idea,
    sign_in,
    sign_in_as,
)
from tests.integration.test_headquarters_dashboards import _api, _at, _days, _unit

D = decimal.Decimal
STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
CENTRAL_STAFF, CENTRAL_MANAGER = "central.staff@lancashire.example", "central.manager@lancashire.example"
NET = D("4251.00")


def _post(client: Any, path: str, body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=api_headers(client))
    assert response.status_code in (200, 201), response.text
    found: dict[str, Any] = response.json()
    return found


def _claim(client: Any, idea: Any, **fields: Any) -> str:
    body = {"status": "claimed", "period_start": "2026-04-01", "evidence": "The duty and budget records."} | fields
    return str(_post(client, f"/api/v1/ideas/{idea.id}/savings", body)["id"])


def _cash(mechanism: str, amount: str) -> dict[str, Any]:
    return {"kind": "cashable", "mechanism": mechanism, "amount_gbp_per_year": amount, "cost_line": mechanism}


def _time(mechanism: str, hours: int, redeployed_to: str) -> dict[str, Any]:
    return {
        "kind": "non_cashable",
        "mechanism": mechanism,
        "hours_per_year": hours,
        "grade": "constable_sergeant",
        "redeployed_to": redeployed_to,
    }


def _validate(client: Any, claim_id: str, grade: str) -> None:
    _post(
        client,
        f"/api/v1/savings/{claim_id}/decision",
        {
            "decision": "validated",
            "note": "Checked against the ledger.",
            "grade": grade,
            "grade_reason": "Graded from the ledger and the duty records.",
        },
    )


def _measure(client: Any, name: str, before: int, after: int) -> str:
    """A daily backlog of the signed-in manager's division: ``before`` a day from 1 January to 31 May 2026,
    ``after`` a day from 1 June to 29 November."""
    division_id = client.get("/api/v1/me").json()["division"]["id"]
    metric_id = str(
        _post(
            client,
            "/api/v1/metrics",
            {
                "division_id": division_id,
                "name": name,
                "unit": "incidents",
                "kind": "backlog",
                "direction": "down",
                "frequency": "daily",
            },
        )["id"]
    )
    values = dict.fromkeys(_days(datetime.date(2026, 1, 1), datetime.date(2026, 5, 31)), before)
    values |= dict.fromkeys(_days(datetime.date(2026, 6, 1), datetime.date(2026, 11, 29)), after)
    readings = [{"date": day.isoformat(), "value": str(value)} for day, value in values.items()]
    response = client.put(f"/api/v1/metrics/{metric_id}/readings", json=readings, headers=api_headers(client))
    assert response.status_code == 200, response.text
    return metric_id


def _link(client: Any, idea: Any, metric_id: str) -> None:
    _post(client, f"/api/v1/ideas/{idea.id}/metrics", {"metric_id": metric_id, "change_date": "2026-06-01"})


@pytest.fixture
def world(demo: Any, frozen_client: TestClient[Litestar], database: Any) -> dict[str, Any]:
    database(lambda maker: add_colleague(maker, CENTRAL_STAFF, "LAN", "CENTRAL"))
    database(lambda maker: add_colleague(maker, CENTRAL_MANAGER, "LAN", "CENTRAL", "manager", signs_in=True))
    ideas = [
        database(lambda maker, number=number: raise_idea(maker, STAFF, f"Idea {number}", now=_at(2025, 6, 10)))
        for number in range(11)
    ]
    idea = ideas[0]
    database(lambda maker: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH, now=_at(2026, 6, 1)))
    central = database(lambda maker: raise_idea(maker, CENTRAL_STAFF, "Share a van", now=_at(2025, 3, 1)))
    database(lambda maker: move_along(maker, CENTRAL_MANAGER, central.id, *IMPLEMENTED_PATH, now=_at(2026, 6, 1)))

    sign_in_as(frozen_client, "manager")
    fairly = _claim(frozen_client, idea, **_cash("Overtime", "1000.00"))
    not_shown = _claim(frozen_client, idea, **_cash("Fuel", "300.00"))
    patrol = _claim(frozen_client, idea, **_time("Fewer visits", 100, "Neighbourhood patrol"))
    _claim(frozen_client, idea, **_time("Fewer handovers", 300, "Not yet redeployed"))
    _post(
        frozen_client,
        f"/api/v1/ideas/{idea.id}/costs",
        {
            "recurrence": "one_off",
            "kind": "cashable",
            "description": "Training",
            "amount_gbp": "400",
            "starts": "2026-05-01",
        },
    )
    held = _measure(frozen_client, "Pending open incidents", 100, 50)
    slipped = _measure(frozen_client, "Crime reports awaiting allocation", 100, 100)
    for number, each in enumerate(ideas):
        _link(frozen_client, each, held if number < 8 else slipped)
    _link(frozen_client, idea, slipped)

    sign_in(frozen_client, CENTRAL_MANAGER, DEMO_PASSWORD)
    _claim(frozen_client, central, **_time("Shared van", 100, "Not yet redeployed"))

    sign_in_as(frozen_client, "validator")
    _validate(frozen_client, fairly, "fairly_stated")
    _validate(frozen_client, patrol, "fairly_stated")
    _validate(frozen_client, not_shown, "not_shown")
    return {"sizes": database(_sizes)}


async def _sizes(maker: Any) -> dict[str, Any]:
    async with maker() as session:
        rows = await session.execute(
            select(Division.code, Division.id, Division.officers_fte)
            .join(Force, Force.id == Division.force_id)
            .where(Force.code == "LAN", Division.code.in_(("NORTH", "CENTRAL")))
        )
        return {code: (division_id, officers) for code, division_id, officers in rows}


def test_divisions_compare_the_net_headline_sustained_improvements_and_time_not_redeployed(
    world: dict[str, Any], frozen_client: Any
) -> None:
    sign_in(frozen_client, DEMO_EMAILS["force_hq"])
    answer = _api(frozen_client, "/api/v1/dashboards/forces/LAN?fy=2026")
    (north_id, north_officers), (_central_id, central_officers) = world["sizes"]["NORTH"], world["sizes"]["CENTRAL"]
    north, central = _unit(answer, "NORTH"), _unit(answer, "CENTRAL")

    # The headline: fairly stated £1,000 and £3,651, less the £400 cost; the £300 not shown left out.
    savings = north["savings"]
    assert savings["by_grade"]["not_shown"]["total_gbp"] == "300.00"
    assert (savings["gross_gbp"], savings["costs_gbp"], savings["net_gbp"]) == ("4651.00", "400.00", "4251.00")
    net = north["measures"]["net_savings"]
    assert (net["numerator"], net["denominator"]) == (float(NET), float(north_officers))
    assert net["value"] == pytest.approx(float(NET / north_officers))
    # Weighted by size: the force's net over its officers, not the mean of its divisions' figures.
    weighted = NET / (north_officers + central_officers)
    plain = (NET / north_officers + 0 / central_officers) / 2
    assert answer["averages"]["net_savings"] == pytest.approx(float(weighted))
    assert abs(weighted - plain) > plain / 100  # they differ by more than 1%
    # The share of claimed savings validated keeps its meaning: every grade, before costs.
    assert north["measures"]["validated_share"]["value"] == pytest.approx(4951 / (4951 + 10953) * 100)

    # Released time not yet redeployed: 300 of 400 hours and 100 of 100; the force 400 of 500.
    assert north["measures"]["not_redeployed"] == {
        "value": pytest.approx(75.0),
        "numerator": 300.0,
        "denominator": 400.0,
        "too_little_data": False,
    }
    assert central["measures"]["not_redeployed"]["value"] == pytest.approx(100.0)
    assert answer["averages"]["not_redeployed"] == pytest.approx(80.0)  # the mean of the two would be 87.5

    # Improvements that hold: seven of the eleven known, as the division's own dashboard counts them.
    sustained = north["measures"]["sustained_improvements"]
    assert (sustained["numerator"], sustained["denominator"]) == (7.0, 11.0)
    assert sustained["value"] == pytest.approx(7 / 11 * 100)
    assert central["measures"]["sustained_improvements"]["too_little_data"] is True  # none judged
    division = _api(frozen_client, f"/api/v1/dashboards/divisions/{north_id}?fy=2026")
    assert division["sustained"] == {"sustained": 7, "slipping": 4, "not_yet_known": 0}
    assert division["savings"]["net_gbp"] == "4251.00"
    assert division["not_redeployed_share"] == pytest.approx(0.75)

    # The page shows them, named as net, and the downloads carry the same figures.
    page = frozen_client.get("/forces/LAN/dashboard?fy=2026")
    assert page.status_code == 200
    assert "Net headline savings per officer" in page.text
    assert f"£{(NET / north_officers).quantize(D(1), rounding=decimal.ROUND_HALF_UP):,}" in page.text
    for share in ("63.6%", "75.0%", "80.0%"):
        assert share in page.text
    assert 'id="slope-table-net_savings"' in page.text
    download = frozen_client.get("/forces/LAN/dashboard?fy=2026&format=csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    header = rows[0]
    north_row = dict(zip(header, next(row for row in rows if row[1] == "NORTH"), strict=True))
    assert D(north_row["Net headline savings per officer"]) == (NET / north_officers).quantize(
        D("0.01"), rounding=decimal.ROUND_HALF_UP
    )
    assert north_row["Improvements sustained"] == "63.64"
    assert north_row["Released time not yet redeployed"] == "75.00"


def test_forces_compare_the_same_figures_with_a_funnel_of_improvements_that_hold(
    world: dict[str, Any], frozen_client: Any
) -> None:
    sign_in(frozen_client, DEMO_EMAILS["national"])
    answer = _api(frozen_client, "/api/v1/dashboards/national?fy=2026&per=officers")
    lancashire = _unit(answer, "LAN")
    assert lancashire["savings"]["net_gbp"] == "4251.00"
    assert lancashire["measures"]["net_savings"]["numerator"] == float(NET)
    assert lancashire["measures"]["not_redeployed"]["value"] == pytest.approx(80.0)
    assert (
        lancashire["measures"]["sustained_improvements"]["numerator"],
        lancashire["measures"]["sustained_improvements"]["denominator"],
    ) == (7.0, 11.0)
    funnel = _api(frozen_client, "/api/v1/dashboards/national/funnels?measure=sustained_improvements&fy=2026")
    assert funnel["kind"] == "proportion"
    assert funnel["overall_rate"] == pytest.approx(7 / 11 * 100)
    point = next(point for point in funnel["points"] if point["force_code"] == "LAN")
    assert (point["numerator"], point["denominator"], point["within_998"]) == (7.0, 11.0, True)
    page = frozen_client.get("/national?fy=2026&measure=sustained_improvements")
    assert page.status_code == 200
    assert 'id="funnel-table-sustained_improvements"' in page.text


# Each idea's links as (role, state), in the states the test sets on the kept judgements.
LINKS = (
    (("outcome", "sustained"),),
    (("outcome", "sustained"), ("outcome", "sustained")),
    (("outcome", "sustained"), ("outcome", "not_yet_known")),
    (("outcome", "slipping"), ("outcome", "sustained")),
    (("outcome", "not_yet_known"),),
    (("outcome", "not_yet_known"), ("outcome", "slipping")),
    (("outcome", "sustained"), ("balancing", "slipping")),  # a balancing measure is no improvement
    (("balancing", "sustained"),),  # judged by no outcome: not counted
)


def test_improvements_are_counted_in_the_database_by_the_rule_of_an_ideas_state(
    demo: Any, frozen_client: Any, database: Any
) -> None:
    sign_in_as(frozen_client, "manager")
    metrics = [_measure(frozen_client, name, 100, 50) for name in ("First", "Second")]
    states: dict[tuple[uuid.UUID, str], str] = {}  # (idea, measure): the state set on its link
    expected: list[list[Sustained]] = []
    for number, links in enumerate(LINKS):
        idea = database(lambda maker, number=number: raise_idea(maker, STAFF, f"Idea {number}", now=_at(2025, 6, 10)))
        for metric_id, (role, state) in zip(metrics, links, strict=False):
            body = {"metric_id": metric_id, "change_date": "2026-06-01", "role": role}
            _post(frozen_client, f"/api/v1/ideas/{idea.id}/metrics", body)
            states[idea.id, metric_id] = state
        outcomes = [Sustained(state) for role, state in links if role == "outcome"]
        if outcomes:
            expected.append(outcomes)
    rule = dict.fromkeys(Sustained, 0)
    for outcomes in expected:
        rule[idea_state(outcomes)] += 1
    assert rule == {Sustained.SUSTAINED: 3, Sustained.SLIPPING: 2, Sustained.NOT_YET_KNOWN: 2}

    async def counted(maker: Any) -> tuple[Any, Any]:
        async with maker() as session:
            for (idea_id, metric_id), state in states.items():
                await session.execute(
                    update(LinkJudgement)
                    .where(LinkJudgement.idea_id == idea_id, LinkJudgement.metric_id == uuid.UUID(metric_id))
                    .values(sustained=state)
                )
            await session.commit()
            division_id, force_id = (
                await session.execute(
                    select(Division.id, Division.force_id)
                    .join(Force)
                    .where(Division.code == "NORTH", Force.code == "LAN")
                )
            ).one()
            return (
                (await improvements_by(session, [division_id]))[division_id],
                (await improvements_by(session, [force_id], judgements.BY_FORCE))[force_id],
            )

    by_division, by_force = database(counted)
    assert by_division == rule
    assert by_force == rule


def test_the_schema_offers_the_funnel_of_improvements_that_hold(demo: Any, frozen_client: Any) -> None:
    schema = frozen_client.get("/schema/openapi.json").json()
    funnels = schema["paths"]["/api/v1/dashboards/national/funnels"]["get"]
    measure = next(parameter for parameter in funnels["parameters"] if parameter["name"] == "measure")
    assert measure["schema"] == {"$ref": "#/components/schemas/FunnelMeasure"}
    assert "sustained_improvements" in schema["components"]["schemas"]["FunnelMeasure"]["enum"]
