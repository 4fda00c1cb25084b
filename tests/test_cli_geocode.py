"""`geomap geocode` on good and bad input: one line per problem, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geomap import settings
from geomap.cli import main
from geomap.gazetteer import Gazetteer

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data" / "gazetteer"
KREMENCHUK, SHOSTKA = 704147, 693942


pytestmark = pytest.mark.usefixtures("bundled_gazetteer")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict], str]:
    code = main(["geocode", "--json", *argv])
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert "Traceback" not in err
    return code, rows, err


def test_json_answers(capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, err = run(capsys, "Kremenchuk", "Stanislav, Kherson Oblast", "Sumy Oblast")
    assert code == 0 and err == ""
    assert [r["query"] for r in rows] == ["Kremenchuk", "Stanislav, Kherson Oblast", "Sumy Oblast"]
    assert rows[0]["match"]["geonameid"] == KREMENCHUK
    assert rows[1]["match"]["admin1"] == "08"
    assert rows[2]["match"]["kind"] == "admin1"
    for r in rows:
        assert set(r) == {"query", "match", "alternatives"}


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["geocode", "Kremenchuk", "nonexistent qqq"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and out[0].startswith("query")
    assert "Kremenchuk" in out[1] and "Poltava Oblast" in out[1]
    assert "(no match)" in out[2]


def test_country_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, _ = run(capsys, "--country", "ua", "Smolensk", "Kremenchuk")
    assert code == 0
    assert rows[0]["match"] is None or rows[0]["match"]["country_code"] == "UA"
    assert rows[1]["match"]["geonameid"] == KREMENCHUK


@pytest.mark.parametrize("query", ["", "   ", "!!!", "?!.,;:", "()", "’’", "—"])
def test_empty_or_punctuation_is_match_null(capsys: pytest.CaptureFixture[str], query: str) -> None:
    code, rows, err = run(capsys, query)
    assert code == 0 and err == ""
    assert rows == [{"query": query, "match": None, "alternatives": []}]


def test_ten_kilobytes_of_text(capsys: pytest.CaptureFixture[str]) -> None:
    big = ("Kremenchuk was struck again. " * 400)[:10_240]
    code, rows, err = run(capsys, big, "Shostka")
    assert code == 1
    assert len(rows) == 2
    assert rows[0]["match"] is None and "limit" in rows[0]["error"]
    assert rows[1]["match"]["geonameid"] == SHOSTKA
    assert len(err.splitlines()) == 1 and err.startswith("geomap: argument: ")


def test_unknown_country_code_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14 item 8: ``--country XX`` is a usage error (exit 2, one line), not two failed queries."""
    code, rows, err = run(capsys, "--country", "XX", "Kremenchuk", "Shostka")
    assert code == 2 and rows == []
    assert len(err.splitlines()) == 1 and "'XX'" in err and "country code" in err


def test_no_query_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["geocode"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("geomap: ")


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["geocode", "--file", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "nope.txt" in err


def test_batch_with_bad_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = [
        b"Kremenchuk",
        b"",
        b"\xff\xfe\x00\x01\x02\x80\x81",
        b"!!!",
        b"x" * 5000,
        b"Stanislav, Kherson Oblast",
        b"nonexistent qqq",
        b"Shostka",
        "Миколаїв".encode(),
        b"Kremenchuk\r",
    ]
    f = tmp_path / "batch.txt"
    f.write_bytes(b"\n".join(lines) + b"\n")
    code, rows, err = run(capsys, "--file", str(f))
    assert code == 1  # the over-long line failed
    assert len(rows) == len(lines)
    assert rows[0]["match"]["geonameid"] == KREMENCHUK
    assert rows[1]["match"] is None
    assert rows[3]["match"] is None
    assert rows[4]["match"] is None and "error" in rows[4]
    assert rows[5]["match"]["admin1"] == "08"
    assert rows[6]["match"] is None
    assert rows[7]["match"]["geonameid"] == SHOSTKA
    assert rows[8]["match"]["name"].startswith("Myk")
    assert rows[9]["match"]["geonameid"] == KREMENCHUK  # CRLF line ending
    assert err.splitlines() == [e for e in err.splitlines() if e.startswith(f"geomap: {f}:5: ")]


def test_arguments_then_file_in_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "q.txt"
    f.write_text("Shostka\nKremenchuk\n", encoding="utf-8")
    _, rows, _ = run(capsys, "Smolensk", "--file", str(f))
    assert [r["query"] for r in rows] == ["Smolensk", "Shostka", "Kremenchuk"]


def test_one_object_per_line_with_unicode_separators(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = ["Kremenchuk", "ab\x0ccd", "x\x85y", "Shostka\u2028Sumy", "a\x1cb", "Shostka"]
    f = tmp_path / "sep.txt"
    f.write_bytes("\n".join(lines).encode("utf-8") + b"\n")
    _, rows, _ = run(capsys, "--file", str(f))
    assert len(rows) == len(lines)
    assert rows[-1]["match"]["geonameid"] == SHOSTKA


def test_binary_file_never_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "blob.bin"
    f.write_bytes(bytes(range(256)) * 8 + b"\nKremenchuk\n")
    code, rows, err = run(capsys, "--file", str(f))
    assert code in (0, 1)
    assert rows and rows[-1]["match"]["geonameid"] == KREMENCHUK


@pytest.mark.parametrize("content", [b"", b"garbage", b"PK\x03\x04garbage", b"\x93NUMPY"])
def test_corrupt_gazetteer_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    (tmp_path / "places.npz").write_bytes(content)
    monkeypatch.setattr(settings, "gazetteer_dir", tmp_path)
    assert main(["geocode", "--json", "Kremenchuk"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(f"geomap: {tmp_path / 'places.npz'}: ") and "rebuild" in err


def test_missing_gazetteer_via_env(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEOMAP_GAZETTEER_DIR", str(tmp_path / "none"))
    assert main(["geocode", "Kremenchuk"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "not found" in err


def _subprocess(
    args: list[str], env_dir: Path | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    env.pop("GEOMAP_GAZETTEER_DIR", None)
    if env_dir is not None:
        env["GEOMAP_GAZETTEER_DIR"] = str(env_dir)
    return subprocess.run(
        [sys.executable, "-m", "geomap.cli", "geocode", *args],
        env=env,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_subprocess_corrupt_gazetteer_env(tmp_path: Path) -> None:
    (tmp_path / "places.npz").write_bytes(b"\x00" * 1000)
    p = _subprocess(["Kremenchuk"], env_dir=tmp_path)
    assert p.returncode == 2 and p.stdout == b""
    assert b"Traceback" not in p.stderr and len(p.stderr.splitlines()) == 1


def test_subprocess_stdin_batch() -> None:
    p = _subprocess(["--json", "--file", "-"], stdin=b"Kremenchuk\n\xff\xfe\nShostka\n")
    assert p.returncode == 0, p.stderr
    rows = [json.loads(x) for x in p.stdout.decode("utf-8").splitlines()]
    assert [r["match"] and r["match"]["geonameid"] for r in rows][::2] == [KREMENCHUK, SHOSTKA]
    assert len(rows) == 3


def test_subprocess_gazetteer_without_loose_index(tmp_path: Path) -> None:
    import numpy as np

    with np.load(DATA / "places.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files if not k.startswith("loose_")}
    np.savez(tmp_path / "places.npz", **arrays)
    p = _subprocess(["--json", "Kremenchuq", "Shostka"], env_dir=tmp_path)
    assert b"Traceback" not in p.stderr
    assert len(p.stderr.splitlines()) <= 2


def test_default_gazetteer_is_restored() -> None:
    assert Gazetteer.default().path == DATA / "places.npz"


@pytest.mark.parametrize(
    ("anchor", "context"),
    [("Kalmiuske", True), ("Dokuchaievsk", True), ("Kostiantynopil, Donetsk Oblast", True), ("Kalmiuske", False)],
)
def test_context_resolves_the_queries_together(capsys: pytest.CaptureFixture[str], anchor: str, context: bool) -> None:
    from geomap.gazetteer import Gazetteer

    gaz = Gazetteer.default()
    big = ("Kremenchuk was struck again. " * 400)[:10_240]  # a failed query does not stop the batch
    argv = ["Andriivka, Donetsk Oblast", big, anchor]
    code, rows, _ = run(capsys, *(["--context"] if context else []), *argv)
    assert code == 1 and rows[1]["match"] is None
    expected = gaz.resolve_many([argv[0], anchor]) if context else [gaz.resolve(argv[0]), gaz.resolve(anchor)]
    assert [rows[0], rows[2]] == [r.to_dict() for r in expected]
    if context:  # the Andriivka chosen is the one near the anchor, not the largest
        assert rows[0]["match"]["geonameid"] != gaz.resolve(argv[0]).match.geonameid
