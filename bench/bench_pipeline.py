"""Throughput of articles -> events: one process against 2 Dask workers, measured in the same run.

Usage: ``.venv/bin/python bench/bench_pipeline.py [--articles N] [--fast-articles M] [--quick]``

For the full pipeline (spaCy model) and the fast one (gazetteer only) it prints,
on a synthetic corpus (:mod:`geomap.synth`, fixed seed): words/s in one process
(the baseline), words/s with a 2-worker LocalCluster (one thread each), the
scaling ratio (target >= 1.7x on 2 cores), whether both outputs are identical
after the merge, peak resident memory of the single process and of each worker,
and start-up costs (pipeline load, cluster start). Pipelines are loaded before
timing in both engines. Asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import time
from functools import partial

from geomap import distributed, synth
from geomap.events import merge_events
from geomap.ingest import Article


def _peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_WARM = Article(id="warm-up", title=None, text="Published 2 May 2024\n\nA drone struck Sumy on May 1.",
                published="2024-05-02", url=None, path=None, date_source="jsonl")


def _warm(fast: bool) -> int:
    """Load the pipeline, gazetteer and boundaries of this process by processing one article."""
    return len(distributed.default_process(_WARM, fast=fast))


def _single(articles: list, fast: bool) -> tuple[list, float, float]:
    t0 = time.perf_counter()
    _warm(fast)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = list(distributed.iter_local(articles, fast=fast, on_error=lambda e: None))
    return results, time.perf_counter() - t0, load


def _dask(articles: list, fast: bool, batch_size: int) -> tuple[list, float, float, list[float]]:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(partial(_warm, fast))
        start = time.perf_counter() - t0
        t0 = time.perf_counter()
        results = list(distributed.iter_dask(articles, fast=fast, scheduler=client, batch_size=batch_size,
                                             on_error=lambda e: None))
        elapsed = time.perf_counter() - t0
        peaks = sorted(client.run(_peak_rss_mb).values())
    return results, elapsed, start, peaks


def _events(results: list) -> list[dict]:
    return [e.to_dict() for e in merge_events([e for r in results for e in r.events])]


def run(n: int, *, fast: bool, batch_size: int, seed: int = 0) -> dict[str, float | bool | str]:
    """Measure one corpus of ``n`` articles; returns and prints the figures."""
    articles = list(synth.generate(n, seed=seed))
    words = sum(len(a.text.split()) for a in articles)
    label = "fast (gazetteer only)" if fast else "full (spaCy model)"
    print(f"\n[{label}] {n:,} synthetic articles, {words:,} words, batch_size={batch_size}")
    single, t_single, load = _single(articles, fast)
    single_peak = _peak_rss_mb()
    print(f"  single process : {words / t_single:10,.0f} words/s  ({t_single:6.1f} s; pipeline load {load:.1f} s,"
          f" peak RSS {single_peak:,.0f} MB)")
    remote, t_dask, start, peaks = _dask(articles, fast, batch_size)
    ratio = t_single / t_dask
    print(f"  dask, 2 workers: {words / t_dask:10,.0f} words/s  ({t_dask:6.1f} s; cluster start + load {start:.1f} s,"
          f" peak RSS per worker {', '.join(f'{p:,.0f}' for p in peaks)} MB)")
    print(f"  scaling        : {ratio:.2f}x  (target >= 1.7x on 2 cores)")
    same = _events(single) == _events(remote)
    n_events = len(_events(single))
    print(f"  output identical to single process: {'yes' if same else 'NO'} ({n_events:,} merged events)")
    return {"mode": label, "words": words, "single_wps": words / t_single, "dask_wps": words / t_dask,
            "ratio": ratio, "identical": same}


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300, help="articles for the full pipeline")
    ap.add_argument("--fast-articles", type=int, default=1500, help="articles for the fast pipeline")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--quick", action="store_true", help="60 / 300 articles")
    args = ap.parse_args(argv)
    full_n, fast_n = (60, 300) if args.quick else (args.articles, args.fast_articles)
    if full_n:
        run(full_n, fast=False, batch_size=args.batch_size)
    if fast_n:
        run(fast_n, fast=True, batch_size=args.batch_size, seed=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
