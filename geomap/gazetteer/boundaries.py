"""Read-only access to the bundled boundary files of the gazetteer.

``admin1.geojson`` holds admin-1 polygons (oblasts, regions ...) of Ukraine, Russia,
Belarus and their neighbours keyed by GeoNames admin-1 code (``"UA.18"``);
``countries.geojson`` holds world country outlines for the offline base map. Both
live in :data:`geomap.settings.gazetteer_dir` (read at call time) and are built by
:mod:`tools.build_boundaries` (``make gazetteer``).

Files are parsed once per path and cached; the cache is guarded by a lock, and the
returned objects are shared, so treat them as read-only.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geomap import settings
from geomap.exc import GazetteerError, QueryError

__all__ = [
    "admin1_at",
    "admin1_at_many",
    "admin1_features",
    "admin1_geojson",
    "admin1_geometry",
    "clear_cache",
    "countries_geojson",
]

#: Default snapping distance (degrees, ~1 km) for points just outside every polygon:
#: city points on a shore or river bank (GeoNames puts Kherson ~100 m into the Dnipro
#: off the Natural Earth edge) and the simplified coastline.
SNAP_DEGREES = 0.01

ADMIN1_FILE = "admin1.geojson"
COUNTRIES_FILE = "countries.geojson"

_LOCK = threading.RLock()


def _data_dir() -> Path:
    return Path(settings.get("gazetteer_dir"))  # type: ignore[arg-type]


def _fail(path: Path, problem: str) -> GazetteerError:
    return GazetteerError(f"{path}: {problem}; rebuild it with `make gazetteer`")


@functools.lru_cache(maxsize=8)
def _read_collection(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise _fail(path, "boundary file is missing") from None
    except (OSError, ValueError) as exc:
        raise _fail(path, f"boundary file is unreadable or corrupt ({exc})") from exc
    if not (
        isinstance(data, dict)
        and data.get("type") == "FeatureCollection"
        and isinstance(data.get("features"), list)
        and data["features"]
    ):
        raise _fail(path, "boundary file is not a non-empty GeoJSON FeatureCollection")
    return data


def _collection(name: str) -> dict[str, Any]:
    with _LOCK:
        return _read_collection(_data_dir() / name)


@functools.lru_cache(maxsize=8)
def _admin1_by_code(path: Path) -> dict[str, dict[str, Any]]:
    features: dict[str, dict[str, Any]] = {}
    for feature in _read_collection(path)["features"]:
        try:
            code = feature["properties"]["gn_a1_code"]
            feature["geometry"]["coordinates"]  # noqa: B018 - shape check
        except (KeyError, TypeError):
            raise _fail(path, "a feature lacks properties.gn_a1_code or a geometry") from None
        features[str(code)] = feature
    return features


class _Admin1Index:
    """STRtree over the admin-1 polygons, in the file's (gn_a1_code) order."""

    def __init__(self, path: Path) -> None:
        import numpy as np
        import shapely
        from shapely.geometry import shape

        by_code = _admin1_by_code(path)
        self.codes = list(by_code)
        try:
            geoms = [shape(f["geometry"]) for f in by_code.values()]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _fail(path, f"a geometry cannot be read ({exc})") from exc
        self.geoms = np.asarray(geoms, dtype=object)
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)


@functools.lru_cache(maxsize=8)
def _admin1_index(path: Path) -> _Admin1Index:
    return _Admin1Index(path)


def _admin1_path() -> Path:
    return _data_dir() / ADMIN1_FILE


def admin1_features() -> dict[str, dict[str, Any]]:
    """Admin-1 features keyed by GeoNames admin-1 code (``"UA.18"``).

    Returns
    -------
    dict of str to dict
        A new dict on each call; the GeoJSON Feature dicts in it are shared.

    Raises
    ------
    GazetteerError
        When ``admin1.geojson`` is missing or corrupt.
    """
    with _LOCK:
        return dict(_admin1_by_code(_admin1_path()))


def admin1_geometry(country_code: str, admin1: str) -> dict[str, Any] | None:
    """GeoJSON geometry of admin-1 unit ``admin1`` of ``country_code``, or None.

    Parameters
    ----------
    country_code
        ISO 3166-1 alpha-2 code, any case (``"UA"``).
    admin1
        GeoNames admin-1 code within the country (``"18"``).
    """
    with _LOCK:
        feature = _admin1_by_code(_admin1_path()).get(f"{country_code.upper()}.{admin1}")
    return None if feature is None else feature["geometry"]


def admin1_at(lat: float, lon: float, *, max_distance: float = SNAP_DEGREES) -> str | None:
    """GeoNames admin-1 code of the polygon containing (``lat``, ``lon``), or None.

    A point on a shared border goes to the unit whose code sorts first; a point
    outside every polygon goes to the nearest one within ``max_distance`` degrees
    (0 disables snapping).
    """
    return admin1_at_many([lat], [lon], max_distance=max_distance)[0]


def admin1_at_many(
    lats: Sequence[float], lons: Sequence[float], *, max_distance: float = SNAP_DEGREES
) -> list[str | None]:
    """Vectorised :func:`admin1_at` (STRtree bulk queries).

    Parameters
    ----------
    lats, lons
        Equal-length sequences (or arrays) of WGS84 degrees. Non-finite values give None.
    max_distance
        Points outside every polygon take the nearest one within this many degrees.

    Raises
    ------
    QueryError
        When the lengths differ.
    GazetteerError
        When ``admin1.geojson`` is missing or corrupt.
    """
    import numpy as np
    import shapely

    lat = np.asarray(lats, dtype=float).ravel()
    lon = np.asarray(lons, dtype=float).ravel()
    if lat.shape != lon.shape:
        msg = f"admin1_at_many: got {lat.size} latitudes but {lon.size} longitudes"
        raise QueryError(msg)
    result: list[str | None] = [None] * lat.size
    finite = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    if finite.size == 0:
        return result
    with _LOCK:
        index = _admin1_index(_admin1_path())
    points = shapely.points(lon[finite], lat[finite])
    _assign(result, finite, index, index.tree.query(points, predicate="intersects"))
    if max_distance > 0:
        missed = np.asarray([i for i, k in enumerate(finite) if result[int(k)] is None], dtype=np.intp)
        if missed.size:
            near = index.tree.query_nearest(points[missed], max_distance=max_distance, all_matches=True)
            _assign(result, finite[missed], index, near)
    return result


def _assign(result: list[str | None], targets: Any, index: _Admin1Index, hits: Any) -> None:
    """Write ``index.codes`` of (input, tree) pairs ``hits`` into ``result[targets[input]]``.

    Several hits for one input (a shared border, equidistant neighbours) keep the
    lowest tree index, i.e. the code that sorts first.
    """
    import numpy as np

    if hits.shape[1] == 0:
        return
    order = np.lexsort((hits[1], hits[0]))
    point_idx, poly_idx = hits[0][order], hits[1][order]
    first = np.concatenate(([True], point_idx[1:] != point_idx[:-1]))
    for p, g in zip(point_idx[first], poly_idx[first], strict=True):
        result[int(targets[p])] = index.codes[int(g)]


def admin1_geojson() -> dict[str, Any]:
    """The admin-1 FeatureCollection (shared; do not mutate)."""
    return _collection(ADMIN1_FILE)


def countries_geojson() -> dict[str, Any]:
    """The world country outlines FeatureCollection (shared; do not mutate).

    Properties: ``name`` and ``iso_n3`` (ISO 3166-1 numeric as a string, or None).
    """
    return _collection(COUNTRIES_FILE)


def clear_cache() -> None:
    """Forget every parsed file (e.g. after rebuilding the data in place)."""
    with _LOCK:
        _read_collection.cache_clear()
        _admin1_by_code.cache_clear()
        _admin1_index.cache_clear()
