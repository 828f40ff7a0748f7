"""``quest.fields.choice``: one of an enumeration's values, or the caller's words under the field's name."""

from __future__ import annotations

from quest import fields
from quest.savings.rules import ClaimKind, Grade


def test_a_choice_is_one_of_the_values_or_the_callers_words_for_the_field() -> None:
    errors: dict[str, str] = {}
    assert fields.choice("pcso", Grade, "grade", invalid="Choose a grade", errors=errors) is Grade.PCSO
    assert errors == {}
    for wrong in ("", "PCSO", " pcso", "chief_constable"):
        assert fields.choice(wrong, ClaimKind, "kind", invalid="Choose cashable or not", errors=errors) is None
        assert errors == {"kind": "Choose cashable or not"}
