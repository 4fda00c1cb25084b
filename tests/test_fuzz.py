"""Hostile input: about 10,900 generated inputs through ingest, dates, places and extraction.

Whatever the input, geomap may only fail with a :class:`~geomap.exc.GeomapError`
whose message is one line; anything else (a crash) fails the test. Every example
runs under a wall-clock alarm (no hangs). A failing input does not stop its test:
it is recorded (one line: the input, then the problem), hypothesis goes on with the
others, and the test fails at the end listing every failing input.

CI time is bounded by construction: ``derandomize=True`` fixes the inputs, each test
has a fixed ``max_examples`` and each example at most ``LIMIT_S`` seconds. The bulk of
the extraction examples use the fast (gazetteer-only) pipeline and a smaller share the
full spaCy model. Takes about 2-3 minutes on 2 cores.
"""

from __future__ import annotations

import inspect
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.exc import GeomapError
from geomap.ingest import Article, article_from_text, detect_published, parse_date, read_articles

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
LIMIT_S = 20  # per example, wall clock (generous: CI machines are shared)


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise TimeoutError if the block runs longer than ``seconds`` (default ``LIMIT_S``; SIGALRM, main thread)."""
    seconds = LIMIT_S if seconds is None else seconds

    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeoutError(f"example ran longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class Failures:
    """Every input that crashed, hung or broke a check, one line each; reported at the end of the test.

    Failing examples are recorded rather than raised, so that hypothesis goes on
    with the remaining inputs (no shrinking: the input is reported as generated),
    and the test fails once with the whole list.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[str] = []

    def check(self, fn: Callable[[], Any], **inputs: Any) -> Any:
        """Run ``fn`` under the time limit; a one-line GeomapError is an accepted outcome.

        Anything else (another exception, a failed assertion, a multi-line
        message, a time-out) is recorded with ``inputs``; returns ``fn``'s
        result, the GeomapError, or None after a failure.
        """
        try:
            with time_limit():
                return fn()
        except GeomapError as exc:
            if "\n" not in str(exc):
                return exc
            problem = f"multi-line {type(exc).__name__}: {exc!r}"
        except Exception as exc:  # noqa: BLE001 - every crash is reported with its input
            lines = str(exc).splitlines()
            problem = f"{type(exc).__name__}: {lines[0] if lines else ''}"
        shown = ", ".join(f"{k}={_short(v)}" for k, v in inputs.items())
        line = f"{self.name}({shown}) -> {problem[:300]}"
        print(f"fuzz failure: {line}", file=sys.stderr)
        self.items.append(line)
        return None

    def report(self) -> None:
        """Fail the test with one line per failing input, if any."""
        if self.items:
            pytest.fail(f"{len(self.items)} input(s) failed:\n" + "\n".join(self.items), pytrace=False)


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} chars)"


def fuzz(test: Callable[[Failures], Callable[[], None]]) -> Callable[..., None]:
    """Turn ``test(failures) -> hypothesis-run`` into a pytest test that reports every failing input."""

    def run(*args: Any, **kwargs: Any) -> None:
        failures = Failures(test.__name__)
        test(failures, *args, **kwargs)()
        failures.report()

    run.__name__, run.__qualname__, run.__doc__ = test.__name__, test.__qualname__, test.__doc__
    run.__signature__ = _without_first(test)  # type: ignore[attr-defined]
    return run


def _without_first(fn: Callable[..., Any]) -> inspect.Signature:
    sig = inspect.signature(fn)
    return sig.replace(parameters=list(sig.parameters.values())[1:])


# --------------------------------------------------------------------------- strategies

NASTY = [
    "\u202e",
    "\u202d",
    "\u200f",
    "\u200b",
    "\ufeff",
    "\u0000",
    "\u0007",
    "\x1b[31m",
    "\r",
    "\u2028",
    "\u0301",
    "🚀",
    "👩‍👩‍👧",
    "🇺🇦",
    "Київ",
    "Харків",
    "Москва",
    "خاركيف",
    "קייב",
    "東京",
    "\ud7ff",
    "\U0010ffff",
    "February 30, 2024",
    "30 February 2024",
    "2024-02-30",
    "31.04.2023",
    "Jan 0, 2024",
    "99 May 2024",
    "Published",
    "By Staff",
    "<script>",
    "</p>",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "<!--",
    "]]>",
    "{",
    '"}',
]
PLACES = [
    "Kyiv",
    "Kharkiv",
    "Odesa",
    "Sumy Oblast",
    "Kherson, Kherson Oblast",
    "Belgorod",
    "Kstovo",
    "Novo-Odesa",
    "St. Petersburg",
    "Dnipro",
    "Lviv",
    "Paris",
    "Georgia",
    "Nowhere Oblast",
    "Oblast",
    "Oblast Oblast",
    "Kyiv Kyiv Kyiv",
    "K",
    "Zaporizhzhia-Zaporizhzhia",
    "Sumy,,,,",
    "Kharkiv\u202e",
    "Mykolayiv",
    "Mykolaiv",
    "Rostov-on-Don",
    "Donetsk People's Republic",
]
WORDS = [
    "drone",
    "missile",
    "struck",
    "hit",
    "shot down",
    "killed",
    "injured",
    "overnight",
    "on",
    "in",
    "near",
    "the",
    "region",
    "Shahed",
    "Kh-101",
    "Iskander-M",
    "energy",
    "facility",
    "residential",
    "3",
    "12",
    "dozens",
    ".",
    ",",
    ";",
    "\n",
    "\n\n",
    "-",
    "—",
    "(",
    ")",
    '"',
    "'",
]

nasty_text = st.lists(
    st.one_of(st.text(max_size=40), st.sampled_from(NASTY), st.sampled_from(PLACES), st.sampled_from(WORDS)),
    max_size=60,
).map(" ".join)
huge_line = st.tuples(st.sampled_from(["a", "Kyiv ", "<b>", "\u202e", "🚀", " ", "9"]), st.integers(1, 150_000)).map(
    lambda t: t[0] * t[1]
)
html_piece = st.one_of(
    st.sampled_from(
        [
            "<html>",
            "<head>",
            "<title>",
            "</title>",
            "<body>",
            "<p>",
            "</p>",
            "<div",
            "<script>var x='</p>';",
            "</script>",
            "<style>",
            "<!-- ",
            " -->",
            "<![CDATA[",
            "]]>",
            '<meta property="article:published_time" content="2024-02-30">',
            '<meta name="date" content="',
            "<br/>",
            "<a href='",
            "&nbsp;",
            "&#x202e;",
            "&bogus;",
            "<nav>",
            "</nav>",
            "<table><tr><td>",
            "<h1>",
            "</h1>",
            "<",
            ">",
            '"',
            "'",
        ]
    ),
    nasty_text,
)
broken_html = st.lists(html_piece, max_size=40).map("".join)


def _jsonl_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


record = st.fixed_dictionaries(
    {
        "id": st.one_of(st.text(max_size=20), st.integers(), st.none()),
        "text": st.one_of(nasty_text, st.integers(), st.none(), st.lists(st.text(max_size=5), max_size=3)),
    },
    optional={
        "date": st.one_of(
            st.sampled_from(["2024-02-30", "2024-01-14", "yesterday", "", "2024-13-01", "2024-01-14T25:99:00Z"]),
            st.integers(),
        ),
        "title": st.one_of(st.text(max_size=30), st.integers()),
        "url": st.one_of(st.text(max_size=30), st.none()),
    },
)
jsonl_line = st.one_of(
    record.map(_jsonl_line),
    st.text(max_size=80),
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    st.sampled_from(["{", "[]", "null", '{"id": 1}', '"text"']),
)
jsonl_doc = st.lists(jsonl_line, max_size=12).map("\n".join)


# --------------------------------------------------------------------------- ingest


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _read(path: Path) -> list[Article]:
    errors: list[GeomapError] = []
    articles = list(read_articles([path], on_error=errors.append))
    for err in errors:
        assert isinstance(err, GeomapError) and "\n" not in str(err), f"bad error: {err!r}"
        assert str(err).startswith(str(path)), f"error does not name the file: {err}"
    for a in articles:
        assert isinstance(a.text, str) and a.text.strip()
        assert a.published is None or parse_date(a.published) == a.published
    return articles


@fuzz
def test_random_bytes_as_files(failures: Failures, workdir: Path) -> Callable[[], None]:
    @settings(FUZZ, max_examples=2500)
    @given(data=st.binary(max_size=4000), suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl", ".htm"]))
    def examples(data: bytes, suffix: str) -> None:
        path = workdir / f"bytes{suffix}"
        path.write_bytes(data)
        failures.check(lambda: _read(path), data=data, suffix=suffix)

    return examples


@fuzz
def test_broken_html(failures: Failures, workdir: Path) -> Callable[[], None]:
    @settings(FUZZ, max_examples=1500)
    @given(doc=broken_html, encoding=st.sampled_from(["utf-8", "utf-16", "cp1251", "latin-1"]))
    def examples(doc: str, encoding: str) -> None:
        path = workdir / "page.html"
        path.write_bytes(
            doc.encode(encoding, errors="replace")
            if encoding != "utf-8"
            else doc.encode("utf-8", errors="surrogatepass")
        )
        failures.check(lambda: _read(path), doc=doc, encoding=encoding)

    return examples


@fuzz
def test_huge_lines(failures: Failures, workdir: Path) -> Callable[[], None]:
    @settings(FUZZ, max_examples=300)
    @given(line=huge_line, suffix=st.sampled_from([".txt", ".html", ".md"]))
    def examples(line: str, suffix: str) -> None:
        path = workdir / f"huge{suffix}"
        path.write_text("Published 14 January 2024\n" + line + "\nDrones hit Kyiv.", encoding="utf-8")
        failures.check(lambda: _read(path), line=line, suffix=suffix)

    return examples


@fuzz
def test_jsonl_with_garbage(failures: Failures, workdir: Path) -> Callable[[], None]:
    def read_unique(path: Path) -> None:
        articles = _read(path)
        assert len({a.id for a in articles}) == len(articles), "ids not unique within the call"

    @settings(FUZZ, max_examples=1500)
    @given(doc=jsonl_doc)
    def examples(doc: str) -> None:
        path = workdir / "batch.jsonl"
        path.write_bytes(doc.encode("utf-8", errors="surrogatepass"))
        failures.check(lambda: read_unique(path), doc=doc)

    return examples


# Issue 14: a lone surrogate (valid JSON) or a control character in any JSONL field.
surrogate = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
control = st.one_of(st.characters(max_codepoint=0x1F), st.characters(min_codepoint=0x7F, max_codepoint=0x9F))
hostile_field = st.lists(st.one_of(surrogate, control, st.sampled_from(NASTY), st.text(max_size=8)), max_size=12).map(
    "".join
)
hostile_record = st.fixed_dictionaries(
    {"id": hostile_field, "text": hostile_field.map(lambda t: f"Drones hit Kyiv overnight. {t}")},
    optional={"title": hostile_field, "url": hostile_field, "date": hostile_field},
)
_ONE_LINE_BAD = frozenset("\u2028\u2029") | {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))}


def _check_fields(path: Path) -> None:
    errors: list[GeomapError] = []
    for a in read_articles([path], on_error=errors.append):
        for value in (a.id, a.title, a.text, a.url, a.path, a.published):
            if value is not None:
                value.encode("utf-8")  # no lone surrogate left
        for value in (a.id, a.title, a.url):
            assert value is None or not (set(value) & _ONE_LINE_BAD), f"control character in {value!r}"
        assert a.id and a.id == a.id.strip()
    for err in errors:
        str(err).encode("utf-8")
        assert "\n" not in str(err)


@fuzz
def test_jsonl_surrogates_and_controls_in_every_field(failures: Failures, workdir: Path) -> Callable[[], None]:
    @settings(FUZZ, max_examples=300)
    @given(records=st.lists(hostile_record, min_size=1, max_size=4))
    def examples(records: list[dict[str, str]]) -> None:
        path = workdir / "hostile.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="ascii")
        failures.check(lambda: _check_fields(path), records=records)

    return examples


# Issue 14: structured inputs of 100 KB and more per reader, each read in bounded time (quadratic
# patterns took seconds at 100 KB and minutes at 1 MB; bench/bench_ingest.py times them at 1 MB).
md_piece = st.sampled_from(
    ["<script", "[", "<!--", "**a ", "![a](", "<a", "# ", "`", "_", "*", "](", "\n", " ", "> ", "---", "[x]: "]
)
big_structured = st.tuples(
    st.sampled_from([".txt", ".md", ".html", ".jsonl"]),
    st.lists(st.one_of(md_piece, html_piece), min_size=1, max_size=6).map("".join).filter(bool),
    st.integers(100_000, 250_000),
)


def _read_bounded(path: Path, seconds: float) -> None:
    start = time.perf_counter()
    _read(path)
    took = time.perf_counter() - start
    assert took < seconds, f"{path.stat().st_size:,} bytes took {took:.1f} s"


@fuzz
def test_structured_large_inputs_in_bounded_time(failures: Failures, workdir: Path) -> Callable[[], None]:
    @settings(FUZZ, max_examples=40)
    @given(spec=big_structured)
    def examples(spec: tuple[str, str, int]) -> None:
        suffix, unit, size = spec
        body = (unit * (size // len(unit) + 1))[:size]
        doc = json.dumps({"id": "big", "text": body}) if suffix == ".jsonl" else body
        path = workdir / f"big{suffix}"
        path.write_bytes(doc.encode("utf-8", errors="surrogatepass"))
        failures.check(lambda: _read_bounded(path, 5.0), suffix=suffix, unit=unit, size=size)

    return examples


def _dates_and_cleaning(text: str) -> None:
    iso, _source = detect_published(text)
    assert iso is None or parse_date(iso) == iso, f"detect_published gave {iso!r}"
    assert parse_date(text) is None or len(parse_date(text) or "") == 10
    try:
        article = article_from_text(text, id="fuzz")
    except GeomapError as exc:
        assert "\n" not in str(exc), f"multi-line error: {exc!r}"
        return
    assert isinstance(article, Article)


@fuzz
def test_text_dates_and_cleaning(failures: Failures) -> Callable[[], None]:
    @settings(FUZZ, max_examples=2500)
    @given(text=st.one_of(nasty_text, st.text(max_size=300), broken_html))
    def examples(text: str) -> None:
        failures.check(lambda: _dates_and_cleaning(text), text=text)

    return examples


# --------------------------------------------------------------------------- places and events

sentence = st.tuples(
    st.sampled_from(
        [
            "Drones hit",
            "A missile struck",
            "Shelling of",
            "Air defence shot down drones over",
            "Explosions in",
            "On February 30,",
            "Strikes near",
        ]
    ),
    st.sampled_from(PLACES),
    nasty_text,
    st.sampled_from(
        [
            "on February 30.",
            "on 31 April.",
            "overnight.",
            "on Jan. 13.",
            "killing 3 and injuring 999999999999.",
            "",
            ".",
        ]
    ),
)
event_text = st.lists(sentence.map(" ".join), min_size=1, max_size=6).map(" ".join)
published = st.sampled_from([None, "2024-01-14", "2022-02-28", "2025-12-31"])


def _extract(text: str, published: str | None, fast: bool) -> list[Any]:
    from geomap import api

    article = article_from_text(text, id="fuzz", published=published)
    events = api.extract_article(article, fast=fast)
    for ev in events:
        assert ev.date is None or parse_date(ev.date) == ev.date, f"bad date {ev.date!r}"
        assert ev.lat is None or -90 <= ev.lat <= 90, f"bad lat {ev.lat!r}"
        assert ev.lon is None or -180 <= ev.lon <= 180, f"bad lon {ev.lon!r}"
    return events


@fuzz
def test_extract_fast_pipeline(failures: Failures) -> Callable[[], None]:
    @settings(FUZZ, max_examples=1500)
    @given(text=st.one_of(event_text, nasty_text), published=published)
    def examples(text: str, published: str | None) -> None:
        failures.check(lambda: _extract(text, published, fast=True), text=text, published=published)

    return examples


@fuzz
def test_extract_full_model(failures: Failures) -> Callable[[], None]:
    @settings(FUZZ, max_examples=150)
    @given(text=event_text, published=published)
    def examples(text: str, published: str | None) -> None:
        failures.check(lambda: _extract(text, published, fast=False), text=text, published=published)

    return examples


def _places(text: str) -> None:
    from geomap import api

    for m in api.places(text, fast=True):
        assert 0 <= m.start <= m.end <= len(text), f"span {m.start}:{m.end} outside the text"


@fuzz
def test_places_fast(failures: Failures) -> Callable[[], None]:
    @settings(FUZZ, max_examples=1000)
    @given(text=st.one_of(nasty_text, event_text))
    def examples(text: str) -> None:
        failures.check(lambda: _places(text), text=text)

    return examples


def test_failures_are_reported_per_input() -> None:
    """The collector itself: crashes, multi-line errors and hangs are recorded with their input."""
    failures = Failures("demo")
    assert failures.check(lambda: 1 + 1, x=1) == 2
    assert isinstance(failures.check(lambda: _raise(GeomapError("one line")), x=2), GeomapError)
    assert failures.check(lambda: _raise(ValueError("boom\nmore")), x="a" * 500) is None
    assert failures.check(lambda: _raise(GeomapError("two\nlines")), x=4) is None
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys.modules[__name__], "LIMIT_S", 0.05)
        assert failures.check(lambda: _spin(1.0), x=5) is None
    assert [line.split(" -> ")[1] for line in failures.items] == [
        "ValueError: boom",
        "multi-line GeomapError: GeomapError('two\\nlines')",
        "TimeoutError: example ran longer than 0.05 s",
    ]
    assert failures.items[0].startswith("demo(x='aaaa") and "(502 chars)" in failures.items[0]
    with pytest.raises(pytest.fail.Exception, match=r"3 input\(s\) failed:\ndemo\(x="):
        failures.report()


def _raise(exc: Exception) -> None:
    raise exc


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
