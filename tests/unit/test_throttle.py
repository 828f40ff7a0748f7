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
    assert throttle.judge(seconds_ago(2, 1), NOW, throttle.PAIR_LIMITS).allowed


def test_the_third_failure_slows_the_next_attempt() -> None:
    verdict = throttle.judge(seconds_ago(3, 2, 1), NOW, throttle.PAIR_LIMITS)
    assert not verdict.allowed
    assert not verdict.locked
    assert verdict.retry_at == NOW - datetime.timedelta(seconds=1) + datetime.timedelta(seconds=5)
    assert throttle.judge(seconds_ago(9, 8, 6), NOW, throttle.PAIR_LIMITS).allowed  # waited long enough


def test_the_delay_doubles() -> None:
    verdict = throttle.judge(seconds_ago(30, 20, 10, 1), NOW, throttle.PAIR_LIMITS)
    assert verdict.retry_at == NOW - datetime.timedelta(seconds=1) + datetime.timedelta(seconds=10)


def test_five_failures_lock_the_account_for_fifteen_minutes() -> None:
    failures = seconds_ago(300, 200, 100, 50, 10)
    verdict = throttle.judge(failures, NOW, throttle.PAIR_LIMITS)
    assert not verdict.allowed
    assert verdict.locked
    assert verdict.retry_at == NOW - datetime.timedelta(seconds=10) + throttle.LOCK_DURATION
    later = NOW + throttle.LOCK_DURATION
    assert throttle.judge(failures, later, throttle.PAIR_LIMITS).allowed


def test_old_failures_do_not_count() -> None:
    assert throttle.judge(seconds_ago(3000, 2000, 1000, 960), NOW, throttle.PAIR_LIMITS).allowed


def test_an_address_and_an_account_tolerate_more_failures_than_a_pair() -> None:
    nine = seconds_ago(*range(90, 0, -10))
    assert throttle.judge(nine, NOW, throttle.ADDRESS_LIMITS).allowed
    assert throttle.judge(nine, NOW, throttle.ACCOUNT_LIMITS).allowed
    assert not throttle.judge(nine, NOW, throttle.PAIR_LIMITS).allowed


def test_the_delay_never_exceeds_the_longest_delay_of_its_limits() -> None:
    twenty_four = seconds_ago(*range(240, 0, -10))  # one short of the address's lock: 5 s doubled 14 times
    assert (
        throttle.judge(twenty_four, NOW, throttle.ADDRESS_LIMITS).retry_at
        == NOW - datetime.timedelta(seconds=10) + throttle.LOCK_DURATION
    )
    forty_nine = seconds_ago(*range(49, 0, -1))
    verdict = throttle.judge(forty_nine, NOW, throttle.ACCOUNT_LIMITS)
    assert not verdict.locked
    assert verdict.retry_at == NOW - datetime.timedelta(seconds=1) + datetime.timedelta(minutes=1)


def test_combine_takes_the_strictest() -> None:
    slow = throttle.Verdict(False, NOW + datetime.timedelta(seconds=5))
    locked = throttle.Verdict(False, NOW + datetime.timedelta(minutes=15), locked=True)
    assert throttle.combine(throttle.ALLOWED, slow) == slow
    assert throttle.combine(slow, locked, throttle.ALLOWED) == locked
    assert throttle.combine(throttle.ALLOWED, throttle.ALLOWED).allowed


@given(
    st.lists(st.floats(min_value=0, max_value=3600), max_size=60),
    st.sampled_from([throttle.PAIR_LIMITS, throttle.ACCOUNT_LIMITS, throttle.ADDRESS_LIMITS]),
)
def test_a_refusal_always_says_when_to_come_back_and_it_is_in_the_future(
    ages: list[float], limits: throttle.Limits
) -> None:
    verdict = throttle.judge(seconds_ago(*ages), NOW, limits)
    if not verdict.allowed:
        assert verdict.retry_at is not None
        assert verdict.retry_at > NOW
        assert verdict.retry_at <= NOW + throttle.LOCK_DURATION


# --- Pairs, accounts and addresses ---------------------------------------------------------------------

OWNER, ATTACKER = "owner@lancashire.example", "attacker@lancashire.example"
OFFICE, ELSEWHERE = "10.0.0.1", "192.0.2.7"


def attempt(age: float, email: str, address: str, succeeded: bool = False) -> throttle.Attempt:
    return throttle.Attempt(at=NOW - datetime.timedelta(seconds=age), email=email, address=address, succeeded=succeeded)


def test_five_guesses_from_one_address_lock_that_pair_and_not_the_owner() -> None:
    guesses = [attempt(age, OWNER, ELSEWHERE) for age in (50, 40, 30, 20, 10)]
    guesser = throttle.assess(guesses, email=OWNER, address=ELSEWHERE, now=NOW)
    assert guesser.locked
    assert guesser.retry_at == NOW - datetime.timedelta(seconds=10) + throttle.LOCK_DURATION
    assert throttle.assess(guesses, email=OWNER, address=OFFICE, now=NOW).allowed


def test_signing_in_to_ones_own_account_does_not_reset_the_address() -> None:
    history = []
    for number in range(40):
        if number % 8 == 0:
            history.append(attempt(100 - 2 * number + 1, ATTACKER, ELSEWHERE, succeeded=True))
        history.append(attempt(100 - 2 * number, f"victim{number}@lancashire.example", ELSEWHERE))
    verdict = throttle.assess(history, email="victim40@lancashire.example", address=ELSEWHERE, now=NOW)
    assert verdict.locked  # 40 failures from the address: past its lock at 25


def test_a_success_resets_the_account_and_the_pair() -> None:
    history = [attempt(age, OWNER, OFFICE) for age in (50, 40, 30, 20)] + [attempt(5, OWNER, OFFICE, succeeded=True)]
    assert throttle.assess(history, email=OWNER, address=OFFICE, now=NOW).allowed


def test_guesses_spread_over_many_addresses_still_meet_the_accounts_limits() -> None:
    history = [attempt(600 - 10 * n, OWNER, f"192.0.2.{n // 4}") for n in range(50)]
    verdict = throttle.assess(history, email=OWNER, address="198.51.100.1", now=NOW)
    assert verdict.locked
    earlier = NOW - datetime.timedelta(seconds=481)
    slowed = throttle.assess(history[:12], email=OWNER, address="198.51.100.1", now=earlier)
    assert not slowed.allowed
    assert not slowed.locked


attempts = st.builds(
    throttle.Attempt,
    at=st.floats(min_value=0, max_value=1200).map(lambda age: NOW - datetime.timedelta(seconds=age)),
    email=st.sampled_from([OWNER, ATTACKER, "third@lancashire.example"]),
    address=st.sampled_from([OFFICE, ELSEWHERE]),
    succeeded=st.booleans(),
)


@given(st.lists(attempts, max_size=60), st.lists(st.floats(min_value=0, max_value=1200), max_size=10))
def test_successes_at_other_accounts_never_change_the_verdict(
    history: list[throttle.Attempt], own_sign_ins: list[float]
) -> None:
    with_own = history + [attempt(age, ATTACKER, ELSEWHERE, succeeded=True) for age in own_sign_ins]
    assert throttle.assess(with_own, email=OWNER, address=ELSEWHERE, now=NOW) == throttle.assess(
        history, email=OWNER, address=ELSEWHERE, now=NOW
    )
