"""QUEST: a Lean improvement tracker for police forces and other public services with many sites."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("quest")
except PackageNotFoundError:  # pragma: no cover - running from a tree that was never installed
    __version__ = "0.0.0"
