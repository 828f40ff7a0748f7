"""The audit pack's page in the browser (issue 14): a validator opens Lancashire's pack from the ledger,
reads it on screen (accessible, every total matching), then prints it: A4 landscape, without QUEST's
header, menus or footer, each part from a new page, the tables' headings repeated on every page."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import ARTIFACTS, accessibility_violations


def test_the_validator_reads_and_prints_the_forces_pack(open_page: Any) -> None:
    validator = open_page("/savings?fy=2025", role="validator")
    page = validator.page
    page.get_by_role("link", name="open the printable page").click()
    page.wait_for_url("**/savings/audit-pack?fy=2025&format=html")
    assert page.url.endswith("/savings/audit-pack?fy=2025&format=html")
    assert "matches the one QUEST shows on the force’s dashboard, to the penny" in page.inner_text("#pack-check")
    assert page.locator("#pack-totals tbody tr").count() >= 30
    validator.screenshot("audit-pack")
    assert accessibility_violations(page) == []

    page.emulate_media(media="print")
    for hidden in (".govuk-template__header", ".govuk-footer", ".quest-no-print"):
        assert page.evaluate(f"getComputedStyle(document.querySelector('{hidden}')).display") == "none", hidden
    assert page.evaluate("getComputedStyle(document.querySelector('#pack-claims thead')).display") == (
        "table-header-group"
    )
    assert page.evaluate("getComputedStyle(document.querySelector('#claims')).breakBefore") == "page"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "audit-pack.pdf"), prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "no pages in the PDF"
    for width, height in boxes:  # A4 landscape: 297 mm by 210 mm, in points
        assert abs(float(width) - 841.9) < 1
        assert abs(float(height) - 595.3) < 1
    assert len(boxes) >= 5  # each of the five parts from a page of its own
    assert validator.problems == []
