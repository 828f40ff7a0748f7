"""The forces of the small demo and their divisions (``quest/data/demo_divisions.csv``), and its users.

The forces are six that took part in the Home Office's Operation QUEST. Division names follow each
force's local policing areas; Lancashire keeps the divisional structure of the QUEST years, including
the Northern Division whose pending open incidents fell by 91%. Each division carries a weight, roughly
the thousands of residents it polices, which apportions the force's officers and staff between them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from quest.paths import DATA_DIR


@dataclass(frozen=True, slots=True)
class DemoDivision:
    code: str
    name: str
    weight: int


def _demo_forces() -> dict[str, tuple[DemoDivision, ...]]:
    """Each demo force's divisions, in the order of ``quest/data/demo_divisions.csv``."""
    forces: dict[str, list[DemoDivision]] = {}
    with (DATA_DIR / "demo_divisions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            forces.setdefault(row["force_code"], []).append(DemoDivision(row["code"], row["name"], int(row["weight"])))
    return {code: tuple(divisions) for code, divisions in forces.items()}


DEMO_FORCES = _demo_forces()

# Officers and staff not in a division work in force-wide functions (control room, major crime,
# headquarters). These shares are demo assumptions, not published figures.
DIVISIONAL_SHARE_OF_OFFICERS = 0.62
DIVISIONAL_SHARE_OF_STAFF = 0.40


@dataclass(frozen=True, slots=True)
class DemoUser:
    email: str
    display_name: str
    role: str
    force_code: str | None = None
    division_code: str | None = None


# One demo user per role in Lancashire, plus national headquarters and an administrator. They share
# DEMO_PASSWORD, which `quest demo` prints; the demo refuses to run in production.
DEMO_PASSWORD = "quest-demo-password"
DEMO_USERS = (
    DemoUser("staff@lancashire.example", "PC Sam Taylor", "staff", "LAN", "NORTH"),
    DemoUser("manager@lancashire.example", "Inspector Priya Shah", "manager", "LAN", "NORTH"),
    DemoUser("validator@lancashire.example", "Dee Okafor (Finance)", "validator", "LAN"),
    DemoUser("hq@lancashire.example", "Superintendent Mark Ellis", "force_hq", "LAN"),
    DemoUser("national@quest.example", "Helen Price (National QUEST team)", "national"),
    DemoUser("admin@quest.example", "QUEST Administrator", "admin"),
)
