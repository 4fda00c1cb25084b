"""Export stage: :class:`~geomap.events.StrikeEvent` records <-> GeoDataFrame <-> GIS files.

One table, :data:`COLUMNS`, defines the column names, dtypes and order of the
event frame; everything else here derives from it.

In memory, ``date`` is the ISO string ``"YYYY-MM-DD"`` (missing: NA). On disk:

=============  ========================================  =============================
extension      driver / writer                           ``date`` stored as
=============  ========================================  =============================
.geojson .json GDAL GeoJSON, RFC 7946 (WGS84 lon/lat,    ISO string
               no ``crs`` member, 6 decimals)
.gpkg          GDAL GPKG, layer ``events``, geometry     Date field (QGIS temporal
               type GEOMETRY (points and polygons mix)   controller: "single field")
.fgb           GDAL FlatGeobuf, no spatial index         DateTime (midnight; the format
               (keeps row order and null geometries)     has no Date type)
.parquet       GeoParquet (geopandas/pyarrow)            date32
.csv           pandas; ``lat``/``lon`` plus a ``wkt``    ISO string
               column (last) holding the geometry
.kml           GDAL KML; ``Name`` = place label,         ISO string
               all columns as ExtendedData
=============  ========================================  =============================

Geometry: the event's ``geometry`` dict when present (a region polygon), else
``Point(lon, lat)``. An event with neither keeps its row with an *empty*
(null) geometry in every format: GeoJSON ``"geometry": null``, a NULL blob in
GeoPackage/FlatGeobuf/GeoParquet, a Placemark without geometry in KML and an
empty ``wkt`` cell in CSV. Polygon exterior rings are oriented
counter-clockwise (holes clockwise), as RFC 7946 section 3.1.6 asks.

:func:`read_events` reads every file :func:`write_events` writes (also the
``acled=True`` variant) and restores the dtypes of :data:`COLUMNS`. Text
columns hold NA for "none" and never the empty string (CSV cannot tell the two
apart), so an event's empty ``quote`` is NA in the frame and ``""`` again in
:func:`from_geodataframe`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap._fileio import atomic_path
from geomap.records import Source, StrikeEvent
from geomap.exc import InputError, OutputError

if TYPE_CHECKING:
    import geopandas
    import pandas

__all__ = [
    "ACLED_COLUMNS",
    "COLUMNS",
    "FORMATS",
    "check_output_path",
    "from_geodataframe",
    "read_events",
    "to_acled",
    "to_geodataframe",
    "write_events",
]

#: The event frame schema: ``(column, pandas dtype)`` in output order.
#: GeoPackage field types follow: ``str`` -> String, ``Int64`` -> Integer64,
#: ``Int32`` -> Integer, ``float64`` -> Real, ``bool`` -> Integer(Boolean),
#: ``date`` -> Date.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "str"),
    ("date", "str"),
    ("time_precision", "Int32"),
    ("date_source", "str"),
    ("place_text", "str"),
    ("place_name", "str"),
    ("geonameid", "Int64"),
    ("lat", "float64"),
    ("lon", "float64"),
    ("country_code", "str"),
    ("admin1", "str"),
    ("admin1_name", "str"),
    ("geo_precision", "Int32"),
    ("event_type", "str"),
    ("weapon", "str"),
    ("weapon_model", "str"),
    ("actor", "str"),
    ("target", "str"),
    ("killed", "Int64"),
    ("injured", "Int64"),
    ("intercepted", "bool"),
    ("side", "str"),
    ("quote", "str"),
    ("confidence", "float64"),
    ("source", "str"),
    ("n_sources", "Int32"),
    ("source_titles", "str"),
    ("source_urls", "str"),
    ("sources_json", "str"),
)

#: Extension -> GDAL driver name, or ``None`` for formats written without GDAL.
FORMATS: dict[str, str | None] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".fgb": "FlatGeobuf",
    ".kml": "KML",
    ".csv": None,
    ".parquet": None,
}

#: Extensions whose ``date`` column is written as a real date type.
_DATE_TYPED = frozenset({".gpkg", ".fgb", ".parquet"})

LAYER = "events"
CRS = "EPSG:4326"
WKT_COLUMN = "wkt"
KML_NAME_COLUMN = "Name"
SOURCE_SEP = "; "
TEXT_SEP = " | "
SIDES = {"UA": "strikes on Ukraine", "RU": "strikes on Russia"}
OTHER_SIDE = "other"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# --------------------------------------------------------------------- ACLED

#: ACLED's own columns, in the order of its post-March-2023 exports.
_ACLED_CORE: tuple[tuple[str, str], ...] = (
    ("event_id_cnty", "str"),
    ("event_date", "str"),
    ("year", "Int32"),
    ("time_precision", "Int32"),
    ("disorder_type", "str"),
    ("event_type", "str"),
    ("sub_event_type", "str"),
    ("actor1", "str"),
    ("assoc_actor_1", "str"),
    ("inter1", "str"),
    ("actor2", "str"),
    ("assoc_actor_2", "str"),
    ("inter2", "str"),
    ("interaction", "str"),
    ("civilian_targeting", "str"),
    ("iso", "Int32"),
    ("region", "str"),
    ("country", "str"),
    ("admin1", "str"),
    ("admin2", "str"),
    ("admin3", "str"),
    ("location", "str"),
    ("latitude", "float64"),
    ("longitude", "float64"),
    ("geo_precision", "Int32"),
    ("source", "str"),
    ("source_scale", "str"),
    ("notes", "str"),
    ("fatalities", "Int64"),
    ("tags", "str"),
    ("timestamp", "Int64"),
)

#: geomap columns renamed to ACLED's (the rest of ACLED's columns are derived or empty).
_TO_ACLED: dict[str, str] = {
    "event_id": "event_id_cnty",
    "date": "event_date",
    "event_type": "sub_event_type",
    "actor": "actor1",
    "admin1_name": "admin1",
    "place_name": "location",
    "lat": "latitude",
    "lon": "longitude",
    "quote": "notes",
}

#: geomap columns that follow ACLED's, under their geomap names.
_ACLED_EXTRAS: tuple[str, ...] = (
    "country_code",
    "admin1_code",
    "place_text",
    "geonameid",
    "weapon",
    "weapon_model",
    "target",
    "killed",
    "injured",
    "intercepted",
    "side",
    "confidence",
    "date_source",
    "n_sources",
    "source_titles",
    "source_urls",
    "sources_json",
)

#: Full ``acled=True`` column order.
ACLED_COLUMNS: tuple[str, ...] = tuple(n for n, _ in _ACLED_CORE) + _ACLED_EXTRAS

#: ACLED sub-event type -> (disorder_type, event_type).
_ACLED_TYPES: dict[str, tuple[str, str]] = {
    "Air/drone strike": ("Political violence", "Explosions/Remote violence"),
    "Shelling/artillery/missile attack": ("Political violence", "Explosions/Remote violence"),
    "Remote explosive/landmine/IED": ("Political violence", "Explosions/Remote violence"),
    "Disrupted weapons use": ("Strategic developments", "Strategic developments"),
}

#: ISO 3166-1 alpha-2 -> (ACLED country name, ISO numeric, ACLED region).
_COUNTRIES: dict[str, tuple[str, int, str]] = {
    "UA": ("Ukraine", 804, "Europe"),
    "RU": ("Russia", 643, "Europe"),
    "BY": ("Belarus", 112, "Europe"),
    "MD": ("Moldova", 498, "Europe"),
    "PL": ("Poland", 616, "Europe"),
    "RO": ("Romania", 642, "Europe"),
}


# ------------------------------------------------------------ paths & checks


def _suffix(path: Path) -> str:
    return path.suffix.lower()


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """Validate an output path before any work is done.

    Parameters
    ----------
    path
        Where the file will be written; the extension selects the format.

    Returns
    -------
    Path
        The path, unchanged but as a :class:`~pathlib.Path`.

    Raises
    ------
    OutputError
        Unknown extension, missing or non-directory parent, parent not
        writable, or the path is an existing directory.
    """
    p = Path(path)
    ext = _suffix(p)
    if ext not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise OutputError(f"{p}: unknown output extension {ext or '(none)'!r}; use one of {known}")
    parent = p.parent
    if not parent.exists():
        raise OutputError(f"{p}: directory {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise OutputError(f"{p}: {str(parent)!r} is not a directory")
    if p.is_dir():
        raise OutputError(f"{p}: is a directory, expected a file path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{p}: directory {str(parent)!r} is not writable")
    return p


# ------------------------------------------------------- events -> DataFrame


def _side(country_code: str | None) -> str:
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
    return {
        "event_id": event.event_id,
        "date": _check_date(event),
        "time_precision": event.time_precision,
        "date_source": event.date_source,
        "place_text": event.place_text,
        "place_name": event.place_name,
        "geonameid": event.geonameid,
        "lat": event.lat,
        "lon": event.lon,
        "country_code": event.country_code,
        "admin1": event.admin1,
        "admin1_name": event.admin1_name,
        "geo_precision": event.geo_precision,
        "event_type": event.event_type,
        "weapon": event.weapon,
        "weapon_model": event.weapon_model,
        "actor": event.actor,
        "target": event.target,
        "killed": event.killed,
        "injured": event.injured,
        "intercepted": bool(event.intercepted),
        "side": _side(event.country_code),
        "quote": event.quote,
        "confidence": event.confidence,
        "source": _join((s.id for s in event.sources), SOURCE_SEP),
        "n_sources": len(event.sources),
        # Titles stay aligned with `source` (id when untitled); URLs list the known ones.
        "source_titles": _join((s.title or s.id for s in event.sources), TEXT_SEP),
        "source_urls": _join((s.url for s in event.sources), TEXT_SEP),
        "sources_json": _sources_json(event.sources),
    }


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
    if _present(event.lat) and _present(event.lon):
        return shapely.Point(float(event.lon), float(event.lat))  # type: ignore[arg-type]
    return None


def _present(value: Any) -> bool:
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


def _typed(df: pandas.DataFrame, schema: Iterable[tuple[str, str]]) -> pandas.DataFrame:
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
        values = [_as_text(v) for v in col]
        return pd.Series(values, index=col.index, dtype="str")
    if dtype == "bool":
        return pd.Series([_as_bool(v) for v in col], index=col.index, dtype=bool)
    if dtype in ("Int32", "Int64"):
        num = pd.to_numeric(col, errors="coerce")
        return num.round().astype(dtype)
    return pd.to_numeric(col, errors="coerce").astype(dtype)


def _as_text(value: Any) -> str | None:
    if not _present(value) or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):  # a JSON property some reader decoded
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _as_bool(value: Any) -> bool:
    if not _present(value):
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
    df = _typed(pd.DataFrame(rows, columns=[n for n, _ in COLUMNS]), COLUMNS)
    # RFC 7946 section 3.1.6: exterior rings counter-clockwise, holes clockwise.
    geometry = shapely.orient_polygons(gpd.array.from_shapely(geoms), exterior_cw=False) if geoms else []
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geometry, index=df.index, crs=CRS), crs=CRS)


# ------------------------------------------------------- DataFrame -> events


def _sources_from(row: Mapping[str, Any]) -> list[Source]:
    raw = row.get("sources_json")
    if isinstance(raw, list):  # decoded by a reader already
        raw = json.dumps(raw)
    if _present(raw) and raw:
        try:
            items = json.loads(raw)
        except ValueError as e:
            msg = f"event {row.get('event_id')!r}: sources_json is not JSON ({e})"
            raise InputError(msg) from None
        return [
            Source(
                id=str(i.get("id")),
                title=i.get("title"),
                url=i.get("url"),
                published=i.get("published"),
            )
            for i in items
        ]
    ids = row.get("source")
    if _present(ids) and ids:
        return [Source(id=s) for s in str(ids).split(SOURCE_SEP) if s]
    return []


def _opt(value: Any, kind: Callable[[Any], Any]) -> Any:
    return kind(value) if _present(value) else None


def _geometry_dict(geom: Any) -> dict[str, Any] | None:
    """Inverse of :func:`_event_geometry`: points become lon/lat, other shapes a dict."""
    from shapely.geometry import mapping

    if geom is None or geom.is_empty or geom.geom_type == "Point":
        return None
    return json.loads(json.dumps(mapping(geom)))  # tuples -> lists, as GeoJSON reads


def from_geodataframe(gdf: pandas.DataFrame) -> list[StrikeEvent]:
    """Turn an event frame (from :func:`to_geodataframe` or :func:`read_events`) back into events.

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
    df = _conform(gdf)
    geoms = list(df.geometry) if "geometry" in df.columns else [None] * len(df)
    events = []
    for row, geom in zip(df.to_dict("records"), geoms, strict=True):
        events.append(_event_from_row(row, geom))
    return events


def _event_from_row(row: Mapping[str, Any], geom: Any) -> StrikeEvent:
    return StrikeEvent(
        event_id=str(row["event_id"]),
        date=_opt(row["date"], str),
        time_precision=_opt(row["time_precision"], int),
        date_source=_opt(row["date_source"], str) or "",
        place_text=_opt(row["place_text"], str) or "",
        place_name=_opt(row["place_name"], str),
        geonameid=_opt(row["geonameid"], int),
        lat=_opt(row["lat"], float),
        lon=_opt(row["lon"], float),
        country_code=_opt(row["country_code"], str),
        admin1=_opt(row["admin1"], str),
        admin1_name=_opt(row["admin1_name"], str),
        geo_precision=_opt(row["geo_precision"], int) or 1,
        event_type=_opt(row["event_type"], str) or "",
        weapon=_opt(row["weapon"], str) or "unknown",
        weapon_model=_opt(row["weapon_model"], str),
        actor=_opt(row["actor"], str),
        target=_opt(row["target"], str),
        killed=_opt(row["killed"], int),
        injured=_opt(row["injured"], int),
        intercepted=bool(row["intercepted"]),
        quote=_opt(row["quote"], str) or "",
        confidence=_opt(row["confidence"], float) if _present(row["confidence"]) else 0.5,
        sources=_sources_from(row),
        geometry=_geometry_dict(geom),
    )


# -------------------------------------------------------------------- ACLED


def _acled_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """ACLED-named values for one geomap row (see :func:`to_acled`)."""
    out = {acled: row[ours] for ours, acled in _TO_ACLED.items()}
    date = row["date"]
    disorder, event_type = _ACLED_TYPES.get(row["event_type"], (None, None))
    country = _COUNTRIES.get(row["country_code"] if _present(row["country_code"]) else "")
    killed = row["killed"]
    out.update(
        year=int(date[:4]) if _present(date) else None,
        time_precision=row["time_precision"],
        disorder_type=disorder,
        event_type=event_type,
        iso=country[1] if country else None,
        region=country[2] if country else None,
        country=country[0] if country else row["country_code"],
        geo_precision=row["geo_precision"],
        source=row["source"],  # article ids, "; "-separated like ACLED's source list
        # ACLED codes "no reported fatalities" as 0; geomap's `killed` keeps NA for unknown.
        fatalities=int(killed) if _present(killed) else 0,
        admin1_code=row["admin1"],
    )
    for name in _ACLED_EXTRAS:
        out.setdefault(name, row.get(name))
    return out


def to_acled(gdf: pandas.DataFrame) -> geopandas.GeoDataFrame:
    """Rename and derive columns so the frame merges with an ACLED export.

    ACLED's columns come first, in ACLED's order (:data:`ACLED_COLUMNS`);
    columns geomap cannot fill (``actor2``, ``inter1``, ``admin2`` ...) are
    empty. ``fatalities`` is 0 when the number killed is unknown, as ACLED
    codes it; the geomap extras that follow keep ``killed`` as NA then.
    ``admin1`` is the region *name* (ACLED's use); geomap's code is ``admin1_code``.

    Parameters
    ----------
    gdf
        An event frame (:func:`to_geodataframe`).

    Returns
    -------
    geopandas.GeoDataFrame
    """
    import geopandas as gpd
    import pandas as pd

    df = _conform(gdf)
    rows = [_acled_row(r) for r in df.drop(columns="geometry").to_dict("records")]
    frame = pd.DataFrame(rows, index=df.index, columns=list(ACLED_COLUMNS))
    extras = [(n, dict(COLUMNS).get(n, "str")) for n in _ACLED_EXTRAS]
    typed = _typed(frame, _ACLED_CORE + tuple(extras))
    return gpd.GeoDataFrame(typed, geometry=df.geometry, crs=CRS)


def _from_acled(df: pandas.DataFrame) -> pandas.DataFrame:
    """Inverse renaming of :func:`to_acled` (ACLED-only columns are dropped)."""
    back = {acled: ours for ours, acled in _TO_ACLED.items()}
    df = df.drop(columns=[c for c in ("event_type",) if c in df.columns])
    return df.rename(columns={**back, "admin1_code": "admin1"})


# ---------------------------------------------------------------- conform


def _conform(df: pandas.DataFrame) -> geopandas.GeoDataFrame:
    """Any frame read or built -> exactly :data:`COLUMNS` + geometry with their dtypes."""
    import geopandas as gpd

    if "event_id_cnty" in df.columns and "event_id" not in df.columns:
        df = _from_acled(df)
    typed = _typed(df, COLUMNS)
    typed["side"] = [_side(c if _present(c) else None) for c in typed["country_code"]]
    return gpd.GeoDataFrame(typed, geometry=_wgs84_geometry(df), crs=CRS)


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


# ------------------------------------------------------------------ writers


def _with_date_type(gdf: geopandas.GeoDataFrame, *columns: str) -> geopandas.GeoDataFrame:
    """Copy of ``gdf`` whose ISO-string ``columns`` become Arrow date32 (a real Date field)."""
    import pandas as pd
    import pyarrow as pa

    out = gdf.copy()
    for name in columns:
        if name in out.columns:
            dates = pd.to_datetime(out[name], format="%Y-%m-%d", errors="coerce")
            out[name] = pd.Series(dates.dt.date, index=out.index).astype(pd.ArrowDtype(pa.date32()))
    return out


def _write_ogr(gdf: geopandas.GeoDataFrame, tmp: Path, ext: str) -> None:
    import pyogrio

    driver = FORMATS[ext]
    options: dict[str, Any] = {}
    if driver == "GeoJSON":
        # AUTODETECT_JSON_STRINGS=NO: keep sources_json a string, not a nested array.
        options = {
            "layer_options": {
                "RFC7946": "YES",
                "COORDINATE_PRECISION": "6",
                "AUTODETECT_JSON_STRINGS": "NO",
            }
        }
    elif driver == "GPKG":
        # GeoPackage 1.2: GDAL < 3.7 (QGIS on Debian 12) warns on the 1.4 default.
        options = {"dataset_options": {"VERSION": "1.2"}}
    elif driver == "FlatGeobuf":
        options = {"layer_options": {"SPATIAL_INDEX": "NO"}}
    elif driver == "KML":
        options = {"dataset_options": {"NameField": KML_NAME_COLUMN}}
        gdf = _with_kml_name(gdf)
    pyogrio.write_dataframe(gdf, tmp, layer=LAYER, driver=driver, geometry_type="Unknown", use_arrow=True, **options)


def _with_kml_name(gdf: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    out = gdf.copy()
    place = out["place_name"] if "place_name" in out.columns else out["location"]
    label = place.fillna(out["place_text"] if "place_text" in out.columns else "")
    out.insert(0, KML_NAME_COLUMN, label.astype("str"))
    return out


def _write_csv(gdf: geopandas.GeoDataFrame, tmp: Path, ext: str) -> None:
    import shapely

    df = gdf.drop(columns=gdf.geometry.name).copy()
    wkt = shapely.to_wkt(gdf.geometry.values, rounding_precision=6, trim=True)
    df[WKT_COLUMN] = ["" if w is None else w for w in wkt]
    df.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")


def _write_parquet(gdf: geopandas.GeoDataFrame, tmp: Path, ext: str) -> None:
    gdf.to_parquet(tmp, index=False)


def _writer(ext: str) -> Callable[[Any, Path, str], None]:
    if ext == ".csv":
        return _write_csv
    if ext == ".parquet":
        return _write_parquet
    return _write_ogr


def write_events(
    data: geopandas.GeoDataFrame | Iterable[StrikeEvent],
    path: str | os.PathLike[str],
    *,
    acled: bool = False,
) -> Path:
    """Write events to a GIS file atomically; the format comes from the extension.

    Parameters
    ----------
    data
        An event frame, or StrikeEvent records.
    path
        Output file; see :data:`FORMATS` for the extensions.
    acled
        Use ACLED's column names and order (:func:`to_acled`), geomap extras after them.

    Returns
    -------
    Path
        The written path.

    Raises
    ------
    OutputError
        Bad path (see :func:`check_output_path`) or the write failed; an
        existing file at ``path`` is then left untouched.
    """
    import geopandas as gpd

    path = check_output_path(path)
    ext = _suffix(path)
    gdf = _conform(data) if isinstance(data, gpd.GeoDataFrame) else to_geodataframe(data)
    frame = to_acled(gdf) if acled else gdf
    if ext in _DATE_TYPED:
        frame = _with_date_type(frame, "event_date" if acled else "date")
    _atomic_write(path, lambda tmp: _writer(ext)(frame, tmp, ext))
    return path


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Run ``write`` on a temp path next to ``path``, then move it into place."""
    try:
        with atomic_path(path) as tmp:
            write(tmp)
    except OutputError:
        raise
    except Exception as e:  # any driver/IO failure: one line, no traceback
        raise OutputError(f"{path}: cannot write ({_one_line(e)})") from None


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


# ------------------------------------------------------------------ readers


def read_events(path: str | os.PathLike[str]) -> geopandas.GeoDataFrame:
    """Read an event file written by :func:`write_events` (any format, ACLED too).

    Parameters
    ----------
    path
        A file with one of the :data:`FORMATS` extensions.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`COLUMNS` with their dtypes, plus ``geometry`` (EPSG:4326).

    Raises
    ------
    InputError
        Missing file, unknown extension or unreadable content.
    """
    p = Path(path)
    ext = _suffix(p)
    if ext not in FORMATS:
        raise InputError(f"{p}: unknown event file extension {ext or '(none)'!r}")
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    try:
        raw = _read_raw(p, ext)
    except Exception as e:
        raise InputError(f"{p}: cannot read events ({_one_line(e)})") from None
    return _conform(raw)


def _read_raw(p: Path, ext: str) -> pandas.DataFrame:
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    if ext == ".csv":
        df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
        wkt = df.pop(WKT_COLUMN) if WKT_COLUMN in df.columns else pd.Series([None] * len(df))
        geoms = gpd.GeoSeries.from_wkt(wkt.where(wkt.notna(), None), crs=CRS)
        return gpd.GeoDataFrame(df, geometry=geoms.values, crs=CRS)
    if ext == ".parquet":
        return gpd.read_parquet(p)
    layers = [name for name, _ in pyogrio.list_layers(p)]
    layer = LAYER if LAYER in layers else None
    # Not use_arrow: pyogrio 0.13 + GDAL 3.12 segfaults reading a FlatGeobuf
    # with a null geometry through the Arrow stream.
    return pyogrio.read_dataframe(p, layer=layer, use_arrow=False)
