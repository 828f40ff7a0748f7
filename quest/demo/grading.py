"""How the demo's validators grade a validated claim that rests on no measure. QUEST proposes "not shown"
for such a claim (no baseline: :func:`quest.savings.evidence.proposed_grade`;
``tests/integration/test_demo.py`` holds every demo grade to the proposal QUEST makes from its facts); a
validator who finds other records enough grades it "fairly stated with measurement issues" and says why."""

from __future__ import annotations

import datetime
import uuid

from quest.savings.evidence import EvidenceGrade


def graded_without_a_measure(validator_id: uuid.UUID, at: datetime.datetime, reason: str | None) -> dict[str, object]:
    """A claim's grading fields: with ``reason``, fairly stated with measurement issues (differing from the
    proposal, for that reason); without, not shown, as proposed."""
    return {
        "proposed_grade": EvidenceGrade.NOT_SHOWN,
        "evidence_grade": EvidenceGrade.NOT_SHOWN if reason is None else EvidenceGrade.FAIRLY_STATED_MEASUREMENT_ISSUES,
        "grade_reason": reason or "",
        "graded_by": validator_id,
        "graded_at": at,
    }
