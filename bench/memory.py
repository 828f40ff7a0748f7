"""Resident memory of the server's workers, read from /proc: the peak (``VmHWM``, the high-water mark since
the worker started, so the peak under the run's load) and the size now (``VmRSS``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Resident:
    pid: int
    peak_mb: float
    now_mb: float


def status_kilobytes(status: str, field: str) -> int:
    """A ``kB`` figure from the text of /proc/PID/status, e.g. ``VmHWM``."""
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name == field:
            return int(value.split()[0])
    raise ValueError(f"/proc status has no {field}")


def resident(pid: int) -> Resident:
    status = Path(f"/proc/{pid}/status").read_text()
    return Resident(pid, status_kilobytes(status, "VmHWM") / 1024, status_kilobytes(status, "VmRSS") / 1024)
