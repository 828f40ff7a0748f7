"""An idea's costs (issue 14): recorded and removed by its division's managers through the API and the idea
page, valued as a claim's time is, refused field by field, kept by year beside their records, set against
the idea's savings (its impact's totals, and the payback), and shown to the practice library without who
recorded them."""

from __future__ import annotations

import asyncio
import datetime
import decimal
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, update

from quest.audit.models import AuditEntry
from quest.config import Settings
from quest.db import open_database, writing
from quest.ideas.models import IdeaEvent
from quest.savings.evidence import EvidenceGrade
from quest.savings.idea_costs import CostInput, record_cost
from quest.savings.ledger import ledger_for_force
from quest.savings.models import IdeaCost, SavingsClaim
from tests.conftest import run
from tests.helpers import (
    DEMO_EMAILS,
    add_colleague,
    api_headers,
    current_user_for,
    move_along,
    post_form,
    raise_idea,
    sign_in,
)
from tests.integration.test_savings_ledger import claim, decide, implemented_idea, team
from tests.rollup_sums import costs_by_year_kept_and_computed

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
TRAINING = {
    "recurrence": "one_off",
    "kind": "non_cashable",
    "description": "Training the call-back team",
    "hours": 30,
    "grade": "constable_sergeant",
    "starts": "2026-09-30",
}
LICENCE = {
    "recurrence": "recurring",
    "kind": "cashable",
    "description": "Call-back software licence",
    "amount_gbp": "2400",
    "starts": "2026-04-01",
}


ASK_AMOUNT = "Enter the amount a year in pounds, like 1095.30 (0 if there was no cost)"
ASK_GRADE = "Choose the grade of the people whose time it took"
ONE_OFF_ENDS = "A one-off cost has no end date: leave it empty, or choose recurring"


def add_cost(client: Any, idea: Any, **fields: Any) -> Any:
    return client.post(f"/api/v1/ideas/{idea.id}/costs", json=fields, headers=api_headers(client))


def costs_of(client: Any, idea: Any) -> Any:
    return client.get(f"/api/v1/ideas/{idea.id}/costs", headers={"Accept": "application/json"})


def remove(client: Any, idea: Any, cost_id: str) -> Any:
    return client.delete(f"/api/v1/ideas/{idea.id}/costs/{cost_id}", headers=api_headers(client))


async def cost_count(session_maker: Any) -> int:
    async with session_maker() as session:
        return int((await session.execute(select(func.count()).select_from(IdeaCost))).scalar_one())


def rollup_holds(database: Any) -> dict[Any, Any]:
    """The costs by year as kept, once checked against the costs themselves."""
    kept, computed = database(costs_by_year_kept_and_computed)
    assert kept == computed
    rows: dict[Any, Any] = kept["costs_by_year"]
    return rows


def test_time_is_valued_at_the_rate_in_force_on_the_day_the_cost_starts(demo: Any, client: Any, database: Any) -> None:
    idea = implemented_idea(database)
    people = team(client, "force_hq", "manager")
    hq = people("force_hq")
    changed = hq.put(
        "/api/v1/forces/LAN/rate-card",
        json={"rates": [{"grade": "constable_sergeant", "hourly_rate_gbp": "38.00", "effective_from": "2026-10-01"}]},
        headers=api_headers(hq),
    )
    assert changed.status_code == 200, changed.text
    manager = people("manager")
    before = add_cost(manager, idea, **TRAINING)
    assert before.status_code == 201, before.text
    after = add_cost(manager, idea, **TRAINING | {"starts": "2026-10-01"})
    body = before.json()
    assert (body["hourly_rate_gbp"], body["amount_gbp"], body["hours"]) == ("36.51", "1095.30", 30.0)
    assert (after.json()["hourly_rate_gbp"], after.json()["amount_gbp"]) == ("38.00", "1140.00")
    assert body["recurrence"] == "one_off"
    assert body["kind"] == "non_cashable"
    assert body["grade"] == "constable_sergeant"
    assert body["recorded_by"] == manager.get("/api/v1/me").json()["display_name"]
    assert body["ends"] is None
    assert body["starts"] == "2026-09-30"

    async def timeline(session_maker: Any) -> list[tuple[str, str]]:
        async with session_maker() as session:
            rows = await session.execute(
                select(IdeaEvent.kind, IdeaEvent.body)
                .where(IdeaEvent.idea_id == idea.id, IdeaEvent.kind.like("cost_%"))
                .order_by(IdeaEvent.occurred_at, IdeaEvent.id)
            )
            return [(kind, text) for kind, text in rows]

    assert database(timeline)[0] == (
        "cost_recorded",
        "One-off cost: Training the call-back team, £1,095.30 (30 hours of constable and sergeant at £36.51)",
    )
    assert remove(manager, idea, body["id"]).status_code == 204
    assert database(timeline)[-1][0] == "cost_removed"
    assert [cost["id"] for cost in costs_of(manager, idea).json()["costs"]] == [after.json()["id"]]


def test_bad_costs_are_refused_field_by_field_and_nothing_is_written(signed_in: Any, database: Any) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    nonsense = add_cost(manager, idea, recurrence="weekly", kind="gold", description=" ", starts="2026-13-01")
    assert nonsense.status_code == 422
    assert set(nonsense.json()["extra"]["errors"]) == {"recurrence", "kind", "description", "starts"}
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"amount_gbp": "-1"}, {"amount_gbp": "The amount a year must be 0 or more"}),
        ({"amount_gbp": "12.345"}, {"amount_gbp": "The amount a year can have at most 2 decimal places"}),
        (
            {"amount_gbp": None},
            {"amount_gbp": "Enter the amount a year in pounds, like 1095.30 (0 if there was no cost)"},
        ),
        (
            {"amount_gbp": "lots"},
            {"amount_gbp": "Enter the amount a year in pounds, like 1095.30 (0 if there was no cost)"},
        ),
        ({"description": "x" * 201}, {"description": "What the cost was for must be 200 characters or fewer"}),
        ({"ends": "2026-03-31"}, {"ends": "The end must be on or after the start"}),
        ({"ends": "someday"}, {"ends": "The date it ends must be a real date, like 2026-04-01"}),
        ({"starts": "1999-12-31"}, {"starts": "The date the cost starts must be in 2000 or later"}),
        (
            {"starts": "2028-04-01"},
            {"starts": "The date the cost starts must be on or before 31 March 2028, the end of next financial year"},
        ),
        (
            {"recurrence": "one_off", "ends": "2027-01-01"},
            {"ends": "A one-off cost has no end date: leave it empty, or choose recurring"},
        ),
        (
            {"kind": "non_cashable", "hours": 0, "grade": "chief_constable"},
            {
                "hours": "The hours a year must be more than 0",
                "grade": "Choose the grade of the people whose time it took",
            },
        ),
        (
            {"kind": "non_cashable", "hours": "1.234", "grade": "pcso"},
            {"hours": "The hours a year can have at most 2 decimal places"},
        ),
    ]
    for changes, errors in cases:
        refused = add_cost(manager, idea, **LICENCE | changes)
        assert refused.status_code == 422, (changes, refused.text)
        assert refused.json()["extra"]["errors"] == errors, changes
    # A body that is not the shape of a cost is refused too, never a 500.
    assert add_cost(manager, idea, **LICENCE | {"amount_gbp": [1]}).status_code in (400, 422)
    assert database(cost_count) == 0
    assert rollup_holds(database) == {}


def test_a_cost_of_nothing_is_recorded_as_costs_looked_at(signed_in: Any, database: Any) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    nothing = add_cost(manager, idea, **LICENCE | {"recurrence": "one_off", "amount_gbp": "£0", "description": "None"})
    assert nothing.status_code == 201, nothing.text
    assert nothing.json()["amount_gbp"] == "0.00"
    assert costs_of(manager, idea).json()["one_off_gbp"] == "0.00"


@pytest.mark.parametrize("role", ["staff", "validator", "force_hq", "national", "admin"])
def test_only_the_divisions_manager_records_or_removes_costs(role: str, demo: Any, client: Any, database: Any) -> None:
    idea = implemented_idea(database)
    people = team(client, "manager", role)
    cost_id = add_cost(people("manager"), idea, **LICENCE).json()["id"]
    other = people(role)
    assert add_cost(other, idea, **LICENCE).status_code == 404
    assert remove(other, idea, cost_id).status_code == 404
    assert database(cost_count) == 1


def test_another_division_or_force_is_refused_as_if_the_idea_were_not_there(
    demo: Any, client: Any, database: Any
) -> None:
    idea = implemented_idea(database)
    under_way = database(lambda maker: raise_idea(maker, STAFF, "Not implemented yet"))
    database(lambda maker: move_along(maker, MANAGER, under_way.id, "under_review", "approved"))
    for email, force, division in (("west@lancashire.example", "LAN", "WEST"), ("che@cheshire.example", "CHE", "EAST")):
        database(lambda maker, e=email, f=force, d=division: add_colleague(maker, e, f, d, "manager", signs_in=True))
    people = team(client, "manager")
    cost_id = add_cost(people("manager"), idea, **LICENCE).json()["id"]
    for email in ("west@lancashire.example", "che@cheshire.example"):
        other = people(email)
        sign_in(other, email)
        assert add_cost(other, idea, **LICENCE).status_code == 404
        assert remove(other, idea, cost_id).status_code == 404
        # The implemented idea's costs are in the practice library, without who recorded them; the other
        # idea is out of reach altogether.
        seen = costs_of(other, idea)
        assert seen.status_code == 200
        assert [(cost["description"], cost["recorded_by"]) for cost in seen.json()["costs"]] == [
            ("Call-back software licence", None)
        ]
        assert costs_of(other, under_way).status_code == 404
    assert database(cost_count) == 1
    # A cost that is not the idea's is not found on it.
    assert remove(people("manager"), under_way, cost_id).status_code == 404
    assert remove(people("manager"), idea, str(uuid.uuid4())).status_code == 404


def test_costs_are_recorded_while_the_idea_is_open_and_kept_once_it_is_closed(signed_in: Any, database: Any) -> None:
    manager = signed_in("manager")
    submitted = database(lambda maker: raise_idea(maker, STAFF, "Just raised"))
    closed = add_cost(manager, submitted, **LICENCE)
    assert closed.status_code == 409
    assert "this one is submitted now" in closed.json()["detail"]
    database(lambda maker: move_along(maker, MANAGER, submitted.id, "under_review"))
    assert add_cost(manager, submitted, **LICENCE).status_code == 201  # a trial, while it is reviewed
    database(lambda maker: move_along(maker, MANAGER, submitted.id, "approved"))
    cost_id = add_cost(manager, submitted, **TRAINING).json()["id"]
    database(lambda maker: move_along(maker, MANAGER, submitted.id, "declined"))
    assert remove(manager, submitted, cost_id).status_code == 409
    assert add_cost(manager, submitted, **LICENCE).status_code == 409
    # What was spent stays on the record, and counts.
    assert len(costs_of(manager, submitted).json()["costs"]) == 2
    assert database(cost_count) == 2
    assert len(rollup_holds(database)) > 0


async def _grade(session_maker: Any, claim_id: str) -> None:
    """The validator's grade, as grading (the lead's) will set it."""
    async with session_maker() as session, session.begin():
        await session.execute(
            update(SavingsClaim)
            .where(SavingsClaim.id == uuid.UUID(claim_id))
            .values(evidence_grade=EvidenceGrade.FAIRLY_STATED)
        )


def test_costs_are_netted_off_the_ideas_savings_and_paid_back(demo: Any, client: Any, database: Any) -> None:
    idea = implemented_idea(database)
    people = team(client, "manager", "validator")
    manager = people("manager")
    assert costs_of(manager, idea).json() == {
        "costs": [],
        "one_off_gbp": "0.00",
        "recurring_gbp_per_year": "0.00",
        "payback_months": None,
        "payback_against": None,
    }
    saving = claim(manager, idea, kind="cashable", cost_line="Overtime", amount_gbp_per_year="12000").json()["id"]
    add_cost(manager, idea, **LICENCE)
    add_cost(manager, idea, **LICENCE | {"recurrence": "one_off", "description": "Training", "amount_gbp": "3000"})
    claimed = costs_of(manager, idea).json()
    assert (claimed["payback_against"], claimed["payback_months"]) == ("claimed", 3.8)  # 3,000 × 12 ÷ 9,600
    assert decide(people("validator"), saving, "validated").status_code == 200
    database(lambda maker: _grade(maker, saving))
    manager = people("manager")
    validated = costs_of(manager, idea).json()
    assert validated["one_off_gbp"] == "3000.00"
    assert validated["recurring_gbp_per_year"] == "2400.00"
    assert (validated["payback_against"], validated["payback_months"]) == ("validated", 3.8)
    totals = manager.get(f"/api/v1/ideas/{idea.id}/impact", headers={"Accept": "application/json"}).json()["savings"]
    assert (totals["gross_gbp"], totals["costs_gbp"], totals["net_gbp"]) == ("12000.00", "2400.00", "9600.00")
    page = manager.get(f"/ideas/{idea.reference}").text
    costs = page.partition('<section id="costs"')[2].partition("</section>")[0]
    assert "3.8 months, against its validated savings of £12,000.00 a year" in costs
    assert "£2,400.00 a year" in costs
    assert "£3,000.00" in costs

    # Recurring costs above the saving: it never pays back.
    extra = add_cost(manager, idea, **LICENCE | {"description": "Extra call handlers", "amount_gbp": "10000"})
    assert extra.status_code == 201, extra.text
    never = costs_of(manager, idea).json()
    assert (never["payback_against"], never["payback_months"]) == ("validated", None)
    assert "Never pays back: its validated savings (£12,000.00 a year) do not exceed its recurring costs" in (
        manager.get(f"/ideas/{idea.reference}").text
    )
    # The force's ledger (and the dashboards) net the same costs off the year, from the costs kept by year:
    # 3,000 once, and 12,400 a year.
    assert database(_years_costs) == decimal.Decimal("15400.00")
    rollup_holds(database)


async def _years_costs(session_maker: Any) -> decimal.Decimal:
    viewer = await current_user_for(session_maker, MANAGER)
    async with session_maker() as session:
        return (await ledger_for_force(session, viewer, 2026)).totals.costs.total_gbp


def test_the_costs_by_year_follow_each_cost_recorded_and_removed(signed_in: Any, database: Any) -> None:
    ideas = [implemented_idea(database, f"Idea {number}") for number in range(2)]
    manager = signed_in("manager")
    made = [
        add_cost(manager, ideas[0], **LICENCE | {"starts": "2025-10-01", "ends": "2027-06-30"}),
        add_cost(manager, ideas[0], **TRAINING),
        add_cost(manager, ideas[1], **TRAINING | {"recurrence": "recurring", "starts": "2026-02-14"}),
    ]
    assert [response.status_code for response in made] == [201, 201, 201]
    kept = rollup_holds(database)
    # Parts of 2025 and 2027, the whole of 2026, and the changes in whole years where they begin and end.
    assert {year for _division, year in kept} == {2025, 2026, 2027}
    for response, idea in zip(made, (ideas[0], ideas[0], ideas[1]), strict=True):
        assert remove(manager, idea, response.json()["id"]).status_code == 204
        rollup_holds(database)
    assert rollup_holds(database) == {}


def test_two_managers_recording_at_once_in_one_division_are_both_kept_by_year(
    settings: Settings, demo: Any, database: Any
) -> None:
    """PostgreSQL: the division's row is locked while its costs by year are rebuilt, so whichever rebuilds
    second sees the first's cost (SQLite writes one at a time anyway)."""
    ideas = [implemented_idea(database, f"Idea {number}") for number in range(2)]
    second_manager = "second.manager@lancashire.example"
    database(lambda maker: add_colleague(maker, second_manager, "LAN", "NORTH", role="manager"))
    now = datetime.datetime.now(datetime.UTC)

    async def at_once() -> None:
        async with open_database(settings) as maker:
            viewers = [await current_user_for(maker, email) for email in (MANAGER, second_manager)]

            async def one(viewer: Any, idea: Any) -> uuid.UUID:
                with writing():
                    async with maker() as session:
                        return await record_cost(
                            session, viewer, idea.id, CostInput(**LICENCE), now=now, today=now.date()
                        )

            await asyncio.gather(*(one(viewer, idea) for viewer, idea in zip(viewers, ideas, strict=True)))

    run(at_once())
    kept = rollup_holds(database)
    assert database(cost_count) == 2
    # Both licences, £2,400 a year each, whole years from 2026.
    assert [figures[1] for (_division, year), figures in kept.items() if year == 2026] == [480000]


def test_a_manager_adds_and_removes_a_cost_on_the_idea_page_without_javascript(
    demo: Any, client: Any, database: Any
) -> None:
    idea = implemented_idea(database)
    people = team(client, "manager", "staff")
    manager = people("manager")
    url = f"/ideas/{idea.reference}"
    form = manager.get(url).text.partition('id="record-cost"')[2].partition("</details>")[0]
    for field in ("description", "recurrence", "cost_kind", "amount_gbp", "hours", "cost_grade", "starts", "ends"):
        assert f'name="{field}"' in form

    missing = post_form(manager, f"{url}/costs", {"description": "", "cost_kind": "cashable"})
    assert missing.status_code == 422
    for field in ("description", "recurrence", "amount_gbp", "starts"):
        assert f'href="#{field}"' in missing.text
    assert 'id="record-cost" open' in missing.text
    # The savings form's own kind and grade are not marked wrong, nor opened.
    assert 'id="record-saving" open' not in missing.text

    added = post_form(
        manager,
        f"{url}/costs",
        {
            "description": "Training the call-back team",
            "recurrence": "one_off",
            "cost_kind": "non_cashable",
            "hours": "30",
            "cost_grade": "constable_sergeant",
            "starts": "2026-09-30",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"{url}#costs"
    page = manager.get(url).text
    costs = page.partition('<section id="costs"')[2].partition("</section>")[0]
    assert "Training the call-back team" in costs
    assert "30 hours of constable and sergeant at £36.51 an hour" in costs
    assert "1,095.30" in costs
    assert "The cost has been recorded" in page
    assert "No validated or claimed savings yet to set the costs against" in costs
    cost_id = re.search(r'id="cost-([0-9a-f-]{36})"', costs)
    assert cost_id is not None

    # Staff of the division see the costs, and may not remove them.
    staff_page = people("staff").get(url).text
    assert "Training the call-back team" in staff_page
    assert "/remove" not in staff_page.partition('<section id="costs"')[2].partition("</section>")[0]

    manager = people("manager")
    removed = post_form(manager, f"{url}/costs/{cost_id.group(1)}/remove", {}, follow_redirects=False)
    assert removed.status_code == 303
    page = manager.get(url).text
    assert "No costs recorded yet." in page
    assert "One-off cost: Training the call-back team, £1,095.30" in page  # on the timeline, twice
    assert "Cost removed" in page


def test_the_practice_library_sees_the_costs_not_who_recorded_them(demo: Any, client: Any, database: Any) -> None:
    idea = implemented_idea(database)
    database(lambda maker: add_colleague(maker, "che@cheshire.example", "CHE", "EAST", signs_in=True))
    people = team(client, "manager")
    add_cost(people("manager"), idea, **LICENCE)
    manager_name = people("manager").get("/api/v1/me").json()["display_name"]
    outsider = people("che")
    sign_in(outsider, "che@cheshire.example")
    page = outsider.get(f"/ideas/{idea.reference}").text
    costs = page.partition('<section id="costs"')[2].partition("</section>")[0]
    assert "Call-back software licence" in costs
    assert "£2,400.00 a year" in costs
    assert manager_name not in page
    assert "record-cost" not in costs
    assert "/remove" not in costs


def test_costs_are_audited(signed_in: Any, database: Any) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    remove(manager, idea, add_cost(manager, idea, **LICENCE).json()["id"])

    async def audited(session_maker: Any) -> list[str]:
        async with session_maker() as session:
            rows = await session.execute(
                select(AuditEntry.action, AuditEntry.actor_label)
                .where(AuditEntry.entity == "idea_costs")
                .order_by(AuditEntry.occurred_at, AuditEntry.id)
            )
            return [f"{action} by {actor}" for action, actor in rows]

    assert database(audited) == ["create by manager@lancashire.example", "delete by manager@lancashire.example"]


def test_the_schema_lists_the_costs_with_their_choices_and_refusals(client: Any) -> None:
    schema = client.get("/schema/openapi.json").json()
    costs, one = (
        schema["paths"]["/api/v1/ideas/{idea_id}/costs"],
        schema["paths"]["/api/v1/ideas/{idea_id}/costs/{cost_id}"],
    )
    assert {"get", "post"} <= set(costs)
    assert "delete" in one
    assert {"401", "403", "404", "409", "422"} <= set(costs["post"]["responses"])
    assert "201" in costs["post"]["responses"]
    assert "204" in one["delete"]["responses"]
    assert {"404", "409"} <= set(one["delete"]["responses"])
    body = schema["components"]["schemas"]["CostIn"]["properties"]
    assert body["recurrence"]["enum"] == ["one_off", "recurring"]
    assert body["kind"]["enum"] == ["cashable", "non_cashable"]
    assert body["grade"]["enum"] == ["pcso", "constable_sergeant", "inspector_above", "police_staff"]
    answer = schema["components"]["schemas"]["CostsOut"]["properties"]
    assert {"costs", "one_off_gbp", "recurring_gbp_per_year", "payback_months", "payback_against"} <= set(answer)
