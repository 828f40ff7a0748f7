"""Each role's home page is a to-do list of what waits for them, with counts and links (issue item 8).

The app runs on a clock that stands still just before midnight UTC on 30 June 2026, which is already
1 July in the UK: "today" on the home page is the UK date.
"""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import select

from quest.accounts.models import User
from quest.clock import FrozenClock
from quest.config import Settings
from quest.ideas.models import Idea
from quest.org.models import Division
from quest.savings.double_counts import regroup_all
from tests.conftest import shared_app
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    People,
    a_cash_claim,
    api_headers,
    move_along,
    post_form,
    raise_idea,
    sign_in_as,
    user_id,
)
from tests.integration.test_double_count_query import IMPLEMENTED_IDEA

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
NOW = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
UK_TODAY = datetime.date(2026, 7, 1)
CLAIM = {
    "kind": "non_cashable",
    "status": "claimed",
    "mechanism": "Pending open incidents",
    "hours_per_year": 11500,
    "grade": "constable_sergeant",
    "redeployed_to": "Neighbourhood patrol",
    "period_start": "2026-04-01",
    "evidence": "Pending incidents fell from 1,150 to 100.",
}


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return shared_app(settings, clock=FrozenClock(NOW))


def days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def team(client: Any, *roles: str) -> People:
    people = People(client)
    for role in roles:
        sign_in_as(people(role), role)
    return people


def card(page: str, card_id: str) -> str:
    """The text of one card on the home page (its heading first)."""
    match = re.search(rf'<section class="govuk-summary-card quest-home-card" id="{card_id}".*?</section>', page, re.S)
    assert match is not None, f"no {card_id} card"
    return match.group(0)


def heading(section: str) -> str:
    match = re.search(r'<h2 class="govuk-summary-card__title"[^>]*>(.*?)</h2>', section, re.S)
    assert match is not None
    return " ".join(match.group(1).split())


def links(section: str) -> list[str]:
    """The task links in a card, in order."""
    return [
        html.unescape(href) for href in re.findall(r'class="govuk-link govuk-task-list__link" href="([^"]+)"', section)
    ]


def more_link(section: str) -> tuple[str, str]:
    """The link under a card's list to the rest: its text and where it goes."""
    match = re.search(r'<a class="govuk-link" href="([^"]+)">(\d+ more)</a>', section)
    assert match is not None, "no link to the rest"
    return match.group(2), html.unescape(match.group(1))


def make_backlog(client: Any, name: str, frequency: str = "daily") -> str:
    body = {"name": name, "unit": "incidents", "kind": "backlog", "direction": "down", "frequency": frequency}
    response = client.post("/api/v1/metrics", json=body, headers=api_headers(client))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def enter_reading(client: Any, metric_id: str, day: datetime.date) -> None:
    response = client.put(
        f"/api/v1/metrics/{metric_id}/readings",
        json=[{"date": day.isoformat(), "value": 40}],
        headers=api_headers(client),
    )
    assert response.status_code == 200, response.text


def test_a_signed_out_visitor_gets_what_quest_is_and_a_signed_in_one_does_not(signed_in: Any) -> None:
    client = signed_in("staff")
    page = client.get("/").text
    assert "What waits for you – QUEST" in page
    assert "Who QUEST is for" not in page
    client.cookies.clear()
    assert "Who QUEST is for" in client.get("/").text


def test_staff_see_their_ideas_what_changed_what_is_overdue_and_counts_to_enter(
    demo: Any, client: Any, database: Any
) -> None:
    late = database(lambda maker: raise_idea(maker, STAFF, "Book exhibits in at the front counter", now=days_ago(20)))
    recent = database(lambda maker: raise_idea(maker, STAFF, "Scan statements at the scene", now=days_ago(2)))
    database(lambda maker: move_along(maker, MANAGER, recent.id, "under_review", now=days_ago(1)))
    people = team(client, "manager", "staff")
    pending = make_backlog(people("manager"), "Pending open incidents")
    crimes = make_backlog(people("manager"), "Crime reports awaiting allocation")
    make_backlog(people("manager"), "Files awaiting review", frequency="weekly")
    enter_reading(people("manager"), crimes, UK_TODAY)
    enter_reading(people("manager"), pending, UK_TODAY - datetime.timedelta(days=1))  # 30 June: not today

    page = people("staff").get("/").text
    mine = card(page, "my-ideas")
    assert heading(mine) == "You have raised 2 ideas"
    assert 'href="/my-ideas"' in mine

    updates = card(page, "updates")
    assert heading(updates) == "1 update since you last looked"
    assert links(updates) == [f"/ideas/{recent.reference}"]
    assert "Inspector Priya Shah moved it to under review" in updates
    assert 'href="/notifications"' in updates

    overdue = card(page, "overdue")
    assert heading(overdue) == "1 of your ideas is overdue for a response"
    assert links(overdue) == [f"/ideas/{late.reference}"]
    assert "waiting for a first response" in overdue

    counts = card(page, "counts")
    assert heading(counts) == "1 backlog count to enter for today"
    assert "Pending open incidents" in counts
    assert "Crime reports awaiting allocation" not in counts
    assert "Files awaiting review" not in counts  # weekly, not daily
    assert 'href="/backlogs"' in counts

    # The API answers the same lists, by id and reference.
    home = people("staff").get("/api/v1/me/home", headers=api_headers(people("staff"))).json()
    assert (home["part"], home["manager"], home["validator"], home["headquarters"]) == ("staff", None, None, None)
    assert home["staff"]["ideas_raised"] == 2
    assert [(idea["id"], idea["ref"], idea["waiting_for"]) for idea in home["staff"]["overdue"]] == [
        (str(late.id), late.reference, "a first response")
    ]
    assert [metric["id"] for metric in home["staff"]["counts_to_enter"]] == [pending]
    assert home["updates"]["unread"] == 1
    [update] = home["updates"]["ideas"]
    assert (update["idea_ref"], update["count"], update["latest"]["to_status"]) == (recent.reference, 1, "under_review")

    # Reading the notifications clears "what changed"; entering today's count clears the count.
    post_form(people("staff"), "/notifications/read")
    enter_reading(people("staff"), pending, UK_TODAY)
    page = people("staff").get("/").text
    assert heading(card(page, "updates")) == "0 updates since you last looked"
    assert heading(card(page, "counts")) == "0 backlog counts to enter for today"


def test_the_manager_sees_overdue_ideas_first_then_claims_to_make_and_counts_missing(
    demo: Any, client: Any, database: Any
) -> None:
    # Oldest first would put the idea under review (20 days, within the 30-day decision) before the
    # submitted one (16 days, past the 14-day first response); overdue comes first.
    under_review = database(lambda maker: raise_idea(maker, STAFF, "Share one van rota", now=days_ago(20)))
    database(lambda maker: move_along(maker, MANAGER, under_review.id, "under_review", now=days_ago(19)))
    overdue = database(lambda maker: raise_idea(maker, STAFF, "Stop double keying crimes", now=days_ago(16)))
    fresh = database(lambda maker: raise_idea(maker, STAFF, "Text victims an update", now=days_ago(1)))

    to_claim = database(lambda maker: raise_idea(maker, STAFF, "Call back before visiting", now=days_ago(90)))
    database(lambda maker: move_along(maker, MANAGER, to_claim.id, *IMPLEMENTED_PATH, now=days_ago(20)))
    claimed = database(lambda maker: raise_idea(maker, STAFF, "Triage at the front desk", now=days_ago(90)))
    database(lambda maker: move_along(maker, MANAGER, claimed.id, *IMPLEMENTED_PATH, now=days_ago(20)))
    to_forecast = database(lambda maker: raise_idea(maker, STAFF, "One form for lost property", now=days_ago(60)))
    database(lambda maker: move_along(maker, MANAGER, to_forecast.id, "under_review", "approved", now=days_ago(10)))
    forecast = database(lambda maker: raise_idea(maker, STAFF, "Pool cars by the hour", now=days_ago(60)))
    database(lambda maker: move_along(maker, MANAGER, forecast.id, "under_review", "approved", now=days_ago(10)))

    manager = People(client)("manager")
    sign_in_as(manager, "manager")
    made = manager.post(f"/api/v1/ideas/{claimed.id}/savings", json=CLAIM, headers=api_headers(manager))
    assert made.status_code == 201, made.text
    made = manager.post(
        f"/api/v1/ideas/{forecast.id}/savings",
        json=CLAIM | {"status": "forecast", "mechanism": "Pool cars"},
        headers=api_headers(manager),
    )
    assert made.status_code == 201, made.text
    make_backlog(manager, "Pending open incidents")

    page = manager.get("/").text
    waiting = card(page, "waiting")
    assert heading(waiting) == "3 ideas wait for a first response or a decision"
    assert "1 is overdue" in waiting
    assert links(waiting) == [f"/ideas/{idea.reference}" for idea in (overdue, under_review, fresh)]
    assert 'href="/triage"' in waiting

    claims = card(page, "claims")
    assert heading(claims) == "2 savings to claim or forecast"
    assert links(claims) == [f"/ideas/{to_claim.reference}#savings", f"/ideas/{to_forecast.reference}#savings"]
    assert "To claim" in claims
    assert "To forecast" in claims

    counts = card(page, "counts")
    assert heading(counts) == "1 backlog count to enter for today"

    home = manager.get("/api/v1/me/home", headers=api_headers(manager)).json()
    assert home["part"] == "manager"
    assert home["staff"] is None
    mine = home["manager"]
    assert (mine["waiting_total"], mine["waiting_overdue"]) == (3, 1)
    assert [idea["id"] for idea in mine["waiting"]] == [str(idea.id) for idea in (overdue, under_review, fresh)]
    assert mine["waiting"][0]["first_response_overdue"] is True
    assert [(idea["id"], idea["status"]) for idea in mine["to_claim"]] == [(str(to_claim.id), "implemented")]
    assert [(idea["id"], idea["status"]) for idea in mine["to_forecast"]] == [(str(to_forecast.id), "approved")]
    assert [metric["name"] for metric in mine["counts_to_enter"]] == ["Pending open incidents"]


def test_the_validator_is_told_of_each_claim_and_sees_the_queue_and_double_counts_oldest_first(
    demo: Any, client: Any, database: Any
) -> None:
    first = database(lambda maker: raise_idea(maker, STAFF, "Call back before visiting", now=days_ago(90)))
    second = database(lambda maker: raise_idea(maker, STAFF, "Close incidents by phone", now=days_ago(90)))
    for idea in (first, second):
        database(lambda maker, idea=idea: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH, now=days_ago(20)))
    people = team(client, "manager", "validator")
    manager = people("manager")

    forecast = CLAIM | {"status": "forecast", "mechanism": "Overtime"}
    made = manager.post(f"/api/v1/ideas/{first.id}/savings", json=forecast, headers=api_headers(manager))
    assert made.status_code == 201, made.text
    validator = people("validator")
    assert "claimed a saving" not in validator.get("/notifications").text  # a forecast waits for nobody
    assert heading(card(validator.get("/").text, "to-validate")) == "0 claimed savings wait for you to validate"

    manager = people("manager")
    older = manager.post(f"/api/v1/ideas/{first.id}/savings", json=CLAIM, headers=api_headers(manager)).json()["id"]
    newer = manager.post(f"/api/v1/ideas/{second.id}/savings", json=CLAIM, headers=api_headers(manager)).json()["id"]

    validator = people("validator")
    notifications = validator.get("/notifications").text
    assert notifications.count("Inspector Priya Shah claimed a saving") == 2
    page = validator.get("/").text
    queue = card(page, "to-validate")
    assert heading(queue) == "2 claimed savings wait for you to validate"
    # Each links to its place on /savings: the claimed savings of the year it was recorded in, its page.
    on_ledger = "/savings?fy=2026&status=claimed&page=1#claim-"
    assert links(queue) == [f"{on_ledger}{older}", f"{on_ledger}{newer}"]
    assert f"Savings claim on {first.reference}: Pending open incidents" in queue
    assert "Possible double count" in queue
    doubles = card(page, "double-counts")  # the two claims on one mechanism: one group
    assert heading(doubles) == "1 possible double count"
    assert links(doubles) == [f"/savings/double-counts?page=1#group-{older}"]
    updates = card(page, "updates")
    assert heading(updates) == "2 updates since you last looked"
    assert links(updates) == [f"/ideas/{second.reference}", f"/ideas/{first.reference}"]
    # The links lead to the claims themselves.
    assert f'id="claim-{older}"' in validator.get(f"{on_ledger}{older}").text

    home = validator.get("/api/v1/me/home", headers=api_headers(validator)).json()
    assert home["part"] == "validator"
    queue = home["validator"]
    assert queue["to_validate_total"] == 2
    assert [(claim["id"], claim["idea_ref"], claim["year"]) for claim in queue["to_validate"]] == [
        (older, first.reference, 2026),
        (newer, second.reference, 2026),
    ]
    assert queue["double_counts_total"] == 1
    assert [claim["id"] for claim in queue["double_counts"][0]["claims"]] == [older, newer]
    assert [update["idea_ref"] for update in home["updates"]["ideas"]] == [second.reference, first.reference]


async def _claims_over_two_years(session_maker: Any) -> dict[str, list[str]]:
    """Claimed savings on an implemented idea of the manager's division, recorded over two financial
    years (oldest first, by name): three waiting from 2024 to 2025; in 2025 to 2026, 55 the validator
    made (listed on /savings, never theirs to decide; pairs of the first 24 share a mechanism, so they
    are possible double counts), then 10 waiting."""
    manager = await user_id(session_maker, DEMO_EMAILS["manager"])
    validator = await user_id(session_maker, DEMO_EMAILS["validator"])
    async with session_maker() as session:
        division = (await session.execute(select(User.division_id).where(User.id == manager))).scalar_one()
        force = (await session.execute(select(Division.force_id).where(Division.id == division))).scalar_one()
        idea = Idea(
            **IMPLEMENTED_IDEA,
            reference="LAN-700001",
            title="Claimed many times",
            force_id=force,
            division_id=division,
            submitter_id=manager,
        )
        session.add(idea)
        await session.flush()
        made: dict[str, list[str]] = {"earlier": [], "own": [], "later": []}

        def claim(group: str, by: Any, mechanism: str, recorded: datetime.datetime, start: datetime.date) -> None:
            claim = a_cash_claim(idea, by, mechanism, recorded=recorded, begins=start, days=200)
            session.add(claim)
            made[group].append(str(claim.id))

        early, late = (datetime.datetime(year, 6, 1, 9, tzinfo=datetime.UTC) for year in (2024, 2025))
        for number in range(3):
            claim("earlier", manager, f"Earlier {number}", early + datetime.timedelta(hours=number), early.date())
        for number in range(55):
            mechanism = f"Own {number // 2}" if number < 24 else f"Own {number}"
            claim("own", validator, mechanism, late + datetime.timedelta(hours=number), late.date())
        for number in range(10):
            recorded = late + datetime.timedelta(days=10, hours=number)
            claim("later", manager, f"Later {number}", recorded, recorded.date())
        await regroup_all(session)
        await session.commit()
    return made


def test_the_validators_home_shows_the_first_claims_and_links_each_to_its_place_on_the_ledger(
    demo: Any, client: Any, database: Any
) -> None:
    made = database(_claims_over_two_years)
    sign_in_as(client, "validator")
    page = client.get("/").text

    queue = card(page, "to-validate")
    assert heading(queue) == "13 claimed savings wait for you to validate"
    # The first ten, oldest first: 2024's three on its first page, then 2025's after the validator's own
    # 55 (listed there, not theirs to decide), on its second page.
    expected = [f"/savings?fy=2024&status=claimed&page=1#claim-{claim}" for claim in made["earlier"]]
    expected += [f"/savings?fy=2025&status=claimed&page=2#claim-{claim}" for claim in made["later"][:7]]
    assert links(queue) == expected
    assert more_link(queue) == ("3 more", f"/savings?fy=2025&status=claimed&page=2#claim-{made['later'][7]}")

    doubles = card(page, "double-counts")  # the first 24 claims in pairs: 12 groups, the first 10 shown
    assert heading(doubles) == "12 possible double counts"
    assert links(doubles) == [f"/savings/double-counts?page=1#group-{claim}" for claim in made["own"][:20:2]]
    assert more_link(doubles) == ("2 more", "/savings/double-counts?page=2")

    # Every link leads to a page that shows the claim, or the group.
    for href in [*links(queue), more_link(queue)[1]]:
        assert f'id="claim-{href.rsplit("#claim-", 1)[1]}"' in client.get(href).text, href
    for href in links(doubles):
        assert f'id="group-{href.rsplit("#group-", 1)[1]}"' in client.get(href).text, href
    assert f'id="group-{made["own"][20]}"' in client.get(more_link(doubles)[1]).text


def test_headquarters_national_and_administrators_get_links_to_what_exists(signed_in: Any) -> None:
    force_hq = signed_in("force_hq").get("/").text
    for href in ("/forces/LAN", "/forces/LAN/settings", "/savings", "/ideas", "/users", "/audit"):
        assert f'href="{href}"' in force_hq
    national = signed_in("national").get("/").text
    for href in ("/forces", "/practice", "/savings"):
        assert f'href="{href}"' in national
    assert 'class="govuk-link govuk-task-list__link" href="/users"' not in national
    assert 'class="govuk-link govuk-task-list__link" href="/audit"' not in national
    admin = signed_in("admin").get("/").text
    for href in ("/forces", "/users", "/audit"):
        assert f'class="govuk-link govuk-task-list__link" href="{href}"' in admin
    hq = signed_in("force_hq")
    home = hq.get("/api/v1/me/home", headers=api_headers(hq)).json()
    assert home["part"] == "headquarters"
    hrefs = [place["href"] for place in home["headquarters"]["destinations"]]
    assert hrefs[:2] == ["/forces/LAN/dashboard", "/forces/LAN"]
    assert "/users" in hrefs
    signed_out = signed_in("staff")
    signed_out.cookies.clear()
    assert signed_out.get("/api/v1/me/home").status_code == 401


def test_every_demo_role_has_a_home_with_its_to_do_list(demo_history: Any, client: Any) -> None:
    expected = {
        "staff": ("updates", "overdue", "counts"),
        "manager": ("waiting", "claims", "counts", "updates"),
        "validator": ("to-validate", "double-counts", "updates"),
    }
    for role in ("staff", "manager", "validator", "force_hq", "national", "admin"):
        sign_in_as(client, role)
        response = client.get("/")
        assert response.status_code == 200
        for card_id in expected.get(role, ()):
            assert re.match(r"\d+ ", heading(card(response.text, card_id))), (role, card_id)
        if role not in expected:
            assert "Comparisons of divisions and forces will appear here" in response.text
