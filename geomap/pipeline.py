"""One article through the stages, a batch of them, and the single-process runner.

:func:`extract_article` parses an article and extracts its events; :func:`process_batch` does
the same for a batch with one ``nlp.pipe`` call (the unit of work of every runner);
:func:`iter_local` / :func:`run_local` run batches in this process. The Dask runner
(:mod:`geomap.runners.dask`) cuts the same batches and runs the same batch function on a
cluster, so both give the same output. Anything expensive a worker needs (the spaCy pipeline)
is built once per process with :func:`worker_cached`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from geomap.exc import GeomapError, ProcessingError
from geomap.ingest import read_articles
from geomap.records import Article, Mention, StrikeEvent

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from geomap.gazetteer import Gazetteer

_LOG = logging.getLogger("geomap")

__all__ = [
    "BATCH_SIZE",
    "ArticleResult",
    "batched",
    "default_process",
    "extract_article",
    "extract_parsed",
    "iter_local",
    "load_counts",
    "process_batch",
    "run_local",
    "warm_up",
    "worker_cached",
]

T = TypeVar("T")
Process = Callable[[Article], list[StrikeEvent]]
BatchFunction = Callable[[list[Article]], "list[ArticleResult]"]
Merge = Callable[[list[StrikeEvent]], list[StrikeEvent]]
OnError = Callable[[GeomapError], None]

#: Articles per Dask task and per ``nlp.pipe`` call, in both engines.
BATCH_SIZE = 64


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """What processing one article gave: its events, or the one-line error."""

    article: Article
    events: list[StrikeEvent]
    error: str | None = None


_CACHE: dict[Hashable, Any] = {}


_LOADS: Counter[Hashable] = Counter()


_CACHE_LOCK = threading.Lock()


def worker_cached(key: Hashable, factory: Callable[[], T]) -> T:
    """Return the resource ``key`` of this process, building it with ``factory`` once.

    Parameters
    ----------
    key
        Name of the resource, e.g. ``("spacy", False)``.
    factory
        Builds the resource; called at most once per process and key.

    Returns
    -------
    T
        The cached resource (shared by all later calls in this process).
    """
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = factory()
            _LOADS[key] += 1
        return _CACHE[key]


def load_counts() -> dict[str, int]:
    """How often :func:`worker_cached` built each resource in this process (and the pid).

    Run it on every worker with ``client.run(load_counts)``.
    """
    return {**{repr(k): n for k, n in _LOADS.items()}, "pid": os.getpid()}


def _load_pipeline(fast: bool) -> Any:
    from geomap import nlp  # noqa: PLC0415 - lazy: spaCy is heavy

    return nlp.load_pipeline(fast=fast)


def _pipeline(fast: bool) -> Any:
    """This process's spaCy pipeline (through :func:`geomap.nlp.load_pipeline`, once)."""
    return worker_cached(("geomap.nlp", fast), partial(_load_pipeline, fast))


def default_process(article: Article, *, fast: bool = False) -> list[StrikeEvent]:
    """:func:`extract_article` with this process's cached spaCy pipeline."""
    return extract_article(article, nlp=_pipeline(fast), fast=fast)


_WARM_UP = Article(
    id="warm-up",
    title=None,
    text="Published 2 May 2024\n\nA drone struck Sumy on May 1.",
    published="2024-05-02",
    url=None,
    path=None,
    date_source="jsonl",
)


def warm_up(fast: bool = False) -> float:
    """Load this process's pipeline, gazetteer and boundaries; returns the seconds taken.

    Processes one small article. Run it on every worker with
    ``client.run(warm_up, fast)`` to keep the load out of a timed run; a
    second call in the same process takes milliseconds.
    """
    t0 = time.perf_counter()
    process_batch([_WARM_UP], fast=fast)
    return time.perf_counter() - t0


def _where(article: Article) -> str:
    return article.path or article.id


def failure_line(article: Article, exc: BaseException) -> str:
    """The one-line error of an article that failed: its path or id, the exception type, its first line."""
    detail = str(exc).splitlines()[0] if str(exc) else ""
    where = _where(article)
    if isinstance(exc, GeomapError) and detail.startswith(where):
        return detail
    return f"{where}: {type(exc).__name__}: {detail}".rstrip(": ")


def _one(process: Process, article: Article) -> ArticleResult:
    """Process one article; any exception becomes a one-line error naming it."""
    try:
        return ArticleResult(article, list(process(article)))
    except Exception as exc:  # noqa: BLE001 - a bad article must not stop the batch
        return ArticleResult(article, [], failure_line(article, exc))


def process_batch(articles: list[Article], *, fast: bool = False) -> list[ArticleResult]:
    """The default batch function: one ``nlp.pipe`` call over the batch, then events per article.

    Parameters
    ----------
    articles
        The batch.
    fast
        The gazetteer-only pipeline (no NER/parser).

    Returns
    -------
    list of ArticleResult
        One per article, in order. Should spaCy fail inside ``nlp.pipe`` (one
        text spoils its whole call), the articles not yet done are processed
        one by one, so only the bad one fails.
    """
    from geomap import nlp  # noqa: PLC0415 - lazy: spaCy is heavy

    pipeline = _pipeline(fast)
    gazetteer = _gazetteer_of(pipeline)
    results: list[ArticleResult] = []
    try:
        for article, doc, mentions in nlp.parse_many(articles, nlp=pipeline, batch_size=max(len(articles), 1)):
            results.append(_one(partial(extract_parsed, doc=doc, mentions=mentions, gazetteer=gazetteer), article))
    except Exception:  # noqa: BLE001 - isolated below, article by article
        results.extend(_one(partial(default_process, fast=fast), a) for a in articles[len(results) :])
    return results


def _per_article(process: Process, batch: list[Article]) -> list[ArticleResult]:
    return [_one(process, article) for article in batch]


def _batch_function(process: Process | None, fast: bool) -> BatchFunction:
    """What each batch runs: ``process`` article by article, else :func:`process_batch`."""
    if process is None:
        return partial(process_batch, fast=fast)
    return partial(_per_article, process)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` consecutive items (the last one may be shorter)."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _articles(items: Iterable[Article | str | os.PathLike[str]], on_error: OnError | None) -> Iterator[Article]:
    """Articles as given; paths are read lazily with :func:`geomap.ingest.read_articles`."""
    paths: list[str | os.PathLike[str]] = []
    for item in items if not isinstance(items, (str, os.PathLike)) else [items]:
        if isinstance(item, Article):
            if paths:
                yield from read_articles(paths, on_error=on_error)
                paths = []
            yield item
        else:
            paths.append(item)
    if paths:
        yield from read_articles(paths, on_error=on_error)


def _report(result: ArticleResult, on_error: OnError | None) -> None:
    if result.error is None:
        return
    err = ProcessingError(result.error)
    if on_error is None:
        raise err
    on_error(err)


def iter_local(
    articles: Iterable[Article | str | os.PathLike[str]],
    *,
    process: Process | None = None,
    fast: bool = False,
    batch_size: int = BATCH_SIZE,
    on_error: OnError | None = None,
) -> Iterator[ArticleResult]:
    """Process articles in this process (the single-process engine), in batches.

    Same parameters, batches and order as :func:`iter_dask`, so the two give
    the same results.
    """
    run = _batch_function(process, fast)
    for batch in batched(_articles(articles, on_error), batch_size):
        for result in run(batch):
            _report(result, on_error)
            yield result


def _collect(results: Iterable[ArticleResult], merge: Merge | None) -> list[StrikeEvent]:
    events = [event for result in results for event in result.events]
    if merge is None:
        from geomap.events import merge_events  # noqa: PLC0415 - written by the events stage

        merge = merge_events
    return merge(events)


def run_local(
    articles: Iterable[Article | str | os.PathLike[str]],
    *,
    process: Process | None = None,
    fast: bool = False,
    merge: Merge | None = None,
    batch_size: int = BATCH_SIZE,
    on_error: OnError | None = None,
) -> list[StrikeEvent]:
    """Single-process run: events of all articles in order, merged (the baseline of the Dask runner)."""
    results = iter_local(articles, process=process, fast=fast, batch_size=batch_size, on_error=on_error)
    return _collect(results, merge)


def with_region_geometry(ev: StrikeEvent) -> StrikeEvent:
    if ev.geo_precision != 3 or ev.geometry is not None or not ev.admin1:
        return ev
    from geomap.gazetteer import boundaries

    try:
        geom = boundaries.admin1_geometry(ev.country_code or "", ev.admin1)
    except GeomapError:
        geom = None
    return replace(ev, geometry=geom) if geom else ev


def _gazetteer_of(pipeline: Language) -> Gazetteer | None:
    """The gazetteer the pipeline's place component resolves with (None: no such component)."""
    from geomap.nlp import COMPONENT  # noqa: PLC0415 - lazy: spaCy is heavy

    if COMPONENT not in pipeline.pipe_names:
        return None
    comp: Any = pipeline.get_pipe(COMPONENT)
    return comp.gazetteer


def extract_article(article: Article, *, nlp: Language | None = None, fast: bool = False) -> list[StrikeEvent]:
    """Strike events reported by one article (merged within the article)."""
    from geomap import nlp as _nlp

    pipeline = nlp or _nlp.load_pipeline(fast=fast)
    doc, mentions = _nlp.parse(article, nlp=pipeline)
    return extract_parsed(article, doc=doc, mentions=mentions, gazetteer=_gazetteer_of(pipeline))


def extract_parsed(
    article: Article, *, doc: Doc, mentions: list[Mention], gazetteer: Gazetteer | None = None
) -> list[StrikeEvent]:
    """Strike events of an article already parsed by :func:`geomap.nlp.parse` / ``parse_many``.

    ``gazetteer`` is the one the mentions were resolved with (the place component's); by
    default ``Gazetteer.default()``. An article that has no publication date and states none
    gives undated events, and a one-line warning on the ``geomap`` logger.
    """
    from geomap import events as _events

    found = _events.events_from_doc(article, doc, mentions, gazetteer=gazetteer)
    undated = sum(e.date is None for e in found)
    if undated:
        _LOG.warning(
            "%s: no publication date and none stated in the text; %d event(s) left undated",
            _where(article),
            undated,
        )
    return [with_region_geometry(e) for e in _events.merge_events(found)]
