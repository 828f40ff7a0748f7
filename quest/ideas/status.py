"""An idea's status (DESIGN §2), with the words and GOV.UK tag colour shown for each.

The moves between statuses, and their rules, come with the workflow (quest.ideas.workflow)."""

from __future__ import annotations

import enum


class IdeaStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    DECLINED = "declined"
    DUPLICATE = "duplicate"
    PARKED = "parked"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _LABELS[self][0]

    @property
    def tag_class(self) -> str:
        return _LABELS[self][1]


_LABELS = {
    IdeaStatus.SUBMITTED: ("Submitted", "govuk-tag--blue"),
    IdeaStatus.UNDER_REVIEW: ("Under review", "govuk-tag--light-blue"),
    IdeaStatus.APPROVED: ("Approved", "govuk-tag--turquoise"),
    IdeaStatus.IN_PROGRESS: ("In progress", "govuk-tag--purple"),
    IdeaStatus.IMPLEMENTED: ("Implemented", "govuk-tag--green"),
    IdeaStatus.DECLINED: ("Declined", "govuk-tag--red"),
    IdeaStatus.DUPLICATE: ("Duplicate", "govuk-tag--grey"),
    IdeaStatus.PARKED: ("Parked", "govuk-tag--yellow"),
    # Not a decline: the person who raised it took it back (DESIGN §2).
    IdeaStatus.WITHDRAWN: ("Withdrawn", "govuk-tag--grey"),
}
