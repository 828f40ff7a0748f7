"""Which characters QUEST keeps as text: one rule for every field, whichever door the text came in by.

Text is anything a person can type: letters of any script, punctuation, emoji, tabs and line breaks.
Refused: NUL and the other C0 control characters (PostgreSQL cannot store NUL; Excel and XML cannot hold
the rest) and lone UTF-16 surrogates, which are not characters at all. Refusing, rather than quietly
removing, tells the sender what was wrong and never changes what they meant.

What was stored before this rule (or by a route round it) is made printable where it leaves QUEST, by
:func:`printable`, so one odd title never breaks an export for everyone.
"""

from __future__ import annotations

import re

# C0 controls except tab (\x09), line feed (\x0a) and carriage return (\x0d); and lone surrogates.
REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"


def refused_character(value: str) -> str | None:
    """The first character of ``value`` that text may not contain, or None if it is all acceptable."""
    found = REFUSED_CHARACTERS.search(value)
    return found.group() if found else None


def text_problem(field: str, value: str) -> str | None:
    """What is wrong with ``value`` as the text of ``field``, in words for the sender; None if nothing."""
    character = refused_character(value)
    if character is None:
        return None
    return (
        f"‘{printable(field)}’ contains a character that is not text (U+{ord(character):04X}, a control "
        "character). Remove it and try again."
    )


def printable(value: str) -> str:
    """``value`` with every refused character replaced by U+FFFD, the mark for a character lost."""
    return REFUSED_CHARACTERS.sub(REPLACEMENT_CHARACTER, value)


def matching_key(value: str) -> str:
    """What two names are compared by, whatever their case and spacing: "Pending  Incidents" and
    "pending incidents" match. Kept beside the name in a column where a query must compare names (a
    database's own lower() knows only ASCII, and neither engine folds runs of spaces alike)."""
    return " ".join(value.lower().split())
