"""A real SMTP server for tests (aiosmtpd) that keeps what it is sent, and an app that mails through one."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from quest.app import create_app
from quest.clock import Clock
from quest.config import Settings
from quest.notifications import email
from quest.notifications.models import OutboxEmail

MAIL_FROM = "QUEST <quest@lancashire.example>"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Inbox:
    """An aiosmtpd handler that keeps what it is sent; ``delay`` slows each acceptance down."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Event()
        self.delay = delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(message_from_bytes(envelope.content))
        self.arrived.set()
        return "250 Message accepted for delivery"


def start_smtp_server(handler: Inbox, port: int) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = start_smtp_server(handler, port)
    try:
        yield handler, port
    finally:
        controller.stop()


def mail_settings(settings: Settings, smtp_url: str) -> Settings:
    return dataclasses.replace(settings, smtp_url=smtp_url, mail_from=MAIL_FROM, base_url="https://quest.example")


@pytest.fixture
def mail_app(settings: Settings) -> Iterator[Callable[..., TestClient[Litestar]]]:
    """Make an app that sends mail through ``smtp_url``; switch mail off again afterwards."""

    def make(smtp_url: str, clock: Clock | None = None) -> TestClient[Litestar]:
        return TestClient(
            create_app(mail_settings(settings, smtp_url), clock=clock), base_url="http://testserver.local"
        )

    yield make
    email.configure(settings)


def outbox_rows(database: Any) -> list[Any]:
    """Every row of the email outbox, oldest first."""

    async def read(session_maker: Any) -> list[Any]:
        async with session_maker() as session:
            return list((await session.execute(select(OutboxEmail).order_by(OutboxEmail.id))).scalars())

    return database(read)  # type: ignore[no-any-return]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """Wait for something the app does in the background (the sender); fail, naming it, if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
