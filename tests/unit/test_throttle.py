"""The sign-in throttle: slowed, then refused (pure rules)."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from quest.accounts import throttle

NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


def seconds_ago(*seconds: float) -> list[datetime.datetime]:
    return [NOW - datetime.timedelta(seconds=value) for value in seconds]


def test_two_failures_change_nothing() -> None:
    assert throttle.judge(seconds_ago(2, 1), NOW, throttle.ACCOUNT_LIMITS).allowed


def test_the_third_failure_slows_the_next_attempt() -> None:
    verdict = throttle.judge(seconds_ago(3, 2, 1), NOW, throttle.ACCOUNT_LIMITS)
    assert not verdict.allowed
    assert not verdict.locked
    assert verdict.retry_at == NOW - datetime.timedelta(seconds=1) + datetime.timedelta(seconds=5)
    assert throttle.judge(seconds_ago(9, 8, 6), NOW, throttle.ACCOUNT_LIMITS).allowed  # waited long enough


def test_the_delay_doubles() -> None:
    verdict = throttle.judge(seconds_ago(30, 20, 10, 1), NOW, throttle.ACCOUNT_LIMITS)
    assert verdict.retry_at == NOW - datetime.timedelta(seconds=1) + datetime.timedelta(seconds=10)


def test_five_failures_lock_the_account_for_fifteen_minutes() -> None:
    failures = seconds_ago(300, 200, 100, 50, 10)
    verdict = throttle.judge(failures, NOW, throttle.ACCOUNT_LIMITS)
    assert not verdict.allowed
    assert verdict.locked
    assert verdict.retry_at == NOW - datetime.timedelta(seconds=10) + throttle.LOCK_DURATION
    later = NOW + throttle.LOCK_DURATION
    assert throttle.judge(failures, later, throttle.ACCOUNT_LIMITS).allowed


def test_old_failures_do_not_count() -> None:
    assert throttle.judge(seconds_ago(3000, 2000, 1000, 960), NOW, throttle.ACCOUNT_LIMITS).allowed


def test_an_address_tolerates_more_failures_than_an_account() -> None:
    nine = seconds_ago(*range(90, 0, -10))
    assert throttle.judge(nine, NOW, throttle.ADDRESS_LIMITS).allowed
    assert not throttle.judge(nine, NOW, throttle.ACCOUNT_LIMITS).allowed


def test_combine_takes_the_strictest() -> None:
    slow = throttle.Verdict(False, NOW + datetime.timedelta(seconds=5))
    locked = throttle.Verdict(False, NOW + datetime.timedelta(minutes=15), locked=True)
    assert throttle.combine(throttle.ALLOWED, slow) == slow
    assert throttle.combine(slow, locked, throttle.ALLOWED) == locked
    assert throttle.combine(throttle.ALLOWED, throttle.ALLOWED).allowed


@given(st.lists(st.floats(min_value=0, max_value=3600), max_size=40))
def test_a_refusal_always_says_when_to_come_back_and_it_is_in_the_future(ages: list[float]) -> None:
    verdict = throttle.judge(seconds_ago(*ages), NOW, throttle.ACCOUNT_LIMITS)
    if not verdict.allowed:
        assert verdict.retry_at is not None
        assert verdict.retry_at > NOW
        assert verdict.retry_at <= NOW + throttle.LOCK_DURATION
