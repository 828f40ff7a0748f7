"""Where released time went (quest.savings.redeployment), its pure rules: worked examples, then properties
with hypothesis."""

from __future__ import annotations

import decimal
import random

from hypothesis import given
from hypothesis import strategies as st

from quest.savings.redeployment import (
    NOT_YET_REDEPLOYED,
    ReleasedRow,
    destination_key,
    less,
    released_by,
    released_time,
    share,
    spellings,
    year_hours,
)
from quest.savings.rules import ClaimStatus

D = decimal.Decimal
V, C = ClaimStatus.VALIDATED, ClaimStatus.CLAIMED
YEAR = 2026  # 365 days
FULL = 365


def row(spelt: str, hours: int, status: ClaimStatus = C, unit: str = "north", claims: int = 1) -> ReleasedRow[str]:
    """``claims`` claims of ``hours`` hours a year in all, each over the whole year."""
    return ReleasedRow(unit, status, spelt, claims, hours * 100 * FULL)


def test_what_says_time_is_not_yet_redeployed() -> None:
    for nowhere in ("", "   ", "None", "NONE", "not yet redeployed", " Not  yet\tredeployed ", "Not redeployed"):
        assert destination_key(nowhere) is None, nowhere
    assert destination_key("Neighbourhood  Patrol") == "neighbourhood patrol"
    assert destination_key("None yet") == "none yet"  # only the words themselves


def test_a_destination_is_shown_as_most_claims_spell_it() -> None:
    rows = [row("Investigations", 10), row("investigations", 10, claims=2), row("INVESTIGATIONS", 10, unit="west")]
    assert spellings(rows)["investigations"] == "investigations"
    # Of equals, the one that sorts first (capitals sort before small letters).
    assert spellings([*rows[:1], row("investigations", 10)])["investigations"] == "Investigations"
    assert spellings([])[None] == NOT_YET_REDEPLOYED


def test_hours_by_destination_with_the_share_not_redeployed() -> None:
    rows = [
        row("Neighbourhood patrol", 1000, V),
        row("neighbourhood   PATROL", 500),
        row("None", 300),
        row("", 200),
        row("Investigations", 400),
    ]
    found = released_time(rows, YEAR)
    assert [(place.name, place.validated, place.claimed, place.hours, place.share) for place in found.destinations] == [
        ("Neighbourhood patrol", D(1000), D(500), D(1500), D("0.625")),
        ("Investigations", D(0), D(400), D(400), D("0.1667")),
        (NOT_YET_REDEPLOYED, D(0), D(500), D(500), D("0.2083")),
    ]
    assert found.destinations[-1].not_redeployed
    assert (found.validated, found.claimed, found.hours, found.not_redeployed) == (D(1000), D(1400), D(2400), D(500))
    assert found.not_redeployed_share == D("0.2083")
    assert found.claims == 5


def test_part_of_a_year_counts_for_its_days() -> None:
    # 1,000 hours a year from 1 October: 182 of 365 days.
    found = released_time([ReleasedRow("north", C, "Patrol", 1, 100_000 * 182)], YEAR)
    assert found.hours == D("498.63")
    assert year_hours(100_000 * 182, YEAR) == D("498.63")


def test_nothing_released() -> None:
    found = released_time([], YEAR)
    assert found.hours == 0
    assert found.not_redeployed_share is None
    assert found.destinations == []
    assert share(0, 0) is None


destinations = st.sampled_from(
    [
        "Neighbourhood patrol",
        "neighbourhood patrol",
        "NEIGHBOURHOOD  PATROL",
        "Investigations",
        "",
        "None",
        "not redeployed",
    ]
)
rows_strategy = st.lists(
    st.builds(
        ReleasedRow,
        st.sampled_from(["north", "west", "east"]),
        st.sampled_from([V, C]),
        destinations,
        st.integers(min_value=1, max_value=5),
        st.integers(min_value=1, max_value=10**9),
    ),
    max_size=30,
)


@given(rows_strategy, st.randoms())
def test_the_report_is_the_same_whatever_order_the_rows_come_in(
    rows: list[ReleasedRow[str]], shuffler: random.Random
) -> None:
    shuffled = list(rows)
    shuffler.shuffle(shuffled)
    assert released_time(shuffled, YEAR) == released_time(rows, YEAR)
    assert released_by(shuffled, YEAR) == released_by(rows, YEAR)


@given(rows_strategy)
def test_destinations_add_up_to_the_hours_released(rows: list[ReleasedRow[str]]) -> None:
    found = released_time(rows, YEAR)
    # Each figure is rounded once, from the exact sums: apart, they differ by at most half a hundredth each.
    slack = D("0.005") * (len(found.destinations) + 1)
    assert abs(sum((place.hours for place in found.destinations), D(0)) - found.hours) <= slack
    assert abs(found.validated + found.claimed - found.hours) <= D("0.01")
    assert found.claims == sum(each.claims for each in rows)
    nowhere = [place for place in found.destinations if place.not_redeployed]
    assert len(nowhere) <= 1
    assert found.not_redeployed == (nowhere[0].hours if nowhere else 0)
    assert found.not_redeployed_share == (nowhere[0].share if nowhere else (D(0) if rows else None))
    if rows:
        assert abs(sum((place.share or 0 for place in found.destinations), D(0)) - 1) <= D("0.0001") * len(
            found.destinations
        )
    assert len({place.name for place in found.destinations}) == len(found.destinations)


@given(rows_strategy)
def test_each_unit_is_part_of_the_whole(rows: list[ReleasedRow[str]]) -> None:
    whole = released_time(rows, YEAR)
    units = released_by(rows, YEAR)
    assert sum(unit.claims for unit in units.values()) == whole.claims
    assert abs(sum((unit.hours for unit in units.values()), D(0)) - whole.hours) <= D("0.01") * max(len(units), 1)
    # A destination is named alike in every unit and in the whole.
    names = {place.name for place in whole.destinations}
    assert {place.name for unit in units.values() for place in unit.destinations} == names


@given(rows_strategy, rows_strategy)
def test_taking_claims_away_undoes_adding_them(rows: list[ReleasedRow[str]], more: list[ReleasedRow[str]]) -> None:
    assert released_time(less(rows + more, more), YEAR) == released_time(less(rows, []), YEAR)
    assert less(rows, rows) == []
