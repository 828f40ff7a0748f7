"""The evidence behind a saving (issue 14): each claim's facts as judged from its measure (the baseline, its
back-filled readings, the change as a special cause of improvement), the idea's balancing measures and
costs; the grade QUEST proposes; a validator grading it, in the API and on the claim's own page; and the
headline counting only claims graded fairly stated, net of costs."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest
from sqlalchemy import select, update

from quest.ideas.models import Idea
from quest.metrics import judgements
from quest.metrics.models import Reading
from quest.savings.models import IdeaCost, SavingsClaim
from quest.savings.year_sums import recost_with
from tests.helpers import DEMO_EMAILS, add_colleague, api_headers, post_form, sign_in, user_id
from tests.integration.test_savings_ledger import implemented_idea
from tests.integration.test_spc_and_impact import alternating, make_metric, put_readings
from tests.rollup_sums import savings_by_year_kept_and_computed

MANAGER = DEMO_EMAILS["manager"]
CHANGE = datetime.date(2026, 6, 1)  # the test ideas' implementation date (tests.helpers.TODAY_FIELDS)
BEFORE_START = datetime.date(2026, 4, 2)  # 60 daily readings before the change
CLAIM = {
    "kind": "non_cashable",
    "status": "claimed",
    "mechanism": "Pending open incidents",
    "hours_per_year": 11500,
    "grade": "constable_sergeant",
    "redeployed_to": "Neighbourhood patrol",
    "period_start": "2026-06-01",
    "evidence": "The before and after of pending open incidents",
}
AMOUNT = "419865.00"  # 11,500 hours at £36.51


def _entered_on_their_days(database: Any, metric_id: str) -> None:
    """The readings entered on the evening of their own days, as a division that counts daily does (the
    API enters them now), then judged again as any write of readings is."""

    async def go(maker: Any) -> None:
        async with maker() as session:
            for day in (
                await session.execute(select(Reading.period_date).where(Reading.metric_id == metric))
            ).scalars():
                await session.execute(
                    update(Reading)
                    .where(Reading.metric_id == metric, Reading.period_date == day)
                    .values(entered_at=datetime.datetime.combine(day, datetime.time(20), datetime.UTC))
                )
            await judgements.judge(session, {metric}, datetime.datetime.now(datetime.UTC))
            await session.commit()

    metric = uuid.UUID(metric_id)
    database(go)


def _a_cost(database: Any, idea: Any) -> None:
    """A one-off cost of £1,200 on the change date, written as the costs service writes one."""

    async def go(maker: Any) -> None:
        async with maker() as session:
            found = await session.get_one(Idea, idea.id)
            session.add(
                IdeaCost(
                    force_id=found.force_id,
                    division_id=found.division_id,
                    idea_id=idea.id,
                    recurrence="one_off",
                    kind="cashable",
                    description="Call-back scripts printed",
                    hours=decimal.Decimal(0),
                    amount=decimal.Decimal("1200.00"),
                    starts=CHANGE,
                    recorded_by=await user_id(maker, MANAGER),
                )
            )
            await session.flush()  # and kept by year, as recording a cost does
            await session.run_sync(lambda sync: recost_with(sync.connection(), {found.division_id}))
            await session.commit()

    database(go)


async def _division_of(maker: Any, idea_id: uuid.UUID) -> uuid.UUID:
    async with maker() as session:
        return (await session.get_one(Idea, idea_id)).division_id


def _measured_claim(signed_in: Any, database: Any, *, on_their_days: bool = True, costs: bool = True) -> Any:
    """An implemented idea judged by a backlog that fell from about 102 to about 9 on its change date, with a
    claim resting on it: (the idea, the measure's id, the claim's id)."""
    idea = implemented_idea(database)
    manager = signed_in("manager")
    metric = make_metric(manager)
    put_readings(manager, metric, [*alternating(100, 104, 60), *alternating(8, 10, 30)], start=BEFORE_START)
    linked = manager.post(f"/api/v1/ideas/{idea.id}/metrics", json={"metric_id": metric}, headers=api_headers(manager))
    assert linked.status_code == 201, linked.text
    if on_their_days:
        _entered_on_their_days(database, metric)
    if costs:
        _a_cost(database, idea)
    made = manager.post(
        f"/api/v1/ideas/{idea.id}/savings", json=CLAIM | {"metric_id": metric}, headers=api_headers(manager)
    )
    assert made.status_code == 201, made.text
    return idea, metric, made.json()["id"]


def _claim_json(client: Any, idea: Any, claim_id: str) -> dict[str, Any]:
    claims = client.get(f"/api/v1/ideas/{idea.id}/savings", headers={"Accept": "application/json"}).json()
    found: dict[str, Any] = next(claim for claim in claims if claim["id"] == claim_id)
    return found


def test_a_claim_with_a_baseline_an_improvement_and_costs_is_proposed_fairly_stated(
    signed_in: Any, database: Any
) -> None:
    idea, metric, claim_id = _measured_claim(signed_in, database)
    check = _claim_json(signed_in("manager"), idea, claim_id)["evidence_check"]
    assert check["proposed_grade"] == "fairly_stated"
    assert check["baseline"] == {
        "metric_id": metric,
        "change_date": "2026-06-01",
        "points": 60,
        "back_filled": 0,
        "warning": None,
    }
    assert [item["holds"] for item in check["checks"]] == [True, True, True, True]
    assert check["worsened_balancing"] == []
    assert check["costs_recorded"] is True


def test_without_costs_or_with_back_filled_readings_the_proposal_has_measurement_issues(
    signed_in: Any, database: Any
) -> None:
    idea, _metric, claim_id = _measured_claim(signed_in, database, on_their_days=False, costs=False)
    check = _claim_json(signed_in("manager"), idea, claim_id)["evidence_check"]
    assert check["proposed_grade"] == "fairly_stated_measurement_issues"
    # Entered today, every reading before 1 June was written once the result was known.
    assert check["baseline"]["back_filled"] == 60
    assert check["baseline"]["warning"] == "60 of the baseline's readings were entered after the change (back-filled)."
    assert "no costs are recorded for the idea" in check["why"]
    validator = signed_in("validator")
    page = validator.get(f"/savings/{claim_id}").text
    assert "60 of the baseline&#39;s readings were entered after the change (back-filled)." in page
    listed = validator.get("/savings?fy=2026&status=claimed").text
    assert "QUEST proposes “fairly stated with measurement issues”" in listed


def test_a_worsened_balancing_measure_flags_the_claim_and_is_proposed_not_shown(signed_in: Any, database: Any) -> None:
    idea, _metric, claim_id = _measured_claim(signed_in, database)
    manager = signed_in("manager")
    repeat_calls = make_metric(manager, "Repeat calls", direction="down", kind="volume")
    # Steady, then far more repeat calls since the change: a special cause of concern.
    put_readings(manager, repeat_calls, [*alternating(20, 22, 60), *alternating(40, 44, 30)], start=BEFORE_START)
    bad = manager.post(
        f"/api/v1/ideas/{idea.id}/metrics",
        json={"metric_id": repeat_calls, "role": "sideways"},
        headers=api_headers(manager),
    )
    assert bad.status_code == 422
    assert set(bad.json()["extra"]["errors"]) == {"role"}
    linked = manager.post(
        f"/api/v1/ideas/{idea.id}/metrics",
        json={"metric_id": repeat_calls, "role": "balancing"},
        headers=api_headers(manager),
    )
    assert linked.status_code == 201, linked.text
    check = _claim_json(manager, idea, claim_id)["evidence_check"]
    assert check["proposed_grade"] == "not_shown"
    assert check["worsened_balancing"] == ["Repeat calls"]
    validator = signed_in("validator")
    listed = validator.get("/savings?fy=2026&status=claimed").text
    assert "Balancing measure worsened</strong> Repeat calls" in listed


def test_a_validator_grades_in_the_api_and_only_fairly_stated_claims_make_the_headline(
    signed_in: Any, database: Any
) -> None:
    idea, _metric, claim_id = _measured_claim(signed_in, database)
    validator = signed_in("validator")
    headers = api_headers(validator)
    # Rejecting with a grade, or differing from the proposal without a reason, is refused by name.
    rejected = validator.post(
        f"/api/v1/savings/{claim_id}/decision",
        json={"decision": "rejected", "note": "No", "grade": "not_shown"},
        headers=headers,
    )
    assert rejected.status_code == 422
    assert set(rejected.json()["extra"]["errors"]) == {"grade"}
    differing = validator.post(
        f"/api/v1/savings/{claim_id}/decision",
        json={"decision": "validated", "note": "Checked.", "grade": "not_shown"},
        headers=headers,
    )
    assert differing.status_code == 422
    assert set(differing.json()["extra"]["errors"]) == {"grade_reason"}
    # Nothing was written by either.
    assert _claim_json(validator, idea, claim_id)["status"] == "claimed"
    # Grading a claim not yet validated is refused.
    early = validator.post(f"/api/v1/savings/{claim_id}/grade", json={"grade": "fairly_stated"}, headers=headers)
    assert early.status_code == 409  # the claim's state refuses it
    assert "Only a validated claim is graded" in early.json()["extra"]["errors"]["grade"]

    validated = validator.post(
        f"/api/v1/savings/{claim_id}/decision",
        json={"decision": "validated", "note": "Checked against the incident log.", "grade": "fairly_stated"},
        headers=headers,
    )
    assert validated.status_code == 200, validated.text
    claim = _claim_json(validator, idea, claim_id)
    assert (claim["evidence_grade"], claim["proposed_grade"], claim["grade_reason"]) == (
        "fairly_stated",
        "fairly_stated",
        "",
    )
    savings = validator.get(f"/api/v1/ideas/{idea.id}/impact", headers={"Accept": "application/json"}).json()["savings"]
    assert savings["by_grade"]["fairly_stated"]["total_gbp"] == AMOUNT
    assert savings["gross_gbp"] == AMOUNT

    # Graded again, differing from the proposal with a reason: out of the headline, on the audit trail.
    regraded = validator.post(
        f"/api/v1/savings/{claim_id}/grade",
        json={"grade": "not_shown", "reason": "The incident log shows the backlog moved to another queue."},
        headers=headers,
    )
    assert regraded.status_code == 200, regraded.text
    division_id = database(lambda maker: _division_of(maker, idea.id))
    division = validator.get(
        f"/api/v1/dashboards/divisions/{division_id}?fy=2026", headers={"Accept": "application/json"}
    ).json()["savings"]
    assert division["by_grade"]["not_shown"]["total_gbp"] != "0.00"
    assert division["by_grade"]["fairly_stated"]["total_gbp"] == "0.00"
    assert division["gross_gbp"] == "0.00"
    # The one-off cost of £1,200 falls in 2026: the headline is net of it.
    assert division["costs_gbp"] == "1200.00"
    assert division["net_gbp"] == "-1200.00"
    kept, computed = database(savings_by_year_kept_and_computed)
    assert kept == computed


def test_nobody_grades_their_own_claim_and_a_manager_cannot_grade(signed_in: Any, database: Any) -> None:
    _idea, _metric, claim_id = _measured_claim(signed_in, database)
    manager = signed_in("manager")
    refused = manager.post(
        f"/api/v1/savings/{claim_id}/grade", json={"grade": "fairly_stated"}, headers=api_headers(manager)
    )
    assert refused.status_code == 404  # out of a manager's reach to validate, as deciding is

    async def claimed_by_the_validator(maker: Any) -> None:
        async with maker() as session:
            await session.execute(
                update(SavingsClaim)
                .where(SavingsClaim.id == uuid.UUID(claim_id))
                .values(claimed_by=await user_id(maker, DEMO_EMAILS["validator"]), status="validated")
            )
            await session.commit()

    database(claimed_by_the_validator)
    validator = signed_in("validator")
    own = validator.post(
        f"/api/v1/savings/{claim_id}/grade", json={"grade": "fairly_stated"}, headers=api_headers(validator)
    )
    assert own.status_code == 422
    assert own.json()["extra"]["errors"]["grade"] == "You made this claim: another validator must decide it"


def test_a_validator_decides_and_grades_on_the_claims_own_page_without_javascript(
    signed_in: Any, database: Any
) -> None:
    _idea, _metric, claim_id = _measured_claim(signed_in, database, costs=False)
    validator = signed_in("validator")
    page = validator.get(f"/savings/{claim_id}")
    assert page.status_code == 200
    assert "QUEST proposes <strong>“fairly stated with measurement issues”</strong>" in page.text
    assert "Fairly stated with measurement issues (proposed)" in page.text
    # Differing from the proposal without a reason: the page again, the error on the field, nothing written.
    again = post_form(
        validator,
        f"/savings/{claim_id}/decision",
        {"decision": "validated", "note": "Checked.", "grade": "fairly_stated", "back": "claim", "version": "1"},
    )
    assert again.status_code == 422
    assert "Say why the grade differs from the one QUEST proposes" in again.text
    assert 'id="grade_reason"' in again.text
    done = post_form(
        validator,
        f"/savings/{claim_id}/decision",
        {
            "decision": "validated",
            "note": "Checked.",
            "grade": "fairly_stated",
            "grade_reason": "The costs were nil: the call-back used the existing phones.",
            "back": "claim",
            "version": "1",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/savings/{claim_id}"
    shown = validator.get(f"/savings/{claim_id}").text
    assert "Graded “fairly stated” by" in shown
    assert "QUEST had proposed “fairly stated with measurement issues”" in shown
    assert "The costs were nil: the call-back used the existing phones." in shown
    # Another force's validator does not find it.
    elsewhere = signed_in("national")
    assert elsewhere.post(
        f"/api/v1/savings/{claim_id}/grade", json={"grade": "not_shown"}, headers=api_headers(elsewhere)
    ).status_code in (403, 404)


def test_a_claims_page_and_its_api_show_the_baseline_its_mean_and_limits(signed_in: Any, database: Any) -> None:
    """The baseline worked out by hand: 60 daily readings alternating 100 and 104 from 2 April to 31 May
    2026, so the mean is 102, every moving range 4, and the limits 102 ± 2.66 × 4 = 91.36 to 112.64."""
    _idea, metric, claim_id = _measured_claim(signed_in, database)
    validator = signed_in("validator")
    found = validator.get(f"/api/v1/savings/{claim_id}", headers={"Accept": "application/json"})
    assert found.status_code == 200, found.text
    assert found.json()["claim"]["id"] == claim_id
    baseline = found.json()["baseline"]
    readings = baseline.pop("readings")
    assert baseline == {
        "metric_id": metric,
        "name": "Pending open incidents",
        "unit": "incidents",
        "change_date": "2026-06-01",
        "points": 60,
        "first_date": "2026-04-02",
        "last_date": "2026-05-31",
        "mean": 102.0,
        "lower_limit": pytest.approx(91.36),
        "upper_limit": pytest.approx(112.64),
        "no_limits": None,
    }
    assert len(readings) == 60
    assert readings[:2] == [{"date": "2026-04-02", "value": 100.0}, {"date": "2026-04-03", "value": 104.0}]
    assert readings[-1] == {"date": "2026-05-31", "value": 104.0}
    page = validator.get(f"/savings/{claim_id}").text
    assert "60, from 2 April 2026 to 31 May 2026" in page
    assert "102.0 incidents" in page
    assert "91.4 to 112.6 incidents" in page
    assert 'id="baseline-chart-title"' in page
    assert "The 60 readings of the baseline" in page
    # A manager of another division does not find it.
    elsewhere = "manager.west@lancashire.example"
    database(lambda maker: add_colleague(maker, elsewhere, "LAN", "WEST", "manager", signs_in=True))
    assert sign_in(validator, elsewhere).status_code == 303
    assert validator.get(f"/api/v1/savings/{claim_id}").status_code == 404
    assert validator.get(f"/savings/{claim_id}").status_code == 404


def test_a_claim_resting_on_no_measure_has_no_baseline_to_show(signed_in: Any, database: Any) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    made = manager.post(
        f"/api/v1/ideas/{idea.id}/savings",
        json=CLAIM | {"mechanism": "Fewer call-backs"},
        headers=api_headers(manager),
    )
    assert made.status_code == 201, made.text
    claim_id = made.json()["id"]
    found = manager.get(f"/api/v1/savings/{claim_id}", headers={"Accept": "application/json"})
    assert found.status_code == 200, found.text
    assert found.json()["baseline"] is None
    assert found.json()["claim"]["evidence_check"]["baseline"] is None
    page = manager.get(f"/savings/{claim_id}").text
    assert "The baseline" not in page
    assert "there is no baseline" in page or "rests on no measure" in page
