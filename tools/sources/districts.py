"""City districts: the curated ``tools/data/city_districts.csv`` merged with WOF neighbourhoods.

A curated district is named by the official romanisation of its Ukrainian name and also
carries its other spellings, its Russian name (and that name's Russian-style romanisation)
and its former names ("Leninskyi" for Kholodnohirskyi). Former names repeat across cities
(five cities had a Leninskyi district), so the builder must keep each district with its
city (``city``, ``admin1``) and let the place hint decide.

A WOF neighbourhood that matches a curated district (a shared name within
:data:`MATCH_KM`) only adds its names; the others become districts of their own.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from geomap._text import loose_key, normalize, translit_ru
from tools.sources import DATA_DIR
from tools.sources.romanize import romanize_uk
from tools.sources.wof import WofPlace

__all__ = [
    "CITY_ADMIN1",
    "DISTRICTS_PATH",
    "MATCH_KM",
    "CityDistrict",
    "load_city_districts",
    "merge_wof_neighbourhoods",
]

DISTRICTS_PATH = DATA_DIR / "city_districts.csv"
#: A WOF neighbourhood this close to a curated district that shares a name is the same place.
MATCH_KM = 6.0
#: GeoNames admin-1 code of each city of the table.
CITY_ADMIN1: dict[str, str] = {
    "Kyiv": "UA.12",
    "Kharkiv": "UA.07",
    "Dnipro": "UA.04",
    "Odesa": "UA.17",
    "Zaporizhzhia": "UA.26",
    "Kherson": "UA.08",
    "Mykolaiv": "UA.16",
    "Donetsk": "UA.05",
    "Sumy": "UA.21",
}
#: WOF neighbourhood records left out: 85902611 is Simferopol itself ("Ak-Mechet").
WOF_EXCLUDED = frozenset({85902611})
#: WOF records whose alternates are unrelated Wikidata labels (Varvarivka: "Ivan Savenko").
WOF_NAMES_IGNORED = frozenset({85902623})
#: Names that WOF gives Kyiv's districts but that mean a city, a river or a person elsewhere.
WOF_STOP_NAMES = frozenset(
    loose_key(normalize(n)) for n in ("Dnipro", "Dniepr", "Днепр", "Дніпро", "Desna", "Десна", "Shevchenko", "Шевченко")
)


@dataclass(frozen=True, slots=True)
class CityDistrict:
    """A district (raion) or neighbourhood of a city."""

    name: str
    city: str
    admin1: str  #: GeoNames admin-1 code of the city ("UA.07"), "" when unknown
    lat: float
    lon: float
    name_uk: str
    name_ru: str
    alternates: tuple[str, ...]  #: every other name to index, former names included
    former_names: tuple[str, ...]
    source: str
    wof_ids: tuple[int, ...] = field(default=())


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split("|") if p.strip())


def _unique(names: Iterable[str], exclude: str) -> tuple[str, ...]:
    seen = {exclude}
    out = []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return tuple(out)


def load_city_districts(path: Path = DISTRICTS_PATH) -> list[CityDistrict]:
    """Read the curated table; the display name must be the romanisation of ``name_uk``."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            if romanize_uk(row["name_uk"]) != row["name"]:
                raise ValueError(f"{path}: {row['name']!r} is not romanize_uk({row['name_uk']!r})")
            if not row["source"].strip():
                raise ValueError(f"{path}: no source for {row['name']!r}")
            former = _split(row["former_names"])
            names = (
                *_split(row["alternates"]),
                row["name_uk"],
                row["name_ru"],
                translit_ru(row["name_ru"]),
                *former,
            )
            out.append(
                CityDistrict(
                    name=row["name"],
                    city=row["city"],
                    admin1=CITY_ADMIN1.get(row["city"], ""),
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    name_uk=row["name_uk"],
                    name_ru=row["name_ru"],
                    alternates=_unique(names, row["name"]),
                    former_names=former,
                    source=row["source"],
                )
            )
    return out


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(dlat, dlon)


def _keys(names: Iterable[str]) -> set[str]:
    return {loose_key(normalize(n)) for n in names} - {""}


def _wof_names(place: WofPlace) -> tuple[str, ...]:
    names = (place.wof_name,) if place.wof_id in WOF_NAMES_IGNORED else (place.name, place.wof_name, *place.alternates)
    return tuple(n for n in names if loose_key(normalize(n)) not in WOF_STOP_NAMES)


def _nearest_city(place: WofPlace, districts: list[CityDistrict], km: float = 25.0) -> str:
    best = min(districts, key=lambda d: _km(place.lat, place.lon, d.lat, d.lon), default=None)
    if best is not None and _km(place.lat, place.lon, best.lat, best.lon) <= km:
        return best.city
    return ""


def merge_wof_neighbourhoods(districts: list[CityDistrict], places: Iterable[WofPlace]) -> list[CityDistrict]:
    """Merge WOF neighbourhoods (``placetype == "neighbourhood"``) into the curated districts."""
    out = list(districts)
    curated = list(districts)
    for place in places:
        if place.placetype != "neighbourhood" or place.wof_id in WOF_EXCLUDED:
            continue
        names = _wof_names(place)
        keys = _keys(names)
        match = next(
            (
                i
                for i, d in enumerate(out[: len(curated)])
                if keys & _keys((d.name, *d.alternates)) and _km(place.lat, place.lon, d.lat, d.lon) <= MATCH_KM
            ),
            None,
        )
        if match is not None:
            d = out[match]
            out[match] = replace(
                d, alternates=_unique((*d.alternates, *names), d.name), wof_ids=(*d.wof_ids, place.wof_id)
            )
            continue
        display = place.name if place.wof_id not in WOF_NAMES_IGNORED else place.wof_name
        if loose_key(normalize(display)) in WOF_STOP_NAMES:
            continue
        out.append(
            CityDistrict(
                name=display,
                city=_nearest_city(place, curated),
                admin1=place.admin1,
                lat=place.lat,
                lon=place.lon,
                name_uk=place.name_uk or "",
                name_ru=place.names_ru[0] if place.names_ru else "",
                alternates=_unique(names, display),
                former_names=(),
                source=f"WOF {place.wof_id}",
                wof_ids=(place.wof_id,),
            )
        )
    return out
