"""No work lost when a session ends mid-form (issue item 6): the form is kept as a draft for the person
whose session it was, they sign in again, and land on the page the form was on (never on a URL that
only takes a POST) with what they typed in the form and word that it was not saved yet."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from quest.accounts.models import FormDraft
from quest.clock import FrozenClock
from quest.config import Settings
from quest.demo.catalogue import DEMO_PASSWORD
from quest.ideas.models import Idea
from tests.conftest import shared_app
from tests.helpers import DEMO_EMAILS, post_form, raise_idea, sign_in

Client = TestClient[Litestar]
BASE = "http://testserver.local"
STAFF = DEMO_EMAILS["staff"]
MANAGER = DEMO_EMAILS["manager"]
NOT_SAVED_IDEA = "Your idea was not saved yet: check it and send it again."
KEPT = "What you typed has been kept: sign in to check it and send it again."
IDEA = {
    "title": "Book custody slots by phone",
    "problem": "Officers queue at custody for an hour & more.",
    "proposal": "A booking line for custody slots.",
    "waste_types": "waiting",
}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def browser(settings: Settings, demo: Any, clock: FrozenClock) -> Iterator[Client]:
    with TestClient(shared_app(settings, clock=clock), base_url=BASE) as client:
        yield client


def sign_in_again(client: Client, email: str, next_page: str) -> Any:
    """Sign in on the sign-in page, keeping this browser's other cookies (the draft's among them)."""
    return post_form(
        client, "/sign-in", {"email": email, "password": DEMO_PASSWORD, "next": next_page}, follow_redirects=False
    )


def field(page: str, name: str) -> str | None:
    """The value of a text input or textarea on a page, as the browser shows it; None if not there."""
    found = re.search(rf'<textarea[^>]* name="{name}"[^>]*>(.*?)</textarea>', page, re.S) or re.search(
        rf'<input[^>]* name="{name}"[^>]* value="([^"]*)"', page
    )
    return html.unescape(found.group(1)).strip() if found else None


def drafts(database: Any) -> list[FormDraft]:
    async def read(session_maker: Any) -> list[FormDraft]:
        async with session_maker() as session:
            return list((await session.execute(select(FormDraft))).scalars())

    result: list[FormDraft] = database(read)
    return result


def idea_count(database: Any) -> int:
    async def count(session_maker: Any) -> int:
        async with session_maker() as session:
            return len((await session.execute(select(Idea.id))).all())

    result: int = database(count)
    return result


def send_idea_after_the_session_ended(browser: Client, clock: FrozenClock) -> Any:
    sign_in(browser, STAFF)
    assert browser.get("/ideas/new").status_code == 200
    clock.advance(minutes=31)  # the form stays open past the idle timeout
    return post_form(browser, "/ideas/new", IDEA, headers={"Referer": f"{BASE}/ideas/new"}, follow_redirects=False)


def test_an_idea_sent_after_the_session_ended_comes_back_filled_in_after_signing_in(
    browser: Client, clock: FrozenClock, database: Any
) -> None:
    sent = send_idea_after_the_session_ended(browser, clock)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/sign-in?next=%2Fideas%2Fnew"
    cookie = next(value for value in sent.headers.get_list("set-cookie") if value.startswith("quest_draft="))
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    [kept] = drafts(database)
    assert kept.bound_at is None
    assert "_csrf_token" not in kept.fields  # what was typed, not the form's token
    assert browser.cookies["quest_draft"] not in kept.token_hash  # only a hash of the cookie's secret

    sign_in_page = browser.get(sent.headers["location"])
    assert "Your session has ended" in sign_in_page.text
    assert KEPT in sign_in_page.text

    signed_in = sign_in_again(browser, STAFF, "/ideas/new")
    assert signed_in.headers["location"] == "/ideas/new"
    form = browser.get("/ideas/new")
    assert form.status_code == 200
    assert NOT_SAVED_IDEA in form.text
    assert field(form.text, "title") == IDEA["title"]
    assert field(form.text, "problem") == IDEA["problem"]
    assert field(form.text, "proposal") == IDEA["proposal"]
    assert re.search(r'name="waste_types" type="checkbox" value="waiting" checked', form.text)
    assert idea_count(database) == 0  # nothing was sent: the person sends it again

    # Shown once: the draft is gone, and so is its cookie.
    assert drafts(database) == []
    assert "quest_draft" not in browser.cookies
    again = browser.get("/ideas/new")
    assert NOT_SAVED_IDEA not in again.text
    assert field(again.text, "title") == ""


def test_a_managers_decision_comes_back_on_the_idea_page_not_the_post_only_url(
    browser: Client, clock: FrozenClock, database: Any
) -> None:
    submitted = database(lambda maker: raise_idea(maker, STAFF, "Shorter shift briefings"))
    reference = submitted.reference
    sign_in(browser, MANAGER)
    idea_page = browser.get(f"/ideas/{reference}").text
    version = re.search(r'name="version" value="(\d+)"', idea_page)
    assert version is not None
    clock.advance(minutes=61)
    reason = "We tried this in 2019: briefings got longer, not shorter."
    # No Referer (some browsers and proxies strip it): the page is the one the form's URL belongs to.
    sent = post_form(
        browser,
        f"/ideas/{reference}/decision",
        {"to": "declined", "reason-declined": reason, "version": version.group(1)},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/sign-in?next={quote(f'/ideas/{reference}', safe='')}"

    signed_in = sign_in_again(browser, MANAGER, f"/ideas/{reference}")
    landed = browser.get(signed_in.headers["location"])
    assert landed.status_code == 200  # the idea's page, not a 405 from the decision's URL
    assert "Your decision was not saved yet: check it and send it again." in landed.text
    assert field(landed.text, "reason-declined") == reason
    assert re.search(r'name="to" type="radio" value="declined" checked', landed.text)

    async def status(session_maker: Any) -> str:
        async with session_maker() as session:
            return str((await session.execute(select(Idea.status).where(Idea.id == submitted.id))).scalar_one())

    assert database(status) == "submitted"  # nothing was decided


def test_htmx_forms_are_kept_too_and_sent_to_sign_in_with_the_page(browser: Client, clock: FrozenClock) -> None:
    sign_in(browser, STAFF)
    clock.advance(minutes=61)
    sent = post_form(
        browser,
        "/ideas/new",
        IDEA,
        headers={"HX-Request": "true", "Referer": f"{BASE}/ideas/new?from=home"},
        follow_redirects=False,
    )
    assert sent.headers["HX-Redirect"] == "/sign-in?next=%2Fideas%2Fnew%3Ffrom%3Dhome"
    assert "quest_draft" in browser.cookies


def test_another_account_signing_in_on_that_browser_never_sees_the_draft(
    browser: Client, clock: FrozenClock, database: Any
) -> None:
    send_idea_after_the_session_ended(browser, clock)
    sign_in_again(browser, MANAGER, "/ideas/new")  # a colleague at the same terminal
    form = browser.get("/ideas/new")
    assert form.status_code == 200
    assert NOT_SAVED_IDEA not in form.text
    assert IDEA["title"] not in form.text
    [kept] = drafts(database)
    assert kept.bound_at is None  # still nobody's but its maker's


def test_a_draft_is_shown_only_on_its_own_page(browser: Client, clock: FrozenClock, database: Any) -> None:
    send_idea_after_the_session_ended(browser, clock)
    sign_in_again(browser, STAFF, "/")
    assert NOT_SAVED_IDEA not in browser.get("/my-ideas").text
    assert len(drafts(database)) == 1  # kept for its page
    assert field(browser.get("/ideas/new").text, "title") == IDEA["title"]


def test_a_draft_older_than_a_day_is_not_given_back(browser: Client, clock: FrozenClock, database: Any) -> None:
    send_idea_after_the_session_ended(browser, clock)
    clock.advance(hours=25)
    sign_in_again(browser, STAFF, "/ideas/new")
    form = browser.get("/ideas/new")
    assert NOT_SAVED_IDEA not in form.text
    assert IDEA["title"] not in form.text
    assert "quest_draft" not in browser.cookies
    # Expired drafts are pruned when the next one is kept.
    send_idea_after_the_session_ended(browser, clock)
    assert len(drafts(database)) == 1


def test_a_form_without_its_csrf_token_is_refused_and_never_kept(
    browser: Client, clock: FrozenClock, database: Any
) -> None:
    sign_in(browser, STAFF)
    clock.advance(minutes=61)
    refused = browser.post("/ideas/new", data=IDEA, follow_redirects=False)
    assert refused.status_code == 403
    assert drafts(database) == []


def test_sign_in_never_returns_to_a_url_that_only_takes_a_post(browser: Client, database: Any) -> None:
    submitted = database(lambda maker: raise_idea(maker, STAFF, "Shorter shift briefings"))
    decision = f"/ideas/{submitted.reference}/decision"
    assert f'name="next" value="/ideas/{submitted.reference}"' in browser.get(f"/sign-in?next={decision}").text
    signed_in = sign_in(browser, MANAGER, next_page=decision)
    assert signed_in.headers["location"] == f"/ideas/{submitted.reference}"
    assert sign_in(browser, MANAGER, next_page="/sign-out").headers["location"] == "/"
    assert sign_in(browser, MANAGER, next_page="/ideas?status=submitted").headers["location"] == (
        "/ideas?status=submitted"
    )
