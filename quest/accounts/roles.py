"""The six roles of DESIGN §3, and which parts of the organisation each must belong to."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    STAFF = "staff"
    MANAGER = "manager"
    VALIDATOR = "validator"
    FORCE_HQ = "force_hq"
    NATIONAL = "national"
    ADMIN = "admin"

    @property
    def needs_force(self) -> bool:
        return self in (Role.STAFF, Role.MANAGER, Role.VALIDATOR, Role.FORCE_HQ)

    @property
    def needs_division(self) -> bool:
        return self in (Role.STAFF, Role.MANAGER)

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Role.STAFF: "Frontline staff",
    Role.MANAGER: "Division manager",
    Role.VALIDATOR: "Validator",
    Role.FORCE_HQ: "Force headquarters",
    Role.NATIONAL: "National headquarters",
    Role.ADMIN: "Administrator",
}
