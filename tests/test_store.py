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
