"""The reference list of the 43 territorial forces of England and Wales, shipped with the package.

Officer numbers and population are public figures (see ``quest/data/README.md``). Police staff and
PCSO numbers are not in the file: they are *estimates*, from the national ratios of HMIC's 2010 figures
(143,800 officers, 82,190 police staff and 16,500 PCSOs), and are labelled as estimates wherever shown.
"""

from __future__ import annotations

import csv
import decimal
from dataclasses import dataclass
from functools import cache

from quest.paths import DATA_DIR

# The financial year the figures describe, named by the year it starts: officers on 31 March 2025
# close the year April 2024 to March 2025; the population is the ONS mid-2024 estimate.
REFERENCE_YEAR = 2024

STAFF_PER_OFFICER = decimal.Decimal(82_190) / decimal.Decimal(143_800)
PCSO_PER_OFFICER = decimal.Decimal(16_500) / decimal.Decimal(143_800)
_HUNDREDTH = decimal.Decimal("0.01")


@dataclass(frozen=True, slots=True)
class ReferenceForce:
    code: str
    name: str
    region: str
    country: str
    officers_fte: decimal.Decimal
    population: int
    area_km2: decimal.Decimal

    @property
    def estimated_staff_fte(self) -> decimal.Decimal:
        return (self.officers_fte * STAFF_PER_OFFICER).quantize(_HUNDREDTH)

    @property
    def estimated_pcso_fte(self) -> decimal.Decimal:
        return (self.officers_fte * PCSO_PER_OFFICER).quantize(_HUNDREDTH)


@cache
def reference_forces() -> tuple[ReferenceForce, ...]:
    with (DATA_DIR / "forces.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            ReferenceForce(
                code=row["code"],
                name=row["name"],
                region=row["region"],
                country=row["country"],
                officers_fte=decimal.Decimal(row["officers_fte"]),
                population=int(row["population"]),
                area_km2=decimal.Decimal(row["area_km2"]),
            )
            for row in csv.DictReader(handle)
        )


def reference_force(code: str) -> ReferenceForce:
    for force in reference_forces():
        if force.code == code:
            return force
    raise KeyError(code)
