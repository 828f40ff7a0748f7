"""Rules and queries for the organisation: forces, their profiles, similar forces and divisions.

Queries return plain dataclasses, never ORM objects, so templates and the JSON API get data that
cannot reach back into the database.
"""

from __future__ import annotations

import decimal
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ScalarSelect, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.audit.recorder import act_as
from quest.errors import NotFound, ValidationFailed
from quest.org.models import Division, Force, ForceProfile, SimilarForce
from quest.org.similarity import ForceShape, similar_forces


@dataclass(frozen=True, slots=True)
class ForceSummary:
    id: uuid.UUID
    code: str
    name: str
    region: str
    country: str
    area_km2: decimal.Decimal
    profile_year: int | None
    officers_fte: decimal.Decimal | None
    staff_fte: decimal.Decimal | None
    pcso_fte: decimal.Decimal | None
    population: int | None
    staff_figures_estimated: bool | None
    division_count: int

    @property
    def officers_per_1000(self) -> decimal.Decimal | None:
        if self.officers_fte is None or not self.population:
            return None
        return self.officers_fte * 1000 / self.population

    @property
    def population_density(self) -> decimal.Decimal | None:
        if self.population is None:
            return None
        return decimal.Decimal(self.population) / self.area_km2


@dataclass(frozen=True, slots=True)
class DivisionSummary:
    id: uuid.UUID
    code: str
    name: str
    officers_fte: decimal.Decimal
    staff_fte: decimal.Decimal


@dataclass(frozen=True, slots=True)
class ForceLink:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class ForceDetail:
    force: ForceSummary
    divisions: tuple[DivisionSummary, ...]
    similar_forces: tuple[ForceLink, ...]
    similar_forces_source: str | None

    @property
    def divisional_officers_fte(self) -> decimal.Decimal:
        return sum((division.officers_fte for division in self.divisions), decimal.Decimal(0))

    @property
    def divisional_staff_fte(self) -> decimal.Decimal:
        return sum((division.staff_fte for division in self.divisions), decimal.Decimal(0))


def _latest_profile_year() -> ScalarSelect[int]:
    return (
        select(func.max(ForceProfile.year)).where(ForceProfile.force_id == Force.id).correlate(Force).scalar_subquery()
    )


def _force_summaries() -> Select[*tuple[Any, ...]]:
    division_count = (
        select(func.count(Division.id)).where(Division.force_id == Force.id).correlate(Force).scalar_subquery()
    )
    return (
        select(
            Force.id,
            Force.code,
            Force.name,
            Force.region,
            Force.country,
            Force.area_km2,
            ForceProfile.year.label("profile_year"),
            ForceProfile.officers_fte,
            ForceProfile.staff_fte,
            ForceProfile.pcso_fte,
            ForceProfile.population,
            ForceProfile.staff_figures_estimated,
            division_count.label("division_count"),
        )
        .outerjoin(
            ForceProfile,
            (ForceProfile.force_id == Force.id) & (ForceProfile.year == _latest_profile_year()),
        )
        .order_by(Force.name)
    )


async def list_forces(session: AsyncSession, search: str | None = None) -> list[ForceSummary]:
    """Every force, by name, with its latest profile; ``search`` matches code, name or region."""
    statement = _force_summaries()
    if search and search.strip():
        term = search.strip()
        statement = statement.where(
            or_(
                Force.code.icontains(term, autoescape=True),
                Force.name.icontains(term, autoescape=True),
                Force.region.icontains(term, autoescape=True),
            )
        )
    rows = await session.execute(statement)
    return [ForceSummary(**row._asdict()) for row in rows]


async def get_force(session: AsyncSession, code: str) -> ForceDetail | None:
    """A force with its divisions and similar forces, or ``None`` if there is no force with that code."""
    row = (await session.execute(_force_summaries().where(Force.code == code.upper()))).first()
    if row is None:
        return None
    force = ForceSummary(**row._asdict())
    similar = (
        await session.execute(
            select(Force.code, Force.name, SimilarForce.source)
            .join(SimilarForce, SimilarForce.similar_force_id == Force.id)
            .where(SimilarForce.force_id == force.id)
            .order_by(SimilarForce.rank)
        )
    ).all()
    return ForceDetail(
        force=force,
        divisions=tuple(await list_divisions(session, force.id)),
        similar_forces=tuple(ForceLink(code, name) for code, name, _source in similar),
        similar_forces_source=similar[0].source if similar else None,
    )


async def find_force_id(session: AsyncSession, code: str) -> uuid.UUID | None:
    return (await session.execute(select(Force.id).where(Force.code == code.upper()))).scalar_one_or_none()


async def list_divisions(session: AsyncSession, force_id: uuid.UUID) -> list[DivisionSummary]:
    rows = await session.execute(
        select(Division.id, Division.code, Division.name, Division.officers_fte, Division.staff_fte)
        .where(Division.force_id == force_id)
        .order_by(Division.name)
    )
    return [DivisionSummary(**row._asdict()) for row in rows]


async def refresh_similar_forces(session: AsyncSession) -> None:
    """Derive every force's similar forces again from the latest profiles, keeping HQ overrides.

    A force's list is only rewritten when it changes, so running this twice writes nothing the second
    time (and the audit log stays quiet).
    """
    forces = [force for force in await list_forces(session) if force.population and force.officers_fte is not None]
    shapes = [
        ForceShape(force.code, force.population or 0, float(force.area_km2), float(force.officers_fte or 0))
        for force in forces
    ]
    derived = similar_forces(shapes)
    ids = {force.code: force.id for force in forces}
    existing = (await session.execute(select(SimilarForce))).scalars().all()
    current: dict[uuid.UUID, list[SimilarForce]] = {}
    for entry in sorted(existing, key=lambda entry: entry.rank):
        current.setdefault(entry.force_id, []).append(entry)

    for code, neighbours in derived.items():
        force_id = ids[code]
        entries = current.get(force_id, [])
        if any(entry.source == "override" for entry in entries):
            continue
        wanted = [ids[neighbour] for neighbour in neighbours]
        if [entry.similar_force_id for entry in entries] == wanted:
            continue
        await _replace_similar_forces(session, force_id, wanted)


async def _replace_similar_forces(session: AsyncSession, force_id: uuid.UUID, similar_ids: Sequence[uuid.UUID]) -> None:
    for entry in (await session.execute(select(SimilarForce).where(SimilarForce.force_id == force_id))).scalars():
        await session.delete(entry)
    await session.flush()
    session.add_all(
        SimilarForce(force_id=force_id, similar_force_id=similar_id, rank=rank, source="derived")
        for rank, similar_id in enumerate(similar_ids, start=1)
    )
    await session.flush()


# --- Managing divisions (a force's headquarters, or an administrator) --------------------------------

MAX_FTE = decimal.Decimal("100000")
MAX_DIVISION_NAME = 120
DIVISION_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")


@dataclass(frozen=True, slots=True)
class DivisionInput:
    name: str = ""
    officers_fte: str = ""
    staff_fte: str = ""
    code: str = ""


def _check_division(data: DivisionInput, *, new: bool) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    values["name"] = fields.text(
        data.name, "name", "name", limit=MAX_DIVISION_NAME, missing="Enter the division's name", errors=errors
    )
    for field_name, what in (("officers_fte", "number of officers"), ("staff_fte", "number of staff")):
        values[field_name] = fields.decimal_number(
            getattr(data, field_name),
            field_name,
            f"the {what}",
            example="264.5",
            missing=f"Enter the {what} (FTE)",
            least=decimal.Decimal(0),
            most=MAX_FTE,
            places=2,
            errors=errors,
        )
    if new:
        code = data.code.strip().upper()
        if not code:
            errors["code"] = "Enter a short code for the division, like NORTH"
        elif not DIVISION_CODE_PATTERN.match(code):
            errors["code"] = "Code must be up to 16 letters, digits or hyphens, starting with a letter or digit"
        values["code"] = code
    return values, errors


async def _managed_force(session: AsyncSession, viewer: CurrentUser, force_code: str) -> uuid.UUID:
    force_id = await find_force_id(session, force_code)
    if force_id is None:
        raise NotFound("force")
    access.require_record(
        viewer, Permission.MANAGE_ORGANISATION, entity="forces", entity_id=force_id, force_id=force_id
    )
    return force_id


async def get_division(session: AsyncSession, force_code: str, division_code: str) -> DivisionSummary:
    """A force's division, by their codes (a directory anyone may read); NotFound if there is none."""
    force_id = await find_force_id(session, force_code)
    for division in await list_divisions(session, force_id) if force_id else []:
        if division.code == division_code.upper():
            return division
    raise NotFound("division")


async def get_division_for_change(
    session: AsyncSession, viewer: CurrentUser, force_code: str, division_code: str
) -> DivisionSummary:
    await _managed_force(session, viewer, force_code)
    return await get_division(session, force_code, division_code)


async def update_division(
    session: AsyncSession, viewer: CurrentUser, force_code: str, division_code: str, data: DivisionInput
) -> None:
    """Change a division's name and size. Commits."""
    force_id = await _managed_force(session, viewer, force_code)
    division = (
        await session.execute(
            select(Division).where(Division.force_id == force_id, Division.code == division_code.upper())
        )
    ).scalar_one_or_none()
    if division is None:
        raise NotFound("division")
    values, errors = _check_division(data, new=False)
    if errors:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    division.name = values["name"]
    division.officers_fte = values["officers_fte"]
    division.staff_fte = values["staff_fte"]
    await session.commit()


async def create_division(session: AsyncSession, viewer: CurrentUser, force_code: str, data: DivisionInput) -> str:
    """Add a division to a force; returns its code. Commits."""
    force_id = await _managed_force(session, viewer, force_code)
    values, errors = _check_division(data, new=True)
    if (
        "code" not in errors
        and (
            await session.execute(
                select(Division.id).where(Division.force_id == force_id, Division.code == values["code"])
            )
        ).first()
    ):
        errors["code"] = "This force already has a division with that code"
    if errors:
        raise ValidationFailed(errors)
    act_as(session, viewer.actor)
    session.add(Division(force_id=force_id, **values))
    await session.commit()
    return str(values["code"])


async def contributing_division(
    session: AsyncSession, viewer: CurrentUser, division_id: str, errors: dict[str, str]
) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The (force, division) the viewer is adding an idea, waste or reading to: the one named, or their
    own. A division out of the viewer's reach is an error on the ``division_id`` field."""
    chosen = fields.read_uuid(division_id) if division_id.strip() else viewer.division_id
    row = (await session.execute(select(Division.force_id).where(Division.id == chosen))).first() if chosen else None
    if (
        chosen is None
        or row is None
        or not access.covers(viewer, Permission.CONTRIBUTE, force_id=row.force_id, division_id=chosen)
    ):
        errors["division_id"] = "Choose your own division: you can only add to the division you work in"
        return None
    return row.force_id, chosen
