"""Ideas as frontline staff and managers use them: raising, reading, searching, commenting, supporting,
following, changing and withdrawing, My ideas, notifications, the list and its exports."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, update

from quest.db import writing
from quest.ideas import search
from quest.ideas.models import Idea
from quest.ideas.status import IdeaStatus
from tests.conftest import POSTGRES_URL
from tests.helpers import DEMO_EMAILS, People, add_colleague, post_form, raise_idea, sign_in_as

STAFF, MANAGER = DEMO_EMAILS["staff"], DEMO_EMAILS["manager"]


def submit(client: Any, **fields: Any) -> Any:
    data = {"title": "", "problem": "", "proposal": "", "expected_benefit": "", "process": ""} | fields
    return post_form(client, "/ideas/new", data, follow_redirects=False)


async def set_status(session_maker: Any, reference: str, status: IdeaStatus) -> None:
    async with session_maker() as session:
        await session.execute(update(Idea).where(Idea.reference == reference).values(status=status))
        await session.commit()


def test_staff_raise_an_idea_and_see_it_with_its_timeline(signed_in: Any) -> None:
    client = signed_in("staff")
    response = submit(
        client,
        title="Let PCSOs close low-risk pending incidents",
        problem="Low-risk incidents wait days for an officer.\nEvery shift.",
        proposal="Let PCSOs close them after a call-back.",
        process="Incident closure",
        waste_types=["waiting", "inventory"],
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/ideas/LAN-000001"
    page = client.get("/ideas/LAN-000001").text
    assert "Your idea LAN-000001 has been sent to your division’s managers" in page
    assert "Let PCSOs close low-risk pending incidents" in page
    assert re.search(r'govuk-tag--blue">\s*Submitted\s*<', page)
    assert "Waiting, Inventory" in page
    assert "Raised" in page
    assert "PC Sam Taylor" in page


def test_references_count_up_within_each_force(demo: Any, database: Any) -> None:
    database(lambda maker: add_colleague(maker, "pc.cheshire@cheshire.example", "CHE", "EAST"))
    first = database(lambda maker: raise_idea(maker, STAFF, "First"))
    second = database(lambda maker: raise_idea(maker, STAFF, "Second"))
    cheshire = database(lambda maker: raise_idea(maker, "pc.cheshire@cheshire.example", "Cheshire's first"))
    assert (first.reference, second.reference, cheshire.reference) == ("LAN-000001", "LAN-000002", "CHE-000001")


def test_writers_at_once_in_one_force_each_get_a_reference_of_their_own(demo: Any, database: Any) -> None:
    """Twelve people submitting at the same moment in a force that has raised no idea yet: every idea is
    stored, each with its own reference (the force's counter is made by the first and bumped by the others,
    never made twice)."""

    async def at_once(maker: Any) -> list[Any]:
        with writing():  # as a POST's transactions are
            return list(await asyncio.gather(*(raise_idea(maker, STAFF, f"At once {number}") for number in range(12))))

    submitted = database(at_once)
    assert sorted(idea.reference for idea in submitted) == [f"LAN-{number:06d}" for number in range(1, 13)]

    async def stored(maker: Any) -> list[str]:
        async with maker() as session:
            return sorted(
                (await session.execute(select(Idea.reference).where(Idea.title.startswith("At once")))).scalars()
            )

    assert database(stored) == sorted(idea.reference for idea in submitted)


def test_bad_input_is_shown_beside_each_field_and_nothing_is_written(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    response = submit(client, title="x" * 130, problem="", proposal="", waste_types=["greed"])
    assert response.status_code == 422
    for field, message in (
        ("title", "A short title must be 120 characters or fewer"),
        ("problem", "Enter what happens now"),
        ("proposal", "Enter what you would change"),
        ("waste_types", "Choose waste types from the list"),
    ):
        assert f'href="#{field}">{message}' in response.text
    assert "<title>Error: Raise an idea – QUEST</title>" in response.text

    async def count(session_maker: Any) -> int:
        async with session_maker() as session:
            return len((await session.execute(select(Idea.id))).all())

    assert database(count) == 0


def test_script_in_an_idea_is_shown_as_text(signed_in: Any) -> None:
    client = signed_in("staff")
    submit(client, title="<script>alert('x')</script>", problem="<img src=x onerror=alert(1)>", proposal="ok")
    page = client.get("/ideas/LAN-000001").text
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_my_ideas_shows_the_latest_news_and_the_reason(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    submit(client, title="Stop printing the overnight summary", problem="Thirty pages.", proposal="Show it on screen.")
    post_form(client, "/ideas/LAN-000001/withdraw", {"reason": "Someone already did this."})
    mine = client.get("/my-ideas").text
    assert "Stop printing the overnight summary" in mine
    assert re.search(r'govuk-tag--grey">\s*Withdrawn\s*<', mine)
    assert "Withdrawn: “Someone already did this.”" in mine
    assert "Declined" not in mine  # withdrawal is its own outcome, not a decline


def test_withdrawing_keeps_the_idea_on_the_record_and_editing_stops_once_reviewed(
    signed_in: Any, database: Any
) -> None:
    client = signed_in("staff")
    submit(client, title="First version", problem="p", proposal="q")
    edit = post_form(client, "/ideas/LAN-000001/edit", {"title": "Second version", "problem": "p", "proposal": "q"})
    assert "Your idea has been changed" in edit.text
    assert "Changed by the person who raised it" in edit.text
    database(lambda maker: set_status(maker, "LAN-000001", IdeaStatus.UNDER_REVIEW))
    too_late = post_form(client, "/ideas/LAN-000001/edit", {"title": "Third", "problem": "p", "proposal": "q"})
    assert too_late.status_code == 422
    assert "You can only change or withdraw an idea before it is reviewed" in too_late.text
    assert client.get("/ideas/LAN-000001/edit").status_code == 404

    submit(client, title="To withdraw", problem="p", proposal="q")
    no_reason = post_form(client, "/ideas/LAN-000002/withdraw", {"reason": " ", "version": "1"})
    assert no_reason.status_code == 422
    assert 'href="#reason">Say why you are withdrawing your idea' in no_reason.text
    assert "Why are you withdrawing it?" in no_reason.text  # the form is open again, its error beside it
    assert "(optional)" not in no_reason.text
    withdrawn = post_form(
        client, "/ideas/LAN-000002/withdraw", {"reason": "A colleague raised it first.", "version": "1"}
    )
    assert "Your idea has been withdrawn. It stays on the record, marked as withdrawn." in withdrawn.text
    page = client.get("/ideas/LAN-000002").text
    assert re.search(r'govuk-tag--grey">\s*Withdrawn\s*<', page)
    timeline = page.split('id="timeline"')[1]
    assert re.search(r"Withdrawn\s*</h3>", timeline)
    assert "A colleague raised it first." in timeline
    assert "Withdraw this idea" not in page  # nothing left to withdraw
    assert "Declined" not in page
    listed = client.get("/ideas?status=withdrawn").text
    assert "To withdraw" in listed
    assert "Second version" not in listed


def test_only_the_submitter_may_change_an_idea(app: Any, demo: Any, database: Any) -> None:
    from litestar.testing import TestClient

    database(lambda maker: raise_idea(maker, STAFF, "Sam's idea"))
    with TestClient(app) as client:
        sign_in_as(client, "manager")
        assert client.get("/ideas/LAN-000001/edit").status_code == 404
        response = post_form(client, "/ideas/LAN-000001/edit", {"title": "Hijacked", "problem": "p", "proposal": "q"})
        assert response.status_code == 404


def test_comments_support_and_follows_tell_the_right_people(app: Any, demo: Any, database: Any) -> None:
    from litestar.testing import TestClient

    database(lambda maker: raise_idea(maker, STAFF, "Shared calendar for interview rooms"))
    with TestClient(app) as client:
        person = People(client)
        sign_in_as(person("manager"), "manager")
        post_form(client, "/ideas/LAN-000001/follow", {"follow": "yes"})
        supported = post_form(client, "/ideas/LAN-000001/support", {"support": "yes"})
        assert "You support this idea" in supported.text
        assert "<strong>1</strong> colleague supports" in supported.text
        post_form(client, "/ideas/LAN-000001/support", {"support": "yes"})  # again: still once
        assert "<strong>1</strong> colleague supports" in client.get("/ideas/LAN-000001").text

        sign_in_as(person("staff"), "staff")
        post_form(client, "/ideas/LAN-000001/comments", {"body": "Custody would use it too."})
        assert "Notifications" in client.get("/").text
        assert "new</strong>" not in client.get("/").text  # the commenter is not told of their own comment

        person("manager")
        home = client.get("/").text
        assert "1 new" in home
        notes = client.get("/notifications").text
        assert "commented" in notes
        assert "Custody would use it too." in notes
        post_form(client, "/notifications/read")
        assert "1 new" not in client.get("/").text

        unsupported = post_form(client, "/ideas/LAN-000001/support", {"support": "no"})
        assert "<strong>0</strong> colleagues support" in unsupported.text


def test_support_answers_htmx_with_the_buttons_alone(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    database(lambda maker: raise_idea(maker, STAFF, "An idea to support"))
    response = client.post(
        "/ideas/LAN-000001/support",
        data={"support": "yes", "_csrf_token": client.cookies["quest_csrf"]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="idea-actions"')
    assert response.headers["vary"] == "HX-Request"


def test_comment_errors_are_shown_on_the_idea_page(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    database(lambda maker: raise_idea(maker, STAFF, "Something"))
    response = post_form(client, "/ideas/LAN-000001/comments", {"body": "   "})
    assert response.status_code == 422
    assert 'href="#body">Enter a comment' in response.text


def test_similar_ideas_are_found_by_meaning_words_in_the_force(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    for title, process in (
        ("Let PCSOs close low-risk pending incidents", "Incident closure"),
        ("Review the oldest pending incidents at briefing", "Incident closure"),
        ("Stock response cars with evidence bags", "Evidence handling"),
        ("Declined idea about incidents", ""),
    ):
        database(lambda maker, title=title, process=process: raise_idea(maker, STAFF, title, process=process))
    database(lambda maker: set_status(maker, "LAN-000004", IdeaStatus.DECLINED))
    fragment = client.get(
        "/ideas/similar", params={"title": "too many pending incident"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "Is it one of these?" in fragment.text
    assert "Let PCSOs close low-risk pending incidents" in fragment.text  # "incident" finds "incidents"
    assert "Review the oldest pending incidents at briefing" in fragment.text
    assert "evidence bags" not in fragment.text
    assert "Declined idea" not in fragment.text  # closed ideas are not offered
    nothing = client.get("/ideas/similar", params={"title": "the and of"}, headers={"HX-Request": "true"})
    assert "Is it one of these?" not in nothing.text


def test_similar_ideas_holding_more_of_the_words_come_first(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    for title in (
        "Pending calls answered sooner",
        "Custody pending incidents checked at handover",
        "Pending incidents reviewed overnight",
    ):
        database(lambda maker, title=title: raise_idea(maker, STAFF, title))
    fragment = client.get(
        "/ideas/similar", params={"title": "custody pending incidents"}, headers={"HX-Request": "true"}
    ).text
    order = [
        fragment.index(title)
        for title in (
            "Custody pending incidents checked at handover",
            "Pending incidents reviewed overnight",
            "Pending calls answered sooner",
        )
    ]
    assert order == sorted(order)


def test_similar_ideas_come_only_from_ones_own_force(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    database(lambda maker: add_colleague(maker, "pc.cheshire@cheshire.example", "CHE", "EAST"))
    database(lambda maker: raise_idea(maker, "pc.cheshire@cheshire.example", "Pending incidents in Cheshire"))
    fragment = client.get("/ideas/similar", params={"title": "pending incidents"}, headers={"HX-Request": "true"})
    assert "Cheshire" not in fragment.text


def test_similar_ideas_are_looked_for_among_the_forces_own_ideas_the_newest_first(
    signed_in: Any, database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search index holds each idea's force, so other forces' ideas are never candidates: however
    many newer ones match in another force, they take none of the places ranked (here 2, not 200)."""
    monkeypatch.setattr(search, "CANDIDATES", 2)
    client = signed_in("staff")
    database(lambda maker: add_colleague(maker, "pc.cheshire@cheshire.example", "CHE", "EAST"))
    for title in ("Close pending incidents by phone", "Pending incidents reviewed at briefing"):
        database(lambda maker, title=title: raise_idea(maker, STAFF, title))
    for number in range(3):  # newer, and matching better (every word)
        database(
            lambda maker, number=number: raise_idea(
                maker, "pc.cheshire@cheshire.example", f"Too many pending incidents, number {number}"
            )
        )
    database(lambda maker: raise_idea(maker, STAFF, "Fewer pending incidents overnight"))

    fragment = client.get(
        "/ideas/similar", params={"title": "too many pending incidents"}, headers={"HX-Request": "true"}
    ).text
    assert "Too many pending incidents" not in fragment  # another force's
    # The force's newest two matches are ranked; the oldest one is not among them.
    assert "Fewer pending incidents overnight" in fragment
    assert "Pending incidents reviewed at briefing" in fragment
    assert "Close pending incidents by phone" not in fragment


def test_the_list_filters_searches_sorts_and_pages(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    for number in range(53):
        database(
            lambda maker, number=number: raise_idea(
                maker,
                STAFF,
                f"Idea number {number}" if number != 7 else "Custody handover form in one go",
                process="Custody handover" if number % 2 else "Briefing",
                waste_types=["motion"] if number % 3 == 0 else [],
            )
        )
    database(lambda maker: set_status(maker, "LAN-000002", IdeaStatus.PARKED))
    first = client.get("/ideas")
    assert "53 ideas" in first.text
    assert first.text.count('href="/ideas/LAN-0000') == 50
    assert "Page 1 of 2" in first.text
    assert client.get("/ideas", params={"page": 2}).text.count('href="/ideas/LAN-0000') == 3
    assert "1 idea" in client.get("/ideas", params={"status": "parked"}).text
    assert "18 ideas" in client.get("/ideas", params={"waste": "motion"}).text
    assert "26 ideas" in client.get("/ideas", params={"process": "custody handover"}).text
    searched = client.get("/ideas", params={"q": "custody form"}).text
    assert "1 idea" in searched
    assert "Custody handover form in one go" in searched
    oldest = client.get("/ideas", params={"sort": "oldest"}).text
    assert oldest.index("LAN-000001") < oldest.index("LAN-000002")
    fragment = client.get("/ideas", params={"status": "parked"}, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="ideas-table"')
    assert fragment.headers["vary"] == "HX-Request"


def test_a_list_longer_than_its_count_limit_says_more_than_and_pages_on_past_it(
    signed_in: Any, database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quest.ideas import services

    monkeypatch.setattr(services, "IDEAS_PER_PAGE", 5)
    monkeypatch.setattr(services, "COUNT_LIMIT", 7)
    client = signed_in("manager")
    for number in range(12):
        database(
            lambda maker, number=number: raise_idea(
                maker, STAFF, f"Idea number {number}", process="Briefing" if number < 3 else ""
            )
        )
    first = client.get("/ideas").text
    assert "More than 7 ideas" in first
    assert "Page 1 of more than 2" in first
    assert 'href="/ideas?page=2"' in first
    second = client.get("/ideas", params={"page": 2}).text
    assert "Page 2 of more than 2" in second
    assert 'href="/ideas?page=3"' in second
    third = client.get("/ideas", params={"page": 3}).text  # past what was counted
    assert third.count('href="/ideas/LAN-0000') == 2
    assert ">Page 3<" in third
    assert 'href="/ideas?page=4"' not in third
    assert 'href="/ideas?page=2"' in third
    shown = [re.findall(r"LAN-0000\d\d", client.get("/ideas", params={"page": n}).text) for n in (1, 2, 3)]
    assert [len(set(page)) for page in shown] == [5, 5, 2]
    assert sorted({reference for page in shown for reference in page}) == [f"LAN-{n:06d}" for n in range(1, 13)]
    briefing = client.get("/ideas", params={"process": "briefing"}).text  # within the limit: counted
    assert "3 ideas" in briefing
    assert "Page 1" not in briefing

    api = client.get("/api/v1/ideas", params={"page": 2}).json()
    assert (api["total"], api["counted_all"], api["has_next"], len(api["items"])) == (7, False, True, 5)
    last = client.get("/api/v1/ideas", params={"page": 3}).json()
    assert (last["counted_all"], last["has_next"], len(last["items"])) == (False, False, 2)


@pytest.mark.parametrize("few_matches", [0, 1_000])
def test_a_search_finds_the_same_ideas_in_the_same_order_however_many_match(
    signed_in: Any, database: Any, monkeypatch: pytest.MonkeyPatch, few_matches: int
) -> None:
    """SQLite reads few matches by rowid and sorts them, and walks the list's index for many (see
    quest.ideas.search.matching): both answer alike, in every order."""
    from quest.ideas import search

    monkeypatch.setattr(search, "FEW_MATCHES", few_matches)
    client = signed_in("manager")
    for title in ("Custody handover in one form", "Briefing notes by email", "Custody queue at night"):
        database(lambda maker, title=title: raise_idea(maker, STAFF, title))
    newest = client.get("/ideas", params={"q": "custody"}).text
    assert "2 ideas" in newest
    assert newest.index("LAN-000003") < newest.index("LAN-000001")
    assert "LAN-000002" not in newest
    oldest = client.get("/ideas", params={"q": "custody", "sort": "oldest"}).text
    assert oldest.index("LAN-000001") < oldest.index("LAN-000003")
    assert "No ideas match" in client.get("/ideas", params={"q": "custody email"}).text


def test_exports_are_csv_and_xlsx_with_formulas_defused(signed_in: Any, database: Any) -> None:
    client = signed_in("manager")
    database(lambda maker: raise_idea(maker, STAFF, '=HYPERLINK("http://evil.example","click")'))
    database(lambda maker: raise_idea(maker, STAFF, "Ordinary idea", process="Briefing"))
    exported = client.get("/ideas/export.csv", params={"sort": "oldest"})
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    # The columns the idea import takes (docs/exports.md).
    assert rows[0][:4] == ["force", "division", "reference", "title"]
    assert rows[1][3] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[2][2:4] == ["LAN-000002", "Ordinary idea"]
    assert rows[2][7] == "submitted"

    only_briefing = client.get("/ideas/export.csv", params={"process": "briefing"})
    assert len(list(csv.reader(io.StringIO(only_briefing.content.decode("utf-8-sig"))))) == 2

    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/ideas/export.xlsx", params={"sort": "oldest"}).content))
    sheet = workbook["Ideas"]
    title = sheet.cell(row=2, column=4)
    assert title.value == '=HYPERLINK("http://evil.example","click")'
    assert title.data_type == "s"  # text, never a formula
    assert sheet.cell(row=3, column=3).value == "LAN-000002"


def test_the_practice_library_shows_implemented_ideas_from_everywhere(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    database(lambda maker: add_colleague(maker, "pc.cheshire@cheshire.example", "CHE", "EAST"))
    database(lambda maker: raise_idea(maker, "pc.cheshire@cheshire.example", "Cheshire's implemented idea"))
    database(lambda maker: raise_idea(maker, "pc.cheshire@cheshire.example", "Cheshire's new idea"))
    database(lambda maker: set_status(maker, "CHE-000001", IdeaStatus.IMPLEMENTED))
    assert client.get("/ideas/CHE-000001").status_code == 200
    assert client.get("/ideas/CHE-000002").status_code == 404  # not implemented: not theirs to see
    library = client.get("/ideas", params={"view": "library"}).text
    assert "Cheshire&#39;s implemented idea" in library
    assert "Cheshire&#39;s new idea" not in library
    own = client.get("/ideas").text
    assert "Cheshire" not in own.split('id="ideas-table"')[1]
    # Seen, but not theirs to act on.
    refused = post_form(client, "/ideas/CHE-000001/comments", {"body": "Nice"})
    assert refused.status_code == 404


@pytest.mark.parametrize("path", ["/ideas/LAN-999999", "/ideas/nonsense", "/ideas/LAN-000001/edit"])
def test_unknown_ideas_are_the_styled_404(signed_in: Any, path: str) -> None:
    response = signed_in("staff").get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_timeline_entries_carry_who_and_when(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    database(lambda maker: raise_idea(maker, STAFF, "Timed idea"))
    page = client.get("/ideas/LAN-000001").text
    assert re.search(r"PC Sam Taylor, \d{1,2} \w+ \d{4} at \d{1,2}:\d{2}(am|pm)", page)


def test_nobody_supports_their_own_idea(signed_in: Any, database: Any) -> None:
    client = signed_in("staff")
    database(lambda maker: raise_idea(maker, STAFF, "My own idea"))
    assert "Support this idea" not in client.get("/ideas/LAN-000001").text
    response = post_form(client, "/ideas/LAN-000001/support", {"support": "yes"})
    assert response.status_code == 422
    assert "You raised this idea" in response.text


SEARCHES = ["the list's search", "similar ideas"]


def _search_plan(database: Any, kind: str, *, index_only: bool = False) -> tuple[str, Any]:
    """The engine's plan of a search for "pending incidents" (the list's, or similar ideas' ranked best
    first), and the force of the one idea there is. ``index_only`` forbids PostgreSQL a sequential scan and
    a plain index scan: with one idea, and what earlier tests left in the table's statistics, a walk down
    the primary key filtering each row costs as little as anything, so only what the full-text condition
    can use is left to choose from (a bitmap scan of an index that answers it)."""
    from sqlalchemy import text

    async def plan(session_maker: Any) -> tuple[str, Any]:
        async with session_maker() as session:
            dialect = session.get_bind().dialect.name
            force_id = (await session.execute(select(Idea.force_id))).scalar_one()
            if kind == "similar ideas":  # the force is looked up in the index, with the words
                searched = search.within_force(select(Idea.id), dialect, "pending incidents", force_id)
                assert searched is not None
                statement, relevance = searched
                statement = statement.order_by(relevance)
            else:
                condition = await search.matching(session, "pending incidents")
                assert condition is not None
                statement = select(Idea.id).where(condition)
            compiled = statement.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
            if dialect == "postgresql":
                if index_only:
                    await session.execute(text("SET enable_seqscan = off"))
                    await session.execute(text("SET enable_indexscan = off"))
                rows = await session.execute(text(f"EXPLAIN VERBOSE {compiled}"))
            else:
                rows = await session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            return "\n".join(str(row) for row in rows), force_id

    return database(plan)


@pytest.mark.parametrize("kind", SEARCHES)
def test_search_goes_through_the_full_text_index_on_each_engine(
    settings: Any, database: Any, demo: Any, kind: str
) -> None:
    database(lambda maker: raise_idea(maker, STAFF, "Pending incidents piling up"))
    found, force_id = _search_plan(database, kind, index_only=True)
    if settings.is_sqlite:
        assert "VIRTUAL TABLE INDEX" in found  # FTS5
    else:
        assert "ix_ideas_search" in found  # the GIN index over the stored document
        if kind == "similar ideas":
            assert f"'{search.force_key(force_id)}'" in found  # the force, in the index's condition


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL's stored search document; SQLite's is its FTS5 table")
@pytest.mark.parametrize("kind", SEARCHES)
def test_postgresql_searches_read_each_ideas_stored_document_and_never_make_one(
    database: Any, demo: Any, kind: str
) -> None:
    """Whatever plan PostgreSQL chooses (here the sequential scan a tiny table gets; on the national
    dataset, walking a force's ideas newest first), it reads each idea's stored document to match and to
    rank: making it with to_tsvector a row at a time made similar ideas take 0.8 s on 250,000 ideas."""
    database(lambda maker: raise_idea(maker, STAFF, "Pending incidents piling up"))
    found, _force_id = _search_plan(database, kind)
    assert "search_document @@" in found
    assert "to_tsvector" not in found
    if kind == "similar ideas":
        assert "ts_rank(ideas.search_document" in found
