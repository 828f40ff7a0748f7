"""A savings claim's moves (DESIGN §2), as a pure table: every move allowed and every one refused."""

from __future__ import annotations

import itertools
import uuid

import pytest

from quest.ideas.status import IdeaStatus as I
from quest.savings.claim_workflow import (
    CLAIMABLE,
    DECISIONS,
    MOVES,
    check_decision,
    check_start,
    decider_refusal,
    may_decide,
    may_replace,
    new_claim_status,
    open_to_savings,
    replacement_refusal,
    replacing_claims_a_forecast,
)
from quest.savings.rules import ClaimStatus as C

CLAIMANT, VALIDATOR = uuid.uuid4(), uuid.uuid4()
ALLOWED = {
    (C.FORECAST, C.SUPERSEDED),
    (C.CLAIMED, C.VALIDATED),
    (C.CLAIMED, C.REJECTED),
    (C.CLAIMED, C.SUPERSEDED),
    (C.VALIDATED, C.SUPERSEDED),
    (C.REJECTED, C.SUPERSEDED),
}
EVERY_MOVE = list(itertools.product(C, C))


def test_the_moves_are_exactly_the_designs() -> None:
    assert {(current, target) for current, targets in MOVES.items() for target in targets} == ALLOWED
    assert set(MOVES) == set(C)
    assert {C.VALIDATED, C.REJECTED} == DECISIONS


@pytest.mark.parametrize(("current", "target"), EVERY_MOVE)
def test_each_move_is_allowed_or_refused_as_the_table_says(current: C, target: C) -> None:
    allowed = (current, target) in ALLOWED
    if target is C.SUPERSEDED:
        assert may_replace(current) is allowed
        assert (replacement_refusal(current) is None) is allowed
    elif target in DECISIONS:
        outcome, errors = check_decision(current, target.value, "Checked.", claimed_by=CLAIMANT, decider=VALIDATOR)
        assert (outcome is target) is allowed
        assert errors == (
            {} if allowed else {"decision": f"Only a claimed saving can be decided; this one is {current}"}
        )
    else:
        # Nothing moves a claim to forecast or claimed: a claim starts there, or not at all.
        assert target not in MOVES[current]


def test_only_a_claimed_saving_waits_for_a_decision_and_a_superseded_one_is_replaced_no_more() -> None:
    assert [status for status in C if may_decide(status)] == [C.CLAIMED]
    assert [status for status in C if not may_replace(status)] == [C.SUPERSEDED]
    assert replacement_refusal(C.SUPERSEDED) == "That claim has already been replaced"


def test_nobody_decides_their_own_claim() -> None:
    assert decider_refusal(CLAIMANT, CLAIMANT) == "You made this claim: another validator must decide it"
    assert decider_refusal(CLAIMANT, VALIDATOR) is None
    outcome, errors = check_decision(C.CLAIMED, "validated", "Checked.", claimed_by=CLAIMANT, decider=CLAIMANT)
    assert outcome is None
    assert errors == {"decision": "You made this claim: another validator must decide it"}


@pytest.mark.parametrize(
    ("decision", "note", "errors"),
    [
        ("approved", "Checked.", {"decision": "Choose validated or rejected"}),
        ("superseded", "Checked.", {"decision": "Choose validated or rejected"}),
        ("validated", "  ", {"note": "Say why: the division will see your note"}),
        ("rejected", "x" * 2001, {"note": "The note must be 2,000 characters or fewer"}),
        ("", "", {"decision": "Choose validated or rejected", "note": "Say why: the division will see your note"}),
    ],
)
def test_a_decision_is_validated_or_rejected_with_a_note(decision: str, note: str, errors: dict[str, str]) -> None:
    assert check_decision(C.CLAIMED, decision, note, claimed_by=CLAIMANT, decider=VALIDATOR) == (None, errors)


def test_what_is_wrong_with_the_claim_itself_is_told_last_on_decision() -> None:
    """A decided claim, decided by its own claimant, with a bad choice: the claim's status is what is said."""
    outcome, errors = check_decision(C.VALIDATED, "maybe", "", claimed_by=CLAIMANT, decider=CLAIMANT)
    assert outcome is None
    assert errors == {
        "decision": "Only a claimed saving can be decided; this one is validated",
        "note": "Say why: the division will see your note",
    }


@pytest.mark.parametrize(("idea", "claim"), list(itertools.product(I, (C.FORECAST, C.CLAIMED))))
def test_a_claim_starts_as_a_forecast_from_approval_and_as_a_claim_once_implemented(idea: I, claim: C) -> None:
    allowed = idea in ((I.APPROVED, I.IN_PROGRESS, I.IMPLEMENTED) if claim is C.FORECAST else (I.IMPLEMENTED,))
    status, errors = check_start(claim.value, idea)
    assert status is claim
    if allowed:
        assert errors == {}
    elif claim is C.FORECAST:
        assert errors == {"status": "A saving can be forecast once the idea is approved"}
    else:
        assert errors == {"status": "A saving can be claimed once the idea is implemented; until then, forecast it"}
    assert (idea in CLAIMABLE[claim]) is allowed


@pytest.mark.parametrize("raw", ["validated", "rejected", "superseded", "", "Forecast"])
def test_a_claim_starts_nowhere_but_forecast_or_claimed(raw: str) -> None:
    assert check_start(raw, I.IMPLEMENTED) == (C.CLAIMED, {"status": "Choose forecast or claimed"})


@pytest.mark.parametrize("idea", list(I))
def test_a_new_claim_is_claimed_once_implemented_and_forecast_before(idea: I) -> None:
    assert open_to_savings(idea) is (idea in (I.APPROVED, I.IN_PROGRESS, I.IMPLEMENTED))
    assert new_claim_status(idea) is (C.CLAIMED if idea is I.IMPLEMENTED else C.FORECAST)


@pytest.mark.parametrize(("claim", "idea"), list(itertools.product(C, I)))
def test_replacing_a_forecast_of_an_implemented_idea_claims_it_and_anything_else_corrects(claim: C, idea: I) -> None:
    assert replacing_claims_a_forecast(claim, idea) is (claim is C.FORECAST and idea is I.IMPLEMENTED)
