"""The savings ledger (issue 5) through the API and the pages: claims valued at the rate card, the
validators' queue, separation of duties, locking and superseding, double counts, financial years, and
the rate card itself."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, update

from quest.audit.models import AuditEntry
from quest.ideas.models import IdeaEvent
from quest.savings.models import RateCardEntry, SavingsClaim
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    People,
    api_headers,
    move_along,
    post_form,
    raise_idea,
    sign_in_as,
    user_id,
)

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
LANCASHIRE = {
    "kind": "non_cashable",
    "status": "claimed",
    "mechanism": "Pending open incidents",
    "hours_per_year": 11500,
    "grade": "constable_sergeant",
    "redeployed_to": "Neighbourhood patrol",
    "period_start": "2026-04-01",
    "evidence": "Pending incidents fell from 1,150 to 100; 11,500 officer hours a year no longer spent on them.",
}


def team(client: Any, *roles: str) -> People:
    """One browser per role, each signed in as the demo user of that role."""
    people = People(client)
    for role in roles:
        sign_in_as(people(role), role)
    return people


def implemented_idea(database: Any, title: str = "Close pending incidents by call-back") -> Any:
    idea = database(lambda maker: raise_idea(maker, STAFF, title))
    database(lambda maker: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH))
    return idea


def claim(client: Any, idea: Any, **changes: Any) -> Any:
    return client.post(f"/api/v1/ideas/{idea.id}/savings", json=LANCASHIRE | changes, headers=api_headers(client))


def decide(client: Any, claim_id: str, decision: str, note: str = "Checked against the incident log.") -> Any:
    return client.post(
        f"/api/v1/savings/{claim_id}/decision",
        json={"decision": decision, "note": note},
        headers=api_headers(client),
    )


def impact(client: Any, idea: Any) -> dict[str, Any]:
    response = client.get(f"/api/v1/ideas/{idea.id}/impact", headers={"Accept": "application/json"})
    assert response.status_code == 200
    savings: dict[str, Any] = response.json()["savings"]
    return savings


async def force_id(session_maker: Any, code: str) -> uuid.UUID:
    from quest.org.models import Force

    async with session_maker() as session:
        found: uuid.UUID = (await session.execute(select(Force.id).where(Force.code == code))).scalar_one()
        return found


async def claim_count(session_maker: Any) -> int:
    async with session_maker() as session:
        return int((await session.execute(select(func.count()).select_from(SavingsClaim))).scalar_one())


def test_the_lancashire_saving_is_valued_at_the_rate_card_and_validated(demo: Any, client: Any, database: Any) -> None:
    idea = implemented_idea(database)
    people = team(client, "manager", "validator")
    manager = people("manager")
    response = claim(manager, idea)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["amount_gbp_per_year"] == "419865.00"  # 11,500 hours at £36.51
    assert body["hourly_rate_gbp"] == "36.51"
    assert body["status"] == "claimed"
    assert impact(manager, idea)["claimed"] == {
        "cashable_gbp": "0.00",
        "non_cashable_gbp": "419865.00",
        "total_gbp": "419865.00",
        "hours": 11500.0,
        "fte": 6.97,  # 11,500 ÷ 1,650: "about 7.0 FTE"
    }
    assert decide(manager, body["id"], "validated").status_code == 404  # not a manager's to decide

    decided = decide(people("validator"), body["id"], "validated")
    assert decided.status_code == 200
    assert decided.json() == {"id": body["id"], "status": "validated"}
    totals = impact(people("validator"), idea)
    assert totals["validated"]["non_cashable_gbp"] == "419865.00"
    assert totals["claimed"]["total_gbp"] == "0.00"
    page = people("validator").get("/savings?fy=2026&status=validated").text
    assert "£419,865.00" in page
    assert "7.0" in page  # FTE, to one decimal place


def test_bad_claims_are_refused_field_by_field_and_nothing_is_written(signed_in: Any, database: Any) -> None:
    submitted = database(lambda maker: raise_idea(maker, STAFF, "Not decided yet"))
    manager = signed_in("manager")
    early = claim(manager, submitted, status="forecast")
    assert early.status_code == 409  # the idea's status refuses it, whatever else the claim says
    assert early.json()["extra"]["errors"] == {"status": "A saving can be forecast once the idea is approved"}

    idea = implemented_idea(database, "Implemented one")
    bad = claim(
        manager,
        idea,
        kind="non_cashable",
        mechanism=" ",
        hours_per_year=-5,
        grade="chief_constable",
        period_start="2026-13-01",
        evidence="",
    )
    assert bad.status_code == 422
    errors = bad.json()["extra"]["errors"]
    assert set(errors) == {"mechanism", "hours_per_year", "grade", "period_start", "evidence"}
    cash = claim(manager, idea, kind="cashable", amount_gbp_per_year="12.345", cost_line="")
    assert cash.json()["extra"]["errors"] == {
        "amount_gbp_per_year": "The amount a year can have at most 2 decimal places",
        "cost_line": "Enter the budget line the money comes off",
    }
    ends_first = claim(manager, idea, period_end="2026-03-31")
    assert ends_first.json()["extra"]["errors"] == {"period_end": "The end must be on or after the start"}

    form = post_form(manager, f"/ideas/{idea.reference}/savings", {"status": "claimed", "kind": "non_cashable"})
    assert form.status_code == 422
    assert 'href="#hours_per_year">' in form.text
    assert 'href="#mechanism">' in form.text
    assert database(claim_count) == 0


def test_nobody_validates_their_own_claim(demo: Any, client: Any, database: Any) -> None:
    idea = implemented_idea(database)
    people = team(client, "manager", "admin", "validator")
    claimed = claim(people("manager"), idea).json()["id"]

    # The inspector moves to the force's finance team: an administrator makes them a validator.
    inspector = database(lambda maker: user_id(maker, MANAGER))
    lancashire = database(lambda maker: force_id(maker, "LAN"))
    changed = post_form(
        people("admin"),
        f"/users/{inspector}/edit",
        {"display_name": "Inspector Priya Shah", "role": "validator", "force_id": str(lancashire), "division_id": ""},
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    sign_in_as(people("inspector"), "manager")  # the same person, now a validator
    own = decide(people("inspector"), claimed, "validated", "Looks right to me.")
    assert own.status_code == 422
    assert own.json()["extra"]["errors"] == {"decision": "You made this claim: another validator must decide it"}
    queue = people("inspector").get("/savings").text
    assert "You made this claim: another validator must decide it." in queue

    assert decide(people("validator"), claimed, "validated").status_code == 200


def test_a_validated_claim_is_locked_and_changed_only_by_one_that_supersedes_it(
    demo: Any, client: Any, database: Any
) -> None:
    idea = implemented_idea(database)
    people = team(client, "manager", "validator")
    first = claim(people("manager"), idea).json()["id"]
    assert decide(people("validator"), first, "validated").status_code == 200
    again = decide(people("validator"), first, "rejected", "Second thoughts")
    assert again.status_code == 409
    assert again.json()["extra"]["errors"] == {
        "decision": "Only a claimed saving can be decided; this one is validated"
    }

    # The manager corrects it (fewer hours): a new claim, the validated one kept but superseded.
    correction = claim(people("manager"), idea, hours_per_year=10000, supersedes=first)
    assert correction.status_code == 201, correction.text
    corrected = correction.json()
    assert corrected["supersedes"] == first
    assert corrected["amount_gbp_per_year"] == "365100.00"
    statuses = {row["id"]: row["status"] for row in people("manager").get(f"/api/v1/ideas/{idea.id}/savings").json()}
    assert statuses == {first: "superseded", corrected["id"]: "claimed"}
    totals = impact(people("manager"), idea)
    assert totals["validated"]["total_gbp"] == "0.00"
    assert totals["claimed"]["total_gbp"] == "365100.00"

    twice = claim(people("manager"), idea, supersedes=first)
    assert twice.status_code == 409
    assert twice.json()["extra"]["errors"] == {"supersedes": "That claim has already been replaced"}
    stranger = claim(people("manager"), idea, supersedes=str(uuid.uuid4()))
    assert stranger.json()["extra"]["errors"] == {"supersedes": "That claim is not one of this idea's"}

    # On the page: a link opens the form filled in from the claim, to correct it.
    page = people("manager").get(f"/ideas/{idea.reference}?replace={corrected['id']}").text
    assert f'name="supersedes" value="{corrected["id"]}"' in page
    assert 'value="10000"' in page
    assert "Correct a claim" in page


def test_a_forecast_becomes_a_claim_once_the_idea_is_implemented(signed_in: Any, database: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Approved, not yet done"))
    database(lambda maker: move_along(maker, MANAGER, idea.id, "under_review", "approved"))
    manager = signed_in("manager")
    too_soon = claim(manager, idea)
    assert too_soon.json()["extra"]["errors"] == {
        "status": "A saving can be claimed once the idea is implemented; until then, forecast it"
    }
    forecast = claim(manager, idea, status="forecast", evidence="")
    assert forecast.status_code == 201, forecast.text
    assert impact(manager, idea)["forecast"]["total_gbp"] == "419865.00"
    database(lambda maker: move_along(maker, MANAGER, idea.id, "in_progress", "implemented"))
    page = manager.get(f"/ideas/{idea.reference}").text
    assert "Claim this forecast" in page
    claimed = claim(manager, idea, supersedes=forecast.json()["id"])
    assert claimed.status_code == 201
    totals = impact(manager, idea)
    assert totals["forecast"]["total_gbp"] == "0.00"
    assert totals["claimed"]["total_gbp"] == "419865.00"


def test_two_claims_on_one_mechanism_are_flagged_and_counted_once(demo: Any, client: Any, database: Any) -> None:
    first_idea = implemented_idea(database, "Call-back first")
    second_idea = implemented_idea(database, "Triage pending incidents daily")
    people = team(client, "manager", "validator")
    claim(people("manager"), first_idea)
    second = claim(people("manager"), second_idea, mechanism="pending open incidents", period_start="2026-10-01")
    assert second.json()["flagged_double_count"] is True
    elsewhere = claim(people("manager"), second_idea, mechanism="Crime allocation", hours_per_year=100)
    assert elsewhere.json()["flagged_double_count"] is False

    page = people("validator").get("/savings?fy=2026").text
    assert page.count("Possible double count</strong>") == 2
    assert "1 possible double count" in page
    # Counted once: £419,865.00 once for the year (not twice), plus the crime allocation hours.
    assert "£423,516.00" in page  # 419,865.00 + 100 × 36.51


@pytest.mark.parametrize(
    ("start", "error"),
    [
        ("2199-01-01", "The date the saving starts must be on or before 31 March 2028, the end of next financial year"),
        ("2028-04-01", "The date the saving starts must be on or before 31 March 2028, the end of next financial year"),
        ("1999-12-31", "The date the saving starts must be in 2000 or later"),
    ],
)
def test_a_saving_cannot_start_beyond_next_financial_year_or_before_2000(
    signed_in: Any, database: Any, start: str, error: str
) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    for status in ("forecast", "claimed"):
        refused = claim(manager, idea, status=status, period_start=start)
        assert refused.status_code == 422
        assert refused.json()["extra"]["errors"] == {"period_start": error}
    page = post_form(
        manager,
        f"/ideas/{idea.reference}/savings",
        {k: str(v) for k, v in (LANCASHIRE | {"period_start": start}).items()},
    )
    assert page.status_code == 422
    assert f'href="#period_start">{error}' in page.text
    assert claim(manager, idea, period_start="2028-03-31").status_code == 201  # the last day allowed


def test_a_year_share_says_why_it_is_not_the_yearly_amount(signed_in: Any, database: Any) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    assert claim(manager, idea, period_start="2026-08-01").status_code == 201
    page = manager.get("/savings?fy=2026").text
    # 243 of the year's 365 days: £419,865.00 × 243 ÷ 365.
    assert "In 2026 to 2027: <strong>£279,526.56</strong>, this year’s share, from 1 August 2026" in page
    whole = manager.get("/savings?fy=2027").text
    assert "In 2027 to 2028: <strong>£419,865.00</strong></p>" in whole


def test_totals_fall_in_the_financial_year_of_each_day_of_the_claim(signed_in: Any, database: Any) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    bounded = claim(
        manager,
        idea,
        kind="cashable",
        mechanism="Overtime",
        cost_line="Overtime",
        amount_gbp_per_year="36500.00",
        period_start="2027-03-31",
        period_end="2027-04-01",
    )
    assert bounded.status_code == 201, bounded.text
    # One day in the year to 31 March 2027 (of 365), one in the year from 1 April 2027 (of 366).
    assert "£100.00" in manager.get("/savings?fy=2026&status=claimed").text
    assert "£99.73" in manager.get("/savings?fy=2027&status=claimed").text
    assert "£0.00" in manager.get("/savings?fy=2025&status=claimed").text


def test_a_claim_starting_after_a_rate_change_uses_the_new_rate(demo: Any, client: Any, database: Any) -> None:
    idea = implemented_idea(database)
    people = team(client, "force_hq", "manager")
    hq = people("force_hq")
    changed = hq.put(
        "/api/v1/forces/LAN/rate-card",
        json={"rates": [{"grade": "constable_sergeant", "hourly_rate_gbp": "38.00", "effective_from": "2026-10-01"}]},
        headers=api_headers(hq),
    )
    assert changed.status_code == 200, changed.text
    card = {(rate["grade"], rate["effective_from"]): rate["hourly_rate_gbp"] for rate in changed.json()["rates"]}
    assert card[("constable_sergeant", "2026-10-01")] == "38.00"

    before = claim(people("manager"), idea, period_start="2026-09-30").json()
    after = claim(people("manager"), idea, mechanism="Crime allocation", period_start="2026-10-01").json()
    assert (before["hourly_rate_gbp"], before["amount_gbp_per_year"]) == ("36.51", "419865.00")
    assert (after["hourly_rate_gbp"], after["amount_gbp_per_year"]) == ("38.00", "437000.00")

    async def audited(session_maker: Any) -> list[str]:
        async with session_maker() as session:
            rows = await session.execute(
                select(AuditEntry.action, AuditEntry.actor_label).where(AuditEntry.entity == "rate_card_entries")
            )
            return [f"{action} by {actor}" for action, actor in rows]

    assert database(audited) == ["create by hq@lancashire.example"]


def test_the_rate_card_changes_all_or_nothing_and_only_for_headquarters(demo: Any, client: Any, database: Any) -> None:
    people = team(client, "force_hq", "manager")
    hq = people("force_hq")
    bad = hq.put(
        "/api/v1/forces/LAN/rate-card",
        json={
            "rates": [
                {"grade": "pcso", "hourly_rate_gbp": "30.00", "effective_from": "2027-04-01"},
                {"grade": "constable_sergeant", "hourly_rate_gbp": "-1", "effective_from": "2027-04-01"},
                {"grade": "superhero", "hourly_rate_gbp": "99", "effective_from": "someday"},
            ],
            "productive_hours_per_fte": 1600,
        },
        headers=api_headers(hq),
    )
    assert bad.status_code == 422
    assert bad.json()["extra"]["errors"] == {
        "rates[1].hourly_rate": "The rate must be more than 0",
        "rates[2].grade": "Choose a grade",
        "rates[2].effective_from": "The date it takes effect must be a real date, like 2026-04-01",
    }

    async def entries(session_maker: Any) -> int:
        async with session_maker() as session:
            return int((await session.execute(select(func.count()).select_from(RateCardEntry))).scalar_one())

    assert database(entries) == 0
    card = hq.get("/api/v1/forces/LAN/rate-card", headers={"Accept": "application/json"}).json()
    assert card["productive_hours_per_fte"] == 1650.0
    assert {rate["grade"]: rate["hourly_rate_gbp"] for rate in card["rates"]} == {
        "pcso": "28.90",
        "constable_sergeant": "36.51",
        "inspector_above": "58.79",
        "police_staff": "28.90",
    }
    assert all(rate["default"] for rate in card["rates"])

    assert people("manager").get("/api/v1/forces/LAN/rate-card").status_code == 200  # to read, when claiming
    refused = people("manager").put(
        "/api/v1/forces/LAN/rate-card", json={"rates": []}, headers=api_headers(people("manager"))
    )
    assert refused.status_code == 404
    assert people("manager").get("/api/v1/forces/CHE/rate-card").status_code == 404


def test_the_validator_decides_from_the_queue_with_a_note_and_the_submitter_is_told(
    demo: Any, client: Any, database: Any
) -> None:
    idea = implemented_idea(database)
    people = team(client, "manager", "validator", "staff")
    claimed = claim(people("manager"), idea).json()["id"]
    validator = people("validator")
    queue = validator.get("/savings").text
    assert "Claims to validate" in queue
    assert idea.reference in queue

    missing = post_form(validator, f"/savings/{claimed}/decision", {"decision": "rejected", "note": ""})
    assert missing.status_code == 422
    assert f'href="#note-{claimed}">Say why: the division will see your note' in missing.text
    rejected = post_form(
        validator,
        f"/savings/{claimed}/decision",
        {"decision": "rejected", "note": "No before-and-after figures.", "fy": "2026", "status": "claimed"},
        follow_redirects=False,
    )
    assert rejected.status_code == 303
    assert rejected.headers["location"] == "/savings?fy=2026&status=claimed"

    async def timeline(session_maker: Any) -> list[str]:
        async with session_maker() as session:
            rows = await session.execute(
                select(IdeaEvent.kind).where(IdeaEvent.idea_id == idea.id).order_by(IdeaEvent.occurred_at)
            )
            return list(rows.scalars())

    assert database(timeline)[-2:] == ["saving_claimed", "saving_rejected"]
    staff = people("staff")
    assert "Dee Okafor (Finance) rejected a saving" in staff.get("/notifications").text
    assert "No before-and-after figures." in staff.get(f"/ideas/{idea.reference}").text


def _decision_form(page: str, claim_id: str) -> str:
    """The decision form inside the claim's own block of the validators' queue."""
    block = page.split(f'id="claim-{claim_id}"', 1)[1].split('class="quest-claim"', 1)[0]
    return block[block.index("<form") : block.index("</form>")]


def test_each_decision_form_on_the_queue_is_its_claims_own_and_an_error_keeps_what_was_typed(
    demo: Any, client: Any, database: Any
) -> None:
    idea = implemented_idea(database)
    people = team(client, "manager", "validator")
    first = claim(people("manager"), idea).json()["id"]
    second = claim(people("manager"), idea, mechanism="Crime reports awaiting allocation").json()["id"]

    async def bump_version(session_maker: Any) -> None:
        async with session_maker() as session, session.begin():
            await session.execute(update(SavingsClaim).where(SavingsClaim.id == uuid.UUID(second)).values(version=7))

    database(bump_version)
    validator = people("validator")
    queue = validator.get("/savings").text
    for claim_id, version in ((first, "1"), (second, "7")):
        form = _decision_form(queue, claim_id)
        assert f'action="/savings/{claim_id}/decision"' in form
        assert f'hx-post="/savings/{claim_id}/decision"' in form
        assert f'name="version" value="{version}"' in form
        assert f'id="decision-{claim_id}"' in form
        assert f'for="decision-{claim_id}-2"' in form
        assert f'id="note-{claim_id}"' in form
        assert "checked" not in form

    refused = post_form(validator, f"/savings/{second}/decision", {"decision": "rejected", "note": "", "version": "7"})
    assert refused.status_code == 422
    typed = _decision_form(refused.text, second)
    assert f'id="decision-{second}-2" name="decision" type="radio" value="rejected" checked' in typed
    assert "govuk-error-message" in typed
    untouched = _decision_form(refused.text, first)
    assert "checked" not in untouched
    assert "govuk-error-message" not in untouched


@pytest.mark.parametrize("role", ["staff", "validator", "force_hq", "national"])
def test_only_the_divisions_manager_records_savings(role: str, signed_in: Any, database: Any) -> None:
    idea = implemented_idea(database)
    client = signed_in(role)
    assert claim(client, idea).status_code == 404
    assert database(claim_count) == 0


def test_claims_and_decisions_are_audited(demo: Any, client: Any, database: Any) -> None:
    idea = implemented_idea(database)
    people = team(client, "manager", "validator")
    claimed = claim(people("manager"), idea).json()["id"]
    decide(people("validator"), claimed, "validated")

    async def audited(session_maker: Any) -> list[str]:
        async with session_maker() as session:
            rows = await session.execute(
                select(AuditEntry.action, AuditEntry.actor_label)
                .where(AuditEntry.entity == "savings_claims")
                .order_by(AuditEntry.occurred_at, AuditEntry.id)
            )
            return [f"{action} by {actor}" for action, actor in rows]

    assert database(audited) == ["create by manager@lancashire.example", "update by validator@lancashire.example"]


def test_the_period_starts_on_a_date_and_money_stays_exact(signed_in: Any, database: Any) -> None:
    idea = implemented_idea(database)
    manager = signed_in("manager")
    odd = claim(manager, idea, hours_per_year="0.01")
    assert odd.json()["amount_gbp_per_year"] == "0.37"  # 0.3651 rounds half up to the penny
    assert datetime.date.fromisoformat(odd.json()["period_start"]) == datetime.date(2026, 4, 1)


@pytest.mark.parametrize(("field", "value"), [("fy", "²"), ("version", "²"), ("fy", "99999")])
def test_a_decision_whose_year_or_version_is_no_whole_number_reads_it_as_none_not_a_500(
    field: str, value: str, demo: Any, client: Any, database: Any
) -> None:
    """‘²’ passes ``str.isdigit`` but is no whole number, and year 99999 has no financial year: each is read
    as no number at all, like a missing one."""
    idea = implemented_idea(database)
    people = team(client, "manager", "validator")
    claimed = claim(people("manager"), idea).json()["id"]
    unexplained = post_form(
        people("validator"),
        f"/savings/{claimed}/decision",
        {"decision": "rejected", "note": "", "status": "claimed", field: value},
    )
    assert unexplained.status_code == 422  # the ledger shown again, with the error, for the current year
    assert "Say why: the division will see your note" in unexplained.text
    answer = post_form(
        people("validator"),
        f"/savings/{claimed}/decision",
        {"decision": "rejected", "note": "No before-and-after figures.", "status": "claimed", field: value},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/savings?fy=&status=claimed"
