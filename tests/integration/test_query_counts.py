"""How many SQL statements a page costs (issue 11): the idea page asks the database once for each thing,
whatever the number of measures linked to it; the lists and the ledger do not grow a statement a row.

Each count is of the statements SQLAlchemy sends for one request, sign-in checks and the unread count
included; the transaction's own ``BEGIN``/``COMMIT`` are left out, since SQLite sends them as statements
and PostgreSQL's driver does not. A ceiling is what the page needs today: a change that makes a page ask
more fails here, and should either ask less or raise the ceiling with a reason.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from advanced_alchemy.extensions.litestar.plugins.init.plugin import SQLAlchemyInitPlugin
from litestar import Litestar
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.statements import Statements
from tests.helpers import (
    DEMO_EMAILS,
    IMPLEMENTED_PATH,
    add_colleague,
    api_headers,
    move_along,
    post_form,
    raise_idea,
    sign_in,
    sign_in_as,
)

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]

# Each ceiling counts the statement every signed-in page makes: the viewer, with their unread
# notifications (two statements until the count joined the sign-in lookup). Before issue 11 the idea page
# made 25 (30 with four measures, a statement more for each), a refused decision 25.
#
# The idea page as its division's manager sees it (the most it shows: moves, owners, measures to link),
# with two savings claims: the idea with its people, its waste types and its force's productive hours,
# its timeline, similar ideas, its claims, its costs (issue 14: set against its savings; not asked of a
# submitted or withdrawn idea, which never has any), the pairs that may double count, the claims' evidence
# (its links' judgements and whether its costs are recorded, kept), its measures with their changes and
# the measures to link, the owners, where it spread.
IDEA_PAGE = 11
# The same with linked measures, each with readings: all their readings are one statement more,
# whatever their number.
IDEA_PAGE_WITH_MEASURES = 12
# A decision refused for want of a reason, on a submitted idea: the idea's id from its reference, the
# idea to move, then the page again (no claims, no measures, and not implemented, so spread nowhere).
FAILED_DECISION = 9
# The division's ideas, one page of them: the count, the page, their waste types.
IDEA_LIST = 4
# The manager's triage list: the SLA, how many open ideas of each status (and overdue), one page of
# them, their response times. (4 before it was paged: the count is what paging costs.)
TRIAGE = 5
# The force's ledger for a financial year, as its validator sees it: the claims shown, and those in the
# double-count groups that they or the year's live claims are in (kept: double_count_members); the year's
# sums (kept: savings_by_year); its costs (kept: costs_by_year); how many claims and flagged groups; the
# productive hours; the evidence of the claims shown (their ideas' link judgements and costs, kept).
SAVINGS = 7
# The validator's page of possible double counts: the page's groups (kept: double_count_members), the
# first claims of each and how many groups there are (one statement, whatever the size of the groups:
# test_double_count_groups).
DOUBLE_COUNTS_PAGE = 2
# The validator's home: the oldest claims waiting and the claims of their double-count groups; the places
# of the claims waiting on /savings; how many wait; the first groups of possible double counts; their
# updates and how many.
VALIDATOR_HOME = 7
# Raising an idea by the form: the division it goes to (read before any writing transaction begins), the
# force's counter bumped and its code read in one statement (autocommitted on PostgreSQL, in the idea's
# transaction on SQLite), then one flush: the idea, its first timeline entry, its waste types, their audit
# rows. Before issue 12 it made 10 (the counter's row made or bumped in two statements and the force's code
# in a third, the timeline entry in a flush of its own), all in one transaction that held the counter's row
# throughout. Issue 13 added one: the idea counted in its London month (ideas_raised_by_month), which the
# force and national dashboards read a year of ideas from.
SUBMISSION = 9
# ... and the transactions it commits: the lookup's and the idea's. The force's counter is bumped in the
# idea's own transaction on SQLite (a writer locks the whole database, so a transaction of its own took
# that lock twice for each idea) and by one autocommitted statement on PostgreSQL (no BEGIN, no COMMIT).
# Before, a third transaction bumped it on both.
SUBMISSION_COMMITS = 2
# The practice library downloaded, every idea its filters choose (a force, here): the force's id from its
# code, the ideas with their waste types, then one statement each for their validated savings, the places
# that adopted them, their first measures and those measures' readings, whatever their number.
PRACTICE_DOWNLOAD = 7
# A force's divisions compared (issue 13), whatever the number of divisions, ideas, claims or measures: the
# viewer; the force; its divisions; their sizes; ideas raised by month; the year's decisions; waste; the
# force's productive hours; the year's savings (the rollup's sums, the costs, the flagged groups); the days
# to a decision; the backlogs. Issue 14 added two, one a measure: the improvements that hold (the kept
# judgements, grouped by idea then by division) and the hours released and not yet redeployed.
FORCE_DASHBOARD = 15
# Every force compared, when the forces' figures are worked out (the first request of each minute in each
# process): as a force's divisions, with every force and their profiles for the force and its divisions.
NATIONAL_WORKED_OUT = 14
# The health check asks whether the database answers, and nothing else; a static file asks nothing. Neither
# looks up who is asking, whatever cookie comes with the request (each was a sign-in lookup more).
HEALTH_CHECK = 1
STATIC_FILE = 0


@contextlib.contextmanager
def listening(engine: Engine, name: str, listener: Callable[..., Any]) -> Iterator[None]:
    event.listen(engine, name, listener)
    try:
        yield
    finally:
        event.remove(engine, name, listener)


@pytest.fixture
def statements(app: Litestar, client: Any) -> Iterator[Statements]:
    """A counter on the app's own engine (the one its requests use), for the test's life."""
    engine = app.plugins.get(SQLAlchemyInitPlugin).config[0].get_engine().sync_engine
    with Statements().listening(engine) as counter:
        yield counter


def _make_metric(client: Any, name: str) -> str:
    body = {"name": name, "unit": "incidents", "kind": "backlog", "direction": "down", "frequency": "daily"}
    response = client.post("/api/v1/metrics", json=body, headers=api_headers(client))
    assert response.status_code == 201, response.text
    metric_id: str = response.json()["id"]
    return metric_id


def _link_measures(client: Any, idea: Any, count: int, first: int = 0) -> None:
    start = datetime.date(2026, 4, 2)
    for number in range(first, first + count):
        metric = _make_metric(client, f"Pending open incidents {number}")
        rows = [
            {"date": (start + datetime.timedelta(days=day)).isoformat(), "value": 100 - day % 7 - (day > 60) * 50}
            for day in range(90)
        ]
        put = client.put(f"/api/v1/metrics/{metric}/readings", json=rows, headers=api_headers(client))
        assert put.status_code == 200, put.text
        linked = client.post(
            f"/api/v1/ideas/{idea.id}/metrics", json={"metric_id": metric}, headers=api_headers(client)
        )
        assert linked.status_code == 201, linked.text


def _claim(client: Any, idea: Any, mechanism: str, status: str) -> None:
    body = {
        "kind": "non_cashable",
        "status": status,
        "mechanism": mechanism,
        "hours_per_year": 1200,
        "grade": "constable_sergeant",
        "redeployed_to": "Neighbourhood patrol",
        "period_start": "2026-06-01",
        "evidence": "The incident log before and after",
    }
    made = client.post(f"/api/v1/ideas/{idea.id}/savings", json=body, headers=api_headers(client))
    assert made.status_code == 201, made.text


def _cost(client: Any, idea: Any, description: str) -> None:
    body = {"recurrence": "recurring", "kind": "cashable", "description": description, "amount_gbp": "1200"}
    made = client.post(
        f"/api/v1/ideas/{idea.id}/costs", json=body | {"starts": "2026-06-01"}, headers=api_headers(client)
    )
    assert made.status_code == 201, made.text


@pytest.fixture
def idea_with_claims(demo: Any, client: Any, database: Any) -> Any:
    """An implemented idea of the manager's division with two claims, the manager signed in."""
    idea = database(lambda maker: raise_idea(maker, STAFF, "Call back before visiting"))
    database(lambda maker: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH))
    sign_in_as(client, "manager")
    _claim(client, idea, "Fewer incidents visited", "claimed")
    _claim(client, idea, "Shorter handovers", "forecast")
    return idea


def test_the_idea_page_asks_once_for_each_thing(statements: Statements, client: Any, idea_with_claims: Any) -> None:
    url = f"/ideas/{idea_with_claims.reference}"
    client.get(url)  # the first request warms what the app reads once
    assert statements.of(lambda: client.get(url)) <= IDEA_PAGE, statements.listing()
    for description in ("Training the call-back team", "Call-back software licence"):
        _cost(client, idea_with_claims, description)
    assert "Call-back software licence" in client.get(url).text
    assert statements.of(lambda: client.get(url)) <= IDEA_PAGE, statements.listing()  # its costs: one statement

    _link_measures(client, idea_with_claims, 1)
    one = statements.of(lambda: client.get(url))
    assert one <= IDEA_PAGE_WITH_MEASURES, statements.listing()
    _link_measures(client, idea_with_claims, 3, first=1)
    four = statements.of(lambda: client.get(url))
    assert "Pending open incidents 3" in client.get(url).text
    assert four == one, statements.listing()  # not a statement more for each measure


def test_a_refused_decision_shows_the_page_again_as_cheaply(
    statements: Statements, client: Any, database: Any, demo: Any
) -> None:
    idea = database(lambda maker: raise_idea(maker, STAFF, "Call back before visiting"))
    sign_in_as(client, "manager")
    url = f"/ideas/{idea.reference}"
    client.get(url)
    refused = statements.of(lambda: post_form(client, f"{url}/decision", {"to": "declined", "reason": ""}), 422)
    assert refused <= FAILED_DECISION, statements.listing()


def test_the_lists_and_the_ledger_do_not_grow_a_statement_a_row(
    statements: Statements, client: Any, idea_with_claims: Any, database: Any
) -> None:
    for number in range(5):
        database(lambda maker, number=number: raise_idea(maker, STAFF, f"Another idea {number}"))
    client.get("/ideas/")
    assert statements.of(lambda: client.get("/ideas/")) <= IDEA_LIST, statements.listing()
    assert statements.of(lambda: client.get("/triage")) <= TRIAGE, statements.listing()
    sign_in_as(client, "validator")
    assert statements.of(lambda: client.get("/savings?fy=2026")) <= SAVINGS, statements.listing()


def test_the_health_check_and_static_files_look_nobody_up(statements: Statements, client: Any, demo: Any) -> None:
    sign_in_as(client, "staff")
    assert client.cookies.get("quest_session")  # the cookie that would be looked up
    assert statements.of(lambda: client.get("/healthz")) == HEALTH_CHECK, statements.listing()
    assert statements.of(lambda: client.get("/static/css/quest.css")) == STATIC_FILE, statements.listing()


def test_submitting_an_idea_asks_few_statements(app: Litestar, statements: Statements, client: Any, demo: Any) -> None:
    sign_in_as(client, "staff")
    client.get("/ideas/new")
    form = {
        "title": "Enter incidents once",
        "problem": "Officers re-type the same incident details into three systems every shift.",
        "proposal": "Enter them once and let the other systems read them.",
        "process": "Incident logging",
        "waste_types": "extra_processing",
    }
    commits: list[object] = []
    engine = app.plugins.get(SQLAlchemyInitPlugin).config[0].get_engine().sync_engine
    with listening(engine, "commit", commits.append):
        submitted = statements.of(lambda: post_form(client, "/ideas/new", form, follow_redirects=False), 303)
    assert submitted <= SUBMISSION, statements.listing()
    assert len(commits) == SUBMISSION_COMMITS


def test_the_practice_library_downloads_without_a_statement_an_idea(
    statements: Statements, client: Any, idea_with_claims: Any, database: Any
) -> None:
    """The download reads each thing it shows of every idea at once: more ideas, with measures, claims and
    adoptions of their own, ask no more of the database."""
    url = "/practice?force=LAN&format=csv"
    _link_measures(client, idea_with_claims, 1)
    client.get(url)
    few = statements.of(lambda: client.get(url))
    assert few <= PRACTICE_DOWNLOAD, statements.listing()
    for number in range(4):
        idea = database(lambda maker, number=number: raise_idea(maker, STAFF, f"Implemented idea {number}"))
        database(lambda maker, idea=idea: move_along(maker, MANAGER, idea.id, *IMPLEMENTED_PATH))
        _link_measures(client, idea, 1, first=10 + number)
        _claim(client, idea, f"Saving {number}", "claimed")
    database(
        lambda maker: add_colleague(maker, "manager.east@cheshire.example", "CHE", "EAST", "manager", signs_in=True)
    )
    assert sign_in(client, "manager.east@cheshire.example").status_code == 303
    adopted = post_form(client, f"/ideas/{idea_with_claims.reference}/adopt", follow_redirects=False)
    assert adopted.status_code == 303, adopted.text
    sign_in_as(client, "manager")
    many = statements.of(lambda: client.get(url))
    downloaded = client.get(url).content.decode("utf-8-sig").splitlines()[1:]
    assert len(downloaded) == 5
    assert all(",Pending open incidents " in row for row in downloaded)  # each with its measure's impact
    assert many == few, statements.listing()


def test_the_comparisons_ask_a_statement_a_figure_whatever_the_number_of_units(
    statements: Statements, client: Any, idea_with_claims: Any
) -> None:
    _link_measures(client, idea_with_claims, 1)
    sign_in_as(client, "force_hq")
    url = "/forces/LAN/dashboard?fy=2026"
    client.get(url)
    before = statements.of(lambda: client.get(url))
    assert before <= FORCE_DASHBOARD, statements.listing()
    sign_in_as(client, "manager")
    _link_measures(client, idea_with_claims, 2, first=1)
    _claim(client, idea_with_claims, "Fewer handovers", "claimed")
    sign_in_as(client, "force_hq")
    assert statements.of(lambda: client.get(url)) == before, statements.listing()
    sign_in_as(client, "national")
    national = statements.of(lambda: client.get("/api/v1/dashboards/national?fy=2026"))
    assert national <= NATIONAL_WORKED_OUT, statements.listing()
