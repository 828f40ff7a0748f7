"""The forces and divisions a file names by code, resolved within the importer's reach: a force's codes
resolve within that force (``--force``, or the importer's own), and a division out of reach reads as one
that does not exist, as a page would answer 404."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.imports.report import Problem
from quest.imports.sheets import SheetRow
from quest.imports.table import Header
from quest.org.models import Division, Force

NAME_A_FORCE = "Enter the force's code, or import with a force chosen (--force)"


class UnknownForce(ValueError):
    """The force a whole import was asked to use does not exist, or is out of the importer's reach."""


@dataclass(frozen=True, slots=True)
class Place:
    force_id: uuid.UUID
    force_code: str
    division_id: uuid.UUID | None
    division_code: str


@dataclass(slots=True)
class Places:
    """Every force and division in the importer's reach for ``permission``, by code."""

    viewer: CurrentUser
    permission: Permission
    forces: dict[str, uuid.UUID]
    divisions: dict[tuple[uuid.UUID, str], uuid.UUID]
    fixed_force: str | None

    def force_of(self, header: Header, row: SheetRow, problems: list[Problem]) -> tuple[uuid.UUID, str] | None:
        """The row's force: the one the import is for, or its ``force`` column's."""
        written = header.text(row, "force").upper()
        code = self.fixed_force or written
        if self.fixed_force and written and written != self.fixed_force:
            problems.append(Problem(row.number, "force", f"This import is for {self.fixed_force}, not {written}"))
            return None
        if not code:
            problems.append(Problem(row.number, "force", NAME_A_FORCE))
            return None
        force_id = self.forces.get(code)
        if force_id is None:
            problems.append(Problem(row.number, "force", f"There is no force with the code {code}"))
            return None
        return force_id, code

    def place_of(
        self, header: Header, row: SheetRow, problems: list[Problem], *, division_required: bool = True
    ) -> Place | None:
        """The row's force and division, or None with the problems added."""
        force = self.force_of(header, row, problems)
        code = header.text(row, "division").upper()
        if not code:
            if division_required:
                problems.append(Problem(row.number, "division", "Enter the division's code"))
                return None
            return None if force is None else Place(force[0], force[1], None, "")
        if force is None:
            return None
        division_id = self.divisions.get((force[0], code))
        if division_id is None or not access.covers(
            self.viewer, self.permission, force_id=force[0], division_id=division_id
        ):
            problems.append(Problem(row.number, "division", f"{force[1]} has no division with the code {code}"))
            return None
        return Place(force[0], force[1], division_id, code)


async def places_in_reach(
    session: AsyncSession, viewer: CurrentUser, permission: Permission, force_code: str | None
) -> Places:
    """The forces and divisions ``viewer`` may import into. ``force_code``: the one force the import is
    for (the viewer's own force when they have one and none is given); :class:`UnknownForce` if it is
    not one of theirs."""
    everywhere = access.require(viewer, permission) is access.Reach.EVERYWHERE
    rows = (
        await session.execute(select(Force.id, Force.code).where(true() if everywhere else Force.id == viewer.force_id))
    ).all()
    forces = {code.upper(): force_id for force_id, code in rows}
    fixed = force_code.strip().upper() if force_code else None
    if fixed is None and viewer.force_id is not None:
        fixed = next((code for code, force_id in forces.items() if force_id == viewer.force_id), None)
    if fixed is not None and fixed not in forces:
        raise UnknownForce(f"There is no force with the code {fixed}")
    wanted = [forces[fixed]] if fixed else list(forces.values())
    divisions = {
        (force_id, code.upper()): division_id
        for division_id, force_id, code in (
            await session.execute(
                select(Division.id, Division.force_id, Division.code).where(Division.force_id.in_(wanted))
            )
        ).all()
    }
    return Places(viewer, permission, {fixed: forces[fixed]} if fixed else forces, divisions, fixed)
