"""Passwords: Argon2id hashes, and the rules a new password must meet (DESIGN §7, OWASP ASVS level 2).

- At least 12 characters; up to 128 allowed (ASVS asks for at least 64).
- Not common or easy to guess: judged by zxcvbn, which knows the common-password lists, keyboard walks,
  repeats, dates and the user's own name and email. A score below 3 of 4 is refused.
- No rules about character classes: they make passwords harder to remember, not to guess.

Argon2 is slow and hungry on purpose (about half a second and 64 MiB a check), so code that serves
requests awaits ``hash_password_in_thread`` and ``verify_password_in_thread``: they run the work in a few
threads of its own, off the event loop, and a burst of sign-ins waits its turn there instead of holding
up every other request of the worker. The plain functions are for scripts and tests.
"""

from __future__ import annotations

import asyncio
import functools
import re
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_STRENGTH = 3
_SERVICE_WORDS = ("quest", "police", "lean", "constabulary")
# zxcvbn judges at most this many characters; a longer password is judged by its start.
_STRENGTH_WINDOW = 72

# Argon2id, t=3 and m=64 MiB as in RFC 9106's low-memory profile, but one lane (p=1): each check then keeps
# one core busy rather than every core, so a burst of sign-ins leaves the others free to answer everyone
# else. The cost to an attacker (memory × passes) is the same; hashes made with p=4 still verify, and are
# replaced with the new parameters at the next sign-in.
_hasher = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=1)
# Verified against when the email matches no one, so that an unknown email takes as long as a known one.
_DUMMY_HASH = _hasher.hash("not anyone's password, only here to take time")


# Argon2 computations at once, per process (per worker). Each needs 64 MiB and keeps a core busy: one at a
# time leaves the other core to the worker's other requests (DESIGN §7: 300 MB a worker), and the rest
# queue, at no cost. With more cores, run more workers.
CONCURRENT_HASHES = 1
_hashing_threads = ThreadPoolExecutor(max_workers=CONCURRENT_HASHES, thread_name_prefix="quest-argon2")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches. With no hash (no such user, or no password set) this still takes
    the time of a real check, and answers no."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


async def hash_password_in_thread(password: str) -> str:
    """``hash_password``, off the event loop, at most ``CONCURRENT_HASHES`` at once."""
    return await asyncio.get_running_loop().run_in_executor(
        _hashing_threads, functools.partial(hash_password, password)
    )


async def verify_password_in_thread(password_hash: str | None, password: str) -> bool:
    """``verify_password`` (the dummy check too, for no hash), off the event loop, at most
    ``CONCURRENT_HASHES`` at once."""
    return await asyncio.get_running_loop().run_in_executor(
        _hashing_threads, functools.partial(verify_password, password_hash, password)
    )


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """What is wrong with ``password`` as a new password, in words for the person choosing it; or None."""
    if not password:
        return "Enter a password"
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    words = [part for value in user_inputs for part in re.split(r"[^a-z0-9]+", value.lower()) if part]
    judgement = zxcvbn(password[:_STRENGTH_WINDOW], user_inputs=[*words, *_SERVICE_WORDS])
    # A name or email in the password is among the first things an attacker tries; only a password
    # that is very hard to guess for other reasons (score 4) may contain one.
    squashed = re.sub(r"[^a-z0-9]", "", password.lower())
    if judgement["score"] < 4 and any(len(word) >= 4 and word in squashed for word in words):
        return "Do not use your name or email address in your password"
    if judgement["score"] < MIN_STRENGTH:
        warning = judgement["feedback"]["warning"]
        advice = f" ({warning.rstrip('.')})" if warning else ""
        return f"Choose a password that is harder to guess{advice}. A few unrelated words make a good one"
    return None
