"""What kind of thing a metric measures, which way is better, and how often it is read (DESIGN §2)."""

from __future__ import annotations

import enum


class MetricKind(enum.StrEnum):
    BACKLOG = "backlog"
    TIME = "time"
    VOLUME = "volume"
    RATE = "rate"
    SATISFACTION = "satisfaction"
    OTHER = "other"


class Direction(enum.StrEnum):
    """Which way is an improvement."""

    DOWN = "down"
    UP = "up"
    NEUTRAL = "neutral"


class MetricRole(enum.StrEnum):
    """What a measure linked to an idea is for: the outcome the idea means to improve, or a balancing
    measure, which must not get worse because of it (victim satisfaction, repeat calls, complaints)."""

    OUTCOME = "outcome"
    BALANCING = "balancing"

    @property
    def label(self) -> str:
        return "Outcome" if self is MetricRole.OUTCOME else "Balancing measure"


class Frequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


KIND_LABELS = {
    MetricKind.BACKLOG: "Backlog (a count of work waiting)",
    MetricKind.TIME: "Time taken",
    MetricKind.VOLUME: "Volume (how much work comes in or is done)",
    MetricKind.RATE: "Rate or percentage",
    MetricKind.SATISFACTION: "Satisfaction",
    MetricKind.OTHER: "Other",
}
DIRECTION_LABELS = {
    Direction.DOWN: "Lower is better",
    Direction.UP: "Higher is better",
    Direction.NEUTRAL: "Neither: watch for change",
}
FREQUENCY_LABELS = {Frequency.DAILY: "Daily", Frequency.WEEKLY: "Weekly", Frequency.MONTHLY: "Monthly"}
