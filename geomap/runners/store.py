"""An incremental event store: one GeoPackage file that remembers what was processed.

The store is a real GeoPackage (SQLite) written with :mod:`sqlite3`:

* ``events`` — a feature layer (EPSG:4326, generic geometry) with one row per
  event as extracted from one article, *before* the merge across articles:
  every :class:`~geomap.events.StrikeEvent` field is a column (``sources`` as a
  JSON list, the region polygon also as GeoJSON text in ``geometry_json``),
  plus ``article_fid`` and ``seq`` (order within the article). QGIS and
  pyogrio read it as an ordinary layer;
* ``articles`` — an attribute table: ``key`` (path, or ``file.jsonl#id``, or
  id), ``id``, ``path``, ``sha256`` of the content, ``processed_at``,
  ``n_events``, ``error``.

Every :meth:`EventStore.add` (or every ``with store.batch():`` block) is one
SQLite transaction: a crash mid-run loses only the batch in progress. An
article whose content hash changed has its old events replaced. Merging the
events of all articles is done when reading (:meth:`EventStore.merged`,
:meth:`EventStore.export`), so the store never needs rebuilding when the
merge rules change. One process writes at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import struct
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from geomap.events import Source, StrikeEvent
from geomap.exc import OutputError
from geomap.ingest import Article

__all__ = ["EventStore", "article_key", "content_sha256", "is_event_store"]

SCHEMA_VERSION = 1
_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
_GPKG_USER_VERSION = 10200  # GeoPackage 1.2 (read by GDAL >= 2.2 without warnings)
_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)
_JSONL_PATH_RE = re.compile(r"^(?P<file>.*\.jsonl):\d+$", re.IGNORECASE)

# (column, SQL type) of the events layer after fid/geom/article_fid/seq; order of StrikeEvent.
_EVENT_COLUMNS = (
    ("event_id", "TEXT"), ("date", "TEXT"), ("time_precision", "INTEGER"), ("date_source", "TEXT"),
    ("place_text", "TEXT"), ("place_name", "TEXT"), ("geonameid", "INTEGER"), ("lat", "DOUBLE"),
    ("lon", "DOUBLE"), ("country_code", "TEXT"), ("admin1", "TEXT"), ("admin1_name", "TEXT"),
    ("geo_precision", "INTEGER"), ("event_type", "TEXT"), ("weapon", "TEXT"), ("weapon_model", "TEXT"),
    ("actor", "TEXT"), ("target", "TEXT"), ("killed", "INTEGER"), ("injured", "INTEGER"),
    ("intercepted", "BOOLEAN"), ("quote", "TEXT"), ("confidence", "DOUBLE"), ("sources", "TEXT"),
    ("geometry_json", "TEXT"),
)  # fmt: skip
_EVENT_NAMES = [c for c, _ in _EVENT_COLUMNS]

_SCHEMA = f"""
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT
  (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE articles (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, key TEXT NOT NULL UNIQUE, id TEXT NOT NULL,
  path TEXT, sha256 TEXT NOT NULL, processed_at TEXT NOT NULL, n_events INTEGER NOT NULL,
  error TEXT);
CREATE TABLE events (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom GEOMETRY,
  article_fid INTEGER NOT NULL REFERENCES articles(fid), seq INTEGER NOT NULL,
  {", ".join(f'"{c}" {t}' for c, t in _EVENT_COLUMNS)});
CREATE INDEX events_article ON events(article_fid, seq);
CREATE TABLE geomap_meta (name TEXT PRIMARY KEY, value TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{_WGS84_WKT}', 'longitude/latitude coordinates in decimal degrees');
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('events', 'features', 'events', 'strike events per article (not merged across articles)', 4326),
  ('articles', 'attributes', 'articles', 'articles processed into the events layer', NULL);
INSERT INTO gpkg_geometry_columns VALUES ('events', 'geom', 'GEOMETRY', 4326, 0, 0);
INSERT INTO geomap_meta VALUES ('schema_version', '{SCHEMA_VERSION}');
"""
_TABLES = ("events", "articles", "gpkg_geometry_columns", "gpkg_contents", "gpkg_spatial_ref_sys", "geomap_meta")


def is_event_store(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an event store written by :class:`EventStore` (read-only check)."""
    p = Path(path)
    if p.suffix.lower() != ".gpkg" or not p.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return (
                conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'geomap_meta'").fetchone()
                is not None
            )
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def content_sha256(article: Article) -> str:
    """SHA-256 of everything extraction reads from an article (title, text, date, url)."""
    payload = json.dumps([article.title, article.text, article.published, article.date_source, article.url])
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def article_key(article: Article) -> str:
    """Stable identity of an article across runs.

    The absolute file path; ``file.jsonl#id`` for a JSONL record (line numbers
    move when lines are added); the id for stdin and in-memory articles.
    """
    path = article.path
    if not path or path == "-":
        return article.id
    if m := _JSONL_PATH_RE.match(path):
        return f"{os.path.abspath(m.group('file'))}#{article.id}"
    return os.path.abspath(path)


# --------------------------------------------------------------------------- geometry


def _gpkg_blob(wkb: bytes, envelope: tuple[float, float, float, float] | None) -> bytes:
    """GeoPackage binary: "GP", version 0, flags (little endian, envelope kind), srs 4326, [envelope], WKB."""
    flags = 0x01 | (0x02 if envelope else 0)
    head = b"GP" + struct.pack("<BBi", 0, flags, 4326)
    return head + (struct.pack("<4d", *envelope) if envelope else b"") + wkb


def _geometry(event: StrikeEvent) -> bytes | None:
    if event.geometry is not None:
        import shapely  # noqa: PLC0415 - lazy
        from shapely.geometry import shape  # noqa: PLC0415

        geom = shape(event.geometry)
        minx, miny, maxx, maxy = geom.bounds
        return _gpkg_blob(shapely.to_wkb(geom, byte_order=1), (minx, maxx, miny, maxy))
    if event.lon is None or event.lat is None:
        return None
    return _gpkg_blob(struct.pack("<BIdd", 1, 1, event.lon, event.lat), None)


# --------------------------------------------------------------------------- rows


def _event_row(event: StrikeEvent) -> list[Any]:
    d = event.to_dict()
    d["intercepted"] = int(bool(event.intercepted))
    d["sources"] = json.dumps(d["sources"], ensure_ascii=False)
    d["geometry_json"] = json.dumps(event.geometry) if event.geometry is not None else None
    return [d.get(name) for name in _EVENT_NAMES]


def _event_from_row(row: sqlite3.Row) -> StrikeEvent:
    values = {name: row[name] for name in _EVENT_NAMES}
    values["intercepted"] = bool(values["intercepted"])
    values["sources"] = [Source(**s) for s in json.loads(values["sources"] or "[]")]
    geometry_json = values.pop("geometry_json")
    values["geometry"] = json.loads(geometry_json) if geometry_json is not None else None
    return StrikeEvent(**values)


def _create(conn: sqlite3.Connection) -> None:
    """Create the GeoPackage tables (inside the caller's transaction)."""
    conn.execute(f"PRAGMA application_id = {_GPKG_APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {_GPKG_USER_VERSION}")
    for statement in _SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class EventStore:
    """Events of processed articles, kept in a GeoPackage so that re-runs only process what changed.

    Parameters
    ----------
    path
        The ``.gpkg`` file; created (with its parent folder) when missing.

    Examples
    --------
    >>> store = EventStore("events.gpkg")                                 # doctest: +SKIP
    >>> todo = [a for a in read_articles(["news/"]) if store.needs_processing(a)]  # doctest: +SKIP
    >>> with store.batch():                                                # doctest: +SKIP
    ...     for a in todo:
    ...         store.add(a, extract_article(a))
    >>> events = store.merged()                                           # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._conn = self._open()
        self._depth = 0

    # ------------------------------------------------------------------ connection
    def _open(self) -> sqlite3.Connection:
        if self.path.suffix.lower() != ".gpkg":
            raise OutputError(f"{self.path}: an event store must be a .gpkg file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"{self.path}: cannot open the event store ({exc})") from exc
        conn.row_factory = sqlite3.Row
        try:
            self._check_or_create(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise OutputError(
                f"{self.path}: not a geomap event store ({exc}); delete it or choose another file"
            ) from exc
        return conn

    def _check_or_create(self, conn: sqlite3.Connection) -> None:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            conn.execute("BEGIN IMMEDIATE")
            _create(conn)
            conn.execute("COMMIT")
            return
        row = (
            conn.execute("SELECT value FROM geomap_meta WHERE name='schema_version'").fetchone()
            if "geomap_meta" in tables
            else None
        )
        if row is None or row[0] != str(SCHEMA_VERSION):
            raise sqlite3.DatabaseError(f"schema version {row[0] if row else None!r} is not {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the file (committed batches are already on disk)."""
        self._conn.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def batch(self) -> Iterator[EventStore]:
        """One transaction around several :meth:`add` calls: all kept, or none if an exception escapes."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self._conn.execute(
            "UPDATE gpkg_contents SET last_change = ? WHERE table_name IN ('events', 'articles')", (_now(),)
        )
        self._conn.execute("COMMIT")

    # ------------------------------------------------------------------ queries
    def needs_processing(self, article: Article) -> bool:
        """``True`` for a new article, one whose content or id changed, or one whose last run failed.

        The id counts because event ids and sources carry it (ingest renames an
        article whose file stem collides with another input's).
        """
        row = self._conn.execute(
            "SELECT id, sha256, error FROM articles WHERE key = ?", (article_key(article),)
        ).fetchone()
        return (
            row is None
            or row["sha256"] != content_sha256(article)
            or row["id"] != article.id
            or row["error"] is not None
        )

    def select(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The articles that :meth:`needs_processing` (lazily)."""
        return (a for a in articles if self.needs_processing(a))

    def events(self) -> list[StrikeEvent]:
        """All kept events, in article order (first time seen), then order within the article; not merged."""
        rows = self._conn.execute(
            f"SELECT {', '.join(f'e.{c}' for c in _EVENT_NAMES)} FROM events e "
            "JOIN articles a ON a.fid = e.article_fid ORDER BY a.fid, e.seq"
        )
        return [_event_from_row(r) for r in rows]

    def merged(self, merge: Callable[[list[StrikeEvent]], list[StrikeEvent]] | None = None) -> list[StrikeEvent]:
        """:meth:`events` merged across articles (default :func:`geomap.events.merge_events`)."""
        if merge is None:
            from geomap.events import merge_events as merge  # noqa: PLC0415
        return merge(self.events())

    def articles(self) -> list[dict[str, Any]]:
        """Rows of the articles table (key, id, path, sha256, processed_at, n_events, error)."""
        rows = self._conn.execute(
            "SELECT key, id, path, sha256, processed_at, n_events, error FROM articles ORDER BY fid"
        )
        return [dict(r) for r in rows]

    def __len__(self) -> int:
        """Number of articles recorded."""
        return int(self._conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    # ------------------------------------------------------------------ updates
    def add(self, article: Article, events: Iterable[StrikeEvent], *, error: str | None = None) -> None:
        """Record an article and its events, replacing what an earlier version of it gave.

        Parameters
        ----------
        article
            The processed article.
        events
            Its events (in extraction order).
        error
            One-line failure message when processing failed (no events are kept then).
        """
        events = [] if error is not None else list(events)
        with self.batch():
            fid = self._upsert_article(article, len(events), error)
            self._conn.execute("DELETE FROM events WHERE article_fid = ?", (fid,))
            self._conn.executemany(
                f"INSERT INTO events (geom, article_fid, seq, {', '.join(_EVENT_NAMES)}) "
                f"VALUES (?, ?, ?, {', '.join('?' * len(_EVENT_NAMES))})",
                ([_geometry(e), fid, seq, *_event_row(e)] for seq, e in enumerate(events)),
            )

    def add_results(self, results: Iterable[Any], *, batch_size: int = 64) -> int:
        """Record results with ``article``, ``events`` and ``error`` (:class:`geomap.runners.dask.ArticleResult`).

        Commits every ``batch_size`` articles, so an interrupted run keeps every
        finished batch. Returns the number of articles recorded.
        """
        n = 0
        results = iter(results)
        while True:
            with self.batch():
                for _ in range(batch_size):
                    result = next(results, None)
                    if result is None:
                        return n
                    article, events, error = result.article, result.events, result.error
                    self.add(article, events, error=error)
                    n += 1

    def _upsert_article(self, article: Article, n_events: int, error: str | None) -> int:
        values = (article.id, article.path, content_sha256(article), _now(), n_events, error)
        key = article_key(article)
        row = self._conn.execute("SELECT fid FROM articles WHERE key = ?", (key,)).fetchone()
        if row is not None:
            self._conn.execute(
                "UPDATE articles SET id=?, path=?, sha256=?, processed_at=?, n_events=?, error=? WHERE fid=?",
                (*values, row["fid"]),
            )
            return int(row["fid"])
        cur = self._conn.execute(
            "INSERT INTO articles (key, id, path, sha256, processed_at, n_events, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, *values),
        )
        return int(cur.lastrowid)  # type: ignore[arg-type]

    def clear(self) -> None:
        """Forget every article and event (one transaction); the next run processes everything."""
        with self.batch():
            self._conn.execute("DELETE FROM events")
            self._conn.execute("DELETE FROM articles")

    def rebuild(self) -> None:
        """Recreate the file from scratch (fresh schema, empty, space reclaimed)."""
        if self._depth:
            raise OutputError(f"{self.path}: cannot rebuild inside a batch")
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for table in _TABLES:
                self._conn.execute(f"DROP TABLE IF EXISTS {table}")
            _create(self._conn)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        self._conn.execute("VACUUM")

    def export(
        self,
        path: str | os.PathLike[str],
        *,
        acled: bool = False,
        merge: Callable[[list[StrikeEvent]], list[StrikeEvent]] | None = None,
    ) -> Path:
        """Write the merged events with :func:`geomap.io.export.write_events` (any supported format)."""
        from geomap.io.export import write_events  # noqa: PLC0415 - lazy: geopandas

        out = Path(path)
        if out.resolve() == self.path.resolve():
            raise OutputError(f"{out}: cannot export the store onto itself")
        write_events(self.merged(merge), out, acled=acled)
        return out
