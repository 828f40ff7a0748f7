"""Issue 6's run-through in the browser: the demo's Lancashire story. The manager opens the measure and sees
its XmR chart rebased at the change, then the idea's impact panel: pending open incidents fell by 91%, more
than noise, with the validated saving resting on it. The constable who raised it sees the same, on a
phone, with JavaScript and without."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import IDEA_PAGE, PHONE, accessibility_violations

STORY = "Call back before visiting: clear pending incidents by phone"


def test_the_manager_reads_the_chart_and_the_impact(open_page: Any) -> None:
    manager = open_page("/metrics", role="manager")
    page = manager.page
    page.get_by_role("link", name="Pending open incidents").first.click()
    page.wait_for_url(re.compile(r"/metrics/[0-9a-f-]{36}$"))
    chart = page.locator("svg[data-chart='xmr'] >> visible=true")
    assert chart.count() == 1
    assert chart.locator("circle").count() >= 365
    assert chart.locator("line.quest-xmr__rebase").count() == 1
    assert "Variation:" in page.inner_text(".quest-spc-icons")
    manager.screenshot("measure-xmr-chart")
    assert accessibility_violations(page) == []

    reference = re.search(r"LAN-\d{6}", chart.locator("text", has_text="LAN-").first.text_content() or "")
    assert reference is not None
    page.goto(page.url.split("/metrics")[0] + f"/ideas/{reference.group(0)}")
    impact = page.locator("#impact")
    assert "Pending open incidents fell by 91% (an improvement)" in impact.inner_text()
    assert "Yes: since the change" in impact.inner_text()
    assert "419,865.00" in impact.inner_text()
    assert "Validated" in impact.inner_text()
    manager.screenshot("idea-impact-panel")
    assert accessibility_violations(page) == []
    assert manager.problems == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_constable_sees_the_impact_on_a_phone(open_page: Any, javascript: bool) -> None:
    staff = open_page("/my-ideas", role="staff", viewport=PHONE, javascript=javascript)
    page = staff.page
    page.get_by_role("link", name=STORY).click()
    page.wait_for_url(IDEA_PAGE)
    text = page.inner_text("#impact")
    assert "fell by 91% (an improvement)" in text
    timeline = page.inner_text(".quest-timeline")
    for step in ("Moved to implemented", "Measure linked", "Saving claimed", "Saving validated"):
        assert step in timeline
    # The phone's chart, narrower and taller, fits the screen whole; the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The outcome's chart, the first: its balancing measure's follows it.
    chart = page.locator("#impact svg[data-chart='xmr'] >> visible=true").first
    assert chart.get_attribute("data-screen") == "phone"
    box = chart.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    staff.screenshot(f"idea-impact-phone-{'js' if javascript else 'no-js'}")
    if javascript:  # axe runs as a script in the page, so it can only audit with scripts on; the HTML is the same
        assert accessibility_violations(page) == []
    assert staff.problems == []
