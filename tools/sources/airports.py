"""Aerodromes of Ukraine (Crimea included), Russia and Belarus.

From PyPI ``airportsdata`` (MIT; it files Crimea and Sevastopol under UA with
``subd`` "Crimea") plus the curated ``tools/data/airbases.csv`` for military air bases it
lacks and for names it does not carry (Belbek, Khalino, Antonov Airport ...).

Each aerodrome gets generated alternates so that "Engels airbase", "Saky airfield" or
"Donetsk airport" resolve: the name without its airport words ("International Airport",
"Air Base" ...) followed by each of :data:`SUFFIXES`. The bare name is kept only where it
differs from the city (Belbek, Shaykovka), so that "Morozovsk" stays the town.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from tools.sources import DATA_DIR

__all__ = [
    "AIRBASES_PATH",
    "COUNTRIES",
    "SUFFIXES",
    "Aerodrome",
    "CuratedAerodrome",
    "base_name",
    "generated_names",
    "load_airportsdata",
    "load_curated",
    "merge",
    "read_aerodromes",
]

AIRBASES_PATH = DATA_DIR / "airbases.csv"
COUNTRIES = ("UA", "RU", "BY")
#: Words appended to an aerodrome's base name to make its alternates.
SUFFIXES = ("airbase", "air base", "airfield", "aerodrome", "airport")
_AIRPORT_WORDS = re.compile(
    r"\b(?:international|naval|air\s*base|airbase|air\s*field|airfield|airport|aerodrome|"
    r"airstrip|heliport|air\s*station)\b",
    re.IGNORECASE,
)
_MILITARY = re.compile(r"\b(?:air\s*base|airbase|naval)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Aerodrome:
    """One aerodrome with the names it may be reported under."""

    icao: str
    iata: str
    name: str
    city: str
    lat: float
    lon: float
    country: str
    region: str  #: airportsdata ``subd`` or the curated region ("Crimea", "Rostov")
    kind: str  #: "military", "civil" or "dual"
    alternates: tuple[str, ...]
    source: str


def base_name(name: str) -> str:
    """The name without airport words: "Saki Air Base" -> "Saki"."""
    return " ".join(_AIRPORT_WORDS.sub(" ", name).split()).strip(" -,")


def generated_names(name: str, city: str = "", *, city_airport: bool = False) -> tuple[str, ...]:
    """Alternates of an aerodrome: base name plus each suffix, the bare base name when it is not
    the city's, and "<city> airport" when ``city_airport`` (the city's only scheduled airport)."""
    base = base_name(name)
    out: list[str] = [name]
    if base:
        out += [f"{base} {suffix}" for suffix in SUFFIXES]
        if city and base.casefold() != city.casefold():
            out.append(base)
    if city_airport and city:
        out += [f"{city} airport", f"{city} airfield"]
    return _merge_names(out)


def _kind(name: str) -> str:
    return "military" if _MILITARY.search(name) else "civil"


def load_airportsdata(countries: Iterable[str] = COUNTRIES) -> list[Aerodrome]:
    """Aerodromes of ``countries`` from the installed ``airportsdata`` package, by ICAO code."""
    import airportsdata

    wanted = frozenset(countries)
    rows = [r for r in airportsdata.load("ICAO").values() if r["country"] in wanted]
    scheduled = Counter((r["country"], r["city"]) for r in rows if r["iata"] and r["city"])
    out = []
    for r in sorted(rows, key=lambda r: r["icao"]):
        only = bool(r["iata"]) and scheduled[(r["country"], r["city"])] == 1
        out.append(
            Aerodrome(
                icao=r["icao"],
                iata=r["iata"],
                name=r["name"],
                city=r["city"],
                lat=float(r["lat"]),
                lon=float(r["lon"]),
                country=r["country"],
                region=r["subd"],
                kind=_kind(r["name"]),
                alternates=generated_names(r["name"], r["city"], city_airport=only),
                source=f"airportsdata {r['icao']}",
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class CuratedAerodrome:
    """A row of ``airbases.csv``: a new aerodrome (with lat/lon) or extra names for an ICAO code."""

    name: str
    alternates: tuple[str, ...]
    icao: str
    iata: str
    lat: float | None
    lon: float | None
    country: str
    region: str
    kind: str
    near: str
    source: str


def load_curated(path: Path = AIRBASES_PATH) -> list[CuratedAerodrome]:
    """Read ``airbases.csv`` (lines starting with ``#`` are comments)."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            has_point = bool(row["lat"].strip())
            if not has_point and not row["icao"]:
                raise ValueError(f"{path}: a row needs lat/lon or an ICAO code: {row!r}")
            if row["kind"] not in ("military", "civil", "dual") or not row["source"].strip():
                raise ValueError(f"{path}: bad kind or missing source: {row!r}")
            out.append(
                CuratedAerodrome(
                    name=row["name"],
                    alternates=tuple(a for a in row["alternates"].split("|") if a),
                    icao=row["icao"],
                    iata=row["iata"],
                    lat=float(row["lat"]) if has_point else None,
                    lon=float(row["lon"]) if has_point else None,
                    country=row["country"],
                    region=row["region"],
                    kind=row["kind"],
                    near=row["near"],
                    source=row["source"],
                )
            )
    return out


def _merge_names(*groups: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out = []
    for group in groups:
        for n in group:
            if n.casefold() not in seen:
                seen.add(n.casefold())
                out.append(n)
    return tuple(out)


def merge(base: list[Aerodrome], curated: list[CuratedAerodrome]) -> list[Aerodrome]:
    """Add the curated names to their ICAO entries and append the curated aerodromes."""
    by_icao = {a.icao: i for i, a in enumerate(base)}
    out = list(base)
    for c in curated:
        if c.icao and c.icao in by_icao:
            i = by_icao[c.icao]
            old = out[i]
            names = _merge_names((c.name,), c.alternates, generated_names(c.name, old.city), old.alternates)
            out[i] = replace(old, name=c.name, kind=c.kind, alternates=names, source=f"{old.source}; names: {c.source}")
        elif c.lat is None or c.lon is None:
            raise ValueError(f"airbases.csv: {c.icao} is not in airportsdata and has no lat/lon")
        else:
            names = _merge_names((c.name,), c.alternates, generated_names(c.name, c.near))
            out.append(
                Aerodrome(
                    icao=c.icao,
                    iata=c.iata,
                    name=c.name,
                    city=c.near,
                    lat=c.lat,
                    lon=c.lon,
                    country=c.country,
                    region=c.region,
                    kind=c.kind,
                    alternates=names,
                    source=c.source,
                )
            )
    return out


def read_aerodromes(
    countries: Iterable[str] = COUNTRIES, *, curated_path: Path | None = AIRBASES_PATH
) -> Iterator[Aerodrome]:
    """Yield the aerodromes of ``countries``: airportsdata merged with the curated table."""
    wanted = tuple(countries)
    curated = load_curated(curated_path) if curated_path is not None else []
    yield from merge(load_airportsdata(wanted), [c for c in curated if c.country in wanted])
