"""What a person typed, read as the value a field holds: one parsing layer for every form and API.

Two layers, both pure:

- Readers (``read_*``) turn text into a value or None, with no words: for callers whose wording is their
  own (a spreadsheet cell, an id in a query string, a count on the quick-entry grid).
- Fields (:func:`text`, :func:`whole_number`, :func:`decimal_number`, :func:`money`, :func:`date`,
  :func:`identifier`, :func:`choice`) also judge the value and, when it is wrong, put a GOV.UK-style message that names
  the field into ``errors[name]`` and return None (text is always returned, cleaned). Every problem is
  collected, so a form shows them all at once. The wording comes from ``label`` (“the rate”): “Enter the
  rate”, “The rate must be more than 0”; a caller whose tested wording differs passes ``missing=`` or
  ``invalid=``.

Which characters text may hold is not judged here: :mod:`quest.text` judges every form field, JSON string
and query parameter once, at the door (:mod:`quest.web.text_input`), before any of these functions runs.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import re
import uuid
from fractions import Fraction
from typing import TypeVar

from quest.clock import EARLIEST_DATE

Errors = dict[str, str]
Choice = TypeVar("Choice", bound=enum.Enum)
Number = decimal.Decimal | Fraction | float | int

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _capital(label: str) -> str:
    """The label starting a sentence: only its first letter raised, so ‘the HQ team’ keeps its HQ."""
    return label[:1].upper() + label[1:]


# --- Readers: text to a value, or None --------------------------------------------------------------


def read_decimal(raw: str) -> decimal.Decimal | None:
    """A number as people write it (``1,204.5``, `` 42 ``); None if it is not one. ``NaN`` and
    ``Infinity`` are read as what they are: whether they are allowed is the caller's rule."""
    try:
        return decimal.Decimal(raw.strip().replace(",", ""))
    except decimal.InvalidOperation:
        return None


def read_whole(raw: str, *, least: int = 0, most: int | None = None) -> int | None:
    """A whole number written in digits alone (a year, a version) from ``least`` to ``most``, or None.
    ``str.isdigit`` is not enough: it passes ‘²’, which ``int`` refuses."""
    text = raw.strip()
    if not text.isdecimal():
        return None
    value = int(text)
    return value if least <= value and (most is None or value <= most) else None


def read_date(raw: str) -> datetime.date | None:
    """A date in ISO form (2026-11-23), as date inputs and the API send it; None otherwise."""
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        return None


def read_written_date(raw: str) -> datetime.date | None:
    """A date as a person writes it in a sheet: ISO (2026-03-01, or 2026-3-1) or UK, day first
    (01/03/2026); None otherwise."""
    text = raw.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdecimal():
        try:  # the usual case: 2026-03-01, as a preview sends back
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _UK_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def read_uuid(raw: str | None) -> uuid.UUID | None:
    """An id, or None if ``raw`` is empty or not an id."""
    if not raw or not raw.strip():
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        return None


def has_places(value: decimal.Decimal, places: int) -> bool:
    """Whether ``value`` needs no more than ``places`` decimal places (1.50 needs 1). Exact for any size."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return False  # NaN or Infinity has no places at all
    if exponent >= -places:
        return True  # as written, it has no more (the usual case: "42", "1.5")
    written = "".join(map(str, digits))
    trailing_zeros = len(written) - len(written.rstrip("0"))
    return not written.rstrip("0") or exponent + trailing_zeros >= -places


# --- Fields: read, judge, and name what is wrong ---------------------------------------------------


def text(
    raw: str,
    name: str,
    label: str,
    *,
    limit: int,
    errors: Errors,
    required: bool = True,
    missing: str | None = None,
    lines: bool = False,
) -> str:
    """``raw`` without surrounding space (and, for ``lines``, with Windows line endings made ``\\n``).
    Required text must not be empty; no text may be longer than ``limit``."""
    value = raw.strip()
    if lines:
        value = value.replace("\r\n", "\n")
    if required and not value:
        errors[name] = missing or f"Enter {label}"
    elif len(value) > limit:
        errors[name] = f"{_capital(label)} must be {limit:,} characters or fewer"
    return value


def whole_number(
    raw: float | str | None, name: str, label: str, *, least: int, most: int, errors: Errors, unit: str = ""
) -> int | None:
    """A whole number from ``least`` to ``most``; ``unit`` (“days”) is said in both messages. A JSON number
    is judged as the text a person would type for it (:func:`number_text`)."""
    of_unit = f" of {unit}" if unit else ""
    try:
        value = int(number_text(raw).strip())
    except ValueError:
        errors[name] = f"Enter {label} as a whole number{of_unit}"
        return None
    if not least <= value <= most:
        errors[name] = f"{_capital(label)} must be between {least:,} and {most:,}{' ' if unit else ''}{unit}"
        return None
    return value


def decimal_number(
    raw: float | str | None,
    name: str,
    label: str,
    *,
    errors: Errors,
    example: str = "15",
    required: bool = True,
    missing: str | None = None,
    invalid: str | None = None,
    more_than: decimal.Decimal | None = None,
    least: decimal.Decimal | None = None,
    most: decimal.Decimal | None = None,
    most_word: str = "fewer",
    places: int | None = None,
) -> decimal.Decimal | None:
    """A finite number, commas allowed, above ``more_than`` (or from ``least``) up to ``most``, with at
    most ``places`` decimal places. Empty and not ``required``: None, with no error. A JSON number (or
    null) is judged as the text a person would type for it (:func:`number_text`)."""
    raw = number_text(raw)
    if not raw.strip().replace(",", ""):
        if required:
            errors[name] = missing or f"Enter {label} as a number, like {example}"
        return None
    value = read_decimal(raw)
    if value is None or not value.is_finite():
        errors[name] = invalid or f"{_capital(label)} must be a number, like {example}"
    elif more_than is not None and value <= more_than:
        errors[name] = f"{_capital(label)} must be more than {more_than}"
    elif least is not None and value < least:
        errors[name] = f"{_capital(label)} must be {least:,} or more"
    elif most is not None and value > most:
        errors[name] = f"{_capital(label)} must be {most:,} or {most_word}"
    elif places is not None and not has_places(value, places):
        errors[name] = f"{_capital(label)} can have at most {places} decimal places"
    else:
        return value
    return None


def money(
    raw: float | str | None, name: str, label: str, *, most: decimal.Decimal, errors: Errors, example: str = "36.51"
) -> decimal.Decimal | None:
    """An amount more than 0 and up to ``most``, in pence at the finest; a leading £ is allowed (and a
    JSON number, as for :func:`decimal_number`)."""
    asked = f"Enter {label} as a number, like {example}"
    return decimal_number(
        number_text(raw).strip().removeprefix("£"),
        name,
        label,
        errors=errors,
        missing=asked,
        invalid=asked,
        more_than=decimal.Decimal(0),
        most=most,
        most_word="less",
        places=2,
    )


def date(
    raw: str,
    name: str,
    label: str,
    *,
    errors: Errors,
    required: bool = True,
    example: str = "2026-11-23",
    missing: str | None = None,
    invalid: str | None = None,
    today: datetime.date | None = None,
    earliest: datetime.date | None = EARLIEST_DATE,
    latest: datetime.date | None = None,
    latest_is: str = "",
) -> datetime.date | None:
    """An ISO date, not after ``today`` (when given), not before ``earliest`` (2000 unless said) and not
    after ``latest``, which ``latest_is`` names (“the end of next financial year”)."""
    if not raw.strip():
        if required:
            errors[name] = missing or f"Enter {label}, like {example}"
        return None
    day = read_date(raw)
    if day is None:
        errors[name] = invalid or f"{_capital(label)} must be a real date, like {example}"
        return None
    return date_within(
        day, name, label, errors=errors, today=today, earliest=earliest, latest=latest, latest_is=latest_is
    )


def date_within(
    day: datetime.date,
    name: str,
    label: str,
    *,
    errors: Errors,
    today: datetime.date | None = None,
    earliest: datetime.date | None = EARLIEST_DATE,
    latest: datetime.date | None = None,
    latest_is: str = "",
) -> datetime.date | None:
    """:func:`date`'s judgement of a date already read (a spreadsheet's date cell, or text read before)."""
    if today is not None and day > today:
        errors[name] = f"{_capital(label)} must be today or in the past"
    elif earliest is not None and day < earliest:
        errors[name] = f"{_capital(label)} must be in {earliest.year} or later"
    elif latest is not None and day > latest:
        named = f", {latest_is}" if latest_is else ""
        errors[name] = f"{_capital(label)} must be on or before {latest.day} {latest:%B %Y}{named}"
    else:
        return day
    return None


def identifier(raw: str | None, name: str, *, invalid: str, errors: Errors) -> uuid.UUID | None:
    """An id, or None when none is given; an id that is not one is an error, in the caller's words."""
    if not raw or not raw.strip():
        return None
    found = read_uuid(raw)
    if found is None:
        errors[name] = invalid
    return found


def choice(raw: str, kind: type[Choice], name: str, *, invalid: str, errors: Errors) -> Choice | None:
    """One of ``kind``'s values (a radio button or a select, as typed); anything else is an error, in the
    caller's words."""
    try:
        return kind(raw)
    except ValueError:
        errors[name] = invalid
        return None


# --- Numbers across the API boundary -----------------------------------------------------------------


def number_text(value: float | str | None) -> str:
    """A JSON number as the text a person would type (0.1, never 0.1000000000000000055), so the API and
    the forms share one validation; text and None (as "") pass through to be judged as typed."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return format(decimal.Decimal(str(value)), "f")


def api_number(value: Number | None, places: int | None = None) -> float | None:
    """A stored or computed number as a JSON number, rounded to ``places`` when given; None stays None."""
    if value is None:
        return None
    return float(value) if places is None else round(float(value), places)
