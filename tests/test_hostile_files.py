"""Issue 14 item 11, the file side: data on disk before the rename, no temp folders left behind
by killed writers, files that belong together replaced together."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geomap import _fileio
from geomap._fileio import atomic_path, write_text_atomic


def test_data_is_flushed_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without fsync a power cut after the rename could leave an empty file in place of the old one."""
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync " + os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def replace(src: object, dst: object) -> None:
        calls.append(f"replace {dst}")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    target = tmp_path / "out.geojson"
    write_text_atomic(target, "{}")
    assert target.read_text() == "{}"
    i = calls.index(f"replace {target}")
    assert any(c.startswith("fsync ") and c.endswith("/out.geojson") for c in calls[:i])  # the file, before
    assert f"fsync {tmp_path}" in calls[i:]  # the directory entry, after


def _leftover(folder: Path, name: str, pid: int, age: float = 0) -> Path:
    tmp = folder / f".{name}.geomap-tmp-{pid}-abc123"
    tmp.mkdir()
    (tmp / name).write_text("half written")
    if age:
        os.utime(tmp, (time.time() - age, time.time() - age))
    return tmp


def _dead_pid() -> int:
    p = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(p.stdout)


def test_stale_temp_folders_of_killed_writers_are_removed(tmp_path: Path) -> None:
    """A kill -9 mid-write left ``.name.XXXX`` folders beside the outputs forever."""
    dead = _leftover(tmp_path, "m.html", _dead_pid())
    old = _leftover(tmp_path, "x.csv", os.getppid(), age=2 * 24 * 3600)
    live = _leftover(tmp_path, "y.csv", os.getppid())  # a writer still running
    users = tmp_path / ".m.html.backup"  # not ours
    users.mkdir()
    write_text_atomic(tmp_path / "m.html", "<html></html>")
    assert not dead.exists() and not old.exists()
    assert live.exists() and users.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, users.name, "m.html"])


def test_failed_write_leaves_no_temp_and_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("new")
        raise RuntimeError("driver failed")
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]


def test_files_that_belong_together_are_replaced_together(tmp_path: Path) -> None:
    html, geojson = tmp_path / "m.html", tmp_path / "m.geojson"
    html.write_text("old map")
    geojson.write_text("old events")
    with pytest.raises(RuntimeError), _fileio.atomic_paths([geojson, html]) as (tmp_geojson, tmp_html):
        tmp_geojson.write_text("new events")
        raise RuntimeError("the map failed")
    assert (html.read_text(), geojson.read_text()) == ("old map", "old events")
    with _fileio.atomic_paths([geojson, html]) as (tmp_geojson, tmp_html):
        tmp_geojson.write_text("new events")
        tmp_html.write_text("new map")
    assert (html.read_text(), geojson.read_text()) == ("new map", "new events")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.geojson", "m.html"]
