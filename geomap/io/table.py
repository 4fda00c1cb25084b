"""The event table: :class:`~geomap.records.StrikeEvent` records <-> one GeoDataFrame.

The schema is written once, in :class:`~geomap.records.StrikeEvent`: :data:`COLUMNS`
is derived from :func:`dataclasses.fields` in declaration order, so a new field
becomes a new column of every export. The rules, in one place:

* A field gives one column of its own name. Its dtype follows the annotation
  (``None`` stripped): ``str`` -> ``str``, ``int`` -> ``Int64`` (``Int32`` for the
  ACLED precision codes :data:`_INT32_FIELDS`), ``float`` -> ``float64``,
  ``bool`` -> ``bool``. Any other annotation is an error at import time, so a
  field can never be silently left out.
* Derived columns (:data:`_DERIVED`) follow the field they are derived from or
  replace it:

  ``country_code``
      is followed by ``side``: "strikes on Ukraine" (UA), "strikes on Russia" (RU)
      or "other".
  ``sources``
      becomes ``source`` (article ids, ``"; "``-separated, like ACLED's source
      list), ``n_sources``, ``source_titles`` (`` | ``-separated, the id for an
      untitled article, aligned with ``source``), ``source_urls`` (the known URLs)
      and ``sources_json`` (the full list as a JSON string; read back from it).
  ``geometry``
      becomes the GeoDataFrame's geometry column: the ``geometry`` dict when
      present (a region polygon), else ``Point(lon, lat)``, else an empty (null)
      geometry. Polygon exterior rings are oriented counter-clockwise (holes
      clockwise), as RFC 7946 section 3.1.6 asks.

In memory ``date`` is the ISO string ``"YYYY-MM-DD"``; text columns hold NA for
"none" and never the empty string (CSV cannot tell the two apart), so an event's
empty ``quote`` is NA in the frame and ``""`` again in :func:`from_geodataframe`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import types
import typing
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from geomap.exc import InputError
from geomap.records import Source, StrikeEvent

if TYPE_CHECKING:
    import geopandas
    import pandas

__all__ = [
    "COLUMNS",
    "CRS",
    "columns_of",
    "conform",
    "from_geodataframe",
    "to_geodataframe",
]

CRS = "EPSG:4326"
SOURCE_SEP = "; "
TEXT_SEP = " | "
SIDES = {"UA": "strikes on Ukraine", "RU": "strikes on Russia"}
OTHER_SIDE = "other"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Annotation (``None`` stripped) -> pandas dtype.
_DTYPES: dict[Any, str] = {str: "str", int: "Int64", float: "float64", bool: "bool"}

#: Integer fields that hold small ACLED codes (1-3): 32-bit (GeoPackage ``Integer``).
_INT32_FIELDS = frozenset({"time_precision", "geo_precision"})

#: Fields whose columns are derived: field -> the columns that stand in its place.
_DERIVED: dict[str, tuple[tuple[str, str], ...]] = {
    "country_code": (("country_code", "str"), ("side", "str")),
    "sources": (
        ("source", "str"),
        ("n_sources", "Int32"),
        ("source_titles", "str"),
        ("source_urls", "str"),
        ("sources_json", "str"),
    ),
    "geometry": (),  # the GeoDataFrame's geometry column
}

#: Values for required fields a file leaves empty (else ``""`` for text, the field default otherwise).
_FALLBACKS: dict[str, Any] = {"weapon": "unknown", "geo_precision": 1}


def _dtype(name: str, annotation: Any) -> str:
    """The pandas dtype of field ``name`` annotated ``annotation``."""
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    kinds = [a for a in args if a is not type(None)]
    if len(kinds) != 1 or kinds[0] not in _DTYPES:
        raise TypeError(f"field {name!r}: no column type for {annotation!r}; add it to _DTYPES or _DERIVED")
    dtype = _DTYPES[kinds[0]]
    return "Int32" if dtype == "Int64" and name in _INT32_FIELDS else dtype


def columns_of(record: type) -> tuple[tuple[str, str], ...]:
    """``(column, pandas dtype)`` of a record dataclass's table, by the rules of this module.

    Parameters
    ----------
    record
        A dataclass (:class:`~geomap.records.StrikeEvent`).

    Raises
    ------
    TypeError
        A field's annotation has no column type.
    """
    hints = typing.get_type_hints(record)
    out: list[tuple[str, str]] = []
    for f in dataclasses.fields(record):
        out.extend(_DERIVED[f.name] if f.name in _DERIVED else [(f.name, _dtype(f.name, hints[f.name]))])
    return tuple(out)


#: The event frame schema: ``(column, pandas dtype)`` in output order, from StrikeEvent's fields.
#: GeoPackage field types follow: ``str`` -> String, ``Int64`` -> Integer64,
#: ``Int32`` -> Integer, ``float64`` -> Real, ``bool`` -> Integer(Boolean),
#: ``date`` -> Date.
COLUMNS: tuple[tuple[str, str], ...] = columns_of(StrikeEvent)

#: StrikeEvent fields that are columns of their own (``sources`` and ``geometry`` are not).
_PLAIN_FIELDS: tuple[dataclasses.Field[Any], ...] = tuple(
    f for f in dataclasses.fields(StrikeEvent) if f.name in dict(COLUMNS)
)
#: Fields that may be ``None``.
_OPTIONAL = frozenset(
    name for name, hint in typing.get_type_hints(StrikeEvent).items() if type(None) in typing.get_args(hint)
)


# ------------------------------------------------------- events -> DataFrame


def side_of(country_code: str | None) -> str:
    """The ``side`` column's value for a country code."""
    return SIDES.get(country_code or "", OTHER_SIDE)


def _check_date(event: StrikeEvent) -> str | None:
    if event.date is None:
        return None
    try:
        ok = bool(_ISO_DATE.fullmatch(event.date)) and dt.date.fromisoformat(event.date) is not None
    except ValueError:
        ok = False
    if not ok:
        msg = f"event {event.event_id!r}: date {event.date!r} is not an ISO date YYYY-MM-DD"
        raise InputError(msg)
    return event.date


def _sources_json(sources: list[Source]) -> str:
    items = [{"id": s.id, "title": s.title, "url": s.url, "published": s.published} for s in sources]
    return json.dumps(items, ensure_ascii=False)


def _join(values: Iterable[str | None], sep: str) -> str | None:
    kept = [v for v in values if v]
    return sep.join(kept) if kept else None


def _event_row(event: StrikeEvent) -> dict[str, Any]:
    """One frame row (without geometry) for ``event``."""
    row = {f.name: getattr(event, f.name) for f in _PLAIN_FIELDS}
    row["date"] = _check_date(event)
    row["intercepted"] = bool(event.intercepted)
    row["side"] = side_of(event.country_code)
    row["source"] = _join((s.id for s in event.sources), SOURCE_SEP)
    row["n_sources"] = len(event.sources)
    # Titles stay aligned with `source` (id when untitled); URLs list the known ones.
    row["source_titles"] = _join((s.title or s.id for s in event.sources), TEXT_SEP)
    row["source_urls"] = _join((s.url for s in event.sources), TEXT_SEP)
    row["sources_json"] = _sources_json(event.sources)
    return row


def _event_geometry(event: StrikeEvent) -> Any:
    """Shapely geometry of ``event``: its ``geometry`` dict, else its point, else ``None``."""
    import shapely
    from shapely.geometry import shape

    if event.geometry is not None:
        try:
            geom = shape(event.geometry)
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as e:
            raise InputError(f"event {event.event_id!r}: invalid geometry dict ({e})") from None
        return None if geom.is_empty else geom
    if event.lat is not None and event.lon is not None and present(event.lat) and present(event.lon):
        return shapely.Point(float(event.lon), float(event.lat))
    return None


def present(value: Any) -> bool:
    """True unless ``value`` is None/NA/NaN."""
    import pandas as pd

    if value is None:
        return False
    if isinstance(value, list | tuple | dict):
        return True
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def typed(df: pandas.DataFrame, schema: Iterable[tuple[str, str]]) -> pandas.DataFrame:
    """Return ``df`` with exactly the ``schema`` columns, in order, cast to their dtypes."""
    import pandas as pd

    out = {}
    for name, dtype in schema:
        col = df[name] if name in df.columns else pd.Series([None] * len(df), index=df.index)
        out[name] = _cast(col, dtype)
    return pd.DataFrame(out, index=df.index)


def _cast(col: pandas.Series, dtype: str) -> pandas.Series:
    """Cast one column read from any format (strings, floats with NaN, dates...) to ``dtype``."""
    import pandas as pd

    if dtype == "str":
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            return col.dt.strftime("%Y-%m-%d").astype("str")
        return pd.Series([_as_text(v) for v in col], index=col.index, dtype="str")
    if dtype == "bool":
        return pd.Series([_as_bool(v) for v in col], index=col.index, dtype=bool)
    num = pd.to_numeric(col, errors="coerce")
    if dtype in ("Int32", "Int64"):
        num = num.round()
    return num.astype(pd.api.types.pandas_dtype(dtype))


def _as_text(value: Any) -> str | None:
    if not present(value) or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):  # a JSON property some reader decoded
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _as_bool(value: Any) -> bool:
    if not present(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "t")
    return bool(value)


def to_geodataframe(events: Iterable[StrikeEvent]) -> geopandas.GeoDataFrame:
    """Build the event frame.

    Parameters
    ----------
    events
        Strike events, in output order.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`COLUMNS` plus ``geometry``, CRS EPSG:4326. Empty input
        gives an empty frame with the full schema.

    Raises
    ------
    InputError
        An event has a malformed date or geometry dict.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    events = list(events)
    rows = [_event_row(e) for e in events]
    geoms = [_event_geometry(e) for e in events]
    df = typed(pd.DataFrame(rows, columns=[n for n, _ in COLUMNS]), COLUMNS)
    # RFC 7946 section 3.1.6: exterior rings counter-clockwise, holes clockwise.
    geometry = shapely.orient_polygons(gpd.array.from_shapely(geoms), exterior_cw=False) if geoms else []
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geometry, index=df.index, crs=CRS), crs=CRS)


# ------------------------------------------------------- DataFrame -> events


def _sources_from(row: Mapping[str, Any]) -> list[Source]:
    raw = row.get("sources_json")
    if isinstance(raw, list):  # decoded by a reader already
        raw = json.dumps(raw)
    if present(raw) and raw:
        try:
            items = json.loads(raw)
        except ValueError as e:
            msg = f"event {row.get('event_id')!r}: sources_json is not JSON ({e})"
            raise InputError(msg) from None
        return [
            Source(id=str(i.get("id")), title=i.get("title"), url=i.get("url"), published=i.get("published"))
            for i in items
        ]
    ids = row.get("source")
    if present(ids) and ids:
        return [Source(id=s) for s in str(ids).split(SOURCE_SEP) if s]
    return []


def _geometry_dict(geom: Any) -> dict[str, Any] | None:
    """Inverse of :func:`_event_geometry`: points become lon/lat, other shapes a dict."""
    from shapely.geometry import mapping

    if geom is None or geom.is_empty or geom.geom_type == "Point":
        return None
    result: dict[str, Any] = json.loads(json.dumps(mapping(geom)))  # tuples -> lists, as GeoJSON reads
    return result


_PYTHON_TYPES: dict[str, Any] = {"str": str, "Int32": int, "Int64": int, "float64": float, "bool": bool}


def _field_value(f: dataclasses.Field[Any], dtype: str, value: Any) -> Any:
    """A row's value converted to field ``f``'s type; a required field left empty gets its fallback."""
    if present(value):
        return _PYTHON_TYPES[dtype](value)
    if f.name in _OPTIONAL:
        return None
    if f.name in _FALLBACKS:
        return _FALLBACKS[f.name]
    if f.default is not dataclasses.MISSING:
        return f.default
    return "" if dtype == "str" else None


def _event_from_row(row: Mapping[str, Any], geom: Any) -> StrikeEvent:
    dtypes = dict(COLUMNS)
    values = {f.name: _field_value(f, dtypes[f.name], row[f.name]) for f in _PLAIN_FIELDS}
    return StrikeEvent(**values, sources=_sources_from(row), geometry=_geometry_dict(geom))


def from_geodataframe(gdf: pandas.DataFrame) -> list[StrikeEvent]:
    """Turn an event frame (from :func:`to_geodataframe` or ``read_events``) back into events.

    Point geometries are dropped in favour of ``lat``/``lon`` (that is where
    they came from); any other geometry becomes the ``geometry`` dict.

    Parameters
    ----------
    gdf
        A frame with the :data:`COLUMNS` (missing columns read as empty).

    Returns
    -------
    list[StrikeEvent]
    """
    df = conform(gdf)
    geoms = list(df.geometry)
    return [_event_from_row(row, geom) for row, geom in zip(df.to_dict("records"), geoms, strict=True)]


# ---------------------------------------------------------------- conform


def conform(df: pandas.DataFrame) -> geopandas.GeoDataFrame:
    """Any frame in the geomap schema (built or read) -> exactly :data:`COLUMNS` + geometry, typed."""
    import geopandas as gpd
    import pandas as pd

    out = typed(df, COLUMNS)
    sides = [side_of(c if present(c) else None) for c in out["country_code"]]
    out["side"] = pd.Series(sides, index=out.index, dtype="str")
    return gpd.GeoDataFrame(out, geometry=_wgs84_geometry(df), crs=CRS)


def _wgs84_geometry(df: pandas.DataFrame) -> geopandas.GeoSeries:
    """The frame's geometry in EPSG:4326 (reprojected if needed; all-null if it has none)."""
    import geopandas as gpd

    try:
        geometry = df.geometry if isinstance(df, gpd.GeoDataFrame) else None
    except AttributeError:  # a GeoDataFrame without an active geometry column
        geometry = None
    if geometry is None:
        return gpd.GeoSeries([None] * len(df), index=df.index, crs=CRS)
    if geometry.crs is None:
        return geometry.set_crs(CRS)
    return geometry if geometry.crs.to_epsg() == 4326 else geometry.to_crs(CRS)
