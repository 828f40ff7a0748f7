"""Logs are structured, carry the request id, and never carry a secret."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from quest.config import Settings
from quest.logs import (
    REDACTED,
    bind_request_id,
    configure_logging,
    get_logger,
    redact_secrets,
    reset_request_id,
)


def test_secret_keys_and_url_passwords_are_redacted() -> None:
    event = redact_secrets(
        None,
        "info",
        {
            "event": "connecting",
            "password": "hunter2hunter2",
            "Authorization": "Bearer abc",
            "session_id": "s3cr3t",
            "url": "postgresql+asyncpg://quest:hunter2hunter2@db/quest",
            "path": "/forces",
        },
    )
    assert event["password"] == REDACTED
    assert event["Authorization"] == REDACTED
    assert event["session_id"] == REDACTED
    assert event["url"] == f"postgresql+asyncpg://quest:{REDACTED}@db/quest"
    assert event["path"] == "/forces"


def test_json_lines_carry_the_request_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(data_dir=tmp_path, log_format="json", log_level="INFO"))
    token = bind_request_id("req-12345678")
    try:
        get_logger("quest.test").info("something happened", token="abc123", count=3)
        logging.getLogger("some.library").warning("library says %s", "hello")
    finally:
        reset_request_id(token)
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    ours, library = lines[-2], lines[-1]
    assert ours["event"] == "something happened"
    assert ours["request_id"] == "req-12345678"
    assert ours["token"] == REDACTED
    assert ours["count"] == 3
    assert library["event"] == "library says hello"
    assert library["request_id"] == "req-12345678"
    assert library["level"] == "warning"
