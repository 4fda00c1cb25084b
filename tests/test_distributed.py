"""The Dask engine: same output as one process, pipeline loaded once per worker, failures per article."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from geomap import pipeline
from geomap.events import StrikeEvent
from geomap.exc import GeomapError
from geomap.ingest import Article
from geomap.pipeline import ArticleResult, iter_local, run_local
from geomap.runners import dask as distributed
from geomap.runners.dask import iter_dask, run_dask
from tools import synth

pytest.importorskip("distributed")
import cloudpickle  # noqa: E402  (a dependency of distributed)

SMALL = (2, 4)  # sentences per synthetic article: ~100 words, keeps the suite quick
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Workers cannot import this test module: ship its functions by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with distributed.local_cluster(2) as c:  # what run_dask starts without a scheduler
        yield c


@pytest.fixture()
def client(cluster: object) -> Iterator[object]:
    from distributed import Client

    with Client(cluster) as c:  # type: ignore[arg-type]
        yield c


def _fail_on(article: Article, *, bad: frozenset[str]) -> list[StrikeEvent]:
    if article.id in bad:
        raise ValueError(f"cannot handle {article.id}\nsecond line")
    return pipeline.default_process(article, fast=True)


def _slow(article: Article) -> list[StrikeEvent]:
    time.sleep((hash(article.id) % 5) / 1000)
    return pipeline.default_process(article, fast=True)


def _as_dicts(events: list[StrikeEvent]) -> list[dict[str, object]]:
    return [e.to_dict() for e in events]


def test_seeds_full_model_same_as_single_process(client: object) -> None:
    local = run_local([SEEDS], batch_size=2)
    remote = run_dask([SEEDS], scheduler=client, batch_size=2)  # type: ignore[arg-type]
    assert len(local) > 10
    assert _as_dicts(remote) == _as_dicts(local)


def test_synthetic_corpus_same_as_single_process(client: object) -> None:
    articles = list(synth.generate(300, seed=7, size=SMALL))
    local = run_local(articles, fast=True)
    remote = run_dask(articles, fast=True, scheduler=client, batch_size=16)  # type: ignore[arg-type]
    assert len(local) > 300
    assert _as_dicts(remote) == _as_dicts(local)


def test_per_article_results_in_input_order(client: object) -> None:
    articles = list(synth.generate(60, seed=3, size=SMALL))
    got = list(iter_dask(articles, process=_slow, scheduler=client, batch_size=3))  # type: ignore[arg-type]
    want = list(iter_local(articles, process=_slow))
    assert [r.article.id for r in got] == [a.id for a in articles]
    assert [_as_dicts(r.events) for r in got] == [_as_dicts(r.events) for r in want]


def test_pipeline_loaded_once_per_worker(client: object) -> None:
    articles = list(synth.generate(120, seed=5, size=SMALL))
    run_dask(articles, fast=True, scheduler=client, batch_size=8)  # type: ignore[arg-type]
    run_dask(articles[:40], fast=True, scheduler=client, batch_size=8)  # type: ignore[arg-type]
    counts = client.run(pipeline.load_counts)  # type: ignore[attr-defined]
    key = repr(("geomap.nlp", True))
    assert len(counts) == 2
    assert len({c["pid"] for c in counts.values()}) == 2  # two worker processes
    assert [c.get(key) for c in counts.values()] == [1, 1]  # both worked, each loaded once


def test_failures_reported_per_article_rest_continues(client: object) -> None:
    articles = list(synth.generate(40, seed=9, size=SMALL))
    bad = frozenset({articles[3].id, articles[17].id})
    errors: list[GeomapError] = []
    process = partial(_fail_on, bad=bad)
    events = run_dask(
        articles,
        process=process,
        scheduler=client,
        batch_size=5,  # type: ignore[arg-type]
        on_error=errors.append,
    )
    assert [str(e) for e in errors] == [
        f"{articles[3].id}: ValueError: cannot handle {articles[3].id}",
        f"{articles[17].id}: ValueError: cannot handle {articles[17].id}",
    ]
    good = [a for a in articles if a.id not in bad]
    assert _as_dicts(events) == _as_dicts(run_local(good, fast=True))


def test_failure_raises_without_on_error(client: object) -> None:
    articles = list(synth.generate(6, seed=9, size=SMALL))
    process = partial(_fail_on, bad=frozenset({articles[2].id}))
    with pytest.raises(pipeline.ProcessingError, match=articles[2].id):
        run_dask(articles, process=process, scheduler=client, batch_size=2)  # type: ignore[arg-type]


def test_paths_read_on_driver_with_input_errors_reported(client: object, tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_bytes(b'{"id": "x", "text": "Drones hit Kharkiv."}\n{not json\n')
    (tmp_path / "ok.txt").write_text("Published 3 March 2024\n\nA drone struck Odesa on March 2.\n")
    errors: list[GeomapError] = []
    remote = run_dask(
        [tmp_path],
        fast=True,
        scheduler=client,  # type: ignore[arg-type]
        on_error=errors.append,
    )
    local = run_local([tmp_path], fast=True, on_error=lambda e: None)
    assert _as_dicts(remote) == _as_dicts(local)
    assert len(errors) == 1 and str(errors[0]).startswith(f"{tmp_path / 'bad.jsonl'}:2:")


def test_scheduler_address_string(cluster: object) -> None:
    articles = list(synth.generate(20, seed=11, size=SMALL))
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    remote = run_dask(articles, fast=True, scheduler=address, batch_size=4)
    assert _as_dicts(remote) == _as_dicts(run_local(articles, fast=True))


def test_driver_reads_ahead_only_a_bounded_window(client: object) -> None:
    articles = list(synth.generate(80, seed=13, size=SMALL))
    pulled = 0

    def source() -> Iterator[Article]:
        nonlocal pulled
        for a in articles:
            pulled += 1
            yield a

    ahead = []
    for i, result in enumerate(
        iter_dask(
            source(),
            fast=True,
            scheduler=client,  # type: ignore[arg-type]
            batch_size=4,
            max_in_flight=3,
        )
    ):
        assert isinstance(result, ArticleResult)
        ahead.append(pulled - (i + 1))
    assert max(ahead) <= 3 * 4 + 4  # window of batches plus the one being cut
    assert pulled == len(articles)


def test_batched_rejects_zero() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(pipeline.batched([1, 2], 0))
    assert list(pipeline.batched(range(5), 2)) == [[0, 1], [2, 3], [4]]


def test_one_bad_text_does_not_spoil_its_nlp_pipe_batch() -> None:
    a, b = synth.generate(2, seed=15, size=SMALL)
    huge = Article(
        id="huge",
        title=None,
        text="Kyiv " * 220_000,
        published="2024-05-01",
        url=None,
        path="huge.txt",
        date_source="jsonl",
    )  # longer than spaCy's max_length: nlp.pipe raises
    results = pipeline.process_batch([a, huge, b], fast=True)
    assert [r.article.id for r in results] == ["synth-000000", "huge", "synth-000001"]
    assert results[1].error is not None and results[1].error.startswith("huge.txt: ValueError: [E088]")
    assert [r.error for r in (results[0], results[2])] == [None, None]
    assert [_as_dicts(r.events) for r in (results[0], results[2])] == [
        _as_dicts(pipeline.default_process(x, fast=True)) for x in (a, b)
    ]


def _config(keys: list[str]) -> list[object]:
    import dask

    return [dask.config.get(k) for k in keys]


def test_local_cluster_workers_get_the_quiet_config(client: object) -> None:
    keys = [k for k, v in distributed.LOCAL_CLUSTER_CONFIG.items() if v is not None]
    want = [distributed.LOCAL_CLUSTER_CONFIG[k] for k in keys]
    assert want[0] is False and list(client.run(_config, keys).values()) == [want, want]  # type: ignore[attr-defined]
    assert list(client.nthreads().values()) == [1, 1]  # type: ignore[attr-defined]
    trim = client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_")  # type: ignore[attr-defined]
    assert list(trim.values()) == [os.environ.get("MALLOC_TRIM_THRESHOLD_")] * 2


def test_processing_error_lives_in_exc() -> None:
    from geomap.exc import ProcessingError

    assert pipeline.ProcessingError is ProcessingError
    assert issubclass(ProcessingError, GeomapError) and issubclass(ProcessingError, RuntimeError)


def test_store_with_dask_engine_processes_only_changes(cluster: object, tmp_path: Path) -> None:
    from geomap import api

    news = synth.write_corpus(tmp_path / "news", 12, seed=17)
    store = tmp_path / "events.gpkg"
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    first, again = api.Summary(), api.Summary()
    remote = api.extract_events(
        [news], fast=True, engine="dask", scheduler=address, store=store, batch_size=4, summary=first
    )
    (news / "synth-000004.txt").write_text(
        "Published 2 June 2024\n\nOn June 1, Shahed drones struck an energy facility in Shostka, Sumy Oblast.\n",
        encoding="utf-8",
    )
    rerun = api.extract_events(
        [news], fast=True, engine="dask", scheduler=address, store=store, batch_size=4, summary=again
    )
    assert (first.processed, again.processed, again.unchanged) == (12, 1, 11)
    assert _as_dicts(rerun) == _as_dicts(api.extract_events([news], fast=True, batch_size=4))
    assert _as_dicts(remote) != _as_dicts(rerun)
