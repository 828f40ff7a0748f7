"""Each seam between domains has one room (issue 11): a domain takes what it needs of another through that
room, never through the other's ``services`` or ``decisions``. Read from the source's imports (ast), so
``from quest.ideas import services`` is caught as well as ``import quest.ideas.services``.

- What other domains need of an idea (who sees it, who adds to it, its reference, its timeline, a move):
  ``quest.ideas.record``.
- A force's settings (the SLA, productive hours, the rate card): ``quest.org.settings``.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

QUEST = Path(__file__).resolve().parents[2] / "quest"

IDEA_ROOMS = ("quest.ideas.services", "quest.ideas.decisions")

# (who imports: a package or module, what it must not import). `quest.home` is left out: it is a page
# made of the domains' own lists (My ideas, triage, the force's ledger), asked of their services by
# design.
FORBIDDEN = [
    *(("quest.savings", room) for room in IDEA_ROOMS),
    *(("quest.demo", room) for room in IDEA_ROOMS),
    *(("quest.waste", room) for room in IDEA_ROOMS),
    *(("quest.notifications", room) for room in IDEA_ROOMS),
    *(("quest.metrics", room) for room in IDEA_ROOMS),
    *(("quest.dashboards", room) for room in IDEA_ROOMS),
    *(("quest.org", room) for room in IDEA_ROOMS),
    # Force settings are the organisation's: nobody reads them through savings.
    *((importer, "quest.savings.services") for importer in ("quest.org", "quest.ideas.decisions")),
    # Charts draw pure rules, never ask services.
    ("quest.charts", "quest.waste.services"),
    # Authentication says who is asking; what a page shows (the unread count) is the page's.
    ("quest.accounts.authentication", "quest.notifications.services"),
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(QUEST.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module the file imports, with ``from package import module`` read as ``package.module``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@functools.cache
def _edges() -> frozenset[tuple[str, str]]:
    return frozenset((_module_name(path), imported) for path in QUEST.rglob("*.py") for imported in _imports(path))


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def crossings(importer: str, room: str) -> list[str]:
    return sorted(
        module
        for module, imported in _edges()
        if _within(module, importer) and _within(imported, room) and not _within(module, room.rsplit(".", 1)[0])
    )


@pytest.mark.parametrize(("importer", "room"), FORBIDDEN)
def test_no_domain_reaches_into_another_through_a_seam(importer: str, room: str) -> None:
    assert crossings(importer, room) == [], f"{importer} imports {room}: take it from the seam's own room"


def test_the_scan_sees_imports_in_both_spellings() -> None:
    """The scan itself: both ways of importing a module are read, so an empty answer means something."""
    assert ("quest.ideas.decisions", "quest.ideas.record") in _edges()
    assert any(imported == "quest.org.settings" for module, imported in _edges() if module == "quest.org.settings_web")
