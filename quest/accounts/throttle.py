"""The sign-in throttle: repeated failures are first slowed, then refused, for each account (the email
typed, whether or not it exists) and for each client address. Pure functions; no I/O.

Per account, counting failures in the last 15 minutes since the last success:
- from the 3rd failure, the next attempt must wait 5 seconds, then 10, 20 ... after the last failure;
- at 5 failures the account is locked for 15 minutes from the last one.

Per client address the same, with thresholds of 10 and 25 failures, so one address cannot try many
accounts quickly, while a shared office address is not locked by one person's typos.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

WINDOW = datetime.timedelta(minutes=15)
LOCK_DURATION = datetime.timedelta(minutes=15)
FIRST_DELAY = datetime.timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class Limits:
    slow_after: int
    lock_after: int


ACCOUNT_LIMITS = Limits(slow_after=3, lock_after=5)
ADDRESS_LIMITS = Limits(slow_after=10, lock_after=25)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an attempt may go ahead; if not, until when, and whether that is a lock-out."""

    allowed: bool
    retry_at: datetime.datetime | None = None
    locked: bool = False


ALLOWED = Verdict(allowed=True)


def judge(failures: Sequence[datetime.datetime], now: datetime.datetime, limits: Limits) -> Verdict:
    """``failures``: the times of recent failed attempts (since the last success), any order."""
    recent = sorted(moment for moment in failures if now - moment < WINDOW)
    count = len(recent)
    if count < limits.slow_after:
        return ALLOWED
    last = recent[-1]
    if count >= limits.lock_after:
        retry_at = last + LOCK_DURATION
        return ALLOWED if now >= retry_at else Verdict(allowed=False, retry_at=retry_at, locked=True)
    retry_at = last + FIRST_DELAY * 2 ** (count - limits.slow_after)
    return ALLOWED if now >= retry_at else Verdict(allowed=False, retry_at=retry_at)


def combine(*verdicts: Verdict) -> Verdict:
    """The strictest of several verdicts."""
    refusals = [verdict for verdict in verdicts if not verdict.allowed]
    if not refusals:
        return ALLOWED
    latest = max(refusals, key=lambda verdict: verdict.retry_at or datetime.datetime.min.replace(tzinfo=datetime.UTC))
    return Verdict(allowed=False, retry_at=latest.retry_at, locked=any(verdict.locked for verdict in refusals))
