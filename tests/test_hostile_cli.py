"""Issue 14 (hostile and careless input) through the ``geomap`` command: every reproduction
of the audit, with its exit code (0/1/2/3) and what is (not) written.

The commands run in this process (``geomap.cli.main``, fast pipeline) except where a hang
or a second process is the point.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from geomap import settings
from geomap.cli import main

REPO = Path(__file__).resolve().parent.parent
SHOSTKA = "On June 1, Shahed drones struck an energy facility in Shostka, Sumy Oblast, the regional governor said."
KHARKIV = "Published 3 June 2024\n\nRussian missiles hit Kharkiv on June 2, the governor said."
UNDATED = "Russian drones struck Odesa overnight, the governor said."
LONE = "\ud800"

pytestmark = pytest.mark.usefixtures("bundled_gazetteer")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert all(line.startswith("geomap: ") for line in err.splitlines()), err
    return code, out, err


def read_ids(path: Path) -> list[str]:
    from geomap.io import read_events

    return sorted(s["id"] for v in read_events(path)["sources_json"] for s in json.loads(v))


@pytest.fixture()
def hostile_jsonl(tmp_path: Path) -> Path:
    """A record with a lone surrogate and control characters in every field, and two ordinary ones."""
    records = [
        {
            "id": f"k{LONE}1\x1b",
            "title": f"Drones {LONE}\x00 over Sumy\u2028",
            "url": f"https://example.org/{LONE}",
            "date": "2024-06-02",
            "text": f"{SHOSTKA} {LONE}\udfff\x07",
        },
        {"id": "b", "text": KHARKIV},
        {"id": "c", "text": UNDATED},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- item 3: one record never breaks an output


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".gpkg", ".kml"])
def test_surrogate_record_does_not_wipe_the_export(
    capsys: pytest.CaptureFixture[str], hostile_jsonl: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"events{suffix}"
    code, _, err = run(capsys, "extract", str(hostile_jsonl), "-o", str(out), "--fast", "-q")
    assert code == 0, err
    assert read_ids(out) == ["b", "c", "k\ufffd1"]


def test_surrogate_record_does_not_wipe_the_map(
    capsys: pytest.CaptureFixture[str], hostile_jsonl: Path, tmp_path: Path
) -> None:
    out = tmp_path / "m.html"
    code, _, err = run(capsys, "map", str(hostile_jsonl), "-o", str(out), "--fast", "-q")
    assert code == 0, err
    assert out.is_file() and read_ids(out.with_suffix(".geojson")) == ["b", "c", "k\ufffd1"]


def test_surrogate_record_does_not_jam_the_store(
    capsys: pytest.CaptureFixture[str], hostile_jsonl: Path, tmp_path: Path
) -> None:
    """With --store every run rolled the batch back, forever."""
    store = tmp_path / "s.gpkg"
    assert run(capsys, "extract", str(hostile_jsonl), "--store", str(store), "--fast", "-q")[0] == 0
    code, _, err = run(capsys, "extract", str(hostile_jsonl), "--store", str(store), "--fast", "-q")
    assert code == 0 and "0 processed, 3 unchanged" in err


# --------------------------------------------------------------------------- item 4: places isolates articles


def test_places_isolates_an_article_the_nlp_refuses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An over-long article printed a traceback and skipped the rest of the batch."""
    monkeypatch.setattr(settings, "max_article_chars", 3_000_000)  # let one past ingest: spaCy refuses it
    (tmp_path / "a-huge.txt").write_text("Kyiv. " * 170_000, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SHOSTKA, encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": f"s{LONE}", "text": KHARKIV}) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "places", str(tmp_path), "--json", "--fast")
    assert code == 1
    assert len(err.splitlines()) == 1 and err.startswith(f"geomap: {tmp_path / 'a-huge.txt'}: ValueError: [E088]")
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["doc"] for r in rows} == {"b", "s\ufffd"} and "Shostka" in {r["text"] for r in rows}


def test_places_over_long_article_is_an_ingest_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "max_article_chars", 1000)
    (tmp_path / "a.txt").write_text(SHOSTKA * 20, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SHOSTKA, encoding="utf-8")
    code, out, err = run(capsys, "places", str(tmp_path), "--fast")
    assert code == 1 and "longer than max_article_chars (1,000)" in err and "Shostka" in out


# --------------------------------------------------------------------------- item 5: folders


def test_symlink_loop_and_unreadable_subfolder_exit_1_with_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    news = tmp_path / "news"
    (news / "locked").mkdir(parents=True)
    (news / "a.txt").write_text(SHOSTKA, encoding="utf-8")
    os.symlink("loop.txt", news / "loop.txt")
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if isinstance(path, (str, os.PathLike)) and os.fspath(path) == str(news / "locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "ev.geojson"
    code, _, err = run(capsys, "extract", str(news), "-o", str(out), "--fast", "-q")
    assert code == 1 and read_ids(out) == ["a"]
    assert f"geomap: {news / 'locked'}: permission denied, folder skipped" in err.splitlines()
    assert any(line.startswith(f"geomap: {news / 'loop.txt'}: symbolic link loop") for line in err.splitlines())


def test_fifo_named_as_input_does_not_hang(tmp_path: Path) -> None:
    """``geomap extract pipe.txt`` waited forever for a writer."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    p = subprocess.run(
        [sys.executable, "-m", "geomap.cli", "extract", str(fifo), "-o", str(tmp_path / "x.geojson"), "--fast"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
    assert p.returncode == 1 and "named pipe (FIFO)" in p.stderr and "Traceback" not in p.stderr


# --------------------------------------------------------------------------- item 6: outputs over inputs


def test_map_onto_its_own_input_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    article = tmp_path / "a.html"
    article.write_text(f"<p>{SHOSTKA}</p>", encoding="utf-8")
    code, _, err = run(capsys, "map", str(article), "-o", str(article), "--fast")
    assert code == 2 and err == f"geomap: {article}: is also an input; choose another output file\n"
    assert article.read_text(encoding="utf-8") == f"<p>{SHOSTKA}</p>"


def test_map_of_an_events_file_never_rewrites_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``geomap map ev.geojson -o ev.html`` rewrote ev.geojson beside the map (dropping columns)."""
    (tmp_path / "a.txt").write_text(SHOSTKA, encoding="utf-8")
    events = tmp_path / "ev.geojson"
    assert run(capsys, "extract", str(tmp_path / "a.txt"), "-o", str(events), "--fast", "-q")[0] == 0
    before = events.read_bytes()
    code, _, err = run(capsys, "map", str(events), "-o", str(tmp_path / "ev.html"))
    assert code == 2 and "ev.geojson: is also an input" in err
    assert events.read_bytes() == before and not (tmp_path / "ev.html").exists()


def test_output_onto_an_article_inside_an_input_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.html").write_text(f"<p>{SHOSTKA}</p>", encoding="utf-8")
    code, _, err = run(capsys, "map", str(tmp_path), "-o", str(tmp_path / "a.html"), "--fast")
    assert code == 2 and "is also an input" in err


def test_map_inside_the_input_folder_is_not_read_back(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SHOSTKA, encoding="utf-8")
    out = tmp_path / "map.html"
    first = run(capsys, "map", str(tmp_path), "-o", str(out), "--fast", "-q")
    second = run(capsys, "map", str(tmp_path), "-o", str(out), "--fast", "-q")
    assert first[0] == second[0] == 0
    assert "1 article(s) read" in first[2] and "1 article(s) read" in second[2]


# --------------------------------------------------------------------------- item 7: geocode --file


@pytest.mark.parametrize("codec", ["cp1251", "utf-16", "utf-16-le"])
def test_geocode_file_in_legacy_or_utf16_encoding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, codec: str
) -> None:
    """A CP1251 or UTF-16 list gave "no match" for every line, exit 0."""
    f = tmp_path / "q.txt"
    f.write_bytes("Харків\nКременчук\n".encode(codec))
    code, out, _ = run(capsys, "geocode", "--json", "--file", str(f))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["query"] for r in rows] == ["Харків", "Кременчук"]
    assert [r["match"]["name"] for r in rows] == ["Kharkiv", "Kremenchuk"]


def test_geocode_file_has_a_size_cap() -> None:
    """``--file /dev/zero`` ran out of memory (run in a child with its memory capped at 2 GB)."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    start = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", "geomap.cli", "geocode", "--file", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        preexec_fn=cap,  # noqa: PLW1509 - a plain setrlimit, no threads involved
        check=False,
    )
    assert p.returncode == 2 and p.stdout == "" and time.perf_counter() - start < 60
    limit = f"{settings.max_article_bytes:,}"
    assert p.stderr == f"geomap: /dev/zero: larger than max_article_bytes ({limit} bytes), not read\n"


# --------------------------------------------------------------------------- item 8: silent wrong answers


@pytest.mark.parametrize(
    ("option", "value"), [("--since", "yesterday"), ("--until", "2024-02-30"), ("--date", "2024-6-3")]
)
def test_invalid_dates_are_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, value: str
) -> None:
    """``--since yesterday`` was compared as text: 0 events, exit 0."""
    (tmp_path / "a.txt").write_text(SHOSTKA, encoding="utf-8")
    out = tmp_path / "x.geojson"
    code, _, err = run(capsys, "extract", str(tmp_path / "a.txt"), "-o", str(out), option, value, "--fast")
    assert code == 2 and not out.exists()
    assert err == f"geomap: {option} '{value}' is not a valid date, expected YYYY-MM-DD\n"


def test_since_until_count_the_undated_events_they_drop(
    capsys: pytest.CaptureFixture[str], hostile_jsonl: Path, tmp_path: Path
) -> None:
    out = tmp_path / "x.geojson"
    code, _, err = run(
        capsys,
        "extract",
        str(hostile_jsonl),
        "-o",
        str(out),
        "--since",
        "2024-01-01",
        "--until",
        "2024-12-31",
        "--fast",
    )
    assert code == 0 and "geomap: --since/--until left out 1 undated event(s)" in err.splitlines()
    assert read_ids(out) == ["b", "k\ufffd1"]
    code, _, err = run(capsys, "map", str(out), "-o", str(tmp_path / "m.html"), "--until", "2024-06-01")
    assert code == 0 and "geomap: --until left out 0 undated event(s)" in err.splitlines()
    assert read_ids(tmp_path / "m.geojson") == ["k\ufffd1"]  # the filter applies to an events file too


# --------------------------------------------------------------------------- item 9: the store


def test_second_writer_fails_fast(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A second writer waited 30 s on the lock held during NLP, then died with a traceback."""
    import fcntl

    (tmp_path / "a.txt").write_text(SHOSTKA, encoding="utf-8")
    store = tmp_path / "s.gpkg"
    assert run(capsys, "extract", str(tmp_path / "a.txt"), "--store", str(store), "--fast", "-q")[0] == 0
    (tmp_path / "b.txt").write_text(KHARKIV, encoding="utf-8")
    holder = sqlite3.connect(store, isolation_level=None)  # another run, in the middle of a batch
    holder.execute("BEGIN IMMEDIATE")
    fd = os.open(store, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        start = time.perf_counter()
        code, _, err = run(capsys, "extract", str(tmp_path), "--store", str(store), "--fast", "-q")
        elapsed = time.perf_counter() - start
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        os.close(fd)
    assert code == 2 and elapsed < 10
    assert err == f"geomap: {store}: store in use by another run; try again when it has finished\n"


def _store_with_one_article(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(SHOSTKA, encoding="utf-8")
    store = tmp_path / "s.gpkg"
    assert run(capsys, "extract", str(tmp_path / "news"), "--store", str(store), "--fast", "-q")[0] == 0
    for i in range(30):
        (tmp_path / "news" / f"b{i}.txt").write_text(KHARKIV + f" Report {i}." + " More text." * 300, encoding="utf-8")
    return store


def test_disk_full_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geomap.runners.store import EventStore

    store = _store_with_one_article(capsys, tmp_path)
    pages = sqlite3.connect(store).execute("PRAGMA page_count").fetchone()[0]
    real_open = EventStore._open

    def full_disk(self: EventStore) -> sqlite3.Connection:
        conn = real_open(self)
        conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
        return conn

    monkeypatch.setattr(EventStore, "_open", full_disk)
    code, _, err = run(capsys, "extract", str(tmp_path / "news"), "--store", str(store), "--fast", "-q")
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"geomap: {store}: disk full, the store is unchanged since the last finished batch")
    assert sqlite3.connect(store).execute("SELECT count(*) FROM articles").fetchone() == (1,)


def test_damaged_store_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = _store_with_one_article(capsys, tmp_path)
    conn = sqlite3.connect(store)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()
    conn.close()
    data = bytearray(store.read_bytes())
    start = (root - 1) * page
    data[start : start + page] = b"\xa5" * page  # the events table's page: garbage, the rest intact
    store.write_bytes(bytes(data))
    code, _, err = run(capsys, "extract", str(tmp_path / "news"), "--store", str(store), "--fast", "-q")
    assert code == 2 and len(err.splitlines()) == 1 and "damaged" in err
    code, _, err = run(capsys, "map", str(store), "-o", str(tmp_path / "m.html"))
    assert code == 2 and len(err.splitlines()) == 1


# --------------------------------------------------------------------------- item 10: exit codes


def test_uncaught_exception_has_its_own_exit_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug exited 1, the same as "some inputs failed"."""
    from geomap import api

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(api, "extract_events", boom)
    argv = ["extract", "seeds", "-o", str(tmp_path / "x.geojson")]
    code, _, err = run(capsys, *argv)
    assert code == 3
    assert err == "geomap: internal error: RuntimeError: boom (a bug in geomap; GEOMAP_DEBUG=1 shows the traceback)\n"
    monkeypatch.setenv("GEOMAP_DEBUG", "1")
    assert main(argv) == 3 and "Traceback" in capsys.readouterr().err


def test_exit_codes_are_documented_in_help() -> None:
    from geomap.cli.main import build_parser

    text = build_parser().format_help()
    assert all(f"{n} " in text for n in ("0", "1", "2", "3")) and "internal error" in text


# --------------------------------------------------------------------------- item 11: messages and the map pair


def test_control_characters_in_file_names_are_escaped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    name = "evil\x1b[2J\u202e.txt"
    (tmp_path / name).write_bytes(b"\x00\x01binary")
    code, _, err = run(capsys, "extract", str(tmp_path), "-o", str(tmp_path / "x.geojson"), "--fast", "-q")
    assert code == 1 and "\x1b" not in err and "\u202e" not in err
    assert f"geomap: {tmp_path}/evil\\x1b[2J\\u202e.txt: binary file" in err


def test_map_and_geojson_are_replaced_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GeoJSON was written first: a failing map write left a new GeoJSON beside the old map."""
    from geomap.exc import OutputError
    from geomap.map import render

    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(SHOSTKA, encoding="utf-8")
    out = tmp_path / "m.html"
    assert run(capsys, "map", str(tmp_path / "news"), "-o", str(out), "--fast", "-q")[0] == 0
    before = (out.read_bytes(), out.with_suffix(".geojson").read_bytes())
    (tmp_path / "news" / "b.txt").write_text(KHARKIV, encoding="utf-8")

    def fail(*args: object, **kwargs: object) -> None:
        raise OutputError("cannot write map: disk full")

    monkeypatch.setattr(render, "save_map", fail)
    code, _, err = run(capsys, "map", str(tmp_path / "news"), "-o", str(out), "--fast", "-q")
    assert code == 2 and "disk full" in err
    assert (out.read_bytes(), out.with_suffix(".geojson").read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.geojson", "m.html", "news"]  # no temp left


# --------------------------------------------------------------------------- the library prints nothing


def test_api_prints_nothing(capsys: pytest.CaptureFixture[str], hostile_jsonl: Path, tmp_path: Path) -> None:
    from geomap import api

    (tmp_path / "bad.txt").write_bytes(b"\x00")
    summary = api.Summary()
    api.extract_events([hostile_jsonl, tmp_path / "bad.txt", tmp_path / "missing.md"], fast=True, summary=summary)
    assert len(summary.failures) == 2 and capsys.readouterr() == ("", "")


# --------------------------------------------------------------------------- properties of whole runs (hypothesis)


CLI_RUNS = hsettings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
_RAW_CONTROL = frozenset(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))) - {"\n"} | {"\u2028", "\u2029"}

hostile_text = st.lists(
    st.one_of(
        st.sampled_from([SHOSTKA, KHARKIV, UNDATED, "<script", "[", "<!--", "**a ", "<div>", "</span>", "\x1b[2J"]),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.characters(max_codepoint=0x9F),
        st.text(max_size=20),
    ),
    max_size=12,
).map("".join)
hostile_file = st.one_of(
    st.tuples(
        st.sampled_from([".txt", ".md", ".html"]), hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
    ),
    st.tuples(
        st.just(".jsonl"),
        st.lists(st.fixed_dictionaries({"id": hostile_text, "text": hostile_text}), max_size=3).map(
            lambda rs: "\n".join(json.dumps(r) for r in rs).encode()
        ),
    ),
    st.tuples(st.sampled_from([".txt", ".html"]), st.binary(max_size=200)),
)
file_name = st.sampled_from(["a", "b c", "evil\x1b[1m", "rtl\u202e", "line\nbreak", "ünï", "-dash"])


def _run_captured(argv: list[str]) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@CLI_RUNS
@given(files=st.lists(st.tuples(file_name, hostile_file), min_size=1, max_size=4))
def test_extract_run_properties(
    files: list[tuple[str, tuple[str, bytes]]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Whatever the inputs: exit 0 or 1, one escaped ``geomap:`` line per message, the output written
    and readable, exit 1 exactly when something failed."""
    folder = tmp_path_factory.mktemp("cli-run")
    news = folder / "news"
    news.mkdir()
    for i, (name, (suffix, data)) in enumerate(files):
        (news / f"{i}-{name}{suffix}").write_bytes(data)
    out = folder / "events.geojson"
    code, stdout, stderr = _run_captured(["extract", str(news), "-o", str(out), "--fast", "-q"])
    lines = stderr.splitlines()
    assert code in (0, 1) and stdout == ""
    assert lines and all(line.startswith("geomap: ") for line in lines), stderr
    assert not (set(stderr) & _RAW_CONTROL), repr(stderr)
    summary = lines[-1]
    failed = int(summary.split(" event(s) found, ")[1].split(" failure(s)")[0])
    assert (code == 1) == (failed > 0)
    from geomap.io import read_events

    assert len(read_events(out)) == int(summary.split(" article(s) read, ")[1].split(" event(s)")[0])


@CLI_RUNS
@given(
    data=st.lists(
        st.one_of(st.binary(max_size=30), hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass"))), max_size=8
    )
)
def test_geocode_file_run_properties(data: list[bytes], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Any query file: one JSON object per line, exit 0 or 1, never a traceback."""
    from geomap.ingest.readers import decode_lines

    f = tmp_path_factory.mktemp("geocode") / "q.txt"
    f.write_bytes(b"\n".join(data))
    code, stdout, stderr = _run_captured(["geocode", "--json", "--file", str(f)])
    assert code in (0, 1) and "Traceback" not in stderr
    rows = [json.loads(line) for line in stdout.splitlines()]
    assert len(rows) == len(decode_lines(f.read_bytes()))
    assert all(set(r) >= {"query", "match", "alternatives"} for r in rows)
    assert (code == 1) == any("error" in r for r in rows)
