"""DESIGN §1: frontline staff raise an idea in under a minute from a phone, see it in My ideas, log
waste and enter today's backlog counts; with JavaScript on and off."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import IDEA_PAGE, PHONE


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_constable_captures_an_idea_waste_and_counts_on_a_phone(
    open_page: Any, live_server: str, javascript: bool
) -> None:
    suffix = "with JavaScript" if javascript else "without JavaScript"
    watch = open_page("/", viewport=PHONE, javascript=javascript, role="staff")
    page = watch.page

    started = time.monotonic()
    page.get_by_role("link", name="Raise an idea").click()
    page.get_by_label("Your idea in a few words").fill(f"Sign exhibits in at the front counter {suffix}")
    page.get_by_label("What happens now?").fill("Out of hours, officers drive to the main station to book exhibits in.")
    page.get_by_label("What would you change?").fill("Let the front counter book exhibits in, with a locked store.")
    page.get_by_label("Transport").check()
    page.get_by_role("button", name="Send idea").click()
    page.wait_for_url(re.compile(r"/ideas/LAN-\d{6}$"))
    elapsed = time.monotonic() - started
    assert elapsed < 60
    assert "has been sent to your division" in page.inner_text("main")
    reference = page.url.rsplit("/", 1)[1]
    watch.screenshot(f"idea-submitted-phone-{'js' if javascript else 'no-js'}")

    page.goto(live_server + "/my-ideas")
    mine = page.inner_text("main")
    assert f"Sign exhibits in at the front counter {suffix}" in mine
    assert reference in mine

    page.goto(live_server + "/")
    page.get_by_role("link", name="Log waste").click()
    page.get_by_label("Waiting").check()
    page.get_by_label("Which process?").fill("Exhibit booking")
    page.get_by_label("What happened?").fill(f"Queued to book an exhibit in {suffix}.")
    page.get_by_label("Minutes lost each time").fill("25")
    page.get_by_label("How many times a week?").fill("12")
    page.get_by_role("button", name="Log waste").click()
    page.wait_for_url(re.compile(r"/waste"))
    assert "the waste has been logged" in page.inner_text("main")
    assert f"Queued to book an exhibit in {suffix}." in page.inner_text("main")

    page.goto(live_server + "/")
    page.get_by_role("link", name="Enter backlog counts").click()
    page.get_by_role("textbox", name="Pending open incidents").fill("87")
    page.get_by_role("textbox", name="Crime reports awaiting allocation").fill("29")
    page.get_by_role("button", name="Save counts").click()
    page.wait_for_load_state("networkidle")
    assert "Saved 2 counts" in page.inner_text("main")
    assert page.get_by_role("textbox", name="Pending open incidents").input_value() == "87"
    watch.screenshot(f"backlogs-saved-phone-{'js' if javascript else 'no-js'}")
    assert watch.problems == []


def test_similar_ideas_appear_while_typing_the_title(open_page: Any) -> None:
    watch = open_page("/ideas/new", viewport=PHONE, role="staff")
    page = watch.page
    page.get_by_label("Your idea in a few words").press_sequentially("pending incidents", delay=20)
    page.locator("#similar-ideas").get_by_text("Is it one of these?").wait_for()
    assert page.locator("#similar-ideas li").count() >= 1
    watch.screenshot("similar-ideas-phone")
    assert watch.problems == []


def test_support_and_follow_update_in_place(open_page: Any, live_server: str) -> None:
    watch = open_page("/my-ideas", role="manager")
    page = watch.page
    page.goto(live_server + "/ideas")
    page.locator("#ideas-table tbody a").first.click()
    page.wait_for_url(IDEA_PAGE)
    page.evaluate("window.questMarker = 'same page'")
    before = page.locator("#idea-actions strong").first.inner_text()
    page.locator("#idea-actions").get_by_role(
        "button", name=re.compile("Support this idea|Take back my support")
    ).click()
    expect(page.locator("#idea-actions strong").first).not_to_have_text(before)
    assert page.evaluate("window.questMarker") == "same page"
    assert watch.problems == []


def test_an_idea_page_is_accessible(open_page: Any, live_server: str) -> None:
    from tests.e2e.test_first_pages import accessibility_violations

    watch = open_page("/my-ideas", role="staff")
    page = watch.page
    page.locator(".quest-my-ideas a").first.click()
    page.wait_for_url(IDEA_PAGE)
    assert re.search(r"/ideas/LAN-\d{6}$", page.url)
    assert accessibility_violations(page) == []
    watch.screenshot("idea-page")
    assert watch.problems == []
