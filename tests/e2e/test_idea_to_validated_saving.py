"""Issue 5's run-through in the browser: a constable raises an idea; the manager acknowledges, approves,
implements it with a change date and claims the saving; the validator validates it; the constable sees
every step, and the reasons, in My ideas and on the idea."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import accessibility_violations


def decide(page: Any, verb: str, outcome: str, **fields: str) -> None:
    """Choose a move and record it; with JavaScript the page changes in place, so wait for the news."""
    page.get_by_label(verb).check()
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#flash-messages")).to_contain_text(f"is now {outcome}")


@pytest.mark.long
def test_from_idea_to_validated_saving(open_page: Any, live_server: str) -> None:
    staff = open_page("/ideas/new", role="staff")
    page = staff.page
    page.get_by_label("Your idea in a few words").fill("Close pending incidents by phone call-back")
    page.get_by_label("What happens now?").fill("Pending incidents wait for an officer to visit when a call would do.")
    page.get_by_label("What would you change?").fill("Call back first; visit only when the call says so.")
    page.get_by_role("button", name="Send idea").click()
    page.wait_for_url(re.compile(r"/ideas/LAN-\d{6}$"))
    reference = page.url.rsplit("/", 1)[1]

    manager = open_page(f"/ideas/{reference}", role="manager")
    page = manager.page
    decide(page, "Start reviewing", "under review")
    decide(page, "Approve", "approved")
    decide(page, "Start work", "in progress")
    today = datetime.date.today().isoformat()
    learned = "Call-backs clear most incidents."
    decide(page, "Mark as implemented", "implemented", **{"Date of the change": today, "What was learned?": learned})
    expect(page.locator(".govuk-tag").first).to_have_text("Implemented")

    page.get_by_text("Record a saving").click()
    page.get_by_label("Claimed (the change is made)").check()
    page.get_by_label("Non-cashable: time released").check()
    page.get_by_label("Hours a year released").fill("11500")
    page.get_by_label("Grade of the people whose time is released").select_option("constable_sergeant")
    page.get_by_label("Where does the released time go?").fill("Neighbourhood patrol")
    page.get_by_label("How does the saving happen?").fill("Pending open incidents")
    page.get_by_label("Starts").fill(f"{datetime.date.today().year}-04-01")
    page.get_by_label("Evidence").fill("Visits fell from 60 to 12 a week; 48 visits × 4.6 hours × 52 weeks.")
    page.get_by_role("button", name="Record saving").click()
    expect(page.locator("#flash-messages")).to_contain_text("The saving has been recorded")
    assert "419,865.00" in page.inner_text("#savings")  # 11,500 hours at £36.51
    manager.screenshot("idea-implemented-with-claim")
    assert accessibility_violations(page) == []

    validator = open_page("/savings", role="validator")
    page = validator.page
    claim = page.locator(".quest-claim", has_text=reference)
    claim.get_by_label("Validate").check()
    claim.get_by_label("Note for the division").fill("Checked against the incident log.")
    claim.get_by_role("button", name="Record decision").click()
    expect(page.locator("#flash-messages")).to_contain_text("The saving has been validated")
    validator.screenshot("savings-after-validation")
    assert accessibility_violations(page) == []

    page = staff.page
    page.goto(live_server + "/my-ideas")
    mine = page.locator(".quest-my-ideas__item", has_text="Close pending incidents by phone call-back").inner_text()
    assert "Implemented" in mine
    page.goto(live_server + f"/ideas/{reference}")
    timeline = page.locator(".quest-timeline").inner_text()
    steps = ("Raised", "Moved to under review", "Moved to approved", "Moved to in progress", "Moved to implemented")
    for step in (*steps, "Saving validated"):
        assert step in timeline, step
    assert "Call-backs clear most incidents." in timeline
    assert "Checked against the incident log." in timeline
    staff.screenshot("idea-seen-by-submitter")
    for watch in (staff, manager, validator):
        assert watch.problems == []


def test_a_decline_needs_a_reason_and_the_submitter_sees_it(open_page: Any, live_server: str) -> None:
    staff = open_page("/ideas/new", role="staff", javascript=False)
    page = staff.page
    page.get_by_label("Your idea in a few words").fill("Weekly cake rota")
    page.get_by_label("What happens now?").fill("No cake.")
    page.get_by_label("What would you change?").fill("Cake.")
    page.get_by_role("button", name="Send idea").click()
    reference = page.url.rsplit("/", 1)[1]

    manager = open_page(f"/ideas/{reference}", role="manager", javascript=False)
    page = manager.page
    page.get_by_label("Decline").check()
    page.get_by_role("button", name="Record decision").click()
    assert "Say why the idea is declined" in page.inner_text(".govuk-error-summary")
    page.get_by_label("Why? The person who raised it will see this.").first.fill("Not an improvement to the work.")
    page.get_by_label("Decline").check()
    page.get_by_role("button", name="Record decision").click()
    assert "is now declined" in page.inner_text("main")

    staff.page.goto(live_server + "/my-ideas")
    assert "Not an improvement to the work." in staff.page.inner_text("main")
