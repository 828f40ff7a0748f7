"""The email outbox's pure rules: when a failed email is tried again, and what of an error it keeps."""

from __future__ import annotations

import datetime
import smtplib

import pytest

from quest.notifications.outbox import LAST_ERROR_LENGTH, MAX_ATTEMPTS, describe_error, retry_delay


def test_retries_wait_30_seconds_then_twice_as_long_each_time_at_most_an_hour() -> None:
    assert [retry_delay(attempts).total_seconds() for attempts in range(1, MAX_ATTEMPTS)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
    assert retry_delay(1000) == datetime.timedelta(hours=1)


def test_all_the_tries_together_span_about_three_hours() -> None:
    span = sum((retry_delay(attempts) for attempts in range(1, MAX_ATTEMPTS)), datetime.timedelta())
    assert datetime.timedelta(hours=2) < span < datetime.timedelta(hours=4)


def test_there_is_no_delay_before_the_first_try() -> None:
    with pytest.raises(ValueError, match="attempts"):
        retry_delay(0)


def test_the_error_kept_never_holds_the_mail_servers_password_and_is_short() -> None:
    error = smtplib.SMTPAuthenticationError(535, b"Authentication failed for quest:s3cret-Pa55")
    kept = describe_error(error, "s3cret-Pa55")
    assert kept.startswith("SMTPAuthenticationError: ")
    assert "s3cret-Pa55" not in kept
    assert "[redacted]" in kept
    assert len(describe_error(OSError("x" * 2000), None)) == LAST_ERROR_LENGTH
