"""Fixtures shared by the integration tests' modules."""

from tests.mail import inbox, mail_app

__all__ = ["inbox", "mail_app"]
