"""Signing in and out, and managing people, as the demo users do it in Chromium."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import PHONE, sign_in
from tests.helpers import DEMO_EMAILS


def test_sign_in_and_out_with_javascript_off(open_page: Any, live_server: str) -> None:
    watch = open_page("/forces", javascript=False, role=None)
    page = watch.page
    assert "/sign-in?next=%2Fforces" in page.url
    page.get_by_label("Email address").fill(DEMO_EMAILS["manager"])
    page.get_by_label("Password", exact=True).fill("quest-demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/forces")
    assert "Signed in as Inspector Priya Shah" in page.inner_text("body")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server}/sign-in")
    assert "You have signed out" in page.inner_text("body")
    page.goto(live_server + "/forces")
    assert "/sign-in" in page.url


def test_a_wrong_password_shows_the_error_summary(open_page: Any) -> None:
    watch = open_page("/sign-in", role=None, viewport=PHONE)
    page = watch.page
    page.get_by_label("Email address").fill(DEMO_EMAILS["staff"])
    page.get_by_label("Password", exact=True).fill("not the right password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter a correct email address and password" in summary.inner_text()
    watch.screenshot("sign-in-error-phone")


def test_force_hq_adds_a_colleague_and_deactivates_them(open_page: Any, live_server: str) -> None:
    watch = open_page("/users/new", role="force_hq")
    page = watch.page
    page.get_by_label("Email address").fill("new.starter@lancashire.example")
    page.get_by_label("Name").fill("PCSO New Starter")
    page.get_by_label("Role").select_option("staff")
    page.get_by_label("Division").select_option(label="Pennine (Burnley, Pendle and Rossendale) (LAN)")
    page.get_by_label("First password").fill("welcome to the pennine team")
    page.get_by_role("button", name="Add user").click()
    page.wait_for_load_state("networkidle")
    assert "PCSO New Starter can now sign in" in page.inner_text("body")
    page.get_by_role("button", name="Deactivate").click()
    page.wait_for_load_state("networkidle")
    assert "PCSO New Starter has been deactivated" in page.inner_text("body")
    watch.screenshot("user-deactivated")
    assert watch.problems == []

    # The new colleague cannot sign in now.
    other = open_page("/sign-in", role=None)
    sign_in(other.page, live_server, "new.starter@lancashire.example", "welcome to the pennine team")
    assert "Enter a correct email address and password" in other.page.inner_text("body")
