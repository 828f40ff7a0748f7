"""The practice library's figures people quote: the change in per cent and its verdict, worked by hand, and
its filters as typed."""

from __future__ import annotations

from fractions import Fraction

import pytest

from quest.ideas.practice import check_filters, impact_phrase, signed_percent
from quest.metrics.vocabulary import Direction
from quest.waste.types import WasteType


@pytest.mark.parametrize(
    ("pct", "shown"),
    [
        (Fraction(-1550, 17), "−91%"),  # 102 to 9: −91.18%
        (Fraction(25, 2), "+13%"),  # half away from zero
        (Fraction(-25, 2), "−13%"),
        (Fraction(49, 100), "0%"),
        (Fraction(12), "+12%"),
    ],
)
def test_the_change_in_per_cent_to_the_nearest_whole_one(pct: Fraction, shown: str) -> None:
    assert signed_percent(pct) == shown


def test_the_verdict_follows_the_measures_direction() -> None:
    fall, pct = Fraction(-93), Fraction(-1550, 17)
    assert impact_phrase("Pending open incidents", fall, pct, Direction.DOWN) == "Pending open incidents −91%, improved"
    assert impact_phrase("Victim satisfaction", fall, pct, Direction.UP) == "Victim satisfaction −91%, worsened"
    assert impact_phrase("Calls", fall, pct, Direction.NEUTRAL) == "Calls −91%"
    assert impact_phrase("Calls", Fraction(0), Fraction(0), Direction.DOWN) == "Calls: no change"
    assert impact_phrase("Calls", None, None, Direction.DOWN) == "Calls: not yet known"
    # From a mean of zero there is no per cent: the change itself.
    assert impact_phrase("Complaints", Fraction(3), None, Direction.DOWN) == "Complaints +3, worsened"


def test_filters_as_typed() -> None:
    filters, errors = check_filters("  custody  ", "waiting", " Briefing ", "che")
    assert errors == {}
    assert (filters.search, filters.waste_type, filters.process, filters.force_code) == (
        "custody",
        WasteType.WAITING,
        "Briefing",
        "CHE",
    )
    assert filters.shown() == {"q": "custody", "waste_type": "waiting", "process": "Briefing", "force": "CHE"}
    _filters, errors = check_filters("", "sloth", "p" * 81, None)
    assert set(errors) == {"waste_type", "process"}
