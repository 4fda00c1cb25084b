"""The GeoPackage event store: incremental re-runs, transactions, a real GPKG layer."""

from __future__ import annotations

import hashlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from geomap import api
from geomap.events import Source, StrikeEvent
from geomap.exc import GeomapError, OutputError
from geomap.ingest import Article, read_articles
from geomap.runners.store import EventStore, article_key
from tools import synth

POLY = {"type": "Polygon", "coordinates": [[[34.0, 50.0], [35.5, 50.0], [35.5, 51.0], [34.0, 51.0], [34.0, 50.0]]]}


def _events(article: Article) -> list[StrikeEvent]:
    """Two deterministic fake events per article (one town point, one region polygon)."""
    digest = int(hashlib.sha256(article.text.encode()).hexdigest()[:8], 16)
    src = [Source(article.id, article.title, article.url, article.published)]
    town = StrikeEvent(
        event_id=f"{article.id}-0",
        date=article.published,
        time_precision=1,
        date_source="stated: x",
        place_text="Kharkiv",
        place_name="Kharkiv",
        geonameid=706483,
        lat=50.0 + digest % 100 / 1000,
        lon=36.25,
        country_code="UA",
        admin1="07",
        admin1_name="Kharkiv",
        geo_precision=1,
        event_type="Air/drone strike",
        weapon="drone",
        weapon_model="Shahed-136",
        killed=digest % 3,
        injured=None,
        intercepted=bool(digest % 2),
        quote="«Kharkiv» \u202eRTL\u202c 🚀",
        confidence=0.75,
        sources=src,
    )
    region = replace(
        town,
        event_id=f"{article.id}-1",
        place_text="Sumy Oblast",
        geo_precision=3,
        lat=None,
        lon=None,
        geometry=POLY,
        intercepted=False,
        killed=None,
    )
    return [town, region]


def _run(store: EventStore, articles: list[Article]) -> list[str]:
    """Process what the store needs; return the ids processed."""
    done = []
    with store.batch():
        for a in store.select(articles):
            store.add(a, _events(a))
            done.append(a.id)
    return done


def test_round_trip_and_real_geopackage_layer(tmp_path: Path) -> None:
    pyogrio = pytest.importorskip("pyogrio")
    articles = list(synth.generate(3, seed=1, size=(2, 3)))
    path = tmp_path / "store.gpkg"
    with EventStore(path) as store:
        _run(store, articles)
        want = [e for a in articles for e in _events(a)]
        assert store.events() == want
    assert {tuple(x) for x in pyogrio.list_layers(path)} >= {("events", "Unknown"), ("articles", None)}
    gdf = pyogrio.read_dataframe(path, layer="events")
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["event_id"]) == [e.event_id for e in want]
    assert gdf.geometry.iloc[0].wkt == f"POINT ({want[0].lon} {want[0].lat})"
    assert gdf.geometry.iloc[1].geom_type == "Polygon" and gdf.geometry.iloc[1].bounds == (34.0, 50.0, 35.5, 51.0)
    assert list(gdf["intercepted"]) == [e.intercepted for e in want]
    assert len(pyogrio.read_dataframe(path, layer="articles")) == 3


def test_rerun_processes_only_new_or_changed(tmp_path: Path) -> None:
    folder = synth.write_corpus(tmp_path / "news", 5, seed=2)
    path = tmp_path / "s.gpkg"
    with EventStore(path) as store:
        assert len(_run(store, list(read_articles([folder])))) == 5
    # new file, one file changed, others untouched; a new process opens the store
    (folder / "zz-new.txt").write_text("Published 1 May 2024\n\nDrones hit Odesa on May 1.\n")
    changed = folder / "synth-000002.txt"
    changed.write_text(changed.read_text() + "\nAn extra paragraph about Kherson.\n")
    with EventStore(path) as store:
        before = {e.event_id: e for e in store.events()}
        articles = list(read_articles([folder]))
        assert _run(store, articles) == ["synth-000002", "zz-new"]
        assert _run(store, articles) == []
        after = store.events()
    assert [e.event_id for e in after][:10] == list(before)  # earlier events kept, in order
    assert after[4:6] == _events(next(a for a in articles if a.id == "synth-000002"))  # replaced
    assert len(after) == 12
    assert [r["n_events"] for r in EventStore(path).articles()] == [2] * 6


def test_failed_article_is_recorded_and_retried(tmp_path: Path) -> None:
    a, b = synth.generate(2, seed=3, size=(2, 3))
    with EventStore(tmp_path / "s.gpkg") as store:
        store.add(a, _events(a))
        store.add(b, _events(b), error=f"{b.id}: ValueError: boom")
        assert [r["error"] for r in store.articles()] == [None, f"{b.id}: ValueError: boom"]
        assert not store.needs_processing(a) and store.needs_processing(b)
        assert store.events() == _events(a)


def test_exception_inside_batch_rolls_back_only_that_batch(tmp_path: Path) -> None:
    articles = list(synth.generate(6, seed=4, size=(2, 3)))
    path = tmp_path / "s.gpkg"
    store = EventStore(path)
    with store.batch():
        for a in articles[:3]:
            store.add(a, _events(a))
    with pytest.raises(RuntimeError, match="crash"), store.batch():
        for a in articles[3:]:
            store.add(a, _events(a))
            raise RuntimeError("crash")
    store.close()
    reopened = EventStore(path)
    assert [r["id"] for r in reopened.articles()] == [a.id for a in articles[:3]]
    assert reopened.events() == [e for a in articles[:3] for e in _events(a)]


def test_killed_writer_keeps_committed_batches(tmp_path: Path) -> None:
    path = tmp_path / "s.gpkg"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_store import _events
        from tools import synth
        from geomap.runners.store import EventStore
        store = EventStore({str(path)!r})
        articles = synth.generate(100000, seed=5, size=(1, 2))
        n = 0
        while True:
            with store.batch():
                for _ in range(10):
                    a = next(articles)
                    store.add(a, _events(a))
            n += 10
            print(n, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        while int(proc.stdout.readline() or 0) < 50:
            assert proc.poll() is None, "writer died on its own"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = EventStore(path)
    n = len(store)
    assert n >= 50 and n % 10 == 0  # whole batches only
    expected = list(synth.generate(n, seed=5, size=(1, 2)))
    assert store.events() == [e for a in expected for e in _events(a)]


def test_clear_and_rebuild(tmp_path: Path) -> None:
    articles = list(synth.generate(3, seed=6, size=(2, 3)))
    store = EventStore(tmp_path / "s.gpkg")
    _run(store, articles)
    store.clear()
    assert store.events() == [] and len(store) == 0
    assert _run(store, articles) == [a.id for a in articles]
    store.rebuild()
    assert len(store) == 0 and all(store.needs_processing(a) for a in articles)
    _run(store, articles)
    assert len(store.events()) == 6


def test_export_writes_merged_events(tmp_path: Path) -> None:
    from geomap.io.export import read_events

    articles = list(synth.generate(2, seed=7, size=(2, 3)))
    store = EventStore(tmp_path / "s.gpkg")
    _run(store, articles)
    out = store.export(tmp_path / "out.geojson", merge=list)
    assert len(read_events(out)) == 4
    with pytest.raises(OutputError, match="onto itself"):
        store.export(tmp_path / "s.gpkg")


def test_bad_store_paths(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"must be a \.gpkg file"):
        EventStore(tmp_path / "s.sqlite")
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(OutputError, match="not a geomap event store") as info:
        EventStore(junk)
    assert "\n" not in str(info.value)


def test_article_keys() -> None:
    base = dict(title=None, text="x", published=None, url=None, date_source="none")
    assert article_key(Article(id="a", path=None, **base)) == "a"
    assert article_key(Article(id="r1", path="d/f.jsonl:7", **base)).endswith("d/f.jsonl#r1")
    assert Path(article_key(Article(id="f", path="d/f.txt", **base))).is_absolute()


# --------------------------------------------------------------------------- the user-facing path: extract/map --store


def _extract(inputs: list[Path], store: Path | None = None, **kwargs: object) -> tuple[list[dict], api.Summary]:
    summary = api.Summary()
    events = api.extract_events(inputs, fast=True, store=store, summary=summary, **kwargs)  # type: ignore[arg-type]
    return [e.to_dict() for e in events], summary


@pytest.fixture()
def news(tmp_path: Path) -> Path:
    return synth.write_corpus(tmp_path / "news", 8, seed=21)


def test_store_second_run_processes_nothing(news: Path, tmp_path: Path) -> None:
    store = tmp_path / "events.gpkg"
    first, s1 = _extract([news], store)
    assert (s1.articles, s1.processed, s1.unchanged) == (8, 8, 0)
    assert len(first) > 8
    assert first == _extract([news])[0]  # same as a run without the store
    second, s2 = _extract([news], store)
    assert (s2.articles, s2.processed, s2.unchanged) == (8, 0, 8)
    assert second == first
    assert "0 processed, 8 unchanged" in s2.line()


def test_store_changed_file_reprocessed_alone_and_its_events_replaced(news: Path, tmp_path: Path) -> None:
    store = tmp_path / "events.gpkg"
    _extract([news], store)
    changed = news / "synth-000003.txt"
    old_ids = {e.event_id for e in EventStore(store).events() if e.sources[0].id == "synth-000003"}
    changed.write_text(
        "Published 2 June 2024\n\nOn June 1, Shahed drones struck an energy facility in "
        "Shostka, Sumy Oblast, the regional governor said.\n",
        encoding="utf-8",
    )
    events, summary = _extract([news], store)
    assert (summary.processed, summary.unchanged) == (1, 7)
    assert events == _extract([news])[0]  # exactly what a fresh run gives
    kept = [e for e in EventStore(store).events() if e.sources[0].id == "synth-000003"]
    assert [e.place_name for e in kept] == ["Shostka"] and not old_ids & {e.event_id for e in kept}
    assert [r["n_events"] for r in EventStore(store).articles() if r["id"] == "synth-000003"] == [1]


def test_store_keeps_events_of_inputs_not_given_again(news: Path, tmp_path: Path) -> None:
    store = tmp_path / "events.gpkg"
    _extract([news], store)
    snapshot = shutil.copytree(news, tmp_path / "snapshot")
    other = synth.write_corpus(tmp_path / "other", 3, seed=22)
    for f in sorted(other.iterdir()):
        f.rename(f.with_name("zz-" + f.name))
    (news / "synth-000005.txt").unlink()  # gone from the folder: its events stay in the store
    both, summary = _extract([other], store)
    assert (summary.articles, summary.processed) == (3, 3)
    assert both == _extract([snapshot, other])[0]  # old and new events, merged across both
    assert len(EventStore(store)) == 11
    again, summary = _extract([news], store)  # the folder without the deleted file
    assert (summary.processed, summary.unchanged) == (0, 7)
    assert again == both


def test_store_merges_an_event_reported_before_and_again_now(tmp_path: Path) -> None:
    store, old, new = tmp_path / "events.gpkg", tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "first.txt").write_text(
        "Published 2 June 2024\n\nOn June 1, Shahed drones struck an energy facility "
        "in Shostka, Sumy Oblast, the regional governor said.\n",
        encoding="utf-8",
    )
    (new / "second.txt").write_text(
        "Published 3 June 2024\n\nRussian drones hit an energy facility in Shostka, "
        "Sumy Oblast, on June 1, officials said.\n",
        encoding="utf-8",
    )
    _extract([old], store)
    events, summary = _extract([new], store)  # only the new article is processed ...
    assert summary.processed == 1
    assert [(e["place_name"], e["date"], sorted(s["id"] for s in e["sources"])) for e in events] == [
        ("Shostka", "2024-06-01", ["first", "second"])
    ]  # ... and merged with the stored one
    assert events == _extract([old, new])[0]


def test_store_rebuild_starts_from_scratch(news: Path, tmp_path: Path) -> None:
    store = tmp_path / "events.gpkg"
    _extract([news], store)
    (news / "synth-000005.txt").unlink()
    events, summary = _extract([news], store, rebuild=True)
    assert (summary.processed, summary.unchanged) == (7, 0)
    assert events == _extract([news])[0]  # the deleted file's events are gone now
    assert len(EventStore(store)) == 7
    with pytest.raises(GeomapError, match="rebuild needs a store"):
        _extract([news], rebuild=True)


def test_store_unreadable_file_reported_then_processed_once_fixed(news: Path, tmp_path: Path) -> None:
    store = tmp_path / "events.gpkg"
    (news / "broken.txt").write_bytes(b"\x00\x01\x02 binary \xff\xfe" * 50)
    _, s1 = _extract([news], store)
    assert len(s1.failures) == 1 and s1.failures[0].startswith(str(news / "broken.txt"))
    (news / "broken.txt").write_text("Published 3 May 2024\n\nA drone struck Sumy on May 2.\n")
    events, s2 = _extract([news], store)
    assert (s2.processed, s2.unchanged, s2.failures) == (1, 8, [])
    assert events == _extract([news])[0]


def test_cli_extract_store_and_map_from_store(news: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geomap import cli
    from geomap.io.export import read_events

    store, out = tmp_path / "events.gpkg", tmp_path / "events.geojson"
    assert cli.main(["extract", str(news), "--store", str(store), "--fast", "-q"]) == 0
    assert "8 article(s) read, " in capsys.readouterr().err and not out.exists()
    assert cli.main(["extract", str(news), "--store", str(store), "-o", str(out), "--fast", "-q"]) == 0
    assert "0 processed, 8 unchanged" in capsys.readouterr().err
    written = read_events(out)
    assert list(written["event_id"]) == [e["event_id"] for e in _extract([news])[0]]
    html = tmp_path / "map.html"
    assert cli.main(["map", str(store), "-o", str(html)]) == 0
    assert html.is_file() and list(read_events(html.with_suffix(".geojson"))["event_id"]) == list(written["event_id"])
    assert cli.main(["extract", str(news), "--store", str(store), "--rebuild", "--fast", "-q"]) == 0
    assert "8 article(s) read, " in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["extract", "seeds"], "give -o OUTPUT, --store STORE.gpkg, or both"),
        (["extract", "seeds", "-o", "{tmp}/x.geojson", "--rebuild"], "--rebuild needs --store"),
        (["extract", "seeds", "-o", "{tmp}/x.gpkg", "--store", "{tmp}/x.gpkg"], "must be different files"),
        (["extract", "seeds", "--store", "{tmp}/x.sqlite"], r"must be a .gpkg file"),
    ],
)
def test_cli_store_usage_errors(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from geomap import cli

    assert cli.main([a.format(tmp=tmp_path) for a in argv]) == 2
    assert message in capsys.readouterr().err


def test_killed_extract_run_resumes_without_losing_committed_batches(tmp_path: Path) -> None:
    news = synth.write_corpus(tmp_path / "news", 300, seed=23)
    store = tmp_path / "events.gpkg"
    cmd = [
        sys.executable,
        "-m",
        "geomap.cli",
        "extract",
        str(news),
        "--store",
        str(store),
        "--fast",
        "--batch-size",
        "5",
        "-q",
    ]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    committed = 0
    try:
        while committed < 20:
            assert proc.poll() is None, "the run ended before it could be killed"
            time.sleep(0.02)
            committed = _committed(store)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert sqlite3.connect(store).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    kept = len(EventStore(store))
    assert 20 <= kept < 300 and kept % 5 == 0  # whole batches only
    events, summary = _extract([news], store, batch_size=5)
    assert (summary.processed, summary.unchanged) == (300 - kept, kept)
    assert events == _extract([news], batch_size=5)[0]


def _committed(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        conn = sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:  # tables not created yet
        return 0


# --------------------------------------------------------------------------- issue 14: hostile and careless input


def _plain(n: int, seed: int) -> list[Article]:
    """``n`` small articles (no gazetteer needed)."""
    return [
        Article(
            f"a{seed}-{i}",
            f"Title {i}",
            f"Drones hit town {i} ({seed}).",
            "2024-05-01",
            None,
            f"/n/{seed}/{i}.txt",
            "jsonl",
        )
        for i in range(n)
    ]


def test_event_columns_are_derived_from_the_strike_event_fields() -> None:
    """The schema is written once (StrikeEvent); the store's columns follow it, the old layout included."""
    from dataclasses import fields

    from geomap.runners import store as store_module

    names = [c for c, _ in store_module._EVENT_COLUMNS]
    assert names == [f.name if f.name != "geometry" else "geometry_json" for f in fields(StrikeEvent)]
    types = dict(store_module._EVENT_COLUMNS)
    assert (types["event_id"], types["killed"], types["lat"], types["intercepted"], types["sources"]) == (
        "TEXT",
        "INTEGER",
        "DOUBLE",
        "BOOLEAN",
        "TEXT",
    )


def test_store_missing_a_new_column_reads_defaults_and_gains_it_on_write(tmp_path: Path) -> None:
    a, b = _plain(2, 31)
    path = tmp_path / "s.gpkg"
    with EventStore(path) as store:
        store.add(a, _events(a))
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE events DROP COLUMN weapon_model")  # a store from before that field existed
    conn.commit()
    conn.close()
    with EventStore(path) as store:
        assert [e.weapon_model for e in store.events()] == [None, None]
        store.add(b, _events(b))
        assert [e.weapon_model for e in store.events()] == [None, None, "Shahed-136", "Shahed-136"]


def test_surrogates_in_articles_and_events_are_stored(tmp_path: Path) -> None:
    """A lone surrogate jammed the store: every run rolled the batch back."""
    (a,) = _plain(1, 32)
    bad = replace(a, id="x\ud800", title="t\udfff", path=str(tmp_path / "f\udcff.txt"))
    events = [replace(e, quote="q\ud800", sources=[Source("x\ud800", "t\udfff")]) for e in _events(bad)]
    with EventStore(tmp_path / "s.gpkg") as store:
        store.add(bad, events)
        assert [e.quote for e in store.events()] == ["q\ufffd", "q\ufffd"]
        assert store.articles()[0]["id"] == "x\ufffd" and not store.needs_processing(bad)


def test_one_bad_record_never_breaks_its_batch(tmp_path: Path) -> None:
    from geomap.pipeline import ArticleResult

    articles = _plain(4, 33)
    results = [ArticleResult(a, _events(a)) for a in articles]
    results[1] = ArticleResult(articles[1], [replace(_events(articles[1])[0], killed=2**70)])  # no SQLite INTEGER
    failures: list[str] = []
    with EventStore(tmp_path / "s.gpkg") as store:
        assert store.add_results(results, batch_size=4, on_error=lambda e: failures.append(str(e))) == 4
        rows = store.articles()
        assert [r["n_events"] for r in rows] == [2, 0, 2, 2]
        assert rows[1]["error"] is not None and store.needs_processing(articles[1])
        assert len(store.events()) == 6
    assert len(failures) == 1 and "cannot be stored (OverflowError" in failures[0] and "\n" not in failures[0]


def test_write_lock_is_not_held_while_articles_are_processed(tmp_path: Path) -> None:
    """The NLP of a batch ran inside its transaction: other writers waited on it."""
    from geomap.pipeline import ArticleResult

    path = tmp_path / "s.gpkg"
    articles = _plain(6, 34)
    other = None
    seen: list[bool] = []

    def results():  # the "NLP": while it runs, can another connection take the write lock?
        for a in articles:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append(True)
            yield ArticleResult(a, _events(a))

    with EventStore(path) as store:
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        store.add_results(results(), batch_size=3)
        other.close()
        assert len(store) == 6 and len(seen) == 6


def test_second_writer_fails_at_once_readers_do_not(tmp_path: Path) -> None:
    path = tmp_path / "s.gpkg"
    (a,) = _plain(1, 35)
    with EventStore(path) as first:
        first.add(a, _events(a))
        reader = EventStore(path)  # reading needs no lock
        assert len(reader.events()) == 2
        start = time.perf_counter()
        with pytest.raises(OutputError, match="store in use by another run") as info:
            reader.add(a, _events(a))
        assert time.perf_counter() - start < 2 and "\n" not in str(info.value)
        reader.close()
    with EventStore(path) as again:  # released on close
        again.add(a, _events(a))


def test_sqlite_failures_are_one_line_output_errors(tmp_path: Path) -> None:
    path = tmp_path / "s.gpkg"
    articles = _plain(20, 36)
    with EventStore(path) as store:
        store.add(articles[0], _events(articles[0]))
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(OutputError, match="disk full") as info:
            store.add_results(((_Result(a)) for a in articles[1:]), batch_size=19)
        assert "\n" not in str(info.value)
        assert len(store) == 1  # the batch was rolled back, the store is as it was


class _Result:
    def __init__(self, article: Article) -> None:
        self.article, self.events, self.error = article, _events(article) * 20, None


def test_damaged_store_is_refused_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "s.gpkg"
    articles = _plain(30, 37)
    with EventStore(path) as store:
        _run(store, articles)
    conn = sqlite3.connect(path)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page + 100 : root * page] = b"\xa5" * (page - 100)
    path.write_bytes(bytes(data))
    with pytest.raises(OutputError, match="damaged") as info:
        EventStore(path)
    assert "\n" not in str(info.value) and "quick_check" in str(info.value)


def test_store_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (a,) = _plain(1, 38)
    with EventStore(tmp_path / "s.gpkg") as store:
        store.add(a, _events(a))
        store.events()
    assert capsys.readouterr() == ("", "")
