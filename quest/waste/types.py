"""The eight Lean wastes, DOWNTIME, with plain-English hints for frontline staff."""

from __future__ import annotations

import enum


class WasteType(enum.StrEnum):
    DEFECTS = "defects"
    OVERPRODUCTION = "overproduction"
    WAITING = "waiting"
    NON_UTILISED_TALENT = "non_utilised_talent"
    TRANSPORT = "transport"
    INVENTORY = "inventory"
    MOTION = "motion"
    EXTRA_PROCESSING = "extra_processing"

    @property
    def label(self) -> str:
        return _LABELS[self][0]

    @property
    def hint(self) -> str:
        return _LABELS[self][1]


_LABELS = {
    WasteType.DEFECTS: ("Defects", "Work that is wrong or incomplete and has to be done again, like a file sent back"),
    WasteType.OVERPRODUCTION: (
        "Overproduction",
        "Doing more than is needed, or before it is needed, like reports nobody reads",
    ),
    WasteType.WAITING: ("Waiting", "Time lost waiting for people, systems, approvals or information"),
    WasteType.NON_UTILISED_TALENT: ("Non-utilised talent", "Skills and ideas of colleagues not being used"),
    WasteType.TRANSPORT: ("Transport", "Moving things, like exhibits, files or prisoners, more than needed"),
    WasteType.INVENTORY: ("Inventory", "Work piling up, like backlogs of incidents, files or property"),
    WasteType.MOTION: ("Motion", "Needless movement of people, like walking to a printer or driving to sign a form"),
    WasteType.EXTRA_PROCESSING: (
        "Extra-processing",
        "More steps than the job needs, like entering the same data twice",
    ),
}
