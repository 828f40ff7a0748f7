"""Browser tests: ``quest serve`` in a real process, driven by Playwright in Debian's Chromium.

Playwright never downloads a browser here; it launches ``/usr/bin/chromium`` (or ``QUEST_CHROMIUM``).
Where there is no Chromium the browser tests are skipped with a reason, except under CI (``CI=true``),
where a missing browser is a failure: CI installs it, so its absence means something broke.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from quest import migrations
from quest.config import default_database_url
from quest.demo.catalogue import DEMO_PASSWORD
from tests.conftest import (
    POSTGRES_URL,
    DemoCopies,
    make_settings,
    recreate_postgres_database,
    run,
    worker_postgres_url,
)
from tests.helpers import DEMO_EMAILS
from tests.servers import running, server_environment

CHROMIUM = os.environ.get("QUEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Screenshots of the pages the tests visit, for a person to look at, are taken with QUEST_SCREENSHOTS=1; a
# full-page screenshot costs about 0.3 s, and the suite would take some 150 that nobody looks at. A failing
# test's pages are always taken (``open_page``).
SCREENSHOTS = os.environ.get("QUEST_SCREENSHOTS", "").strip() not in ("", "0")
# Impacts that fail a test. axe runs every rule it has, not only the WCAG tags: its best-practice rules
# (landmarks, regions, headings) catch what a keyboard or screen reader user trips over, and a critical
# or serious finding of any rule is a fault. Moderate and minor ones are printed, for a person to judge.
FAILING_IMPACTS = ("critical", "serious")
PHONE = {"width": 390, "height": 844}
# An idea's own page, for waiting until a click has taken the browser there (and the page has loaded).
IDEA_PAGE = re.compile(r"/ideas/[A-Z]{3}-\d{6}$")
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_tests = [item for item in items if "e2e" in item.nodeid.split("::")[0]]
    for item in browser_tests:
        item.add_marker(pytest.mark.browser)
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true but there is no Chromium at {CHROMIUM}: install Debian's chromium package")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}; install Debian's chromium package to run browser tests")
    for item in browser_tests:
        item.add_marker(skip)


def keep_screenshot(target: Any, name: str) -> None:
    """A screenshot of ``target`` (a whole page, or a locator's part of one) as ``test-artifacts/NAME.png``,
    when QUEST_SCREENSHOTS is set."""
    if not SCREENSHOTS:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    path = str(ARTIFACTS / f"{name}.png")
    if hasattr(target, "goto"):
        target.screenshot(path=path, full_page=True)
    else:
        target.screenshot(path=path)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Each phase's report kept on the test, so that its fixtures can tell, tearing down, that it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def axe_findings(page: Any) -> list[dict[str, Any]]:
    """Everything axe-core finds wrong with the page as it is now, running all its rules."""
    from axe_playwright_python.sync_playwright import Axe

    return list(Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"])


def accessibility_violations(page: Any) -> list[str]:
    """The critical and serious faults axe-core finds on the page as it is now (all rules, not only WCAG's)."""
    failing = []
    for violation in axe_findings(page):
        finding = f"{violation['impact']} {violation['id']}: {violation['help']} ({len(violation['nodes'])} elements)"
        if violation["impact"] in FAILING_IMPACTS:
            failing.append(finding)
        else:
            print(f"axe on {page.url}: {finding}")
    return failing


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory, worker_id: str, demo_copies: DemoCopies) -> str:
    """The small demo with its history, as ``quest serve --demo`` seeds it: each module's server starts on a
    copy of it, so a module's changes never reach another's. It is the worker's kept demo (``demo_copies``),
    seeded once for the worker's tests and browsers alike. Its users' passwords are hashed at the tests' low
    cost (``quick_password_hashes``); the server checks them as it would any hash."""
    if not POSTGRES_URL:
        return default_database_url(demo_copies.template(history=True).parent)
    url = worker_postgres_url(worker_id, "_demo")
    run(recreate_postgres_database(url))
    settings = make_settings(tmp_path_factory.mktemp("demo"), url)
    migrations.upgrade(settings)
    demo_copies.copy_into(settings, history=True)
    return url


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, worker_id: str, demo_database: str) -> Iterator[str]:
    """The base URL of ``quest serve`` on a copy of the demo database, for this module alone."""
    data_dir = tmp_path_factory.mktemp("live")
    if POSTGRES_URL:
        url = worker_postgres_url(worker_id, "_browser")
        run(recreate_postgres_database(url, template=demo_database))
    else:
        url = default_database_url(data_dir)
        shutil.copyfile(make_url(demo_database).database or "", make_url(url).database or "")
    settings = make_settings(data_dir, url)
    with running(settings, env=server_environment(settings, QUEST_LOG_LEVEL="WARNING")) as server:
        yield server.base


@pytest.fixture(scope="module")
def browser(live_server: str) -> Iterator[Any]:
    """Module-scoped: Playwright's synchronous API keeps an event loop running while it is open, which
    would stop the rest of the suite from using ``asyncio.run``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(page: Any, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    # Done once the answer to the form has loaded, wherever it took the browser (home, or the sign-in page
    # again with an error): waiting for the network to be quiet for half a second more adds nothing, as no
    # page fetches anything once loaded.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


class PageWatch:
    """A page that records console errors (CSP violations among them) and failed requests."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.problems.append(message.text))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def screenshot(self, name: str) -> None:
        keep_screenshot(self.page, name)


@pytest.fixture(scope="module")
def signed_in_states(live_server: str) -> dict[str, Any]:
    """Each demo role's cookies once it has signed in on this module's server: a new browser starts with
    them rather than signing in again (a real Argon2 check on the server, and two waits for the network to
    settle, a second a page)."""
    return {}


def _still_signed_in(context: Any, base: str) -> bool:
    """Whether the browser's session is still good: an earlier test may have signed it out."""
    return int(context.request.get(base + "/account", max_redirects=0).status) == 200


@pytest.fixture(scope="module")
def kept_pages() -> Iterator[dict[tuple[str | None, int, int, bool], PageWatch]]:
    """Browsers kept open across a module's tests that ask for one with ``open_page(..., kept=True)``,
    one per person, window size and JavaScript setting."""
    kept: dict[tuple[str | None, int, int, bool], PageWatch] = {}
    yield kept
    for watch in kept.values():
        watch.page.context.close()


@pytest.fixture
def open_page(
    request: pytest.FixtureRequest,
    live_server: str,
    browser: Any,
    signed_in_states: dict[str, Any],
    kept_pages: dict[tuple[str | None, int, int, bool], PageWatch],
) -> Iterator[Any]:
    contexts: list[Any] = []
    opened: list[PageWatch] = []

    def open_(
        path: str,
        *,
        viewport: dict[str, int] = DESKTOP,
        javascript: bool = True,
        role: str | None = "staff",
        kept: bool = False,
    ) -> PageWatch:
        """Open ``path`` in a new browser, signed in as the demo user of ``role`` (None: not signed in).
        With ``kept``, in the browser this module's earlier tests kept for the same person, size and
        JavaScript setting, if it is still signed in: for tests that open a page and only look at it (a new
        browser and tab cost about a quarter of a second)."""
        key = (role, viewport["width"], viewport["height"], javascript)
        watch = kept_pages.get(key) if kept else None
        if watch is not None and role is not None and not _still_signed_in(watch.page.context, live_server):
            watch.page.context.close()
            watch = None
        if watch is None:
            state = signed_in_states.get(role) if role is not None else None
            context = browser.new_context(viewport=viewport, java_script_enabled=javascript, storage_state=state)
            watch = PageWatch(context.new_page())
            if kept:
                kept_pages[key] = watch
            else:
                contexts.append(context)
            if role is not None and (state is None or not _still_signed_in(context, live_server)):
                context.clear_cookies()
                sign_in(watch.page, live_server, DEMO_EMAILS[role])
                signed_in_states[role] = context.storage_state()
        watch.problems.clear()
        opened.append(watch)
        # goto waits for the page's load event: its scripts have run and GOV.UK Frontend has started (no
        # page fetches anything of its own once loaded), so nothing is gained by also waiting for the
        # network to be idle for half a second, as a test that clicks and swaps content in place does.
        watch.page.goto(live_server + path)
        return watch

    yield open_
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:  # what the failing test's pages showed, for a person to look at
        ARTIFACTS.mkdir(exist_ok=True)
        for number, watch in enumerate(opened, start=1):
            watch.page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}-{number}.png"), full_page=True)
    for context in contexts:
        context.close()
