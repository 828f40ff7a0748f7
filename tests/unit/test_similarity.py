"""Similar forces: nearest neighbours on standardised size, density and officers per resident."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quest.org.reference import reference_forces
from quest.org.similarity import ForceShape, similar_forces


def shapes() -> list[ForceShape]:
    return [
        ForceShape(force.code, force.population, float(force.area_km2), float(force.officers_fte))
        for force in reference_forces()
    ]


def test_each_force_gets_seven_others_nearest_first() -> None:
    result = similar_forces(shapes())
    assert len(result) == 43
    for code, neighbours in result.items():
        assert len(neighbours) == 7
        assert code not in neighbours
        assert len(set(neighbours)) == 7


def test_big_metropolitan_forces_are_compared_with_each_other() -> None:
    result = similar_forces(shapes())
    assert set(result["GMP"][:3]) <= {"WMP", "MER", "WYP", "MET"}
    assert "WMP" in result["MET"][:2]


def test_a_rural_force_is_not_compared_with_a_city_force() -> None:
    result = similar_forces(shapes())
    assert not {"MET", "CTY", "WMP", "GMP"} & set(result["DYP"])


def test_obvious_clusters_are_found() -> None:
    forces = [
        ForceShape("BIG1", 3_000_000, 1_000, 8_000),
        ForceShape("BIG2", 3_100_000, 1_100, 8_200),
        ForceShape("RUR1", 500_000, 10_000, 1_200),
        ForceShape("RUR2", 520_000, 9_500, 1_250),
    ]
    result = similar_forces(forces, neighbours=1)
    assert result == {"BIG1": ["BIG2"], "BIG2": ["BIG1"], "RUR1": ["RUR2"], "RUR2": ["RUR1"]}


def test_fewer_forces_than_neighbours_gives_all_the_others() -> None:
    forces = shapes()[:4]
    result = similar_forces(forces)
    assert all(len(neighbours) == 3 for neighbours in result.values())


@given(st.permutations(list(range(43))))
def test_the_order_forces_are_given_in_does_not_matter(order: list[int]) -> None:
    all_shapes = shapes()
    assert similar_forces([all_shapes[index] for index in order]) == similar_forces(all_shapes)
