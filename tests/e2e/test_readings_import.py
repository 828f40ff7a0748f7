"""A manager brings a measure's history into QUEST from a spreadsheet, in the browser: pastes rows, checks
the preview, saves; then uploads a file with a mistake, is told which row and column, and nothing is
saved. On a desktop with JavaScript, and on a phone without."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, accessibility_violations


def open_readings(open_page: Any, viewport: dict[str, int], javascript: bool) -> Any:
    manager = open_page("/metrics", role="manager", viewport=viewport, javascript=javascript)
    page = manager.page
    page.get_by_role("link", name="Crime reports awaiting allocation").first.click()
    page.get_by_role("link", name="Add, correct or import readings").click()
    page.wait_for_url("**/readings")
    assert page.get_by_role("heading", name="Readings of Crime reports awaiting allocation").is_visible()
    return manager


# Each variant writes readings of its own long-past year, leaving the demo's recent counts, and the other's, alone.
@pytest.mark.parametrize(
    ("viewport", "javascript", "year"), [(DESKTOP, True, 2001), (PHONE, False, 2002)], ids=["desktop-js", "phone-no-js"]
)
def test_paste_preview_save_then_a_bad_upload_saves_nothing(
    open_page: Any, tmp_path: Path, viewport: dict[str, int], javascript: bool, year: int
) -> None:
    manager = open_readings(open_page, viewport, javascript)
    page = manager.page
    name = "desktop" if javascript else "phone-no-js"
    if javascript:
        assert accessibility_violations(page) == []
    manager.screenshot(f"readings-{name}")

    page.get_by_label("Rows").fill(f"Date\tCrimes\n01/03/{year}\t41\n02/03/{year}\t1,043\n")
    page.get_by_role("button", name="Check pasted readings").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Check the readings").is_visible()
    table = page.locator("table").inner_text()
    assert f"1 March {year}" in table
    assert "1,043" in table
    assert "New" in table
    if javascript:
        assert accessibility_violations(page) == []
    manager.screenshot(f"readings-preview-{name}")
    page.get_by_role("button", name="Save 2 readings").click()
    page.wait_for_load_state("networkidle")
    assert "Saved 2 readings from the pasted rows: 2 new, 0 changed" in page.inner_text("#flash-messages")

    bad = tmp_path / "crimes.csv"
    future = datetime.date.today() + datetime.timedelta(days=2)
    bad.write_text(f"Date,Crimes\n{year}-03-02,1044\n{future.isoformat()},12\n{year}-03-04,lots\n")
    page.get_by_label("CSV file or Excel workbook").set_input_files(str(bad))
    page.get_by_role("button", name="Check file").click()
    page.wait_for_load_state("networkidle")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Row 3, column A (date): The date must be today or in the past" in summary
    assert "Row 4, column B (value): Enter a number, like 42" in summary
    assert "Nothing has been saved" in page.inner_text("main")
    assert page.get_by_role("button", name="Save").count() == 0
    assert "Changed" in page.locator("#row-2").inner_text()  # 1,043 would become 1,044, had the file been good
    if javascript:
        assert accessibility_violations(page) == []
    manager.screenshot(f"readings-refused-{name}")
    # The phone page itself never scrolls sideways: the rows table scrolls inside it.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The refused file's page is answered 422 on purpose, which the browser reports; nothing else may be.
    assert [problem for problem in manager.problems if "status of 422" not in problem] == []
