"""Every model, imported in one place so that the metadata Alembic compares against is complete."""

from advanced_alchemy.base import orm_registry

from quest.accounts.models import ApiToken, FormDraft, SignInAttempt, User, UserSession
from quest.audit.models import AuditEntry
from quest.ideas.models import ForceCounter, Idea, IdeaEvent, IdeaFollower, IdeaSupport, IdeaWasteType
from quest.metrics.models import Metric, Reading
from quest.notifications.models import Notification, OutboxEmail
from quest.org.models import Division, Force, ForceProfile, ForceSettings, SimilarForce
from quest.rollups.models import (
    DecisionsByYear,
    IdeasByStatus,
    IdeasRaisedByMonth,
    ReadingsByWeek,
    ResponseDays,
    WasteByMonth,
    WasteByProcess,
)
from quest.savings.models import DoubleCountMember, FlaggedByYear, RateCardEntry, SavingsByYear, SavingsClaim
from quest.waste.models import WasteObservation

metadata = orm_registry.metadata

__all__ = [
    "ApiToken",
    "AuditEntry",
    "DecisionsByYear",
    "Division",
    "DoubleCountMember",
    "FlaggedByYear",
    "Force",
    "ForceCounter",
    "ForceProfile",
    "ForceSettings",
    "FormDraft",
    "Idea",
    "IdeaEvent",
    "IdeaFollower",
    "IdeaSupport",
    "IdeaWasteType",
    "IdeasByStatus",
    "IdeasRaisedByMonth",
    "Metric",
    "Notification",
    "OutboxEmail",
    "RateCardEntry",
    "Reading",
    "ReadingsByWeek",
    "ResponseDays",
    "SavingsByYear",
    "SavingsClaim",
    "SignInAttempt",
    "SimilarForce",
    "User",
    "UserSession",
    "WasteByMonth",
    "WasteByProcess",
    "WasteObservation",
    "metadata",
]
