"""Curated city populations (``tools/data/populations.csv``) and their check against a gazetteer.

GeoNames carries stale or wrong figures for some front-line cities (Kherson at 66,000
instead of about 280,000); the builder overrides them with this table. A row is matched
to a gazetteer place by name (or one of ``alt_names``), country and admin-1 code.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tools.sources import DATA_DIR

__all__ = ["POPULATIONS_PATH", "CityPopulation", "Mismatch", "compare", "load_populations"]

POPULATIONS_PATH = DATA_DIR / "populations.csv"


@dataclass(frozen=True, slots=True)
class CityPopulation:
    """One city's population from an official source."""

    name: str
    name_local: str
    alt_names: tuple[str, ...]
    country: str
    admin1: str  #: GeoNames admin-1 code, "UA.08"
    population: int
    as_of: str  #: ISO date of the figure
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the city may carry in a gazetteer."""
        return (self.name, *self.alt_names, self.name_local)


def load_populations(path: Path = POPULATIONS_PATH) -> list[CityPopulation]:
    """Read the table (``#`` lines are comments); rejects duplicates and rows without a source."""
    out: list[CityPopulation] = []
    seen: set[tuple[str, str, str]] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            key = (row["country"], row["admin1"], row["name"])
            if key in seen or not row["source"].strip() or int(row["population"]) <= 0:
                raise ValueError(f"{path}: duplicate, sourceless or empty row {row!r}")
            seen.add(key)
            out.append(
                CityPopulation(
                    name=row["name"],
                    name_local=row["name_local"],
                    alt_names=tuple(a for a in row["alt_names"].split("|") if a),
                    country=row["country"],
                    admin1=row["admin1"],
                    population=int(row["population"]),
                    as_of=row["as_of"],
                    source=row["source"],
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A curated population next to the gazetteer's figure for the same city."""

    city: CityPopulation
    gazetteer_name: str | None  #: None when the gazetteer has no such city
    gazetteer_population: int

    @property
    def ratio(self) -> float:
        """Gazetteer figure / curated figure (0 when the city is missing)."""
        return self.gazetteer_population / self.city.population


#: Looks a city up in a gazetteer: (names, country, admin1) -> (its name, its population) or None.
Lookup = Callable[[tuple[str, ...], str, str], "tuple[str, int] | None"]


def compare(rows: Iterable[CityPopulation], lookup: Lookup, *, tolerance: float = 0.3) -> list[Mismatch]:
    """Rows whose gazetteer population is off by more than ``tolerance`` (or that are missing)."""
    out = []
    for row in rows:
        found = lookup(row.names, row.country, row.admin1)
        name, pop = found if found is not None else (None, 0)
        if found is None or abs(pop - row.population) > tolerance * row.population:
            out.append(Mismatch(row, name, pop))
    return out
