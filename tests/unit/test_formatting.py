"""Numbers and times are shown the UK way, in Europe/London time."""

from __future__ import annotations

import datetime
import decimal

from quest.web.templating import format_date, format_datetime, format_number


def test_numbers_have_thousands_separators_and_round_half_up() -> None:
    assert format_number(1_601_600) == "1,601,600"
    assert format_number(decimal.Decimal("2207.85"), 1) == "2,207.9"
    assert format_number(decimal.Decimal("2.225"), 2) == "2.23"
    assert format_number(None) == "–"


def test_dates_are_in_the_govuk_style() -> None:
    assert format_date(datetime.date(2026, 4, 1)) == "1 April 2026"


def test_times_are_shown_in_uk_time_across_the_clock_change() -> None:
    summer = datetime.datetime(2026, 7, 1, 13, 5, tzinfo=datetime.UTC)
    winter = datetime.datetime(2026, 12, 1, 13, 5, tzinfo=datetime.UTC)
    assert format_datetime(summer) == "1 July 2026 at 2:05pm"
    assert format_datetime(winter) == "1 December 2026 at 1:05pm"
    assert format_date(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)) == "1 July 2026"


def test_the_error_summary_lists_a_shared_message_once() -> None:
    from quest.web.templating import error_links

    shared = "Enter a correct email address and password"
    assert error_links({"email": shared, "password": shared}) == [{"text": shared, "href": "#email"}]
    assert error_links({"email": "Enter your email address", "password": "Enter your password"}) == [
        {"text": "Enter your email address", "href": "#email"},
        {"text": "Enter your password", "href": "#password"},
    ]
