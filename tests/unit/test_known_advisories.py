"""pyproject.toml's lower bounds keep out every version named in docs/security.md's "Known advisories"."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
VERSION = re.compile(r"\d+(?:\.\d+)+")


def known_advisories(security_page: str) -> list[tuple[str, str, Version]]:
    """(package, advisory, first fixed version) for each row of the "Known advisories" table."""
    section = security_page.split("## Known advisories", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| package")]
    advisories = []
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        if set(cells[0]) <= {"-", " "}:
            continue
        fixed = VERSION.search(cells[4])
        assert fixed is not None, f"no fixed version in: {row}"
        advisories.append((cells[0], cells[1], Version(fixed.group())))
    return advisories


def lower_bounds(pyproject: str) -> dict[str, Version]:
    """Each runtime dependency's lower bound (its ``>=``)."""
    bounds = {}
    for line in tomllib.loads(pyproject)["project"]["dependencies"]:
        requirement = Requirement(line)
        floors = [Version(spec.version) for spec in requirement.specifier if spec.operator == ">="]
        if floors:
            bounds[requirement.name.lower()] = max(floors)
    return bounds


def bounds_below_fixes(security_page: str, pyproject: str) -> list[str]:
    bounds = lower_bounds(pyproject)
    return [
        f"{package} {advisory}: lower bound {bounds.get(package.lower())}, fixed in {fixed}"
        for package, advisory, fixed in known_advisories(security_page)
        if bounds.get(package.lower()) is None or bounds[package.lower()] < fixed
    ]


def test_every_known_advisory_is_excluded_by_a_lower_bound() -> None:
    security_page = (ROOT / "docs" / "security.md").read_text()
    assert len(known_advisories(security_page)) >= 4
    assert bounds_below_fixes(security_page, (ROOT / "pyproject.toml").read_text()) == []


def test_a_bound_below_a_fixed_version_is_caught() -> None:
    security_page = (ROOT / "docs" / "security.md").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    lowered = pyproject.replace('"litestar[jinja,structlog]>=2.25', '"litestar[jinja]>=2.19')
    assert lowered != pyproject
    assert any(problem.startswith("litestar PYSEC-2026-2195") for problem in bounds_below_fixes(security_page, lowered))
