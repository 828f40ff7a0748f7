"""Each seam between domains has one room (issue 11): a domain takes what it needs of another through that
room, never through the other's ``services`` or ``decisions``. Read from the source (ast), so
``from quest.ideas import services`` is caught as well as ``import quest.ideas.services``.

The seams, each with its room (``SEAMS``: what is defined there and imported from nowhere else):

- A force's settings (the SLA, productive hours, the rate card): ``quest.org.settings``.
- What other domains need of an idea (who sees it, who adds to it, its reference, its timeline, a move):
  ``quest.ideas.record``.
- The idea's impact (its linked measures, their before and after): ``quest.ideas.impact``.
- Which ideas a list chooses, and in what order (the idea list, the library, the ideas export):
  ``quest.ideas.filters``.
- Waste arithmetic (hours a year, the Pareto), pure rules that charts draw: ``quest.waste.rules``.
- Response times, an aggregate across domains: ``quest.dashboards.response_times``.
- The response SLA's clock (which ideas are overdue): ``quest.ideas.response_sla``.
- The unread count, what a page shows: ``quest.notifications.services``, never asked by authentication.

Rooms that compose a page of several domains (``COMPOSERS``) may call the domains' read services; nothing
but the app imports them, so what they reach into can never reach back. And no import cycle runs through
two domain folders.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

QUEST = Path(__file__).resolve().parents[2] / "quest"
# The domain folders: each package of quest/ (web, what every page shares, among them).
DOMAINS = sorted(path.parent.name for path in QUEST.glob("*/__init__.py"))

IDEA_ROOMS = ("quest.ideas.services", "quest.ideas.decisions")

# Each role's home page is My ideas, triage, the backlog entry, the force's ledger and the unread updates:
# asked of the domains that own them. Only the app imports it.
COMPOSERS = ("quest.home",)
# What routes requests to the rooms: it may import any of them.
THE_APP = "quest.app"

# (who imports: a package or module, what it must not import).
FORBIDDEN = [
    # An idea, as other domains meet it, is `quest.ideas.record`: not its services or decisions.
    *(
        (f"quest.{domain}", room)
        for domain in DOMAINS
        if f"quest.{domain}" not in COMPOSERS and domain != "ideas"
        for room in IDEA_ROOMS
    ),
    # Force settings are the organisation's: nobody reads them through savings or ideas.
    *(
        (importer, room)
        for importer in ("quest.org", "quest.ideas.decisions")
        for room in ("quest.savings.services", "quest.savings.ledger")
    ),
    ("quest.org", "quest.ideas"),
    # The idea's impact is the idea's: the idea page does not ask metrics' own chart lines for it.
    ("quest.ideas", "quest.metrics.links"),
    # Charts draw pure rules, never ask services.
    ("quest.charts", "quest.waste.services"),
    # Authentication says who is asking; what a page shows (the unread count) is the page's.
    ("quest.accounts", "quest.notifications"),
]

# Each seam's room, and the names that live there: defined in no other module, imported from no other.
SEAMS = {
    "quest.org.settings": (
        "Sla",
        "sla_of",
        "productive_hours_of",
        "rates_of",
        "force_settings",
        "settings_view",
        "update_settings",
        "update_rate_card",
        "set_rate",
    ),
    "quest.ideas.record": (
        "visible",
        "sees_full_record",
        "may_contribute",
        "decidable_idea",
        "next_reference",
        "add_event",
        "record_move",
        "IDEA_CHANGED",
    ),
    "quest.ideas.impact": (
        "idea_impact",
        "measures_of",
        "impact_and_ledger",
        "link_metric",
        "unlink_metric",
        "linkable_metrics",
        "LinkedMetric",
    ),
    "quest.ideas.filters": ("IdeaFilters", "conditions_of", "order_of"),
    "quest.waste.rules": ("hours_per_year", "pareto", "ParetoBar"),
    "quest.dashboards.response_times": ("response_times", "medians", "median_days"),
    "quest.ideas.response_sla": ("sla_flags", "overdue_clauses", "deadlines"),
    "quest.notifications.services": ("unread_count", "unread_count_of"),
}


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


def _domain(module: str) -> str:
    """The domain folder a module is in (``quest.ideas.record`` is in ``quest.ideas``), or the module."""
    return ".".join(module.split(".")[:2])


def crossings(importer: str, room: str) -> list[str]:
    """The modules of ``importer`` that import ``room`` (or anything in it) from outside its domain."""
    return sorted(
        {
            module
            for module, imported in _edges()
            if _within(module, importer) and _within(imported, room) and not _within(module, _domain(room))
        }
    )


@functools.cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in QUEST.rglob("*.py")}


def _defined(path: Path) -> set[str]:
    """The names a module defines at its top level: functions, classes and assigned constants."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def seam_strays(room: str, names: tuple[str, ...]) -> list[str]:
    """Where a seam's names are defined or imported other than in its room: ``module defines name`` or
    ``module imports place.name``."""
    modules = _modules()
    defined = [
        f"{module} defines {name}"
        for module, path in modules.items()
        if module != room
        for name in sorted(_defined(path) & set(names))
    ]
    imported = [
        f"{module} imports {target}"
        for module, target in _edges()
        if target not in modules and target.rsplit(".", 1)[-1] in names and target.rsplit(".", 1)[0] != room
    ]
    return sorted(defined + imported)


def cycles_across_domains(edges: frozenset[tuple[str, str]]) -> list[list[str]]:
    """Each import cycle among quest's modules that runs through more than one domain folder (Tarjan's
    strongly connected components over the module graph)."""
    modules = _modules()
    graph = {module: sorted({b for a, b in edges if a == module and b in modules and b != a}) for module in modules}
    order: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = lowest[module] = len(order)
        stack.append(module)
        for imported in graph[module]:
            if imported not in order:
                visit(imported)
                lowest[module] = min(lowest[module], lowest[imported])
            elif imported in stack:
                lowest[module] = min(lowest[module], order[imported])
        if lowest[module] == order[module]:
            component = [stack.pop()]
            while component[-1] != module:
                component.append(stack.pop())
            if len({_domain(member) for member in component}) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return found


@pytest.mark.parametrize(("importer", "room"), FORBIDDEN)
def test_no_domain_reaches_into_another_through_a_seam(importer: str, room: str) -> None:
    assert crossings(importer, room) == [], f"{importer} imports {room}: take it from the seam's own room"


def test_the_scan_sees_imports_in_both_spellings() -> None:
    """The scan itself: both ways of importing a module are read, so an empty answer means something."""
    assert ("quest.ideas.decisions", "quest.ideas.record") in _edges()
    assert any(imported == "quest.org.settings" for module, imported in _edges() if module == "quest.org.settings_web")


@pytest.mark.parametrize(("room", "names"), SEAMS.items())
def test_each_seam_lives_in_its_room(room: str, names: tuple[str, ...]) -> None:
    assert room in _modules()
    assert set(names) <= _defined(_modules()[room]), f"{room} no longer holds its seam"
    assert seam_strays(room, names) == [], f"what {room} holds is defined or imported elsewhere"


@pytest.mark.parametrize("composer", COMPOSERS)
def test_nothing_but_the_app_imports_a_composer(composer: str) -> None:
    """A composer may call the domains' read services because nothing calls it back."""
    importers = {
        module for module, imported in _edges() if _within(imported, composer) and not _within(module, composer)
    }
    assert importers == {THE_APP}


def test_no_import_cycle_runs_through_two_domains() -> None:
    assert cycles_across_domains(_edges()) == []


def test_the_checks_see_what_they_forbid() -> None:
    """Each check finds what it forbids, so an empty answer means something: a reach past a room, a name
    outside its room (defined, and imported), a cycle."""
    assert crossings("quest.home", "quest.ideas.services") == ["quest.home.services"]  # a composer's, allowed
    assert seam_strays("quest.dashboards.response_times", ("ParetoBar",)) == [
        "quest.charts.pareto imports quest.waste.rules.ParetoBar",
        "quest.dashboards.division imports quest.waste.rules.ParetoBar",
        "quest.waste.rules defines ParetoBar",
        "quest.waste.services imports quest.waste.rules.ParetoBar",
    ]
    closing = _edges() | {("quest.ideas.record", "quest.savings.services")}  # savings.services imports record
    closed = {"quest.ideas.record", "quest.savings.services"}
    assert any(closed <= set(cycle) for cycle in cycles_across_domains(closing))
