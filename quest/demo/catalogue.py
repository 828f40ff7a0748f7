"""The forces of the small demo and their divisions.

The forces are six that took part in the Home Office's Operation QUEST. Division names follow each
force's local policing areas; Lancashire keeps the divisional structure of the QUEST years, including
the Northern Division whose pending open incidents fell by 91%. Each division carries a weight, roughly
the thousands of residents it polices, which apportions the force's officers and staff between them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoDivision:
    code: str
    name: str
    weight: int


DEMO_FORCES: dict[str, tuple[DemoDivision, ...]] = {
    "LAN": (
        DemoDivision("NORTH", "Northern (Lancaster and Morecambe)", 180),
        DemoDivision("WEST", "Western (Blackpool, Fylde and Wyre)", 330),
        DemoDivision("CENTRAL", "Central (Preston)", 150),
        DemoDivision("SOUTH", "Southern (Chorley, South Ribble and West Lancashire)", 340),
        DemoDivision("EAST", "Eastern (Blackburn, Hyndburn and Ribble Valley)", 330),
        DemoDivision("PENNINE", "Pennine (Burnley, Pendle and Rossendale)", 270),
    ),
    "AVS": (
        DemoDivision("BRISTOL", "Bristol", 480),
        DemoDivision("BANES", "Bath and North East Somerset", 200),
        DemoDivision("NSOM", "North Somerset", 220),
        DemoDivision("SGLOS", "South Gloucestershire", 300),
        DemoDivision("SOMEAST", "Somerset East", 300),
        DemoDivision("SOMWEST", "Somerset West", 270),
    ),
    "CHE": (
        DemoDivision("EAST", "Cheshire East", 410),
        DemoDivision("WEST", "Cheshire West and Chester", 360),
        DemoDivision("WARR", "Warrington", 215),
        DemoDivision("HALTON", "Halton", 130),
    ),
    "TVP": (
        DemoDivision("READING", "Reading", 175),
        DemoDivision("SLOUGH", "Slough", 160),
        DemoDivision("OXFORD", "Oxford", 165),
        DemoDivision("MK", "Milton Keynes", 290),
        DemoDivision("AYLES", "Aylesbury Vale", 210),
        DemoDivision("WYCOMBE", "Wycombe", 180),
        DemoDivision("WBERKS", "West Berkshire", 165),
        DemoDivision("WINDSOR", "Windsor and Maidenhead", 155),
        DemoDivision("BRACK", "Bracknell and Wokingham", 300),
        DemoDivision("CHERWELL", "Cherwell and West Oxfordshire", 275),
        DemoDivision("SVALE", "South and Vale", 300),
        DemoDivision("CHILTERN", "Chiltern and South Bucks", 170),
    ),
    "STA": (
        DemoDivision("STOKE", "Stoke-on-Trent", 260),
        DemoDivision("NEWCASTLE", "Newcastle-under-Lyme", 125),
        DemoDivision("MOORLANDS", "Staffordshire Moorlands", 95),
        DemoDivision("STAFFORD", "Stafford", 140),
        DemoDivision("CANNOCK", "Cannock Chase", 100),
        DemoDivision("LICHFIELD", "Lichfield", 105),
        DemoDivision("TAMWORTH", "Tamworth", 80),
        DemoDivision("EASTSTAFFS", "East Staffordshire", 125),
        DemoDivision("SOUTHSTAFFS", "South Staffordshire", 110),
    ),
    "SUS": (
        DemoDivision("BRIGHTON", "Brighton and Hove", 280),
        DemoDivision("EAST", "East Sussex", 560),
        DemoDivision("WEST", "West Sussex", 890),
    ),
}

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
