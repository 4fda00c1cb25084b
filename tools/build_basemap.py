"""Build the offline base map ``data/basemap/basemap.json`` from Natural Earth 1:10m layers.

The map page draws this file when no tile server is reachable: rivers, lakes and the
coastline (two levels of detail), towns of 50,000+ people and all capitals, and label points
of the first-level units (oblasts). Sources are the theatre clips of Natural Earth in
``../shared/basemap-sources`` (public domain); towns are labelled with the bundled
gazetteer's primary names (official Ukrainian romanisation) and admin-1 label points come
from ``data/gazetteer/admin1.geojson``.

The output is deterministic: the same inputs (and GEOS) give the same bytes. The schema
is documented in ``data/basemap/README.md``.

Run ``python -m tools.build_basemap --src ../shared/basemap-sources --out data/basemap/basemap.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, unary_union

from geomap._geo import haversine_km

__all__ = ["FORMAT_VERSION", "LEVELS", "TownNamer", "build", "dumps", "main"]

FORMAT_VERSION = 1
REPO = Path(__file__).resolve().parent.parent
DEFAULT_ADMIN1 = REPO / "data" / "gazetteer" / "admin1.geojson"

#: Coordinates are stored as integers in units of 1/SCALE degree (1e-3 deg ~ 111 m).
SCALE = 1000
#: Decimals kept in town and region label points (1e-4 deg ~ 11 m).
POINT_DECIMALS = 4


@dataclass(frozen=True)
class Level:
    """One level of detail: the map zooms it serves and its simplification tolerance."""

    name: str
    min_zoom: int
    max_zoom: int
    tolerance: float  # degrees, for shapely's topology-preserving simplify


#: "low" serves whole-theatre views (zoom <= 6; 1 px ~ 0.022 deg of longitude at zoom 6) and
#: holds only the features drawn by then; "high" (zoom >= 7) holds all, simplified to ~0.6 px
#: at zoom 8 (Natural Earth 1:10m is itself good to roughly 1 px at zoom 8-9).
LEVELS = (Level("low", 0, 6, 0.015), Level("high", 7, 19, 0.0035))

#: Natural Earth source files (in --src) per line/polygon layer.
LINE_SOURCES = {
    "rivers": ("ne_10m_rivers_lake_centerlines.theatre.geojson", "ne_10m_rivers_europe.theatre.geojson"),
    "coast": ("ne_10m_coastline.theatre.geojson",),
}
LAKE_SOURCES = ("ne_10m_lakes.theatre.geojson", "ne_10m_lakes_europe.theatre.geojson")
PLACES_SOURCE = "ne_10m_populated_places_simple.theatre.geojson"

#: Towns kept: at least this many people (Natural Earth ``pop_max``), or a capital.
MIN_POPULATION = 50_000
#: A gazetteer match farther than this from Natural Earth's point is not the same town.
MATCH_KM = 15.0
#: Gazetteer kinds that may name a town.
TOWN_KINDS = frozenset({"city", "village", "district"})

TOWN_FIELDS = ("name", "lat", "lon", "pop", "z", "cap")
REGION_FIELDS = ("name", "lat", "lon", "z", "cc")

# --------------------------------------------------------------------------- reading


def read_features(path: Path) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection."""
    with path.open(encoding="utf-8") as fh:
        return list(json.load(fh)["features"])


def display_zoom(props: dict[str, Any]) -> int:
    """The map zoom from which a Natural Earth feature is drawn: floor of its ``min_zoom``."""
    value = props.get("min_zoom")
    return max(0, math.floor(float(value))) if value is not None else 0


def feature_name(props: dict[str, Any]) -> str:
    """Natural Earth's name of a feature ('' when unnamed)."""
    name = props.get("name")
    return name.strip() if isinstance(name, str) else ""


# --------------------------------------------------------------------------- encoding


def encode_coords(coords: Iterable[Sequence[float]], *, ring: bool = False) -> list[int]:
    """``[(lon, lat), ...]`` as a flat delta array ``[lat0, lon0, dlat1, dlon1, ...]``.

    Values are integers in 1/SCALE degree; the first pair is absolute, the rest are
    differences from the previous point. Repeated points are dropped, and so is a ring's
    closing point. Returns ``[]`` when fewer than 2 (line) or 3 (ring) points remain.
    """
    pts: list[tuple[int, int]] = []
    for lon, lat in ((c[0], c[1]) for c in coords):
        p = (round(lat * SCALE), round(lon * SCALE))
        if not pts or p != pts[-1]:
            pts.append(p)
    if ring and len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if len(pts) < (3 if ring else 2):
        return []
    flat = [pts[0][0], pts[0][1]]
    for (a, b), (c, d) in itertools.pairwise(pts):
        flat += (c - a, d - b)
    return flat


def line_parts(geom: BaseGeometry) -> list[LineString]:
    """The LineStrings of a (multi)line geometry or collection."""
    if isinstance(geom, LineString):
        return [geom]
    if isinstance(geom, MultiLineString) or hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in line_parts(g)]
    return []


def polygon_parts(geom: BaseGeometry) -> list[Polygon]:
    """The Polygons of a (multi)polygon geometry or collection."""
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon) or hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygon_parts(g)]
    return []


def encode_lines(geom: BaseGeometry) -> list[list[int]]:
    """Every line part as a flat delta array, sorted for a stable order."""
    return sorted(e for e in (encode_coords(p.coords) for p in line_parts(geom)) if e)


def encode_polygons(geom: BaseGeometry) -> list[list[list[int]]]:
    """Every polygon as ``[outer ring, hole, ...]`` of flat delta arrays, sorted."""
    out = []
    for poly in polygon_parts(geom):
        outer = encode_coords(poly.exterior.coords, ring=True)
        if outer:
            holes = [h for h in (encode_coords(r.coords, ring=True) for r in poly.interiors) if h]
            out.append([outer, *holes])
    return sorted(out)


# --------------------------------------------------------------------------- lines and lakes


def group_features(features: Iterable[dict[str, Any]]) -> dict[tuple[str, int], list[BaseGeometry]]:
    """Geometries grouped by (name, display zoom): one output feature per group."""
    groups: dict[tuple[str, int], list[BaseGeometry]] = defaultdict(list)
    for f in features:
        if f.get("geometry"):
            groups[(feature_name(f["properties"]), display_zoom(f["properties"]))].append(shape(f["geometry"]))
    return groups


def merged_lines(geoms: Sequence[BaseGeometry]) -> BaseGeometry:
    """The line parts of ``geoms`` joined where they meet end to end."""
    parts = [p for g in geoms for p in line_parts(g)]
    return linemerge(parts) if len(parts) > 1 else MultiLineString(parts)


def line_layer(groups: dict[tuple[str, int], list[BaseGeometry]], level: Level) -> list[dict[str, Any]]:
    """A line layer at one level: ``[{"n"?, "z", "g": [part, ...]}, ...]``."""
    out = []
    for (name, z), geoms in sorted(groups.items()):
        if z > level.max_zoom:
            continue
        simple = merged_lines(geoms).simplify(level.tolerance, preserve_topology=True)
        parts = encode_lines(simple)
        if parts:
            out.append({**({"n": name} if name else {}), "z": z, "g": parts})
    return out


def lake_layer(groups: dict[tuple[str, int], list[BaseGeometry]], level: Level) -> list[dict[str, Any]]:
    """The lake layer at one level: ``[{"n"?, "z", "g": [[outer, hole...], ...]}, ...]``."""
    out = []
    for (name, z), geoms in sorted(groups.items()):
        if z > level.max_zoom:
            continue
        simple = unary_union(geoms).simplify(level.tolerance, preserve_topology=True)
        polys = encode_polygons(simple)
        if polys:
            out.append({**({"n": name} if name else {}), "z": z, "g": polys})
    return out


# --------------------------------------------------------------------------- towns


def town_queries(props: dict[str, Any]) -> list[str]:
    """Natural Earth's names of a town, in the order they are looked up."""
    names = [props.get("name"), props.get("nameascii"), *str(props.get("namealt") or "").split("|")]
    out: list[str] = []
    for n in names:
        if isinstance(n, str) and n.strip() and n.strip() not in out:
            out.append(n.strip())
    return out


@dataclass(frozen=True)
class TownNamer:
    """The two gazetteer look-ups the builder needs (geomap's bundled gazetteer by default)."""

    geocode: Callable[..., Any]  # (query, country=...) -> Resolution, as geomap.geocode
    reverse: Callable[..., Any]  # (lat, lon, max_km=...) -> Candidate | None, as Gazetteer.reverse

    @classmethod
    def bundled(cls) -> TownNamer:
        """geomap's bundled gazetteer."""
        import geomap

        return cls(geomap.geocode, geomap.Gazetteer.default().reverse)


def official_place(props: dict[str, Any], gaz: TownNamer) -> tuple[str, float, float] | None:
    """The gazetteer's (name, lat, lon) for a town in Ukraine, else None.

    A town is in Ukraine when the gazetteer's populated place nearest to Natural Earth's
    point (within MATCH_KM) is. Its names are then looked up (Ukraine only) and the first
    populated candidate within MATCH_KM wins; failing that, the nearest place itself when it
    has the town's GeoNames id (Natural Earth's ``geonameid``).
    """
    lat, lon = float(props["latitude"]), float(props["longitude"])
    near = gaz.reverse(lat, lon, max_km=MATCH_KM)
    if near is None or near.country_code != "UA":
        return None
    for query in town_queries(props):
        res = gaz.geocode(query, country="UA")
        for cand in ([res.match] if res.match else []) + list(res.alternatives):
            if cand.kind in TOWN_KINDS and haversine_km(lat, lon, cand.lat, cand.lon) <= MATCH_KM:
                return cand.name, cand.lat, cand.lon
    if near.geonameid == int(props.get("geonameid") or -1):
        return near.name, near.lat, near.lon
    return None


def capital_rank(props: dict[str, Any]) -> int:
    """2 for a national capital, 1 for an admin-1 capital, 0 otherwise."""
    cla = str(props.get("featurecla") or "")
    if props.get("adm0cap") or cla.startswith("Admin-0 capital"):
        return 2
    return 1 if "capital" in cla else 0


def town_zoom(pop: int, cap: int) -> int:
    """The zoom from which a town's label is shown: bigger towns and capitals earlier."""
    if cap == 2:
        return 4
    if pop >= 1_000_000:
        return 5
    if pop >= 250_000:
        return 6
    return 7 if pop >= 100_000 or cap == 1 else 8


def town_rows(features: Iterable[dict[str, Any]], gaz: TownNamer) -> tuple[list[list[Any]], int]:
    """Town rows (TOWN_FIELDS) sorted by zoom, then population, then name; and how many
    were named from the gazetteer."""
    rows: list[list[Any]] = []
    official = 0
    for f in features:
        p = f["properties"]
        pop, cap = int(p.get("pop_max") or 0), capital_rank(p)
        if pop < MIN_POPULATION and not cap:
            continue
        found = official_place(p, gaz)
        if found:
            official += 1
            name, lat, lon = found
        else:
            name, lat, lon = str(p["name"]), float(p["latitude"]), float(p["longitude"])
        rows.append([name, round(lat, POINT_DECIMALS), round(lon, POINT_DECIMALS), pop, town_zoom(pop, cap), cap])
    rows.sort(key=lambda r: (r[4], -r[3], r[0], r[1], r[2]))
    return rows, official


# --------------------------------------------------------------------------- regions


def area_km2(geom: BaseGeometry) -> float:
    """Approximate area in km² of a lon/lat geometry (degrees scaled at its centroid)."""
    lat = geom.centroid.y
    return geom.area * 111.32**2 * math.cos(math.radians(lat))


def region_zoom(km2: float) -> int:
    """The zoom from which a region's label is shown: larger units earlier."""
    if km2 >= 20_000:
        return 5
    if km2 >= 5_000:
        return 6
    return 7 if km2 >= 1_000 else 8


def region_rows(features: Iterable[dict[str, Any]], bounds: tuple[float, float, float, float]) -> list[list[Any]]:
    """Admin-1 label rows (REGION_FIELDS) whose label point is within ``bounds``
    (west, south, east, north), sorted by zoom then name."""
    w, s, e, n = bounds
    rows = []
    for f in features:
        p = f["properties"]
        geom = shape(f["geometry"])
        lat, lon = p.get("label_lat"), p.get("label_lon")
        if lat is None or lon is None:
            pt = geom.representative_point()
            lat, lon = pt.y, pt.x
        if not (s <= lat <= n and w <= lon <= e):
            continue
        rows.append(
            [
                str(p["name"]),
                round(float(lat), POINT_DECIMALS),
                round(float(lon), POINT_DECIMALS),
                region_zoom(area_km2(geom)),
                str(p.get("country_code") or ""),
            ]
        )
    rows.sort(key=lambda r: (r[3], r[0], r[4], r[1], r[2]))
    return rows


# --------------------------------------------------------------------------- the document


def source_bounds(features: Iterable[dict[str, Any]]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of all features, rounded outwards to whole degrees."""
    b = [math.inf, math.inf, -math.inf, -math.inf]
    for f in features:
        if f.get("geometry"):
            x0, y0, x1, y1 = shape(f["geometry"]).bounds
            b = [min(b[0], x0), min(b[1], y0), max(b[2], x1), max(b[3], y1)]
    return (math.floor(b[0]), math.floor(b[1]), math.ceil(b[2]), math.ceil(b[3]))


def build(
    src: Path, admin1: Path = DEFAULT_ADMIN1, gaz: TownNamer | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The base-map document and build statistics (counts per layer and level)."""
    gaz = gaz or TownNamer.bundled()
    lines = {k: [f for name in files for f in read_features(src / name)] for k, files in LINE_SOURCES.items()}
    lakes = [f for name in LAKE_SOURCES for f in read_features(src / name)]
    bounds = source_bounds([*lines["coast"], *lines["rivers"], *lakes])
    line_groups = {k: group_features(v) for k, v in lines.items()}
    lake_groups = group_features(lakes)
    doc: dict[str, Any] = {
        "format": "geomap-basemap",
        "version": FORMAT_VERSION,
        "scale": SCALE,
        "order": "lat,lon",
        "bounds": [bounds[1], bounds[0], bounds[3], bounds[2]],
        "attribution": "Made with Natural Earth (public domain); names: GeoNames (CC BY 4.0)",
        "levels": {},
    }
    stats: dict[str, Any] = {}
    for level in LEVELS:
        layers = {
            "rivers": line_layer(line_groups["rivers"], level),
            "coast": line_layer(line_groups["coast"], level),
            "lakes": lake_layer(lake_groups, level),
        }
        doc["levels"][level.name] = {"zoom": [level.min_zoom, level.max_zoom], "tolerance": level.tolerance, **layers}
        stats[level.name] = {k: {"features": len(v), "points": count_points(v)} for k, v in layers.items()}
    towns, official = town_rows(read_features(src / PLACES_SOURCE), gaz)
    regions = region_rows(read_features(admin1), bounds)
    doc["towns"] = {"fields": list(TOWN_FIELDS), "rows": towns}
    doc["regions"] = {"fields": list(REGION_FIELDS), "rows": regions}
    stats.update(towns=len(towns), towns_gazetteer_named=official, regions=len(regions))
    return doc, stats


def count_points(layer: list[dict[str, Any]]) -> int:
    """Vertices in a line or lake layer (a flat array holds two numbers per vertex)."""

    def flat_len(g: list[Any]) -> int:
        return len(g) // 2 if not g or isinstance(g[0], int) else sum(flat_len(x) for x in g)

    return sum(flat_len(f["g"]) for f in layer)


def dumps(doc: dict[str, Any]) -> bytes:
    """Compact, key-sorted UTF-8 JSON (the same document always gives the same bytes)."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file (no half-written output)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def layer_sizes(doc: dict[str, Any]) -> dict[str, int]:
    """Bytes of each layer in the compact encoding."""
    sizes = {
        f"{lvl}.{k}": len(dumps(v))
        for lvl, layers in doc["levels"].items()
        for k, v in layers.items()
        if k in ("rivers", "lakes", "coast")
    }
    sizes.update(towns=len(dumps(doc["towns"])), regions=len(dumps(doc["regions"])))
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Build the base map; print its size and the counts per layer as one JSON object."""
    parser = argparse.ArgumentParser(prog="python -m tools.build_basemap", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--src",
        type=Path,
        default=REPO.parent / "shared" / "basemap-sources",
        help="folder with the Natural Earth theatre clips",
    )
    parser.add_argument("--out", type=Path, default=REPO / "data" / "basemap" / "basemap.json")
    parser.add_argument(
        "--admin1",
        type=Path,
        default=DEFAULT_ADMIN1,
        help="admin-1 GeoJSON with label points (default: the bundled gazetteer's)",
    )
    args = parser.parse_args(argv)
    if not (args.src / PLACES_SOURCE).is_file():
        parser.error(f"{args.src}: no {PLACES_SOURCE} (see data/basemap/README.md)")
    doc, stats = build(args.src, args.admin1)
    data = dumps(doc)
    write_bytes(args.out, data)
    report = {"out": str(args.out), "bytes": len(data), "counts": stats, "layer_bytes": layer_sizes(doc)}
    print(json.dumps(report, sort_keys=True, indent=1), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
