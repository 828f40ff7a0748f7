"""Where QUEST's files are: inside the package when installed from a wheel, at the top of the
repository when run from a source checkout (an editable install)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = PACKAGE_DIR.parent


def _locate(packaged: str, source: str) -> Path:
    inside = PACKAGE_DIR / packaged
    return inside if inside.is_dir() else _SOURCE_ROOT / source


TEMPLATES_DIR = _locate("_templates", "templates")
MIGRATIONS_DIR = _locate("_migrations", "migrations")
STATIC_DIR = PACKAGE_DIR / "static"
DATA_DIR = PACKAGE_DIR / "data"
