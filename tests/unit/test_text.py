"""The one rule for which characters text may hold (quest.text)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quest.text import REPLACEMENT_CHARACTER, printable, refused_character, text_problem

REFUSED = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\ud800"]


@pytest.mark.parametrize("character", REFUSED)
def test_nul_other_c0_controls_and_lone_surrogates_are_refused(character: str) -> None:
    assert refused_character(f"Custody {character} handover") == character
    problem = text_problem("title", f"Custody {character}")
    assert problem is not None
    assert problem.startswith("‘title’ contains a character that is not text")
    assert printable(f"a{character}b") == f"a{REPLACEMENT_CHARACTER}b"


@pytest.mark.parametrize("value", ["Tab\there", "Line\nbreak", "Windows\r\nline", "Café £420 ✓ 🚓", "\x7f", ""])
def test_what_people_type_is_text(value: str) -> None:
    assert refused_character(value) is None
    assert text_problem("title", value) is None
    assert printable(value) == value


@given(st.text())
def test_printable_text_is_always_accepted(value: str) -> None:
    assert refused_character(printable(value)) is None
