"""Run the article -> events stage on Dask, locally or on an existing cluster.

The driver (the process that calls :func:`run_dask`) reads the articles lazily
with :func:`geomap.ingest.read_articles`, cuts them into batches of
``batch_size`` and submits one task per batch to a ``dask.distributed`` cluster:
a :class:`~distributed.LocalCluster` started for the call by default, or any
running scheduler (``scheduler="tcp://host:8786"``). Results come back with
``as_completed`` and are put back in article order, with at most
``max_in_flight`` batches submitted but not yet handed on, so memory stays
bounded however long the input is. Duplicate events reported by several
articles are merged once, on the driver, after the parallel stage.

Why the driver reads the files (and workers never do): ingest is a small share
of the work (no NLP), the article ids it makes unique must be unique across the
whole call, which one reader guarantees, and the workers of a real cluster need
not see the driver's file system. Only :class:`~geomap.ingest.Article` records
travel to the workers.

A task is a whole batch: by default :func:`process_batch` runs the spaCy
pipeline over it with one ``nlp.pipe`` call (the model works on many texts at
once), then extracts each article's events in the worker. Only
:class:`~geomap.events.StrikeEvent` lists and error lines come back; spaCy Docs
never leave the worker, and the driver pairs the results with the articles it
kept. Anything expensive a worker needs (the spaCy pipeline) is built once per
worker process with :func:`worker_cached` and reused by every later batch;
:func:`warm_up` loads it ahead of the first batch (benchmarks time the load on
its own) and :func:`load_counts` reports how often each resource was built.

The output is the same as a single-process run (:func:`run_local`), which cuts
the same batches and runs the same batch function: events are ordered by
article order, then by their order within the article, before the merge.
Workers need geomap (and its data) installed, the same version as the driver.
Nothing here imports Dask until a run starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from geomap.pipeline import (
    BATCH_SIZE,
    ArticleResult,
    BatchFunction,
    Merge,
    OnError,
    Process,
    _articles,
    _batch_function,
    _collect,
    _report,
    _where,
    batched,
)
from geomap.records import Article, StrikeEvent

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

__all__ = ["LOCAL_CLUSTER_CONFIG", "iter_dask", "local_cluster", "run_dask"]

#: Dask settings of :func:`local_cluster`, each measured on 2 cores:
#:
#: * the workers' statistical profiler (a stack sample every 10 ms) is off, and the
#:   event-loop tick, system monitor and worker memory monitor run every 1-2 s instead
#:   of every 20-500 ms: idle, a default 2-worker cluster used about 0.1 CPU-second per
#:   second, this one 0.02;
#: * ``MALLOC_TRIM_THRESHOLD_=65536``, which Dask puts in its workers' environment so
#:   that they hand memory back sooner, is not set: with the spaCy model it gave 5x the
#:   page faults and 3.5x the system time of a plain process doing the same work.
LOCAL_CLUSTER_CONFIG: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,  # None: not set
}


def _remote(run: BatchFunction, batch: list[Article]) -> list[tuple[list[StrikeEvent], str | None]]:
    """The Dask task: events and error per article (the articles themselves stay on the driver)."""
    return [(r.events, r.error) for r in run(batch)]


def local_cluster(n_workers: int = 2, **kwargs: Any) -> LocalCluster:
    """The LocalCluster geomap starts: ``n_workers`` processes of one thread, no dashboard.

    Its housekeeping is turned down (see :data:`LOCAL_CLUSTER_CONFIG`): on a
    small machine every core the driver and the workers' timers take is
    missing from the NLP. Other keyword arguments go to
    :class:`distributed.LocalCluster`.
    """
    import dask  # noqa: PLC0415 - lazy: optional dependency
    from distributed import LocalCluster  # noqa: PLC0415

    options = {"threads_per_worker": 1, "processes": True, "dashboard_address": None, **kwargs}
    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # read when the scheduler and workers start
        return LocalCluster(n_workers=n_workers, **options)


def _client(scheduler: str | Client | None, n_workers: int) -> tuple[Client, Callable[[], None]]:
    """A client and the function that closes what was started for it."""
    from distributed import Client  # noqa: PLC0415 - lazy: optional dependency

    if isinstance(scheduler, Client):
        return scheduler, lambda: None
    if scheduler is not None:
        client = Client(scheduler)
        return client, client.close
    cluster = local_cluster(n_workers)
    client = Client(cluster)

    def close() -> None:
        client.close()
        cluster.close()

    return client, close


def _failed_batch(batch: list[Article], exc: BaseException) -> list[ArticleResult]:
    """Every article of a batch whose task itself failed (e.g. its worker died)."""
    detail = str(exc).splitlines()[0] if str(exc) else ""
    msg = f"{type(exc).__name__}: {detail}".rstrip(": ")
    return [ArticleResult(a, [], f"{_where(a)}: batch failed on the cluster: {msg}") for a in batch]


def iter_dask(
    articles: Iterable[Article | str | os.PathLike[str]],
    *,
    process: Process | None = None,
    fast: bool = False,
    scheduler: str | Client | None = None,
    n_workers: int = 2,
    batch_size: int = BATCH_SIZE,
    max_in_flight: int | None = None,
    on_error: OnError | None = None,
) -> Iterator[ArticleResult]:
    """Process articles on Dask and yield one result per article, in input order.

    Parameters
    ----------
    articles
        :class:`~geomap.ingest.Article` records and/or paths (files, folders,
        JSONL; read lazily on the driver).
    process
        Per-article function run on the workers; it must be picklable (a
        module-level function or a :func:`functools.partial` of one). Default:
        :func:`process_batch` (``nlp.pipe`` over each batch, the spaCy
        pipeline loaded once per worker).
    fast
        With the default processing: the gazetteer-only pipeline (no NER/parser).
    scheduler
        ``None``: a LocalCluster of ``n_workers`` processes (one thread each),
        closed at the end. A scheduler address (``"tcp://host:8786"``) or a
        :class:`distributed.Client` runs on that cluster (a given client is
        left open).
    n_workers
        Worker processes of the LocalCluster.
    batch_size
        Articles per task (and per ``nlp.pipe`` call).
    max_in_flight
        Batches submitted but not yet yielded (default: four per worker thread).
    on_error
        Called with a :class:`~geomap.exc.ProcessingError` per failed article
        (unreadable input: the :class:`~geomap.exc.InputError` from ingest);
        the other articles go on. ``None``: the first error is raised.

    Yields
    ------
    ArticleResult
        In article order; failed articles have ``error`` set and no events.
    """
    run = _batch_function(process, fast)
    batches = batched(_articles(articles, on_error), batch_size)
    client, close = _client(scheduler, n_workers)
    try:
        window = max_in_flight or 4 * max(sum(client.nthreads().values()), 1)
        yield from _stream(client, run, batches, window, on_error)
    finally:
        close()


def _stream(
    client: Client, run: BatchFunction, batches: Iterator[list[Article]], window: int, on_error: OnError | None
) -> Iterator[ArticleResult]:
    """Submit up to ``window`` batches ahead, reassemble completed ones in order."""
    from distributed import as_completed  # noqa: PLC0415

    pending: dict[Any, tuple[int, list[Article]]] = {}
    done: dict[int, list[ArticleResult]] = {}
    queue = as_completed()
    submitted = emitted = 0
    exhausted = False
    while True:
        while not exhausted and submitted - emitted < window:
            batch = next(batches, None)
            if batch is None:
                exhausted = True
                break
            future = client.submit(_remote, run, batch, pure=False)
            pending[future] = (submitted, batch)
            queue.add(future)
            submitted += 1
        if emitted == submitted:
            return
        future = next(queue)
        index, batch = pending.pop(future)
        try:
            done[index] = [
                ArticleResult(a, events, error) for a, (events, error) in zip(batch, future.result(), strict=True)
            ]
        except Exception as exc:  # noqa: BLE001 - the batch's articles are reported below
            done[index] = _failed_batch(batch, exc)
        future.release()
        while emitted in done:
            for result in done.pop(emitted):
                _report(result, on_error)
                yield result
            emitted += 1


def run_dask(
    articles: Iterable[Article | str | os.PathLike[str]],
    *,
    process: Process | None = None,
    fast: bool = False,
    merge: Merge | None = None,
    scheduler: str | Client | None = None,
    n_workers: int = 2,
    batch_size: int = BATCH_SIZE,
    on_error: OnError | None = None,
) -> list[StrikeEvent]:
    """Extract strike events on Dask; the result equals :func:`run_local`'s (same ``batch_size``).

    Parameters
    ----------
    articles, process, fast, scheduler, n_workers, batch_size, on_error
        See :func:`iter_dask`.
    merge
        Merges duplicate events after the parallel stage (default
        :func:`geomap.events.merge_events`).

    Returns
    -------
    list of StrikeEvent
        Events in article order, then event order, merged.
    """
    results = iter_dask(
        articles,
        process=process,
        fast=fast,
        scheduler=scheduler,
        n_workers=n_workers,
        batch_size=batch_size,
        on_error=on_error,
    )
    return _collect(results, merge)
