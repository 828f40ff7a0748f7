"""Passwords: Argon2id hashes, and the rules a new password must meet (DESIGN §7, OWASP ASVS level 2).

- At least 12 characters; up to 128 allowed (ASVS asks for at least 64).
- Not common or easy to guess: judged by zxcvbn, which knows the common-password lists, keyboard walks,
  repeats, dates and the user's own name, email and force. A score below 3 of 4 is refused.
- Not the person's email, and without their name (or a part of it of 3 letters or more) or their email's
  local part in it, whatever zxcvbn's score.
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
TIME_COST, MEMORY_COST_KIB, PARALLELISM = 3, 65536, 1
_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)
# Verified against when the email matches no one, so that an unknown email takes as long as a known one: a
# hash of "not anyone's password, only here to take time" at the cost above, made once and written here
# rather than at every start (it took 0.13 s of each command's and worker's start).
# tests/unit/test_passwords.py checks it is that, at that cost.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=1$huJV0sd+EUv1G9NMBhUZqg$sDDWPxCoC+A+NIY0meibq2chkn8SNVS0bfG+lSGAlx0"


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


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _words(*texts: str) -> list[str]:
    return [part for text in texts for part in re.split(r"[^a-z0-9]+", text.lower()) if part]


def personal_problem(password: str, *, email: str, name: str) -> str | None:
    """Whether ``password`` is the person's email, or has their name (whole, or a part of 3 letters or
    more) or their email's local part in it: the first things an attacker who knows them tries."""
    if email and password.strip().lower() == email.strip().lower():
        return "Do not use your email address as your password"
    squashed = _squashed(password)
    local_part = _squashed(email.rsplit("@", 1)[0]) if "@" in email else ""
    found = [_squashed(name), local_part, *(part for part in _words(name) if len(part) >= 3)]
    if any(len(piece) >= 3 and piece in squashed for piece in found):
        return "Do not use your name or email address in your password"
    return None


def password_problem(password: str, *, email: str = "", name: str = "", force: tuple[str, ...] = ()) -> str | None:
    """What is wrong with ``password`` as a new password, in words for the person choosing it; or None.
    ``email``, ``name`` and ``force`` (its code and name) are the person's own: a password made of them is
    refused."""
    if not password:
        return "Enter a password"
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if problem := personal_problem(password, email=email, name=name):
        return problem
    words = _words(email, name, *force)
    judgement = zxcvbn(password[:_STRENGTH_WINDOW], user_inputs=[*words, *_SERVICE_WORDS])
    # The email's domain or the force's name in the password: only a password that is very hard to guess
    # for other reasons (score 4) may contain one.
    squashed = _squashed(password)
    if judgement["score"] < 4 and any(len(word) >= 4 and word in squashed for word in words):
        return "Do not use your name, email address or force in your password"
    if judgement["score"] < MIN_STRENGTH:
        warning = judgement["feedback"]["warning"]
        advice = f" ({warning.rstrip('.')})" if warning else ""
        return f"Choose a password that is harder to guess{advice}. A few unrelated words make a good one"
    return None
