"""Settings come from QUEST_* variables, once, with a clear error naming any bad variable."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from quest.config import ConfigurationError, describe_url, load_settings


def test_defaults_are_a_sqlite_file_in_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings({"QUEST_DATA_DIR": str(tmp_path)})
    assert settings.env == "development"
    assert settings.is_sqlite
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'quest.db'}"
    assert settings.log_format == "console"


def test_development_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = load_settings({"QUEST_DATA_DIR": str(tmp_path)}).secret_key
    second = load_settings({"QUEST_DATA_DIR": str(tmp_path)}).secret_key
    assert first == second
    assert len(first) >= 32
    mode = (tmp_path / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="QUEST_SECRET_KEY is required"):
        load_settings({"QUEST_ENV": "production", "QUEST_DATA_DIR": str(tmp_path)})
    settings = load_settings(
        {
            "QUEST_ENV": "production",
            "QUEST_SECRET_KEY": "k" * 40,
            "QUEST_ALLOWED_HOSTS": "quest.example.org",
            "QUEST_DATA_DIR": str(tmp_path),
        }
    )
    assert settings.is_production
    assert settings.log_format == "json"
    assert not (tmp_path / "secret_key").exists()


def test_production_requires_allowed_hosts(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="QUEST_ALLOWED_HOSTS is required"):
        load_settings({"QUEST_ENV": "production", "QUEST_SECRET_KEY": "k" * 40, "QUEST_DATA_DIR": str(tmp_path)})
    settings = load_settings(
        {
            "QUEST_ENV": "production",
            "QUEST_SECRET_KEY": "k" * 40,
            "QUEST_ALLOWED_HOSTS": "Quest.Example.org, localhost",
            "QUEST_DATA_DIR": str(tmp_path),
        }
    )
    assert settings.allowed_hosts == ("quest.example.org", "localhost")


def test_session_timeouts_are_configurable_and_checked(tmp_path: Path) -> None:
    settings = load_settings(
        {"QUEST_DATA_DIR": str(tmp_path), "QUEST_SESSION_IDLE_MINUTES": "15", "QUEST_SESSION_MAX_HOURS": "8"}
    )
    assert (settings.session_idle_minutes, settings.session_max_hours) == (15, 8)
    assert load_settings({"QUEST_DATA_DIR": str(tmp_path)}).session_idle_minutes == 30
    with pytest.raises(ConfigurationError, match="QUEST_SESSION_IDLE_MINUTES must be a whole number"):
        load_settings({"QUEST_DATA_DIR": str(tmp_path), "QUEST_SESSION_IDLE_MINUTES": "an hour"})
    with pytest.raises(ConfigurationError, match="QUEST_SESSION_MAX_HOURS must be between 1 and 720"):
        load_settings({"QUEST_DATA_DIR": str(tmp_path), "QUEST_SESSION_MAX_HOURS": "0"})


def test_a_short_secret_key_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        load_settings({"QUEST_SECRET_KEY": "too-short"})


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("QUEST_ENV", "staging", "QUEST_ENV must be"),
        ("QUEST_LOG_LEVEL", "chatty", "QUEST_LOG_LEVEL must be"),
        ("QUEST_LOG_FORMAT", "xml", "QUEST_LOG_FORMAT must be"),
        ("QUEST_DATABASE_URL", "not a url", "is not a database URL"),
        ("QUEST_DATABASE_URL", "mysql://root@localhost/quest", "does not support"),
        ("QUEST_DATABASE_URL", "sqlite+aiosqlite://", "must name a SQLite file"),
        ("QUEST_MIGRATION_DATABASE_URL", "mysql://root@localhost/quest", "QUEST_MIGRATION_DATABASE_URL uses"),
    ],
)
def test_bad_values_name_the_variable(tmp_path: Path, variable: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_settings({"QUEST_DATA_DIR": str(tmp_path), variable: value})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://quest:pw@db/quest", "postgresql+asyncpg://quest:pw@db/quest"),
        ("postgres://quest@db/quest", "postgresql+asyncpg://quest@db/quest"),
        ("postgresql+asyncpg://quest@db:5433/quest", "postgresql+asyncpg://quest@db:5433/quest"),
        ("sqlite:////srv/quest/quest.db", "sqlite+aiosqlite:////srv/quest/quest.db"),
    ],
)
def test_plain_database_urls_are_given_the_async_driver(tmp_path: Path, given: str, expected: str) -> None:
    settings = load_settings({"QUEST_DATA_DIR": str(tmp_path), "QUEST_DATABASE_URL": given})
    assert settings.database_url == expected


def test_migrations_use_the_owner_roles_url_when_one_is_set(tmp_path: Path) -> None:
    app = "postgresql://quest_app:pw@db/quest"
    settings = load_settings({"QUEST_DATA_DIR": str(tmp_path), "QUEST_DATABASE_URL": app})
    assert settings.for_migrations() == settings
    settings = load_settings(
        {
            "QUEST_DATA_DIR": str(tmp_path),
            "QUEST_DATABASE_URL": app,
            "QUEST_MIGRATION_DATABASE_URL": "postgresql://quest_owner:pw@db/quest",
        }
    )
    assert settings.database_url == "postgresql+asyncpg://quest_app:pw@db/quest"
    assert settings.for_migrations().database_url == "postgresql+asyncpg://quest_owner:pw@db/quest"
    assert "quest_owner" not in repr(settings)


def test_passwords_are_masked_when_a_url_is_shown() -> None:
    shown = describe_url("postgresql+asyncpg://quest:hunter2hunter2@db/quest")
    assert "hunter2" not in shown
    assert shown == "postgresql+asyncpg://quest:***@db/quest"


def test_the_sqlite_busy_timeout_is_configurable_and_checked(tmp_path: Path) -> None:
    assert load_settings({"QUEST_DATA_DIR": str(tmp_path)}).sqlite_busy_timeout_seconds == 30
    configured = {"QUEST_DATA_DIR": str(tmp_path), "QUEST_SQLITE_BUSY_TIMEOUT_SECONDS": "5"}
    assert load_settings(configured).sqlite_busy_timeout_seconds == 5
    with pytest.raises(ConfigurationError, match="QUEST_SQLITE_BUSY_TIMEOUT_SECONDS must be between 1 and 600"):
        load_settings({"QUEST_DATA_DIR": str(tmp_path), "QUEST_SQLITE_BUSY_TIMEOUT_SECONDS": "0"})
