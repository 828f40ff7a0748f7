"""The sign-in throttle: repeated failures are first slowed, then refused. Pure functions; no I/O.

Failures are counted over the last 15 minutes, in three ways, and the strictest verdict wins:

- per account and address pair (the email typed, whether or not it exists, from one client address):
  from the 3rd failure since that pair's last success the next attempt waits 5 seconds, then 10, 20 ...
  after the last failure; at 5 the pair is locked for 15 minutes. This is the limit guessing meets first,
  and it locks out only the guesser: the owner, from another address, is not held up by it.
- per account, from any address: slowed from the 10th failure since the account's last success, by
  at most a minute; locked at 50. Strangers cannot lock the owner out with a few guesses, and guesses
  spread over many addresses still meet a limit.
- per client address, whatever the accounts: slowed from the 10th failure, locked at 25. A success
  never resets it (signing in to one's own account does not buy more guesses at others'), while a shared
  office address is not locked by one person's typos.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WINDOW = datetime.timedelta(minutes=15)
LOCK_DURATION = datetime.timedelta(minutes=15)
FIRST_DELAY = datetime.timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class Limits:
    slow_after: int
    lock_after: int
    longest_delay: datetime.timedelta = LOCK_DURATION


PAIR_LIMITS = Limits(slow_after=3, lock_after=5)
ACCOUNT_LIMITS = Limits(slow_after=10, lock_after=50, longest_delay=datetime.timedelta(minutes=1))
ADDRESS_LIMITS = Limits(slow_after=10, lock_after=25)


@dataclass(frozen=True, slots=True)
class Attempt:
    """A sign-in attempt that was judged (refused ones are not counted)."""

    at: datetime.datetime
    email: str
    address: str
    succeeded: bool


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an attempt may go ahead; if not, until when, and whether that is a lock-out."""

    allowed: bool
    retry_at: datetime.datetime | None = None
    locked: bool = False


ALLOWED = Verdict(allowed=True)


def judge(failures: Sequence[datetime.datetime], now: datetime.datetime, limits: Limits) -> Verdict:
    """``failures``: the times of the failed attempts that count, any order."""
    recent = sorted(moment for moment in failures if now - moment < WINDOW)
    count = len(recent)
    if count < limits.slow_after:
        return ALLOWED
    last = recent[-1]
    if count >= limits.lock_after:
        retry_at = last + LOCK_DURATION
        return ALLOWED if now >= retry_at else Verdict(allowed=False, retry_at=retry_at, locked=True)
    doublings = min(count - limits.slow_after, 20)  # 5 s × 2²⁰ is far beyond any longest delay
    retry_at = last + min(FIRST_DELAY * 2**doublings, limits.longest_delay)
    return ALLOWED if now >= retry_at else Verdict(allowed=False, retry_at=retry_at)


def failures_since_success(attempts: Iterable[Attempt]) -> list[datetime.datetime]:
    """The times of the failures after the last success among ``attempts``."""
    failures: list[datetime.datetime] = []
    for attempt in sorted(attempts, key=lambda attempt: attempt.at):
        failures = [] if attempt.succeeded else [*failures, attempt.at]
    return failures


def assess(attempts: Sequence[Attempt], *, email: str, address: str, now: datetime.datetime) -> Verdict:
    """The verdict on an attempt at ``email`` from ``address``, given the recent attempts at that email
    or from that address (others are ignored)."""
    on_account = [attempt for attempt in attempts if attempt.email == email]
    from_address = [attempt for attempt in attempts if attempt.address == address]
    on_pair = [attempt for attempt in on_account if attempt.address == address]
    return combine(
        judge(failures_since_success(on_pair), now, PAIR_LIMITS),
        judge(failures_since_success(on_account), now, ACCOUNT_LIMITS),
        judge([attempt.at for attempt in from_address if not attempt.succeeded], now, ADDRESS_LIMITS),
    )


def combine(*verdicts: Verdict) -> Verdict:
    """The strictest of several verdicts."""
    refusals = [verdict for verdict in verdicts if not verdict.allowed]
    if not refusals:
        return ALLOWED
    latest = max(refusals, key=lambda verdict: verdict.retry_at or datetime.datetime.min.replace(tzinfo=datetime.UTC))
    return Verdict(allowed=False, retry_at=latest.retry_at, locked=any(verdict.locked for verdict in refusals))
