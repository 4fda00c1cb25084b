"""The Python API over the whole chain: articles -> places -> events -> files/maps.

Each function here composes the stage modules; none of them holds logic of its own
beyond orchestration (reading inputs, reporting failures, filtering by date).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap import pipeline
from geomap.exc import GeomapError, InputError
from geomap.pipeline import extract_article, extract_parsed, with_region_geometry

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas
    from spacy.language import Language

    from geomap.events import StrikeEvent
    from geomap.ingest import Article
    from geomap.runners.store import EventStore

_log = logging.getLogger("geomap")

__all__ = [
    "Summary",
    "extract",
    "extract_article",
    "extract_events",
    "extract_parsed",
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
    on_error
        Called with each failure as it happens (the CLI prints it); ``None``: logged as a
        warning on the ``geomap`` logger.
    """

    articles: int = 0
    events: int = 0
    failures: list[str] = field(default_factory=list)
    processed: int = 0
    unchanged: int = 0
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


def _in_range(ev: StrikeEvent, since: str | None, until: str | None) -> bool:
    if since is None and until is None:
        return True
    if ev.date is None:
        return False
    return (since is None or ev.date >= since) and (until is None or ev.date <= until)


def _articles(inputs: Iterable[str | Path], date: str | None, summary: Summary) -> Iterator[Article]:
    from geomap.ingest import read_articles

    for art in read_articles(inputs, date=date, on_error=summary.fail):
        summary.articles += 1
        yield art


def _open_store(store: str | Path | EventStore, rebuild: bool) -> tuple[EventStore, bool]:
    """The store and whether this call opened it (and so closes it)."""
    from geomap.runners.store import EventStore

    opened = not isinstance(store, EventStore)
    st = EventStore(store) if opened else store  # type: ignore[arg-type]
    if rebuild:
        try:
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
            st.add_results(run(todo), batch_size=size)
            found = st.events()
        finally:
            if opened:
                st.close()
    merged = [with_region_geometry(e) for e in _events.merge_events(found) if _in_range(e, since, until)]
    summary.events = len(merged)
    return merged


def _not_in_store(st: EventStore, articles: Iterable[Article], summary: Summary) -> Iterator[Article]:
    for article in articles:
        if st.needs_processing(article):
            yield article
        else:
            summary.unchanged += 1


def store_events(path: str | Path, *, since: str | None = None, until: str | None = None) -> list[StrikeEvent]:
    """The events kept in an event store written by ``extract(..., store=path)``, merged."""
    from geomap import events as _events
    from geomap.runners.store import EventStore

    if not Path(path).is_file():
        raise InputError(f"{path}: no such event store")
    with EventStore(path) as st:
        found = st.events()
    return [with_region_geometry(e) for e in _events.merge_events(found) if _in_range(e, since, until)]


def extract(inputs: Iterable[str | Path] | str | Path, **kwargs: Any) -> geopandas.GeoDataFrame:
    """Events from articles as a GeoDataFrame (EPSG:4326), one row per merged event.

    Keyword arguments are those of :func:`extract_events`.
    """
    from geomap.io.export import to_geodataframe

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    return to_geodataframe(extract_events(inputs, **kwargs))


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
    its events are merged, ``since``/``until`` apply). With ``output``, writes the
    HTML map and the events GeoJSON beside it (same stem).
    """
    from geomap.io import export
    from geomap.map import render
    from geomap.runners.store import is_event_store

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    inputs = list(inputs)
    if len(inputs) == 1 and is_event_store(inputs[0]):
        gdf = export.to_geodataframe(store_events(inputs[0], since=kwargs.get("since"), until=kwargs.get("until")))
    elif (
        len(inputs) == 1
        and Path(inputs[0]).suffix.lower() in export.FORMATS
        and Path(inputs[0]).is_file()
        and Path(inputs[0]).suffix.lower() != ".json"
    ):
        gdf = export.read_events(inputs[0])
    else:
        gdf = export.to_geodataframe(extract_events(inputs, **kwargs))
    m = render.render_map(gdf, title=title)
    if output is not None:
        out = Path(output)
        export.write_events(gdf, out.with_suffix(".geojson"))
        render.save_map(m, out)
    return m
