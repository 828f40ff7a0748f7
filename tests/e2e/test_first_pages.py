"""The first pages in a real browser: accessible (axe-core, WCAG 2.2 AA), no errors under the Content
Security Policy, usable on a phone, and working with JavaScript off."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import DESKTOP, IDEA_PAGE, PHONE, accessibility_violations, axe_findings

# name: (path, signed in as)
PAGES = {
    "home": ("/", None),
    "sign-in": ("/sign-in", None),
    "home-signed-in": ("/", "staff"),
    "home-manager": ("/", "manager"),
    "home-validator": ("/", "validator"),
    "home-force-hq": ("/", "force_hq"),
    "forces": ("/forces", "staff"),
    "force": ("/forces/LAN", "force_hq"),
    "not-found": ("/no-such-page", "staff"),
    "account": ("/account", "staff"),
    "users": ("/users", "force_hq"),
    "new-user": ("/users/new", "admin"),
    "audit": ("/audit", "force_hq"),
    "division-form": ("/forces/LAN/divisions/NORTH/edit", "force_hq"),
    "ideas": ("/ideas", "manager"),
    "library": ("/practice", "staff"),
    "new-idea": ("/ideas/new", "staff"),
    "my-ideas": ("/my-ideas", "staff"),
    "notifications": ("/notifications", "staff"),
    "waste": ("/waste", "manager"),
    "new-waste": ("/waste/new", "staff"),
    "backlogs": ("/backlogs", "staff"),
    "measures": ("/metrics", "manager"),
    "new-measure": ("/metrics/new", "manager"),
    "triage": ("/triage", "manager"),
    "validation-queue": ("/savings", "validator"),
    "savings": ("/savings?status=", "force_hq"),
    "force-settings": ("/forces/LAN/settings", "force_hq"),
    "division-dashboard": ("/dashboard", "manager"),
    "force-dashboard": ("/forces/LAN/dashboard", "force_hq"),
    "forces-compared": ("/national?force=LAN", "national"),
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_page_is_accessible_and_error_free(open_page: Any, name: str, viewport: dict[str, int]) -> None:
    path, role = PAGES[name]
    watch = open_page(path, viewport=viewport, role=role, kept=True)
    watch.screenshot(f"{name}-{viewport['width']}")
    assert accessibility_violations(watch.page) == []
    problems = [problem for problem in watch.problems if not (name == "not-found" and "404" in problem)]
    assert problems == []
    # GOV.UK Frontend's JavaScript ran: it marks the body and initialises the components.
    assert "govuk-frontend-supported" in (watch.page.get_attribute("body", "class") or "")


def test_nothing_is_wider_than_a_phone_screen_except_scrolling_tables(open_page: Any) -> None:
    watch = open_page("/forces/LAN", viewport=PHONE)
    page_width = watch.page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"]


def test_the_menu_collapses_on_a_phone_and_opens(open_page: Any) -> None:
    watch = open_page("/", viewport=PHONE)
    menu = watch.page.get_by_role("button", name="Menu")
    forces_link = watch.page.locator(".govuk-service-navigation__list").get_by_role("link", name="Forces")
    assert menu.is_visible()
    assert not forces_link.is_visible()
    menu.click()
    assert forces_link.is_visible()


def test_live_search_updates_the_table_in_place_and_keeps_the_url_shareable(open_page: Any) -> None:
    watch = open_page("/forces")
    page = watch.page
    page.evaluate("window.questMarker = 'same page'")
    page.get_by_label("Search forces").fill("north west")
    page.wait_for_url(re.compile(r"/forces\?q=north(\+|%20)west$"))
    page.wait_for_function("document.querySelector('#forces-table caption').textContent.includes('2 forces')")
    assert page.evaluate("window.questMarker") == "same page"  # no full page load happened
    rows = page.locator("#forces-table tbody tr")
    assert rows.count() == 2
    assert "Lancashire Constabulary" in rows.all_inner_texts()[1]
    assert watch.problems == []


def test_search_works_with_javascript_off(open_page: Any) -> None:
    watch = open_page("/forces", javascript=False)
    page = watch.page
    page.get_by_label("Search forces").fill("Sussex")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/forces?q=Sussex")
    assert page.url.endswith("/forces?q=Sussex")
    assert page.locator("#forces-table tbody tr").count() == 1
    assert page.get_by_role("link", name="Sussex Police").is_visible()
    watch.screenshot("forces-search-no-js")


def test_navigating_to_a_force_and_its_similar_forces(open_page: Any) -> None:
    watch = open_page("/forces")
    page = watch.page
    page.get_by_role("link", name="Lancashire Constabulary").click()
    page.wait_for_url(re.compile(r"/forces/LAN$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lancashire Constabulary"
    assert page.get_by_role("cell", name="NORTH").is_visible()
    similar = page.locator("ol.govuk-list--number a").first
    similar_name = similar.inner_text()
    similar.click()
    assert page.get_by_role("heading", level=1).inner_text() == similar_name


def test_radios_that_reveal_fields_pass_axe_and_still_reveal(open_page: Any, live_server: str) -> None:
    """Issue item 13: the decide panel's and the savings form's radios reveal the chosen option's fields
    without an ARIA attribute a radio may not have (axe: critical aria-allowed-attr)."""
    manager = open_page("/triage", role="manager")
    page = manager.page
    page.locator("main a[href^='/ideas/LAN-']").first.click()
    page.wait_for_url(IDEA_PAGE)
    decline, note = page.get_by_label("Decline"), page.locator("#reason-declined")
    assert not note.is_visible()
    decline.check()
    assert note.is_visible()
    assert "aria-expanded" not in page.inner_html("#decide-heading + form")
    assert accessibility_violations(page) == []

    page.goto(live_server + "/practice?q=Call+back+before+visiting")
    page.get_by_role("link", name="Call back before visiting").first.click()
    page.get_by_text("Record a saving").click()
    hours = page.get_by_label("Hours a year released")
    assert not hours.is_visible()
    page.get_by_label("Non-cashable: time released").check()
    assert hours.is_visible()
    assert not page.get_by_label("£ a year").is_visible()
    assert accessibility_violations(page) == []
    assert manager.problems == []


@pytest.mark.parametrize("path", ["/", "/forces/LAN/divisions/NORTH/edit"])
def test_every_part_of_a_signed_in_page_is_in_a_landmark(open_page: Any, path: str) -> None:
    """The signed-in bar and back links sit in landmarks, so no content is outside them (axe: region)."""
    watch = open_page(path, role="force_hq")
    assert [finding["id"] for finding in axe_findings(watch.page) if finding["id"] == "region"] == []
