"""Issue 14's costs in the browser: the manager of the Lancashire story's division records what the change
cost on the idea page, on a phone, with JavaScript (htmx swaps the page in place) and without (the form
posts and comes back); the totals and the payback follow, and the cost is removed again."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import DESKTOP, IDEA_PAGE, PHONE, accessibility_violations

STORY = "Call back before visiting: clear pending incidents by phone"


@pytest.mark.parametrize(("javascript", "viewport"), [(True, PHONE), (False, PHONE), (True, DESKTOP)])
def test_the_manager_records_and_removes_a_cost(open_page: Any, javascript: bool, viewport: dict[str, int]) -> None:
    manager = open_page("/ideas/?q=Call+back+before+visiting", role="manager", viewport=viewport, javascript=javascript)
    page = manager.page
    page.get_by_role("link", name=STORY).first.click()
    page.wait_for_url(IDEA_PAGE)
    description = f"Call-back scripts printed ({'js' if javascript else 'no-js'}, {viewport['width']} px)"
    page.locator("#record-cost summary").click()
    page.get_by_label("What was the cost for?").fill(description)
    page.get_by_label("Time: officers' or staff hours").check()
    page.get_by_label("Hours (a year, if recurring)").fill("10")
    page.get_by_label("Grade of the people whose time it took").select_option("police_staff")
    page.get_by_label("Date of the cost, or the first day of a recurring one").fill("2025-03-10")
    page.get_by_label("One-off").check()
    page.get_by_role("button", name="Record cost").click()
    page.wait_for_load_state("networkidle")
    costs = page.locator("#costs")
    costs.get_by_text(description).first.wait_for()  # with htmx, once the page is swapped in place
    assert description in costs.inner_text()
    assert "10 hours of police staff at £28.90 an hour" in costs.inner_text()
    assert "against its validated savings of £419,865.00 a year" in costs.inner_text()
    assert "The cost has been recorded" in page.inner_text("#flash-messages")
    # The page does not scroll sideways on a phone: the costs are two columns, the button under each cost.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    manager.screenshot(f"idea-costs-{'js' if javascript else 'no-js'}-{viewport['width']}")
    if javascript:  # axe runs as a script in the page; it leaves empty style attributes behind, which htmx's
        # settling would copy (refused by the CSP), so the page is loaded afresh after it
        assert accessibility_violations(page) == []
        page.reload()

    page.get_by_role("button", name=f"Remove {description}").click()
    page.wait_for_load_state("networkidle")
    page.locator("#costs").get_by_text(description).first.wait_for(state="detached")
    assert description not in page.inner_text("#costs")
    assert "The cost has been removed" in page.inner_text("#flash-messages")
    assert manager.problems == [], "\n".join(manager.problems[:3])
