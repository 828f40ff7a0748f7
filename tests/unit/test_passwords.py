"""Password rules and hashing (DESIGN §7: Argon2id, at least 12 characters, at least 64 allowed,
common passwords refused)."""

from __future__ import annotations

import asyncio
import importlib.util
import threading
import time
from typing import Any

import pytest
from argon2 import PasswordHasher

from quest.accounts import passwords
from quest.accounts.passwords import MAX_LENGTH, hash_password, needs_rehash, password_problem, verify_password


def test_hashes_are_argon2id_salted_and_verify() -> None:
    first = hash_password("correct horse battery staple")
    second = hash_password("correct horse battery staple")
    assert first.startswith("$argon2id$")
    assert first != second  # a new salt each time
    assert verify_password(first, "correct horse battery staple")
    assert not verify_password(first, "correct horse battery stapler")
    assert not needs_rehash(first)


def test_quest_hashes_at_the_cost_rfc_9106_sets_out_with_one_lane() -> None:
    # The suite hashes at a lower cost (tests/conftest.py, quick_password_hashes): this is the real one.
    assert (passwords.TIME_COST, passwords.MEMORY_COST_KIB, passwords.PARALLELISM) == (3, 65536, 1)
    real = PasswordHasher(
        time_cost=passwords.TIME_COST, memory_cost=passwords.MEMORY_COST_KIB, parallelism=passwords.PARALLELISM
    ).hash("correct horse battery staple")
    assert real.startswith("$argon2id$v=19$m=65536,t=3,p=1$")


def test_an_unknown_email_is_checked_against_a_hash_at_quest_cost() -> None:
    # The suite's hashes are cheap (tests/conftest.py): the module is loaded afresh to read its own.
    spec = importlib.util.find_spec("quest.accounts.passwords")
    assert spec is not None
    assert spec.loader is not None
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    real = PasswordHasher(
        time_cost=passwords.TIME_COST, memory_cost=passwords.MEMORY_COST_KIB, parallelism=passwords.PARALLELISM
    )
    assert real.verify(fresh._DUMMY_HASH, "not anyone's password, only here to take time")
    assert not real.check_needs_rehash(fresh._DUMMY_HASH)


def test_no_hash_never_verifies() -> None:
    assert not verify_password(None, "anything at all here")
    assert not verify_password("not a hash", "anything at all here")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "Enter a password"),
        ("Morecambe-1", "Password must be 12 characters or more"),
        ("x" * (MAX_LENGTH + 1), f"Password must be {MAX_LENGTH} characters or fewer"),
        ("password1234", "Choose a password that is harder to guess"),
        ("qwertyuiop123", "Choose a password that is harder to guess"),
        ("aaaaaaaaaaaaaaaa", "Choose a password that is harder to guess"),
        ("letmein12345", "Choose a password that is harder to guess"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, problem: str) -> None:
    found = password_problem(password)
    assert found is not None
    assert found.startswith(problem)


SAM = {"email": "sam.taylor@lancashire.example", "name": "PC Sam Taylor", "force": ("LAN", "Lancashire Constabulary")}


def test_a_password_made_of_ones_own_name_is_refused() -> None:
    assert password_problem("samtaylor2026", **SAM) == "Do not use your name or email address in your password"
    assert password_problem("kettle orbit granite lantern", **SAM) is None


def test_ones_own_email_is_refused_whatever_its_case_though_zxcvbn_alone_would_score_it_4() -> None:
    assert password_problem("Sam.Taylor@Lancashire.example") is None  # strong, to someone who does not know Sam
    assert password_problem("Sam.Taylor@Lancashire.example", **SAM) == "Do not use your email address as your password"


@pytest.mark.parametrize(
    "password",
    [
        "purple Taylor cobalt violin",  # a part of the name, among strong words
        "purple sam cobalt violin 77",  # a part of 3 letters
        "violin-SamTaylor-cobalt-purple",  # the whole name
        "purple sam.taylor cobalt violin",  # the email's local part
    ],
)
def test_a_strong_password_with_ones_name_or_email_in_it_is_refused_outright(password: str) -> None:
    assert password_problem(password) is None
    assert password_problem(password, **SAM) == "Do not use your name or email address in your password"


def test_short_name_parts_and_titles_do_not_count_but_the_force_does() -> None:
    person = {"email": "jo.li@lancashire.example", "name": "PC Jo Li"}
    assert password_problem("pc jo kettle orbit granite", **person) is None
    assert password_problem("lancashire2026!", **SAM) is not None


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "Morecambe-Bay-tide-2026",
        "kettle orbit granite lantern " * 2,  # 58 characters
        "w" + "ordy passphrase with quite a few words in it, well past sixty-four characters!",
    ],
)
def test_strong_passwords_of_any_length_up_to_the_maximum_are_accepted(password: str) -> None:
    assert len(password) <= MAX_LENGTH
    assert password_problem(password) is None


def test_at_least_64_characters_are_allowed() -> None:
    assert MAX_LENGTH >= 64
    long_password = "harbour kestrel violin meadow copper ribbon thistle quartz lantern"
    assert len(long_password) > 64
    assert password_problem(long_password) is None
    assert verify_password(hash_password(long_password), long_password)


def test_at_most_a_few_hashes_run_at_once(monkeypatch: Any) -> None:
    """A burst of sign-ins queues for the hashing threads: Argon2 takes 64 MiB each time."""
    limit = passwords.CONCURRENT_HASHES
    lock = threading.Lock()
    running: list[int] = [0]
    peak: list[int] = [0]
    together = threading.Barrier(limit, timeout=30)  # proves that ``limit`` of them do run at once

    class CountingHasher:
        def hash(self, password: str) -> str:
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            together.wait()
            # Lingering widens the window in which a missing bound would show; with the bound, no timing
            # can make the peak exceed it, so this cannot make the test flaky.
            time.sleep(0.05)
            with lock:
                running[0] -= 1
            return f"hash of {password}"

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())

    async def burst() -> list[str]:
        return await asyncio.gather(*(passwords.hash_password_in_thread(f"p{n}") for n in range(4 * limit)))

    assert asyncio.run(burst()) == [f"hash of p{n}" for n in range(4 * limit)]
    assert peak[0] == limit


def test_a_long_password_is_never_truncated() -> None:
    """ASVS 2.1.3: the last character of a 128-character password counts."""
    base = "harbour kestrel violin meadow copper ribbon thistle quartz lantern " * 2
    password = base[: MAX_LENGTH - 1] + "a"
    assert password_problem(password) is None
    assert not verify_password(hash_password(password), password[:-1] + "b")


def test_any_printable_unicode_and_spaces_are_allowed() -> None:
    """ASVS 2.1.4: accented letters, other scripts, emoji and spaces are all password characters."""
    password = "Crème brûlée ☕ Ωmega 🔑 kestrel"
    assert password_problem(password) is None
    assert verify_password(hash_password(password), password)
    assert not verify_password(hash_password(password), "Creme brulee ☕ Ωmega 🔑 kestrel")
