"""Similar forces, for fair comparison (DESIGN §2; quest/data/README.md).

HMICFRS publishes no fixed families of "most similar" forces, so QUEST derives each force's comparison
set itself: its nearest neighbours on three measures, each standardised to a z-score across the forces
being compared so that none dominates by its units:

- the logarithm of the population served (size, on a scale where doubling counts the same everywhere);
- population density, residents per square kilometre;
- officers per 1,000 residents.

Pure functions, no I/O.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_NEIGHBOURS = 7


@dataclass(frozen=True, slots=True)
class ForceShape:
    code: str
    population: int
    area_km2: float
    officers_fte: float

    def measures(self) -> tuple[float, float, float]:
        return (
            math.log(self.population),
            self.population / self.area_km2,
            self.officers_fte / self.population * 1000,
        )


def _standardise(columns: Sequence[Sequence[float]]) -> list[list[float]]:
    standardised = []
    for column in columns:
        mean = statistics.fmean(column)
        spread = statistics.pstdev(column)
        standardised.append([(value - mean) / spread if spread else 0.0 for value in column])
    return standardised


def similar_forces(forces: Sequence[ForceShape], neighbours: int = DEFAULT_NEIGHBOURS) -> dict[str, list[str]]:
    """Each force's ``neighbours`` nearest forces, nearest first; ties go to the alphabetically first code."""
    if not forces:
        return {}
    measures = [force.measures() for force in forces]
    columns = _standardise(list(zip(*measures, strict=True)))
    points = list(zip(*columns, strict=True))
    result: dict[str, list[str]] = {}
    for index, force in enumerate(forces):
        distances = sorted(
            (math.dist(points[index], points[other]), forces[other].code)
            for other in range(len(forces))
            if other != index
        )
        result[force.code] = [code for _distance, code in distances[:neighbours]]
    return result
