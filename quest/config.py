"""Settings, read once from the ``QUEST_*`` environment variables (DESIGN §6).

Everything the application needs to know about its surroundings is in :class:`Settings`. Nothing else
reads the environment, so a test or a command can build its own ``Settings`` and pass it in.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

Environment = Literal["development", "production"]
LogFormat = Literal["console", "json"]

SECRET_KEY_FILE = "secret_key"
SQLITE_FILE = "quest.db"
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


class ConfigurationError(Exception):
    """A setting is missing or wrong. The message names the variable and says what is expected."""


@dataclass(frozen=True, slots=True)
class Settings:
    env: Environment = "development"
    data_dir: Path = field(default_factory=lambda: Path("var"))
    database_url: str = ""
    # The database as a role that owns its tables, for migrations only; none: ``database_url`` migrates.
    migration_database_url: str = field(default="", repr=False)
    secret_key: str = field(default="", repr=False)
    log_level: str = "INFO"
    log_format: LogFormat = "console"
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    # How long a SQLite writer waits for another to finish before its request is answered 503 "try again".
    sqlite_busy_timeout_seconds: int = 30
    # How long each process keeps every force's figures for the national comparison (0: not at all).
    national_figures_seconds: int = 60
    # Host names this service answers to; "*" (development only) means any.
    allowed_hosts: tuple[str, ...] = ("*",)
    # Where notification emails go out (none: in-app notifications only), who they are from, and the
    # address people open QUEST at, for the links in them.
    smtp_url: str = field(default="", repr=False)
    mail_from: str = "QUEST <quest@localhost>"
    base_url: str = "http://localhost:8000"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def for_migrations(self) -> Settings:
        """These settings as migrations use them: the owner role's URL, when one is set."""
        if not self.migration_database_url:
            return self
        return replace(self, database_url=self.migration_database_url)


def default_database_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from the environment. Raises :class:`ConfigurationError` on a bad value."""
    environ = os.environ if environ is None else environ

    env = environ.get("QUEST_ENV", "development").strip().lower() or "development"
    if env not in ("development", "production"):
        raise ConfigurationError(f"QUEST_ENV must be 'development' or 'production', not {env!r}")

    data_dir = Path(environ.get("QUEST_DATA_DIR", "var").strip() or "var")
    raw_url = environ.get("QUEST_DATABASE_URL", "").strip() or default_database_url(data_dir)
    database_url = parse_database_url(raw_url).render_as_string(hide_password=False)
    raw_migration_url = environ.get("QUEST_MIGRATION_DATABASE_URL", "").strip()
    migration_database_url = (
        parse_database_url(raw_migration_url, "QUEST_MIGRATION_DATABASE_URL").render_as_string(hide_password=False)
        if raw_migration_url
        else ""
    )

    log_level = environ.get("QUEST_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigurationError(f"QUEST_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {log_level!r}")

    default_format = "json" if env == "production" else "console"
    log_format = environ.get("QUEST_LOG_FORMAT", default_format).strip().lower() or default_format
    if log_format not in ("console", "json"):
        raise ConfigurationError(f"QUEST_LOG_FORMAT must be 'console' or 'json', not {log_format!r}")

    session_idle_minutes = _whole_number(environ, "QUEST_SESSION_IDLE_MINUTES", 30, 1, 24 * 60)
    session_max_hours = _whole_number(environ, "QUEST_SESSION_MAX_HOURS", 12, 1, 24 * 30)
    sqlite_busy_timeout_seconds = _whole_number(environ, "QUEST_SQLITE_BUSY_TIMEOUT_SECONDS", 30, 1, 600)
    national_figures_seconds = _whole_number(environ, "QUEST_NATIONAL_FIGURES_SECONDS", 60, 0, 3600)

    secret_key = environ.get("QUEST_SECRET_KEY", "").strip()
    if not secret_key:
        if env == "production":
            raise ConfigurationError("QUEST_SECRET_KEY is required when QUEST_ENV=production")
        secret_key = development_secret_key(data_dir)
    elif len(secret_key) < 32:
        raise ConfigurationError("QUEST_SECRET_KEY must be at least 32 characters long")

    hosts = tuple(host.strip().lower() for host in environ.get("QUEST_ALLOWED_HOSTS", "").split(",") if host.strip())
    if not hosts:
        if env == "production":
            raise ConfigurationError(
                "QUEST_ALLOWED_HOSTS is required when QUEST_ENV=production: the host names QUEST answers to,"
                " separated by commas, e.g. quest.lancashire.police.uk"
            )
        hosts = ("*",)

    smtp_url = environ.get("QUEST_SMTP_URL", "").strip()
    if smtp_url and not smtp_url.startswith(("smtp://", "smtps://", "smtp+starttls://")):
        raise ConfigurationError("QUEST_SMTP_URL must start with smtp://, smtp+starttls:// or smtps://")
    mail_from = environ.get("QUEST_MAIL_FROM", "").strip() or "QUEST <quest@localhost>"
    base_url = (environ.get("QUEST_BASE_URL", "").strip() or "http://localhost:8000").rstrip("/")

    return Settings(
        env=env,  # type: ignore[arg-type]  # checked above
        data_dir=data_dir,
        database_url=database_url,
        migration_database_url=migration_database_url,
        secret_key=secret_key,
        log_level=log_level,
        log_format=log_format,  # type: ignore[arg-type]  # checked above
        session_idle_minutes=session_idle_minutes,
        session_max_hours=session_max_hours,
        sqlite_busy_timeout_seconds=sqlite_busy_timeout_seconds,
        national_figures_seconds=national_figures_seconds,
        allowed_hosts=hosts,
        smtp_url=smtp_url,
        mail_from=mail_from,
        base_url=base_url,
    )


def _whole_number(environ: Mapping[str, str], name: str, default: int, lowest: int, highest: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None
    if not lowest <= value <= highest:
        raise ConfigurationError(f"{name} must be between {lowest} and {highest}, not {value}")
    return value


def development_secret_key(data_dir: Path) -> str:
    """The development secret key: generated once and kept, readable only by its owner, in the data folder."""
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def parse_database_url(raw: str, variable: str = "QUEST_DATABASE_URL") -> URL:
    """Parse a database URL (``variable`` names its setting in errors), accepting the plain
    ``postgresql://`` and ``sqlite://`` forms too."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigurationError(
            f"{variable} is not a database URL; expected postgresql+asyncpg://user:password@host/name"
            " or sqlite+aiosqlite:///path/to/file.db"
        ) from None
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+asyncpg")
    elif url.drivername in ("sqlite", "sqlite+pysqlite"):
        url = url.set(drivername="sqlite+aiosqlite")
    if url.drivername not in SUPPORTED_DRIVERS:
        raise ConfigurationError(
            f"{variable} uses {url.drivername!r}, which QUEST does not support;"
            " use postgresql+asyncpg:// or sqlite+aiosqlite://"
        )
    if url.drivername.startswith("sqlite") and url.database in (None, "", ":memory:"):
        raise ConfigurationError(
            f"{variable} must name a SQLite file; an in-memory database is not shared between connections"
        )
    return url


def describe_url(url: URL | str) -> str:
    """The URL as it may be shown to people and logs: the password is masked."""
    if isinstance(url, str):
        url = make_url(url)
    return url.render_as_string(hide_password=True)
