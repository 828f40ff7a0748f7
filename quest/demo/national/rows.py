"""The national dataset's rows, made in plain Python from a seeded random source: pure, no I/O.

Rows come out as tuples already in the form the database driver takes (a :class:`Codec`, made from the
columns' own types, converts each id and time once, where it is made), in the column order of
:data:`COLUMNS`. Each division's history draws from its own random source, keyed by the seed and the force
and division codes, so the same seed gives the same rows on either engine.

What an idea's moves write is the workflow's to say: every move is :func:`quest.ideas.workflow.record_of`
of a move the workflow allows (the plan's paths are checked against it), so the timeline, the response
times and the audit trail are what a person's moves would have written.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from quest.accounts.roles import Role
from quest.demo import stories
from quest.demo.history import LEARNED
from quest.demo.national import plan as sizes
from quest.ideas.record import WORDING
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import CheckedMove, record_of
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.savings.forecasts import recorded_as_of
from quest.savings.rules import DEFAULT_RATES, ClaimKind, ClaimStatus, Grade, value_of_hours
from quest.text import matching_key
from quest.waste.types import WasteType

Value = Any
Row = tuple[Value, ...]

COLUMNS: dict[str, tuple[str, ...]] = {
    "users": (
        "id", "email", "display_name", "role", "force_id", "division_id", "is_active", "password_hash",
        "must_change_password", "created_at", "updated_at",
    ),
    "metrics": (
        "id", "force_id", "division_id", "name", "name_key", "unit", "kind", "direction", "frequency", "target",
        "is_active", "created_at", "updated_at",
    ),
    "readings": ("metric_id", "period_date", "value", "entered_by", "entered_at", "force_id"),
    "ideas": (
        "id", "reference", "force_id", "division_id", "submitter_id", "owner_id", "title", "problem", "proposal",
        "expected_benefit", "process", "status", "status_changed_at", "supporter_count", "first_response_at",
        "decided_at", "implemented_on", "learned", "duplicate_of_id", "adopted_from_id", "version", "created_at",
        "updated_at",
    ),
    "idea_waste_types": ("idea_id", "waste_type"),
    "idea_supports": ("idea_id", "user_id", "created_at"),
    "idea_events": ("id", "idea_id", "occurred_at", "actor_id", "kind", "from_status", "to_status", "body", "details"),
    "savings_claims": (
        "id", "force_id", "division_id", "idea_id", "kind", "status", "recorded_as", "mechanism", "mechanism_key",
        "cost_line", "hours_per_year", "grade", "hourly_rate", "redeployed_to", "amount_per_year", "period_start",
        "period_end", "evidence", "metric_id", "claimed_by", "decided_by", "decided_at", "decision_note",
        "supersedes_id", "version", "created_at", "updated_at",
    ),
    "waste_observations": (
        "id", "force_id", "division_id", "reporter_id", "process", "waste_type", "description",
        "minutes_per_occurrence", "occurrences_per_week", "observed_on", "idea_id", "created_at", "updated_at",
    ),
    "audit_log": (
        "id", "occurred_at", "actor_id", "actor_label", "force_id", "entity", "entity_id", "action", "before",
        "after", "request_id",
    ),
    "force_counters": ("force_id", "name", "value"),
}  # fmt: skip
# Parents before children, so that every row's references exist when it is written.
TABLE_ORDER = tuple(COLUMNS)

_DAY = datetime.timedelta(days=1)
_SECONDS_A_DAY = 86_400
_UUID7_VERSION = 0x7 << 76
_UUID_VARIANT = 0b10 << 62
_LOW_62 = (1 << 62) - 1
_OWNED = frozenset({IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED})
_VALIDATOR_NOTES = {
    ClaimStatus.VALIDATED: "Checked against the duty records.",
    ClaimStatus.REJECTED: "The duty records do not show the hours released; resubmit with the rota.",
}
_CASHABLE_LINES = ("Overtime", "Vehicle hire", "Agency staff", "Printing and postage", "Taxis for witnesses")


@dataclass(frozen=True, slots=True)
class Codec:
    """How each kind of value reaches the driver: the columns' own bind processors for this engine."""

    id: Callable[[uuid.UUID], Value]
    moment: Callable[[datetime.datetime], Value]
    day: Callable[[datetime.date], Value]
    number: Callable[[decimal.Decimal], Value]
    flag: Callable[[bool], Value]


class Person(NamedTuple):
    id: Value  # as the driver takes it
    key: str  # the id as text, as the audit trail names it
    email: str


@dataclass(slots=True)
class Original:
    """An earlier idea of the division, which a later one may repeat (a duplicate names it)."""

    id: uuid.UUID
    reference: str
    title: str


@dataclass(frozen=True, slots=True)
class Place:
    """A division, as the rows need it."""

    force_code: str
    code: str
    force_id: uuid.UUID
    id: uuid.UUID
    officers_fte: decimal.Decimal


@dataclass
class Team:
    staff: list[Person] = field(default_factory=list)
    managers: list[Person] = field(default_factory=list)


@dataclass
class Rows:
    """Rows made and not yet written, a list a table."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        self.tables = defaultdict(list, self.tables)

    def add(self, table: str, row: Row) -> None:
        self.tables[table].append(row)

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())

    def drain(self) -> Iterator[tuple[str, list[Row]]]:
        """Each table's rows, parents first, emptying the batch."""
        for table in TABLE_ORDER:
            rows = self.tables.pop(table, None)
            if rows:
                yield table, rows


def division_random(seed: int, *key: object) -> random.Random:
    """The random source of one part of the dataset, keyed by natural names (never database ids)."""
    return random.Random(":".join(str(part) for part in (seed, "national", *key)))  # noqa: S311 - demo data


def new_id(rng: random.Random, at: datetime.datetime) -> uuid.UUID:
    """A UUIDv7, as the models make, for a row made at ``at``, its random part drawn from ``rng``."""
    bits = rng.getrandbits(74)
    millis = int(at.timestamp() * 1000)
    return uuid.UUID(int=(millis << 80) | _UUID7_VERSION | ((bits >> 62) << 64) | _UUID_VARIANT | (bits & _LOW_62))


# How the audit trail writes each kind of value (what quest.audit.recorder does), by exact type: the
# rows hold no subclasses, and a lookup is much quicker than isinstance against several classes.
_AS_TEXT: dict[type, Callable[[Any], Any]] = {
    uuid.UUID: str,
    decimal.Decimal: str,
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
}


def _text(value: Any) -> Any:
    """A value as the audit trail keeps it."""
    convert = _AS_TEXT.get(type(value))
    return value if convert is None else convert(value)


def _json(value: Any) -> str:
    """One value of an audit document, in JSON."""
    if value is None:
        return "null"
    kind = type(value)
    convert = _AS_TEXT.get(kind)
    if convert is not None:
        # An id, a number, a day or a moment as text: hex digits, digits and punctuation, which JSON
        # takes as they are. Only free text needs json.dumps to escape it.
        return f'"{convert(value)}"'
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    return _quoted(str(value))


@functools.lru_cache(maxsize=1024)
def _quoted(text: str) -> str:
    """Free text as a JSON string: the few texts of the stories and the workflow, again and again."""
    return json.dumps(text)


def _document(values: dict[str, Any]) -> str:
    """An audit document: written out member by member, quicker than json.dumps of a dict of texts."""
    return "{" + ", ".join(f'"{key}": {_json(value)}' for key, value in values.items()) + "}"


class Audit:
    """The audit rows the application's flush hook would have written for these changes."""

    def __init__(self, rows: Rows, codec: Codec, rng: random.Random) -> None:
        self.rows, self.codec, self.rng = rows, codec, rng

    def entry(
        self,
        at: datetime.datetime,
        actor: Person | None,
        force_id: Value,
        entity: str,
        entity_id: str,
        action: str,
        before: str | None,
        after: str | None,
        moment: Value = None,
    ) -> None:
        """An audit row; ``moment`` is ``at`` as the driver takes it, if the caller has it already."""
        self.rows.add(
            "audit_log",
            (
                self.codec.id(new_id(self.rng, at)),
                self.codec.moment(at) if moment is None else moment,
                actor.id if actor else None,
                actor.email if actor else "system",
                force_id,
                entity,
                entity_id,
                action,
                before,
                after,
                None,
            ),
        )

    def created(
        self, at: datetime.datetime, actor: Person | None, force_id: Value, entity: str, values: dict[str, Any]
    ) -> None:
        self.entry(at, actor, force_id, entity, str(values["id"]), "create", None, _document(values))


# --- People -----------------------------------------------------------------------------------------------


def _name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(stories.FIRST_NAMES), rng.choice(stories.SURNAMES)


def _person(
    rows: Rows,
    audit: Audit,
    codec: Codec,
    rng: random.Random,
    *,
    email: str,
    display_name: str,
    role: Role,
    force_id: uuid.UUID | None,
    division_id: uuid.UUID | None,
    password_hash: str | None,
    at: datetime.datetime,
) -> Person:
    user_id = new_id(rng, at)
    stamp = codec.moment(at)
    forced = codec.id(force_id) if force_id else None
    rows.add(
        "users",
        (
            codec.id(user_id),
            email,
            display_name,
            role.value,
            forced,
            codec.id(division_id) if division_id else None,
            codec.flag(True),
            password_hash,
            codec.flag(False),
            stamp,
            stamp,
        ),
    )
    values = {
        "id": user_id,
        "email": email,
        "display_name": display_name,
        "role": role.value,
        "force_id": force_id,
        "division_id": division_id,
        "is_active": True,
        "password_hash": "[redacted]" if password_hash else None,
        "must_change_password": False,
        "created_at": at.isoformat(),
        "updated_at": at.isoformat(),
    }
    audit.created(at, None, forced, "users", values)
    return Person(codec.id(user_id), str(user_id), email)


def _local_part(first: str, surname: str) -> str:
    return "".join(character for character in f"{first}.{surname}" if character.isalnum() or character == ".").lower()


def division_people(
    rows: Rows, codec: Codec, rng: random.Random, place: Place, count: int, password_hash: str, at: datetime.datetime
) -> Team:
    """A division's staff and managers (about one manager to 25 staff), ``count`` in all, at least one
    manager and two staff. They share one password hash: the demo's."""
    audit = Audit(rows, codec, rng)
    team = Team()
    count = max(3, count)
    managers = max(1, count // (sizes.STAFF_PER_MANAGER + 1))
    for number in range(count):
        first, surname = _name(rng)
        is_manager = number < managers
        rank = "Inspector" if is_manager else rng.choice(stories.RANKS)
        domain = f"{place.code}.{place.force_code}.national.example".lower()
        person = _person(
            rows,
            audit,
            codec,
            rng,
            email=f"{_local_part(first, surname)}.{number}@{domain}",
            display_name=f"{rank} {first} {surname}",
            role=Role.MANAGER if is_manager else Role.STAFF,
            force_id=place.force_id,
            division_id=place.id,
            password_hash=password_hash,
            at=at,
        )
        (team.managers if is_manager else team.staff).append(person)
    return team


def force_people(
    rows: Rows,
    codec: Codec,
    rng: random.Random,
    force_code: str,
    force_id: uuid.UUID | None,
    roles: Sequence[tuple[Role, int]],
    password_hash: str,
    at: datetime.datetime,
) -> dict[Role, list[Person]]:
    """People outside divisions: a force's validators and HQ (or, with no force, national and admins)."""
    audit = Audit(rows, codec, rng)
    people: dict[Role, list[Person]] = defaultdict(list)
    domain = f"{force_code}.national.example".lower()
    for role, count in roles:
        for number in range(count):
            first, surname = _name(rng)
            people[role].append(
                _person(
                    rows,
                    audit,
                    codec,
                    rng,
                    email=f"{_local_part(first, surname)}.{role.value}{number}@{domain}",
                    display_name=f"{first} {surname} ({role.label})",
                    role=role,
                    force_id=force_id,
                    division_id=None,
                    password_hash=password_hash,
                    at=at,
                )
            )
    return people


# --- Backlogs ---------------------------------------------------------------------------------------------


def backlogs(
    rows: Rows,
    codec: Codec,
    rng: random.Random,
    place: Place,
    first_day: datetime.date,
    days: int,
    at: datetime.datetime,
) -> None:
    """The division's three daily backlogs, each with a count for every day from ``first_day``: a busier
    Monday, quieter weekends and day-to-day noise around a level set by the division's officers."""
    audit = Audit(rows, codec, rng)
    force_id = codec.id(place.force_id)
    stamp = codec.moment(at)
    for name, unit, per_officer in sizes.BACKLOGS:
        metric_id = new_id(rng, at)
        values = {
            "id": metric_id,
            "force_id": place.force_id,
            "division_id": place.id,
            "name": name,
            "unit": unit,
            "kind": MetricKind.BACKLOG.value,
            "direction": Direction.DOWN.value,
            "frequency": Frequency.DAILY.value,
            "target": None,
            "is_active": True,
            "created_at": at.isoformat(),
            "updated_at": at.isoformat(),
        }
        row = {**values, "id": codec.id(metric_id), "force_id": force_id, "division_id": codec.id(place.id)}
        row.update(name_key=matching_key(name), is_active=codec.flag(True), created_at=stamp, updated_at=stamp)
        rows.add("metrics", tuple(row[column] for column in COLUMNS["metrics"]))
        audit.created(at, None, force_id, "metrics", values)
        metric = codec.id(metric_id)
        level = float(place.officers_fte) * per_officer
        spread = level * 0.08
        # Two million rows at national scale: the days come converted from the calendar, and the loop
        # does no more than draw the count.
        gauss, number, add = rng.gauss, codec.number, rows.tables["readings"].append
        for day, weekly, entered in _calendar(codec, first_day, days):
            value = max(0, round(gauss(level * weekly, spread)))
            add((metric, day, number(decimal.Decimal(value)), None, entered, force_id))


@functools.cache
def _calendar(codec: Codec, first_day: datetime.date, days: int) -> tuple[tuple[Value, float, Value], ...]:
    """Each day of the backlogs' counts from ``first_day``, the same for every division: the day and the
    moment its count is entered (8 in the morning) as the driver takes them, and how busy the day is
    (a busier Monday, quieter weekends)."""
    calendar = []
    for offset in range(days):
        day = first_day + offset * _DAY
        weekday = day.weekday()
        weekly = 1.06 if weekday == 0 else 0.98 if weekday >= 5 else 1.0
        entered = datetime.datetime(day.year, day.month, day.day, 8, tzinfo=datetime.UTC)
        calendar.append((codec.day(day), weekly, codec.moment(entered)))
    return tuple(calendar)


# --- Ideas, their timelines and savings -------------------------------------------------------------------


@dataclass
class References:
    """Each force's reference counter, as the ideas take numbers from it."""

    taken: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def next(self, force_code: str) -> str:
        self.taken[force_code] += 1
        return f"{force_code}-{self.taken[force_code]:06d}"


@dataclass
class IdeaState:
    """An idea as its moves leave it."""

    status: IdeaStatus = IdeaStatus.SUBMITTED
    status_changed_at: datetime.datetime | None = None
    first_response_at: datetime.datetime | None = None
    decided_at: datetime.datetime | None = None
    implemented_on: datetime.date | None = None
    learned: str = ""
    duplicate_of_id: uuid.UUID | None = None
    version: int = 1
    approved_at: datetime.datetime | None = None


@dataclass(frozen=True, slots=True)
class History:
    """What a division's ideas need: where, who, until when, and how the rows are written."""

    place: Place
    team: Team
    validators: list[Person]
    codec: Codec
    start: datetime.datetime
    now: datetime.datetime
    references: References


def _story_values(story: stories.IdeaStory) -> dict[str, str]:
    return {name: getattr(story, name) for name in WORDING}


def _made_in(row_id: str, place: Place, members: str, moment: str) -> str:
    """The audit document of a division's new row, as the flush hook writes it: its id (as text), force
    and division, ``members`` (the rest of its columns, as JSON object members), and when it was made."""
    return f'{{"id": "{row_id}", {_where(place)}, {members}, "created_at": "{moment}", "updated_at": "{moment}"}}'


@functools.cache
def _where(place: Place) -> str:
    """The division's force and division ids, as members of an audit document."""
    return f'"force_id": "{place.force_id}", "division_id": "{place.id}"'


@functools.cache
def _story_document(story: stories.IdeaStory) -> str:
    """The story's texts as members of a JSON object."""
    return json.dumps(_story_values(story))[1:-1]


def _when(rng: random.Random, start: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    """A moment in the history, a little more often recent than old (more people use QUEST each year)."""
    span = (now - start).total_seconds()
    return start + datetime.timedelta(
        seconds=int(span * rng.random() ** 0.85), microseconds=rng.randrange(1, 1_000_000)
    )


def division_ideas(rows: Rows, rng: random.Random, history: History, count: int) -> list[tuple[uuid.UUID, IdeaStatus]]:
    """``count`` ideas raised in the division over the history, moved along the plan's paths, with their
    waste types, supporters, comments, audit trail and savings claims. Returns each idea's id and status
    (waste observations link to some)."""
    codec, place, team = history.codec, history.place, history.team
    audit = Audit(rows, codec, rng)
    force_id, division_id = codec.id(place.force_id), codec.id(place.id)
    paths, weights = zip(*sizes.OUTCOMES, strict=True)
    moments = sorted(_when(rng, history.start, history.now) for _ in range(count))
    earlier: list[Original] = []
    supporters_of: dict[uuid.UUID, set[int]] = {}
    ideas: list[tuple[uuid.UUID, list[Any]]] = []
    made: list[tuple[uuid.UUID, IdeaStatus]] = []
    claims = Claims(rows, rng, history, audit)
    for created in moments:
        story = rng.choice(stories.IDEAS)
        idea_id = new_id(rng, created)
        named = str(idea_id)  # as the audit trail names it
        reference = history.references.next(place.force_code)
        submitter_index = rng.randrange(len(team.staff))
        submitter = team.staff[submitter_index]
        manager = rng.choice(team.managers)
        texts = _story_values(story)
        stamp = codec.moment(created)
        moment = created.isoformat()
        # The idea as raised, as the flush hook writes it (its texts rendered once a story).
        raised = (
            f'"reference": "{reference}", "submitter_id": "{submitter.key}", "owner_id": null, '
            f'{_story_document(story)}, "status": "submitted", "status_changed_at": "{moment}", '
            '"supporter_count": 0, "version": 1, "learned": ""'
        )
        audit.entry(
            created,
            submitter,
            force_id,
            "ideas",
            named,
            "create",
            None,
            _made_in(named, place, raised, moment),
        )
        key = codec.id(idea_id)
        _event(rows, rng, codec, key, created, submitter.id, "submitted", None, IdeaStatus.SUBMITTED, "", None)
        for waste in story.wastes:
            rows.add("idea_waste_types", (key, WasteType(waste).value))
        backers = set(rng.sample(range(len(team.staff)), k=min(_supporters(rng), len(team.staff))))
        backers.discard(submitter_index)
        supporters_of[idea_id] = backers
        state = IdeaState(status_changed_at=created)
        path = rng.choices(paths, weights)[0]
        at = created
        for target in path:
            at += datetime.timedelta(days=rng.expovariate(1 / sizes.MEAN_DAYS_IN[state.status]))
            original = rng.choice(earlier) if target is IdeaStatus.DUPLICATE and earlier else None
            if at > history.now or (target is IdeaStatus.DUPLICATE and original is None):
                break
            actor = submitter if target is IdeaStatus.WITHDRAWN else manager
            _move(rows, rng, audit, history, key, named, state, target, at, actor, original)
            if original is not None:
                # The duplicate's backers, and the person who raised it, back the original instead.
                supporters_of[original.id] |= backers | {submitter_index}
        for _ in range(_comments(rng)):
            said = created + datetime.timedelta(seconds=rng.randrange(60, 30 * _SECONDS_A_DAY))
            if said < history.now:
                author = rng.choice(team.staff)
                _event(
                    rows, rng, codec, key, said, author.id, "commented", None, None, rng.choice(stories.COMMENTS), None
                )
        owner = manager.id if state.status in _OWNED else None
        changed = stamp if state.status_changed_at in (None, created) else codec.moment(state.status_changed_at)
        ideas.append(
            (idea_id, [
                key, reference, force_id, division_id, submitter.id, owner, texts["title"], texts["problem"],
                texts["proposal"], texts["expected_benefit"], texts["process"], state.status.value, changed,
                submitter_index,
                codec.moment(state.first_response_at) if state.first_response_at else None,
                codec.moment(state.decided_at) if state.decided_at else None,
                codec.day(state.implemented_on) if state.implemented_on else None, state.learned,
                codec.id(state.duplicate_of_id) if state.duplicate_of_id else None, None, state.version, stamp,
                changed,
            ])
        )  # fmt: skip
        claims.for_idea(key, idea_id, reference, story, state, manager)
        earlier.append(Original(idea_id, reference, story.title))
        made.append((idea_id, state.status))
    for idea_id, idea in ideas:
        # The supporter count (column 13 held the submitter's index until every duplicate was moved).
        backers = supporters_of[idea_id] - {idea[13]}
        idea[13] = len(backers)
        rows.add("ideas", tuple(idea))
        for index in sorted(backers):
            rows.add("idea_supports", (idea[0], team.staff[index].id, idea[21]))
    claims.write()
    return made


def _supporters(rng: random.Random) -> int:
    return min(6, int(rng.expovariate(1 / sizes.SUPPORTERS_PER_IDEA)))


def _comments(rng: random.Random) -> int:
    return int(rng.expovariate(1 / sizes.COMMENTS_PER_IDEA))


def _event(
    rows: Rows,
    rng: random.Random,
    codec: Codec,
    idea: Value,
    at: datetime.datetime,
    actor: Value,
    kind: str,
    from_status: IdeaStatus | None,
    to_status: IdeaStatus | None,
    body: str,
    details: dict[str, Any] | None,
    moment: Value = None,
) -> None:
    rows.add(
        "idea_events",
        (
            codec.id(new_id(rng, at)),
            idea,
            codec.moment(at) if moment is None else moment,
            actor,
            kind,
            from_status.value if from_status else None,
            to_status.value if to_status else None,
            body,
            json.dumps(details) if details is not None else None,
        ),
    )


def _reason(rng: random.Random, target: IdeaStatus) -> str:
    if target is IdeaStatus.DECLINED:
        return rng.choice(stories.DECLINE_REASONS)
    if target is IdeaStatus.PARKED:
        return rng.choice(stories.PARK_REASONS)
    if target is IdeaStatus.WITHDRAWN:
        return stories.WITHDRAWAL_REASON
    return ""


def _move(
    rows: Rows,
    rng: random.Random,
    audit: Audit,
    history: History,
    key: Value,
    named: str,
    state: IdeaState,
    target: IdeaStatus,
    at: datetime.datetime,
    actor: Person,
    original: Original | None,
) -> None:
    """One move, as :func:`quest.ideas.record.record_move` writes it: the idea's new values, its timeline
    entry and the audit row of the change."""
    implemented = target is IdeaStatus.IMPLEMENTED
    move = CheckedMove(
        target,
        _reason(rng, target),
        original.reference if original else "",
        at.date() if implemented else None,
        LEARNED if implemented else "",
    )
    current = state.status
    record = record_of(
        current, move, now=at, first_response_at=state.first_response_at, decided_at=state.decided_at, original=original
    )
    before: dict[str, Any] = {"version": state.version}
    after: dict[str, Any] = {"version": state.version + 1}
    for column, value in record.values.items():
        before[column], after[column] = getattr(state, column), value
        setattr(state, column, value)
    state.version += 1
    if target is IdeaStatus.APPROVED and state.approved_at is None:
        state.approved_at = at
    moment = history.codec.moment(at)
    force_id = history.codec.id(history.place.force_id)
    audit.entry(at, actor, force_id, "ideas", named, "update", _document(before), _document(after), moment)
    _event(
        rows, rng, history.codec, key, at, actor.id, record.kind, current, target, record.body, record.details, moment
    )


class Claims:
    """The savings claims of a division's ideas: forecast once approved, claimed once implemented, then
    validated, rejected or replaced; a few repeat an earlier claim's mechanism (a double count)."""

    def __init__(self, rows: Rows, rng: random.Random, history: History, audit: Audit) -> None:
        self.rows, self.rng, self.history, self.audit = rows, rng, history, audit
        self.mechanisms: list[str] = []
        self.made: list[dict[str, Any]] = []
        self.outcomes = [ClaimStatus(status) for status, _weight in sizes.CLAIM_OUTCOMES]
        self.weights = [weight for _status, weight in sizes.CLAIM_OUTCOMES]

    def for_idea(
        self,
        key: Value,
        idea_id: uuid.UUID,
        reference: str,
        story: stories.IdeaStory,
        state: IdeaState,
        manager: Person,
    ) -> None:
        rng = self.rng
        if state.status in (IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS) and state.approved_at is not None:
            if rng.random() < sizes.FORECAST_SHARE:
                self._claim(key, idea_id, reference, story, ClaimStatus.FORECAST, state.approved_at, manager)
            return
        if (
            state.status is not IdeaStatus.IMPLEMENTED
            or state.implemented_on is None
            or state.status_changed_at is None
        ):
            return
        if rng.random() >= sizes.CLAIMED_SHARE:
            return
        outcome = rng.choices(self.outcomes, self.weights)[0]
        claimed_at = state.status_changed_at + datetime.timedelta(hours=rng.randint(1, 72))
        decided_at = claimed_at + datetime.timedelta(days=rng.expovariate(1 / 20))
        if claimed_at > self.history.now:
            return
        if decided_at > self.history.now:
            outcome = ClaimStatus.CLAIMED
        claim = self._claim(
            key, idea_id, reference, story, ClaimStatus.CLAIMED, claimed_at, manager, state.implemented_on
        )
        if outcome is ClaimStatus.CLAIMED:
            return
        if outcome is ClaimStatus.SUPERSEDED:
            # Corrected by the claimant: a new claim replaces the old one, which is kept, superseded.
            self._changed(claim, decided_at, manager, {"status": ClaimStatus.SUPERSEDED.value})
            self._claim(
                key, idea_id, reference, story, ClaimStatus.CLAIMED, decided_at, manager, state.implemented_on, claim
            )
            return
        validator = rng.choice(self.history.validators)
        self._changed(
            claim,
            decided_at,
            validator,
            {
                "status": outcome.value,
                "decided_by": validator,
                "decided_at": decided_at,
                "decision_note": _VALIDATOR_NOTES[outcome],
            },
        )

    def _claim(
        self,
        key: Value,
        idea_id: uuid.UUID,
        reference: str,
        story: stories.IdeaStory,
        status: ClaimStatus,
        at: datetime.datetime,
        manager: Person,
        starts: datetime.date | None = None,
        supersedes: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        rng, history = self.rng, self.history
        if supersedes is not None:
            mechanism = supersedes["mechanism"]
        elif self.mechanisms and rng.random() < sizes.DOUBLE_COUNTED:
            mechanism = rng.choice(self.mechanisms)
        else:
            mechanism = f"{story.process}: {story.title} ({reference})"
            self.mechanisms.append(mechanism)
        cashable = rng.random() < 0.2
        hours = decimal.Decimal(0) if cashable else decimal.Decimal(rng.choice((350, 600, 900, 1400, 2200)))
        grade = None if cashable else Grade.CONSTABLE_SERGEANT
        rate = None if grade is None else DEFAULT_RATES[grade]
        amount = decimal.Decimal(rng.randrange(2_000, 60_000)) if rate is None else value_of_hours(hours, rate)
        claim = {
            "id": new_id(rng, at),
            "force_id": history.place.force_id,
            "division_id": history.place.id,
            "idea_id": idea_id,
            "kind": (ClaimKind.CASHABLE if cashable else ClaimKind.NON_CASHABLE).value,
            "status": status.value,
            "recorded_as": recorded_as_of(status).value,
            "mechanism": mechanism,
            "cost_line": rng.choice(_CASHABLE_LINES) if cashable else "",
            "hours_per_year": hours,
            "grade": grade.value if grade else None,
            "hourly_rate": rate,
            "redeployed_to": "" if cashable else "Neighbourhood patrol",
            "amount_per_year": amount,
            "period_start": starts or at.date(),
            "period_end": None,
            "evidence": "Before and after figures kept by the team.",
            "metric_id": None,
            "claimed_by": manager,
            "decided_by": None,
            "decided_at": None,
            "decision_note": "",
            "supersedes_id": supersedes["id"] if supersedes else None,
            "version": 1,
            "created_at": at,
            "updated_at": at,
        }
        self.audit.created(at, manager, history.codec.id(history.place.force_id), "savings_claims", _plain(claim))
        self.made.append(claim)
        return claim

    def write(self) -> None:
        """The claims as they stand once every decision is made."""
        codec = self.history.codec
        ids = {"id", "force_id", "division_id", "idea_id", "supersedes_id"}
        for claim in self.made:
            values = {
                **claim,
                **{name: codec.id(claim[name]) if claim[name] else None for name in ids},
                "mechanism_key": matching_key(claim["mechanism"]),
                "claimed_by": claim["claimed_by"].id,
                "decided_by": claim["decided_by"].id if claim["decided_by"] else None,
                "decided_at": codec.moment(claim["decided_at"]) if claim["decided_at"] else None,
                "hours_per_year": codec.number(claim["hours_per_year"]),
                "hourly_rate": codec.number(claim["hourly_rate"]) if claim["hourly_rate"] is not None else None,
                "amount_per_year": codec.number(claim["amount_per_year"]),
                "period_start": codec.day(claim["period_start"]),
                "created_at": codec.moment(claim["created_at"]),
                "updated_at": codec.moment(claim["updated_at"]),
            }
            self.rows.add("savings_claims", tuple(values[column] for column in COLUMNS["savings_claims"]))

    def _changed(self, claim: dict[str, Any], at: datetime.datetime, actor: Person, values: dict[str, Any]) -> None:
        before = {"version": claim["version"], **{column: claim[column] for column in values}}
        after = {"version": claim["version"] + 1, **values}
        claim.update(values, version=claim["version"] + 1, updated_at=at)
        force_id = self.history.codec.id(self.history.place.force_id)
        changes = _document(_plain(before)), _document(_plain(after))
        self.audit.entry(at, actor, force_id, "savings_claims", str(claim["id"]), "update", *changes)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit trail names them: a person by their id."""
    return {key: value.key if isinstance(value, Person) else value for key, value in values.items()}


# --- Waste ------------------------------------------------------------------------------------------------


@functools.cache
def _waste_document(story: stories.WasteStory) -> str:
    """The story's texts as members of a JSON object."""
    texts = {
        "process": story.process,
        "waste_type": WasteType(story.waste_type).value,
        "description": story.description,
    }
    return json.dumps(texts)[1:-1]


def division_waste(
    rows: Rows, rng: random.Random, history: History, count: int, ideas: Sequence[tuple[uuid.UUID, IdeaStatus]]
) -> None:
    """``count`` waste observations in the division over the history, some linked to one of its ideas."""
    codec, place = history.codec, history.place
    audit = Audit(rows, codec, rng)
    force_id, division_id = codec.id(place.force_id), codec.id(place.id)
    for _ in range(count):
        story = rng.choice(stories.WASTE)
        at = _when(rng, history.start, history.now)
        reporter = rng.choice(history.team.staff)
        idea = rng.choice(ideas)[0] if ideas and rng.random() < sizes.WASTE_LINKED_TO_AN_IDEA else None
        minutes = decimal.Decimal(max(1, round(story.minutes * rng.uniform(0.5, 1.5))))
        per_week = decimal.Decimal(max(1, round(story.per_week * rng.uniform(0.5, 1.5))))
        observation_id = new_id(rng, at)
        moment, day = at.isoformat(), at.date()
        linked = f'"{idea}"' if idea else "null"
        # The observation as the flush hook writes it (the story's texts rendered once a story).
        logged = (
            f'"reporter_id": "{reporter.key}", {_waste_document(story)}, "minutes_per_occurrence": "{minutes}", '
            f'"occurrences_per_week": "{per_week}", "observed_on": "{day}", "idea_id": {linked}'
        )
        named = str(observation_id)
        document = _made_in(named, place, logged, moment)
        audit.entry(at, reporter, force_id, "waste_observations", named, "create", None, document)
        stamp = codec.moment(at)
        rows.add(
            "waste_observations",
            (
                codec.id(observation_id), force_id, division_id, reporter.id, story.process, story.waste_type,
                story.description, codec.number(minutes), codec.number(per_week), codec.day(day),
                codec.id(idea) if idea else None, stamp, stamp,
            ),
        )  # fmt: skip
