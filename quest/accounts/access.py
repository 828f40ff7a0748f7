"""The access matrix of DESIGN §3, in one place.

Each permission gives each role a *reach*: nothing, its own division, its own force, or everywhere.
Services ask this module before every read and write, and build their queries' scope from it, so a
controller cannot forget: the HTML pages and the JSON API call the same services.

Out-of-scope records are reported as :class:`~quest.errors.NotFound` (an
:class:`~quest.errors.OutOfReach`, which the audit trail records), never as forbidden, so a user cannot
learn that another force's record exists. A permission the role lacks altogether (a staff member opening
the user list) is :class:`~quest.errors.Forbidden`.
"""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import InstrumentedAttribute

from quest.accounts.identity import CurrentUser
from quest.accounts.roles import Role
from quest.errors import Forbidden, OutOfReach


class Reach(enum.IntEnum):
    NONE = 0
    OWN_DIVISION = 1
    OWN_FORCE = 2
    EVERYWHERE = 3


class Permission(enum.StrEnum):
    VIEW_ORGANISATION = "view_organisation"  # forces, divisions and their size: a directory for everyone
    MANAGE_ORGANISATION = "manage_organisation"  # a force's divisions and profile
    VIEW_USERS = "view_users"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    # Ideas, waste and metrics of divisions: the whole record, with its people (who raised, owns, said
    # and decided what), its comments and its savings claims' details.
    VIEW_WORK = "view_work"
    # Implemented ideas outside one's VIEW_WORK reach, as the practice library shows them: what the
    # problem was, what changed and what was learned, where, when, and the validated savings totals; no
    # names of people, no comments, no claims' details (evidence, validators' notes). See
    # quest.ideas.record.sees_full_record.
    VIEW_LIBRARY = "view_library"
    # Submit ideas and waste, comment on, support and follow ideas, enter backlog counts.
    CONTRIBUTE = "contribute"
    # Set up a division's metrics, and enter or correct any of their readings.
    MANAGE_METRICS = "manage_metrics"
    # Move ideas along the workflow, assign owners.
    DECIDE_IDEAS = "decide_ideas"
    # Record forecast and claimed savings.
    CLAIM_SAVINGS = "claim_savings"
    # Validate or reject claimed savings (never one's own).
    VALIDATE_SAVINGS = "validate_savings"
    # A force's SLA, productive hours and rate card.
    MANAGE_FORCE_SETTINGS = "manage_force_settings"
    # Read a force's rate card and productive hours (those who claim, validate or compare savings).
    VIEW_RATE_CARD = "view_rate_card"
    # A force's divisions side by side (its dashboard): those who see the whole force.
    COMPARE_DIVISIONS = "compare_divisions"
    # Every force side by side (the national dashboard and its funnel plots).
    COMPARE_FORCES = "compare_forces"
    # Publish a force's results page for the public, or withdraw it.
    PUBLISH_RESULTS = "publish_results"
    # Import files of readings or of ideas (quest.imports); users are imported under MANAGE_USERS. The
    # administrator's reach is the command line's (``quest import``), which runs as one.
    IMPORT_READINGS = "import_readings"
    IMPORT_IDEAS = "import_ideas"


_EVERY_ROLE = dict.fromkeys(Role, Reach.EVERYWHERE)
_HEADQUARTERS = {Role.FORCE_HQ: Reach.OWN_FORCE, Role.ADMIN: Reach.EVERYWHERE}

POLICY: dict[Permission, dict[Role, Reach]] = {
    Permission.VIEW_ORGANISATION: _EVERY_ROLE,
    Permission.MANAGE_ORGANISATION: _HEADQUARTERS,
    Permission.VIEW_USERS: _HEADQUARTERS,
    Permission.MANAGE_USERS: _HEADQUARTERS,
    Permission.VIEW_AUDIT: _HEADQUARTERS,
    Permission.VIEW_WORK: {
        Role.STAFF: Reach.OWN_DIVISION,
        Role.MANAGER: Reach.OWN_DIVISION,
        Role.VALIDATOR: Reach.OWN_FORCE,
        Role.FORCE_HQ: Reach.OWN_FORCE,
        Role.NATIONAL: Reach.EVERYWHERE,
        Role.ADMIN: Reach.EVERYWHERE,
    },
    Permission.VIEW_LIBRARY: _EVERY_ROLE,
    Permission.CONTRIBUTE: {Role.STAFF: Reach.OWN_DIVISION, Role.MANAGER: Reach.OWN_DIVISION},
    Permission.MANAGE_METRICS: {Role.MANAGER: Reach.OWN_DIVISION},
    Permission.DECIDE_IDEAS: {Role.MANAGER: Reach.OWN_DIVISION},
    Permission.CLAIM_SAVINGS: {Role.MANAGER: Reach.OWN_DIVISION},
    Permission.VALIDATE_SAVINGS: {Role.VALIDATOR: Reach.OWN_FORCE},
    Permission.MANAGE_FORCE_SETTINGS: _HEADQUARTERS,
    Permission.VIEW_RATE_CARD: {
        Role.MANAGER: Reach.OWN_FORCE,
        Role.VALIDATOR: Reach.OWN_FORCE,
        Role.FORCE_HQ: Reach.OWN_FORCE,
        Role.NATIONAL: Reach.EVERYWHERE,
        Role.ADMIN: Reach.EVERYWHERE,
    },
    Permission.COMPARE_DIVISIONS: {
        Role.VALIDATOR: Reach.OWN_FORCE,
        Role.FORCE_HQ: Reach.OWN_FORCE,
        Role.NATIONAL: Reach.EVERYWHERE,
        Role.ADMIN: Reach.EVERYWHERE,
    },
    Permission.COMPARE_FORCES: {Role.NATIONAL: Reach.EVERYWHERE, Role.ADMIN: Reach.EVERYWHERE},
    Permission.PUBLISH_RESULTS: _HEADQUARTERS,
    Permission.IMPORT_READINGS: {Role.MANAGER: Reach.OWN_DIVISION, Role.ADMIN: Reach.EVERYWHERE},
    Permission.IMPORT_IDEAS: {
        Role.MANAGER: Reach.OWN_DIVISION,
        Role.FORCE_HQ: Reach.OWN_FORCE,
        Role.ADMIN: Reach.EVERYWHERE,
    },
}

# Roles a user may give others: a force's headquarters manages its own force's people, never the
# national or administrator roles.
GRANTABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.FORCE_HQ: frozenset({Role.STAFF, Role.MANAGER, Role.VALIDATOR, Role.FORCE_HQ}),
    Role.ADMIN: frozenset(Role),
}


def reach(user: CurrentUser, permission: Permission) -> Reach:
    return POLICY[permission].get(user.role, Reach.NONE)


def may(user: CurrentUser | None, permission: Permission) -> bool:
    """Whether the user has the permission anywhere at all (for navigation and page-level checks)."""
    return user is not None and reach(user, permission) > Reach.NONE


def require(user: CurrentUser, permission: Permission) -> Reach:
    """The user's reach for ``permission``; :class:`Forbidden` if they have none."""
    found = reach(user, permission)
    if found is Reach.NONE:
        raise Forbidden(permission=permission.value)
    return found


def covers(
    user: CurrentUser, permission: Permission, *, force_id: uuid.UUID | None, division_id: uuid.UUID | None = None
) -> bool:
    """Whether a record in ``force_id`` (and ``division_id``) is within the user's reach."""
    match reach(user, permission):
        case Reach.EVERYWHERE:
            return True
        case Reach.OWN_FORCE:
            return force_id is not None and force_id == user.force_id
        case Reach.OWN_DIVISION:
            return division_id is not None and division_id == user.division_id
        case _:
            return False


def require_record(
    user: CurrentUser,
    permission: Permission,
    *,
    entity: str,
    entity_id: object,
    force_id: uuid.UUID | None,
    division_id: uuid.UUID | None = None,
) -> None:
    """:class:`~quest.errors.OutOfReach` (a :class:`NotFound`) unless the record, ``entity`` (its table)
    ``entity_id``, is within reach: its existence is not revealed, and the refusal is audited."""
    if not covers(user, permission, force_id=force_id, division_id=division_id):
        raise OutOfReach(entity, entity_id, permission.value)


def scope(
    user: CurrentUser,
    permission: Permission,
    *,
    force_column: InstrumentedAttribute[uuid.UUID] | InstrumentedAttribute[uuid.UUID | None],
    division_column: InstrumentedAttribute[uuid.UUID] | InstrumentedAttribute[uuid.UUID | None] | None = None,
) -> ColumnElement[bool]:
    """A WHERE clause limiting a query to the records within the user's reach."""
    match reach(user, permission):
        case Reach.EVERYWHERE:
            return true()
        case Reach.OWN_FORCE if user.force_id is not None:
            return force_column == user.force_id
        case Reach.OWN_DIVISION if division_column is not None and user.division_id is not None:
            return division_column == user.division_id
        case _:
            return false()


def may_grant(user: CurrentUser, role: Role) -> bool:
    return role in GRANTABLE_ROLES.get(user.role, frozenset())
