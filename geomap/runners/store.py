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
merge rules change.

One run writes at a time: the first write (or :meth:`EventStore.acquire`, which the API
calls before any article is processed) takes an exclusive ``flock`` on the file for the
life of the object, and a second writer fails at once with "store in use by another
run". :meth:`EventStore.add_results` runs the NLP for a batch *before* it opens the
transaction, so the SQLite write lock is held only while writing. Opening an existing
store runs ``PRAGMA quick_check``; a damaged file, a full disk or any other SQLite failure
is one :class:`~geomap.exc.OutputError` line, never a raw traceback. Every text written is
valid Unicode (lone surrogates become U+FFFD), and a record that cannot be written fails
alone: the rest of its batch is kept.

The event columns are derived from the fields of :class:`~geomap.records.StrikeEvent`
(:data:`_EVENT_COLUMNS`): a field added there becomes a column of new stores, and of
existing ones at their next write; stored rows read it as the field's default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import os
import re
import sqlite3
import struct
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from geomap.events import Source, StrikeEvent
from geomap.exc import OutputError
from geomap.ingest import Article
from geomap.ingest.clean import valid_text

try:  # POSIX: the run lock; elsewhere one writer at a time is the user's business
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

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


def _sql_type(hint: Any) -> str:
    """The SQLite column type of a StrikeEvent field's type (``X | None`` as ``X``)."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    base = args[0] if isinstance(hint, types.UnionType) and len(args) == 1 else hint
    base = typing.get_origin(base) or base
    # bool before int: bool is an int
    return {bool: "BOOLEAN", int: "INTEGER", float: "DOUBLE", str: "TEXT"}.get(base, "TEXT")  # lists, dicts: JSON


def _column_name(field: str) -> str:
    """The geometry dict is kept as GeoJSON text beside the ``geom`` blob."""
    return "geometry_json" if field == "geometry" else field


def _event_columns() -> tuple[tuple[str, str], ...]:
    hints = typing.get_type_hints(StrikeEvent)
    return tuple((_column_name(f.name), _sql_type(hints[f.name])) for f in dataclasses.fields(StrikeEvent))


#: (column, SQL type) of the events layer after fid/geom/article_fid/seq: one per
#: :class:`StrikeEvent` field, in field order (``geometry`` as ``geometry_json``).
_EVENT_COLUMNS = _event_columns()
_EVENT_NAMES = [c for c, _ in _EVENT_COLUMNS]
#: What a column missing from an older store reads as: the field's default, else None.
_FIELD_DEFAULTS = {
    _column_name(f.name): None if f.default is dataclasses.MISSING else f.default
    for f in dataclasses.fields(StrikeEvent)
}

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
        key = article.id
    elif m := _JSONL_PATH_RE.match(path):
        key = f"{os.path.abspath(m.group('file'))}#{article.id}"
    else:
        key = os.path.abspath(path)
    return valid_text(key)


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


def _sql_value(value: Any) -> Any:
    """``value`` as SQLite takes it: text made valid Unicode, lists/dicts as JSON, bools as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return valid_text(value) if isinstance(value, str) else value


def _event_row(event: StrikeEvent) -> list[Any]:
    d = event.to_dict()
    d["geometry_json"] = d.pop("geometry")
    return [_sql_value(d.get(name)) for name in _EVENT_NAMES]


def _event_from_row(row: sqlite3.Row) -> StrikeEvent:
    present = set(row.keys())
    values: dict[str, Any] = {name: row[name] if name in present else _FIELD_DEFAULTS[name] for name in _EVENT_NAMES}
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


def _one_line(value: object) -> str:
    text = str(value).strip().splitlines()
    return text[0] if text else type(value).__name__


#: SQLite result codes (``sqlite3.Error.sqlite_errorcode & 0xff``) and what they mean here.
_SQLITE_PROBLEMS = {
    5: "store in use by another run (database is locked)",
    6: "store in use by another run (table is locked)",
    8: "the store is read-only",
    10: "disk I/O error",
    11: "the event store is damaged; rebuild it with --rebuild or restore a copy",
    13: "disk full, the store is unchanged since the last finished batch; free some space and run again",
    14: "cannot open the event store",
    26: "not a geomap event store; delete it or choose another file",
}


def _problem(path: Path, exc: sqlite3.Error) -> str:
    """One line for a SQLite failure on the store at ``path``."""
    code = getattr(exc, "sqlite_errorcode", None)
    what = _SQLITE_PROBLEMS.get(code & 0xFF) if isinstance(code, int) else None
    return f"{path}: {what or 'SQLite error'} ({_one_line(exc)})"


#: Failures of one record (a value SQLite cannot bind), not of the store: that record fails alone.
_RECORD_ERRORS = (
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
    sqlite3.DataError,
    sqlite3.IntegrityError,
    OverflowError,
    TypeError,
    ValueError,
)


class EventStore:
    """Events of processed articles, kept in a GeoPackage so that re-runs only process what changed.

    Parameters
    ----------
    path
        The ``.gpkg`` file; created (with its parent folder) when missing.

    Raises
    ------
    OutputError
        Not a ``.gpkg`` path, not an event store, a damaged file (``PRAGMA quick_check``),
        or it cannot be opened; one line.

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
        self._lock_fd: int | None = None
        self._depth = 0
        self._conn = self._open()
        self._columns: set[str] | None = None  # the events table's columns, once read

    # ------------------------------------------------------------------ connection
    def _open(self) -> sqlite3.Connection:
        if self.path.suffix.lower() != ".gpkg":
            raise OutputError(f"{self.path}: an event store must be a .gpkg file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"{self.path}: cannot open the event store ({_one_line(exc)})") from None
        conn.row_factory = sqlite3.Row
        try:
            self._check_or_create(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise OutputError(
                f"{self.path}: not a geomap event store ({_one_line(exc)}); delete it or choose another file"
            ) from None
        except OutputError:
            conn.close()
            raise
        return conn

    def _check_or_create(self, conn: sqlite3.Connection) -> None:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            self.acquire()
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
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise OutputError(
                f"{self.path}: the event store is damaged (quick_check: {_one_line(problems[0])}); "
                "rebuild it with --rebuild or restore a copy"
            )

    def acquire(self) -> None:
        """Take the run lock: this object is the store's only writer until :meth:`close`.

        Called by the first write, and by the API before it processes any article, so a
        second run fails at once instead of after its NLP.

        Raises
        ------
        OutputError
            "store in use by another run" when another process (or another open
            EventStore) holds it.
        """
        if self._lock_fd is not None or fcntl is None:
            return
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot open the event store ({_one_line(exc)})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputError(f"{self.path}: store in use by another run; try again when it has finished") from None
        self._lock_fd = fd

    def close(self) -> None:
        """Close the file (committed batches are already on disk) and release the run lock."""
        self._conn.close()
        if self._lock_fd is not None:  # after the connection: closing it drops this process's locks
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_lock_fd", None) is not None:
            try:
                self.close()
            except Exception:  # noqa: BLE001 - interpreter shutdown
                pass

    @contextmanager
    def _sql(self) -> Iterator[None]:
        """SQLite failures as one :class:`OutputError` line naming the store."""
        try:
            yield
        except _RECORD_ERRORS:
            raise
        except sqlite3.Error as exc:
            raise OutputError(_problem(self.path, exc)) from None

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
        self.acquire()
        with self._sql():
            self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self
            with self._sql():
                self._conn.execute(
                    "UPDATE gpkg_contents SET last_change = ? WHERE table_name IN ('events', 'articles')", (_now(),)
                )
                self._conn.execute("COMMIT")
        except BaseException:
            self._depth = 0
            if self._conn.in_transaction:
                try:
                    self._conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the transaction is gone already (disk full, I/O error)
            raise
        self._depth = 0

    # ------------------------------------------------------------------ queries
    def needs_processing(self, article: Article) -> bool:
        """``True`` for a new article, one whose content or id changed, or one whose last run failed.

        The id counts because event ids and sources carry it (ingest renames an
        article whose file stem collides with another input's).
        """
        with self._sql():
            row = self._conn.execute(
                "SELECT id, sha256, error FROM articles WHERE key = ?", (article_key(article),)
            ).fetchone()
        return (
            row is None
            or row["sha256"] != content_sha256(article)
            or row["id"] != valid_text(article.id)
            or row["error"] is not None
        )

    def select(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The articles that :meth:`needs_processing` (lazily)."""
        return (a for a in articles if self.needs_processing(a))

    def _table_columns(self) -> set[str]:
        if self._columns is None:
            self._columns = {r["name"] for r in self._conn.execute("PRAGMA table_info(events)")}
        return self._columns

    def events(self) -> list[StrikeEvent]:
        """All kept events, in article order (first time seen), then order within the article; not merged."""
        with self._sql():
            present = [c for c in _EVENT_NAMES if c in self._table_columns()]
            rows = self._conn.execute(
                f"SELECT {', '.join(f'e.{c}' for c in present)} FROM events e "
                "JOIN articles a ON a.fid = e.article_fid ORDER BY a.fid, e.seq"
            ).fetchall()
        return [_event_from_row(r) for r in rows]

    def merged(self, merge: Callable[[list[StrikeEvent]], list[StrikeEvent]] | None = None) -> list[StrikeEvent]:
        """:meth:`events` merged across articles (default :func:`geomap.events.merge_events`)."""
        if merge is None:
            from geomap.events import merge_events  # noqa: PLC0415

            merge = merge_events
        return merge(self.events())

    def articles(self) -> list[dict[str, Any]]:
        """Rows of the articles table (key, id, path, sha256, processed_at, n_events, error)."""
        with self._sql():
            rows = self._conn.execute(
                "SELECT key, id, path, sha256, processed_at, n_events, error FROM articles ORDER BY fid"
            ).fetchall()
        return [dict(r) for r in rows]

    def __len__(self) -> int:
        """Number of articles recorded."""
        with self._sql():
            return int(self._conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    # ------------------------------------------------------------------ updates
    def _add_columns(self) -> None:
        """Add the columns of StrikeEvent fields that this (older) store lacks (inside a batch)."""
        for name, sql_type in _EVENT_COLUMNS:
            if name not in self._table_columns():
                self._conn.execute(f'ALTER TABLE events ADD COLUMN "{name}" {sql_type}')
                self._table_columns().add(name)

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

        Raises
        ------
        OutputError
            SQLite failed (disk full, damaged file ...): one line; the batch is rolled back.
        """
        events = [] if error is not None else list(events)
        with self.batch(), self._sql():
            self._add_columns()
            fid = self._upsert_article(article, len(events), error)
            self._conn.execute("DELETE FROM events WHERE article_fid = ?", (fid,))
            self._conn.executemany(
                f"INSERT INTO events (geom, article_fid, seq, {', '.join(_EVENT_NAMES)}) "
                f"VALUES (?, ?, ?, {', '.join('?' * len(_EVENT_NAMES))})",
                ([_geometry(e), fid, seq, *_event_row(e)] for seq, e in enumerate(events)),
            )

    def add_results(
        self,
        results: Iterable[Any],
        *,
        batch_size: int = 64,
        on_error: Callable[[OutputError], None] | None = None,
    ) -> int:
        """Record results with ``article``, ``events`` and ``error`` (:class:`geomap.pipeline.ArticleResult`).

        Takes ``batch_size`` results (the NLP runs while they are taken, outside any
        transaction), then writes them in one transaction, so an interrupted run keeps
        every finished batch and the write lock is held only while writing. A result
        that cannot be written (a value SQLite refuses) is recorded as failed and
        passed to ``on_error``, the rest of its batch is kept. Returns the number of
        articles recorded.

        Raises
        ------
        OutputError
            The store cannot be written at all (disk full, damaged file, in use by
            another run): one line; the batch in progress is rolled back.
        """
        self.acquire()
        n = 0
        results = iter(results)
        while chunk := list(itertools.islice(results, batch_size)):
            with self.batch():
                for result in chunk:
                    self._add_isolated(result, on_error)
                    n += 1
        return n

    def _add_isolated(self, result: Any, on_error: Callable[[OutputError], None] | None) -> None:
        """:meth:`add` one result inside a savepoint; a record SQLite refuses is kept as a failure."""
        article, events, error = result.article, result.events, result.error
        with self._sql():
            self._conn.execute("SAVEPOINT geomap_article")
        try:
            self.add(article, events, error=error)
        except _RECORD_ERRORS as exc:
            with self._sql():
                self._conn.execute("ROLLBACK TO geomap_article")
            where = valid_text(article.path or article.id)
            problem = OutputError(f"{where}: cannot be stored ({type(exc).__name__}: {_one_line(exc)})")
            self.add(article, [], error=str(problem))
            if on_error is not None:
                on_error(problem)
        with self._sql():
            self._conn.execute("RELEASE geomap_article")

    def _upsert_article(self, article: Article, n_events: int, error: str | None) -> int:
        values = [_sql_value(v) for v in (article.id, article.path, content_sha256(article), _now(), n_events, error)]
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
        return int(cur.lastrowid or 0)

    def clear(self) -> None:
        """Forget every article and event (one transaction); the next run processes everything."""
        with self.batch(), self._sql():
            self._conn.execute("DELETE FROM events")
            self._conn.execute("DELETE FROM articles")

    def rebuild(self) -> None:
        """Recreate the file from scratch (fresh schema, empty, space reclaimed)."""
        if self._depth:
            raise OutputError(f"{self.path}: cannot rebuild inside a batch")
        self.acquire()
        with self._sql():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for table in _TABLES:
                    self._conn.execute(f"DROP TABLE IF EXISTS {table}")
                _create(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            self._columns = None
            self._conn.execute("VACUUM")

    def export(
        self,
        path: str | os.PathLike[str],
        *,
        acled: bool = False,
        merge: Callable[[list[StrikeEvent]], list[StrikeEvent]] | None = None,
    ) -> Path:
        """Write the merged events with :func:`geomap.io.export.write_events` (any supported format)."""
        from geomap.io import write_events  # noqa: PLC0415 - lazy: geopandas

        out = Path(path)
        if out.resolve() == self.path.resolve():
            raise OutputError(f"{out}: cannot export the store onto itself")
        write_events(self.merged(merge), out, acled=acled)
        return out
