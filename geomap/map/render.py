"""The dated, layered strike map: one self-contained HTML file that works offline.

:func:`render_map` turns the events GeoDataFrame of :mod:`geomap.export` into a
``folium.Map`` whose page needs no network: Leaflet, the heat-map plugin and
geomap's own JS/CSS are inlined from ``geomap/map/static`` (see :mod:`geomap.map.assets`),
and folium's default CDN header (jQuery, Bootstrap, Font Awesome, awesome-markers)
is not used at all.  Events are embedded once, as compact columns in a JSON
``<script type="application/json">`` block; ``geomap.js`` draws them on one canvas
(towns as pins, "near" places as circles) plus translucent hatched polygons for
region-level events, and filters everything through one time control and the
layer control together.

The default base layer is the bundled vector outline map (countries and admin-1
units, labelled by zoom), not OpenStreetMap tiles: offline users see a usable map
at once instead of grey tiles, and no tile request reveals the viewed area to a
third party.  The OSM layer is one click away in the layer control when
``tiles=True``.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from geomap._fileio import write_text_atomic
from geomap.map.assets import asset_url, external_refs, inline_header_links, raw_element
from geomap.exc import InputError, OutputError

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

__all__ = ["encode_events", "render_map", "save_map", "script_json", "write_map"]

#: OpenStreetMap raster tiles (optional layer, only fetched when the user picks it).
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

#: Weapon/type layers, in the order of ``CATS`` in geomap.js.
CATEGORY_OF_WEAPON = {
    "missile": 0,
    "drone": 1,
    "artillery": 2,
    "mlrs": 2,
    "aerial bomb": 3,
    "unknown": 5,
}
INTERCEPTED_CATEGORY = 4
UNKNOWN_CATEGORY = 5

#: Side layers, in the order of ``SIDES`` in geomap.js.
SIDE_INDEX = {"strikes on ukraine": 0, "strikes on russia": 1}
OTHER_SIDE = 2

#: String columns embedded (dictionary-encoded) for popups and tooltips.
STRING_COLUMNS = (
    "event_id",
    "place_text",
    "place_name",
    "admin1_name",
    "country_code",
    "event_type",
    "weapon",
    "weapon_model",
    "actor",
    "target",
    "quote",
    "date_source",
)

#: Per-day layers are offered when the dated events span at most this many days.
MAX_DAY_LAYERS = 31

#: Area shown when there is nothing to fit (Ukraine and its neighbours): W, S, E, N.
DEFAULT_BBOX = (22.0, 44.0, 40.5, 52.5)

_POLYGONAL = ("Polygon", "MultiPolygon")

#: Simplification tolerances (degrees) of the base layers and of event regions.
COUNTRY_TOLERANCE = 0.02
ADMIN1_TOLERANCE = 0.006
REGION_TOLERANCE = 0.001
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HTTP_URL = re.compile(r'^https?://[^\s<>"]+$', re.IGNORECASE)


# --------------------------------------------------------------------------- JSON


def script_json(obj: Any) -> str:
    """Compact JSON of ``obj`` that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and ``'`` are written as ``\\u00XX`` escapes (as folium's
    template does), so article text cannot close the script or open a tag.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# --------------------------------------------------------------------------- geometry helpers


def _geojson_geometries(geoms: Any, tolerance: float, ndigits: int) -> list[dict[str, Any]]:
    """GeoJSON dicts of an array of shapely geometries, simplified and rounded."""
    import numpy as np
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    if tolerance > 0:
        simpler = shapely.simplify(geoms, tolerance, preserve_topology=True)
        geoms = np.where(shapely.is_empty(simpler), geoms, simpler)
    rounded = [
        shapely.set_coordinates(g, np.round(shapely.get_coordinates(g), ndigits)) for g in geoms
    ]
    return [json.loads(text) for text in shapely.to_geojson(np.asarray(rounded, dtype=object))]


def _geojson_geometry(geom: Any, tolerance: float, ndigits: int) -> dict[str, Any]:
    """GeoJSON dict of one shapely geometry, simplified and rounded."""
    return _geojson_geometries([geom], tolerance, ndigits)[0]


def _pad(bbox: tuple[float, ...], deg: float) -> tuple[float, float, float, float]:
    return (bbox[0] - deg, bbox[1] - deg, bbox[2] + deg, bbox[3] + deg)


# --------------------------------------------------------------------------- base layers


def _feature_name(props: Mapping[str, Any]) -> str | None:
    for key in ("name", "NAME", "admin", "ADMIN", "name_en", "NAME_EN"):
        value = props.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _label_point(
    props: Mapping[str, Any], gj: Mapping[str, Any], box: tuple[float, ...]
) -> tuple[float, float]:
    """Label position: the feature's ``label_lat``/``label_lon``, else a point inside it."""
    lat, lon = props.get("label_lat"), props.get("label_lon")
    numbers = isinstance(lat, (int, float)) and isinstance(lon, (int, float))
    if numbers and math.isfinite(lat) and math.isfinite(lon):
        return float(lat), float(lon)
    from shapely.geometry import shape

    geom = shape(gj)
    if gj.get("type") == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)  # the main landmass, not the islands
    p = geom.representative_point()
    return p.y, p.x


def _geometry_bounds(gj: Mapping[str, Any]) -> tuple[float, float, float, float] | None:
    """W, S, E, N of a GeoJSON (Multi)Polygon dict, without building shapely objects."""
    import numpy as np

    coords = gj.get("coordinates") or []
    rings = coords if gj.get("type") == "Polygon" else [r for poly in coords for r in poly]
    arrays = [np.asarray(r, dtype=float)[:, :2] for r in rings if len(r)]
    if not arrays:
        return None
    pts = np.concatenate(arrays)
    return (
        float(pts[:, 0].min()),
        float(pts[:, 1].min()),
        float(pts[:, 0].max()),
        float(pts[:, 1].max()),
    )


@dataclass(slots=True)
class _Collection:
    """A FeatureCollection indexed once: per-feature bounds, label and admin-1 code.

    Display geometries (simplified, rounded) are made on demand and memoised, so a map
    only pays for the features around its events.
    """

    geometries: list[Mapping[str, Any]]
    bounds: list[tuple[float, float, float, float]]
    labels: list[list[Any] | None]  # [lat, lon, name] or None
    codes: dict[str, int]  # gn_a1_code -> feature index
    tolerance: float
    display: dict[int, dict[str, Any]]

    def shapely(self, i: int) -> Any:
        from shapely.geometry import shape

        return shape(self.geometries[i])

    def displayed(self, idx: list[int]) -> list[dict[str, Any]]:
        todo = [i for i in idx if i not in self.display]
        if todo:
            made = _geojson_geometries([self.shapely(i) for i in todo], self.tolerance, 3)
            self.display.update(zip(todo, made, strict=True))
        return [self.display[i] for i in idx]


def _parse_collection(fc: Mapping[str, Any], tolerance: float) -> _Collection:
    geometries, bounds, labels, codes = [], [], [], {}
    for feat in fc.get("features", []):
        gj = feat.get("geometry") if isinstance(feat, Mapping) else None
        if not gj or gj.get("type") not in _POLYGONAL:
            continue
        box = _geometry_bounds(gj)
        if box is None:
            continue
        props = feat.get("properties") or {}
        name = _feature_name(props)
        label = None
        if name:
            lat, lon = _label_point(props, gj, box)
            label = [round(lat, 3), round(lon, 3), name]
        code = props.get("gn_a1_code")
        if isinstance(code, str):
            codes[code] = len(geometries)
        geometries.append(gj)
        bounds.append(box)
        labels.append(label)
    return _Collection(geometries, bounds, labels, codes, tolerance, {})


@functools.cache
def _default_collections() -> tuple[_Collection, _Collection] | None:
    """The bundled boundaries, indexed once per process (None when not installed)."""
    try:
        from geomap import boundaries  # type: ignore[attr-defined]
    except ImportError:
        return None
    return (
        _parse_collection(boundaries.countries_geojson(), COUNTRY_TOLERANCE),
        _parse_collection(boundaries.admin1_geojson(), ADMIN1_TOLERANCE),
    )


def _select(
    col: _Collection | None, bbox: tuple[float, ...]
) -> tuple[dict[str, Any] | None, list[list[Any]]]:
    """Features of ``col`` overlapping ``bbox``: a FeatureCollection and their labels."""
    if col is None:
        return None, []
    hit = [
        i
        for i, b in enumerate(col.bounds)
        if b[0] <= bbox[2] and bbox[0] <= b[2] and b[1] <= bbox[3] and bbox[1] <= b[3]
    ]
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": g} for g in col.displayed(hit)
        ],
    }
    return fc, [col.labels[i] for i in hit if col.labels[i] is not None]


class _AdminLookup(Mapping[str, Any]):
    """``gn_a1_code -> shapely polygon`` over an indexed admin-1 collection."""

    def __init__(self, col: _Collection | None) -> None:
        self._col = col

    def __getitem__(self, code: str) -> Any:
        if self._col is None:
            raise KeyError(code)
        return self._col.shapely(self._col.codes[code])

    def __contains__(self, code: object) -> bool:
        return self._col is not None and code in self._col.codes

    def __iter__(self) -> Any:
        return iter(self._col.codes if self._col else ())

    def __len__(self) -> int:
        return len(self._col.codes) if self._col else 0


def _encode_base(
    base_layers: Mapping[str, Any] | None, bbox: tuple[float, ...]
) -> tuple[dict[str, Any], Mapping[str, Any]]:
    """The base layers around ``bbox`` and a ``gn_a1_code -> shapely polygon`` lookup."""
    if base_layers is None:
        parsed = _default_collections()
        if parsed is None:
            return {}, _AdminLookup(None)
        countries, admin1 = parsed
    elif not base_layers:
        return {}, _AdminLookup(None)
    else:
        c_fc, a_fc = base_layers.get("countries"), base_layers.get("admin1")
        countries = _parse_collection(c_fc, COUNTRY_TOLERANCE) if c_fc else None
        admin1 = _parse_collection(a_fc, ADMIN1_TOLERANCE) if a_fc else None
    c_fc, c_labels = _select(countries, _pad(bbox, 12.0))
    a_fc, a_labels = _select(admin1, _pad(bbox, 3.0))
    base = {
        "countries": c_fc,
        "country_labels": c_labels,
        "admin1": a_fc,
        "admin1_labels": a_labels,
    }
    return base, _AdminLookup(admin1)


# --------------------------------------------------------------------------- events


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    import pandas as pd

    if name in df.columns:
        return df[name]
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def _ints(series: pd.Series, default: int) -> list[int]:
    import pandas as pd

    values = pd.to_numeric(series, errors="coerce")
    values = values.where(values >= 0)
    return values.fillna(default).astype("int64").tolist()


def _bools(series: pd.Series) -> list[int]:
    def truthy(v: Any) -> int:
        if isinstance(v, str):
            return int(v.strip().lower() in ("1", "true", "yes", "y", "t"))
        try:
            return int(bool(v)) if v == v and v is not None else 0  # NaN != NaN
        except (TypeError, ValueError):
            return 0

    return [truthy(v) for v in series.tolist()]


def _strings(series: pd.Series) -> tuple[list[str], list[int] | None]:
    """Dictionary encoding of a text column: (distinct values, codes; -1 for null).

    Codes are None when every value is distinct and present (then value i is event i's).
    """
    import pandas as pd

    text = series.astype("string")
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    values = pd.Series(uniques, dtype=object).tolist()
    if len(uniques) == len(codes) and (len(codes) == 0 or codes[0] == 0) and (codes >= 0).all():
        return values, None  # all distinct: the values are in event order
    return values, codes.tolist()


def _lookup(series: pd.Series, table: Mapping[str, int], default: int) -> Any:
    """``table[value.strip().lower()]`` for each value (``default`` if absent), as an array."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.array(
        [table.get(u.strip().lower(), default) if isinstance(u, str) else default for u in uniques]
        + [default],
        dtype=np.int64,
    )
    return mapped[codes]  # code -1 (null) picks the trailing default


def _categories(weapon: pd.Series, intercepted: list[int]) -> list[int]:
    import numpy as np

    cats = _lookup(weapon, CATEGORY_OF_WEAPON, UNKNOWN_CATEGORY)
    return np.where(np.asarray(intercepted, dtype=bool), INTERCEPTED_CATEGORY, cats).tolist()


def _sides(side: pd.Series) -> list[int]:
    return _lookup(side, SIDE_INDEX, OTHER_SIDE).tolist()


def _days(date: pd.Series) -> tuple[list[int], str | None, int]:
    """Day numbers from the first date (-1 undated), the first date, the span in days."""
    import pandas as pd

    text = date.astype("string").str.strip().str.slice(0, 10)
    parsed = pd.to_datetime(
        text.where(text.str.match(_ISO_DAY.pattern)), format="%Y-%m-%d", errors="coerce"
    )
    if parsed.notna().sum() == 0:
        return [-1] * len(date), None, 0
    t0 = parsed.min()
    days = ((parsed - t0).dt.days).fillna(-1).astype("int64")
    span = int(days.max()) + 1
    return days.tolist(), t0.strftime("%Y-%m-%d"), span


def _parse_sources(text: Any, fallback: Any) -> list[tuple[str | None, str | None, str | None]]:
    """``(title, url, published)`` of each source in a ``sources_json`` value."""
    records: Any = []
    if isinstance(text, str) and text.strip():
        try:
            records = json.loads(text)
        except ValueError:
            records = []
    elif isinstance(text, list):
        records = text
    if not isinstance(records, list):
        records = []
    if not records and isinstance(fallback, str) and fallback.strip():
        records = [{"title": fallback}]
    out = []
    for rec in records:
        if isinstance(rec, Mapping):
            key = (
                _text_or_none(rec.get("title")),
                _http_or_none(rec.get("url")),
                _text_or_none(rec.get("published")),
            )
            if key != (None, None, None):
                out.append(key)
    return out


def _sources(df: pd.DataFrame) -> tuple[list[list[str | None]], list[list[int]]]:
    """Interned source records ``[title, url, published]`` and each event's indices."""
    table: dict[tuple[str | None, str | None, str | None], int] = {}
    memo: dict[tuple[Any, Any], list[int]] = {}
    per_event: list[list[int]] = []
    raw = _column(df, "sources_json").astype(object).tolist()
    fallback = _column(df, "source").astype(object).tolist()
    for text, src in zip(raw, fallback, strict=True):
        try:
            memo_key = (text, src)
            hash(memo_key)
        except TypeError:  # a list value: not memoisable
            memo_key = None
        idx = memo.get(memo_key) if memo_key is not None else None
        if idx is None:
            idx = [table.setdefault(key, len(table)) for key in _parse_sources(text, src)]
            if memo_key is not None:
                memo[memo_key] = idx
        per_event.append(idx)
    return [list(k) for k in table], per_event


def _text_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _http_or_none(value: Any) -> str | None:
    """``value`` if it is an http(s) URL without spaces or quotes, else None."""
    text = _text_or_none(value)
    if text and _HTTP_URL.match(text):
        return text
    return None


def _prepare_frame(events: Any) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if not isinstance(events, gpd.GeoDataFrame):
        raise InputError(f"render_map needs a GeoDataFrame of events, got {type(events).__name__}")
    if events.geometry.name not in events.columns:
        raise InputError("events GeoDataFrame has no active geometry column")
    if events.crs is not None and not events.crs.equals("EPSG:4326"):
        events = events.to_crs("EPSG:4326")
    return events.reset_index(drop=True)


def _coordinates(
    df: gpd.GeoDataFrame,
) -> tuple[list[float | None], list[float | None], list[str | None]]:
    """Per-row anchor point (lat, lon; None when unknown) and geometry type.

    Points use their own coordinates; other geometries the ``lat``/``lon`` columns,
    else a point inside the geometry.
    """
    import numpy as np
    import pandas as pd
    import shapely

    geoms = np.asarray(df.geometry.values, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    type_ids = shapely.get_type_id(geoms)
    names = {0: "Point", 3: "Polygon", 6: "MultiPolygon"}
    kinds = [
        None if m else names.get(int(t), "Other") for m, t in zip(missing, type_ids, strict=True)
    ]
    lat = pd.to_numeric(_column(df, "lat"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lon = pd.to_numeric(_column(df, "lon"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    is_point = (type_ids == 0) & ~missing
    lon = np.where(is_point, shapely.get_x(np.where(is_point, geoms, None)), lon)
    lat = np.where(is_point, shapely.get_y(np.where(is_point, geoms, None)), lat)
    fallback = ~missing & ~is_point & ~(np.isfinite(lat) & np.isfinite(lon))
    if fallback.any():
        rep = shapely.point_on_surface(geoms[fallback])
        lon[fallback], lat[fallback] = shapely.get_x(rep), shapely.get_y(rep)
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    lats = np.round(lat, 5).astype(object)
    lons = np.round(lon, 5).astype(object)
    lats[~ok] = None
    lons[~ok] = None
    return lats.tolist(), lons.tolist(), kinds


def _regions(
    df: gpd.GeoDataFrame,
    kinds: list[str | None],
    precision: list[int],
    by_code: Mapping[str, Any],
) -> tuple[list[int], list[dict[str, Any]], list[int]]:
    """Region polygon index per event (-1: none), the distinct polygons, drawn shape per event.

    An event is drawn as a polygon (shape 3) when its geometry is polygonal, or when it
    is region-level and its admin-1 unit is in the base layers; otherwise a region-level
    event becomes a circle (shape 2), never a pin.
    """
    import numpy as np
    import shapely

    geoms = np.asarray(df.geometry.values, dtype=object)
    cc = _column(df, "country_code").astype(object).tolist()
    a1 = _column(df, "admin1").astype(object).tolist()
    polygonal = np.array([k in _POLYGONAL for k in kinds], dtype=bool)
    wkb = np.full(len(kinds), None, dtype=object)
    if polygonal.any():
        wkb[polygonal] = shapely.to_wkb(geoms[polygonal])
    index: dict[Any, int] = {}
    unique: list[Any] = []
    geom_idx, shape_of = [], []
    for i in range(len(kinds)):
        key: Any = None
        geom = None
        if polygonal[i]:
            key, geom = ("wkb", wkb[i]), geoms[i]
        elif precision[i] == 3 and isinstance(cc[i], str) and isinstance(a1[i], str):
            code = f"{cc[i]}.{a1[i]}"
            if code in by_code:
                key, geom = ("a1", code), by_code[code]
        if key is None:
            geom_idx.append(-1)
            shape_of.append(2 if precision[i] >= 2 else 1)
            continue
        if key not in index:
            index[key] = len(unique)
            unique.append(geom)
        geom_idx.append(index[key])
        shape_of.append(3)
    regions = _geojson_geometries(unique, REGION_TOLERANCE, 4) if unique else []
    return geom_idx, regions, shape_of


def _bounds(
    lats: list[float], lons: list[float], regions: list[dict[str, Any]], geom_idx: list[int]
) -> tuple[float, float, float, float] | None:
    """W, S, E, N of the event anchors and drawn region polygons."""
    import numpy as np
    import shapely

    if not lats:
        return None
    w, e = min(lons), max(lons)
    s, n = min(lats), max(lats)
    used = sorted({g for g in geom_idx if g >= 0})
    if used:
        polys = shapely.from_geojson([json.dumps(regions[g]) for g in used])
        b = np.asarray(shapely.total_bounds(polys))
        w, s, e, n = min(w, b[0]), min(s, b[1]), max(e, b[2]), max(n, b[3])
    return (float(w), float(s), float(e), float(n))


def encode_events(
    events: gpd.GeoDataFrame,
    *,
    title: str | None = None,
    tiles: bool = True,
    base_layers: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The data block ``geomap.js`` reads: events as compact columns plus base layers.

    Parameters
    ----------
    events
        Events as produced by :mod:`geomap.export` (EPSG:4326 or any CRS).
    title
        Map title.
    tiles
        Offer the OpenStreetMap tile layer (off by default in the page).
    base_layers
        ``{"countries": FeatureCollection, "admin1": FeatureCollection}``.

    Returns
    -------
    dict
        JSON-ready data (see ``EventData`` in ``geomap/map/static/geomap.js``).
    """
    df = _prepare_frame(events)
    lats_all, lons_all, kinds_all = _coordinates(df)
    keep = [i for i, lat in enumerate(lats_all) if lat is not None]
    skipped = len(df) - len(keep)
    if skipped:
        df = df.iloc[keep].reset_index(drop=True)
    lats = [lats_all[i] for i in keep]
    lons = [lons_all[i] for i in keep]
    kinds = [kinds_all[i] for i in keep]

    precision = [min(max(p, 1), 3) for p in _ints(_column(df, "geo_precision"), 1)]
    pre_bbox = (min(lons), min(lats), max(lons), max(lats)) if lats else DEFAULT_BBOX
    base, by_code = _encode_base(base_layers, pre_bbox)
    geom_idx, regions, shape_of = _regions(df, kinds, precision, by_code)
    bbox = _bounds(lats, lons, regions, geom_idx)

    intercepted = _bools(_column(df, "intercepted"))
    days, t0, span = _days(_column(df, "date"))
    import pandas as pd

    conf = pd.to_numeric(_column(df, "confidence"), errors="coerce").round(2).fillna(-1).tolist()
    strings, codes = {}, {}
    for name in STRING_COLUMNS:
        strings[name], codes[name] = _strings(_column(df, name))
    src, srcs = _sources(df)
    return {
        "v": 1,
        "title": title,
        "n": len(df),
        "skipped": skipped,
        "t0": t0,
        "span": span,
        "day_layers": 0 < span <= MAX_DAY_LAYERS,
        "bounds": [[bbox[1], bbox[0]], [bbox[3], bbox[2]]] if bbox else None,
        "tiles": {"url": OSM_TILES, "attribution": OSM_ATTRIBUTION} if tiles else None,
        "lat": lats,
        "lon": lons,
        "day": days,
        "tprec": _ints(_column(df, "time_precision"), 1),
        "cat": _categories(_column(df, "weapon"), intercepted),
        "side": _sides(_column(df, "side")),
        "prec": precision,
        "shape": shape_of,
        "geom": geom_idx,
        "killed": _ints(_column(df, "killed"), -1),
        "injured": _ints(_column(df, "injured"), -1),
        "icpt": intercepted,
        "conf": conf,
        "s": strings,
        "sc": codes,
        "src": src,
        "srcs": srcs,
        "regions": regions,
        "base": base,
    }


# --------------------------------------------------------------------------- folium elements


@functools.cache
def _classes() -> tuple[type, type]:
    """The folium element classes (built on first use: folium is imported lazily)."""
    import folium
    from folium.elements import JSCSSMixin

    class OfflineMap(folium.Map):
        """A ``folium.Map`` whose page inlines its assets and has stable element ids."""

        # Tuples, not lists: folium's add_js_link() would mutate a class-level list.
        default_js: ClassVar = (("leaflet", asset_url("leaflet.js")),)
        default_css: ClassVar = (("leaflet_css", asset_url("leaflet.css")),)
        geomap_title: str | None = None

        def render(self, **kwargs: Any) -> None:
            figure = self.get_root()
            _number_elements(figure)
            figure.header.add_child(raw_element(_notice_comment()), name="geomap_notice")
            if self.geomap_title:
                title = f"<title>{html.escape(self.geomap_title)}</title>"
                figure.header.add_child(raw_element(title), name="geomap_title")
            super().render(**kwargs)
            inline_header_links(figure)

    class StrikeLayer(JSCSSMixin):
        """The events, base layers and controls, drawn by ``geomap.js``."""

        default_js: ClassVar = (
            ("leaflet_heat", asset_url("leaflet-heat.js")),
            ("geomap_js", asset_url("geomap.js")),
        )
        default_css: ClassVar = (("geomap_css", asset_url("geomap.css")),)

        def __init__(self, data_json: str) -> None:
            super().__init__()
            self._name = "StrikeLayer"
            self.data_json = data_json

        def render(self, **kwargs: Any) -> None:
            super().render(**kwargs)
            figure = self.get_root()
            name = self.get_name()
            data_id = f"{name}_data"
            figure.html.add_child(
                raw_element(
                    f'<script type="application/json" id="{data_id}">{self.data_json}</script>'
                ),
                name=data_id,
            )
            call = f'var {name} = geomap.initFromElement({self._parent.get_name()}, "{data_id}");'
            figure.script.add_child(raw_element(call), name=name)

    return OfflineMap, StrikeLayer


def _notice_comment() -> str:
    return (
        "<!-- Made with geomap. Bundled: Leaflet 1.9.4 (BSD-2-Clause, (c) Volodymyr Agafonkin, "
        "CloudMade), Leaflet.heat 0.2.0 with simpleheat (BSD-2-Clause, (c) Vladimir Agafonkin). -->"
    )


def _number_elements(root: Any) -> None:
    """Give every element under ``root`` a sequential id (folium's are random)."""
    counter = itertools.count(1)

    def walk(element: Any) -> None:
        items = list(element._children.items())
        element._children.clear()
        for key, child in items:
            old = child.get_name()
            child._id = str(next(counter))
            element._children[child.get_name() if key == old else key] = child
            child._parent = element
            walk(child)

    root._id = "0"
    walk(root)


# --------------------------------------------------------------------------- public API


def render_map(
    events: gpd.GeoDataFrame,
    *,
    title: str | None = None,
    tiles: bool = True,
    base_layers: Mapping[str, Any] | None = None,
) -> folium.Map:
    """Build the offline, dated, layered strike map.

    Parameters
    ----------
    events
        Events GeoDataFrame (columns of :mod:`geomap.export`); Point geometries for
        town/"near" events, Polygon/MultiPolygon for region-level events.
    title
        Title shown on the map and as the page title.
    tiles
        Offer an OpenStreetMap tile layer for when a network exists.  It is never the
        default: the bundled vector outlines are.
    base_layers
        ``{"countries": FeatureCollection, "admin1": FeatureCollection}``; None loads
        the bundled boundaries from :mod:`geomap.boundaries` (if installed); an empty
        mapping means no vector base layer.

    Returns
    -------
    folium.Map
        A map whose saved page (``save_map`` or ``Map.save``) needs no network.

    Raises
    ------
    InputError
        If ``events`` is not a GeoDataFrame.
    """
    data = encode_events(events, title=title, tiles=tiles, base_layers=base_layers)
    offline_map, strike_layer = _classes()
    center = [48.5, 31.5]
    if data["bounds"]:
        (s, w), (n, e) = data["bounds"]
        center = [round((s + n) / 2, 5), round((w + e) / 2, 5)]
    m = offline_map(location=center, zoom_start=6, tiles=None, control_scale=False)
    m.geomap_title = title
    strike_layer(script_json(data)).add_to(m)
    return m


def save_map(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write ``m`` as one self-contained HTML file, atomically.

    Parameters
    ----------
    m
        A map from :func:`render_map` (elements added to it must not need CDN assets).
    path
        Target file; its directory must exist.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputError
        If the page would fetch a script/style from the network, or the file cannot
        be written.
    """
    path = Path(path)
    page = m.get_root().render()
    refs = external_refs(page)
    if refs:
        raise OutputError(
            f"map is not self-contained, it would fetch {refs[0][:120]!r}; remove that element"
        )
    _write_text_atomic(path, page)
    return path


def write_map(events: gpd.GeoDataFrame, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """:func:`render_map` then :func:`save_map`; returns the path written."""
    return save_map(render_map(events, **kwargs), path)


def _write_text_atomic(path: Path, text: str) -> None:
    if not path.parent.is_dir():
        raise OutputError(
            f"cannot write map {str(path)!r}: directory {str(path.parent)!r} does not exist"
        )
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise OutputError(f"cannot write map {str(path)!r}: {exc.strerror or exc}") from None
