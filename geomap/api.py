"""The Python API over the whole chain: articles -> places -> events -> files/maps.

Each function here composes the stage modules; none of them holds logic of its own
beyond orchestration (reading inputs, reporting failures, filtering by date).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from geomap.exc import GeomapError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas
    from spacy.language import Language

    from geomap.events import StrikeEvent
    from geomap.ingest import Article

__all__ = ["Summary", "extract", "extract_article", "extract_events", "make_map", "places"]


@dataclass
class Summary:
    """What a batch run did: articles read, events found, failures (one line each)."""

    articles: int = 0
    events: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One-line summary for the CLI."""
        return (f"{self.articles} article(s) read, {self.events} event(s) found, "
                f"{len(self.failures)} failure(s)")


def places(text_or_article: "str | Article", *, fast: bool = False,
           nlp: "Language | None" = None) -> list[Any]:
    """Place mentions in a text or :class:`~geomap.ingest.Article`, resolved in context."""
    from geomap import nlp as _nlp

    return _nlp.find_places(text_or_article, nlp=nlp, fast=fast)


def _with_region_geometry(ev: "StrikeEvent") -> "StrikeEvent":
    if ev.geo_precision != 3 or ev.geometry is not None or not ev.admin1:
        return ev
    from geomap import boundaries

    try:
        geom = boundaries.admin1_geometry(ev.country_code or "", ev.admin1)
    except GeomapError:
        geom = None
    return replace(ev, geometry=geom) if geom else ev


def extract_article(article: "Article", *, nlp: "Language | None" = None,
                    fast: bool = False) -> list["StrikeEvent"]:
    """Strike events reported by one article (merged within the article)."""
    from geomap import events as _events
    from geomap import nlp as _nlp

    doc, mentions = _nlp.parse(article, nlp=nlp or _nlp.load_pipeline(fast=fast))
    found = _events.events_from_doc(article, doc, mentions)
    return [_with_region_geometry(e) for e in _events.merge_events(found)]


def _in_range(ev: "StrikeEvent", since: str | None, until: str | None) -> bool:
    if since is None and until is None:
        return True
    if ev.date is None:
        return False
    return (since is None or ev.date >= since) and (until is None or ev.date <= until)


def _articles(inputs: Iterable[str | Path], date: str | None,
              summary: Summary) -> Iterator["Article"]:
    from geomap.ingest import read_articles

    def record(exc: InputError) -> None:
        summary.failures.append(str(exc))
        print(f"geomap: {exc}", file=sys.stderr)

    for art in read_articles(inputs, date=date, on_error=record):
        summary.articles += 1
        yield art


def extract_events(inputs: Iterable[str | Path], *, date: str | None = None,
                   since: str | None = None, until: str | None = None, fast: bool = False,
                   summary: Summary | None = None, engine: str = "local",
                   scheduler: str | None = None,
                   progress: Callable[[int], None] | None = None) -> list["StrikeEvent"]:
    """Events from every input (files, folders, JSONL, ``-``), merged across articles.

    ``engine="dask"`` runs the per-article stages on a Dask cluster (a LocalCluster,
    or ``scheduler="tcp://host:8786"``) and gives the same result.
    """
    from geomap import events as _events

    summary = summary if summary is not None else Summary()
    articles = _articles(inputs, date, summary)
    found: list[StrikeEvent] = []
    if engine == "dask":
        from geomap import distributed

        def failed(exc: Exception) -> None:
            summary.failures.append(str(exc))
            print(f"geomap: {exc}", file=sys.stderr)

        found = distributed.run_dask(articles, scheduler=scheduler, fast=fast,
                                     merge=list, on_error=failed)
    elif engine == "local":
        from geomap import nlp as _nlp

        pipe = _nlp.load_pipeline(fast=fast)
        for art in articles:
            try:
                found.extend(extract_article(art, nlp=pipe))
            except GeomapError as exc:
                summary.failures.append(f"{art.path or art.id}: {exc}")
                print(f"geomap: {art.path or art.id}: {exc}", file=sys.stderr)
            if progress is not None:
                progress(summary.articles)
    else:
        raise GeomapError(f"unknown engine {engine!r}: use 'local' or 'dask'")
    merged = [_with_region_geometry(e) for e in _events.merge_events(found)
              if _in_range(e, since, until)]
    summary.events = len(merged)
    return merged


def extract(inputs: Iterable[str | Path] | str | Path, **kwargs: Any) -> "geopandas.GeoDataFrame":
    """Events from articles as a GeoDataFrame (EPSG:4326), one row per merged event.

    Keyword arguments are those of :func:`extract_events`.
    """
    from geomap.export import to_geodataframe

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    return to_geodataframe(extract_events(inputs, **kwargs))


def make_map(inputs: Iterable[str | Path] | str | Path, *, output: str | Path | None = None,
             title: str | None = None, **kwargs: Any) -> "folium.Map":
    """The layered offline map of the events in ``inputs``.

    ``inputs`` may be articles or one events file written by ``geomap extract``
    (``.geojson``, ``.gpkg`` ...). With ``output``, writes the HTML map and the events
    GeoJSON beside it (same stem).
    """
    from geomap import export, render

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    inputs = list(inputs)
    if len(inputs) == 1 and Path(inputs[0]).suffix.lower() in export.FORMATS and \
            Path(inputs[0]).is_file() and Path(inputs[0]).suffix.lower() != ".json":
        gdf = export.read_events(inputs[0])
    else:
        gdf = export.to_geodataframe(extract_events(inputs, **kwargs))
    m = render.render_map(gdf, title=title)
    if output is not None:
        out = Path(output)
        export.write_events(gdf, out.with_suffix(".geojson"))
        render.save_map(m, out)
    return m
