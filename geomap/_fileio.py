"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every writer in geomap (exports, maps, offline assets, gazetteer and boundary builds,
caches) goes through :func:`atomic_path` (or :func:`atomic_paths` for files that belong
together, such as a map's ``.html`` and ``.geojson``): it hands out a path of the same file
name in a fresh temporary directory beside the target (so drivers that add side files or
look at the extension behave as usual), and moves the result onto the target with
:func:`os.replace` only when the block ends without an exception.

Before the move the new file's data is flushed to disk (``fsync``), and after it the
directory entry, so a power cut leaves the old file or the whole new one, never an empty
one. The temporary directory is named ``.<name>.geomap-tmp-<pid>-<random>``: one left
behind by a killed process (its pid is gone, or it is a day old) is removed by the next
write beside it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

__all__ = ["atomic_path", "atomic_paths", "clean_stale_temps", "write_bytes_atomic", "write_text_atomic"]

_TMP_TAG = ".geomap-tmp-"
_STALE_RE = re.compile(r"^\..*\.geomap-tmp-(\d+)-[^/]+$")
_STALE_AGE = 24 * 3600  # seconds: a temp folder this old is stale whatever its pid says


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's live process
        return True
    return True


def clean_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary folders that killed writers left in ``folder``; returns them.

    Only folders named as :func:`atomic_path` names them are touched, and only when
    the process that made them is gone or they are over a day old.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = _STALE_RE.match(entry.name)
        if not m:
            continue
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            old = now - entry.stat(follow_symlinks=False).st_mtime > _STALE_AGE
        except OSError:
            continue
        if old or not _alive(int(m.group(1))):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def _fsync_file(path: Path) -> None:
    """Flush a written file's data to disk (directories and missing side files are skipped)."""
    if not path.is_file():
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Flush a directory's entries (after a rename); not every file system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_paths(paths: Sequence[str | os.PathLike[str]], *, make_parents: bool = False) -> Iterator[list[Path]]:
    """Yield temporary paths to write the new content of several files that belong together.

    On success every temporary file is flushed to disk first, then all are moved onto
    their targets one right after the other (no work between the renames), so a
    failure while writing any of them leaves every target as it was. On any exception
    the temporary files are removed.

    Raises
    ------
    OSError
        A directory cannot be created or written, or a write failed.
    """
    targets = [Path(p) for p in paths]
    with ExitStack() as stack:
        tmps: list[Path] = []
        folders: dict[Path, Path] = {}
        for target in targets:
            if make_parents:
                target.parent.mkdir(parents=True, exist_ok=True)
            parent = target.parent
            if parent not in folders:
                clean_stale_temps(parent)
                prefix = f".{target.name}{_TMP_TAG}{os.getpid()}-"
                folders[parent] = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=parent, prefix=prefix)))
            tmps.append(folders[parent] / target.name)
        if len(set(tmps)) != len(tmps):
            raise ValueError(f"two outputs with the same file name in one folder: {[str(t) for t in targets]}")
        yield tmps
        for tmp in tmps:
            _fsync_file(tmp)
        for tmp, target in zip(tmps, targets):
            os.replace(tmp, target)
        for parent in folders:
            _fsync_dir(parent)


@contextmanager
def atomic_path(path: str | os.PathLike[str], *, make_parents: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write ``path``'s new content to.

    On success the temporary file is flushed to disk and replaces ``path``; on any
    exception it is removed and ``path`` is left as it was. ``make_parents`` creates
    missing directories.

    Raises
    ------
    OSError
        The directory cannot be created or written, or the write failed.
    """
    with atomic_paths([path], make_parents=make_parents) as (tmp,):
        yield tmp


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *, make_parents: bool = False) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path, make_parents=make_parents) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: str | os.PathLike[str], text: str, *, make_parents: bool = False) -> None:
    """Write ``text`` as UTF-8 with ``\\n`` line ends to ``path`` atomically."""
    with atomic_path(path, make_parents=make_parents) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
