"""The forces shipped with the package, and the demo's apportioning of them into divisions."""

from __future__ import annotations

import decimal

from hypothesis import given
from hypothesis import strategies as st

from quest.demo.catalogue import DEMO_FORCES
from quest.demo.seed import apportion
from quest.org.reference import PCSO_PER_OFFICER, STAFF_PER_OFFICER, reference_force, reference_forces


def test_the_43_territorial_forces_add_up_to_the_published_total() -> None:
    forces = reference_forces()
    assert len(forces) == 43
    assert len({force.code for force in forces}) == 43
    # Each force's figure is rounded to a whole FTE, so the rows add up to 146,440, within rounding of
    # the published national total of 146,442.
    assert abs(sum(force.officers_fte for force in forces) - 146_442) <= len(forces) * decimal.Decimal("0.5")


def test_lancashire_is_there_with_its_published_figures() -> None:
    lancashire = reference_force("LAN")
    assert lancashire.name == "Lancashire Constabulary"
    assert lancashire.officers_fte == 3561
    assert lancashire.population == 1_601_600


def test_staff_and_pcso_estimates_use_the_national_ratios() -> None:
    lancashire = reference_force("LAN")
    assert round(STAFF_PER_OFFICER, 2) == decimal.Decimal("0.57")
    assert round(PCSO_PER_OFFICER, 3) == decimal.Decimal("0.115")
    assert lancashire.estimated_staff_fte == decimal.Decimal("2035.32")
    assert lancashire.estimated_pcso_fte == decimal.Decimal("408.60")


def test_every_demo_force_is_a_real_force_and_lancashire_has_a_northern_division() -> None:
    for code, divisions in DEMO_FORCES.items():
        assert reference_force(code).code == code
        assert len({division.code for division in divisions}) == len(divisions)
    assert "NORTH" in {division.code for division in DEMO_FORCES["LAN"]}


@given(
    total=st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False),
    weights=st.lists(st.floats(min_value=0.1, max_value=1000), min_size=1, max_size=15),
)
def test_apportioned_parts_add_up_to_the_total(total: decimal.Decimal, weights: list[float]) -> None:
    parts = apportion(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    assert all(part.as_tuple().exponent == -2 for part in parts)
