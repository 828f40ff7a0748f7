"""pyproject.toml's lower bounds keep out every version named in docs/security.md's "Known advisories"."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
VERSION = re.compile(r"\d+(?:\.\d+)+")
TABLE_HEADER = "| package | advisory | what it is | affected | fixed in | affects QUEST? | our lower bound |"


def known_advisories(security_page: str) -> list[tuple[str, str, Version]]:
    """(package, advisory, first fixed version) for each row of the "Known advisories" table."""
    section = security_page.split("## Known advisories", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    start = lines.index(TABLE_HEADER) + 2  # past the header and its --- row
    advisories = []
    for row in lines[start:]:
        if not row.startswith("|"):
            break  # the table ends at its first non-table line
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        fixed = VERSION.search(cells[4])
        assert fixed is not None, f"no fixed version in: {row}"
        advisories.append((cells[0], cells[1], Version(fixed.group())))
    return advisories


def lower_bounds(pyproject: str) -> dict[str, Version]:
    """Each runtime dependency's lower bound (its ``>=``), by canonical package name."""
    bounds = {}
    for line in tomllib.loads(pyproject)["project"]["dependencies"]:
        requirement = Requirement(line)
        floors = [Version(spec.version) for spec in requirement.specifier if spec.operator == ">="]
        if floors:
            bounds[canonicalize_name(requirement.name)] = max(floors)
    return bounds


def bounds_below_fixes(security_page: str, pyproject: str) -> list[str]:
    bounds = lower_bounds(pyproject)
    problems = []
    for package, advisory, fixed in known_advisories(security_page):
        bound = bounds.get(canonicalize_name(package))
        if bound is None or bound < fixed:
            problems.append(f"{package} {advisory}: lower bound {bound}, fixed in {fixed}")
    return problems


def read_sources() -> tuple[str, str]:
    return (ROOT / "docs" / "security.md").read_text(), (ROOT / "pyproject.toml").read_text()


def test_every_known_advisory_is_excluded_by_a_lower_bound() -> None:
    security_page, pyproject = read_sources()
    packages = {canonicalize_name(package) for package, _, _ in known_advisories(security_page)}
    # Direct dependencies and the transitive ones pinned for an advisory are both in the table.
    assert {"litestar", "jinja2", "multipart", "h11", "idna", "mako"} <= packages
    assert bounds_below_fixes(security_page, pyproject) == []


def test_a_direct_bound_below_a_fixed_version_is_caught() -> None:
    security_page, pyproject = read_sources()
    lowered = pyproject.replace('"litestar[jinja,structlog]>=2.25', '"litestar[jinja]>=2.19')
    assert lowered != pyproject
    assert any(problem.startswith("litestar PYSEC-2026-2195") for problem in bounds_below_fixes(security_page, lowered))


def test_a_transitive_bound_below_a_fixed_version_is_caught() -> None:
    security_page, pyproject = read_sources()
    lowered = pyproject.replace('"multipart>=1.3.1"', '"multipart>=1.2.0"')
    assert lowered != pyproject
    assert [p for p in bounds_below_fixes(security_page, lowered) if p.startswith("multipart ")] == [
        "multipart PYSEC-2026-2670 (CVE-2026-28356, GHSA-p2m9-wcp5-6qw3): lower bound 1.2.0, fixed in 1.3.1"
    ]


def test_a_missing_transitive_pin_is_caught() -> None:
    security_page, pyproject = read_sources()
    unpinned = re.sub(r'\n  "h11>=[^\n]*', "", pyproject)
    assert unpinned != pyproject
    assert [p for p in bounds_below_fixes(security_page, unpinned) if p.startswith("h11 ")] == [
        "h11 CVE-2025-43859 (GHSA-vqfr-h8mv-ghfj): lower bound None, fixed in 0.16.0"
    ]
