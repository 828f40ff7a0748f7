"""The records the audit trail mentions, named in words and linked to their pages.

The log keeps a table name and an id (it must outlive what it mentions). For a page of entries this
module looks up the records that still exist, one query per kind of record, and names each the way
people know it: "Savings claim on LAN-000013", "Division Northern (Lancashire Constabulary)". A link is
given only where the record has a page and the viewer may open it. A record that no longer exists is
named from the entry's own values.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from quest import fields
from quest.accounts import access
from quest.accounts.access import Permission
from quest.accounts.identity import CurrentUser
from quest.accounts.models import ApiToken, User
from quest.ideas.models import Idea
from quest.ideas.status import IdeaStatus
from quest.metrics.models import IdeaMetric, Metric
from quest.org.models import Division, Force, ForceProfile, ForceSettings, SimilarForce
from quest.savings.models import RateCardEntry, SavingsClaim
from quest.savings.rules import Grade
from quest.waste.models import WasteObservation
from quest.waste.types import WasteType

# Each kind of record, in words: (one, many).
KINDS: dict[str, tuple[str, str]] = {
    "ideas": ("Idea", "Ideas"),
    "savings_claims": ("Savings claim", "Savings claims"),
    "metrics": ("Measure", "Measures"),
    "readings": ("Reading", "Readings"),
    "idea_metrics": ("Measure linked to an idea", "Measures linked to ideas"),
    "waste_observations": ("Waste", "Waste"),
    "users": ("User", "Users"),
    "api_tokens": ("API token", "API tokens"),
    "forces": ("Force", "Forces"),
    "force_profiles": ("Force profile", "Force profiles"),
    "similar_forces": ("Similar force", "Similar forces"),
    "divisions": ("Division", "Divisions"),
    "force_settings": ("Force settings", "Force settings"),
    "rate_card_entries": ("Rate card entry", "Rate card entries"),
}


def kind_in_words(entity: str, *, plural: bool = False) -> str:
    one, many = KINDS.get(entity, (entity.replace("_", " ").capitalize(),) * 2)
    return many if plural else one


@dataclass(frozen=True, slots=True)
class RecordName:
    text: str
    href: str | None = None


Key = tuple[str, str]  # (entity, entity_id)
Names = dict[str, RecordName]
Resolver = Callable[[AsyncSession, CurrentUser, list[str]], Awaitable[Names]]


def _uuids(ids: Iterable[str]) -> list[uuid.UUID]:
    return [found for found in map(fields.read_uuid, ids) if found is not None]


def _sees_work(viewer: CurrentUser, force_id: uuid.UUID, division_id: uuid.UUID | None) -> bool:
    return access.covers(viewer, Permission.VIEW_WORK, force_id=force_id, division_id=division_id)


def _manages_force(viewer: CurrentUser, force_id: uuid.UUID) -> bool:
    return access.covers(viewer, Permission.MANAGE_FORCE_SETTINGS, force_id=force_id)


def _quoted(text: str) -> str:
    return f"‘{text}’"


@dataclass(frozen=True, slots=True)
class _Lookup:
    """Records of one kind found by their ids in one statement (whose first column is the record's id), each
    named by ``name`` from its row, as the viewer may follow it."""

    statement: Select[*tuple[Any, ...]]
    name: Callable[[CurrentUser, Any], RecordName]

    async def __call__(self, session: AsyncSession, viewer: CurrentUser, ids: list[str]) -> Names:
        record_id = self.statement.selected_columns[0]
        rows = await session.execute(self.statement.where(record_id.in_(_uuids(ids))))
        return {str(row.id): self.name(viewer, row) for row in rows}


def _idea(viewer: CurrentUser, row: Any) -> RecordName:
    seen = row.status is IdeaStatus.IMPLEMENTED or _sees_work(viewer, row.force_id, row.division_id)
    return RecordName(f"Idea {row.reference}: {row.title}", f"/ideas/{row.reference}" if seen else None)


def _savings_claim(viewer: CurrentUser, row: Any) -> RecordName:
    return RecordName(
        f"Savings claim on {row.reference} ({row.mechanism})",
        f"/ideas/{row.reference}#savings" if _sees_work(viewer, row.force_id, row.division_id) else None,
    )


async def _metric_names(session: AsyncSession, metric_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Any]:
    rows = await session.execute(
        select(Metric.id, Metric.name, Metric.force_id, Metric.division_id, Division.name.label("division"))
        .join(Division, Division.id == Metric.division_id)
        .where(Metric.id.in_(list(metric_ids)))
    )
    return {row.id: row for row in rows}


async def _metrics(session: AsyncSession, viewer: CurrentUser, ids: list[str]) -> Names:
    found = await _metric_names(session, _uuids(ids))
    return {
        str(metric_id): RecordName(
            f"Measure {_quoted(row.name)} ({row.division})",
            f"/metrics/{metric_id}" if _sees_work(viewer, row.force_id, row.division_id) else None,
        )
        for metric_id, row in found.items()
    }


async def _readings(session: AsyncSession, viewer: CurrentUser, ids: list[str]) -> Names:
    # A single reading is "metric id,period date"; an import's save names the measure alone.
    parts = {raw: raw.split(",", 1) for raw in ids}
    found = await _metric_names(session, _uuids(split[0] for split in parts.values()))
    names: Names = {}
    for raw, split in parts.items():
        metric_ids = _uuids(split[:1])
        row = found.get(metric_ids[0]) if metric_ids else None
        if row is None:
            continue
        href = f"/metrics/{row.id}" if _sees_work(viewer, row.force_id, row.division_id) else None
        if len(split) == 2:
            day = fields.read_date(split[1])
            if day is None:
                continue
            names[raw] = RecordName(f"Reading of {_quoted(row.name)} for {day.day} {day:%B %Y} ({row.division})", href)
        else:
            names[raw] = RecordName(f"Readings of {_quoted(row.name)} ({row.division})", href)
    return names


def _idea_metric(viewer: CurrentUser, row: Any) -> RecordName:
    return RecordName(
        f"Measure {_quoted(row.name)} linked to {row.reference}",
        f"/ideas/{row.reference}" if _sees_work(viewer, row.force_id, row.division_id) else None,
    )


def _waste_observation(viewer: CurrentUser, row: Any) -> RecordName:
    return RecordName(
        f"Waste: {WasteType(row.waste_type).label.lower()} in {_quoted(row.process)}, seen {row.observed_on.day} "
        f"{row.observed_on:%B %Y}",
        f"/waste#waste-{row.id}" if _sees_work(viewer, row.force_id, row.division_id) else None,
    )


def _user_href(viewer: CurrentUser, user_id: uuid.UUID, force_id: uuid.UUID | None) -> str | None:
    return f"/users/{user_id}" if access.covers(viewer, Permission.VIEW_USERS, force_id=force_id) else None


def _user(viewer: CurrentUser, row: Any) -> RecordName:
    return RecordName(f"User {row.display_name} ({row.role.label.lower()})", _user_href(viewer, row.id, row.force_id))


def _api_token(viewer: CurrentUser, row: Any) -> RecordName:
    return RecordName(
        f"API token {_quoted(row.label)} of {row.display_name}", _user_href(viewer, row.user_id, row.force_id)
    )


def _force_settings(viewer: CurrentUser, row: Any) -> RecordName:
    return RecordName(
        f"Settings of {row.name} (response SLA, productive hours)",
        f"/forces/{row.code}/settings" if _manages_force(viewer, row.force_id) else None,
    )


def _rate_card_entry(viewer: CurrentUser, row: Any) -> RecordName:
    return RecordName(
        f"Rate card of {row.name}: {Grade(row.grade).label} from {row.effective_from.day} {row.effective_from:%B %Y}",
        f"/forces/{row.code}/settings" if _manages_force(viewer, row.force_id) else None,
    )


_similar = aliased(Force)

RESOLVERS: dict[str, Resolver] = {
    "ideas": _Lookup(select(Idea.id, Idea.reference, Idea.title, Idea.status, Idea.force_id, Idea.division_id), _idea),
    "savings_claims": _Lookup(
        select(SavingsClaim.id, SavingsClaim.mechanism, Idea.reference, Idea.force_id, Idea.division_id).join(
            Idea, Idea.id == SavingsClaim.idea_id
        ),
        _savings_claim,
    ),
    "metrics": _metrics,
    "readings": _readings,
    "idea_metrics": _Lookup(
        select(IdeaMetric.id, Idea.reference, Idea.force_id, Idea.division_id, Metric.name)
        .join(Idea, Idea.id == IdeaMetric.idea_id)
        .join(Metric, Metric.id == IdeaMetric.metric_id),
        _idea_metric,
    ),
    "waste_observations": _Lookup(
        select(
            WasteObservation.id,
            WasteObservation.waste_type,
            WasteObservation.process,
            WasteObservation.observed_on,
            WasteObservation.force_id,
            WasteObservation.division_id,
        ),
        _waste_observation,
    ),
    "users": _Lookup(select(User.id, User.display_name, User.role, User.force_id), _user),
    "api_tokens": _Lookup(
        select(ApiToken.id, ApiToken.label, User.id.label("user_id"), User.display_name, User.force_id).join(
            User, User.id == ApiToken.user_id
        ),
        _api_token,
    ),
    "forces": _Lookup(
        select(Force.id, Force.code, Force.name),
        lambda viewer, row: RecordName(f"Force {row.name}", f"/forces/{row.code}"),
    ),
    "force_profiles": _Lookup(
        select(ForceProfile.id, ForceProfile.year, Force.code, Force.name).join(
            Force, Force.id == ForceProfile.force_id
        ),
        lambda viewer, row: RecordName(
            f"Profile of {row.name} for {row.year} to {row.year + 1}", f"/forces/{row.code}"
        ),
    ),
    "similar_forces": _Lookup(
        select(SimilarForce.id, Force.code, Force.name, _similar.name.label("similar_name"))
        .join(Force, Force.id == SimilarForce.force_id)
        .join(_similar, _similar.id == SimilarForce.similar_force_id),
        lambda viewer, row: RecordName(f"{row.similar_name} as a force similar to {row.name}", f"/forces/{row.code}"),
    ),
    "divisions": _Lookup(
        select(Division.id, Division.name, Force.code, Force.name.label("force_name")).join(
            Force, Force.id == Division.force_id
        ),
        lambda viewer, row: RecordName(f"Division {row.name} ({row.force_name})", f"/forces/{row.code}"),
    ),
    "force_settings": _Lookup(
        select(ForceSettings.id, Force.id.label("force_id"), Force.code, Force.name).join(
            Force, Force.id == ForceSettings.force_id
        ),
        _force_settings,
    ),
    "rate_card_entries": _Lookup(
        select(
            RateCardEntry.id,
            RateCardEntry.grade,
            RateCardEntry.effective_from,
            Force.id.label("force_id"),
            Force.code,
            Force.name,
        ).join(Force, Force.id == RateCardEntry.force_id),
        _rate_card_entry,
    ),
}

# Values an entry may carry that name its record, for records that no longer exist.
_NAMING_FIELDS = ("reference", "name", "display_name", "label", "mechanism", "code", "email")


def from_values(entity: str, values: dict[str, Any] | None) -> RecordName:
    """A name for a record that no longer exists, from what the entry says it was."""
    kind = kind_in_words(entity)
    for field in _NAMING_FIELDS:
        value = (values or {}).get(field)
        if isinstance(value, str) and value:
            return RecordName(f"{kind} {value}")
    return RecordName(kind)


async def record_names(session: AsyncSession, viewer: CurrentUser, keys: Iterable[Key]) -> dict[Key, RecordName]:
    """Names (and links) for the records behind ``keys``: one query per kind of record."""
    by_entity: dict[str, set[str]] = {}
    for entity, entity_id in keys:
        by_entity.setdefault(entity, set()).add(entity_id)
    names: dict[Key, RecordName] = {}
    for entity, ids in by_entity.items():
        resolver = RESOLVERS.get(entity)
        if resolver is None:
            continue
        for entity_id, name in (await resolver(session, viewer, sorted(ids))).items():
            names[(entity, entity_id)] = name
    return names
