"""Managers deciding ideas (issue 5): moves with reasons, illegal moves refused, duplicates, implementation,
owners, the concurrency conflict, triage with its SLA, force settings, adoption, and what the person who
raised the idea sees."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select

from quest.clock import FrozenClock
from quest.config import Settings
from quest.ideas.models import Idea, IdeaEvent, IdeaSupport
from quest.ideas.response_sla import sla_flags
from quest.ideas.status import IdeaStatus
from quest.notifications.models import Notification
from quest.org.settings import Sla
from tests.conftest import shared_app
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    People,
    add_colleague,
    api_headers,
    move_along,
    post_form,
    raise_idea,
    sign_in_as,
    user_id,
)

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def browser(settings: Settings, demo: Any, clock: FrozenClock) -> Iterator[TestClient[Litestar]]:
    """A browser on an app whose clock the test moves."""
    with TestClient(shared_app(settings, clock=clock), base_url="http://testserver.local") as client:
        yield client


def decide(client: Any, reference: str, to: str, **fields: str) -> Any:
    return post_form(client, f"/ideas/{reference}/decision", {"to": to, **fields}, follow_redirects=False)


async def idea_row(session_maker: Any, reference: str) -> Idea:
    async with session_maker() as session:
        return (await session.execute(select(Idea).where(Idea.reference == reference))).scalar_one()


async def counts(session_maker: Any, reference: str) -> tuple[int, int]:
    """(events on the idea's timeline, notifications about it)."""
    async with session_maker() as session:
        idea_id = (await session.execute(select(Idea.id).where(Idea.reference == reference))).scalar_one()
        events = (await session.execute(select(func.count()).where(IdeaEvent.idea_id == idea_id))).scalar_one()
        told = (await session.execute(select(func.count()).where(Notification.idea_id == idea_id))).scalar_one()
        return events, told


def test_a_decline_needs_a_reason_and_the_person_who_raised_it_sees_it(
    signed_in: Any, database: Any, client: Any
) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Weekly cake rota"))
    manager = signed_in("manager")
    refused = decide(manager, idea.reference, "declined", **{"reason-declined": "  "})
    assert refused.status_code == 422
    assert 'href="#reason-declined">Say why the idea is declined' in refused.text
    assert database(lambda maker: idea_row(maker, idea.reference)).status is IdeaStatus.SUBMITTED

    accepted = decide(manager, idea.reference, "declined", **{"reason-declined": "Not an improvement to the work."})
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/ideas/{idea.reference}"
    row = database(lambda maker: idea_row(maker, idea.reference))
    assert row.status is IdeaStatus.DECLINED
    assert row.first_response_at is not None
    assert row.decided_at is not None

    sign_in_as(client, "staff")
    mine = client.get("/my-ideas").text
    assert "Not an improvement to the work." in mine
    assert "Declined" in mine
    notifications = client.get("/notifications").text
    assert "Inspector Priya Shah moved it to declined" in notifications


def test_illegal_moves_are_refused_with_a_clear_message(signed_in: Any, database: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Shorter briefings"))
    manager = signed_in("manager")
    page = decide(manager, idea.reference, "implemented", change_date="2026-06-01", learned="x")
    assert page.status_code == 422
    assert "An idea that is submitted cannot be moved to implemented" in page.text

    api = manager.post(f"/api/v1/ideas/{idea.id}/transitions", json={"to": "approved"}, headers=api_headers(manager))
    assert api.status_code == 409  # the move is well formed; the idea's status refuses it
    assert api.json()["extra"]["errors"] == {"to": "An idea that is submitted cannot be moved to approved"}
    assert database(lambda maker: counts(maker, idea.reference)) == (1, 0)  # only "raised"; nobody told


def test_every_move_is_on_the_timeline_and_told_to_the_submitter_and_followers(
    signed_in: Any, database: Any, client: Any
) -> None:
    database(lambda maker: add_colleague(maker, "follower@lancashire.example", "LAN", "NORTH"))
    idea = database(lambda maker: raise_idea(maker, STAFF, "Call-back before visit"))

    async def follow(session_maker: Any) -> None:
        from quest.ideas.models import IdeaFollower

        async with session_maker() as session:
            follower = await user_id(session_maker, "follower@lancashire.example")
            session.add(IdeaFollower(idea_id=idea.id, user_id=follower, created_at=START))
            await session.commit()

    database(follow)
    manager = signed_in("manager")
    for status in IMPLEMENTED_PATH[:3]:
        assert decide(manager, idea.reference, status).status_code == 303
    events, told = database(lambda maker: counts(maker, idea.reference))
    assert events == 4  # raised, and three moves
    assert told == 6  # three moves, each to the submitter and the follower

    api = manager.post(
        f"/api/v1/ideas/{idea.id}/transitions",
        json={"to": "implemented", "change_date": "2026-11-01", "learned": "Phone first."},
        headers=api_headers(manager),
    )
    assert api.status_code == 200
    body = api.json()
    assert body["status"] == "implemented"
    assert body["timeline"][-1]["body"] == "Changed on 01 November 2026. What was learned: Phone first."
    row = database(lambda maker: idea_row(maker, idea.reference))
    assert row.implemented_on == datetime.date(2026, 11, 1)
    assert row.learned == "Phone first."


def test_implemented_needs_a_past_date_and_what_was_learned(signed_in: Any, database: Any) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Video statements"))
    database(lambda maker: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH[:3]))
    manager = signed_in("manager")
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    page = decide(manager, idea.reference, "implemented", change_date=tomorrow, learned="")
    assert page.status_code == 422
    assert 'href="#change_date">The date of the change must be today or in the past' in page.text
    assert 'href="#learned">Say what was learned, so other divisions can repeat it' in page.text
    assert database(lambda maker: idea_row(maker, idea.reference)).status is IdeaStatus.IN_PROGRESS


def test_a_duplicate_names_its_original_and_its_supporters_move_across(
    signed_in: Any, database: Any, client: Any
) -> None:
    for name in ("ann", "bob"):
        database(lambda maker, name=name: add_colleague(maker, f"{name}@lancashire.example", "LAN", "NORTH"))
    original = database(lambda maker: raise_idea(maker, "ann@lancashire.example", "Pre-book interview rooms"))
    duplicate = database(lambda maker: raise_idea(maker, STAFF, "Book interview rooms ahead"))

    async def support(session_maker: Any) -> None:
        async with session_maker() as session:
            bob = await user_id(session_maker, "bob@lancashire.example")
            session.add(IdeaSupport(idea_id=duplicate.id, user_id=bob, created_at=START))
            await session.execute(
                Idea.__table__.update().where(Idea.id == duplicate.id).values(supporter_count=1)  # type: ignore[attr-defined]
            )
            await session.commit()

    database(support)
    manager = signed_in("manager")
    assert decide(manager, duplicate.reference, "duplicate").status_code == 422
    missing = decide(manager, duplicate.reference, "duplicate", duplicate_of="LAN-999999")
    assert "There is no idea LAN-999999 in this force" in missing.text
    itself = decide(manager, duplicate.reference, "duplicate", duplicate_of=duplicate.reference)
    assert "An idea cannot duplicate itself" in itself.text

    assert decide(manager, duplicate.reference, "duplicate", duplicate_of=original.reference.lower()).status_code == 303

    async def supporters(session_maker: Any) -> tuple[set[str], int]:
        async with session_maker() as session:
            from quest.accounts.models import User

            names = set(
                (
                    await session.execute(
                        select(User.email)
                        .join(IdeaSupport, IdeaSupport.user_id == User.id)
                        .where(IdeaSupport.idea_id == original.id)
                    )
                ).scalars()
            )
            count = (await session.execute(select(Idea.supporter_count).where(Idea.id == original.id))).scalar_one()
            return names, count

    names, count = database(supporters)
    assert names == {STAFF, "bob@lancashire.example"}  # the duplicate's submitter and its supporter
    assert count == 2
    assert database(lambda maker: idea_row(maker, duplicate.reference)).duplicate_of_id == original.id
    sign_in_as(client, "staff")
    assert f"Same as {original.reference}: Pre-book interview rooms" in client.get("/my-ideas").text


def test_two_managers_at_once_cannot_both_win(client: Any, demo: Any, database: Any) -> None:
    database(
        lambda maker: add_colleague(maker, "deputy@lancashire.example", "LAN", "NORTH", role="manager", signs_in=True)
    )
    idea = database(lambda maker: raise_idea(maker, STAFF, "Single crime number"))
    people = People(client)
    sign_in_as(people("inspector"), "manager")
    from tests.helpers import sign_in

    assert sign_in(people("deputy"), "deputy@lancashire.example").status_code == 303

    # Both open the idea (version 1); the deputy acts first.
    seen = re.search(r'name="version" value="(\d+)"', people("inspector").get(f"/ideas/{idea.reference}").text)
    assert seen is not None
    assert decide(people("deputy"), idea.reference, "under_review", version=seen.group(1)).status_code == 303
    late = decide(
        people("inspector"), idea.reference, "declined", version=seen.group(1), **{"reason-declined": "Too late"}
    )
    assert late.status_code == 409
    assert "Someone else got there first" in late.text
    assert "This idea changed since you opened it" in late.text
    assert re.search(r'govuk-tag[^"]*">\s*Under review\s*<', late.text)  # the refreshed view
    assert database(lambda maker: idea_row(maker, idea.reference)).status is IdeaStatus.UNDER_REVIEW

    stale = people("inspector").post(
        f"/api/v1/ideas/{idea.id}/transitions",
        json={"to": "approved", "version": 1},
        headers=api_headers(people("inspector")),
    )
    assert stale.status_code == 409
    assert "changed since you opened it" in stale.json()["detail"]
    assert database(lambda maker: idea_row(maker, idea.reference)).status is IdeaStatus.UNDER_REVIEW
    assert database(lambda maker: counts(maker, idea.reference))[0] == 2  # raised, and the deputy's move


def test_an_owner_is_someone_in_the_division_and_the_submitter_is_told(
    signed_in: Any, database: Any, client: Any
) -> None:
    database(lambda maker: add_colleague(maker, "owner@lancashire.example", "LAN", "NORTH"))
    database(lambda maker: add_colleague(maker, "elsewhere@lancashire.example", "LAN", "WEST"))
    idea = database(lambda maker: raise_idea(maker, STAFF, "Kit lockers by the door"))
    owner = database(lambda maker: user_id(maker, "owner@lancashire.example"))
    outsider = database(lambda maker: user_id(maker, "elsewhere@lancashire.example"))
    manager = signed_in("manager")
    refused = post_form(manager, f"/ideas/{idea.reference}/owner", {"owner_id": str(outsider)})
    assert refused.status_code == 422
    assert "Choose someone in the idea’s division" in refused.text
    done = post_form(manager, f"/ideas/{idea.reference}/owner", {"owner_id": str(owner)}, follow_redirects=False)
    assert done.status_code == 303
    assert database(lambda maker: idea_row(maker, idea.reference)).owner_id == owner
    sign_in_as(client, "staff")
    assert "Inspector Priya Shah assigned an owner" in client.get("/notifications").text


def triage_item(section: str, reference: str) -> str:
    return next(item for item in section.split('<li class="quest-triage__item">') if f"/ideas/{reference}" in item)


def test_triage_groups_open_ideas_with_sla_badges_and_medians(browser: Any, database: Any, clock: FrozenClock) -> None:
    old = database(
        lambda maker: raise_idea(maker, STAFF, "Old and unanswered", now=START - datetime.timedelta(days=20))
    )
    waiting = database(
        lambda maker: raise_idea(maker, STAFF, "Answered, undecided", now=START - datetime.timedelta(days=40))
    )
    fresh = database(lambda maker: raise_idea(maker, STAFF, "Raised yesterday", now=START - datetime.timedelta(days=1)))
    # The waiting idea had its first response 4 days after it was raised; it is still under review.
    database(
        lambda maker: move_along(maker, MANAGER, waiting.id, "under_review", now=START - datetime.timedelta(days=36))
    )
    sign_in_as(browser, "manager")
    page = browser.get("/triage").text
    assert "<strong>1</strong> waiting too long for a first response" in page
    assert "<strong>1</strong> waiting too long for a decision" in page  # the one raised 40 days ago
    assert "Median days to a first response: <strong>4.0</strong>" in page
    sections = page.split('<h2 class="govuk-heading-m">')
    submitted = next(section for section in sections if section.startswith("Submitted"))
    assert submitted.index(old.reference) < submitted.index(fresh.reference)  # oldest first
    old_item = triage_item(submitted, old.reference)
    assert "First response overdue" in old_item
    assert "Decision overdue" not in old_item  # 20 days: within the 30-day decision SLA
    assert "overdue" not in triage_item(submitted, fresh.reference)
    review = next(section for section in sections if section.startswith("Under review"))
    assert "Decision overdue" in review
    assert "First response overdue" not in review

    # The first response, straight from the list: a plain form comes back to triage; so does htmx.
    quick = post_form(
        browser,
        f"/ideas/{fresh.reference}/decision",
        {"to": "under_review", "version": "1", "from": "triage"},
        follow_redirects=False,
    )
    assert quick.status_code == 303
    assert quick.headers["location"] == "/triage"
    again = post_form(
        browser,
        f"/ideas/{fresh.reference}/decision",
        {"to": "under_review", "version": "1", "from": "triage"},
        headers={"HX-Request": "true"},
    )
    assert again.status_code == 200
    assert f"{fresh.reference}: This idea changed since you opened it" in again.text
    assert 'id="triage"' in again.text


def test_triage_counts_overdue_ideas_in_the_database_as_the_sla_flags_judge_each_one(
    browser: Any, database: Any, clock: FrozenClock
) -> None:
    """The overdue counts are counted by the database, over every open idea (not only the page shown):
    the same figures as :func:`sla_flags` of each idea, to the microsecond on either side of a limit."""
    day, tick = datetime.timedelta(days=1), datetime.timedelta(microseconds=1)
    paths = {"submitted": (), "under_review": ("under_review",), "approved": ("under_review", "approved")}
    ages = (14 * day, 14 * day + tick, 30 * day, 30 * day + tick)  # the SLA: 14 days, then 30
    for status in paths:
        for age in ages:
            raised = database(lambda maker, age=age: raise_idea(maker, STAFF, f"{age}", now=START - age))
            moves = paths[status]
            if moves:
                database(lambda maker, raised=raised, moves=moves: move_along(maker, MANAGER, raised.id, *moves))

    async def judged_one_by_one(maker: Any) -> tuple[int, int]:
        async with maker() as session:
            rows = (await session.execute(select(Idea.status, Idea.created_at))).all()
        flags = [sla_flags(status, created_at, START, Sla(14, 30)) for status, created_at in rows]
        return sum(first for first, _ in flags), sum(decision for _, decision in flags)

    first, decision = database(judged_one_by_one)
    assert (first, decision) == (3, 2)  # 14 days and a microsecond is over; 14 days is not
    sign_in_as(browser, "manager")
    page = browser.get("/triage").text
    assert f"<strong>{first}</strong> waiting too long for a first response" in page
    assert f"<strong>{decision}</strong> waiting too long for a decision" in page


def test_triage_shows_fifty_ideas_a_page_and_a_quick_move_comes_back_to_its_page(
    browser: Any, database: Any, clock: FrozenClock
) -> None:
    for number in range(53):
        database(
            lambda maker, number=number: raise_idea(
                maker, STAFF, f"Idea number {number}", now=START - datetime.timedelta(hours=60 - number)
            )
        )
    sign_in_as(browser, "manager")
    first = browser.get("/triage").text
    assert first.count('<li class="quest-triage__item">') == 50
    assert 'Submitted <span class="quest-hint-inline">(53)</span>' in first  # counted over every page
    assert 'href="/triage?page=2"' in first  # GOV.UK pagination: plain links, no JavaScript needed
    assert "Page 1 of 2" in first
    second = browser.get("/triage", params={"page": 2}).text
    assert second.count('<li class="quest-triage__item">') == 3
    assert "Idea number 52" in second  # the newest, last
    assert "Idea number 0<" not in second
    last = database(lambda maker: idea_row(maker, "LAN-000053"))
    assert 'name="page" value="2"' in second
    moved = decide(browser, last.reference, "under_review", version="1", **{"from": "triage", "page": "2"})
    assert moved.status_code == 303
    assert moved.headers["location"] == "/triage?page=2"


def test_force_headquarters_sets_the_sla_and_the_badges_follow(browser: Any, database: Any, clock: FrozenClock) -> None:
    database(lambda maker: raise_idea(maker, STAFF, "Ten days old", now=START - datetime.timedelta(days=10)))
    sign_in_as(browser, "force_hq")
    bad = post_form(
        browser,
        "/forces/LAN/settings",
        {"first_response_days": "0", "decision_days": "many", "productive_hours_per_fte": "1650"},
    )
    assert bad.status_code == 422
    assert 'href="#first_response_days">' in bad.text
    assert 'href="#decision_days">' in bad.text
    saved = post_form(
        browser,
        "/forces/LAN/settings",
        {"first_response_days": "7", "decision_days": "21", "productive_hours_per_fte": "1600"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    settings_page = browser.get("/forces/LAN/settings").text
    assert "Northern" in settings_page  # the median response times, by division

    sign_in_as(browser, "manager")
    assert "<strong>1</strong> waiting too long for a first response" in browser.get("/triage").text
    assert browser.get("/forces/LAN/settings").status_code == 404  # not a manager's to change


def test_an_implemented_idea_can_be_adopted_elsewhere_once(signed_in: Any, database: Any, client: Any) -> None:
    database(lambda maker: add_colleague(maker, "pc@cheshire.example", "CHE", "EAST"))
    database(lambda maker: add_colleague(maker, "inspector@cheshire.example", "CHE", "EAST", role="manager"))
    theirs = database(lambda maker: raise_idea(maker, "pc@cheshire.example", "Call-back before visit"))
    not_yet = database(lambda maker: raise_idea(maker, "pc@cheshire.example", "Still an idea"))
    database(lambda maker: move_along(maker, "inspector@cheshire.example", theirs.id, *IMPLEMENTED_PATH))
    manager = signed_in("manager")
    page = manager.get(f"/ideas/{theirs.reference}").text
    assert "Adopt this idea in your division" in page
    assert manager.get(f"/ideas/{not_yet.reference}").status_code == 404  # not implemented: not theirs to see

    adopted = post_form(manager, f"/ideas/{theirs.reference}/adopt", follow_redirects=False)
    assert adopted.status_code == 303
    new_reference = adopted.headers["location"].rsplit("/", 1)[1]
    assert new_reference.startswith("LAN-")
    mine = manager.get(f"/ideas/{new_reference}").text
    assert f'href="/ideas/{theirs.reference}">{theirs.reference}</a>' in mine  # adopted from
    assert "Submitted" in mine
    spread = manager.get(f"/ideas/{theirs.reference}").text
    assert f"{new_reference}</a>: Northern (Lancaster and Morecambe) (LAN), submitted" in spread

    twice = post_form(manager, f"/ideas/{theirs.reference}/adopt")
    assert twice.status_code == 422
    assert "Your division has already adopted this idea" in twice.text


# --- Withdrawal: the submitter's own move, not a decline -------------------------------------------------


def transition(client: Any, idea_id: Any, **body: str) -> Any:
    return client.post(f"/api/v1/ideas/{idea_id}/transitions", json=body, headers=api_headers(client))


def test_the_submitter_alone_withdraws_an_idea_through_the_api_with_a_reason(
    client: Any, demo: Any, database: Any
) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Print fewer briefing packs"))
    person = People(client)
    sign_in_as(person("manager"), "manager")
    assert post_form(client, f"/ideas/{idea.reference}/follow", {"follow": "yes"}).status_code == 200

    # The managers decide an idea, but may not withdraw it; the person who raised it may not decide it.
    managers_page = client.get(f"/ideas/{idea.reference}").text
    assert 'value="under_review"' in managers_page
    assert 'value="withdrawn"' not in managers_page
    assert "Withdraw this idea" not in managers_page
    refused = transition(client, idea.id, to="withdrawn", reason="Not wanted")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the person who raised an idea may withdraw it"
    for role in ("validator", "force_hq"):  # they see the idea, but it is neither theirs nor theirs to decide
        sign_in_as(person(role), role)
        assert transition(client, idea.id, to="withdrawn", reason="Not wanted").status_code == 404
    sign_in_as(person("staff"), "staff")
    decided = transition(client, idea.id, to="under_review")
    assert decided.status_code == 403
    assert decided.json()["detail"] == "Only the idea’s division’s managers may move it"
    no_reason = transition(client, idea.id, to="withdrawn", reason="  ")
    assert no_reason.status_code == 422
    assert list(no_reason.json()["extra"]["errors"]) == ["reason"]
    assert database(lambda maker: counts(maker, idea.reference)) == (1, 0)  # refused moves change nothing

    withdrawn = transition(client, idea.id, to="withdrawn", reason="The new system prints them on demand.")
    assert withdrawn.status_code == 200
    body = withdrawn.json()
    assert body["status"] == "withdrawn"
    latest = body["timeline"][-1]
    assert (latest["kind"], latest["from_status"], latest["to_status"]) == ("withdrawn", "submitted", "withdrawn")
    assert latest["body"] == "The new system prints them on demand."
    row = database(lambda maker: idea_row(maker, idea.reference))
    assert row.status is IdeaStatus.WITHDRAWN
    assert (row.first_response_at, row.decided_at) == (None, None)  # neither a response nor a decision
    assert database(lambda maker: counts(maker, idea.reference)) == (2, 1)  # the follower told; not the submitter
    again = transition(client, idea.id, to="withdrawn", reason="Twice")
    assert again.status_code == 409
    assert again.json()["extra"]["errors"] == {"to": "An idea that is withdrawn cannot be moved to withdrawn"}
    listed = client.get("/api/v1/ideas", params={"status": "withdrawn"}, headers=api_headers(client)).json()
    assert [item["ref"] for item in listed["items"]] == [idea.reference]

    person("manager")
    assert "PC Sam Taylor withdrew it" in client.get("/notifications").text
    page = client.get(f"/ideas/{idea.reference}").text
    assert "This idea is withdrawn: nothing more to decide." in page
    assert "Declined" not in page


def test_a_withdrawal_is_neither_a_first_response_nor_a_decision(browser: Any, database: Any) -> None:
    days = datetime.timedelta(days=1)
    taken_back = database(lambda maker: raise_idea(maker, STAFF, "Taken back after a day", now=START - 20 * days))
    reviewed = database(lambda maker: raise_idea(maker, STAFF, "Reviewed after two days", now=START - 10 * days))
    declined = database(lambda maker: raise_idea(maker, STAFF, "Declined after three days", now=START - 40 * days))
    database(lambda maker: move_along(maker, STAFF, taken_back.id, "withdrawn", now=START - 19 * days))
    database(lambda maker: move_along(maker, MANAGER, reviewed.id, "under_review", now=START - 8 * days))
    database(lambda maker: move_along(maker, MANAGER, declined.id, "declined", now=START - 37 * days))

    sign_in_as(browser, "manager")
    page = browser.get("/triage").text
    assert taken_back.reference not in page  # not open, so never overdue
    assert "<strong>0</strong> waiting too long for a first response" in page
    assert "<strong>0</strong> waiting too long for a decision" in page
    # Responses took 2 and 3 days, the one decision 3: the withdrawal after a day counts in neither.
    assert "Median days to a first response: <strong>2.5</strong>" in page
    assert "Median days to a decision: <strong>3.0</strong>" in page

    sign_in_as(browser, "force_hq")
    settings_page = browser.get("/forces/LAN/settings").text
    northern = next(row for row in settings_page.split('<tr class="govuk-table__row">') if "Northern" in row)
    assert re.findall(r"numeric\">([^<]*)</td>", northern) == ["2.5", "3.0"]
