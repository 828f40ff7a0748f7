"""Fixtures shared by the integration tests' modules."""

import datetime
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from quest.clock import FrozenClock
from quest.config import Settings
from tests.conftest import shared_app
from tests.mail import inbox, mail_app

__all__ = ["frozen_client", "inbox", "mail_app"]

# When the headquarters' small worlds are read (test_headquarters_dashboards, test_honest_comparisons):
# 30 November 2026, in financial year 2026.
HEADQUARTERS_NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen_client(settings: Settings) -> Iterator[TestClient[Litestar]]:
    """The app, its clock stopped at :data:`HEADQUARTERS_NOW`."""
    with TestClient(
        shared_app(settings, clock=FrozenClock(HEADQUARTERS_NOW)), base_url="http://testserver.local"
    ) as client:
        yield client
