"""A believable history for the demo divisions: colleagues, daily backlog counts, ideas at every stage with
their timelines, savings claims, and waste observations. How much of each, and how it went, is each force's
fortune (quest.demo.fortunes): two years of counts and more than a year of ideas in the established forces,
seven weeks of both in the one that has just started. Everything is keyed by something natural (an email,
a division and a title, a metric and a date), so seeding again adds nothing twice.

Every division's manager, and every force's validator, are the named logins of quest.demo.catalogue,
created beforehand (quest.demo.seed): the manager moves the ideas and claims their savings; the validator,
never the claimant, decides the claims."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import random
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from quest.accounts.models import User
from quest.accounts.roles import Role
from quest.bulk import insert_rows
from quest.demo import double_count, lancashire, moves, not_shown, stories
from quest.demo.catalogue import DEMO_FORCES, manager_email, validator_email
from quest.demo.fortunes import Fortune, fortune_of
from quest.demo.grading import graded_without_a_measure
from quest.demo.measures import entered_on
from quest.ideas.models import Idea, IdeaEvent
from quest.ideas.record import add_event
from quest.ideas.status import IdeaStatus
from quest.ideas.workflow import MoveRequest
from quest.metrics import upkeep
from quest.metrics.models import READINGS, Metric, Reading
from quest.metrics.vocabulary import Direction, Frequency, MetricKind
from quest.notifications.models import Notification
from quest.org.models import Division, Force
from quest.savings.forecasts import RecordedAs
from quest.savings.models import SavingsClaim
from quest.savings.rules import DEFAULT_RATES, ClaimKind, ClaimStatus, Grade, value_of_hours
from quest.waste.models import WasteObservation
from quest.waste.services import CheckedWaste, add_observation
from quest.waste.types import WasteType

STAFF_PER_DIVISION = 3
# The demo staff member's own division gets their ideas, so that "My ideas" has a story to tell.
DEMO_STAFF_EMAIL = "staff@lancashire.example"
DEMO_MANAGER_EMAIL = "manager@lancashire.example"
DEMO_VALIDATOR_EMAIL = "validator@lancashire.example"
# What every implemented idea of the demo learned.
LEARNED = "Brief every team before the change, not after."

# Claims of cash and of time: a few ideas take money off a budget line, most release officers' time, at
# these grades and this often.
CASHABLE_SHARE = 0.3
GRADES = ((Grade.CONSTABLE_SERGEANT, 60), (Grade.PCSO, 15), (Grade.POLICE_STAFF, 15), (Grade.INSPECTOR_ABOVE, 10))
HOURS_A_YEAR = (350, 600, 900, 1400, 2200)
POUNDS_A_YEAR = (1800, 4200, 7500, 12600, 24000, 38000)
# Of the implemented ideas' claims, the share forecast first (at approval), and how far the forecasts were
# from what was then claimed (forecast ÷ claimed): some close, some hopeful, a few cautious.
FORECAST_FIRST_SHARE = 0.6
# Of the validated claims of the ordinary history, the share its validator graded fairly stated with
# measurement issues (the rest: not shown), and why they differed from QUEST's proposal.
GRADED_WITH_ISSUES_SHARE = 0.8
GRADE_REASON = "No measure is linked, but the duty records show the hours released, before and after."
ONE = decimal.Decimal(1)
FORECAST_FACTORS = ("0.6", "0.85", "0.95", "1", "1.05", "1.15", "1.3", "1.6")
# Ideas that got as far as these have an owner, their manager.
OWNED = (IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS, IdeaStatus.IMPLEMENTED)


@dataclass
class Tally:
    colleagues: int = 0
    metrics: int = 0
    readings: int = 0
    ideas: int = 0
    waste: int = 0


@dataclass(frozen=True)
class Team:
    staff: list[User]
    manager: User
    # The force's validator (quest.demo.catalogue.validator_email), if it has one.
    validator: User | None = None


# A part of the history is keyed by the seed, the force code and the division code (never by ids, which
# differ from one database to the next).
Key = tuple[int, str, str]


def _random(seed: int, *key: object) -> random.Random:
    """A random source for one part of the history. Each part has its own, so skipping a part that is
    already there (seeding again) does not change the numbers drawn for the others."""
    return random.Random(":".join(str(part) for part in (seed, *key)))  # noqa: S311 - demo data


async def seed_history(session: AsyncSession, seed: int, *, now: datetime.datetime, today: datetime.date) -> Tally:
    tally = Tally()
    divisions = (
        await session.execute(
            select(Division, Force.code)
            .join(Force, Force.id == Division.force_id)
            .where(Force.code.in_(DEMO_FORCES))
            .order_by(Force.code, Division.code)
        )
    ).all()
    known = {(code, division.code) for code, divisions in DEMO_FORCES.items() for division in divisions}
    users = {user.email: user for user in (await session.execute(select(User))).scalars()}
    # Each division's place among its force's: it decides which stages its first ideas are sure to reach.
    places_in_force: dict[str, int] = {}
    for division, force_code in divisions:
        place = (force_code, division.code)
        if place not in known:  # a division someone added: it has no demo manager to tell its story
            continue
        number = places_in_force[force_code] = places_in_force.get(force_code, -1) + 1
        fortune = fortune_of(force_code)
        team = await _team(session, _random(seed, "team", *place), division, force_code, users, tally)
        await _backlogs(session, (seed, *place), division, fortune.of_division(division.code), today, now, tally)
        # Enough of each division's first ideas are sure of a stage that the force's cover every stage.
        stages = fortune.stages
        per_division = -(-len(stages) // len(DEMO_FORCES[force_code]))
        sure = tuple(stages[(per_division * number + offset) % len(stages)] for offset in range(per_division))
        await _ideas(session, (seed, *place), division, team, fortune.of_division(division.code), sure, now, tally)
        if place in double_count.PLACES and team.validator is not None:
            tally.ideas += await double_count.tell(session, division, team.manager, team.validator, today=today)
        if place == lancashire.PLACE and team.validator is not None:
            told = await lancashire.tell(
                session,
                division,
                submitter=team.staff[0],
                manager=team.manager,
                validator=team.validator,
                now=now,
                today=today,
            )
            tally.ideas += told
            tally.ideas += await not_shown.tell(
                session,
                division,
                submitter=team.staff[0],
                manager=team.manager,
                validator=team.validator,
                now=now,
                today=today,
            )
        if team.staff[0].email == DEMO_STAFF_EMAIL:
            tally.ideas += await _withdrawn_idea(session, division, team.staff[0], now)
        await _waste(session, _random(seed, "waste", *place), division, team, fortune, today, tally)
    return tally


async def _team(
    session: AsyncSession,
    rng: random.Random,
    division: Division,
    force_code: str,
    users: dict[str, User],
    tally: Tally,
) -> Team:
    """The division's frontline colleagues (made here, once; they cannot sign in), its manager and its force's
    validator (named logins, made by quest.demo.seed)."""
    staff: list[User] = []
    for _number in range(STAFF_PER_DIVISION):
        first, surname = rng.choice(stories.FIRST_NAMES), rng.choice(stories.SURNAMES)
        rank = rng.choice(stories.RANKS)
        local = "".join(character for character in f"{first}.{surname}" if character.isalnum() or character == ".")
        email = f"{local}.{division.code}@{force_code}.demo.example".lower()
        user = users.get(email)
        if user is None:
            user = User(
                email=email,
                display_name=f"{rank} {first} {surname}",
                role=Role.STAFF,
                force_id=division.force_id,
                division_id=division.id,
                is_active=True,
                password_hash=None,  # demo colleagues cannot sign in
            )
            session.add(user)
            users[email] = user
            tally.colleagues += 1
        staff.append(user)
    await session.flush()
    demo_staff = users.get(DEMO_STAFF_EMAIL)
    if demo_staff is not None and demo_staff.division_id == division.id:
        staff.insert(0, demo_staff)
    validator = users.get(validator_email(force_code))
    return Team(
        staff=staff,
        manager=users[manager_email(force_code, division.code)],
        validator=validator if validator and validator.force_id == division.force_id else None,
    )


async def _backlogs(
    session: AsyncSession,
    key: Key,
    division: Division,
    fortune: Fortune,
    today: datetime.date,
    now: datetime.datetime,
    tally: Tally,
) -> None:
    for name, unit, per_officer in stories.BACKLOGS:
        metric = (
            await session.execute(select(Metric).where(Metric.division_id == division.id, Metric.name == name))
        ).scalar_one_or_none()
        if metric is None:
            metric = Metric(
                force_id=division.force_id,
                division_id=division.id,
                name=name,
                unit=unit,
                kind=MetricKind.BACKLOG,
                direction=Direction.DOWN,
                frequency=Frequency.DAILY,
            )
            session.add(metric)
            await session.flush()
            tally.metrics += 1
        known = set(
            (await session.execute(select(Reading.period_date).where(Reading.metric_id == metric.id))).scalars()
        )
        rng = _random(*key, "backlog", name)
        level = float(division.officers_fte) * per_officer
        rows = []
        for back in range(fortune.days_of_use, -1, -1):
            day = today - datetime.timedelta(days=back)
            # A busier start to the week, the force's drift, and day-to-day noise; the draw happens whether
            # or not the day is already there, so that a given seed always gives the same numbers.
            weekly = 1.06 if day.weekday() == 0 else 0.98 if day.weekday() >= 5 else 1.0
            usual = level * weekly * fortune.backlog_level(back)
            share = lancashire.backlog_share(key[1:], name, day, today)
            value = max(0, round(rng.gauss(usual, level * 0.08) * share))
            if day not in known:
                rows.append({"period_date": day, "value": decimal.Decimal(value), "entered_at": entered_on(day, now)})
        same = {"metric_id": metric.id, "entered_by": None, "force_id": division.force_id}
        await insert_rows(session, READINGS, rows, same=same)
        await upkeep.readings_changed(session, {metric.id}, now=now)
        tally.readings += len(rows)


async def _ideas(
    session: AsyncSession,
    key: Key,
    division: Division,
    team: Team,
    fortune: Fortune,
    sure: tuple[IdeaStatus, ...],
    now: datetime.datetime,
    tally: Tally,
) -> None:
    """The division's ideas, as many as its fortune says and ending up as it says; the first ones reach the
    stages ``sure`` names, so that across its divisions a force has ideas at every stage. The first was
    raised when the force started using QUEST (more than a year ago, or weeks ago in the force that has just
    started), the rest since."""
    rng = _random(*key, "ideas")
    chosen = rng.sample(stories.IDEAS, k=min(len(stories.IDEAS), rng.randint(*fortune.ideas)))
    existing = set((await session.execute(select(Idea.title).where(Idea.division_id == division.id))).scalars())
    statuses, weights = zip(*fortune.outcomes, strict=True)
    for index, story in enumerate(chosen):
        if story.title in existing:
            continue
        rng = _random(*key, "idea", story.title)
        outcome = sure[index] if index < len(sure) else rng.choices(statuses, weights)[0]
        earliest = fortune.idea_days
        days_ago = rng.randint(earliest - 20, earliest) if index == 0 else rng.randint(3, earliest)
        created = now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 23))
        # The demo staff member raised the first ideas of their division.
        submitter = team.staff[0] if index < 3 else rng.choice(team.staff)
        supporters = rng.sample([person for person in team.staff if person is not submitter], k=rng.randint(0, 2))
        comments = rng.sample(stories.COMMENTS, k=rng.randint(0, 2))
        reason = rng.choice(stories.DECLINE_REASONS if outcome is IdeaStatus.DECLINED else stories.PARK_REASONS)
        owner = team.manager if outcome in OWNED else None
        # Raised as anyone raises an idea; its moves (below) take it to its outcome.
        idea, submitted = await moves.raised(
            session, division, story, submitter=submitter, at=created, owner=owner, supporters=supporters
        )
        events = [submitted]
        moment = created
        for step in _path(outcome, reason):
            moment += datetime.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
            events.append(await _move(session, idea, step, actor=team.manager, at=min(moment, now)))
        # The idea sure to be implemented is the one whose saving the force's validator surely validated (if
        # they validate anything), so that every established force has validated savings to show.
        surely_validated = index < len(sure) and outcome is IdeaStatus.IMPLEMENTED and fortune.validated > 0
        claim = _claim_for(rng, idea, team, fortune, story, events[-1].occurred_at, now, surely_validated)
        if claim is not None:
            if claim.status is not ClaimStatus.FORECAST and rng.random() < FORECAST_FIRST_SHARE:
                # Forecast at its approval (the third event: submitted, under review, approved), then
                # claimed by a claim that supersedes the forecast.
                forecast = _forecast_of(rng, claim, events[2].occurred_at)
                session.add(forecast)
                await session.flush()
                claim.supersedes_id = forecast.id
            session.add(claim)
        for comment in comments:
            at = min(created + datetime.timedelta(days=rng.randint(1, 20)), now)
            author = rng.choice(team.staff)
            events.append(await add_event(session, idea, kind="commented", actor_id=author.id, now=at, body=comment))
        news = [event for event in events if event.actor_id != submitter.id]
        if submitter.email == DEMO_STAFF_EMAIL and news:
            # What the demo staff member has been told about their ideas, unread.
            await session.execute(
                insert(Notification),
                [
                    {
                        "user_id": submitter.id,
                        "idea_id": idea.id,
                        "event_id": event.id,
                        "created_at": event.occurred_at,
                        "read_at": None,
                    }
                    for event in news
                ],
            )
        tally.ideas += 1


async def _withdrawn_idea(session: AsyncSession, division: Division, submitter: User, now: datetime.datetime) -> int:
    """The demo staff member's idea that they withdrew before review, once. Returns how many were added."""
    story = stories.WITHDRAWN_IDEA
    existing = await session.execute(select(Idea.id).where(Idea.division_id == division.id, Idea.title == story.title))
    if existing.first() is not None:
        return 0
    created = now - datetime.timedelta(days=9, hours=3)
    withdrawn = created + datetime.timedelta(days=2, hours=5)
    idea, _submitted = await moves.raised(session, division, story, submitter=submitter, at=created)
    withdrawal = MoveRequest(to=IdeaStatus.WITHDRAWN.value, reason=stories.WITHDRAWAL_REASON)
    await _move(session, idea, withdrawal, actor=submitter, at=withdrawn)
    return 1


async def _move(
    session: AsyncSession, idea: Idea, request: MoveRequest, *, actor: User, at: datetime.datetime
) -> IdeaEvent:
    """A move of the ordinary history; an implementation learned what every demo idea learned."""
    if request.to == IdeaStatus.IMPLEMENTED.value:
        request = dataclasses.replace(request, change_date=at.date().isoformat(), learned=LEARNED)
    return await moves.move(session, idea, request, actor_id=actor.id, at=at)


def _claim_for(
    rng: random.Random,
    idea: Idea,
    team: Team,
    fortune: Fortune,
    story: stories.IdeaStory,
    last_moved: datetime.datetime,
    now: datetime.datetime,
    surely_validated: bool = False,
) -> SavingsClaim | None:
    """The saving of an implemented idea, claimed by the manager a few weeks after the change and then
    validated, rejected or still waiting for the force's validator as its fortune says; or forecast for
    an idea under way, when it was approved or started. Cash off a budget line, or time released at a
    grade."""
    if idea.status is IdeaStatus.IMPLEMENTED:
        draw = 0.0 if surely_validated else rng.random()
        if team.validator is None or draw >= fortune.validated + fortune.rejected:
            status = ClaimStatus.CLAIMED
        else:
            status = ClaimStatus.VALIDATED if draw < fortune.validated else ClaimStatus.REJECTED
        recorded = min(last_moved + datetime.timedelta(days=rng.randint(7, 30)), now)
    elif idea.status in (IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS):
        status = ClaimStatus.FORECAST
        recorded = last_moved
    else:
        return None
    decided = status in (ClaimStatus.VALIDATED, ClaimStatus.REJECTED)
    decided_at = min(recorded + datetime.timedelta(days=rng.randint(3, 21)), now) if decided else None
    graded: dict[str, object] = {}
    if status is ClaimStatus.VALIDATED and team.validator is not None and decided_at is not None:
        # Graded as it was validated: most validators find the duty records enough.
        with_issues = surely_validated or rng.random() < GRADED_WITH_ISSUES_SHARE
        graded = graded_without_a_measure(team.validator.id, decided_at, GRADE_REASON if with_issues else None)
    if rng.random() < CASHABLE_SHARE:
        pounds = decimal.Decimal(rng.choice(POUNDS_A_YEAR))
        cost_line = rng.choice(stories.COST_LINES)
        kind_of_saving = {
            "kind": ClaimKind.CASHABLE,
            "cost_line": cost_line,
            "amount_per_year": pounds,
            "evidence": f"The {cost_line.lower()} budget: £{pounds:,} a year less spent since the change.",
        }
    else:
        grade = rng.choices([grade for grade, _ in GRADES], [weight for _, weight in GRADES])[0]
        hours = decimal.Decimal(rng.choice(HOURS_A_YEAR))
        rate = DEFAULT_RATES[grade]
        kind_of_saving = {
            "kind": ClaimKind.NON_CASHABLE,
            "hours_per_year": hours,
            "grade": grade,
            "hourly_rate": rate,
            "redeployed_to": rng.choice(stories.REDEPLOYMENTS),
            "amount_per_year": value_of_hours(hours, rate),
            "evidence": f"Before and after counts kept by the team: about {hours} hours a year no longer spent.",
        }
    return SavingsClaim(
        force_id=idea.force_id,
        division_id=idea.division_id,
        idea_id=idea.id,
        status=status,
        # One mechanism per idea: the ordinary history's claims never count one saving twice (the
        # deliberate double counts are quest.demo.double_count's).
        mechanism=f"{story.process}: {story.title}",
        period_start=last_moved.date(),
        claimed_by=team.manager.id,
        decided_by=team.validator.id if decided and team.validator else None,
        decided_at=decided_at,
        decision_note=(
            ""
            if not decided
            else "Checked against the duty records."
            if status is ClaimStatus.VALIDATED
            else rng.choice(stories.REJECTION_NOTES)
        ),
        created_at=recorded,
        updated_at=decided_at or recorded,
        **kind_of_saving,
        **graded,
    )


def _forecast_of(rng: random.Random, claim: SavingsClaim, approved_at: datetime.datetime) -> SavingsClaim:
    """The forecast of ``claim``'s saving made when its idea was approved, now superseded by it: the same
    saving, over- or under-estimated as forecasts are."""
    factor = decimal.Decimal(rng.choice(FORECAST_FACTORS))
    size: dict[str, object]
    if claim.kind is ClaimKind.CASHABLE:
        size = {"cost_line": claim.cost_line, "amount_per_year": (claim.amount_per_year * factor).quantize(ONE)}
    else:
        assert claim.hourly_rate is not None
        hours = (claim.hours_per_year * factor).quantize(ONE)
        size = {
            "hours_per_year": hours,
            "grade": claim.grade,
            "hourly_rate": claim.hourly_rate,
            "redeployed_to": claim.redeployed_to,
            "amount_per_year": value_of_hours(hours, claim.hourly_rate),
        }
    return SavingsClaim(
        force_id=claim.force_id,
        division_id=claim.division_id,
        idea_id=claim.idea_id,
        kind=claim.kind,
        status=ClaimStatus.SUPERSEDED,
        recorded_as=RecordedAs.FORECAST,
        mechanism=claim.mechanism,
        period_start=claim.period_start,
        evidence="Forecast at approval, from the trial's first weeks.",
        claimed_by=claim.claimed_by,
        created_at=approved_at,
        updated_at=claim.created_at,
        **size,
    )


def _path(outcome: IdeaStatus, reason: str) -> list[MoveRequest]:
    """The moves that took an idea from submitted to ``outcome``, each with what was said."""
    review = MoveRequest(IdeaStatus.UNDER_REVIEW.value, "Thank you. We are looking at this with the shift sergeants.")
    approve = MoveRequest(IdeaStatus.APPROVED.value, "Approved: worth trying on one team first.")
    start = MoveRequest(IdeaStatus.IN_PROGRESS.value, "Trial started on C team.")
    # What was learned is said by the move itself (see _move).
    implement = MoveRequest(IdeaStatus.IMPLEMENTED.value)
    return {
        IdeaStatus.SUBMITTED: [],
        IdeaStatus.UNDER_REVIEW: [review],
        IdeaStatus.APPROVED: [review, approve],
        IdeaStatus.IN_PROGRESS: [review, approve, start],
        IdeaStatus.IMPLEMENTED: [review, approve, start, implement],
        IdeaStatus.DECLINED: [review, MoveRequest(IdeaStatus.DECLINED.value, reason)],
        IdeaStatus.PARKED: [review, MoveRequest(IdeaStatus.PARKED.value, reason)],
    }.get(outcome, [])


async def _waste(
    session: AsyncSession,
    rng: random.Random,
    division: Division,
    team: Team,
    fortune: Fortune,
    today: datetime.date,
    tally: Tally,
) -> None:
    """A few pieces of waste the division's staff logged over the time the force has used QUEST."""
    chosen = rng.sample(stories.WASTE, k=rng.randint(3, 6))
    existing = set(
        (
            await session.execute(
                select(WasteObservation.description).where(WasteObservation.division_id == division.id)
            )
        ).scalars()
    )
    for story in chosen:
        reporter = rng.choice(team.staff)
        observed = today - datetime.timedelta(days=rng.randint(0, fortune.idea_days))
        if story.description in existing:
            continue
        checked = CheckedWaste(
            WasteType(story.waste_type),
            story.process,
            story.description,
            decimal.Decimal(story.minutes),
            decimal.Decimal(story.per_week),
            observed,
        )
        await add_observation(
            session, checked, force_id=division.force_id, division_id=division.id, reporter_id=reporter.id
        )
        tally.waste += 1
