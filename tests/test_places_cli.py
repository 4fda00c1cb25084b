"""Tests of ``geomap places``."""

from __future__ import annotations

import json

from geomap.cli import main


def test_places_json_and_bad_input(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text("Overnight, Russian drones struck Kremenchuk, officials said.\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("Notes about Kyiv.\n", encoding="utf-8")
    rc = main(["places", str(tmp_path), str(tmp_path / "missing.txt"), "--json", "--fast"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert len(err.strip().splitlines()) == 1 and "missing.txt" in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["text"] for r in rows] == ["Kremenchuk"]  # README.md in a directory skipped
    assert rows[0]["doc"] == "a" and rows[0]["match"]["name"] == "Kremenchuk"
    assert good.read_text(encoding="utf-8")[rows[0]["start"] : rows[0]["end"]] == "Kremenchuk"


def test_places_table(tmp_path, capsys):
    f = tmp_path / "b.txt"
    f.write_text("Missiles hit the village of Stanislav in Kherson Oblast.\n", encoding="utf-8")
    assert main(["places", str(f), "--fast"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["doc", "start", "text"]
    assert any("Stanislav" in line and "Kherson" in line for line in out[1:])
