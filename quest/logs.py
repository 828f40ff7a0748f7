"""Structured logging: one event a line, with the request id, and never a secret.

Every log line, QUEST's own and those of the libraries (uvicorn, SQLAlchemy), goes through structlog's
processors, so each carries the request id of the request that caused it and passes the redaction step.
Development prints readable key=value lines; production prints JSON (``QUEST_LOG_FORMAT``).
"""

from __future__ import annotations

import contextvars
import logging
import logging.config
import re
from collections.abc import MutableMapping
from typing import Any

import structlog

from quest.config import Settings

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("quest_request_id", default=None)

# Keys whose values never reach a log line, whatever logs them.
_SECRET_KEY_PATTERN = re.compile(r"pass(word)?|secret|token|authori[sz]ation|cookie|session|csrf|api[_-]?key", re.I)
# user:password@ inside any URL that ends up in a message.
_URL_PASSWORD_PATTERN = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]+):(?P<password>[^@/\s]+)@", re.I)
REDACTED = "[redacted]"


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(request_id: str) -> contextvars.Token[str | None]:
    return _request_id.set(request_id)


def reset_request_id(token: contextvars.Token[str | None]) -> None:
    _request_id.reset(token)


def _add_request_id(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    request_id = _request_id.get()
    if request_id is not None:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def redact_secrets(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Mask values under secret-sounding keys, and passwords inside URLs anywhere in the line."""
    for key in list(event_dict):
        value = event_dict[key]
        if key != "event" and _SECRET_KEY_PATTERN.search(key):
            event_dict[key] = REDACTED
        elif isinstance(value, str):
            event_dict[key] = _URL_PASSWORD_PATTERN.sub(r"\g<scheme>\g<user>:" + REDACTED + "@", value)
    return event_dict


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_request_id,
        redact_secrets,
    ]


def configure_logging(settings: Settings) -> None:
    """Route structlog and the standard library's logging through the same processors and renderer."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if settings.log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared = _shared_processors()
    structlog.configure(
        processors=[
            # First, so that a line below the level (every request's, under WARNING) costs no more work.
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "structured": {
                    "()": structlog.stdlib.ProcessorFormatter,
                    "foreign_pre_chain": shared,
                    "processors": [
                        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                        structlog.processors.format_exc_info,
                        renderer,
                    ],
                }
            },
            "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "structured"}},
            "root": {"handlers": ["default"], "level": settings.log_level},
            "loggers": {
                # uvicorn's access log carries query strings; QUEST logs each request itself instead.
                "uvicorn.access": {"level": "WARNING"},
                "uvicorn.error": {"level": settings.log_level},
                "sqlalchemy.engine": {"level": "WARNING"},
                "aiosqlite": {"level": "WARNING"},
            },
        }
    )


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)
