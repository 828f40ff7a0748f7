"""The machine a run was measured on, for the report: CPU, cores, memory, OS, Python, the databases."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "model name":
            return value.strip()
    return platform.processor() or "unknown"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    raise ValueError("/proc/meminfo has no MemTotal")


def operating_system() -> str:
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, Linux {platform.release()}"
    return platform.platform()


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: on a shared machine, how much else was running."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def describe(database_versions: dict[str, str]) -> dict[str, str]:
    """What the report says of the machine; ``database_versions`` by engine name."""
    return {
        "CPU": cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{memory_gib():.1f} GiB",
        "OS": operating_system(),
        "Python": platform.python_version(),
        **{f"{engine} version": version for engine, version in database_versions.items()},
    }
