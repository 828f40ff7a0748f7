"""A phone is the frontline's tool (issue item 11): every page staff and managers use fits a 320 px and a
390 px wide screen without the page scrolling sideways. Wide tables scroll inside a labelled, focusable
region with a visible cue; SVG charts shrink to the width and keep labels big enough to read; the impact
chart shows the whole series, the fall after the change included. One module, one server and one browser,
one signed-in browser per person and width, so the check of every page stays quick."""

from __future__ import annotations

from pprint import pformat
from typing import Any

import pytest

from tests.e2e.conftest import accessibility_violations, keep_screenshot, sign_in
from tests.helpers import DEMO_EMAILS

STORY = "Call back before visiting: clear pending incidents by phone"
MEASURE = "Pending open incidents"
WIDTHS = [320, 390]
# The smallest text a chart may show, in CSS pixels on the screen, once the SVG has shrunk to fit.
READABLE_PX = 11

FRONTLINE = [
    *("/", "/ideas/new", "{idea}", "/my-ideas", "/notifications"),
    *("/waste", "/waste/new", "/backlogs", "/account"),
]
MANAGER = [
    *FRONTLINE,
    *("/triage", "/ideas", "/metrics", "{measure}", "{measure}/readings"),
    *("/savings", "/savings/forecasts", "/savings/released-time"),
    *("/imports", "/imports/readings", "/imports/ideas"),
]
PAGES = {"staff": FRONTLINE, "manager": MANAGER}

# Opens every <details>, then waits two frames, so that the resize observers have marked the tables.
OPEN_EVERY_DETAILS = """() => {
  document.querySelectorAll('details').forEach((details) => { details.open = true; });
  return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""

# What the page measures of itself: its own width against the window's, tables wider than their box, and
# the text of every chart as drawn on the screen.
MEASURE_PAGE = """() => {
  const scrolling = [...document.querySelectorAll('.quest-table-wrapper')]
    .filter((box) => box.scrollWidth > box.clientWidth + 1)
    .map((box) => ({
      role: box.getAttribute('role'),
      label: box.getAttribute('aria-label') || '',
      tabindex: box.getAttribute('tabindex'),
      cue: [...box.parentElement.querySelectorAll('.quest-scroll-hint')]
        .some((hint) => hint.getBoundingClientRect().height > 0 && getComputedStyle(hint).visibility !== 'hidden'),
    }));
  const charts = [...document.querySelectorAll('svg[data-chart="xmr"], svg[data-chart="pareto"]')]
    .filter((svg) => svg.getBoundingClientRect().width > 0)
    .map((svg) => {
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')]
      .filter((text) => text.getBoundingClientRect().width > 0)
      .map((text) => parseFloat(getComputedStyle(text).fontSize) * scale);
    return {chart: svg.dataset.chart, left: box.left, right: box.right, smallest: Math.min(...sizes)};
  });
  return {
    width: document.documentElement.scrollWidth,
    window: window.innerWidth,
    scrolling,
    charts,
  };
}"""


@pytest.fixture(scope="module")
def addresses(live_server: str, browser: Any) -> dict[str, str]:
    """The demo's Lancashire story: the idea's page and its measure's page."""
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server, DEMO_EMAILS["manager"])
    page.goto(live_server + "/metrics")
    measure = page.get_by_role("link", name=MEASURE).first.get_attribute("href")
    page.goto(live_server + "/ideas?q=Call+back+before+visiting")
    idea = page.get_by_role("link", name=STORY).first.get_attribute("href")
    context.close()
    assert measure
    assert idea
    return {"measure": measure, "idea": idea}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", PAGES)
def test_every_page_fits_a_phone(
    live_server: str, browser: Any, addresses: dict[str, str], role: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    sign_in(page, live_server, DEMO_EMAILS[role])
    too_wide: dict[str, int] = {}
    bad_regions: dict[str, list[Any]] = {}
    small_text: dict[str, list[Any]] = {}
    clipped: dict[str, list[Any]] = {}
    inaccessible: dict[str, list[str]] = {}
    try:
        for template in PAGES[role]:
            path = template.format(**addresses)
            response = page.goto(live_server + path)
            assert response is not None
            assert response.status == 200, path  # after the load event: no page fetches anything once loaded
            # Open what is folded away (the readings beside an impact chart, say), so that its tables are
            # measured too, as someone who opens them would see them.
            page.evaluate(OPEN_EVERY_DETAILS)
            slug = template.strip("/").replace("/", "-").replace("{", "").replace("}", "") or "home"
            name = f"phone-{role}-{width}-{slug}"
            keep_screenshot(page, name)
            seen = page.evaluate(MEASURE_PAGE)
            if seen["width"] > seen["window"]:
                too_wide[path] = seen["width"]
            for region in seen["scrolling"]:
                if region["role"] != "region" or not region["label"] or region["tabindex"] != "0" or not region["cue"]:
                    bad_regions.setdefault(path, []).append(region)
            for chart in seen["charts"]:
                if chart["smallest"] < READABLE_PX:
                    small_text.setdefault(path, []).append((chart["chart"], round(chart["smallest"], 1)))
                if chart["left"] < 0 or chart["right"] > seen["window"]:
                    clipped.setdefault(path, []).append(chart)
            if width == WIDTHS[0] and (violations := accessibility_violations(page)):
                inaccessible[path] = violations
    finally:
        context.close()
    faults = {
        f"pages wider than {width} px": too_wide,
        "tables that scroll without a labelled, focusable region and a visible cue": bad_regions,
        f"chart text under {READABLE_PX} px on the screen": small_text,
        "charts that run off the screen": clipped,
        "critical or serious accessibility faults": inaccessible,
    }
    found = {fault: pages for fault, pages in faults.items() if pages}
    assert not found, pformat(found)
    assert problems == []


def test_the_impact_chart_shows_the_fall_after_the_change_on_the_smallest_phone(
    live_server: str, browser: Any, addresses: dict[str, str]
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    sign_in(page, live_server, DEMO_EMAILS["staff"])
    page.goto(live_server + addresses["idea"])
    page.wait_for_load_state("networkidle")
    # The outcome's chart, the first: its balancing measure's follows it.
    chart = page.locator("#impact svg[data-chart='xmr'] >> visible=true").first
    chart.scroll_into_view_if_needed()
    dots = chart.locator("circle")
    assert dots.count() > 100
    # The last reading, after the change, is drawn inside the screen, and so is the rebase at the change.
    window = page.evaluate("window.innerWidth")
    last = dots.last.bounding_box()
    rebase = chart.locator("line.quest-xmr__rebase").bounding_box()
    assert last is not None
    assert rebase is not None
    assert 0 <= rebase["x"] < last["x"] + last["width"] <= window
    # Nothing around it scrolls: the chart is as wide as its box.
    assert page.evaluate("document.documentElement.scrollWidth") <= window
    keep_screenshot(page.locator("#impact"), "impact-chart-320")
    context.close()
