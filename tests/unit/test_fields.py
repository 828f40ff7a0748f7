"""The parsing layer (quest/fields.py): what each reader accepts, the messages each field gives, and that
no string a person can type makes one raise."""

from __future__ import annotations

import datetime
import decimal
import uuid
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quest import fields

D = decimal.Decimal
TODAY = datetime.date(2026, 11, 23)


# --- Readers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("42", D(42)), (" 1,204.5 ", D("1204.5")), ("-3", D(-3)), ("", None), ("ten", None), (",", None)],
)
def test_read_decimal_takes_numbers_as_people_write_them(raw: str, expected: D | None) -> None:
    assert fields.read_decimal(raw) == expected


def test_read_decimal_leaves_nan_and_infinity_to_the_caller() -> None:
    assert not fields.read_decimal("NaN").is_finite()  # type: ignore[union-attr]
    assert fields.read_decimal("-Infinity") == D("-Infinity")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-01", datetime.date(2026, 3, 1)),
        ("2026-3-1", datetime.date(2026, 3, 1)),
        ("01/03/2026", datetime.date(2026, 3, 1)),
        ("1/3/2026", datetime.date(2026, 3, 1)),
        (" 2026-03-01 ", datetime.date(2026, 3, 1)),
        ("2026-02-30", None),
        ("30/02/2026", None),
        ("03/2026", None),
        ("March 1st", None),
        ("", None),
    ],
)
def test_read_written_date_takes_iso_and_uk_day_first(raw: str, expected: datetime.date | None) -> None:
    assert fields.read_written_date(raw) == expected


def test_read_date_takes_iso_only() -> None:
    assert fields.read_date(" 2026-11-23 ") == TODAY
    assert fields.read_date("23/11/2026") is None
    assert fields.read_date("2026-02-30") is None


def test_read_uuid_is_none_for_nothing_and_for_what_is_not_an_id() -> None:
    known = uuid.uuid4()
    assert fields.read_uuid(str(known)) == known
    assert fields.read_uuid(f" {known} ") == known
    assert fields.read_uuid("") is None
    assert fields.read_uuid(None) is None
    assert fields.read_uuid("not-an-id") is None


@pytest.mark.parametrize(
    ("raw", "expected"), [("2026", 2026), (" 7 ", 7), ("²", None), ("-1", None), ("1.5", None), ("", None)]
)
def test_read_whole_takes_digits_alone(raw: str, expected: int | None) -> None:
    assert fields.read_whole(raw) == expected


def test_read_whole_keeps_to_its_range() -> None:
    assert fields.read_whole("2100", least=2000, most=2100) == 2100
    assert fields.read_whole("99999", least=2000, most=2100) is None
    assert fields.read_whole("1999", least=2000, most=2100) is None


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("1.50"), 1, True),
        (D("1.000"), 2, True),
        (D("1.005"), 2, False),
        (D("100"), 0, True),
        (D("1E+2"), 0, True),
        (D("0.0000"), 0, True),
        (D("1234567890123456789012345678901.234"), 2, False),  # too long for quantize: answered, not raised
        (D("NaN"), 4, False),
    ],
)
def test_has_places(value: D, places: int, expected: bool) -> None:
    assert fields.has_places(value, places) is expected


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12),
    st.integers(min_value=0, max_value=6),
)
def test_has_places_is_whether_rounding_to_that_many_places_changes_nothing(value: D, places: int) -> None:
    """However the value is written (1.50, 1.5E+1, 0E-9), judged by what it is: the quick answer from the
    exponent as written agrees with rounding."""
    assert fields.has_places(value, places) is (value == value.quantize(D(1).scaleb(-places)))


# --- Fields -------------------------------------------------------------------------------------------


def test_text_is_trimmed_and_its_messages_name_the_field() -> None:
    errors: fields.Errors = {}
    assert fields.text("  Custody handover ", "process", "the process", limit=80, errors=errors) == ("Custody handover")
    assert errors == {}
    fields.text(" ", "title", "a short title", limit=120, errors=errors)
    fields.text("x" * 4001, "problem", "what happens now", limit=4000, errors=errors)
    fields.text("", "benefit", "the benefit", limit=10, required=False, errors=errors)
    fields.text("", "name", "name", limit=10, missing="Enter the person's name", errors=errors)
    assert errors == {
        "title": "Enter a short title",
        "problem": "What happens now must be 4,000 characters or fewer",
        "name": "Enter the person's name",
    }


def test_text_keeps_line_breaks_as_newlines_only_when_asked() -> None:
    errors: fields.Errors = {}
    assert fields.text("one\r\ntwo", "a", "a", limit=10, lines=True, errors=errors) == "one\ntwo"
    assert fields.text("one\r\ntwo", "b", "b", limit=10, errors=errors) == "one\r\ntwo"
    assert errors == {}


def test_whole_number() -> None:
    errors: fields.Errors = {}
    got = fields.whole_number("14", "a", "the time", least=1, most=365, unit="days", errors=errors)
    assert got == 14
    fields.whole_number("two", "b", "the time", least=1, most=365, unit="days", errors=errors)
    fields.whole_number("0", "c", "the time", least=1, most=365, unit="days", errors=errors)
    fields.whole_number("2000", "d", "the count", least=1, most=1000, errors=errors)
    assert errors == {
        "b": "Enter the time as a whole number of days",
        "c": "The time must be between 1 and 365 days",
        "d": "The count must be between 1 and 1,000",
    }


def test_whole_number_from_json() -> None:
    """The API's JSON numbers are judged as the text a person would type: 14 is 14, 2.5 is no whole number."""
    errors: fields.Errors = {}
    assert fields.whole_number(14, "a", "the time", least=1, most=365, errors=errors) == 14
    assert fields.whole_number(2.5, "b", "the time", least=1, most=365, errors=errors) is None
    assert fields.whole_number(None, "c", "the time", least=1, most=365, errors=errors) is None
    assert errors == {"b": "Enter the time as a whole number", "c": "Enter the time as a whole number"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter minutes lost each time as a number, like 15"),
        ("ten", "Minutes lost each time must be a number, like 15"),
        ("Infinity", "Minutes lost each time must be a number, like 15"),
        ("0", "Minutes lost each time must be more than 0"),
        ("1441", "Minutes lost each time must be 1,440 or fewer"),
        ("1.005", "Minutes lost each time can have at most 2 decimal places"),
    ],
)
def test_decimal_number_messages(raw: str, message: str) -> None:
    errors: fields.Errors = {}
    found = fields.decimal_number(
        raw, "minutes", "minutes lost each time", more_than=D(0), most=D(1440), places=2, errors=errors
    )
    assert found is None
    assert errors == {"minutes": message}


def test_decimal_number_from_a_least_and_optional() -> None:
    errors: fields.Errors = {}
    assert fields.decimal_number("1,264.50", "a", "the officers", least=D(0), errors=errors) == D("1264.5")
    assert fields.decimal_number(" ", "b", "target", required=False, errors=errors) is None
    fields.decimal_number("-1", "c", "the officers", least=D(0), errors=errors)
    fields.decimal_number("-2000", "d", "target", least=D(-1000), errors=errors)
    assert errors == {"c": "The officers must be 0 or more", "d": "Target must be -1,000 or more"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("£36.51", D("36.51")), (" £1,000 ", D(1000)), ("36.5", D("36.5"))],
)
def test_money_takes_a_pound_sign_and_commas(raw: str, expected: D) -> None:
    errors: fields.Errors = {}
    assert fields.money(raw, "rate", "the rate", most=D(10000), errors=errors) == expected
    assert errors == {}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter the rate as a number, like 36.51"),
        ("£", "Enter the rate as a number, like 36.51"),
        ("lots", "Enter the rate as a number, like 36.51"),
        ("0", "The rate must be more than 0"),
        ("10000.01", "The rate must be 10,000 or less"),
        ("1.001", "The rate can have at most 2 decimal places"),
    ],
)
def test_money_messages(raw: str, message: str) -> None:
    errors: fields.Errors = {}
    assert fields.money(raw, "rate", "the rate", most=D(10000), errors=errors) is None
    assert errors == {"rate": message}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter the start, like 2026-04-01"),
        ("2026-02-30", "The start must be a real date, like 2026-04-01"),
        ("1999-12-31", "The start must be in 2000 or later"),
        ("2026-11-24", "The start must be today or in the past"),
    ],
)
def test_date_messages(raw: str, message: str) -> None:
    errors: fields.Errors = {}
    assert fields.date(raw, "start", "the start", example="2026-04-01", today=TODAY, errors=errors) is None
    assert errors == {"start": message}


def test_date_bounds_are_the_callers() -> None:
    errors: fields.Errors = {}
    assert fields.date("1999-12-31", "a", "the ‘from’ date", earliest=None, errors=errors) == (
        datetime.date(1999, 12, 31)
    )
    assert fields.date("", "b", "the end", required=False, errors=errors) is None
    end = datetime.date(2028, 3, 31)
    fields.date("2028-04-01", "c", "the start", latest=end, latest_is="the end of next year", errors=errors)
    assert errors == {"c": "The start must be on or before 31 March 2028, the end of next year"}


def test_identifier() -> None:
    errors: fields.Errors = {}
    known = uuid.uuid4()
    assert fields.identifier(str(known), "a", invalid="Choose one", errors=errors) == known
    assert fields.identifier("", "b", invalid="Choose one", errors=errors) is None
    assert fields.identifier(None, "c", invalid="Choose one", errors=errors) is None
    assert fields.identifier("nope", "d", invalid="Must be an id from this API", errors=errors) is None
    assert errors == {"d": "Must be an id from this API"}


# --- Across the API boundary --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.1, "0.1"), (11500, "11500"), (1e-7, "0.0000001"), ("12.50", "12.50"), (None, ""), (True, "True")],
)
def test_number_text_writes_a_json_number_as_a_person_would(value: float | str | None, expected: str) -> None:
    assert fields.number_text(value) == expected


def test_api_number() -> None:
    assert fields.api_number(None) is None
    assert fields.api_number(D("264.50")) == 264.5
    assert fields.api_number(Fraction(1, 3), 4) == 0.3333


# --- Properties ---------------------------------------------------------------------------------------


@given(st.text())
def test_no_typed_text_makes_a_field_raise(raw: str) -> None:
    errors: fields.Errors = {}
    fields.text(raw, "t", "text", limit=50, errors=errors)
    fields.whole_number(raw, "w", "days", least=1, most=365, errors=errors)
    fields.decimal_number(raw, "n", "hours", least=D(-5), most=D(100), places=2, errors=errors)
    fields.decimal_number(raw, "u", "an unbounded number", places=2, errors=errors)
    fields.money(raw, "m", "the rate", most=D(10000), errors=errors)
    fields.date(raw, "d", "the date", today=TODAY, errors=errors)
    fields.identifier(raw, "i", invalid="Choose one", errors=errors)
    fields.read_written_date(raw)
    fields.read_whole(raw)
    fields.number_text(raw)
    assert all(isinstance(message, str) and message for message in errors.values())


@given(st.decimals(min_value=D("0.01"), max_value=D(10000), places=2))
def test_money_reads_back_what_it_was_written_as(amount: D) -> None:
    errors: fields.Errors = {}
    for written in (str(amount), f"£{amount:,}", f" {amount:,.2f} "):
        assert fields.money(written, "m", "the rate", most=D(10000), errors=errors) == amount
    assert errors == {}


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_a_json_number_reads_back_as_the_same_number(value: float) -> None:
    assert fields.read_decimal(fields.number_text(value)) == D(str(value))


@given(st.dates(min_value=datetime.date(2000, 1, 1)))
def test_dates_read_back_in_both_written_forms(day: datetime.date) -> None:
    assert fields.read_written_date(day.isoformat()) == day
    assert fields.read_written_date(f"{day.day}/{day.month}/{day.year:04}") == day
    errors: fields.Errors = {}
    assert fields.date(day.isoformat(), "d", "the date", errors=errors) == day


@pytest.mark.parametrize(("sent", "typed"), [(0.1, "0.1"), (36.51, "36.51"), (42, "42"), (1e-7, "0.0000001")])
def test_a_json_number_is_judged_as_the_text_a_person_would_type(sent: float, typed: str) -> None:
    errors: fields.Errors = {}
    assert fields.decimal_number(sent, "n", "hours", errors=errors) == fields.decimal_number(
        typed, "n", "hours", errors=errors
    )
    assert fields.money(sent, "m", "the rate", most=D(10000), errors=errors) == fields.money(
        typed, "m", "the rate", most=D(10000), errors=errors
    )
    assert errors == ({"m": "The rate can have at most 2 decimal places"} if sent == 1e-7 else {})


def test_a_json_null_is_a_number_left_out() -> None:
    errors: fields.Errors = {}
    assert fields.decimal_number(None, "n", "hours", required=False, errors=errors) is None
    assert errors == {}
    assert fields.money(None, "m", "the rate", most=D(10000), errors=errors) is None
    assert errors == {"m": "Enter the rate as a number, like 36.51"}
