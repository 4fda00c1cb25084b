"""Hostile input: about 10,900 generated inputs through ingest, dates, places and extraction.

Whatever the input, geomap may only fail with a :class:`~geomap.exc.GeomapError`
whose message is one line; anything else (a crash) fails the test. Every example
runs under a wall-clock alarm (no hangs). ``derandomize=True`` makes CI repeatable;
the bulk of the extraction examples use the fast (gazetteer-only) pipeline and a
smaller share the full spaCy model. Budget: about 1-2 minutes on 2 cores.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.exc import GeomapError
from geomap.ingest import Article, article_from_text, detect_published, parse_date, read_articles

FUZZ = settings(derandomize=True, database=None, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
LIMIT_S = 20  # per example, wall clock (generous: CI machines are shared)


@contextmanager
def time_limit(seconds: float = LIMIT_S) -> Iterator[None]:
    """Raise TimeoutError if the block runs longer than ``seconds`` (SIGALRM, main thread)."""
    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeoutError(f"example ran longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def only_geomap_errors(fn: Callable[[], Any]) -> Any:
    """Run ``fn``; a GeomapError is an accepted, reported outcome (one line), anything else propagates."""
    with time_limit():
        try:
            return fn()
        except GeomapError as exc:
            assert "\n" not in str(exc), f"multi-line error: {exc!r}"
            return exc


# --------------------------------------------------------------------------- strategies

NASTY = ["\u202e", "\u202d", "\u200f", "\u200b", "\ufeff", "\u0000", "\u0007", "\x1b[31m", "\r", "\u2028",
         "\u0301", "🚀", "👩‍👩‍👧", "🇺🇦", "Київ", "Харків", "Москва", "خاركيف", "קייב", "東京", "\ud7ff", "\U0010ffff",
         "February 30, 2024", "30 February 2024", "2024-02-30", "31.04.2023", "Jan 0, 2024", "99 May 2024",
         "Published", "By Staff", "<script>", "</p>", "&amp;", "&#0;", "&#x110000;", "<!--", "]]>", "{", "\"}"]
PLACES = ["Kyiv", "Kharkiv", "Odesa", "Sumy Oblast", "Kherson, Kherson Oblast", "Belgorod", "Kstovo",
          "Novo-Odesa", "St. Petersburg", "Dnipro", "Lviv", "Paris", "Georgia", "Nowhere Oblast",
          "Oblast", "Oblast Oblast", "Kyiv Kyiv Kyiv", "K", "Zaporizhzhia-Zaporizhzhia", "Sumy,,,,",
          "Kharkiv\u202e", "Mykolayiv", "Mykolaiv", "Rostov-on-Don", "Donetsk People's Republic"]
WORDS = ["drone", "missile", "struck", "hit", "shot down", "killed", "injured", "overnight", "on", "in",
         "near", "the", "region", "Shahed", "Kh-101", "Iskander-M", "energy", "facility", "residential",
         "3", "12", "dozens", ".", ",", ";", "\n", "\n\n", "-", "—", "(", ")", "\"", "'"]

nasty_text = st.lists(st.one_of(st.text(max_size=40), st.sampled_from(NASTY), st.sampled_from(PLACES),
                                st.sampled_from(WORDS)), max_size=60).map(" ".join)
huge_line = st.tuples(st.sampled_from(["a", "Kyiv ", "<b>", "\u202e", "🚀", " ", "9"]),
                      st.integers(1, 150_000)).map(lambda t: t[0] * t[1])
html_piece = st.one_of(
    st.sampled_from(["<html>", "<head>", "<title>", "</title>", "<body>", "<p>", "</p>", "<div",
                     "<script>var x='</p>';", "</script>", "<style>", "<!-- ", " -->", "<![CDATA[", "]]>",
                     "<meta property=\"article:published_time\" content=\"2024-02-30\">",
                     "<meta name=\"date\" content=\"", "<br/>", "<a href='", "&nbsp;", "&#x202e;", "&bogus;",
                     "<nav>", "</nav>", "<table><tr><td>", "<h1>", "</h1>", "<", ">", "\"", "'"]),
    nasty_text,
)
broken_html = st.lists(html_piece, max_size=40).map("".join)


def _jsonl_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


record = st.fixed_dictionaries(
    {"id": st.one_of(st.text(max_size=20), st.integers(), st.none()),
     "text": st.one_of(nasty_text, st.integers(), st.none(), st.lists(st.text(max_size=5), max_size=3))},
    optional={"date": st.one_of(st.sampled_from(["2024-02-30", "2024-01-14", "yesterday", "", "2024-13-01",
                                                 "2024-01-14T25:99:00Z"]), st.integers()),
              "title": st.one_of(st.text(max_size=30), st.integers()),
              "url": st.one_of(st.text(max_size=30), st.none())},
)
jsonl_line = st.one_of(record.map(_jsonl_line), st.text(max_size=80), st.binary(max_size=80).map(
    lambda b: b.decode("latin-1")), st.sampled_from(["{", "[]", "null", "{\"id\": 1}", "\"text\""]))
jsonl_doc = st.lists(jsonl_line, max_size=12).map("\n".join)


# --------------------------------------------------------------------------- ingest


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _read(path: Path) -> list[Article]:
    errors: list[GeomapError] = []
    articles = list(read_articles([path], on_error=errors.append))
    for err in errors:
        assert isinstance(err, GeomapError) and "\n" not in str(err)
        assert str(err).startswith(str(path)), f"error does not name the file: {err}"
    for a in articles:
        assert isinstance(a.text, str) and a.text.strip()
        assert a.published is None or parse_date(a.published) == a.published
    return articles


@settings(FUZZ, max_examples=2500)
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl", ".htm"]))
def test_random_bytes_as_files(workdir: Path, data: bytes, suffix: str) -> None:
    path = workdir / f"bytes{suffix}"
    path.write_bytes(data)
    only_geomap_errors(lambda: _read(path))


@settings(FUZZ, max_examples=1500)
@given(doc=broken_html, encoding=st.sampled_from(["utf-8", "utf-16", "cp1251", "latin-1"]))
def test_broken_html(workdir: Path, doc: str, encoding: str) -> None:
    path = workdir / "page.html"
    path.write_bytes(doc.encode(encoding, errors="replace") if encoding != "utf-8"
                     else doc.encode("utf-8", errors="surrogatepass"))
    only_geomap_errors(lambda: _read(path))


@settings(FUZZ, max_examples=300)
@given(line=huge_line, suffix=st.sampled_from([".txt", ".html", ".md"]))
def test_huge_lines(workdir: Path, line: str, suffix: str) -> None:
    path = workdir / f"huge{suffix}"
    path.write_text("Published 14 January 2024\n" + line + "\nDrones hit Kyiv.", encoding="utf-8")
    only_geomap_errors(lambda: _read(path))


@settings(FUZZ, max_examples=1500)
@given(doc=jsonl_doc)
def test_jsonl_with_garbage(workdir: Path, doc: str) -> None:
    path = workdir / "batch.jsonl"
    path.write_bytes(doc.encode("utf-8", errors="surrogatepass"))
    articles = only_geomap_errors(lambda: _read(path))
    if not isinstance(articles, GeomapError):
        assert len({a.id for a in articles}) == len(articles)  # ids unique within the call


@settings(FUZZ, max_examples=2500)
@given(text=st.one_of(nasty_text, st.text(max_size=300), broken_html))
def test_text_dates_and_cleaning(text: str) -> None:
    with time_limit():
        iso, source = detect_published(text)
        assert iso is None or parse_date(iso) == iso
        assert parse_date(text) is None or len(parse_date(text) or "") == 10
    article = only_geomap_errors(lambda: article_from_text(text, id="fuzz"))
    assert isinstance(article, (Article, GeomapError))


# --------------------------------------------------------------------------- places and events

sentence = st.tuples(st.sampled_from(["Drones hit", "A missile struck", "Shelling of", "Air defence shot down "
                                      "drones over", "Explosions in", "On February 30,", "Strikes near"]),
                     st.sampled_from(PLACES), nasty_text,
                     st.sampled_from(["on February 30.", "on 31 April.", "overnight.", "on Jan. 13.",
                                      "killing 3 and injuring 999999999999.", "", "."]))
event_text = st.lists(sentence.map(" ".join), min_size=1, max_size=6).map(" ".join)


def _extract(text: str, published: str | None, fast: bool) -> Any:
    from geomap import api

    def run() -> Any:
        article = article_from_text(text, id="fuzz", published=published)
        events = api.extract_article(article, fast=fast)
        for ev in events:
            assert ev.date is None or parse_date(ev.date) == ev.date
            assert ev.lat is None or -90 <= ev.lat <= 90
            assert ev.lon is None or -180 <= ev.lon <= 180
        return events

    return only_geomap_errors(run)


published = st.sampled_from([None, "2024-01-14", "2022-02-28", "2025-12-31"])


@settings(FUZZ, max_examples=1500)
@given(text=st.one_of(event_text, nasty_text), published=published)
def test_extract_fast_pipeline(text: str, published: str | None) -> None:
    _extract(text, published, fast=True)


@settings(FUZZ, max_examples=150)
@given(text=event_text, published=published)
def test_extract_full_model(text: str, published: str | None) -> None:
    _extract(text, published, fast=False)


@settings(FUZZ, max_examples=1000)
@given(text=st.one_of(nasty_text, event_text))
def test_places_fast(text: str) -> None:
    from geomap import api

    mentions = only_geomap_errors(lambda: api.places(text, fast=True))
    if not isinstance(mentions, GeomapError):
        for m in mentions:
            assert 0 <= m.start <= m.end <= len(text)
