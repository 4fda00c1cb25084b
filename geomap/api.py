"""The Python API over the whole chain: articles -> places -> events -> files/maps.

Each function here composes the stage modules; none of them holds logic of its own
beyond orchestration (reading inputs, reporting failures, filtering by date, keeping
outputs off inputs). Nothing here prints: failures go to ``Summary.on_error`` (the CLI
prints them) or, without one, to the ``geomap`` logger.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap import pipeline
from geomap.exc import GeomapError, InputError, OutputError, ProcessingError
from geomap.pipeline import extract_article, extract_parsed, with_region_geometry

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas
    from spacy.language import Language

    from geomap.events import StrikeEvent
    from geomap.ingest import Article
    from geomap.records import Mention
    from geomap.runners.store import EventStore

_log = logging.getLogger("geomap")
_log.addHandler(logging.NullHandler())  # a library prints nothing: no "last resort" lines on stderr

__all__ = [
    "Summary",
    "check_date",
    "check_outputs",
    "extract",
    "extract_article",
    "extract_events",
    "extract_parsed",
    "iter_places",
    "make_map",
    "places",
    "store_events",
]


@dataclass
class Summary:
    """What a batch run did.

    Attributes
    ----------
    articles
        Articles read from the inputs.
    processed
        Articles sent through NLP and extraction in this run (with a store: the
        new and changed ones only).
    unchanged
        Articles skipped because the store already holds their events.
    events
        Events in the result (merged, after the date filter).
    failures
        One line per input or article that failed.
    undated_dropped
        Events left out by ``since``/``until`` because they have no date (``None``:
        no date filter was given).
    on_error
        Called with each failure as it happens (the CLI prints it); ``None``: logged as a
        warning on the ``geomap`` logger.
    """

    articles: int = 0
    events: int = 0
    failures: list[str] = field(default_factory=list)
    processed: int = 0
    unchanged: int = 0
    undated_dropped: int | None = None
    on_error: Callable[[GeomapError], None] | None = field(default=None, repr=False, compare=False)

    def fail(self, exc: GeomapError) -> None:
        """Record one failed input or article."""
        self.failures.append(str(exc))
        if self.on_error is not None:
            self.on_error(exc)
        else:
            _log.warning("%s", exc)

    def line(self) -> str:
        """One-line summary for the CLI."""
        done = f", {self.processed} processed, {self.unchanged} unchanged" if self.unchanged else ""
        return f"{self.articles} article(s) read{done}, {self.events} event(s) found, {len(self.failures)} failure(s)"


def places(text_or_article: str | Article, *, fast: bool = False, nlp: Language | None = None) -> list[Any]:
    """Place mentions in a text or :class:`~geomap.ingest.Article`, resolved in context."""
    from geomap import nlp as _nlp

    return _nlp.find_places(text_or_article, nlp=nlp, fast=fast)


def check_date(value: str | None, what: str = "date") -> str | None:
    """``value`` as ``YYYY-MM-DD`` (``None`` stays ``None``).

    Raises
    ------
    InputError
        Not a real calendar date in that form ("yesterday", "2024-02-30", "2024-6-3").
    """
    from geomap.ingest import readers

    return readers.check_date_option(value, what)


def _date_filter(
    events: Iterable[StrikeEvent], since: str | None, until: str | None, summary: Summary | None
) -> list[StrikeEvent]:
    """The events dated within ``[since, until]``; undated ones are dropped and counted."""
    events = list(events)
    if since is None and until is None:
        return events
    kept = [e for e in events if e.date is not None and (since is None or e.date >= since)]
    kept = [e for e in kept if until is None or e.date is None or e.date <= until]
    if summary is not None:
        summary.undated_dropped = (summary.undated_dropped or 0) + sum(e.date is None for e in events)
    return kept


def _articles(inputs: Iterable[str | Path], date: str | None, summary: Summary) -> Iterator[Article]:
    from geomap.ingest import read_articles

    for art in read_articles(inputs, date=date, on_error=summary.fail):
        summary.articles += 1
        yield art


def _open_store(store: str | Path | EventStore, rebuild: bool) -> tuple[EventStore, bool]:
    """The store and whether this call opened it (and so closes it)."""
    from geomap.runners.store import EventStore

    st = store if isinstance(store, EventStore) else EventStore(store)
    opened = st is not store
    try:
        st.acquire()  # a second writer fails now, before any article is processed
        if rebuild:
            st.rebuild()
    except BaseException:
        if opened:
            st.close()
        raise
    return st, opened


def _results(
    articles: Iterable[Article],
    *,
    engine: str,
    fast: bool,
    scheduler: str | None,
    batch_size: int,
    summary: Summary,
    progress: Callable[[int], None] | None,
) -> Iterator[Any]:
    """One :class:`~geomap.runners.dask.ArticleResult` per article, in order, failures reported."""
    from geomap.runners import dask as distributed

    if engine == "dask":
        results = distributed.iter_dask(
            articles, fast=fast, scheduler=scheduler, batch_size=batch_size, on_error=summary.fail
        )
    else:
        results = pipeline.iter_local(articles, fast=fast, batch_size=batch_size, on_error=summary.fail)
    for result in results:
        summary.processed += 1
        if progress is not None:
            progress(summary.articles)
        yield result


def extract_events(
    inputs: Iterable[str | Path],
    *,
    date: str | None = None,
    since: str | None = None,
    until: str | None = None,
    fast: bool = False,
    summary: Summary | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    store: str | Path | EventStore | None = None,
    rebuild: bool = False,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[StrikeEvent]:
    """Events from every input (files, folders, JSONL, ``-``), merged across articles.

    Parameters
    ----------
    inputs
        Files, folders (recursive), ``.jsonl`` files, ``-`` for stdin.
    date
        Publication date ``YYYY-MM-DD`` for every input (overrides the text).
    since, until
        Keep events dated on or after / on or before (``YYYY-MM-DD``).
    fast
        Gazetteer-only place matching (no statistical model).
    summary
        Filled with counts and one line per failure.
    engine
        ``"local"`` (this process) or ``"dask"``: the per-article stages on a
        Dask cluster (a LocalCluster, or ``scheduler="tcp://host:8786"``),
        with the same result.
    store
        A ``.gpkg`` event store (path or :class:`~geomap.store.EventStore`):
        only articles that are new, changed (content hash) or failed last time
        are processed; their events are committed batch by batch, and the
        result is every event in the store (from earlier runs too), merged.
    rebuild
        With ``store``: empty the store first and process everything.
    batch_size
        Articles per ``nlp.pipe`` call, Dask task and store transaction
        (default :data:`geomap.runners.dask.BATCH_SIZE`).
    progress
        Called with the number of articles read so far, after each one is processed.
    """
    from geomap import events as _events

    if engine not in ("local", "dask"):
        raise GeomapError(f"unknown engine {engine!r}: use 'local' or 'dask'")
    if rebuild and store is None:
        raise GeomapError("rebuild needs a store: pass store='events.gpkg'")
    since, until = check_date(since, "since"), check_date(until, "until")
    inputs = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    if isinstance(store, (str, Path)):
        check_outputs(inputs, [store])
    summary = summary if summary is not None else Summary()
    size = batch_size or pipeline.BATCH_SIZE
    articles = _articles(inputs, date, summary)
    run = partial(
        _results, engine=engine, fast=fast, scheduler=scheduler, batch_size=size, summary=summary, progress=progress
    )
    if store is None:
        found = [e for result in run(articles) for e in result.events]
    else:
        st, opened = _open_store(store, rebuild)
        try:
            todo = _not_in_store(st, articles, summary)
            st.add_results(run(todo), batch_size=size, on_error=summary.fail)
            found = st.events()
        finally:
            if opened:
                st.close()
    merged = [with_region_geometry(e) for e in _date_filter(_events.merge_events(found), since, until, summary)]
    summary.events = len(merged)
    return merged


def _not_in_store(st: EventStore, articles: Iterable[Article], summary: Summary) -> Iterator[Article]:
    for article in articles:
        if st.needs_processing(article):
            yield article
        else:
            summary.unchanged += 1


def store_events(
    path: str | Path, *, since: str | None = None, until: str | None = None, summary: Summary | None = None
) -> list[StrikeEvent]:
    """The events kept in an event store written by ``extract(..., store=path)``, merged.

    ``summary.undated_dropped`` counts the undated events ``since``/``until`` left out.
    """
    from geomap import events as _events
    from geomap.runners.store import EventStore

    since, until = check_date(since, "since"), check_date(until, "until")
    if not Path(path).is_file():
        raise InputError(f"{path}: no such event store")
    with EventStore(path) as st:
        found = st.events()
    return [with_region_geometry(e) for e in _date_filter(_events.merge_events(found), since, until, summary)]


def check_outputs(inputs: Iterable[str | Path], outputs: Iterable[str | Path | None]) -> None:
    """Refuse to write an output onto an input.

    Raises
    ------
    OutputError
        An output is one of ``inputs``, or a file inside an input folder that
        reading them would take as an article (see :func:`geomap.ingest.readers.reads_path`).
    """
    from geomap.ingest.readers import reads_path, shown_path

    inputs = list(inputs)
    for out in outputs:
        if out is not None and reads_path(inputs, out):
            raise OutputError(f"{shown_path(out)}: is also an input; choose another output file")


def iter_places(
    inputs: Iterable[str | Path],
    *,
    date: str | None = None,
    fast: bool = False,
    model: str | None = None,
    summary: Summary | None = None,
    batch_size: int | None = None,
) -> Iterator[tuple[Article, list[Mention]]]:
    """``(article, mentions)`` for every article read from ``inputs``, in order.

    Each article is isolated as in :func:`extract_events`: one that fails in the NLP
    (spaCy refuses it, a bug) is one line in ``summary`` and the others go on.
    """
    from geomap import nlp as _nlp

    summary = summary if summary is not None else Summary()
    check_date(date)
    pipe = _nlp.load_pipeline(model, fast=fast)  # now: a missing model fails before any output
    inputs = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    return _iter_places(inputs, date, pipe, summary, batch_size or pipeline.BATCH_SIZE)


def _iter_places(
    inputs: list[str | Path], date: str | None, pipe: Any, summary: Summary, batch_size: int
) -> Iterator[tuple[Article, list[Mention]]]:
    from geomap import nlp as _nlp

    for batch in pipeline.batched(_articles(inputs, date, summary), batch_size):
        done = 0
        try:
            for article, _doc, mentions in _nlp.parse_many(batch, nlp=pipe, batch_size=max(len(batch), 1)):
                done += 1
                summary.processed += 1
                yield article, _as_given(article, mentions)
        except Exception:  # noqa: BLE001 - isolated below, article by article
            for article in batch[done:]:
                try:
                    _doc, mentions = _nlp.parse(article, nlp=pipe)
                except Exception as exc:  # noqa: BLE001 - one bad article must not stop the batch
                    summary.fail(ProcessingError(pipeline.failure_line(article, exc)))
                    continue
                summary.processed += 1
                yield article, _as_given(article, mentions)


def _as_given(article: Article, mentions: list[Mention]) -> list[Mention]:
    """Mentions with offsets into the text as given (not the cleaned text), when they differ."""
    if article.source_text is None:
        return mentions
    from geomap.nlp.offsets import source_mentions

    return source_mentions(mentions, article.source_text, article.text)


def extract(inputs: Iterable[str | Path] | str | Path, **kwargs: Any) -> geopandas.GeoDataFrame:
    """Events from articles as a GeoDataFrame (EPSG:4326), one row per merged event.

    Keyword arguments are those of :func:`extract_events`.
    """
    from geomap.io import to_geodataframe

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    return to_geodataframe(extract_events(inputs, **kwargs))


def _frame_date_filter(gdf: Any, since: str | None, until: str | None, summary: Summary | None) -> Any:
    """:func:`_date_filter` on an event frame read from a file (``date`` is ISO text or NA)."""
    if since is None and until is None:
        return gdf
    dates = gdf["date"].astype("string")
    keep = dates.notna()
    if since is not None:
        keep &= (dates >= since).fillna(False)
    if until is not None:
        keep &= (dates <= until).fillna(False)
    if summary is not None:
        summary.undated_dropped = (summary.undated_dropped or 0) + int(dates.isna().sum())
    return gdf[keep.astype(bool)]


def make_map(
    inputs: Iterable[str | Path] | str | Path,
    *,
    output: str | Path | None = None,
    title: str | None = None,
    **kwargs: Any,
) -> folium.Map:
    """The layered offline map of the events in ``inputs``.

    ``inputs`` may be articles, one events file written by ``geomap extract``
    (``.geojson``, ``.gpkg`` ...) or one event store (``extract(..., store=...)``;
    its events are merged); ``since``/``until`` apply to all three. With ``output``
    (``.html``), writes the HTML map and the events GeoJSON beside it (same stem):
    both are written to temporary files first and moved into place together, so the
    pair never mixes two runs, and neither may be one of the inputs.

    Raises
    ------
    OutputError
        ``output`` is not ``.html``, is an input (or its GeoJSON is), or cannot be written.
    """
    from geomap import io as export
    from geomap._fileio import atomic_paths
    from geomap.map import render
    from geomap.runners.store import is_event_store

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    inputs = list(inputs)
    out = Path(output) if output is not None else None
    if out is not None:
        if out.suffix.lower() not in (".html", ".htm"):
            raise OutputError(f"{out}: the map output must end in .html")
        export.check_output_path(out.with_suffix(".geojson"))
        check_outputs(inputs, [out, out.with_suffix(".geojson")])
    since, until = check_date(kwargs.get("since"), "since"), check_date(kwargs.get("until"), "until")
    summary = kwargs.get("summary")
    if len(inputs) == 1 and is_event_store(inputs[0]):
        gdf = export.to_geodataframe(store_events(inputs[0], since=since, until=until, summary=summary))
    elif (
        len(inputs) == 1
        and Path(inputs[0]).suffix.lower() in export.FORMATS
        and Path(inputs[0]).is_file()
        and Path(inputs[0]).suffix.lower() != ".json"
    ):
        gdf = _frame_date_filter(export.read_events(inputs[0]), since, until, summary)
    else:
        gdf = export.to_geodataframe(extract_events(inputs, **kwargs))
    m = render.render_map(gdf, title=title)
    if out is not None:
        geojson = out.with_suffix(".geojson")
        try:
            with atomic_paths([geojson, out]) as (tmp_geojson, tmp_html):
                export.write_events(gdf, tmp_geojson)
                render.save_map(m, tmp_html)
        except OSError as exc:
            if isinstance(exc, OutputError):
                raise
            raise OutputError(f"{out}: cannot write ({exc.strerror or exc})") from None
    return m
