"""`geomap places` offsets point into the text as given (the file's characters, the JSONL text field)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geomap.cli import main

CASES = [
    ("spaces.txt", "Published 2 May 2024\n\nRussian    drones   struck   Sumy overnight.\n"),
    ("blank-lines.txt", "Published 2 May 2024\n\n\n\n\nA missile hit  Odesa on May 1.\n\n\n\nShelling hit Kherson.\n"),
    ("nbsp.txt", "Published 2 May 2024\n\nDrones\u00a0\u00a0hit Kharkiv and\t\tSumy.\n"),
    ("clean.txt", "Published 2 May 2024\n\nDrones hit Kharkiv.\n"),
]


@pytest.mark.parametrize(("name", "text"), CASES)
def test_offsets_index_the_file_as_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert main(["places", str(path), "--json", "--fast"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows
    for row in rows:
        assert text[row["start"] : row["end"]] == row["text"]


def test_offsets_index_the_jsonl_text_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    given = "Published 2 May 2024\n\n\n\nRussian   drones hit    Kherson   and Mykolaiv.\n"
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "a", "text": given}) + "\n", encoding="utf-8")
    assert main(["places", str(path), "--json", "--fast"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["text"] for r in rows} >= {"Kherson", "Mykolaiv"}
    for row in rows:
        assert given[row["start"] : row["end"]] == row["text"]
