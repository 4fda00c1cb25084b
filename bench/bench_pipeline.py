"""Throughput of articles -> events: one process against 2 Dask workers, measured in the same run.

Usage: ``.venv/bin/python bench/bench_pipeline.py [--articles N] [--fast-articles M] [--quick] [--json OUT]``

For the full pipeline (spaCy model) on ``N`` synthetic articles and the fast one
(gazetteer only) on ``M`` (:mod:`tools.synth`, fixed seeds) it prints, beside
each figure, its baseline measured in the same run:

* words/s in one process, the baseline: :func:`geomap.runners.dask.iter_local`
  in a freshly spawned process (as cold as a fresh worker), the same batches
  (``--batch-size``, one ``nlp.pipe`` call each) and the same batch function as
  the workers; beside it spaCy's own NER-only pipeline (``nlp.pipe`` over the
  same texts and batch size);
* words/s with a 2-worker LocalCluster (one thread each) and the scaling ratio
  (target >= 1.7x on 2 cores); beside it spaCy's own ``nlp.pipe(n_process=2)``
  followed by event extraction in the parent (Docs cross processes there);
* steady-state throughput: every process loads its pipeline, gazetteer and
  boundaries and processes two batches of other articles *before* the clock starts;
  those load times are printed on their own, and so is the cluster start;
* peak resident memory of the single process and of each worker; CPU seconds
  of the single process, of each worker and of the driver during the timed
  run. Their ratio (one process / the larger of the busiest worker and half of
  workers + driver) is what two idle cores would give, and holds up far better
  than wall clock on a busy machine;
* whether the Dask output equals the single-process output exactly: every
  field of every event of every article, in order (the merged output is a
  function of that list); ``--fast-articles 10000`` is the 10k-article check
  (``make bench-10k``), ``--articles 10000`` does it with the full model;
* the time of the merge across articles, the serial step on the driver after
  the parallel stage (the same in both engines, not in words/s);
* the machine load (``os.getloadavg``) before and after each measurement:
  figures taken on a busy machine are not scaling figures.

BLAS/OpenMP thread pools are limited to one thread in every process (the Dask
workers get the same by default), so "one process" means one core. Asserts
nothing; the exit status is 1 only when an output differs.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported, here and in the Dask workers

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

from geomap import pipeline  # noqa: E402
from geomap.events import StrikeEvent, merge_events  # noqa: E402
from geomap.ingest import Article  # noqa: E402
from geomap.runners import dask as distributed  # noqa: E402
from tools import synth  # noqa: E402

WARM_SEED = 999  # warm-up articles: not part of any measured corpus


@dataclass
class Figures:
    """What one corpus gave; printed as a table and written with ``--json``."""

    mode: str
    articles: int
    words: int
    batch_size: int
    single_wps: float = 0.0
    single_s: float = 0.0
    single_load_s: float = 0.0
    single_peak_mb: float = 0.0
    dask_wps: float = 0.0
    dask_s: float = 0.0
    cluster_start_s: float = 0.0
    worker_load_s: list[float] = field(default_factory=list)
    worker_peak_mb: list[float] = field(default_factory=list)
    driver_cpu_s: float = 0.0
    single_cpu_s: float = 0.0
    worker_cpu_s: list[float] = field(default_factory=list)
    cpu_ratio: float = 0.0
    ratio: float = 0.0
    identical: bool = False
    article_events: int = 0
    merged_events: int = 0
    merge_s: float = 0.0
    ner_only_wps: float | None = None
    spacy_mp_wps: float | None = None
    spacy_mp_articles: int = 0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _peak_rss_mb() -> float:
    """Peak resident memory of this process: ``VmHWM`` of /proc/self/status, else ``ru_maxrss``.

    ``ru_maxrss`` survives ``exec``: a spawned Dask worker would report its parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _warm(fast: bool, articles: list[Article]) -> float:
    """Load pipeline, gazetteer and boundaries in this process, then process a few articles; load seconds."""
    load = pipeline.warm_up(fast)
    pipeline.process_batch(articles, fast=fast)
    return load


def _words(articles: list[Article]) -> int:
    return sum(len(a.text.split()) for a in articles)


def _per_article(results: list) -> list[tuple[str, str | None, list[StrikeEvent]]]:
    """What each article gave: (id, error, events); compared with ``==``, every field of every event."""
    return [(r.article.id, r.error, r.events) for r in results]


def _single_job(articles: list[Article], fast: bool, batch_size: int, warm: list[Article]) -> dict:
    """The one-process run, in a fresh process (as cold as a fresh Dask worker)."""
    load = _warm(fast, warm)
    cpu0, t0 = _cpu_s(), time.perf_counter()
    results = list(pipeline.iter_local(articles, fast=fast, batch_size=batch_size, on_error=lambda e: None))
    elapsed, cpu = time.perf_counter() - t0, _cpu_s() - cpu0
    return {"load": load, "elapsed": elapsed, "cpu": cpu, "peak": _peak_rss_mb(), "results": _per_article(results)}


def _single(articles: list[Article], fast: bool, batch_size: int, warm: list[Article], fig: Figures) -> list:
    """Run :func:`_single_job` in a spawned process; fills ``fig``, returns the merged events."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        out = pool.submit(_single_job, articles, fast, batch_size, warm).result()
    fig.single_load_s, fig.single_s, fig.single_cpu_s = out["load"], out["elapsed"], out["cpu"]
    fig.single_wps = fig.words / fig.single_s
    fig.single_peak_mb = out["peak"]
    return out["results"]


def _dask(articles: list[Article], fast: bool, batch_size: int, warm: list[Article], fig: Figures) -> list:
    from distributed import Client

    t0 = time.perf_counter()
    with distributed.local_cluster(2) as cluster, Client(cluster) as client:
        client.wait_for_workers(2)
        fig.cluster_start_s = time.perf_counter() - t0
        fig.worker_load_s = sorted(client.run(partial(_warm, fast, warm)).values())
        before = client.run(_cpu_s)
        cpu0, t0 = _cpu_s(), time.perf_counter()
        results = list(
            distributed.iter_dask(articles, fast=fast, scheduler=client, batch_size=batch_size, on_error=lambda e: None)
        )
        fig.dask_s = time.perf_counter() - t0
        fig.driver_cpu_s = _cpu_s() - cpu0
        after = client.run(_cpu_s)
        fig.worker_cpu_s = sorted(after[w] - before[w] for w in after)
        fig.worker_peak_mb = sorted(client.run(_peak_rss_mb).values())
    fig.dask_wps = fig.words / fig.dask_s
    return _per_article(results)


def _spacy_n_process(articles: list[Article], fast: bool, batch_size: int) -> float:
    """words/s of ``nlp.pipe(n_process=2)`` + event extraction in this process (process start included)."""
    from geomap import api, nlp

    pipeline = nlp.load_pipeline(fast=fast)
    t0 = time.perf_counter()
    for article, doc, mentions in nlp.parse_many(articles, nlp=pipeline, n_process=2, batch_size=batch_size):
        api.extract_parsed(article, doc=doc, mentions=mentions)
    return _words(articles) / (time.perf_counter() - t0)


def _ner_only(articles: list[Article], batch_size: int) -> float:
    """words/s of the spaCy model with only its NER (the ``en_core_web_sm`` NER has its own tok2vec)."""
    import spacy

    from geomap import settings

    model = spacy.load(str(settings.get("spacy_model")))
    model.select_pipes(enable=["ner"])
    texts = [a.text for a in articles]
    for _ in model.pipe(texts[:8]):
        pass
    t0 = time.perf_counter()
    for _ in model.pipe(texts, batch_size=batch_size):
        pass
    return _words(articles) / (time.perf_counter() - t0)


def _load() -> tuple[float, float, float]:
    return tuple(round(x, 2) for x in os.getloadavg())  # type: ignore[return-value]


def run(n: int, *, fast: bool, batch_size: int, seed: int = 0, mp_cap: int = 1000, baselines: bool = True) -> Figures:
    """Measure one corpus of ``n`` articles; prints and returns the figures."""
    articles = list(synth.generate(n, seed=seed))
    warm = list(synth.generate(2 * batch_size, seed=WARM_SEED, prefix="warm-"))
    fig = Figures("fast (gazetteer only)" if fast else "full (spaCy model)", n, _words(articles), batch_size)
    fig.load_before = _load()
    print(
        f"\n[{fig.mode}] {n:,} synthetic articles, {fig.words:,} words, batch size {batch_size}; "
        f"load average {fig.load_before}",
        flush=True,
    )
    single = _single(articles, fast, batch_size, warm, fig)
    print(f"  single process : {fig.single_wps:9,.0f} words/s ({fig.single_s:.1f} s)", flush=True)
    remote = _dask(articles, fast, batch_size, warm, fig)
    print(f"  2 Dask workers : {fig.dask_wps:9,.0f} words/s ({fig.dask_s:.1f} s)", flush=True)
    fig.ratio = fig.single_s / fig.dask_s
    # two idle cores: the busiest worker, or the workers and the driver sharing both cores
    fig.cpu_ratio = fig.single_cpu_s / max(max(fig.worker_cpu_s), (sum(fig.worker_cpu_s) + fig.driver_cpu_s) / 2)
    # Equal per-article results in the same order give equal merged output (merge_events is a
    # function of that list), so the merge runs once, timed on its own: it is the driver's
    # serial step after the parallel stage, in both engines.
    fig.identical = single == remote
    events = [e for _, _, evs in single for e in evs]
    fig.article_events = len(events)
    t0 = time.perf_counter()
    fig.merged_events = len(merge_events(events))
    fig.merge_s = time.perf_counter() - t0
    del single, remote, events
    if baselines:
        subset = articles[:mp_cap]
        fig.spacy_mp_articles = len(subset)
        fig.spacy_mp_wps = _spacy_n_process(subset, fast, batch_size)
        if not fast:
            fig.ner_only_wps = _ner_only(subset, batch_size)
    fig.load_after = _load()
    _print(fig)
    return fig


def _print(f: Figures) -> None:
    mb = ", ".join(f"{p:,.0f}" for p in f.worker_peak_mb)
    loads = ", ".join(f"{s:.1f}" for s in f.worker_load_s)
    rows = [
        (
            "words/s, one process",
            f"{f.single_wps:,.0f}",
            f"spaCy NER-only {f.ner_only_wps:,.0f} words/s" if f.ner_only_wps else "-",
        ),
        ("words/s, 2 Dask workers", f"{f.dask_wps:,.0f}", f"one process {f.single_wps:,.0f} words/s"),
        ("scaling ratio", f"{f.ratio:.2f}x", "target >= 1.7x on 2 idle cores (wall clock)"),
        (
            "CPU s, one process / workers",
            f"{f.single_cpu_s:.1f} / {' + '.join(f'{c:.1f}' for c in f.worker_cpu_s)}",
            f"CPU-time ratio {f.cpu_ratio:.2f}x: what 2 idle cores would give (driver CPU included)",
        ),
        (
            "words/s, spaCy n_process=2",
            f"{f.spacy_mp_wps:,.0f}" if f.spacy_mp_wps else "-",
            f"first {f.spacy_mp_articles:,} articles; Docs shipped to the parent" if f.spacy_mp_wps else "",
        ),
        ("peak RSS per worker", f"{mb} MB", f"one process {f.single_peak_mb:,.0f} MB"),
        ("pipeline load per worker", f"{loads} s", f"one process {f.single_load_s:.1f} s (not in words/s)"),
        ("cluster start", f"{f.cluster_start_s:.1f} s", "not in words/s"),
        ("driver CPU during Dask run", f"{f.driver_cpu_s:.1f} s", f"of {f.dask_s:.1f} s wall"),
        (
            "Dask output == one process",
            "yes" if f.identical else "NO",
            f"every field of the {f.article_events:,} events of {f.articles:,} articles, in order",
        ),
        (
            "merge on the driver",
            f"{f.merge_s:.1f} s",
            f"{f.article_events:,} -> {f.merged_events:,} events, serial, after the parallel stage (not in words/s)",
        ),
    ]
    print(f"  {'measure':28} {'value':>18}  baseline / note")
    for name, value, note in rows:
        print(f"  {name:28} {value:>18}  {note}")
    print(
        f"  load average before {f.load_before}, after {f.load_after} (2 cores: above ~0.5 the ratio is not "
        "a scaling figure)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=600, help="articles for the full pipeline (0: skip)")
    ap.add_argument("--fast-articles", type=int, default=2000, help="articles for the fast pipeline (0: skip)")
    ap.add_argument(
        "--batch-size",
        type=int,
        help="articles per nlp.pipe call and per Dask task, in both engines (default 32; "
        "16 with --quick, so that each worker gets several batches)",
    )
    ap.add_argument(
        "--spacy-mp-articles", type=int, default=1000, help="articles for the spaCy n_process=2 and NER-only baselines"
    )
    ap.add_argument("--no-baselines", action="store_true", help="skip the spaCy baselines")
    ap.add_argument("--quick", action="store_true", help="120 / 600 articles")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    full_n, fast_n = (120, 600) if args.quick else (args.articles, args.fast_articles)
    batch_size = args.batch_size or (16 if args.quick else 32)
    figures = []
    if full_n:
        figures.append(
            run(
                full_n,
                fast=False,
                batch_size=batch_size,
                mp_cap=args.spacy_mp_articles,
                baselines=not args.no_baselines,
            )
        )
    if fast_n:
        figures.append(
            run(
                fast_n,
                fast=True,
                batch_size=batch_size,
                seed=1,
                mp_cap=args.spacy_mp_articles,
                baselines=not args.no_baselines,
            )
        )
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in figures], indent=1))
    return 0 if all(f.identical for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
