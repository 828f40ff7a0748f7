"""The access matrix of DESIGN §3, cell by cell, through HTTP.

Every role (the demo users, in Lancashire's Northern division where a role has a place) against every
kind of record that exists so far, in three places: the role's own division, another division of the
same force, and another force; read and write. A record out of reach answers 404, so its existence is
not revealed; a page the role cannot use at all answers 403.

Later issues add their records (dashboards, metrics' links, an idea's costs) to RECORDS and EXPECTED.
"""

from __future__ import annotations

import datetime
import decimal
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from quest.accounts.models import User
from quest.accounts.roles import Role
from quest.clock import LONDON
from quest.ideas.models import Idea, IdeaEvent
from quest.ideas.record import next_reference
from quest.ideas.status import IdeaStatus
from quest.metrics.models import IdeaMetric, Metric, Reading
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.org.models import Division, Force
from quest.savings.costs import CostRecurrence
from quest.savings.double_counts import regroup_all
from quest.savings.models import IdeaCost, SavingsClaim
from quest.savings.rules import ClaimKind, ClaimStatus
from quest.waste.models import WasteObservation
from quest.waste.types import WasteType
from tests.helpers import post_form

RELATIONS = ("own_division", "same_force", "other_force")
PLACES = {"own_division": ("LAN", "NORTH"), "same_force": ("LAN", "WEST"), "other_force": ("CHE", "EAST")}

ALLOWED, NOT_FOUND, FORBIDDEN, REFUSED, OUT_OF_REACH = "allowed", "404", "403", "422", "409"
A, N, F, R, X = ALLOWED, NOT_FOUND, FORBIDDEN, REFUSED, OUT_OF_REACH
# An implemented idea seen only through the practice library: what changed and what it saved, without
# people's names, comments or the savings claims' details.
LIBRARY = L = "library view"


@dataclass(frozen=True)
class Target:
    """A record in one of the three places: a person there, and the division itself."""

    force_code: str
    division_code: str
    division_id: uuid.UUID
    division_name: str
    user_id: uuid.UUID
    idea_reference: str
    idea_id: uuid.UUID
    waste_description: str
    metric_id: uuid.UUID
    implemented_idea_id: uuid.UUID
    claim_id: uuid.UUID
    implemented_reference: str = ""
    colleague_name: str = ""
    # An idea under way that changed the implemented idea's measure on the same day: out of the practice
    # library, so a library viewer is told the impact is shared without being told with which idea.
    sharing_reference: str = ""


# What only the whole record of an implemented idea shows (besides its colleague's name): a claim's
# evidence, a validator's note, a comment.
PRIVATE_DETAILS = ("Invoices kept by the matrix", "Checked by the matrix validator", "A comment from the matrix")


def outcome(status: int) -> str:
    return {
        200: ALLOWED,
        201: ALLOWED,
        303: ALLOWED,
        204: ALLOWED,
        404: NOT_FOUND,
        403: FORBIDDEN,
        422: REFUSED,
        409: OUT_OF_REACH,
    }.get(status, f"status {status}")


def read_user(client: Any, target: Target) -> str:
    return outcome(client.get(f"/users/{target.user_id}").status_code)


def write_user(client: Any, target: Target) -> str:
    response = post_form(
        client,
        f"/users/{target.user_id}/edit",
        {"display_name": "Renamed by the matrix", "role": "staff", "division_id": str(target.division_id)},
        follow_redirects=False,
    )
    return outcome(response.status_code)


def read_division(client: Any, target: Target) -> str:
    response = client.get(f"/forces/{target.force_code}")
    if response.status_code == 200 and target.division_name not in response.text:
        return NOT_FOUND
    return outcome(response.status_code)


def read_division_api(client: Any, target: Target) -> str:
    response = client.get(f"/api/v1/forces/{target.force_code}/divisions")
    if response.status_code == 200 and target.division_code not in {row["code"] for row in response.json()}:
        return NOT_FOUND
    return outcome(response.status_code)


def write_division(client: Any, target: Target) -> str:
    response = post_form(
        client,
        f"/forces/{target.force_code}/divisions/{target.division_code}/edit",
        {"name": target.division_name, "officers_fte": "250.00", "staff_fte": "90.50"},
        follow_redirects=False,
    )
    return outcome(response.status_code)


def read_audit(client: Any, target: Target) -> str:
    response = client.get("/audit", params={"entity": "users"})
    if response.status_code != 200:
        return outcome(response.status_code)
    # A refused attempt on another force's record is on the trail of the refused person's force, naming
    # only what they asked for (DESIGN §2); what counts is whether the record's own changes are shown.
    entries = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', response.text, re.S)
    changes = [entry for entry in entries if "refused access" not in entry]
    return ALLOWED if any(str(target.user_id) in entry for entry in changes) else NOT_FOUND


def read_idea(client: Any, target: Target) -> str:
    return outcome(client.get(f"/ideas/{target.idea_reference}").status_code)


def read_idea_api(client: Any, target: Target) -> str:
    return outcome(client.get(f"/api/v1/ideas/{target.idea_id}").status_code)


def comment_on_idea(client: Any, target: Target) -> str:
    response = post_form(
        client, f"/ideas/{target.idea_reference}/comments", {"body": "From the matrix"}, follow_redirects=False
    )
    return outcome(response.status_code)


def _names(target: Target) -> tuple[str, str]:
    """The colleague's name, before and after "change user" renames them."""
    return target.colleague_name, "Renamed by the matrix"


def read_implemented_idea(client: Any, target: Target) -> str:
    response = client.get(f"/ideas/{target.implemented_reference}")
    if response.status_code != 200:
        return outcome(response.status_code)
    # The page lists claims without their evidence (the API gives it): the note, the comment, the name.
    private = [text for text in (*PRIVATE_DETAILS[1:], *_names(target)) if text in response.text]
    if len(private) == len(PRIVATE_DETAILS):
        return ALLOWED
    validated_only = "£300.00 cash" in response.text and 'id="library-view"' in response.text
    return LIBRARY if not private and validated_only else f"partial: {private}"


def read_implemented_idea_api(client: Any, target: Target) -> str:
    response = client.get(f"/api/v1/ideas/{target.implemented_idea_id}")
    if response.status_code != 200:
        return outcome(response.status_code)
    idea = response.json()
    if idea["submitter"] in _names(target) and any(e["body"] == PRIVATE_DETAILS[2] for e in idea["timeline"]):
        return ALLOWED
    people = [idea["submitter"], idea["owner"], *(entry["actor"] for entry in idea["timeline"])]
    bodies = [entry["body"] for entry in idea["timeline"]]
    if idea.get("library_view") and not any(people) and not any(bodies):
        return LIBRARY
    return f"partial: {idea}"


def read_implemented_idea_savings_api(client: Any, target: Target) -> str:
    """The claims (404 when out of reach), and the impact's totals: validated only in the library view."""
    claims = client.get(f"/api/v1/ideas/{target.implemented_idea_id}/savings")
    impact = client.get(f"/api/v1/ideas/{target.implemented_idea_id}/impact")
    if impact.status_code != 200:
        return outcome(impact.status_code)
    savings = impact.json()["savings"]
    if claims.status_code == 200 and savings["claimed"]["total_gbp"] == "500.00":
        return ALLOWED
    if claims.status_code == 404 and savings["claimed"]["total_gbp"] == "0.00":
        return LIBRARY if savings["validated"]["total_gbp"] == "300.00" else f"totals: {savings}"
    return f"claims {claims.status_code}, totals {savings}"


# The implemented idea's measure: 20 on average for ten days before its change, 5 for ten days after.
CHANGE_DATE = datetime.date(2025, 11, 11)
READINGS = [(CHANGE_DATE + datetime.timedelta(days=offset), 19 + 2 * (offset % 2)) for offset in range(-10, 0)] + [
    (CHANGE_DATE + datetime.timedelta(days=offset), 5) for offset in range(10)
]


def read_implemented_idea_impact(client: Any, target: Target) -> str:
    """The impact panel: its before and after and chart for anyone who sees the idea; the way to the
    measure's page, the claims resting on it and the idea sharing its change only with the whole record."""
    response = client.get(f"/ideas/{target.implemented_reference}")
    if response.status_code != 200:
        return outcome(response.status_code)
    panel = response.text.partition('<section id="impact"')[2].partition("</section>")[0]
    before_and_after = f"Pending in {target.division_code} fell by 75% (an improvement): from 20.0 to 5.0"
    if before_and_after not in panel or "<svg" not in panel:
        return f"no impact: {panel[:200]!r}"
    whole = {
        "measure page": f'href="/metrics/{target.metric_id}"' in panel,
        "claim": "Vehicle hire" in panel,
        "sharing idea": target.sharing_reference in panel,
    }
    if all(whole.values()):
        return ALLOWED
    private = [text for text in (*PRIVATE_DETAILS, *_names(target)) if text in panel]
    if not any(whole.values()) and not private and "another idea" in panel:
        return LIBRARY
    return f"partial: {whole}, {private}"


def read_implemented_idea_impact_api(client: Any, target: Target) -> str:
    response = client.get(f"/api/v1/ideas/{target.implemented_idea_id}/impact")
    if response.status_code != 200:
        return outcome(response.status_code)
    metrics = response.json()["metrics"]
    if [(row["before_mean"], row["after_mean"], row["improved"]) for row in metrics] != [(20.0, 5.0, True)]:
        return f"no impact: {metrics}"
    private = [text for text in (*PRIVATE_DETAILS, *_names(target), "Vehicle hire") if text in response.text]
    shared = (metrics[0]["shared_with"], metrics[0].get("shared_with_unnamed"))
    if shared == ([target.sharing_reference], 0) and not private:
        return ALLOWED
    if shared == ([], 1) and not private and target.sharing_reference not in response.text:
        return LIBRARY
    return f"partial: shared {shared}, {private}"


def read_waste(client: Any, target: Target) -> str:
    response = client.get("/waste")
    if response.status_code == 200 and target.waste_description not in response.text:
        return NOT_FOUND
    return outcome(response.status_code)


def log_waste_there(client: Any, target: Target) -> str:
    response = client.post(
        "/api/v1/waste",
        json={
            "division_id": str(target.division_id),
            "waste_type": "waiting",
            "process": "Matrix",
            "description": "Waited",
            "minutes_per_occurrence": 5,
            "occurrences_per_week": 5,
            "observed_on": "2026-01-05",
        },
        headers={"X-CSRFToken": client.cookies.get("quest_csrf", "")},
    )
    return outcome(response.status_code)


def read_metric(client: Any, target: Target) -> str:
    return outcome(client.get(f"/metrics/{target.metric_id}").status_code)


def enter_reading(client: Any, target: Target) -> str:
    response = client.put(
        f"/api/v1/metrics/{target.metric_id}/readings",
        json=[{"date": datetime.datetime.now(LONDON).date().isoformat(), "value": 12}],
        headers={"X-CSRFToken": client.cookies.get("quest_csrf", "")},
    )
    return outcome(response.status_code)


def correct_old_reading(client: Any, target: Target) -> str:
    response = client.put(
        f"/api/v1/metrics/{target.metric_id}/readings",
        json=[{"date": "2026-01-05", "value": 12}],
        headers={"X-CSRFToken": client.cookies.get("quest_csrf", "")},
    )
    return outcome(response.status_code)


def _json_headers(client: Any) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies.get("quest_csrf", ""), "Accept": "application/json"}


def move_idea(client: Any, target: Target) -> str:
    response = client.post(
        f"/api/v1/ideas/{target.idea_id}/transitions", json={"to": "under_review"}, headers=_json_headers(client)
    )
    return outcome(response.status_code)


def record_saving(client: Any, target: Target) -> str:
    response = client.post(
        f"/api/v1/ideas/{target.implemented_idea_id}/savings",
        json={
            "kind": "cashable",
            "status": "claimed",
            "mechanism": "Overtime",
            "cost_line": "Overtime",
            "amount_gbp_per_year": "1000.00",
            "period_start": "2026-04-01",
            "evidence": "The overtime budget",
        },
        headers=_json_headers(client),
    )
    return outcome(response.status_code)


def read_implemented_idea_costs_api(client: Any, target: Target) -> str:
    """The costs and their totals for anyone who sees the idea; who recorded them only with its whole record."""
    response = client.get(f"/api/v1/ideas/{target.implemented_idea_id}/costs")
    if response.status_code != 200:
        return outcome(response.status_code)
    costs = response.json()
    training = [cost for cost in costs["costs"] if cost["description"] == "Training by the matrix"]
    if len(training) != 1 or costs["one_off_gbp"] != "250.00":
        return f"costs: {costs}"
    if training[0]["recorded_by"] in _names(target):
        return ALLOWED
    return LIBRARY if training[0]["recorded_by"] is None else f"partial: {training[0]}"


def record_cost(client: Any, target: Target) -> str:
    response = client.post(
        f"/api/v1/ideas/{target.implemented_idea_id}/costs",
        json={
            "recurrence": "recurring",
            "kind": "cashable",
            "description": "Licence",
            "amount_gbp": "120",
            "starts": "2026-04-01",
        },
        headers=_json_headers(client),
    )
    return outcome(response.status_code)


def decide_claim(client: Any, target: Target) -> str:
    response = client.post(
        f"/api/v1/savings/{target.claim_id}/decision",
        json={"decision": "validated", "note": "Checked"},
        headers=_json_headers(client),
    )
    return outcome(response.status_code)


def read_rate_card(client: Any, target: Target) -> str:
    return outcome(
        client.get(f"/api/v1/forces/{target.force_code}/rate-card", headers=_json_headers(client)).status_code
    )


def change_rate_card(client: Any, target: Target) -> str:
    response = client.put(
        f"/api/v1/forces/{target.force_code}/rate-card",
        json={"rates": [{"grade": "pcso", "hourly_rate_gbp": "30.00", "effective_from": "2027-04-01"}]},
        headers=_json_headers(client),
    )
    return outcome(response.status_code)


RECORDS: dict[str, Callable[[Any, Target], str]] = {
    "read user": read_user,
    "change user": write_user,
    "read division": read_division,
    "read division (API)": read_division_api,
    "change division": write_division,
    "read audit trail": read_audit,
    "read idea": read_idea,
    "read idea (API)": read_idea_api,
    "comment on idea": comment_on_idea,
    "read implemented idea": read_implemented_idea,
    "read implemented idea (API)": read_implemented_idea_api,
    "read implemented idea's savings (API)": read_implemented_idea_savings_api,
    "read implemented idea's costs (API)": read_implemented_idea_costs_api,
    "read implemented idea's impact": read_implemented_idea_impact,
    "read implemented idea's impact (API)": read_implemented_idea_impact_api,
    "read waste": read_waste,
    "log waste there (API)": log_waste_there,
    "read measure": read_metric,
    "enter a backlog count (API)": enter_reading,
    "correct an old reading (API)": correct_old_reading,
    "move idea (API)": move_idea,
    "record saving (API)": record_saving,
    "record cost (API)": record_cost,
    "decide claim (API)": decide_claim,
    "read rate card (API)": read_rate_card,
    "change rate card (API)": change_rate_card,
}

# Ideas, waste and measures (DESIGN §3): staff and managers see their own division and act in it;
# validators and force headquarters see their force; national and admin see everything; only those
# with a division add to one. A division out of reach, named in a write, is refused on its field (the API's
# 409: the body is well formed, and names a record out of reach).
# Implemented ideas out of reach are seen everywhere, as the practice library shows them.
_DIVISION_WORK = {
    "read implemented idea": (A, L, L),
    "read implemented idea (API)": (A, L, L),
    "read implemented idea's savings (API)": (A, L, L),
    "read implemented idea's costs (API)": (A, L, L),
    "read implemented idea's impact": (A, L, L),
    "read implemented idea's impact (API)": (A, L, L),
    "read idea": (A, N, N),
    "read idea (API)": (A, N, N),
    "comment on idea": (A, N, N),
    "read waste": (A, N, N),
    "log waste there (API)": (A, X, X),
    "read measure": (A, N, N),
    "enter a backlog count (API)": (A, N, N),
    "correct an old reading (API)": (R, N, N),
}
_FORCE_WORK = {
    "read implemented idea": (A, A, L),
    "read implemented idea (API)": (A, A, L),
    "read implemented idea's savings (API)": (A, A, L),
    "read implemented idea's costs (API)": (A, A, L),
    "read implemented idea's impact": (A, A, L),
    "read implemented idea's impact (API)": (A, A, L),
    "read idea": (A, A, N),
    "read idea (API)": (A, A, N),
    "comment on idea": (N, N, N),
    "read waste": (A, A, N),
    "log waste there (API)": (F, F, F),
    "read measure": (A, A, N),
    "enter a backlog count (API)": (R, R, N),
    "correct an old reading (API)": (R, R, N),
}
_ALL_WORK = {
    "read implemented idea": (A, A, A),
    "read implemented idea (API)": (A, A, A),
    "read implemented idea's savings (API)": (A, A, A),
    "read implemented idea's costs (API)": (A, A, A),
    "read implemented idea's impact": (A, A, A),
    "read implemented idea's impact (API)": (A, A, A),
    "read idea": (A, A, A),
    "read idea (API)": (A, A, A),
    "comment on idea": (N, N, N),
    "read waste": (A, A, A),
    "log waste there (API)": (F, F, F),
    "read measure": (A, A, A),
    "enter a backlog count (API)": (R, R, R),
    "correct an old reading (API)": (R, R, R),
}

_NOBODY_ELSES_PEOPLE = {
    "read user": (N, N, N),
    "change user": (N, N, N),
    "read division": (A, A, A),
    "read division (API)": (A, A, A),
    "change division": (N, N, N),
    "read audit trail": (F, F, F),
}
_OWN_FORCE = {
    "read user": (A, A, N),
    "change user": (A, A, N),
    "read division": (A, A, A),
    "read division (API)": (A, A, A),
    "change division": (A, A, N),
    "read audit trail": (A, A, N),
}
# Deciding ideas and the savings ledger (issue 5): a manager moves ideas and records savings in their own
# division; a validator decides claims in their force; a force's headquarters (and the administrator)
# keep its rate card, which those who claim, validate or compare savings may read.
_NO_DECISIONS = {
    "move idea (API)": (N, N, N),
    "record saving (API)": (N, N, N),
    "record cost (API)": (N, N, N),
    "decide claim (API)": (N, N, N),
    "change rate card (API)": (N, N, N),
}
_READ_RATES_OWN_FORCE = {"read rate card (API)": (A, A, N)}
EXPECTED: dict[str, dict[str, tuple[str, str, str]]] = {
    "staff": _NOBODY_ELSES_PEOPLE | _DIVISION_WORK | _NO_DECISIONS | {"read rate card (API)": (N, N, N)},
    "manager": _NOBODY_ELSES_PEOPLE
    | _DIVISION_WORK
    | _NO_DECISIONS
    | _READ_RATES_OWN_FORCE
    | {
        "move idea (API)": (A, N, N),
        "record saving (API)": (A, N, N),
        "record cost (API)": (A, N, N),
        "correct an old reading (API)": (A, N, N),
    },
    "validator": _NOBODY_ELSES_PEOPLE
    | _FORCE_WORK
    | _NO_DECISIONS
    | _READ_RATES_OWN_FORCE
    | {"decide claim (API)": (A, A, N)},
    "force_hq": _OWN_FORCE
    | _FORCE_WORK
    | _NO_DECISIONS
    | _READ_RATES_OWN_FORCE
    | {"change rate card (API)": (A, A, N)},
    "national": _NOBODY_ELSES_PEOPLE | _ALL_WORK | _NO_DECISIONS | {"read rate card (API)": (A, A, A)},
    "admin": dict.fromkeys(_OWN_FORCE, (A, A, A))
    | _ALL_WORK
    | _NO_DECISIONS
    | {"read rate card (API)": (A, A, A), "change rate card (API)": (A, A, A)},
}


@pytest.fixture
def targets(demo: Any, database: Any) -> dict[str, Target]:
    """A frontline colleague in each of the three places."""

    async def make(session_maker: Any) -> dict[str, Target]:
        found = {}
        async with session_maker() as session:
            for relation, (force_code, division_code) in PLACES.items():
                division = (
                    await session.execute(
                        select(Division).join(Force).where(Force.code == force_code, Division.code == division_code)
                    )
                ).scalar_one()
                person = User(
                    email=f"{relation}@{force_code.lower()}.example",
                    display_name=f"Colleague in {division_code}",
                    role=Role.STAFF,
                    force_id=division.force_id,
                    division_id=division.id,
                )
                session.add(person)
                await session.flush()
                idea = await _idea_in(session, division, person, f"An idea in {division_code}")
                description = f"Waste seen in {force_code} {division_code}"
                session.add(
                    WasteObservation(
                        force_id=division.force_id,
                        division_id=division.id,
                        reporter_id=person.id,
                        process="Matrix",
                        waste_type=WasteType.WAITING,
                        description=description,
                        minutes_per_occurrence=5,
                        occurrences_per_week=5,
                        observed_on=datetime.date(2026, 1, 5),
                    )
                )
                metric = Metric(
                    force_id=division.force_id,
                    division_id=division.id,
                    name=f"Pending in {division_code}",
                    unit="incidents",
                    kind=MetricKind.BACKLOG,
                    direction=Direction.DOWN,
                    frequency=Frequency.DAILY,
                )
                session.add(metric)
                implemented = await _idea_in(session, division, person, f"Done in {division_code}")
                implemented.status = IdeaStatus.IMPLEMENTED
                implemented.implemented_on = CHANGE_DATE
                sharing = await _idea_in(session, division, person, f"Under way in {division_code}")
                sharing.status = IdeaStatus.IN_PROGRESS
                await session.flush()
                for linked in (implemented, sharing):
                    session.add(
                        IdeaMetric(
                            idea_id=linked.id, metric_id=metric.id, change_date=CHANGE_DATE, force_id=division.force_id
                        )
                    )
                session.add_all(
                    Reading(
                        metric_id=metric.id,
                        period_date=day,
                        value=decimal.Decimal(value),
                        entered_at=datetime.datetime.now(datetime.UTC),
                        force_id=division.force_id,
                    )
                    for day, value in READINGS
                )
                claim = SavingsClaim(
                    force_id=division.force_id,
                    division_id=division.id,
                    idea_id=implemented.id,
                    metric_id=metric.id,
                    kind=ClaimKind.CASHABLE,
                    status=ClaimStatus.CLAIMED,
                    mechanism="Vehicle hire",
                    cost_line="Vehicle hire",
                    amount_per_year=decimal.Decimal("500.00"),
                    period_start=datetime.date(2026, 4, 1),
                    evidence=PRIVATE_DETAILS[0],
                    claimed_by=person.id,
                )
                session.add(claim)
                session.add(
                    SavingsClaim(
                        force_id=division.force_id,
                        division_id=division.id,
                        idea_id=implemented.id,
                        kind=ClaimKind.CASHABLE,
                        status=ClaimStatus.VALIDATED,
                        mechanism="Fuel",
                        cost_line="Fuel",
                        amount_per_year=decimal.Decimal("300.00"),
                        period_start=datetime.date(2026, 4, 1),
                        evidence="Fuel cards",
                        claimed_by=person.id,
                        decision_note=PRIVATE_DETAILS[1],
                    )
                )
                session.add(
                    IdeaCost(
                        force_id=division.force_id,
                        division_id=division.id,
                        idea_id=implemented.id,
                        recurrence=CostRecurrence.ONE_OFF,
                        kind=ClaimKind.CASHABLE,
                        description="Training by the matrix",
                        amount=decimal.Decimal("250.00"),
                        starts=datetime.date(2026, 4, 1),
                        recorded_by=person.id,
                    )
                )
                session.add(
                    IdeaEvent(
                        idea_id=implemented.id,
                        occurred_at=datetime.datetime.now(datetime.UTC),
                        actor_id=person.id,
                        kind="commented",
                        body=PRIVATE_DETAILS[2],
                    )
                )
                await session.flush()
                found[relation] = Target(
                    force_code,
                    division_code,
                    division.id,
                    division.name,
                    person.id,
                    idea.reference,
                    idea.id,
                    description,
                    metric.id,
                    implemented.id,
                    claim.id,
                    implemented.reference,
                    person.display_name,
                    sharing.reference,
                )
            await regroup_all(session)
            await session.commit()
        return found

    result: dict[str, Target] = database(make)
    return result


async def _idea_in(session: Any, division: Division, person: User, title: str) -> Idea:
    now = datetime.datetime.now(datetime.UTC)
    idea = Idea(
        reference=await next_reference(await session.connection(), division.force_id),
        force_id=division.force_id,
        division_id=division.id,
        submitter_id=person.id,
        title=title,
        problem="p",
        proposal="q",
        status=IdeaStatus.SUBMITTED,
        status_changed_at=now,
    )
    session.add(idea)
    await session.flush()
    return idea


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_cell_of_the_matrix(role: str, signed_in: Any, targets: dict[str, Target]) -> None:
    client = signed_in(role)
    wrong = []
    for record, check in RECORDS.items():
        for relation, expected in zip(RELATIONS, EXPECTED[role][record], strict=True):
            got = check(client, targets[relation])
            if got != expected:
                wrong.append(f"{role} / {record} / {relation}: expected {expected}, got {got}")
    assert wrong == []


def test_the_matrix_covers_every_role() -> None:
    assert set(EXPECTED) == {role.value for role in Role}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_pages_a_role_cannot_use_are_not_offered_in_its_navigation(role: str, signed_in: Any) -> None:
    client = signed_in(role)
    navigation = client.get("/").text.split('id="navigation"')[1].split("</ul>")[0]
    for label, path in (("Users", "/users"), ("Audit trail", "/audit"), ("Imports", "/imports")):
        shown = f'href="{path}"' in navigation
        allowed = client.get(path).status_code == 200
        assert shown == allowed, f"{role}: {label} shown={shown} but allowed={allowed}"
