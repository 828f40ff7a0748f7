"""Balancing measures and sustainment on an idea's impact panel and in its API (issue 14, items 3 and 6),
and the sustainment kept as readings come in: a measure drifting back after the 6- or 12-month check is
due turns its link to slipping, which the idea's timeline records and the division's managers alone are
told of, once.

The app runs on a clock the tests move. The idea is implemented on 1 June 2026 (tests.helpers), so its
checks fall due on 1 September 2026, 1 December 2026 and 1 June 2027. Its outcome, pending open
incidents, fell from about 102 a day to 9; of its balancing measures, victim satisfaction held and
repeat calls had one day of concern after the change.
"""

from __future__ import annotations

import datetime
import html
import re
import uuid
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import select

from quest.clock import FrozenClock
from quest.config import Settings
from quest.metrics.models import LinkJudgement
from quest.metrics.vocabulary import MetricRole
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
    sign_in,
)

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
DEPUTY = "deputy.north@lancashire.example"  # a second manager of the idea's division
ELSEWHERE = "manager.elsewhere@lancashire.example"  # a manager of another division of the force
START = datetime.datetime(2026, 9, 15, 9, 0, tzinfo=datetime.UTC)
FIRST_READING = datetime.date(2026, 3, 1)
CHANGE = datetime.date(2026, 6, 1)
SLIPPING = "Its improvement is slipping"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def app(settings: Settings, clock: FrozenClock) -> Litestar:
    return shared_app(settings, clock=clock)


def days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=index) for index in range((last - first).days + 1)]


def alternating(low: float, high: float, dates: list[datetime.date]) -> dict[datetime.date, float]:
    return {day: low if index % 2 == 0 else high for index, day in enumerate(dates)}


def make_metric(client: Any, name: str, direction: str, kind: str = "volume", unit: str = "a day") -> str:
    body = {"name": name, "unit": unit, "kind": kind, "direction": direction, "frequency": "daily"}
    response = client.post("/api/v1/metrics", json=body, headers=api_headers(client))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def put_readings(client: Any, metric_id: str, readings: dict[datetime.date, float]) -> None:
    rows = [{"date": day.isoformat(), "value": value} for day, value in sorted(readings.items())]
    for first in range(0, len(rows), 5000):
        response = client.put(
            f"/api/v1/metrics/{metric_id}/readings", json=rows[first : first + 5000], headers=api_headers(client)
        )
        assert response.status_code == 200, response.text


def words(page: str) -> str:
    """The page's text as a reader hears it: no tags, one space between words."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    return text.replace(" :", ":").replace(" .", ".").replace(" ,", ",")


def section(page: str, element_id: str) -> str:
    match = re.search(rf'<section id="{element_id}".*?</section>', page, re.DOTALL)
    assert match is not None, f"no #{element_id} on the page"
    return match.group(0)


def kept_states(database: Any) -> dict[uuid.UUID, tuple[int, str]]:
    async def read(maker: Any) -> dict[uuid.UUID, tuple[int, str]]:
        async with maker() as session:
            outcomes = select(LinkJudgement.link_id, LinkJudgement.months, LinkJudgement.sustained).where(
                LinkJudgement.role == MetricRole.OUTCOME
            )
            rows = await session.execute(outcomes)
            return {link_id: (months, state.value) for link_id, months, state in rows}

    return database(read)


class Story:
    """An implemented idea of Lancashire's Northern division, its measures and their readings up to the
    day before the clock's."""

    def __init__(self, client: Any, database: Any, clock: FrozenClock) -> None:
        self.people = People(client)
        self.database = database
        self.clock = clock
        self.signed_in: dict[str, datetime.datetime] = {}
        database(lambda maker: add_colleague(maker, DEPUTY, "LAN", "NORTH", role="manager", signs_in=True))
        database(lambda maker: add_colleague(maker, ELSEWHERE, "LAN", "WEST", role="manager", signs_in=True))
        self.idea = database(lambda maker: raise_idea(maker, STAFF, "Call back before visiting", now=clock.now()))
        database(lambda maker: move_along(maker, MANAGER, self.idea.id, *IMPLEMENTED_PATH, now=clock.now()))
        manager = self.manager
        before = days(FIRST_READING, CHANGE - datetime.timedelta(days=1))
        since = days(CHANGE, clock.now().date() - datetime.timedelta(days=1))
        self.outcome = make_metric(manager, "Pending open incidents", "down", kind="backlog", unit="incidents")
        put_readings(manager, self.outcome, alternating(100, 104, before) | alternating(8, 10, since))
        self.satisfaction = make_metric(manager, "Victim satisfaction", "up", kind="satisfaction", unit="%")
        put_readings(manager, self.satisfaction, alternating(80, 82, before + since))
        self.repeat_calls = make_metric(manager, "Repeat calls", "down")
        # A spike on 1 July that passed, then a lasting rise over the last week: worsened.
        repeat_calls = alternating(10, 12, before + since) | {datetime.date(2026, 7, 1): 20}
        put_readings(manager, self.repeat_calls, repeat_calls | dict.fromkeys(since[-7:], 15))

    def as_person(self, email: str) -> Any:
        """The person's browser, signed in afresh once the clock has moved (sessions time out)."""
        client = self.people(email)
        if self.signed_in.get(email) != self.clock.now():
            response = sign_in(client, email)
            assert response.status_code == 303, response.text
            self.signed_in[email] = self.clock.now()
        return client

    @property
    def manager(self) -> Any:
        return self.as_person(MANAGER)

    @property
    def page_url(self) -> str:
        return f"/ideas/{self.idea.reference}"

    def link(self, metric_id: str, role: str | None = None) -> None:
        data = {"link_metric_id": metric_id} | ({"metric_role": role} if role else {})
        response = post_form(self.manager, f"{self.page_url}/metrics", data, follow_redirects=False)
        assert response.status_code == 303, response.text

    def impact(self) -> Any:
        response = self.manager.get(f"/api/v1/ideas/{self.idea.id}/impact", headers={"Accept": "application/json"})
        assert response.status_code == 200, response.text
        return response.json()

    def slipping_notes(self, email: str) -> int:
        return words(self.as_person(email).get("/notifications").text).count(SLIPPING)


@pytest.fixture
def story(client: Any, demo: Any, database: Any, clock: FrozenClock) -> Story:
    return Story(client, database, clock)


def test_balancing_measures_show_apart_as_held_or_worsened(story: Story) -> None:
    story.link(story.outcome)  # no choice made: the idea's outcome
    story.link(story.satisfaction, "balancing")
    story.link(story.repeat_calls, "balancing")
    page = story.manager.get(story.page_url).text
    panel = words(section(page, "impact"))
    # The outcome's wording is as it always was.
    assert "Pending open incidents fell by 91% (an improvement): from 102.0 to 9.0 incidents on average." in panel
    assert "Yes: since the change, readings break the limits set by the readings before it (an improvement)." in panel
    # The balancing measures come after it, under their own heading, each with its chart.
    outcome_at, heading_at = panel.index("Pending open incidents fell"), panel.index("Balancing measures")
    assert outcome_at < heading_at < panel.index("Victim satisfaction, from 1 June 2026")
    assert "Victim satisfaction, from 1 June 2026 Held: no special cause of concern since the change." in panel
    assert "Repeat calls, from 1 June 2026 Worsened: a special cause of concern since the change." in panel
    assert '<strong class="govuk-tag govuk-tag--red">Worsened</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--green">Held</strong>' in page
    assert len(re.findall(r'<svg class="quest-chart__svg"[^>]*data-chart="xmr"', page)) == 2 * 3  # wide and phone
    # The timeline says how each was linked.
    assert "Judged by “Victim satisfaction” as a balancing measure from 01 June 2026" in words(page)


def test_the_link_form_offers_the_choice_and_works_without_javascript(story: Story) -> None:
    page = story.manager.get(story.page_url).text
    assert 'name="metric_role" type="radio" value="outcome" checked' in page
    assert "Outcome: the idea means to improve it" in page
    assert "Balancing measure: it must not get worse" in page
    wrong = post_form(
        story.manager, f"{story.page_url}/metrics", {"link_metric_id": story.satisfaction, "metric_role": "harm"}
    )
    assert wrong.status_code == 422
    assert 'href="#metric_role">Choose whether the measure is the idea’s outcome or a balancing measure' in wrong.text
    # The form is open again, with the error beside the choice.
    opened = r'<details class="govuk-details" open>\s*<summary[^>]*>\s*<span[^>]*>\s*Link a measure'
    assert re.search(opened, wrong.text)
    assert '<p id="metric_role-error" class="govuk-error-message">' in wrong.text
    # Without JavaScript: a plain form post, then back to the page.
    story.link(story.satisfaction, "balancing")
    [linked] = story.impact()["metrics"]
    assert (linked["role"], linked["worsened"], linked["sustainment"]) == ("balancing", False, None)


def test_an_implemented_idea_shows_each_outcomes_checks_and_its_own_state(story: Story) -> None:
    story.link(story.outcome)
    story.link(story.satisfaction, "balancing")
    panel = section(story.manager.get(story.page_url).text, "impact")
    text = words(panel)
    # Near the top of the panel, before the first measure.
    assert text.index("Does the improvement hold? Sustained") < text.index("Pending open incidents, from")
    assert (
        "At 3 months due 1 September 2026 Sustained 92 readings since the change, no special cause of concern" in text
    )
    assert "At 6 months due 1 December 2026 Not yet known Due on 1 December 2026" in text
    assert "At 12 months due 1 June 2027 Not yet known Due on 1 June 2027" in text
    assert panel.count("quest-sustainment") == 1  # the outcome's alone, not the balancing measure's


def test_an_idea_not_yet_implemented_shows_no_sustainment(story: Story, database: Any) -> None:
    approved = database(lambda maker: raise_idea(maker, STAFF, "Approved, under way", now=story.clock.now()))
    database(lambda maker: move_along(maker, MANAGER, approved.id, "under_review", "approved", now=story.clock.now()))
    linked = post_form(
        story.manager,
        f"/ideas/{approved.reference}/metrics",
        {"link_metric_id": story.outcome, "metric_change_date": "2026-06-01"},
        follow_redirects=False,
    )
    assert linked.status_code == 303
    panel = words(section(story.manager.get(f"/ideas/{approved.reference}").text, "impact"))
    assert "Pending open incidents fell by 91%" in panel
    assert "Does the improvement hold?" not in panel
    assert "At 3 months" not in panel
    # The API judges every outcome, as the kept state does (the page waits for the idea to be implemented).
    impact = story.manager.get(f"/api/v1/ideas/{approved.id}/impact", headers={"Accept": "application/json"}).json()
    assert [(metric["role"], metric["sustainment"]["state"]) for metric in impact["metrics"]] == [
        ("outcome", "sustained")
    ]


def test_the_impact_api_gives_roles_worsening_and_sustainment(story: Story) -> None:
    manager = story.manager
    made = manager.post(
        f"/api/v1/ideas/{story.idea.id}/metrics",
        json={"metric_id": story.repeat_calls, "role": "balancing"},
        headers=api_headers(manager),
    )
    assert made.status_code == 201, made.text
    assert (made.json()["role"], made.json()["worsened"], made.json()["sustainment"]) == ("balancing", True, None)
    outcome = manager.post(
        f"/api/v1/ideas/{story.idea.id}/metrics", json={"metric_id": story.outcome}, headers=api_headers(manager)
    )
    assert outcome.status_code == 201, outcome.text
    assert outcome.json()["role"] == "outcome"
    for wrong in ("harm", "OUTCOME"):
        refused = manager.post(
            f"/api/v1/ideas/{story.idea.id}/metrics",
            json={"metric_id": story.satisfaction, "role": wrong},
            headers=api_headers(manager),
        )
        assert refused.status_code == 422
        assert set(refused.json()["extra"]["errors"]) == {"role"}

    impact = story.impact()
    assert impact["sustainment"] == "sustained"
    by_name = {metric["name"]: metric for metric in impact["metrics"]}
    repeat_calls, incidents = by_name["Repeat calls"], by_name["Pending open incidents"]
    assert (repeat_calls["role"], repeat_calls["worsened"], repeat_calls["sustainment"]) == ("balancing", True, None)
    assert (incidents["role"], incidents["worsened"]) == ("outcome", False)
    assert incidents["sustainment"] == {
        "state": "sustained",
        "checks": [
            {
                "months": 3,
                "due": "2026-09-01",
                "state": "sustained",
                "why": "92 readings since the change, no special cause of concern",
            },
            {"months": 6, "due": "2026-12-01", "state": "not_yet_known", "why": "due on 1 December 2026"},
            {"months": 12, "due": "2027-06-01", "state": "not_yet_known", "why": "due on 1 June 2027"},
        ],
    }


def test_the_schema_lists_the_roles_and_states() -> None:
    from quest.app import create_app as make

    schemas = make().openapi_schema.to_schema()["components"]["schemas"]
    assert schemas["MetricLinkIn"]["properties"]["role"]["enum"] == ["outcome", "balancing"]
    assert schemas["MetricLinkIn"]["properties"]["role"]["default"] == "outcome"
    impact_properties = schemas["MetricImpactOut"]["properties"]
    assert {"role", "worsened", "sustainment"} <= set(impact_properties)
    assert "sustainment" in schemas["ImpactOut"]["properties"]
    enums = {
        tuple(schema.get("enum", ())) for schema in schemas.values() if isinstance(schema, dict) and "enum" in schema
    }
    assert ("outcome", "balancing") in enums
    assert ("sustained", "slipping", "not_yet_known") in enums


def test_drifting_back_after_the_six_month_check_tells_the_divisions_managers_once(story: Story, database: Any) -> None:
    story.link(story.outcome)
    story.link(story.repeat_calls, "balancing")
    [(link_id, kept)] = kept_states(database).items()  # the outcome's alone
    assert kept == (3, "sustained")

    # Readings since 15 September, entered on 10 December through the API, climb back towards the
    # level before the change: by the check due on 1 December, the latest is a special cause of concern.
    story.clock.advance(days=86)
    climbing = days(datetime.date(2026, 9, 15), datetime.date(2026, 12, 9))
    put_readings(story.manager, story.outcome, {day: 10 + index for index, day in enumerate(climbing)})
    assert kept_states(database) == {link_id: (6, "slipping")}
    for email in (MANAGER, DEPUTY):
        assert story.slipping_notes(email) == 1, email
    for email in (STAFF, ELSEWHERE):
        assert story.slipping_notes(email) == 0, email

    # The timeline says so in words, on the page and in the API.
    page = story.manager.get(story.page_url).text
    slipped = (
        "Improvement slipping QUEST, 10 December 2026 at 9:00am The improvement on “Pending open incidents” is "
        "slipping at 6 months: the latest reading by then (30 November 2026) is a special cause of concern."
    )
    assert slipped in words(page)
    assert "Does the improvement hold? Slipping" in words(section(page, "impact"))
    timeline = story.manager.get(f"/api/v1/ideas/{story.idea.id}", headers={"Accept": "application/json"}).json()
    assert [entry["kind"] for entry in timeline["timeline"]].count("slipping") == 1
    assert story.impact()["sustainment"] == "slipping"

    # A reading the next day, through the page's form: judged again, still slipping, no one told again.
    story.clock.advance(days=1)
    entered = post_form(
        story.manager,
        f"/metrics/{story.outcome}/readings",
        {"date": "2026-12-10", "value": "97"},
        follow_redirects=False,
    )
    assert entered.status_code == 303, entered.text
    assert kept_states(database) == {link_id: (6, "slipping")}
    for email in (MANAGER, DEPUTY):
        assert story.slipping_notes(email) == 1, email
    assert words(story.manager.get(story.page_url).text).count("Improvement slipping") == 1

    # Unlinked, the idea is no longer judged by the measure: its state goes with the link.
    removed = post_form(story.manager, f"{story.page_url}/metrics/{link_id}/remove", follow_redirects=False)
    assert removed.status_code == 303
    assert kept_states(database) == {}
    assert [metric["name"] for metric in story.impact()["metrics"]] == ["Repeat calls"]
    assert story.impact()["sustainment"] == "not_yet_known"


def test_a_reading_entered_in_the_form_after_the_twelve_month_check_turns_it_to_slipping(
    story: Story, database: Any
) -> None:
    story.link(story.outcome)
    story.clock.advance(days=258)  # 31 May 2027: the check at 12 months is due tomorrow
    steady = days(datetime.date(2026, 9, 15), datetime.date(2027, 5, 30))
    put_readings(story.manager, story.outcome, alternating(8, 10, steady))
    [(link_id, kept)] = kept_states(database).items()
    assert kept == (6, "sustained")
    assert story.slipping_notes(MANAGER) == 0

    story.clock.advance(days=3)  # 3 June 2027: the last reading before the check comes in late, and high
    entered = post_form(
        story.manager,
        f"/metrics/{story.outcome}/readings",
        {"date": "2027-05-31", "value": "60"},
        follow_redirects=False,
    )
    assert entered.status_code == 303, entered.text
    assert kept_states(database) == {link_id: (12, "slipping")}
    assert (story.slipping_notes(MANAGER), story.slipping_notes(DEPUTY)) == (1, 1)
    assert (story.slipping_notes(STAFF), story.slipping_notes(ELSEWHERE)) == (0, 0)
    text = words(story.manager.get(story.page_url).text)
    assert "is slipping at 12 months: the latest reading by then (31 May 2027) is a special cause of concern." in text
    assert "At 12 months due 1 June 2027 Slipping The latest reading by then (31 May 2027)" in text
