"""Country points close to GeoNames' own (``tools/data/country_points.csv``).

The gazetteer placed countries at the pole of inaccessibility of their largest polygon,
which for large countries lies hundreds of kilometres from where GeoNames (and news maps)
put them (Russia 63.6 N 94.7 E instead of 60 N 100 E). The curated table gives GeoNames'
point for the countries that matter most here; others keep the polygon-based point.

npm ``world-countries`` (``latlng``, the CIA World Factbook's rounded coordinates) is
licensed ODbL 1.0: a gazetteer built from it would be a derivative database under the
share-alike terms, so it is read here only to cross-check the table
(:func:`read_world_countries`), never shipped.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

from tools.sources import DATA_DIR

__all__ = [
    "COUNTRY_POINTS_PATH",
    "CountryPoint",
    "distance_km",
    "load_country_points",
    "read_world_countries",
]

COUNTRY_POINTS_PATH = DATA_DIR / "country_points.csv"


@dataclass(frozen=True, slots=True)
class CountryPoint:
    """A country's representative point."""

    iso2: str
    iso_n3: str  #: ISO 3166 numeric code, as in ``countries.geojson``
    geonameid: int
    name: str
    lat: float
    lon: float
    source: str


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlon = math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def load_country_points(path: Path = COUNTRY_POINTS_PATH) -> dict[str, CountryPoint]:
    """Read the table, keyed by ISO alpha-2 code."""
    out: dict[str, CountryPoint] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            lat, lon = float(row["lat"]), float(row["lon"])
            if row["iso2"] in out or not (-90 <= lat <= 90 and -180 <= lon <= 180) or not row["source"]:
                raise ValueError(f"{path}: duplicate or invalid row {row!r}")
            out[row["iso2"]] = CountryPoint(
                row["iso2"], row["iso_n3"], int(row["geonameid"]), row["name"], lat, lon, row["source"]
            )
    return out


def read_world_countries(npm_dir: Path) -> dict[str, tuple[float, float]]:
    """``latlng`` of npm ``world-countries`` by ISO alpha-2 code (ODbL: for comparison only)."""
    path = npm_dir / "world-countries" / "countries.json"
    return {
        c["cca2"]: (float(c["latlng"][0]), float(c["latlng"][1]))
        for c in json.loads(path.read_text("utf-8"))
        if len(c.get("latlng") or ()) == 2
    }
