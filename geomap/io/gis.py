"""GIS files: the event frame (:mod:`geomap.io.table`) written to and read from disk.

The extension selects the format. ``date`` is the ISO string in memory; on disk:

=============  =============================================  =============================
extension      layers / writer                                ``date`` stored as
=============  =============================================  =============================
.geojson .json GDAL GeoJSON, RFC 7946 (WGS84 lon/lat, no      ISO string
               ``crs`` member, 6 decimals); one collection,
               points and polygons mixed
.gpkg          GDAL GPKG 1.2, two layers: ``events``          Date field (QGIS temporal
               (Point) and ``event_areas`` (MultiPolygon)     controller: "single field")
.fgb           GDAL FlatGeobuf, no spatial index (keeps       DateTime (midnight; the format
               row order and null geometries): ``<stem>.fgb`` has no Date type)
               (Point), ``<stem>_areas.fgb`` (MultiPolygon)
.parquet       GeoParquet (geopandas/pyarrow), mixed          date32
.csv           ``lat``/``lon`` columns; a ``wkt`` geometry    ISO string
               column (last) only with ``wkt=True``
.kml           GDAL KML; ``Name`` = place label, all          ISO string
               columns as ExtendedData, mixed
=============  =============================================  =============================

**One geometry type per layer.** GeoPackage and FlatGeobuf layers declare one
geometry type, and QGIS splits a mixed layer into sublayers. So the ``events``
layer has a *point for every event*: the town, or for a region-level event
(``geo_precision`` 3) the region's representative point, which is the event's
``lat``/``lon`` (the region's label point; shapely's ``representative_point``
of the outline when those are empty). The region outlines go to a second layer,
``event_areas`` (MultiPolygon), with the same columns and the same
``event_id``: style it below the points, or join on ``event_id``. FlatGeobuf
holds one layer per file, so the areas go to the sibling file
``<stem>_areas.fgb`` (written every time, empty when no event has an outline, so
that a QGIS project's layer never goes stale). Other shapes than points and
polygons cannot go in these layers: write GeoJSON for them. GeoJSON, KML and
GeoParquet keep one layer with points and polygons mixed. An event without a
location keeps its row with an empty (null) geometry in every format.

**CSV** is for spreadsheets and pandas: UTF-8, ``\\n`` line ends, a header
row, no geometry column unless ``wkt=True`` (region outlines make cells of many
kilobytes). The column types are those of :data:`~geomap.io.table.COLUMNS`:
numbers (``Int``/``float``) are written bare, NA as an empty cell, and every
other cell (the header, text, ``"True"``/``"False"``) is quoted, so that codes
such as admin1 ``"02"`` stay text in readers that honour quoting (LibreOffice: tick "Format
quoted field as text"; Excel: Data > From Text/CSV with the column type Text;
Python: ``csv.reader(..., quoting=csv.QUOTE_NONNUMERIC)``; pandas:
``dtype={"admin1": str}``). :func:`read_events` reads every column as text
first and then applies the schema.

**Formula injection** (OWASP "CSV Injection"): article titles and quotes are
untrusted text, and a spreadsheet runs a cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return as a formula. Every *text* cell of a CSV
(``acled=True`` too) that starts with one of those, or with ``'``, gets a
leading ``'``: the cell is then plain text (apostrophe shown), never run;
:func:`read_events` removes exactly one leading ``'`` from text cells again. Number columns are never
prefixed: a longitude of -3.5 stays the number -3.5.

**Text fidelity.** Every format reads back the text it was given, including
quotes, newlines, control characters and any Unicode, except U+0000, which
GDAL's formats end a string at: it is removed from text in every format, so all
formats agree (``sources_json`` keeps it, JSON-escaped). KML is XML 1.0, which cannot hold most control characters, and
GDAL trims a value's leading and trailing white space; a KML text value that
would be changed that way (or that starts and ends with ``"``) is written as a
JSON string literal (``"..."`` with ``\\u`` escapes) and decoded on reading.

:func:`read_events` reads every file :func:`write_events` writes (``acled=True``
too, and both layers) and restores the dtypes of :data:`~geomap.io.table.COLUMNS`;
a one-part MultiPolygon from an areas layer comes back as the Polygon it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap._fileio import atomic_path
from geomap.exc import InputError, OutputError
from geomap.io.acled import from_acled, is_acled, to_acled
from geomap.io.table import COLUMNS, CRS, conform, present, to_geodataframe
from geomap.records import StrikeEvent

if TYPE_CHECKING:
    import geopandas
    import pandas

__all__ = [
    "AREAS_LAYER",
    "FORMATS",
    "LAYER",
    "areas_path",
    "check_output_path",
    "read_events",
    "write_events",
]

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
AREAS_LAYER = "event_areas"
AREAS_SUFFIX = "_areas"
WKT_COLUMN = "wkt"
KML_NAME_COLUMN = "Name"

#: First characters that make a spreadsheet read a cell as a formula (OWASP), and the escape itself.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CSV_ESCAPE = "'"

_KML_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_KML_TRIMMED = " \t\n\r\x0b\x0c"
_POLYGONAL = frozenset({"Polygon", "MultiPolygon"})


# ------------------------------------------------------------ paths & checks


def _suffix(path: Path) -> str:
    return path.suffix.lower()


def areas_path(path: str | os.PathLike[str]) -> Path:
    """The FlatGeobuf file that holds the region outlines of ``path``: ``<stem>_areas.fgb``."""
    p = Path(path)
    return p.with_name(f"{p.stem}{AREAS_SUFFIX}{p.suffix}")


def _targets(path: Path) -> list[Path]:
    """The files a write of ``path`` replaces."""
    return [path, areas_path(path)] if _suffix(path) == ".fgb" else [path]


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
        writable, or the path (or a FlatGeobuf's ``_areas`` sibling) is an
        existing directory.
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
    for target in _targets(p):
        if target.is_dir():
            raise OutputError(f"{target}: is a directory, expected a file path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{p}: directory {str(parent)!r} is not writable")
    return p


# ------------------------------------------------------------------ frames


def _event_frame(data: geopandas.GeoDataFrame | Iterable[StrikeEvent]) -> geopandas.GeoDataFrame:
    """The geomap-schema frame of ``data`` (a frame in either schema, or events), U+0000 removed."""
    import geopandas as gpd

    if isinstance(data, gpd.GeoDataFrame):
        gdf = conform(from_acled(data) if is_acled(data) else data)
    else:
        gdf = to_geodataframe(data)
    for name, dtype in COLUMNS:
        if dtype == "str" and gdf[name].str.contains("\x00", regex=False).any():
            gdf[name] = gdf[name].str.replace("\x00", "", regex=False).replace("", None)
    return gdf


def _text_columns(frame: pandas.DataFrame) -> list[str]:
    import pandas as pd

    geometry = frame.geometry.name
    return [c for c in frame.columns if c != geometry and pd.api.types.is_string_dtype(frame[c].dtype)]


def _with_date_type(gdf: geopandas.GeoDataFrame, *columns: str) -> geopandas.GeoDataFrame:
    """Copy of ``gdf`` whose ISO-string ``columns`` become Arrow date32 (a real Date field)."""
    import pandas as pd

    out = gdf.copy()
    for name in columns:
        if name in out.columns:
            dates = pd.to_datetime(out[name], format="%Y-%m-%d", errors="coerce")
            out[name] = pd.Series(dates.dt.date, index=out.index).astype("date32[pyarrow]")
    return out


def _layers(frame: geopandas.GeoDataFrame) -> tuple[geopandas.GeoDataFrame, geopandas.GeoDataFrame]:
    """``(events, areas)``: a point for every row, and the rows with an outline as MultiPolygons."""
    import geopandas as gpd
    import shapely

    lat, lon = ("lat", "lon") if "lat" in frame.columns else ("latitude", "longitude")
    points: list[Any] = []
    areas: list[int] = []
    key = "event_id" if "event_id" in frame.columns else "event_id_cnty"
    for i, (geom, y, x, name) in enumerate(zip(frame.geometry, frame[lat], frame[lon], frame[key], strict=True)):
        point = shapely.Point(float(x), float(y)) if present(x) and present(y) else None
        if geom is None or geom.is_empty:
            points.append(point)
        elif geom.geom_type == "Point":
            points.append(geom)
        elif geom.geom_type in _POLYGONAL:
            points.append(point if point is not None else geom.representative_point())
            areas.append(i)
        else:
            msg = (
                f"event {name!r}: a {geom.geom_type} cannot go in a layer of points or polygons;"
                " write GeoJSON, KML or GeoParquet"
            )
            raise OutputError(msg)
    events = gpd.GeoDataFrame(frame.drop(columns=frame.geometry.name), geometry=points, crs=CRS)
    outlines = frame.iloc[areas]
    multi = [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in outlines.geometry]
    area_frame = gpd.GeoDataFrame(
        outlines.drop(columns=frame.geometry.name),
        geometry=gpd.GeoSeries(multi, index=outlines.index, crs=CRS),
        crs=CRS,
    )
    return events, area_frame


# ------------------------------------------------------------------ writers


def _write_gpkg(frame: geopandas.GeoDataFrame, tmps: Sequence[Path], wkt: bool) -> None:
    import pyogrio

    events, areas = _layers(frame)
    # GeoPackage 1.2: GDAL < 3.7 (QGIS on Debian 12) warns on the 1.4 default.
    common: dict[str, Any] = {"driver": "GPKG", "use_arrow": True}
    pyogrio.write_dataframe(
        events, tmps[0], layer=LAYER, geometry_type="Point", dataset_options={"VERSION": "1.2"}, **common
    )
    pyogrio.write_dataframe(areas, tmps[0], layer=AREAS_LAYER, geometry_type="MultiPolygon", **common)


def _write_fgb(frame: geopandas.GeoDataFrame, tmps: Sequence[Path], wkt: bool) -> None:
    import pyogrio

    events, areas = _layers(frame)
    common: dict[str, Any] = {"driver": "FlatGeobuf", "use_arrow": True, "layer_options": {"SPATIAL_INDEX": "NO"}}
    pyogrio.write_dataframe(events, tmps[0], layer=LAYER, geometry_type="Point", **common)
    pyogrio.write_dataframe(areas, tmps[1], layer=AREAS_LAYER, geometry_type="MultiPolygon", **common)


def _write_geojson(frame: geopandas.GeoDataFrame, tmps: Sequence[Path], wkt: bool) -> None:
    import pyogrio

    # AUTODETECT_JSON_STRINGS=NO: keep sources_json a string, not a nested array.
    options = {"RFC7946": "YES", "COORDINATE_PRECISION": "6", "AUTODETECT_JSON_STRINGS": "NO"}
    pyogrio.write_dataframe(
        frame, tmps[0], layer=LAYER, driver="GeoJSON", geometry_type="Unknown", use_arrow=True, layer_options=options
    )


def _write_kml(frame: geopandas.GeoDataFrame, tmps: Sequence[Path], wkt: bool) -> None:
    import pyogrio

    out = frame.copy()
    place = out["place_name"] if "place_name" in out.columns else out["location"]
    label = place.fillna(out["place_text"] if "place_text" in out.columns else "")
    for name in _text_columns(out):
        out[name] = out[name].map(_kml_escape, na_action="ignore")
    # The label is for display only (read_events ignores it): XML-illegal characters are dropped.
    out.insert(0, KML_NAME_COLUMN, label.astype("str").str.replace(_KML_UNSAFE, "", regex=True))
    pyogrio.write_dataframe(
        out,
        tmps[0],
        layer=LAYER,
        driver="KML",
        geometry_type="Unknown",
        use_arrow=True,
        dataset_options={"NameField": KML_NAME_COLUMN},
    )


def _kml_escape(text: str) -> str:
    """``text``, or its JSON string literal if KML would not keep it as it is."""
    kept = not _KML_UNSAFE.search(text) and text == text.strip(_KML_TRIMMED) and not _is_json_string(text)
    if kept:
        return text
    return json.dumps(text, ensure_ascii=False).replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


def _is_json_string(text: str) -> bool:
    return len(text) >= 2 and text[0] == '"' and text[-1] == '"'


def _kml_unescape(value: Any) -> Any:
    if isinstance(value, str) and _is_json_string(value):
        with contextlib.suppress(ValueError):
            decoded = json.loads(value)
            if isinstance(decoded, str):
                return decoded
    return value


def _write_csv(frame: geopandas.GeoDataFrame, tmps: Sequence[Path], wkt: bool) -> None:
    import pandas as pd
    import shapely

    df = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    columns = [(name, _csv_kind(df[name])) for name in df.columns]
    values = [df[name].tolist() for name in df.columns]
    if wkt:
        text = shapely.to_wkt(frame.geometry.values, rounding_precision=6, trim=True)
        columns.append((WKT_COLUMN, "text"))
        values.append([None if w is None else str(w) for w in text])
    with open(tmps[0], "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(_csv_cell(name, "text") for name, _ in columns) + "\n")
        for row in zip(*values, strict=True):
            fh.write(",".join(_csv_cell(v, kind) for v, (_, kind) in zip(row, columns, strict=True)) + "\n")


def _csv_kind(col: pandas.Series) -> str:
    import pandas as pd

    if pd.api.types.is_bool_dtype(col.dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(col.dtype):
        return "int"
    if pd.api.types.is_float_dtype(col.dtype):
        return "float"
    return "text"


def _csv_cell(value: Any, kind: str) -> str:
    """One CSV cell: empty for NA, numbers bare, text neutralised and always quoted."""
    if not present(value):
        return ""
    if kind == "bool":
        return '"True"' if value else '"False"'
    if kind == "int":
        return str(int(value))
    if kind == "float":
        return repr(float(value))
    text = neutralise_formula(str(value))
    return '"' + text.replace('"', '""') + '"'


def neutralise_formula(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would run it as a formula (or it starts with ``'``)."""
    return _CSV_ESCAPE + text if text.startswith((*FORMULA_PREFIXES, _CSV_ESCAPE)) else text


def restore_formula(text: str) -> str:
    """Inverse of :func:`neutralise_formula`."""
    return text[1:] if text.startswith(_CSV_ESCAPE) else text


def _write_parquet(frame: geopandas.GeoDataFrame, tmps: Sequence[Path], wkt: bool) -> None:
    frame.to_parquet(tmps[0], index=False)


_Writer = Callable[["geopandas.GeoDataFrame", Sequence[Path], bool], None]

_WRITERS: dict[str, _Writer] = {
    ".geojson": _write_geojson,
    ".json": _write_geojson,
    ".gpkg": _write_gpkg,
    ".fgb": _write_fgb,
    ".kml": _write_kml,
    ".csv": _write_csv,
    ".parquet": _write_parquet,
}


def _writer(ext: str) -> _Writer:
    return _WRITERS[ext]


def write_events(
    data: geopandas.GeoDataFrame | Iterable[StrikeEvent],
    path: str | os.PathLike[str],
    *,
    acled: bool = False,
    wkt: bool = False,
) -> Path:
    """Write events to a GIS file atomically; the format comes from the extension.

    Parameters
    ----------
    data
        An event frame (geomap's or ACLED's columns), or StrikeEvent records.
    path
        Output file; see :data:`FORMATS` for the extensions. A FlatGeobuf file
        also writes its ``<stem>_areas.fgb`` (:func:`areas_path`).
    acled
        Use ACLED's column names and order (:func:`~geomap.io.acled.to_acled`),
        geomap extras after them.
    wkt
        CSV only: add a ``wkt`` column with each event's geometry (point or
        region outline); other formats carry the geometry anyway.

    Returns
    -------
    Path
        The written path.

    Raises
    ------
    OutputError
        Bad path (see :func:`check_output_path`), a geometry that a
        GeoPackage/FlatGeobuf layer cannot hold, or the write failed; existing
        files are then left untouched.
    """
    path = check_output_path(path)
    ext = _suffix(path)
    gdf = _event_frame(data)
    frame = to_acled(gdf) if acled else gdf
    if ext in _DATE_TYPED:
        frame = _with_date_type(frame, "event_date" if acled else "date")
    write = _writer(ext)
    _atomic_write(_targets(path), lambda tmps: write(frame, tmps, wkt))
    return path


def _atomic_write(targets: Sequence[Path], write: Callable[[list[Path]], None]) -> None:
    """Run ``write`` on temp paths next to ``targets``, then move them all into place."""
    try:
        with contextlib.ExitStack() as stack:
            tmps = [stack.enter_context(atomic_path(t)) for t in targets]
            write(tmps)
    except OutputError:
        raise
    except Exception as e:  # any driver/IO failure: one line, no traceback
        raise OutputError(f"{targets[0]}: cannot write ({_one_line(e)})") from None


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


# ------------------------------------------------------------------ readers


def read_events(path: str | os.PathLike[str]) -> geopandas.GeoDataFrame:
    """Read an event file written by :func:`write_events` (any format, ACLED too).

    Parameters
    ----------
    path
        A file with one of the :data:`FORMATS` extensions. GeoPackage's
        ``event_areas`` layer, or a FlatGeobuf's ``<stem>_areas.fgb``, gives
        the region events their outlines back.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`~geomap.io.table.COLUMNS` with their dtypes, plus ``geometry`` (EPSG:4326).

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
    return conform(from_acled(raw) if is_acled(raw) else raw)


def _read_raw(p: Path, ext: str) -> pandas.DataFrame:
    import geopandas as gpd
    import pyogrio

    if ext == ".csv":
        return _read_csv(p)
    if ext == ".parquet":
        return gpd.read_parquet(p)
    layers = [name for name, _ in pyogrio.list_layers(p)]
    # Not use_arrow: pyogrio 0.13 + GDAL 3.12 segfaults reading a FlatGeobuf
    # with a null geometry through the Arrow stream.
    df = pyogrio.read_dataframe(p, layer=LAYER if LAYER in layers else None, use_arrow=False)
    if ext == ".kml":
        for name in _text_columns(df):
            df[name] = df[name].map(_kml_unescape, na_action="ignore")
    areas = None
    if ext == ".gpkg" and AREAS_LAYER in layers:
        areas = pyogrio.read_dataframe(p, layer=AREAS_LAYER, use_arrow=False)
    elif ext == ".fgb" and areas_path(p).is_file():
        areas = pyogrio.read_dataframe(areas_path(p), use_arrow=False)
    return df if areas is None else _with_areas(df, areas)


def _with_areas(events: geopandas.GeoDataFrame, areas: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """``events`` with the outlines of ``areas`` in place of their points.

    An area goes to the event with its id (``event_id`` is the key); among rows that
    share an id, to the next one in order whose values are all the area's.
    """
    import geopandas as gpd

    key = "event_id" if "event_id" in events.columns else "event_id_cnty"
    if key not in areas.columns or len(areas) == 0:
        return events
    columns = [c for c in events.columns if c != events.geometry.name and c in areas.columns]
    rows: dict[Any, list[int]] = {}
    for i, name in enumerate(events[key]):
        rows.setdefault(name if present(name) else None, []).append(i)
    values = [_row_values(r) for r in events[columns].itertuples(index=False)]
    geoms = list(events.geometry)
    taken: set[int] = set()
    area_rows = areas[columns].itertuples(index=False)
    for name, area, geom in zip(areas[key], area_rows, areas.geometry, strict=True):
        candidates = [i for i in rows.get(name if present(name) else None, []) if i not in taken]
        wanted = _row_values(area)
        match = next((i for i in candidates if values[i] == wanted), candidates[0] if candidates else None)
        if match is not None:
            taken.add(match)
            geoms[match] = _one_part(geom)
    return gpd.GeoDataFrame(events.drop(columns=events.geometry.name), geometry=geoms, crs=events.crs)


def _row_values(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v if present(v) else None for v in row)


def _one_part(geom: Any) -> Any:
    """A one-part MultiPolygon as its Polygon (the areas layers hold MultiPolygons only)."""
    if geom is not None and geom.geom_type == "MultiPolygon" and len(geom.geoms) == 1:
        return geom.geoms[0]
    return geom


def _read_csv(p: Path) -> geopandas.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    for name in df.columns:
        df[name] = df[name].map(restore_formula, na_action="ignore")
    if WKT_COLUMN in df.columns:
        wkt = [w if isinstance(w, str) else None for w in df.pop(WKT_COLUMN)]
        return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries.from_wkt(wkt, index=df.index, crs=CRS), crs=CRS)
    lat, lon = ("lat", "lon") if "lat" in df.columns else ("latitude", "longitude")
    y = pd.to_numeric(df[lat], errors="coerce") if lat in df.columns else pd.Series(float("nan"), index=df.index)
    x = pd.to_numeric(df[lon], errors="coerce") if lon in df.columns else pd.Series(float("nan"), index=df.index)
    points = gpd.points_from_xy(x, y, crs=CRS)
    points[(x.isna() | y.isna()).to_numpy()] = None
    return gpd.GeoDataFrame(df, geometry=points, crs=CRS)
