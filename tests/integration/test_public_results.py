"""A force's results for the public (issue 13, item 5): its headquarters publishes and withdraws the page;
anyone reads it without signing in; it shows validated savings by financial year, implemented ideas'
titles and the summaries written for the public, and each backlog's XmR chart, and no one's name.

The world, at 30 November 2026 (financial year 2026 runs from 1 April 2026), in Lancashire's Northern
division:
- "Call back before visiting", implemented on 1 June 2026, with £1,000 a year of cash from 1 April 2026
  and 100 hours a year of a constable's time (at the default £36.51: £3,651) validated, £4,321 a year
  claimed and not validated, and £2,000 of cash for the year to 31 March 2026 validated;
- "Share the custody rota", implemented, without a summary for the public;
- "Fewer handovers", raised and not yet implemented;
- a weekly backlog, "Pending open incidents", counted from June 2025 (and once in June 2024, more than two
  years ago), falling after the change linked to the first idea on 1 June 2026.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from quest.accounts.models import User
from quest.audit.models import AuditEntry
from quest.clock import FrozenClock
from quest.config import Settings
from quest.demo import lancashire
from quest.metrics.models import Metric, Reading
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.org.models import Division, Force
from tests.conftest import shared_app
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    api_headers,
    move_along,
    post_form,
    raise_idea,
    sign_in_as,
)

NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)
STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]
JSON = {"Accept": "application/json"}
PROBLEM = "Officers drive to addresses where nobody is home, twice a shift."
PROPOSAL = "Ring the caller back before any visit is booked."
SUMMARY = "Calling back first means fewer wasted journeys, and callers hear from us sooner."
CLAIMED_ONLY = "4321"
CHANGE = datetime.date(2026, 6, 1)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient[Litestar]]:
    with TestClient(shared_app(settings, clock=FrozenClock(NOW)), base_url="http://testserver.local") as client:
        yield client


def _at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def _post(client: Any, path: str, body: Any) -> Any:
    response = client.post(path, json=body, headers=api_headers(client))
    assert response.status_code in (200, 201), response.text
    return response.json()


def _claim(client: Any, idea: Any, **claim: Any) -> str:
    body = {"status": "claimed", "evidence": "The budget line, month by month.", **claim}
    return str(_post(client, f"/api/v1/ideas/{idea.id}/savings", body)["id"])


def _publish(client: Any, choice: str = "yes", code: str = "LAN") -> Any:
    return post_form(client, f"/forces/{code}/settings/publication", {"publish": choice}, follow_redirects=False)


def _weekly_counts() -> list[dict[str, Any]]:
    """About 100 a week before the change, about 40 after it; and one count from June 2024."""
    counts = [{"date": "2024-06-03", "value": 500}]
    day = datetime.date(2025, 6, 2)  # a Monday
    week = 0
    while day <= NOW.date():
        level = 100 if day < CHANGE else 40
        counts.append({"date": day.isoformat(), "value": level + (week % 5) - 2})
        day += datetime.timedelta(days=7)
        week += 1
    return counts


@pytest.fixture
def world(demo: Any, client: TestClient[Litestar], database: Any) -> dict[str, Any]:
    measured = database(
        lambda maker: raise_idea(
            maker, STAFF, "Call back before visiting", problem=PROBLEM, proposal=PROPOSAL, now=_at(2026, 3, 1)
        )
    )
    quiet = database(lambda maker: raise_idea(maker, STAFF, "Share the custody rota", now=_at(2026, 3, 2)))
    waiting = database(lambda maker: raise_idea(maker, STAFF, "Fewer handovers", now=_at(2026, 10, 1)))
    for idea in (measured, quiet):
        database(lambda maker, idea=idea: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH, now=_at(2026, 6, 1)))

    sign_in_as(client, "manager")
    division_id = next(
        division["id"]
        for division in client.get("/api/v1/forces/LAN/divisions", headers=JSON).json()
        if division["code"] == "NORTH"
    )
    metric = _post(
        client,
        "/api/v1/metrics",
        {
            "division_id": division_id,
            "name": "Pending open incidents",
            "unit": "incidents",
            "kind": "backlog",
            "direction": "down",
            "frequency": "weekly",
        },
    )
    response = client.put(
        f"/api/v1/metrics/{metric['id']}/readings", json=_weekly_counts(), headers=api_headers(client)
    )
    assert response.status_code == 200, response.text
    _post(client, f"/api/v1/ideas/{measured.id}/metrics", {"metric_id": metric["id"], "change_date": "2026-06-01"})

    cash = _claim(
        client,
        measured,
        kind="cashable",
        mechanism="Overtime for visits",
        amount_gbp_per_year="1000.00",
        cost_line="Overtime",
        period_start="2026-04-01",
    )
    time = _claim(
        client,
        measured,
        kind="non_cashable",
        mechanism="Fewer journeys",
        hours_per_year=100,
        grade="constable_sergeant",
        redeployed_to="Neighbourhood patrol",
        period_start="2026-04-01",
    )
    _claim(
        client,
        measured,
        kind="cashable",
        mechanism="Vehicle hire",
        amount_gbp_per_year=f"{CLAIMED_ONLY}.00",
        cost_line="Vehicles",
        period_start="2026-04-01",
    )
    last_year = _claim(
        client,
        measured,
        kind="cashable",
        mechanism="Agency cover",
        amount_gbp_per_year="2000.00",
        cost_line="Agency staff",
        period_start="2025-04-01",
        period_end="2026-03-31",
    )
    sign_in_as(client, "validator")
    for claim_id in (cash, time, last_year):
        _post(client, f"/api/v1/savings/{claim_id}/decision", {"decision": "validated", "note": "Checked."})
    client.cookies.clear()
    return {"measured": measured, "quiet": quiet, "waiting": waiting, "metric_id": metric["id"]}


def _write_summary(client: Any, reference: str, summary: str) -> Any:
    return post_form(client, f"/ideas/{reference}/public-summary", {"public_summary": summary}, follow_redirects=False)


def _published(client: Any, world: dict[str, Any]) -> None:
    sign_in_as(client, "manager")
    assert _write_summary(client, world["measured"].reference, SUMMARY).status_code == 303
    sign_in_as(client, "force_hq")
    assert _publish(client).status_code == 303
    client.cookies.clear()


def test_only_a_published_force_answers_and_its_headquarters_publishes_and_withdraws(
    demo: Any, client: Any, database: Any
) -> None:
    # Not published, and no such force: the same 404, on the page and in the API.
    for code in ("LAN", "ZZZ"):
        assert client.get(f"/public/{code}").status_code == 404
        assert client.get(f"/api/v1/public/{code}", headers=JSON).status_code == 404

    # Nobody else publishes it: those without the permission are refused, another force's headquarters
    # does not find it.
    for role in ("staff", "manager", "validator", "national"):
        sign_in_as(client, role)
        assert _publish(client).status_code == 403, role
    sign_in_as(client, "force_hq")
    assert _publish(client, code="CHE").status_code == 404
    assert client.get("/public/LAN").status_code == 404

    settings_page = client.get("/forces/LAN/settings").text
    assert "Publish the results page" in settings_page
    assert _publish(client).status_code == 303
    assert "Withdraw the results page" in client.get("/forces/LAN/settings").text
    client.cookies.clear()
    page = client.get("/public/LAN")
    assert page.status_code == 200
    assert "Lancashire Constabulary" in page.text
    assert "Published by the force's headquarters on 30 November 2026" in page.text
    assert "Sign in" in page.text  # no signed-in navigation: a stranger's page
    assert client.get("/public/lan").status_code == 200  # the code in any case
    assert client.get("/api/v1/public/LAN", headers=JSON).json()["force"]["code"] == "LAN"

    sign_in_as(client, "force_hq")
    assert _publish(client, "no").status_code == 303
    client.cookies.clear()
    assert client.get("/public/LAN").status_code == 404
    assert client.get("/api/v1/public/LAN", headers=JSON).status_code == 404

    # An administrator may publish any force's page; a choice that is neither is refused, naming it.
    sign_in_as(client, "admin")
    refused = _publish(client, "maybe", code="CHE")
    assert refused.status_code == 422
    assert "Choose whether to publish the results page or withdraw it" in refused.text
    assert _publish(client, code="CHE").status_code == 303
    client.cookies.clear()
    assert client.get("/public/CHE").status_code == 200

    async def changes(maker: Any) -> list[tuple[str, Any, Any]]:
        async with maker() as session:
            rows = await session.execute(
                select(AuditEntry.actor_label, AuditEntry.before, AuditEntry.after)
                .where(AuditEntry.entity == "forces")
                .order_by(AuditEntry.occurred_at, AuditEntry.id)
            )
            return [tuple(row) for row in rows if "public_since" in (row.after or {})]

    audited = database(changes)
    # Published and withdrawn (Lancashire, by its headquarters), published (Cheshire, by the administrator).
    assert [actor for actor, _before, _after in audited] == [DEMO_EMAILS["force_hq"]] * 2 + [DEMO_EMAILS["admin"]]
    assert audited[0][1]["public_since"] is None
    assert audited[0][2]["public_since"] is not None
    assert audited[1][1]["public_since"] is not None
    assert audited[1][2]["public_since"] is None


def test_validated_savings_by_financial_year_and_never_claimed_ones(world: dict[str, Any], client: Any) -> None:
    _published(client, world)
    answer = client.get("/api/v1/public/LAN", headers=JSON).json()
    years = {year["fy"]: year["validated"] for year in answer["savings_by_year"]}
    assert list(years) == [2026, 2025]  # the latest first, from the first year with a validated saving
    assert years[2026] == {
        "cashable_gbp": "1000.00",
        "non_cashable_gbp": "3651.00",
        "total_gbp": "4651.00",
        "hours": 100.0,
        "fte": 0.06,
    }
    assert years[2025]["cashable_gbp"] == "2000.00"
    assert years[2025]["total_gbp"] == "2000.00"
    assert set(answer["savings_by_year"][0]) == {"fy", "validated"}  # validated only: no claimed, no forecast

    html = client.get("/public/LAN").text
    table = html.split('id="savings-by-year"')[1].split("</table>")[0]
    assert "2026 to 2027" in table
    assert "2025 to 2026" in table
    for figure in ("£1,000.00", "£3,651.00", "£4,651.00", "£2,000.00"):
        assert figure in table
    # The claim nobody validated is in no figure the page shows: its text, without its tags, whose
    # attributes hold random tokens (a CSRF token once held "4321").
    shown = re.sub(r"<[^>]*>", " ", html)
    for claimed_only in (CLAIMED_ONLY, "4,321"):
        assert claimed_only not in shown
    assert "Figures validated by the force's finance team" in html


def test_implemented_ideas_show_their_titles_and_published_summaries_and_nothing_else(
    world: dict[str, Any], client: Any
) -> None:
    _published(client, world)
    html = client.get("/public/LAN").text
    ideas = html.split('id="implemented-ideas"')[1].split("</ul>")[0]
    assert "Call back before visiting" in ideas
    assert SUMMARY in ideas
    assert "Share the custody rota" in ideas
    assert "Fewer handovers" not in html  # not implemented: not listed
    for typed in (PROBLEM, PROPOSAL, "Brief the teams first.", "Officers wait for this every shift."):
        assert typed not in html
    answer = client.get("/api/v1/public/LAN", headers=JSON).json()
    assert answer["implemented_ideas"] == 2
    by_title = {idea["title"]: idea for idea in answer["ideas"]}
    assert by_title["Call back before visiting"]["summary"] == SUMMARY
    assert by_title["Call back before visiting"]["implemented_on"] == "2026-06-01"
    assert by_title["Share the custody rota"]["summary"] == ""
    assert "Fewer handovers" not in by_title

    # The manager empties the summary: the title stands alone again.
    sign_in_as(client, "manager")
    assert _write_summary(client, world["measured"].reference, "  ").status_code == 303
    client.cookies.clear()
    assert SUMMARY not in client.get("/public/LAN").text


def test_the_page_names_no_one(world: dict[str, Any], client: Any, database: Any) -> None:
    _published(client, world)

    async def people(maker: Any) -> list[tuple[str, str]]:
        async with maker() as session:
            return [(name, email) for name, email in await session.execute(select(User.display_name, User.email))]

    everyone = database(people)
    assert len(everyone) >= 6
    html = client.get("/public/LAN").text
    api = client.get("/api/v1/public/LAN", headers=JSON).text
    for name, email in everyone:
        for shown in (html, api):
            assert name not in shown, name
            assert email not in shown, email
            assert email.split("@")[0] + "@" not in shown, email


def test_each_backlog_is_an_xmr_chart_of_the_last_two_years(world: dict[str, Any], client: Any) -> None:
    _published(client, world)
    html = client.get("/public/LAN").text
    backlogs = html.split('id="backlogs"')[1]
    assert "Northern (Lancaster and Morecambe)" in backlogs
    assert "Pending open incidents" in backlogs
    assert '<svg class="quest-chart__svg"' in backlogs
    assert 'data-chart="xmr"' in backlogs
    # Rebased where the implemented idea changed the work, labelled with its reference.
    chart = backlogs.split('data-chart="xmr"')[1].split("</svg>")[0]
    assert world["measured"].reference in chart
    answer = client.get("/api/v1/public/LAN", headers=JSON).json()
    (backlog,) = answer["backlogs"]
    assert backlog["name"] == "Pending open incidents"
    assert backlog["division"] == "Northern (Lancaster and Morecambe)"
    points = backlog["spc"]["points"]
    assert points[0]["date"] == "2025-06-02"  # the count from June 2024 is more than two years old
    assert all(point["value"] != 500 for point in points)
    # Two segments, each with its own mean: about 100 before the change, about 40 after.
    before = {point["mean"] for point in points if point["date"] < "2026-06-01"}
    after = {point["mean"] for point in points if point["date"] >= "2026-06-01"}
    assert len(before) == len(after) == 1
    assert 95 < before.pop() < 105
    assert 35 < after.pop() < 45
    assert backlog["latest"] == points[-1]["value"]


def test_the_summary_form_is_for_managers_of_implemented_ideas_and_refuses_bad_input(
    world: dict[str, Any], client: Any
) -> None:
    reference = world["measured"].reference
    sign_in_as(client, "manager")
    assert 'action="/ideas/' + reference + '/public-summary"' in client.get(f"/ideas/{reference}").text
    waiting = world["waiting"].reference
    assert "/public-summary" not in client.get(f"/ideas/{waiting}").text

    too_long = _write_summary(client, reference, "x" * 1001)
    assert too_long.status_code == 422
    assert "The summary for the public must be 1,000 characters or fewer" in too_long.text
    assert 'href="#public_summary"' in too_long.text  # the error summary links to the field
    assert 'id="public_summary-error"' in too_long.text  # and the field says what is wrong
    assert "x" * 1001 in too_long.text  # what was typed is kept
    control = _write_summary(client, reference, "Fewer journeys\x07")
    assert control.status_code == 422
    assert "public_summary" in control.text
    assert "control character" in control.text
    not_yet = _write_summary(client, waiting, SUMMARY)
    assert not_yet.status_code == 422
    assert "Only an implemented idea has a summary for the public" in not_yet.text

    # Staff of the division, and force headquarters, decide no idea anywhere: their role may not (403).
    sign_in_as(client, "staff")
    assert _write_summary(client, reference, SUMMARY).status_code == 403
    sign_in_as(client, "force_hq")
    assert _write_summary(client, reference, SUMMARY).status_code == 403


async def _many_backlogs(maker: Any) -> None:
    """Twelve more backlogs in the Northern division (thirteen in all) and one in the Western: more than
    one page should draw at once, so the page shows one division's at a time."""
    async with maker() as session:
        divisions = {
            code: (division_id, force_id)
            for code, division_id, force_id in await session.execute(
                select(Division.code, Division.id, Division.force_id)
                .join(Force, Force.id == Division.force_id)
                .where(Force.code == "LAN")
            )
        }
        for code, name in [("NORTH", f"Backlog {number:02}") for number in range(1, 13)] + [
            ("WEST", "Statements awaiting typing")
        ]:
            division_id, force_id = divisions[code]
            metric = Metric(
                force_id=force_id,
                division_id=division_id,
                name=name,
                unit="items",
                kind=MetricKind.BACKLOG,
                direction=Direction.DOWN,
                frequency=Frequency.DAILY,
            )
            session.add(metric)
            await session.flush()
            session.add_all(
                Reading(
                    metric_id=metric.id,
                    period_date=datetime.date(2026, 11, day),
                    value=decimal.Decimal(day % 4),
                    entered_at=NOW,
                    force_id=force_id,
                )
                for day in range(1, 29)
            )
        await session.commit()


def test_a_force_with_many_backlogs_shows_one_divisions_at_a_time(
    world: dict[str, Any], client: Any, database: Any
) -> None:
    database(_many_backlogs)
    _published(client, world)
    html = client.get("/public/LAN").text
    backlogs = html.split('id="backlogs"')[1]
    # The first division by name with backlogs (Northern) is shown; the Western is offered, not drawn.
    assert '<option value="NORTH" selected>Northern (Lancaster and Morecambe) (13)</option>' in backlogs
    assert '<option value="WEST">Western (Blackpool, Fylde and Wyre) (1)</option>' in backlogs
    assert backlogs.count('data-chart="xmr" data-screen="wide"') == 13
    assert "Statements awaiting typing" not in backlogs
    western = client.get("/public/LAN", params={"division": "west"}).text.split('id="backlogs"')[1]
    assert western.count('data-chart="xmr" data-screen="wide"') == 1
    assert "Statements awaiting typing" in western
    assert "Pending open incidents" not in western

    answer = client.get("/api/v1/public/LAN", params={"division": "WEST"}, headers=JSON).json()
    assert answer["division"] == "WEST"
    assert [backlog["name"] for backlog in answer["backlogs"]] == ["Statements awaiting typing"]
    assert {(choice["code"], choice["backlogs"]) for choice in answer["backlog_divisions"]} == {
        ("NORTH", 13),
        ("WEST", 1),
    }
    # A division that is not the force's (or has no backlog) is refused, naming the parameter.
    for path in ("/public/LAN", "/api/v1/public/LAN"):
        refused = client.get(path, params={"division": "EAST"}, headers=JSON if "api" in path else {})
        assert refused.status_code == 400
        assert "division" in refused.text


def test_the_demo_publishes_lancashire_with_its_story_and_no_one_named(
    demo_history: Any, client: Any, database: Any
) -> None:
    async def people(maker: Any) -> list[tuple[str, str]]:
        async with maker() as session:
            return [(name, email) for name, email in await session.execute(select(User.display_name, User.email))]

    page = client.get("/public/LAN")
    assert page.status_code == 200
    assert lancashire.PUBLIC_SUMMARY in page.text
    assert 'data-chart="xmr"' in page.text
    for name, email in database(people):
        assert name not in page.text, name
        assert email not in page.text, email
    assert client.get("/public/CHE").status_code == 404  # published by its headquarters, or not at all
