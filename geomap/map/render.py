"""The dated, layered strike map: one self-contained HTML file that works offline.

:func:`render_map` turns the events GeoDataFrame of :mod:`geomap.io.export` into a
``folium.Map`` whose page needs no network: Leaflet, the heat-map plugin and
geomap's own JS/CSS are inlined from ``geomap/map/static`` (see :mod:`geomap.map.assets`),
and folium's default CDN header (jQuery, Bootstrap, Font Awesome, awesome-markers)
is not used at all.

The page's data block
---------------------
Everything the page shows is one JSON document (:func:`encode_events`), written into a
``<script type="application/octet-stream" data-encoding="zlib+base64">`` element as
zlib-compressed, base64-encoded UTF-8 (:func:`encode_data_block`; :func:`page_data`
reads it back).  Article text is thus never parsed as HTML or script.  The document is
a set of *named tables*: each table is an object of equally long columns, one array per
named field, so Python and JavaScript agree by field name, never by position:

``events`` (one entry per mapped event, see :data:`EVENT_FIELDS`)
    numeric columns are plain arrays; text columns are dictionary-coded
    ``{"values": [distinct strings], "codes": [index per event, -1 for none]}``
    (``codes`` is null when every value is distinct and present: then ``values`` is in
    event order); ``sources`` holds each event's row numbers in the ``sources`` table.
``sources`` (one entry per distinct source article, see :data:`SOURCE_FIELDS`)
    ``outlet``, ``title``, ``url`` (http(s) only) and ``published``, dictionary-coded.
``categories`` / ``sides``
    the legend vocabularies: ``events.category`` and ``events.side`` index them.

Besides: ``regions`` (GeoJSON geometries that ``events.region`` indexes), ``base``
(country and admin-1 outlines and labels around the events), ``basemap`` (rivers,
lakes, coast, towns and oblast label points: ``data/basemap/basemap.json``, schema in
``data/basemap/README.md``), ``t0``/``span`` (the first date and the number of days),
``bounds``, ``title`` and ``tiles``.  ``geomap/map/static/gm-data.js`` reads it.

The default base layer is the bundled vector map (countries, admin-1 units, rivers,
lakes, towns), not OpenStreetMap tiles: offline users see a usable map at once, and
no tile request reveals the viewed area to a third party.  The OSM layer is one click
away in the layer panel when ``tiles=True``.
"""

from __future__ import annotations

import base64
import functools
import html
import itertools
import json
import math
import os
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from geomap._fileio import write_text_atomic
from geomap.exc import InputError, OutputError
from geomap.map.assets import (
    OWN_JS,
    asset_url,
    assets_dir,
    external_refs,
    inline_header_links,
    raw_element,
)

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "encode_data_block",
    "encode_events",
    "page_data",
    "render_map",
    "save_map",
    "script_json",
    "write_map",
]

#: OpenStreetMap raster tiles (optional layer, only fetched when the user picks it).
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

#: Weapon/type categories: ``events.category`` indexes this table (sent to the page).
CATEGORIES: tuple[dict[str, str], ...] = (
    {"key": "missile", "label": "Missile", "color": "#d55e00"},
    {"key": "drone", "label": "Drone", "color": "#0072b2"},
    {"key": "artillery", "label": "Artillery / shelling", "color": "#e69f00"},
    {"key": "bomb", "label": "Air / glide bomb", "color": "#cc79a7"},
    {"key": "intercepted", "label": "Intercepted", "color": "#009e73"},
    {"key": "unknown", "label": "Unknown weapon", "color": "#6f6f6f"},
)
_CATEGORY_INDEX = {c["key"]: k for k, c in enumerate(CATEGORIES)}
#: The export's ``weapon`` value -> category key.
CATEGORY_OF_WEAPON = {
    "missile": "missile",
    "drone": "drone",
    "artillery": "artillery",
    "mlrs": "artillery",
    "aerial bomb": "bomb",
    "unknown": "unknown",
}
INTERCEPTED_CATEGORY = _CATEGORY_INDEX["intercepted"]
UNKNOWN_CATEGORY = _CATEGORY_INDEX["unknown"]

#: Sides: ``events.side`` indexes this table; ``value`` is the export's ``side`` text.
SIDES: tuple[dict[str, str | None], ...] = (
    {"key": "ukraine", "label": "Strikes on Ukraine", "value": "strikes on Ukraine", "dot": "#ffffff"},
    {"key": "russia", "label": "Strikes on Russia", "value": "strikes on Russia", "dot": "#1a1a1a"},
    {"key": "other", "label": "Other / unclear side", "value": "other", "dot": None},
)
SIDE_INDEX = {str(side["value"]).lower(): k for k, side in enumerate(SIDES[:2])}
OTHER_SIDE = 2

#: Text columns of the export kept for popups, the event list, search and downloads.
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

#: The ``events`` table of the data block: field -> meaning (also in gm-data.js).
EVENT_FIELDS: dict[str, str] = {
    "lat": "latitude of the symbol (degrees, 5 decimals)",
    "lon": "longitude of the symbol",
    "day": "days since t0; -1 when undated",
    "time_precision": "1 day, 2 week, 3 month (ACLED)",
    "category": "index into categories (intercepted wins over the weapon)",
    "side": "index into sides",
    "geo_precision": "1 town, 2 near a town, 3 region",
    "shape": "drawn as 1 pin, 2 ~10 km circle, 3 region polygon",
    "region": "index into regions, -1 when none",
    "killed": "-1 when unknown",
    "injured": "-1 when unknown",
    "intercepted": "0 or 1",
    "confidence": "0..1, -1 when unknown",
    "sources": "row numbers in the sources table",
    **{name: "text (dictionary-coded)" for name in STRING_COLUMNS},
}
#: The ``sources`` table: one row per distinct source article.
SOURCE_FIELDS = ("outlet", "title", "url", "published")

#: Data block format: bumped when a field changes meaning.
DATA_VERSION = 2

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
    rounded = [shapely.set_coordinates(g, np.round(shapely.get_coordinates(g), ndigits)) for g in geoms]
    return [json.loads(text) for text in shapely.to_geojson(np.asarray(rounded, dtype=object))]


def _pad(bbox: tuple[float, ...], deg: float) -> tuple[float, float, float, float]:
    return (bbox[0] - deg, bbox[1] - deg, bbox[2] + deg, bbox[3] + deg)


# --------------------------------------------------------------------------- base layers


def _feature_name(props: Mapping[str, Any]) -> str | None:
    for key in ("name", "NAME", "admin", "ADMIN", "name_en", "NAME_EN"):
        value = props.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _label_point(props: Mapping[str, Any], gj: Mapping[str, Any], box: tuple[float, ...]) -> tuple[float, float]:
    """Label position: the feature's ``label_lat``/``label_lon``, else a point inside it."""
    lat: Any = props.get("label_lat")
    lon: Any = props.get("label_lon")
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
    geometries: list[Mapping[str, Any]] = []
    bounds: list[tuple[float, float, float, float]] = []
    labels: list[list[Any] | None] = []
    codes: dict[str, int] = {}
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
        from geomap.gazetteer import boundaries
    except ImportError:
        return None
    return (
        _parse_collection(boundaries.countries_geojson(), COUNTRY_TOLERANCE),
        _parse_collection(boundaries.admin1_geojson(), ADMIN1_TOLERANCE),
    )


def _select(col: _Collection | None, bbox: tuple[float, ...]) -> tuple[dict[str, Any] | None, list[list[Any]]]:
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
        "features": [{"type": "Feature", "properties": {}, "geometry": g} for g in col.displayed(hit)],
    }
    return fc, [lab for i in hit if (lab := col.labels[i]) is not None]


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
    countries: _Collection | None
    admin1: _Collection | None
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
        [table.get(u.strip().lower(), default) if isinstance(u, str) else default for u in uniques] + [default],
        dtype=np.int64,
    )
    return mapped[codes]  # code -1 (null) picks the trailing default


def _categories(weapon: pd.Series, intercepted: list[int]) -> list[int]:
    import numpy as np

    table = {w: _CATEGORY_INDEX[key] for w, key in CATEGORY_OF_WEAPON.items()}
    cats = _lookup(weapon, table, UNKNOWN_CATEGORY)
    return np.where(np.asarray(intercepted, dtype=bool), INTERCEPTED_CATEGORY, cats).tolist()


def _sides(side: pd.Series) -> list[int]:
    return _lookup(side, SIDE_INDEX, OTHER_SIDE).tolist()


def _days(date: pd.Series) -> tuple[list[int], str | None, int]:
    """Day numbers from the first date (-1 undated), the first date, the span in days."""
    import pandas as pd

    text = date.astype("string").str.strip().str.slice(0, 10)
    parsed = pd.to_datetime(text.where(text.str.match(_ISO_DAY.pattern)), format="%Y-%m-%d", errors="coerce")
    if parsed.notna().sum() == 0:
        return [-1] * len(date), None, 0
    t0 = parsed.min()
    days = ((parsed - t0).dt.days).fillna(-1).astype("int64")
    span = int(days.max()) + 1
    return days.tolist(), t0.strftime("%Y-%m-%d"), span


def _parse_sources(text: Any, fallback: Any) -> list[tuple[str | None, ...]]:
    """``(outlet, title, url, published)`` of each source in a ``sources_json`` value."""
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
    out: list[tuple[str | None, ...]] = []
    for rec in records:
        if isinstance(rec, Mapping):
            url = _http_or_none(rec.get("url"))
            key = (
                _outlet(url) or _text_or_none(rec.get("outlet")),
                _text_or_none(rec.get("title")),
                url,
                _text_or_none(rec.get("published")),
            )
            if key[1:] != (None, None, None):
                out.append(key)
    return out


def _outlet(url: str | None) -> str | None:
    """The site of ``url``: its host name without a leading ``www.`` (None without a URL)."""
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _sources(df: pd.DataFrame) -> tuple[dict[str, Any], list[list[int]]]:
    """The ``sources`` table (distinct source records, one column per SOURCE_FIELDS) and
    each event's row numbers in it."""
    import pandas as pd

    table: dict[tuple[str | None, ...], int] = {}
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
    rows = list(table)
    columns = {}
    for k, name in enumerate(SOURCE_FIELDS):
        values, codes = _strings(pd.Series([r[k] for r in rows], dtype=object))
        columns[name] = {"values": values, "codes": codes}
    return columns, per_event


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
    kinds = [None if m else names.get(int(t), "Other") for m, t in zip(missing, type_ids, strict=True)]
    lat = pd.to_numeric(_column(df, "lat"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lon = pd.to_numeric(_column(df, "lon"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    is_point = (type_ids == 0) & ~missing
    points = np.where(is_point, geoms, cast(Any, None))
    lon = np.where(is_point, shapely.get_x(points), lon)
    lat = np.where(is_point, shapely.get_y(points), lat)
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
    basemap: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The data block the page reads: the named tables described in the module docstring.

    Parameters
    ----------
    events
        Events as produced by :mod:`geomap.io.export` (EPSG:4326 or any CRS).
    title
        Map title.
    tiles
        Offer the OpenStreetMap tile layer (off by default in the page).
    base_layers
        ``{"countries": FeatureCollection, "admin1": FeatureCollection}``; None: the
        bundled boundaries; an empty mapping: none.
    basemap
        The offline base map document (``data/basemap/basemap.json``); None: the bundled
        one when present; an empty mapping: none.

    Returns
    -------
    dict
        JSON-ready data (read by ``geomap/map/static/gm-data.js``).
    """
    import pandas as pd

    df = _prepare_frame(events)
    lats_all, lons_all, kinds_all = _coordinates(df)
    keep = [i for i, lat in enumerate(lats_all) if lat is not None]
    skipped = len(df) - len(keep)
    if skipped:
        df = df.iloc[keep].reset_index(drop=True)
    lats = [cast(float, lats_all[i]) for i in keep]
    lons = [cast(float, lons_all[i]) for i in keep]
    kinds = [kinds_all[i] for i in keep]

    precision = [min(max(p, 1), 3) for p in _ints(_column(df, "geo_precision"), 1)]
    pre_bbox = (min(lons), min(lats), max(lons), max(lats)) if lats else DEFAULT_BBOX
    base, by_code = _encode_base(base_layers, pre_bbox)
    geom_idx, regions, shape_of = _regions(df, kinds, precision, by_code)
    bbox = _bounds(lats, lons, regions, geom_idx)

    intercepted = _bools(_column(df, "intercepted"))
    days, t0, span = _days(_column(df, "date"))
    confidence = pd.to_numeric(_column(df, "confidence"), errors="coerce")
    conf = confidence.where((confidence >= 0) & (confidence <= 1)).round(2).fillna(-1).tolist()
    columns: dict[str, Any] = {
        "lat": lats,
        "lon": lons,
        "day": days,
        "time_precision": _ints(_column(df, "time_precision"), 1),
        "category": _categories(_column(df, "weapon"), intercepted),
        "side": _sides(_column(df, "side")),
        "geo_precision": precision,
        "shape": shape_of,
        "region": geom_idx,
        "killed": _ints(_column(df, "killed"), -1),
        "injured": _ints(_column(df, "injured"), -1),
        "intercepted": intercepted,
        "confidence": conf,
    }
    for name in STRING_COLUMNS:
        values, codes = _strings(_column(df, name))
        columns[name] = {"values": values, "codes": codes}
    source_table, columns["sources"] = _sources(df)
    return {
        "format": "geomap-map",
        "version": DATA_VERSION,
        "title": title,
        "n": len(df),
        "skipped": skipped,
        "t0": t0,
        "span": span,
        "bounds": [[bbox[1], bbox[0]], [bbox[3], bbox[2]]] if bbox else None,
        "tiles": {"url": OSM_TILES, "attribution": OSM_ATTRIBUTION} if tiles else None,
        "categories": [dict(c) for c in CATEGORIES],
        "sides": [dict(side) for side in SIDES],
        "events": columns,
        "sources": source_table,
        "regions": regions,
        "base": base,
        "basemap": _basemap(basemap),
    }


# --------------------------------------------------------------------------- offline base map

#: Where a source checkout keeps the base map built by ``tools/build_basemap.py``.
REPO_BASEMAP = Path(__file__).resolve().parents[2] / "data" / "basemap" / "basemap.json"
#: The copy shipped in the package (made by ``python -m geomap.map.assets --vendor``).
BASEMAP_ASSET = "basemap.json"


def basemap_path() -> Path | None:
    """The offline base map file: the checkout's ``data/basemap/basemap.json`` when there
    is one (never stale while developing), else the packaged copy; None when neither."""
    for path in (REPO_BASEMAP, assets_dir() / "vendor" / BASEMAP_ASSET):
        if path.is_file():
            return path
    return None


@functools.cache
def _read_basemap(path: str, mtime_ns: int) -> dict[str, Any] | None:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != "geomap-basemap":
        return None
    return doc


def _basemap(basemap: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The base map document to embed (None: none available or not wanted)."""
    if basemap is not None:
        return dict(basemap) if basemap else None
    path = basemap_path()
    if path is None:
        return None
    return _read_basemap(str(path), path.stat().st_mtime_ns)


# --------------------------------------------------------------------------- the data block

#: ``data-encoding`` of the data block.
DATA_ENCODING = "zlib+base64"


def encode_data_block(data: Mapping[str, Any]) -> str:
    """``data`` as the data block's text: compact JSON, zlib level 6, base64.

    The same data always gives the same text.  The page inflates it with the browser's
    ``DecompressionStream("deflate")``.
    """
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return base64.b64encode(zlib.compress(raw.encode("utf-8"), 6)).decode("ascii")


_BLOCK_RE = re.compile(
    r'<script type="application/octet-stream" id="[^"]+" data-encoding="zlib\+base64">'
    r"([A-Za-z0-9+/=]*)</script>"
)


def page_data(page: str) -> dict[str, Any]:
    """The data block of a rendered map page, decoded (for tests and tools).

    Raises
    ------
    InputError
        If ``page`` has no geomap data block.
    """
    m = _BLOCK_RE.search(page)
    if not m:
        raise InputError("no geomap data block in the page")
    return json.loads(zlib.decompress(base64.b64decode(m.group(1))).decode("utf-8"))


# --------------------------------------------------------------------------- folium elements


@functools.cache
def _classes() -> tuple[type, type]:
    """The folium element classes (built on first use: folium is imported lazily)."""
    import folium
    from folium.elements import JSCSSMixin

    class OfflineMap(folium.Map):
        """A ``folium.Map`` whose page inlines its assets and has stable element ids."""

        # Tuples, not lists: folium's add_js_link() would mutate a class-level list.
        default_js: ClassVar = (("leaflet", asset_url("leaflet.js")),)  # type: ignore[misc,assignment]
        default_css: ClassVar = (("leaflet_css", asset_url("leaflet.css")),)  # type: ignore[misc,assignment]
        geomap_title: str | None = None

        def render(self, **kwargs: Any) -> None:  # type: ignore[override]
            figure: Any = self.get_root()
            _number_elements(figure)
            figure.header.add_child(raw_element(_notice_comment()), name="geomap_notice")
            if self.geomap_title:
                title = f"<title>{html.escape(self.geomap_title)}</title>"
                figure.header.add_child(raw_element(title), name="geomap_title")
            super().render(**kwargs)
            inline_header_links(figure)

    class StrikeLayer(JSCSSMixin):
        """The events, base layers and controls, drawn by geomap's scripts (``gm-*.js``)."""

        default_js: ClassVar = (  # type: ignore[misc,assignment]
            ("leaflet_heat", asset_url("leaflet-heat.js")),
            *((name.replace("-", "_").removesuffix(".js"), asset_url(name)) for name in OWN_JS),
        )
        default_css: ClassVar = (("geomap_css", asset_url("geomap.css")),)  # type: ignore[misc,assignment]

        def __init__(self, block: str) -> None:
            super().__init__()
            self._name = "StrikeLayer"
            self.block = block

        def render(self, **kwargs: Any) -> None:  # type: ignore[override]
            super().render(**kwargs)
            figure: Any = self.get_root()
            name = self.get_name()
            data_id = f"{name}_data"
            figure.html.add_child(
                raw_element(
                    f'<script type="application/octet-stream" id="{data_id}" '
                    f'data-encoding="{DATA_ENCODING}">{self.block}</script>'
                ),
                name=data_id,
            )
            parent: Any = self._parent
            call = f'var {name} = geomap.initFromElement({parent.get_name()}, "{data_id}");'
            figure.script.add_child(raw_element(call), name=name)

    return OfflineMap, StrikeLayer


def _notice_comment() -> str:
    return (
        "<!-- Made with geomap. Bundled: Leaflet 1.9.4 (BSD-2-Clause, (c) Volodymyr Agafonkin, "
        "CloudMade), Leaflet.heat 0.2.0 with simpleheat (BSD-2-Clause, (c) Vladimir Agafonkin). "
        "Base map data: Natural Earth (public domain), Who's On First "
        "(https://whosonfirst.org/docs/licenses/), GeoNames (CC BY 4.0). -->"
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
    basemap: Mapping[str, Any] | None = None,
) -> folium.Map:
    """Build the offline, dated, layered strike map.

    Parameters
    ----------
    events
        Events GeoDataFrame (columns of :mod:`geomap.io.export`); Point geometries for
        town/"near" events, Polygon/MultiPolygon for region-level events.
    title
        Title shown on the map and as the page title.
    tiles
        Offer an OpenStreetMap tile layer for when a network exists.  It is never the
        default: the bundled vector outlines are.
    base_layers
        ``{"countries": FeatureCollection, "admin1": FeatureCollection}``; None loads
        the bundled boundaries from :mod:`geomap.gazetteer.boundaries` (if installed); an empty
        mapping means no vector base layer.
    basemap
        The offline base map (rivers, lakes, coast, towns, oblast names) as read from
        ``data/basemap/basemap.json``; None uses the bundled one when present; an empty
        mapping means none.

    Returns
    -------
    folium.Map
        A map whose saved page (``save_map`` or ``Map.save``) needs no network.

    Raises
    ------
    InputError
        If ``events`` is not a GeoDataFrame.
    """
    data = encode_events(events, title=title, tiles=tiles, base_layers=base_layers, basemap=basemap)
    offline_map, strike_layer = _classes()
    center = [48.5, 31.5]
    if data["bounds"]:
        (s, w), (n, e) = data["bounds"]
        center = [round((s + n) / 2, 5), round((w + e) / 2, 5)]
    m = offline_map(location=center, zoom_start=6, tiles=None, control_scale=False)
    m.geomap_title = title
    strike_layer(encode_data_block(data)).add_to(m)
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
        raise OutputError(f"map is not self-contained, it would fetch {refs[0][:120]!r}; remove that element")
    _write_text_atomic(path, page)
    return path


def write_map(events: gpd.GeoDataFrame, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """:func:`render_map` then :func:`save_map`; returns the path written."""
    return save_map(render_map(events, **kwargs), path)


def _write_text_atomic(path: Path, text: str) -> None:
    if not path.parent.is_dir():
        raise OutputError(f"cannot write map {str(path)!r}: directory {str(path.parent)!r} does not exist")
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise OutputError(f"cannot write map {str(path)!r}: {exc.strerror or exc}") from None
