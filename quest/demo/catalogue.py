"""The forces of the small demo and their divisions (``quest/data/demo_divisions.csv``), and its users.

The forces are six that took part in the Home Office's Operation QUEST, and Dyfed-Powys, which has only
just started using QUEST (quest.demo.fortunes). Division names follow each force's local policing areas;
Lancashire keeps the divisional structure of the QUEST years, including the Northern Division whose
pending open incidents fell by 91%. Each division carries a weight, roughly the thousands of residents it
polices, which apportions the force's officers and staff between them.

Who can sign in, all with DEMO_PASSWORD:

- DEMO_USERS: one user per role in Lancashire, national headquarters and an administrator;
- FORCE_LOGINS: in every force a validator (``validator@<force domain>``) and headquarters
  (``hq@<force domain>``), and in every division its manager (``manager.<division code>@<force domain>``,
  e.g. ``manager.warr@cheshire.example``), the code in lower case. Lancashire's validator and
  headquarters, and its Northern division's manager, are the DEMO_USERS ``validator@``, ``hq@`` and
  ``manager@lancashire.example``.

Their colleagues (frontline staff in every division, quest.demo.history) cannot sign in.
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

# Each force's mail domain, which its people's sign-in names end with.
FORCE_DOMAINS = {
    "LAN": "lancashire.example",
    "AVS": "avonandsomerset.example",
    "CHE": "cheshire.example",
    "TVP": "thamesvalley.example",
    "STA": "staffordshire.example",
    "SUS": "sussex.example",
    "DYP": "dyfed-powys.example",
}


def validator_email(force_code: str) -> str:
    return f"validator@{FORCE_DOMAINS[force_code]}"


def hq_email(force_code: str) -> str:
    return f"hq@{FORCE_DOMAINS[force_code]}"


def manager_email(force_code: str, division_code: str) -> str:
    """A division's manager; Lancashire's Northern division's is the demo manager."""
    if (force_code, division_code) == ("LAN", "NORTH"):
        return "manager@lancashire.example"
    return f"manager.{division_code.lower()}@{FORCE_DOMAINS[force_code]}"


# Names for the people of FORCE_LOGINS: the same whatever the seed, so the README can rely on them.
_FIRST_NAMES = (
    "Alex", "Bethan", "Carl", "Dawn", "Euan", "Fiona", "Gareth", "Hannah", "Ian", "Joanne", "Kamal",
    "Lucy", "Marcus", "Nadia", "Owen", "Paula", "Rachel", "Simon", "Tariq", "Vicky",
)  # fmt: skip
_SURNAMES = (
    "Adams", "Baker", "Carter", "Dixon", "Ellis", "Foster", "Griffiths", "Hall", "Jenkins", "Kaur", "Lloyd",
    "Mason", "Owusu", "Price", "Reid", "Singh", "Turner", "Walsh", "Young", "Zielinski",
)  # fmt: skip


def _force_logins() -> tuple[DemoUser, ...]:
    taken = {user.email for user in DEMO_USERS}
    logins: list[DemoUser] = []
    for code, divisions in DEMO_FORCES.items():
        people = [
            (validator_email(code), "{} (Finance)", "validator", None),
            (hq_email(code), "Superintendent {}", "force_hq", None),
            *((manager_email(code, division.code), "Inspector {}", "manager", division.code) for division in divisions),
        ]
        for email, title, role, division_code in people:
            if email in taken:
                continue
            number = len(logins)
            name = f"{_FIRST_NAMES[number % 20]} {_SURNAMES[(number * 7 + number // 20) % 20]}"
            logins.append(DemoUser(email, title.format(name), role, code, division_code))
    return tuple(logins)


FORCE_LOGINS = _force_logins()
